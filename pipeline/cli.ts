// `npm run pipeline -- [options]`: runs the pipeline's steps (pipeline/steps.ts) in order,
// with timings and counts, stages every output and renames them into place only when every
// selected step succeeded. Exit codes: 0 done, 1 a step failed (named, with its cause),
// 2 usage error.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEBUG_ENV, printFailure, runCommand } from './command-failure.ts';
import { checkFetchedApart } from './inputs.ts';
import { logSafe, logSafeJson } from './log-safe.ts';
import { loadArea } from './area.ts';
import { DEFAULT_AREA, pipelinePaths, type PipelinePaths } from './paths.ts';
import { checkOutFolder } from './out-folder.ts';
import { cleanUpInterruptedRuns } from './publish.ts';
import {
  createConsoleReporter,
  createQuietReporter,
  formatDuration,
  type Reporter,
} from './report.ts';
import {
  helpText,
  listValue,
  parseCommandArgs,
  stringValue,
  UsageError,
  type CommandSpec,
} from './args.ts';
import { FETCH_OPTIONS, fetchOptionsFromArgs } from './sources/fetch-options.ts';
import { SOURCE_ENV_VARS } from './sources/config.ts';
import type { FetchStepOptions } from './sources/fetch-step.ts';
import { ForceFileReads, type ForceFileRead } from './force-file-reads.ts';
import { RunDownloads, type ForceFileDownload } from './sources/run-downloads.ts';
import { buildLocalRun, type LocalRun } from './local-run.ts';
import { DistrictError, RunContext, type RunRecord, type Step } from './run-context.ts';
import { printSummary } from './print-summary.ts';
import { runSummaryJson } from './run-summary.ts';
import { checkStepOrder, STEPS } from './steps.ts';
import { errorMessage } from '../src/shared/error-message.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2, summaryUnread: 3 } as const;

export interface CliOptions {
  help: boolean;
  list: boolean;
  step?: number | undefined;
  from?: number | undefined;
  to?: number | undefined;
  offline: boolean;
  /** The district (data/areas/<slug>/area.json); default DEFAULT_AREA. */
  area?: string | undefined;
  /**
   * The districts of a run for several (given, `area` is ignored): each force file is read
   * once for all of them. With --out DIR, each writes into DIR/<slug>.
   */
  areas?: readonly string[] | undefined;
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
      multiple: true,
      description:
        `the district, as data/areas/SLUG/area.json describes it (default ${DEFAULT_AREA}); outputs of another district go to data/areas/SLUG/output unless --out. ` +
        'Several (--area A --area B, or --area A,B): one run reads each force file once for all of them; with --out DIR each writes into DIR/SLUG; nothing is published until every step has succeeded for every district, then the outputs are renamed into place, one district after another',
    },
    'archive-dir': {
      type: 'string',
      value: 'DIR',
      description:
        "police.uk input in archive layout: YYYY-MM folders and/or .zip archives (default the area's sample: data/sample/archive for leeds, else data/areas/SLUG/sample/archive)",
    },
    out: {
      type: 'string',
      value: 'DIR',
      description:
        'write every output and cache into DIR: a folder you can write to, created if missing (checked before the run starts)',
    },
    ...FETCH_OPTIONS,
  },
  env: {
    ...Object.fromEntries(
      Object.values(SOURCE_ENV_VARS).map((name) => [name, 'a source URL (as the --*-url options)']),
    ),
    SOURCE_DATE_EPOCH: "seconds since 1970: fixes the site data's generatedAt",
    ...DEBUG_ENV,
  },
  exitCodes: {
    [EXIT.ok]: 'done: every output written',
    [EXIT.failed]: 'a step failed (named, with its cause); no output was changed',
    [EXIT.usage]: 'usage error',
    [EXIT.summaryUnread]:
      'every output written, but the run summary could not be read back for --json (said on stderr)',
  },
};

export { UsageError };

/** A step failed; the message names the step (and the district, in a run for several) and its cause. */
export class StepError extends Error {
  override name = 'StepError';
  readonly number: number;
  readonly step: string;

  constructor(number: number, step: string, cause: unknown, area?: string) {
    super(
      `step ${number} (${step}) failed${area === undefined ? '' : ` for ${area}`}: ` +
        errorMessage(cause),
      { cause },
    );
    this.number = number;
    this.step = step;
  }
}

export function parseCliArgs(argv: readonly string[]): CliOptions {
  const args = parseCommandArgs(PIPELINE_COMMAND, argv);
  const fetch = fetchOptionsFromArgs(args.values);
  const areas = listValue(args, 'area');
  const options: CliOptions = {
    help: args.help,
    list: args.values['list'] === true,
    step: stepNumber(stringValue(args, 'step'), '--step'),
    from: stepNumber(stringValue(args, 'from'), '--from'),
    to: stepNumber(stringValue(args, 'to'), '--to'),
    offline: args.values['offline'] === true,
    area: areas?.[0],
    areas: areas !== undefined && areas.length > 1 ? areas : undefined,
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
  if ((options.areas?.length ?? 1) > 1) {
    throw new UsageError('runPipeline runs one district: use runAreas for several');
  }
  const [run] = (await runAreas(options, deps)).areas;
  return run!.record;
}

/** What a run for one district or several did. */
export interface AreasRun {
  areas: { area: string; record: RunRecord; paths: PipelinePaths }[];
  /** Each police.uk file the run opened, with how many times (once, for a street file). */
  forceFiles: ForceFileRead[];
  /** Each police.uk file the run downloaded (online), with how many times. */
  downloads: ForceFileDownload[];
}

/** The districts of a run: `areas`, else `area`, else the default. */
export function runAreaSlugs(options: Pick<CliOptions, 'area' | 'areas'>): string[] {
  return options.areas !== undefined && options.areas.length > 0
    ? [...options.areas]
    : [options.area ?? DEFAULT_AREA];
}

/** Where a district of the run writes: --out DIR itself for one, DIR/<slug> for several. */
export function runAreaPaths(
  options: Pick<CliOptions, 'area' | 'areas' | 'out'>,
  area: string,
  root?: string,
): PipelinePaths {
  const several = runAreaSlugs(options).length > 1;
  const out = options.out !== undefined && several ? path.join(options.out, area) : options.out;
  return pipelinePaths({ root, out, area });
}

/**
 * Run the selected steps for each district of the run, in the order given. A step runs for
 * every district before the next step; the steps that read police.uk files (postcodes,
 * months, stop-search: Step.runTogether) run for all of them at once, so such a step reads
 * each file once and gives its rows to every district that reads it.
 * All or nothing: the outputs are renamed into place, district by district, only when every
 * selected step succeeded for every district; when one fails, no district's outputs change
 * and a StepError names the step and the district.
 */
export async function runAreas(options: CliOptions, deps: RunDeps): Promise<AreasRun> {
  if (options.out !== undefined) await checkOutFolder(path.resolve(deps.root ?? '.', options.out));
  const slugs = runAreaSlugs(options);
  const several = slugs.length > 1;
  const reads = new ForceFileReads();
  const downloads = new RunDownloads();
  const contexts: RunContext[] = [];
  for (const slug of slugs) {
    const area = await loadArea(slug, { root: deps.root });
    const paths = runAreaPaths(options, slug, deps.root);
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
      reads,
      downloads,
    });
    // What area.json says of its reference files is checked before anything is downloaded.
    await ctx.geography();
    contexts.push(ctx);
  }
  const r = deps.reporter;
  const steps = checkStepOrder(deps.steps ?? STEPS);
  const selected = selectSteps(options, steps);
  // The run's inputs, read once after the network steps, before the first local step.
  let locals: LocalRun[] | undefined;
  const localRuns = async () => {
    if (locals === undefined) {
      const built: LocalRun[] = [];
      try {
        for (const ctx of contexts) built.push(await buildLocalRun(ctx));
      } catch (error) {
        for (const local of built) local.close();
        throw error;
      }
      locals = built;
    }
    return locals;
  };
  const forArea = (ctx: RunContext) => (several ? ctx.area.config.slug : undefined);
  try {
    for (const ctx of contexts) {
      for (const note of await cleanUpInterruptedRuns(ctx.paths)) ctx.note(note);
    }
    for (const { number, step } of selected) {
      if (step.network && options.offline) {
        r.info(`[${number}/${steps.length}] ${step.name}: skipped (--offline)`);
        continue;
      }
      r.info(`[${number}/${steps.length}] ${step.name}: ${step.description}`);
      /** `run`'s result, or a StepError naming this step (and the district) with its cause. */
      const attempt = async <T>(run: () => Promise<T>, area?: string): Promise<T> => {
        try {
          return await run();
        } catch (error) {
          // A step run for several districts at once names the one that failed.
          if (error instanceof DistrictError) {
            throw new StepError(number, step.name, error.cause, several ? error.area : area);
          }
          throw new StepError(number, step.name, error, area);
        }
      };
      const record = (ctx: RunContext, started: number, result: string) => {
        const ms = performance.now() - started;
        ctx.record.steps.push({ number, name: step.name, ms: Math.round(ms), result });
        r.info(
          `  done${several ? ` for ${ctx.area.config.slug}` : ''} in ${formatDuration(ms)}: ${result}`,
        );
      };
      if (step.network) {
        const together = step.runTogether?.bind(step);
        if (several && together) {
          const started = performance.now();
          const results = await attempt(() => together(contexts), slugs.join(', '));
          contexts.forEach((ctx, i) => record(ctx, started, results[i]!));
          continue;
        }
        for (const ctx of contexts) {
          const started = performance.now();
          record(ctx, started, await attempt(() => step.run(ctx), forArea(ctx)));
        }
        continue;
      }
      const started = performance.now();
      const runs = await attempt(localRuns);
      const together = step.runTogether?.bind(step);
      if (several && together) {
        const results = await attempt(() => together(runs), slugs.join(', '));
        contexts.forEach((ctx, i) => record(ctx, started, results[i]!));
        continue;
      }
      for (const [i, run] of runs.entries()) {
        const ctx = contexts[i]!;
        const from = i === 0 ? started : performance.now();
        record(ctx, from, await attempt(() => step.run(run), forArea(ctx)));
      }
    }
    const written: string[][] = [];
    for (const ctx of contexts) {
      await ctx.staging.writeFile(
        ctx.paths.runSummary,
        `${JSON.stringify(runSummaryJson(ctx), null, 2)}\n`,
      );
      written.push(ctx.staging.paths);
    }
    for (const ctx of contexts) await ctx.staging.commit();
    // The summary quotes data (a dropped row's field): safe for the log whoever prints it.
    const print = deps.result ?? ((text: string) => r.info(text));
    const line = (text: string) => print(logSafe(text));
    contexts.forEach((ctx, i) => {
      if (several) line(`\n${ctx.area.config.slug}:`);
      printSummary(line, ctx.record, written[i]!);
    });
    const forceFiles = reads.list();
    if (several) line(forceFileLine(forceFiles, downloads.list(), slugs));
    return {
      areas: contexts.map((ctx, i) => ({ area: slugs[i]!, record: ctx.record, paths: ctx.paths })),
      forceFiles,
      downloads: downloads.list(),
    };
  } catch (error) {
    for (const ctx of contexts) await ctx.staging.abort();
    throw error;
  } finally {
    for (const local of locals ?? []) local.close();
  }
}

/**
 * The closing line of a run for several districts: the force files it read, and how often,
 * and online the ones it downloaded. A police.uk file is counted by its name: online, each
 * district reads the copy in its own cache, and two copies of one file are one file read twice.
 */
export function forceFileLine(
  files: readonly ForceFileRead[],
  downloads: readonly ForceFileDownload[],
  slugs: readonly string[],
): string {
  const byName = new Map<string, { reads: number; copies: number }>();
  for (const { file, reads } of files) {
    const name = path.posix.basename(file.replaceAll('\\', '/'));
    const seen = byName.get(name) ?? { reads: 0, copies: 0 };
    byName.set(name, { reads: seen.reads + reads, copies: seen.copies + 1 });
  }
  const again = [...byName].filter(([, f]) => f.reads > 1);
  const copies = (n: number) => (n > 1 ? ` (${n} copies)` : '');
  const downloadedAgain = downloads.filter((f) => f.downloads > 1);
  return (
    `\nforce files: ${byName.size} read for ${slugs.join(', ')}, ` +
    (again.length === 0
      ? 'each once'
      : `${again.length} more than once (` +
        again.map(([name, f]) => `${name}: ${f.reads}${copies(f.copies)}`).join(', ') +
        ')') +
    (downloads.length === 0
      ? ''
      : `; ${downloads.length} downloaded, ` +
        (downloadedAgain.length === 0
          ? 'each once'
          : `${downloadedAgain.length} more than once (` +
            downloadedAgain.map((f) => `${f.file}: ${f.downloads}`).join(', ') +
            ')'))
  );
}

/**
 * The last line of a failed run. Most messages end a sentence of their own ("... fix it.",
 * "... of the right kind?"): one ending is enough.
 */
export function failureLine(error: unknown): string {
  const message = errorMessage(error).trimEnd();
  return (
    `pipeline: ${message}${/[.?!]$/.test(message) ? '' : '.'} ` +
    'No output was changed: every output of this run was discarded.'
  );
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
    if (!(error instanceof UsageError)) throw error; // printed by runCommand, at the entry
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
    await runAreas(options, { reporter, generatedAt, result });
  } catch (error) {
    printFailure(failureLine(error), error);
    return EXIT.failed;
  }
  return options.json ? printRunSummaries(options) : EXIT.ok;
}

/**
 * --json after a run that published: the run summary on stdout (one district's as it is;
 * several districts' by slug). It quotes data (a dropped row's field): safe for the log, as
 * the lines printed without --json. A summary that cannot be read back, or is not JSON, is
 * said on stderr, with its file, and its own exit code: the outputs are written, unlike a
 * failed step's (EXIT.failed).
 */
export async function printRunSummaries(
  options: Pick<CliOptions, 'area' | 'areas' | 'out'>,
): Promise<number> {
  const slugs = runAreaSlugs(options);
  let text: string;
  try {
    const summaries = await Promise.all(
      slugs.map(async (slug) => {
        const file = runAreaPaths(options, slug).runSummary;
        try {
          const read = await readFile(file, 'utf8');
          return { text: read, value: JSON.parse(read) as unknown };
        } catch (error) {
          throw new Error(`${file}: ${errorMessage(error)}`, { cause: error });
        }
      }),
    );
    text =
      summaries.length === 1
        ? summaries[0]!.text
        : `${JSON.stringify(
            Object.fromEntries(slugs.map((slug, i) => [slug, summaries[i]!.value])),
            null,
            2,
          )}\n`;
  } catch (error) {
    printFailure(
      `pipeline: every output was written, but the run summary could not be read back for ` +
        `--json: ${errorMessage(error)}`,
      error,
    );
    return EXIT.summaryUnread;
  }
  process.stdout.write(logSafeJson(text));
  return EXIT.ok;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runCommand(
    'pipeline',
    () => main(process.argv.slice(2)),
    () => EXIT.failed,
  );
}
