// `npm run pipeline -- [options]`: runs the pipeline's steps (pipeline/steps.ts) in order,
// with timings and counts, stages every output and renames them into place only when every
// selected step succeeded. Exit codes: 0 done, 1 a step failed (named, with its cause),
// 2 usage error.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkFetchedApart } from './inputs.ts';
import { logSafe } from './log-safe.ts';
import { loadArea } from './area.ts';
import { DEFAULT_AREA, pipelinePaths } from './paths.ts';
import { cleanUpInterruptedRuns } from './publish.ts';
import {
  createConsoleReporter,
  createQuietReporter,
  formatDuration,
  type Reporter,
} from './report.ts';
import { parseCommandArgs, stringValue, UsageError, helpText, type CommandSpec } from './args.ts';
import { FETCH_OPTIONS, fetchOptionsFromArgs } from './sources/index.ts';
import { SOURCE_ENV_VARS } from './sources/config.ts';
import type { FetchStepOptions } from './sources/fetch-step.ts';
import { buildLocalRun, type LocalRun } from './local-run.ts';
import { RunContext, type RunRecord, type Step } from './run-context.ts';
import { printSummary } from './print-summary.ts';
import { runSummaryJson } from './run-summary.ts';
import { checkStepOrder, STEPS } from './steps.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface CliOptions {
  help: boolean;
  list: boolean;
  step?: number | undefined;
  from?: number | undefined;
  to?: number | undefined;
  offline: boolean;
  /** The district (data/areas/<slug>/area.json); default DEFAULT_AREA. */
  area?: string | undefined;
  /** Default: the area's sample months. */
  archiveDir?: string | undefined;
  out?: string | undefined;
  /** Months and URL overrides for the fetch step. */
  fetch?: FetchStepOptions | undefined;
  /** No notes or progress on stderr. */
  quiet?: boolean;
  /** The run summary (run-summary.json) on stdout instead of the text summary. */
  json?: boolean;
}

export const PIPELINE_COMMAND: CommandSpec = {
  command: 'npm run pipeline --',
  usage: '[options]',
  summary:
    'Build the site data from police.uk files: fetch (unless --offline), then every step in order.\n' +
    'Notes and progress go to stderr; the run summary goes to stdout.',
  options: {
    list: { type: 'boolean', description: 'list the steps and exit' },
    step: { type: 'string', value: 'N', description: 'run only step N' },
    from: { type: 'string', value: 'N', description: 'run steps from N (default: the first)' },
    to: { type: 'string', value: 'N', description: 'run steps up to N (default: the last)' },
    offline: { type: 'boolean', description: 'no network: use local inputs only' },
    area: {
      type: 'string',
      value: 'SLUG',
      description: `the district, as data/areas/SLUG/area.json describes it (default ${DEFAULT_AREA}); outputs of another district go to data/areas/SLUG/output unless --out`,
    },
    'archive-dir': {
      type: 'string',
      value: 'DIR',
      description:
        "police.uk input in archive layout: YYYY-MM folders and/or .zip archives (default the area's sample: data/sample/archive for leeds, else data/areas/SLUG/sample/archive)",
    },
    out: { type: 'string', value: 'DIR', description: 'write every output and cache into DIR' },
    ...FETCH_OPTIONS,
  },
  env: {
    ...Object.fromEntries(
      Object.values(SOURCE_ENV_VARS).map((name) => [name, 'a source URL (as the --*-url options)']),
    ),
    SOURCE_DATE_EPOCH: "seconds since 1970: fixes the site data's generatedAt",
    PIPELINE_DEBUG: 'set to print the stack of a failure',
  },
  exitCodes: {
    [EXIT.ok]: 'done: every output written',
    [EXIT.failed]: 'a step failed (named, with its cause); no output was changed',
    [EXIT.usage]: 'usage error',
  },
};

export { UsageError };

/** A step failed; the message names the step and its cause. */
export class StepError extends Error {
  override name = 'StepError';
  readonly number: number;
  readonly step: string;

  constructor(number: number, step: string, cause: unknown) {
    super(
      `step ${number} (${step}) failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.number = number;
    this.step = step;
  }
}

export function parseCliArgs(argv: readonly string[]): CliOptions {
  const args = parseCommandArgs(PIPELINE_COMMAND, argv);
  const fetch = fetchOptionsFromArgs(args.values);
  const options: CliOptions = {
    help: args.help,
    list: args.values['list'] === true,
    step: stepNumber(stringValue(args, 'step'), '--step'),
    from: stepNumber(stringValue(args, 'from'), '--from'),
    to: stepNumber(stringValue(args, 'to'), '--to'),
    offline: args.values['offline'] === true,
    area: stringValue(args, 'area'),
    archiveDir: stringValue(args, 'archive-dir'),
    out: stringValue(args, 'out'),
    fetch: {
      ...(fetch.selection ? { selection: fetch.selection } : {}),
      overrides: fetch.overrides,
    },
    quiet: args.quiet,
    json: args.json,
  };
  if (options.offline && fetch.selection) {
    throw new UsageError('--latest, --month and --range fetch data: leave out --offline');
  }
  if (options.step !== undefined && (options.from !== undefined || options.to !== undefined)) {
    throw new UsageError('give --step, or --from/--to, not both');
  }
  if (options.from !== undefined && options.to !== undefined && options.from > options.to) {
    throw new UsageError(`--from ${options.from} is after --to ${options.to}`);
  }
  return options;
}

function stepNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > STEPS.length) {
    throw new UsageError(
      `${flag} ${value}: expected a step number from 1 to ${STEPS.length} (see --list)`,
    );
  }
  return n;
}

/** The steps the options select, with their 1-based numbers. */
export function selectSteps(
  options: Pick<CliOptions, 'step' | 'from' | 'to'>,
  steps: readonly Step[] = STEPS,
): { number: number; step: Step }[] {
  const numbered = steps.map((step, i) => ({ number: i + 1, step }));
  if (options.step !== undefined) return numbered.filter((s) => s.number === options.step);
  const from = options.from ?? 1;
  const to = options.to ?? steps.length;
  return numbered.filter((s) => s.number >= from && s.number <= to);
}

export function listSteps(steps: readonly Step[] = STEPS): string {
  return steps
    .map((s, i) => `${i + 1}. ${s.name}${s.network ? ' (network)' : ''}: ${s.description}`)
    .join('\n');
}

export interface RunDeps {
  reporter: Reporter;
  /** Repository root (reference data, default locations). Default: the working directory. */
  root?: string;
  generatedAt?: string | undefined;
  /** Threads for processing months (default: the machine's available parallelism). */
  threads?: number | undefined;
  /** Where the closing summary goes (the command line: stdout). Default: the reporter. */
  result?: ((line: string) => void) | undefined;
  /** The steps (default STEPS), for tests. */
  steps?: readonly Step[] | undefined;
}

/**
 * Run the selected steps. On success every staged output is renamed into place and the run
 * record is returned; on failure nothing is renamed (previous outputs stay) and a StepError
 * is thrown.
 */
export async function runPipeline(options: CliOptions, deps: RunDeps): Promise<RunRecord> {
  const areaSlug = options.area ?? DEFAULT_AREA;
  const area = await loadArea(areaSlug, { root: deps.root });
  const paths = pipelinePaths({ root: deps.root, out: options.out, area: areaSlug });
  checkFetchedApart(paths.sources.archiveDir, paths.sampleArchiveDir);
  const ctx = new RunContext({
    area,
    paths,
    archiveDir: path.resolve(deps.root ?? '.', options.archiveDir ?? paths.sampleArchiveDir),
    offline: options.offline,
    fetch: options.fetch,
    reporter: deps.reporter,
    generatedAt: deps.generatedAt,
    threads: deps.threads,
  });
  const r = deps.reporter;
  const steps = checkStepOrder(deps.steps ?? STEPS);
  const selected = selectSteps(options, steps);
  // The run's inputs, read once after the network steps, before the first local step.
  let local: LocalRun | undefined;
  try {
    for (const note of await cleanUpInterruptedRuns(paths)) ctx.note(note);
    for (const { number, step } of selected) {
      if (step.network && options.offline) {
        r.info(`[${number}/${steps.length}] ${step.name}: skipped (--offline)`);
        continue;
      }
      r.info(`[${number}/${steps.length}] ${step.name}: ${step.description}`);
      const started = performance.now();
      let result: string;
      try {
        result = step.network
          ? await step.run(ctx)
          : await step.run((local ??= await buildLocalRun(ctx)));
      } catch (error) {
        throw new StepError(number, step.name, error);
      }
      const ms = performance.now() - started;
      ctx.record.steps.push({ number, name: step.name, ms: Math.round(ms), result });
      r.info(`  done in ${formatDuration(ms)}: ${result}`);
    }
    await ctx.staging.writeFile(
      paths.runSummary,
      `${JSON.stringify(runSummaryJson(ctx), null, 2)}\n`,
    );
    const written = ctx.staging.paths;
    await ctx.staging.commit();
    printSummary(deps.result ?? ((line) => r.info(line)), ctx.record, written);
    return ctx.record;
  } catch (error) {
    await ctx.staging.abort();
    throw error;
  } finally {
    local?.close();
  }
}

/** SOURCE_DATE_EPOCH (seconds since 1970, the reproducible-builds convention) as ISO 8601. */
export function generatedAtFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const epoch = env['SOURCE_DATE_EPOCH'];
  if (epoch === undefined || epoch === '') return undefined;
  const seconds = Number(epoch);
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new UsageError(`SOURCE_DATE_EPOCH=${epoch}: expected whole seconds since 1970`);
  }
  return new Date(seconds * 1000).toISOString();
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: CliOptions;
  let generatedAt: string | undefined;
  try {
    options = parseCliArgs(argv);
    generatedAt = generatedAtFromEnv();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(logSafe(`pipeline: ${error.message} (see --help)`));
    return EXIT.usage;
  }
  if (options.help) {
    process.stdout.write(helpText(PIPELINE_COMMAND));
    return EXIT.ok;
  }
  if (options.list) {
    console.log(listSteps());
    return EXIT.ok;
  }
  const reporter = options.quiet
    ? createQuietReporter(process.stderr)
    : createConsoleReporter(process.stderr);
  const result = options.json ? () => {} : (line: string) => process.stdout.write(`${line}\n`);
  try {
    await runPipeline(options, { reporter, generatedAt, result });
  } catch (error) {
    console.error(
      logSafe(
        `pipeline: ${error instanceof Error ? error.message : String(error)}. ` +
          'No output was changed: every output of this run was discarded.',
      ),
    );
    if (process.env['PIPELINE_DEBUG'] && error instanceof Error)
      console.error(logSafe(error.stack ?? ''));
    return EXIT.failed;
  }
  if (options.json) {
    const paths = pipelinePaths({ out: options.out, area: options.area });
    process.stdout.write(await readFile(paths.runSummary, 'utf8'));
  }
  return EXIT.ok;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
