// `npm run pipeline -- [options]`: runs the pipeline's steps (pipeline/steps.ts) in order,
// with timings and counts, stages every output and renames them into place only when every
// selected step succeeded. Exit codes: 0 done, 1 a step failed (named, with its cause),
// 2 usage error.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DROP_REASONS } from '../src/shared/schema.ts';
import { checkFetchedApart } from './inputs.ts';
import { logSafe } from './log-safe.ts';
import { pipelinePaths } from './paths.ts';
import { cleanUpInterruptedRuns } from './publish.ts';
import {
  createConsoleReporter,
  formatCount,
  formatDropCounts,
  formatDuration,
  type Reporter,
} from './report.ts';
import { parseFetchArguments } from './sources/index.ts';
import type { FetchStepOptions } from './sources/fetch-step.ts';
import { qualityTotals } from './aggregate.ts';
import { RunContext, type RunRecord, type Step } from './run-context.ts';
import { runSummaryJson } from './run-summary.ts';
import { STEPS } from './steps.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface CliOptions {
  help: boolean;
  list: boolean;
  step?: number | undefined;
  from?: number | undefined;
  to?: number | undefined;
  offline: boolean;
  /** Default: the repository's sample months. */
  archiveDir?: string | undefined;
  out?: string | undefined;
  /** Months and URL overrides for the fetch step. */
  fetch?: FetchStepOptions | undefined;
}

export const USAGE = `Usage: npm run pipeline -- [options]
  --list              list the steps and exit
  --step N            run only step N
  --from N, --to N    run steps N to M (default: all)
  --offline           no network: use local inputs only
  --latest            fetch the latest published month (the default without --offline)
  --month YYYY-MM     fetch one month
  --range FROM TO     fetch every month from FROM to TO (YYYY-MM)
  --police-archive-base-url, --police-api-base-url, --postcodes-base-url,
  --leeds-mapserver-url URL   point a source elsewhere (also POLICE_ARCHIVE_BASE_URL, ...)
  --archive-dir DIR   police.uk input in archive layout: a folder of YYYY-MM folders and/or
                      .zip archives, or one .zip (default data/sample/archive)
  --out DIR           write every output and cache into DIR instead of the repository
  --help              show this help
Set SOURCE_DATE_EPOCH (seconds) to fix the site data's generatedAt.`;

export class UsageError extends Error {
  override name = 'UsageError';
}

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
  let values;
  let fetch: ReturnType<typeof parseFetchArguments>;
  try {
    fetch = parseFetchArguments(argv);
    ({ values } = parseArgs({
      args: fetch.rest,
      options: {
        help: { type: 'boolean', default: false },
        list: { type: 'boolean', default: false },
        step: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        offline: { type: 'boolean', default: false },
        'archive-dir': { type: 'string' },
        out: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (cause) {
    throw new UsageError((cause as Error).message, { cause });
  }
  const options: CliOptions = {
    help: values.help,
    list: values.list,
    step: stepNumber(values.step, '--step'),
    from: stepNumber(values.from, '--from'),
    to: stepNumber(values.to, '--to'),
    offline: values.offline,
    archiveDir: values['archive-dir'],
    out: values.out,
    fetch: {
      ...(fetch.selection ? { selection: fetch.selection } : {}),
      overrides: fetch.overrides,
    },
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
}

/**
 * Run the selected steps. On success every staged output is renamed into place and the run
 * record is returned; on failure nothing is renamed (previous outputs stay) and a StepError
 * is thrown.
 */
export async function runPipeline(options: CliOptions, deps: RunDeps): Promise<RunRecord> {
  const paths = pipelinePaths({ root: deps.root, out: options.out });
  checkFetchedApart(paths.sources.archiveDir, paths.sampleArchiveDir);
  const ctx = new RunContext({
    paths,
    archiveDir: path.resolve(deps.root ?? '.', options.archiveDir ?? paths.sampleArchiveDir),
    offline: options.offline,
    fetch: options.fetch,
    reporter: deps.reporter,
    generatedAt: deps.generatedAt,
    threads: deps.threads,
  });
  const r = deps.reporter;
  const selected = selectSteps(options);
  try {
    for (const note of await cleanUpInterruptedRuns(paths)) ctx.note(note);
    if (!options.offline && !STEPS.some((s) => s.network)) {
      ctx.note('no step downloads anything yet: running on local inputs');
    }
    for (const { number, step } of selected) {
      if (step.network && options.offline) {
        r.info(`[${number}/${STEPS.length}] ${step.name}: skipped (--offline)`);
        continue;
      }
      r.info(`[${number}/${STEPS.length}] ${step.name}: ${step.description}`);
      const started = performance.now();
      let result: string;
      try {
        result = await step.run(ctx);
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
    printSummary(r, ctx.record, written);
    return ctx.record;
  } catch (error) {
    await ctx.staging.abort();
    throw error;
  } finally {
    await ctx.close();
  }
}

function printSummary(r: Reporter, record: RunRecord, written: readonly string[]): void {
  r.info('');
  r.info('Summary');
  if (record.months) {
    const totals = qualityTotals(record.months.map((m) => m.summary));
    r.info(`  rows read:    ${formatCount(totals.read)}`);
    r.info(`  rows kept:    ${formatCount(totals.kept)}`);
    r.info(`  rows dropped: ${formatDropCounts(totals.dropped)}`);
    for (const reason of DROP_REASONS) {
      const examples = record.months.flatMap((m) => m.drops.examples[reason] ?? []).slice(0, 3);
      for (const e of examples) r.info(`    ${reason}: ${e.where}: ${e.detail}`);
    }
    const pct = (n: number) =>
      totals.kept === 0 ? '-' : `${((n / totals.kept) * 100).toFixed(2)}%`;
    const c = totals.coverage;
    r.info(
      `  coverage of kept rows: ward ${pct(c.ward)}, LSOA ${pct(c.lsoa)}, ` +
        `postcode district ${pct(c.postcodeDistrict)}, polling district ${pct(c.pollingDistrict)}`,
    );
    r.info('  months:');
    for (const m of record.months) {
      const also =
        m.plan.notUsed.length > 0 ? ` (also in ${m.plan.notUsed.join(', ')}, not used)` : '';
      r.info(
        `    ${m.plan.month}: ${m.plan.source} ${m.summary.snapshot}${also}, ${formatCount(m.summary.kept)} kept`,
      );
    }
  }
  if (record.stopSearch) {
    const s = record.stopSearch;
    r.info(
      `  stop and search: read ${formatCount(s.read)}, kept ${formatCount(s.kept)}, ` +
        `dropped ${formatDropCounts(s.dropped.counts)}`,
    );
  }
  r.info('  written:');
  for (const file of written) {
    const relative = path.relative(process.cwd(), file);
    r.info(`    ${relative.startsWith('..') ? file : relative}`);
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
  const reporter = createConsoleReporter(process.stdout);
  let options: CliOptions;
  let generatedAt: string | undefined;
  try {
    options = parseCliArgs(argv);
    generatedAt = generatedAtFromEnv();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(logSafe(`pipeline: ${error.message}\n${USAGE}`));
    return EXIT.usage;
  }
  if (options.help) {
    console.log(USAGE);
    return EXIT.ok;
  }
  if (options.list) {
    console.log(listSteps());
    return EXIT.ok;
  }
  try {
    await runPipeline(options, { reporter, generatedAt });
    return EXIT.ok;
  } catch (error) {
    console.error(logSafe(`\npipeline: ${error instanceof Error ? error.message : String(error)}`));
    console.error('No output was changed: every output of this run was discarded.');
    if (process.env['PIPELINE_DEBUG'] && error instanceof Error)
      console.error(logSafe(error.stack ?? ''));
    return EXIT.failed;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
