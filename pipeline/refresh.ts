// `npm run refresh-data -- <step>`: the monthly refresh, one step at a time, exactly as the
// data workflow runs it (.github/workflows/data.yml).
//   pipeline  run the pipeline on the live sources into a staging folder (`--out`); without
//             --latest/--month/--range, every month from REFRESH_FIRST_MONTH (default
//             2018-01) to the newest police.uk publishes (pipeline/refresh-months.ts says why)
//   validate  check the staged site data against the data committed at HEAD (approvals:
//             data/approvals.json and DATA_APPROVAL, "YYYY-MM: reason")
//   commit    if it passes and changed: put the staged files in place, record the change
//             (and any approved exception) in src/data/changes.json, spend the approvals
//             used, and make one commit naming the months added/revised and giving the
//             approved exceptions and the gate's notes (under GitHub Actions, `validate`
//             also writes the notes as warning annotations)
//   all       the three in order
//   freshness the watchdog: fails when the published data's newest month is more than a
//             month behind the one police.uk normally has out (pipeline/freshness.ts)
// Published files are replaced only by `commit`, after validation: a failed or refused
// refresh leaves the repository as it was, but for a commit step whose `git commit` failed,
// which says what it left published and how to commit or restore it.
import { pathToFileURL } from 'node:url';
import { AREA_OPTION, parseCommandArgsOrExit, stringValue, type CommandSpec } from './args.ts';
import { DEBUG_ENV, printFailure, runCommand } from './command-failure.ts';
import { logSafe, logSafeJson } from './log-safe.ts';
import {
  commitStep,
  DEFAULT_REFRESH_DIR,
  freshnessStep,
  pipelineStep,
  refreshStageDir,
  validateStep,
  type RefreshOptions,
} from './refresh-steps.ts';
import { areaNameProblem } from '../src/shared/area-paths.ts';
import { errorMessage } from '../src/shared/error-message.ts';

export const STEPS = ['pipeline', 'validate', 'commit', 'all', 'freshness'] as const;
export type Step = (typeof STEPS)[number];

/** Run `step`; the commit step's result (whether it committed, and HEAD) when it ran. */
export async function runStep(
  step: Step,
  options: RefreshOptions,
): Promise<{ changed: boolean; sha: string } | undefined> {
  if (step === 'pipeline' || step === 'all') await pipelineStep(options);
  if (step === 'validate') await validateStep(options);
  if (step === 'freshness') await freshnessStep(options);
  // The workflow's validate step annotated the notes; `all` has no validate step of its own.
  if (step === 'commit' || step === 'all') return commitStep(options, { annotate: step === 'all' });
  return undefined;
}

export const REFRESH_COMMAND: CommandSpec = {
  command: 'npm run refresh-data --',
  usage: `[options] <${STEPS.join('|')}> [pipeline arguments]`,
  summary: [
    'The monthly refresh, one step at a time, as the data workflow runs it:',
    '  pipeline  run the pipeline on the live sources into the staging folder; without',
    '            --latest, --month or --range, every month from $REFRESH_FIRST_MONTH to',
    '            the newest police.uk publishes',
    '  validate  check the staged site data against the data committed at HEAD',
    '  commit    if it passes and changed: publish the staged files, record the change and commit',
    '  all       the three in order',
    "  freshness fail when the published data's newest month is more than a month behind",
    '            the one police.uk normally has out today (the watchdog, three times a week)',
    "Notes, progress, the pipeline's summary and the gate's report go to stderr (with --quiet,",
    'only errors and a refusal); the result goes to stdout.',
  ].join('\n'),
  options: { area: AREA_OPTION },
  env: {
    REFRESH_DIR:
      `the staging folder, one district's alone (default ${DEFAULT_REFRESH_DIR} for leeds, ` +
      'data/areas/SLUG/refresh for another)',
    REFRESH_FIRST_MONTH: 'the first month the refresh fetches and backfills (default 2018-01)',
    SCHEDULED_AREA:
      'the district the data workflow refreshes on schedule (the cache workflow sets it to the ' +
      "repository variable AREA; empty: leeds): the freshness step's advice for a district " +
      'behind follows it',
    AREA: 'when SCHEDULED_AREA is unset, stands for it (default leeds)',
    DATA_APPROVAL: '"YYYY-MM: reason": approves what the gate refuses for that month',
    REFRESH_TODAY:
      "YYYY-MM-DD: the day the freshness step takes as today (default: the clock's day in the UK)",
    GITHUB_OUTPUT: 'a file the commit step writes changed=true|false and sha= to (GitHub Actions)',
    GITHUB_STEP_SUMMARY: 'a file the validation report is appended to (GitHub Actions)',
    GITHUB_ACTIONS:
      "true: the validation's notes are also written as warning annotations (GitHub Actions)",
    POLICE_ARCHIVE_BASE_URL: 'and the other source URLs: passed to the pipeline (see its --help)',
    ...DEBUG_ENV,
  },
  exitCodes: {
    0: 'the step succeeded (commit: committed, or nothing new; freshness: up to date)',
    1: 'the step failed (the message says why) or the data was refused; nothing was committed (freshness: behind)',
    2: 'usage error',
  },
  stopAtPositional: true,
};

export async function main(argv: readonly string[]): Promise<number> {
  const args = parseCommandArgsOrExit('refresh-data', REFRESH_COMMAND, argv);
  if (typeof args === 'number') return args;
  const [step, ...pipelineArgs] = args.positionals;
  if (!STEPS.includes(step as Step)) {
    console.error(`refresh-data: expected a step, one of ${STEPS.join(', ')} (see --help)`);
    return 2;
  }
  if (pipelineArgs.some((a) => a === '--area' || a.startsWith('--area='))) {
    // The refresh's own paths (staging, published data, change log) follow the area too.
    console.error(
      logSafe(`refresh-data: give --area before the step: refresh-data --area SLUG ${step}`),
    );
    return 2;
  }
  const area = stringValue(args, 'area');
  const problem = area === undefined ? null : areaNameProblem(area);
  if (problem !== null) {
    console.error(logSafe(`refresh-data: --area: ${problem} (see --help)`));
    return 2;
  }
  const options: RefreshOptions = {
    root: process.cwd(),
    area,
    stageDir: process.env['REFRESH_DIR'] ?? refreshStageDir(area),
    pipelineArgs,
    env: process.env,
    log: args.quiet ? () => {} : (line) => console.error(logSafe(line)),
    quiet: args.quiet,
    // Workflow commands, on stderr beside the notes (the runner reads both streams): stdout
    // carries the result, --json's included. Made inert by noteAnnotations(), not logSafe().
    annotate:
      process.env['GITHUB_ACTIONS'] === 'true'
        ? (line) => process.stderr.write(`${line}\n`)
        : undefined,
  };
  try {
    const committed = await runStep(step as Step, options);
    if (args.json) {
      process.stdout.write(`${logSafeJson(JSON.stringify({ step, ok: true, ...committed }))}\n`);
    } else if (committed) {
      console.log(
        committed.changed ? `committed ${committed.sha}` : `no change at ${committed.sha}`,
      );
    }
    return 0;
  } catch (error) {
    // Expected or not (a bug, a parse error quoting a file), a failure is printed alike.
    const message = errorMessage(error);
    printFailure(`refresh-data ${step}: ${message}`, error);
    if (args.json)
      process.stdout.write(`${logSafeJson(JSON.stringify({ step, ok: false, error: message }))}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runCommand('refresh-data', () => main(process.argv.slice(2)));
}
