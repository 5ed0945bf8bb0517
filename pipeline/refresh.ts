// `npm run refresh-data -- <step>`: the monthly refresh, one step at a time, exactly as the
// data workflow runs it (.github/workflows/data.yml).
//   pipeline  run the pipeline on the live sources into a staging folder (`--out`); without
//             --latest/--month/--range, every month from REFRESH_FIRST_MONTH (default
//             2018-01) to the newest police.uk publishes (pipeline/refresh-months.ts says why)
//   validate  check the staged site data against the data committed at HEAD (approvals:
//             data/approvals.json and DATA_APPROVAL, "YYYY-MM: reason")
//   commit    if it passes and changed: put the staged files in place, record the change
//             (and any approved exception) in src/data/changes.json, spend the approvals
//             used, and make one commit naming the months added/revised
//   all       the three in order
// Published files are replaced only by `commit`, after validation: a failed or refused
// refresh leaves the repository as it was.
import { execFile, spawn } from 'node:child_process';
import { appendFile, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { changeLogSchema, EMPTY_CHANGE_LOG, type ChangeLog } from '../src/shared/change-log.ts';
import { parseOrThrow, type SiteData } from '../src/shared/schema.ts';
import { APPROVALS_PATH, readApprovals, type Approval } from './approvals.ts';
import { logSafe } from './log-safe.ts';
import { pipelinePaths, type PipelinePaths } from './paths.ts';
import { changeEntry, commitMessage, recordChange } from './provenance.ts';
import { MonthChoiceError, monthArguments } from './refresh-months.ts';
import { loadGateData, UnusableInputError, type GateInputs } from './gate-inputs.ts';
import { printReport } from './validate-cli.ts';
import { validateSiteData, type ValidationReport } from './validate.ts';
import { writeFileAtomic } from './write.ts';
import {
  helpText,
  parseCommandArgs,
  UsageError,
  type CommandSpec,
  type ParsedArgs,
} from './args.ts';

export const CHANGE_LOG_PATH = 'src/data/changes.json';
/** Default staging folder; the workflow sets REFRESH_DIR to the same. */
export const DEFAULT_REFRESH_DIR = 'data/refresh';

export const STEPS = ['pipeline', 'validate', 'commit', 'all'] as const;
export type Step = (typeof STEPS)[number];

export interface RefreshOptions {
  /** The repository's working tree. */
  root: string;
  /** Staging folder, relative to root: the pipeline's --out. */
  stageDir: string;
  /** Extra pipeline arguments (e.g. --range FROM TO); without months, refresh-months.ts chooses. */
  pipelineArgs: readonly string[];
  /** Environment for the pipeline (source base URLs) and GitHub outputs. */
  env: Readonly<Record<string, string | undefined>>;
  log: (line: string) => void;
  /** Pass --quiet to the pipeline: no notes or progress. */
  quiet?: boolean;
}

export class RefreshError extends Error {}

/** The files a refresh publishes: staged path -> committed path. */
function publishedFiles(staged: PipelinePaths, published: PipelinePaths) {
  return [
    { from: staged.siteData, to: published.siteData, required: true },
    { from: staged.mapData, to: published.mapData, required: false },
    { from: staged.wardShapes, to: published.wardShapes, required: false },
    { from: staged.postcodeIndex, to: published.postcodeIndex, required: false },
  ];
}

/** The yearly record files, their README and manifest (pipeline/downloads.ts), as staged. */
async function downloadFiles(staged: PipelinePaths, published: PipelinePaths) {
  const names = await readdir(staged.downloads.dir).catch(() => [] as string[]);
  return [
    { from: staged.downloads.manifest, to: published.downloads.manifest, required: false },
    ...names.map((name) => ({
      from: path.join(staged.downloads.dir, name),
      to: path.join(published.downloads.dir, name),
      required: false,
    })),
  ];
}

function paths(options: RefreshOptions) {
  return {
    staged: pipelinePaths({ root: options.root, out: options.stageDir }),
    published: pipelinePaths({ root: options.root }),
  };
}

/** Step 1: run the pipeline (live sources, not --offline) into the staging folder. */
export async function pipelineStep(options: RefreshOptions): Promise<void> {
  const { staged, published } = paths(options);
  // Outputs of an earlier run must not pass for this run's; the caches stay.
  for (const { from } of publishedFiles(staged, published)) await rm(from, { force: true });
  await rm(staged.runSummary, { force: true });
  await rm(staged.downloads.dir, { recursive: true, force: true });
  await rm(staged.downloads.manifest, { force: true });
  // Months come from what the fetch step keeps in the staged cache, never from the sample.
  const input = options.pipelineArgs.includes('--archive-dir')
    ? []
    : ['--archive-dir', path.relative(options.root, staged.sources.archiveDir)];
  await mkdir(staged.sources.archiveDir, { recursive: true });
  const months = await monthArguments({ ...options, ref: 'HEAD' });
  const args = [
    'run',
    '--silent',
    'pipeline',
    '--',
    '--out',
    options.stageDir,
    ...input,
    ...months,
    ...options.pipelineArgs,
    ...(options.quiet ? ['--quiet'] : []),
  ];
  options.log(`Running: npm ${args.join(' ')}`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npm', args, {
      cwd: options.root,
      env: { ...process.env, ...options.env },
      // The pipeline's summary is a note here: stdout carries this command's own result.
      stdio: ['inherit', process.stderr, 'inherit'],
    });
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    throw new RefreshError(
      `The pipeline failed (exit code ${code}); nothing was validated or committed. ` +
        'Its output above says which month or source failed.',
    );
  }
}

function gateInputs(options: RefreshOptions): GateInputs {
  const { staged } = paths(options);
  return {
    candidate: path.relative(options.root, staged.siteData),
    previous: { ref: 'HEAD' },
    runSummary: path.relative(options.root, staged.runSummary),
    approvals: APPROVALS_PATH,
    // The data workflow's `approve` input ("YYYY-MM: reason"), passed through the environment.
    approve: options.env['DATA_APPROVAL'],
  };
}

/** Step 2: the validation gate on the staged data against HEAD. Throws when refused. */
export async function validateStep(
  options: RefreshOptions,
): Promise<{ report: ValidationReport; previous: SiteData | null }> {
  const data = await loadGateData(gateInputs(options), options.root);
  const report = validateSiteData(data);
  await printReport(report);
  if (!report.ok) {
    throw new RefreshError('Validation refused the new data; nothing was committed.');
  }
  return { report, previous: data.previous };
}

async function git(root: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('git', [...args], { cwd: root });
    return stdout.trim();
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new RefreshError(`git ${args.join(' ')} failed: ${stderr}`, { cause: error });
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function readChangeLog(file: string): Promise<ChangeLog> {
  if (!(await exists(file))) return EMPTY_CHANGE_LOG;
  return parseOrThrow(changeLogSchema, JSON.parse(await readFile(file, 'utf8')), file);
}

async function setOutputs(options: RefreshOptions, outputs: Record<string, string>): Promise<void> {
  const file = options.env['GITHUB_OUTPUT'];
  if (!file) return;
  const lines = Object.entries(outputs).map(([k, v]) => `${k}=${v}\n`);
  await appendFile(file, lines.join(''));
}

/**
 * Step 3: validate again (the commit must never depend on an earlier step having been run),
 * then publish and commit if anything but timestamps changed.
 */
export async function commitStep(
  options: RefreshOptions,
): Promise<{ changed: boolean; sha: string }> {
  const { report, previous } = await validateStep(options);
  const next = report.data as SiteData;
  const entry = changeEntry(previous, next);
  if (entry === null) {
    const sha = await git(options.root, ['rev-parse', 'HEAD']);
    options.log('Nothing new since the committed data: no commit.');
    await setOutputs(options, { changed: 'false', sha });
    return { changed: false, sha };
  }

  const { staged, published } = paths(options);
  const changed: string[] = [];
  const files = [...publishedFiles(staged, published), ...(await downloadFiles(staged, published))];
  for (const { from, to, required } of files) {
    if (!(await exists(from))) {
      if (required) throw new RefreshError(`The pipeline did not write ${from}.`);
      options.log(`Not staged, left as committed: ${path.relative(options.root, to)}`);
      continue;
    }
    // Replaced whole or not at all (temp file + rename).
    await writeFileAtomic(to, await readFile(from));
    changed.push(path.relative(options.root, to));
  }
  const changeLogFile = path.join(options.root, CHANGE_LOG_PATH);
  if (report.approved.length > 0) entry.exceptions = report.approved;
  const log = recordChange(await readChangeLog(changeLogFile), entry);
  await writeFileAtomic(changeLogFile, `${JSON.stringify(log, null, 2)}\n`);
  changed.push(CHANGE_LOG_PATH);
  if (await spendApprovals(options.root, report.usedApprovals)) changed.push(APPROVALS_PATH);

  const message = commitMessage(entry);
  const messageFile = path.join(options.root, options.stageDir, 'commit-message.txt');
  await writeFileAtomic(messageFile, message);
  await git(options.root, ['add', '--', ...changed]);
  await git(options.root, ['commit', '--quiet', '--file', messageFile, '--', ...changed]);
  const sha = await git(options.root, ['rev-parse', 'HEAD']);
  options.log(`Committed ${sha.slice(0, 12)}: ${message.split('\n')[0]}`);
  await setOutputs(options, { changed: 'true', sha });
  return { changed: true, sha };
}

/**
 * Remove the committed approvals this refresh used: each is spent once, so it never lets a
 * later fault in the same month through. Returns whether the file changed.
 */
async function spendApprovals(root: string, used: readonly Approval[]): Promise<boolean> {
  const file = path.join(root, APPROVALS_PATH);
  const committed = await readApprovals(file);
  const left = committed.filter(
    (a) => !used.some((u) => u.month === a.month && u.reason === a.reason),
  );
  if (left.length === committed.length) return false;
  await writeFileAtomic(file, `${JSON.stringify({ approvals: left }, null, 2)}\n`);
  return true;
}

/** Run `step`; the commit step's result (whether it committed, and HEAD) when it ran. */
export async function runStep(
  step: Step,
  options: RefreshOptions,
): Promise<{ changed: boolean; sha: string } | undefined> {
  if (step === 'pipeline' || step === 'all') await pipelineStep(options);
  if (step === 'validate') await validateStep(options);
  if (step === 'commit' || step === 'all') return commitStep(options);
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
    "Notes, progress and the pipeline's summary go to stderr; the result goes to stdout.",
  ].join('\n'),
  options: {},
  env: {
    REFRESH_DIR: `the staging folder (default ${DEFAULT_REFRESH_DIR})`,
    REFRESH_FIRST_MONTH: 'the first month the refresh fetches and backfills (default 2018-01)',
    DATA_APPROVAL: '"YYYY-MM: reason": approves what the gate refuses for that month',
    GITHUB_OUTPUT: 'a file the commit step writes changed=true|false and sha= to (GitHub Actions)',
    GITHUB_STEP_SUMMARY: 'a file the validation report is appended to (GitHub Actions)',
    POLICE_ARCHIVE_BASE_URL: 'and the other source URLs: passed to the pipeline (see its --help)',
  },
  exitCodes: {
    0: 'the step succeeded (commit: committed, or nothing new)',
    1: 'the step failed or the data was refused; nothing was committed',
    2: 'usage error',
  },
  stopAtPositional: true,
};

export async function main(argv: readonly string[]): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseCommandArgs(REFRESH_COMMAND, argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`refresh-data: ${error.message} (see --help)`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(helpText(REFRESH_COMMAND));
    return 0;
  }
  const [step, ...pipelineArgs] = args.positionals;
  if (!STEPS.includes(step as Step)) {
    console.error(`refresh-data: expected a step, one of ${STEPS.join(', ')} (see --help)`);
    return 2;
  }
  const options: RefreshOptions = {
    root: process.cwd(),
    stageDir: process.env['REFRESH_DIR'] ?? DEFAULT_REFRESH_DIR,
    pipelineArgs,
    env: process.env,
    log: args.quiet ? () => {} : (line) => console.error(logSafe(line)),
    quiet: args.quiet,
  };
  try {
    const committed = await runStep(step as Step, options);
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ step, ok: true, ...committed })}\n`);
    } else if (committed) {
      console.log(
        committed.changed ? `committed ${committed.sha}` : `no change at ${committed.sha}`,
      );
    }
    return 0;
  } catch (error) {
    const expected =
      error instanceof RefreshError ||
      error instanceof UnusableInputError ||
      error instanceof MonthChoiceError;
    if (!expected) throw error;
    console.error(logSafe(`refresh-data ${step}: ${error.message}`));
    if (args.json)
      process.stdout.write(`${JSON.stringify({ step, ok: false, error: error.message })}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
