// Step: every month from one source, through its stages (pipeline/process-month.ts), in the
// month workers or inline; cached per month. Each month is folded in as it is settled (read
// from the cache or processed, month-folds.ts): the run keeps its totals, not its summary.
import { availableParallelism } from 'node:os';
import { twelveMonthsTo } from '../../src/shared/months.ts';
import { qualityTotals } from '../aggregate.ts';
import type { ArchiveEntry } from '../archive.ts';
import type { Locator } from '../geo.ts';
import type { MonthPlan } from '../merge.ts';
import { settledMonth } from '../month-folds.ts';
import { monthParts, type MonthTotals } from '../month-parts.ts';
import {
  processMonthsInWorkers,
  type EntryRef,
  type MonthJob,
  type WorkerResult,
} from '../month-pool.ts';
import {
  leedsOutcomeIndex,
  lsoaHintsFromCsvs,
  processMonthIntoCache,
  type MonthTaskResult,
} from '../process-month.ts';
import type { OutcomeIndex } from '../outcomes.ts';
import { shareOutcomeIndex, type SharedOutcomeTable } from '../shared-outcomes.ts';
import { formatCount, formatDropCounts } from '../report.ts';
import { dropRepeatedCrimeIds, type LocalRun } from '../local-run.ts';
import { geoFiles, MONTHS_STEP, planBytes, type MonthOutcome, type Step } from '../run-context.ts';

export const monthsStep: Step = {
  name: MONTHS_STEP,
  description:
    'read each month from one source, normalise, locate in the district, de-duplicate; cache per month',
  run: runMonths,
};

async function runMonths(ctx: LocalRun): Promise<string> {
  const inputs = ctx.inputs;
  const geo = ctx.geography;
  const { postcodeAnswers } = geo;
  const folds = ctx.monthFolds();
  const results: MonthOutcome[] = [];
  const toProcess: MonthPlan[] = [];
  for (const plan of inputs.choice.months) {
    const cached = await ctx.cachedMonth(plan);
    if (cached) {
      results.push(folds.add(settledMonth(cached), plan, true));
      ctx.reporter.info(`  ${plan.month}: ${describeMonth(plan, cached.summary)} (cached)`);
    } else {
      toProcess.push(plan);
    }
  }
  /** Coordinates of kept rows whose postcode district is only approximate. */
  const approximate = new Set<string>();
  /** A month processed now, folded in as it comes back. */
  const processed = (plan: MonthPlan, result: WorkerResult): MonthOutcome => {
    for (const key of result.approximate) approximate.add(key);
    return folds.add(result, plan, false);
  };

  // Archive months are independent of each other: in parallel when there are several.
  // API months take LSOA codes from the archive months (see enrich.ts), so they come after.
  // Each wave runs the same way: in the month workers when it has several months, else inline.
  // The outcome index, built once and shared with the workers (see shared-outcomes.ts).
  let index: Promise<OutcomeIndex | undefined> | undefined;
  const outcomes = () =>
    (index ??=
      inputs.outcomes.length > 0
        ? buildOutcomeIndex(ctx, inputs.outcomes, ctx.geography.locator)
        : Promise.resolve(undefined));
  let shared: SharedOutcomeTable | null | undefined;
  for (const source of ['archive', 'api'] as const) {
    const wave = toProcess.filter((plan) => plan.source === source);
    if (wave.length === 0) continue;
    const hintsFrom = source === 'api' ? archiveMonthCsvs(results) : [];
    const threads = Math.min(ctx.options.threads ?? availableParallelism(), wave.length);
    const done =
      threads >= 2
        ? await processMonthsInWorkersStep(ctx, wave, threads, {
            hintsFrom,
            outcomes: (shared ??=
              (await outcomes().then((i) => i && shareOutcomeIndex(i))) ?? null),
            processed,
          })
        : await processMonthsInline(ctx, wave, {
            hintsFrom,
            outcomes: await outcomes(),
            processed,
          });
    results.push(...done);
  }
  results.sort((a, b) => a.plan.month.localeCompare(b.plan.month));
  const months = await dropRepeatedCrimeIds(ctx, results, folds);
  ctx.setMonths(months, folds);
  const unasked = [...approximate].filter((key) => !postcodeAnswers.has(key)).length;
  if (unasked > 0) {
    ctx.note(
      `${formatCount(unasked)} snap point(s) of the months processed now have no LS postcode ` +
        'within 1 km (the WF and BD parts of Leeds) and no postcodes.io answer: their Postcode ' +
        'District is the nearest LS one, approximate; an online run asks postcodes.io about them',
    );
  }
  if (approximate.size > unasked) {
    ctx.note(
      `${formatCount(approximate.size - unasked)} snap point(s) of the months processed now ` +
        'have no LS postcode within 1 km and postcodes.io knows none near them either: their ' +
        'Postcode District is the nearest LS one, approximate',
    );
  }
  const totals = qualityTotals(months.map((r) => r.summary));
  const fromCache = months.filter((r) => r.cached).length;
  return (
    `${months.length} month(s) (${fromCache} from cache): read ${formatCount(totals.read)}, ` +
    `kept ${formatCount(totals.kept)}, dropped ${formatCount(totals.read - totals.kept)}`
  );
}

/** The cached rows of the archive months, ascending: the API months' LSOA hints. */
function archiveMonthCsvs(results: readonly MonthOutcome[]): string[] {
  return results
    .filter((m) => m.plan.source === 'archive')
    .sort((a, b) => a.plan.month.localeCompare(b.plan.month))
    .map((m) => m.csv);
}

/** What becomes of a month processed now: `processed` takes its result as it comes. */
interface WaveOptions<O> {
  hintsFrom: readonly string[];
  outcomes: O;
  processed: (plan: MonthPlan, result: WorkerResult) => MonthOutcome;
}

/** The months `plans`, processed by `threads` month workers (see month-pool.ts). */
async function processMonthsInWorkersStep(
  ctx: LocalRun,
  plans: readonly MonthPlan[],
  threads: number,
  { hintsFrom, outcomes, processed }: WaveOptions<SharedOutcomeTable | null>,
): Promise<MonthOutcome[]> {
  // The main thread mostly waits for the workers: build the wards meanwhile (the later steps
  // need them; a first build works out neighbours, about 0.8 s at full scale). A failure
  // is reported by the step that awaits them.
  ctx.wards().catch(() => undefined);
  const inputs = ctx.inputs;
  const geo = ctx.geography;
  const ref = (e: ArchiveEntry): EntryRef => ({
    input: e.input,
    where: e.where,
    fingerprint: e.fingerprint,
  });
  // A month older than the run's latest 12 sends no streets back: only those 12 have top streets.
  const newest = ctx.inputs.choice.months.reduce((m, p) => (p.month > m ? p.month : m), '');
  const { from } = twelveMonthsTo(newest);
  const jobs: MonthJob[] = [];
  for (const plan of plans) {
    const { key, provenance } = await ctx.monthKey(plan);
    const streets = plan.month >= from;
    const job = { month: plan.month, snapshot: plan.snapshot, provenance, key, streets };
    jobs.push(
      plan.source === 'archive'
        ? { ...job, source: 'archive', entries: plan.entries.map(ref) }
        : {
            ...job,
            source: 'api',
            file: plan.file,
            reportedBy: plan.reportedBy,
            hintsFrom: [...hintsFrom],
          },
    );
  }
  const byMonth = new Map(plans.map((plan) => [plan.month, plan]));
  const progress = ctx.reporter.progress(
    `${jobs.length} month(s) in ${threads} threads`,
    plans.reduce((sum, plan) => sum + planBytes(plan), 0),
  );
  try {
    const results = await processMonthsInWorkers(
      jobs,
      {
        geoFiles: geoFiles(ctx.paths, ctx.area),
        district: ctx.district(),
        geoFingerprint: geo.fingerprint,
        inputs: inputs.archives.map((a) => ({ path: a.path, type: a.type })),
        outcomes,
        monthsCacheDir: ctx.paths.monthsCacheDir,
      },
      {
        threads,
        onBytes: (n) => progress.advance(n),
        take: (month, result) => processed(byMonth.get(month)!, result),
      },
    );
    progress.done();
    for (const { plan, summary } of results) {
      ctx.reporter.info(`  ${plan.month}: ${describeMonth(plan, summary)}`);
    }
    return results;
  } catch (error) {
    progress.done('failed');
    throw error;
  }
}

function describeMonth(plan: MonthPlan, summary: MonthTotals): string {
  const also = plan.notUsed.length > 0 ? `; also in ${plan.notUsed.join(', ')}, not used` : '';
  return (
    `${plan.source} (${summary.snapshot}${also}): read ${formatCount(summary.read)}, ` +
    `kept ${formatCount(summary.kept)}, dropped ${formatDropCounts(summary.dropped)}`
  );
}

async function buildOutcomeIndex(
  ctx: LocalRun,
  entries: readonly ArchiveEntry[],
  locator: Locator,
): Promise<OutcomeIndex> {
  const progress = ctx.reporter.progress(
    `outcomes (${entries.length} file(s))`,
    entries.reduce((sum, e) => sum + e.size, 0),
  );
  const { index, stats } = await leedsOutcomeIndex(entries, locator, (n) => progress.advance(n));
  progress.done(
    `${formatCount(stats.read)} rows, latest outcome of ${formatCount(index.size)} crimes` +
      (stats.unusable > 0
        ? `, ${formatCount(stats.unusable)} rows without Crime ID/month/outcome`
        : ''),
  );
  return index;
}

/** The months `plans`, processed one after another in the main thread. */
async function processMonthsInline(
  ctx: LocalRun,
  plans: readonly MonthPlan[],
  { hintsFrom, outcomes, processed }: WaveOptions<OutcomeIndex | undefined>,
): Promise<MonthOutcome[]> {
  const hints = hintsFrom.length > 0 ? await lsoaHintsFromCsvs(hintsFrom) : undefined;
  const results: MonthOutcome[] = [];
  for (const plan of plans) {
    const { key, provenance } = await ctx.monthKey(plan);
    const progress = ctx.reporter.progress(plan.month, planBytes(plan));
    let result: MonthTaskResult;
    try {
      result = await processMonthIntoCache(plan, provenance, key, {
        locator: ctx.geography.locator,
        district: ctx.district(),
        outcomes,
        hints: plan.source === 'api' ? hints : undefined,
        monthsCacheDir: ctx.paths.monthsCacheDir,
        onBytes: (n) => progress.advance(n),
      });
    } catch (error) {
      progress.done('failed');
      throw error;
    }
    progress.done(describeMonth(plan, result.summary));
    const { summary, drops, csv, approximate } = result;
    results.push(processed(plan, { parts: monthParts(summary), drops, csv, approximate }));
  }
  return results;
}
