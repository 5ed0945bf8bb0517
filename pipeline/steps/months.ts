// Step: every month from one source, through its stages (pipeline/process-month.ts), in the
// month workers or inline; cached per month. Each month is folded into its district's folds
// as it is settled (read from the cache or processed, month-folds.ts): the run keeps its
// totals, not its summary.
import { availableParallelism } from 'node:os';
import { twelveMonthsTo } from '../../src/shared/months.ts';
import { farFromTheList } from '../../src/shared/postcode-list.ts';
import { qualityTotals } from '../aggregate.ts';
import type { ArchiveEntry } from '../archive.ts';
import type { MonthPlan } from '../merge.ts';
import {
  checkpointContext,
  restoreFoldCheckpoint,
  saveFoldCheckpoint,
  type SavedMonth,
} from '../month-fold-checkpoint.ts';
import type { CachedMonth } from '../month-cache.ts';
import { MonthFolds, settledMonth } from '../month-folds.ts';
import { holdsWith, listedIdsCollector, type ListedIdsCollector } from '../month-outcomes.ts';
import { monthParts, type MonthTotals } from '../month-parts.ts';
import {
  processMonthsInWorkers,
  type DistrictSetup,
  type EntryRef,
  type MonthJob,
  type MonthJobPart,
  type WorkerResult,
} from '../month-pool.ts';
import {
  districtOutcomeIndexes,
  lsoaHintsFromCsvs,
  processMonthIntoCache,
  type MonthTask,
  type MonthTaskResult,
} from '../process-month.ts';
import type { OutcomeCounts } from '../outcome-counts.ts';
import type { OutcomeJoin } from '../outcome-join.ts';
import type { OutcomeReadStats } from '../outcomes.ts';
import type { OutcomeIndex, OutcomeTable } from '../outcome-index.ts';
import { filesToRead } from '../read-once.ts';
import { formatDropCounts } from '../report.ts';
import { formatCount } from '../../src/shared/format-count.ts';
import { dropRepeatedCrimeIds, type LocalRun } from '../local-run.ts';
import { geoFiles, MONTHS_STEP, planBytes, type MonthOutcome, type Step } from '../run-context.ts';

export const monthsStep: Step = {
  name: MONTHS_STEP,
  description:
    'read each month from one source, normalise, locate in the district, de-duplicate; cache per month',
  run: async (run) => (await runMonths([run]))[0]!,
  runTogether: runMonths,
};

/** A district's months still to process, and what it has so far. */
interface DistrictMonths {
  run: LocalRun;
  /** Where its months are folded in as they are settled (month-folds.ts). */
  folds: MonthFolds;
  results: MonthOutcome[];
  /** How many of its first months came with the saved folds (month-fold-checkpoint.ts). */
  restored: number;
  toProcess: MonthPlan[];
  /** Coordinates of kept rows whose postcode district is only approximate. */
  approximate: Set<string>;
  /** The outcome index, built once and shared with the workers (see outcome-index.ts). */
  outcomes: () => Promise<OutcomeIndex | undefined>;
  /**
   * With no month to process: the outcomes files' counts, as the run that read them for these
   * months saved them (outcome-counts.ts); null when not saved, or when this run reads the files.
   */
  counted: OutcomeCounts | null;
  shared?: OutcomeTable | null;
}

/** One month to process, for one district or several (`parts`, one per district). */
interface MonthGroup {
  month: string;
  parts: { district: number; plan: MonthPlan }[];
}

/**
 * The months of one district, or of several at once: a month the districts share is
 * processed for all of them together, each of its street files read once (see
 * processMonthIntoCache); each district keeps its own cache, results and notes.
 */
async function runMonths(runs: readonly LocalRun[]): Promise<string[]> {
  const districts: DistrictMonths[] = [];
  // The outcome indexes of the districts that read their outcomes files (readsOutcomes),
  // built together on first use (each outcomes file read once) and shared with the workers
  // (see outcome-index.ts).
  let indexes: Promise<(BuiltOutcomes | undefined)[]> | undefined;
  /** The built indexes being saved for the next run: awaited before the step ends. */
  const saving: Promise<void>[] = [];
  const outcomeIndexes = () => (indexes ??= buildOutcomeIndexes(districts, saving));
  /** Cached months made before outcomes files this run adds: held until those are read. */
  const unsettled: { district: number; plan: MonthPlan; found: CachedBeforeOutcomes }[] = [];
  for (const [i, run] of runs.entries()) {
    const { folds, results, restored } = await restoreMonths(runs, run);
    const toProcess: MonthPlan[] = [];
    for (const plan of run.inputs.choice.months.slice(restored)) {
      const found = await run.cachedMonthBeforeOutcomes(plan);
      if (found === null) toProcess.push(plan);
      else if (found.added.length > 0) unsettled.push({ district: i, plan, found });
      else settleCached(runs, run, folds, results, plan, found.cached);
    }
    const waits = unsettled.some((u) => u.district === i);
    districts.push({
      run,
      folds,
      results,
      restored,
      toProcess,
      approximate: new Set(),
      outcomes: async () => (await outcomeIndexes())[i]?.index,
      // A district with months to tell apart reads its outcomes files for them.
      counted: toProcess.length === 0 && !waits ? await run.savedOutcomeCounts() : null,
    });
  }
  // What the added outcomes files list is gathered as the index is built (month-outcomes.ts).
  const listed = listedIdsCollector(new Set(unsettled.flatMap((u) => u.found.added)));
  if (unsettled.length > 0) indexes = buildOutcomeIndexes(districts, saving, listed);
  for (const { district, plan, found } of unsettled) {
    const d = districts[district]!;
    await outcomeIndexes();
    if (await holdsWith(found.cached.csv, found.added, listed.lists)) {
      await d.run.recordOutcomesFiles(plan);
      settleCached(runs, d.run, d.folds, d.results, plan, found.cached);
    } else {
      d.toProcess.push(plan);
    }
  }
  for (const d of districts) d.toProcess.sort((a, b) => a.month.localeCompare(b.month));

  // Archive months are independent of each other: in parallel when there are several.
  // API months take LSOA codes from the archive months (see enrich.ts), so they come after.
  // Each wave runs the same way: in the month workers when it has several months, else inline.
  for (const source of ['archive', 'api'] as const) {
    const groups = monthGroups(districts, source);
    if (groups.length === 0) continue;
    const hintsFrom = districts.map((d) => (source === 'api' ? archiveMonthCsvs(d.results) : []));
    const threads = Math.min(runs[0]!.options.threads ?? availableParallelism(), groups.length);
    if (threads >= 2) await processMonthsInWorkersStep(districts, groups, threads, hintsFrom);
    else await processMonthsInline(districts, groups, hintsFrom);
  }
  for (const d of districts) {
    for (const plan of d.toProcess) await d.run.recordOutcomesFiles(plan);
  }
  const built = districts.some(readsOutcomes) ? await outcomeIndexes() : [];
  const accounts: string[] = [];
  for (const [i, d] of districts.entries()) {
    const read = built[i];
    await saveMonths(d);
    const { account, join } = await finishMonths(d, read?.index);
    // What the Crime IDs join is known once the months are settled (finishMonths).
    const counts = read && join ? { rows: read.stats, join } : null;
    if (counts) await d.run.saveOutcomeCounts(counts);
    d.run.noteOutcomes(counts ?? d.counted, counts !== null);
    accounts.push(account);
  }
  await Promise.all(saving);
  return accounts;
}

/** A cached month as LocalRun.cachedMonthBeforeOutcomes finds it. */
type CachedBeforeOutcomes = NonNullable<Awaited<ReturnType<LocalRun['cachedMonthBeforeOutcomes']>>>;

/** A month taken from the cache: folded into its district's folds, and said. */
function settleCached(
  runs: readonly LocalRun[],
  run: LocalRun,
  folds: MonthFolds,
  results: MonthOutcome[],
  plan: MonthPlan,
  cached: CachedMonth,
): void {
  results.push(folds.add(settledMonth(cached), plan, true));
  run.reporter.info(`  ${label(runs, run, plan)}: ${describeMonth(plan, cached.summary)} (cached)`);
}

/**
 * A district's folds and month results, started from the saved folds of the months step
 * (month-fold-checkpoint.ts) when they were made from its first months as they are now, each
 * still recorded as made with the run's outcomes files; `restored`: how many of its months
 * they hold.
 */
async function restoreMonths(
  runs: readonly LocalRun[],
  run: LocalRun,
): Promise<{ folds: MonthFolds; results: MonthOutcome[]; restored: number }> {
  const plans = run.inputs.choice.months;
  const keys = await Promise.all(plans.map((plan) => run.monthKey(plan)));
  const saved = await restoreFoldCheckpoint(
    run.paths.monthFoldsCheckpoint,
    checkpointContext(run.area.config.centre, run.outcomesFiles()),
    plans.map((plan, i) => ({ month: plan.month, key: keys[i]!.key })),
    keys.map((k) => k.provenance),
    run.paths.monthsCacheDir,
    run.geography.postcodeAnswers,
  );
  // The saved folds were made with the run's outcomes files, but a month may have been
  // processed again since, with others, by a run that stopped before it saved its folds: its
  // rows are then revised while its summary may not be (outcomes swapped within a ward), and
  // it has no record, or one naming those others (month-outcomes.ts).
  const checkpoint =
    saved !== null && (await madeWithRunOutcomes(run, plans.slice(0, saved.months.length)))
      ? saved
      : null;
  const folds = run.monthFolds(checkpoint?.folds);
  const results = (checkpoint?.months ?? []).map((m, i): MonthOutcome => {
    const plan = plans[i]!;
    run.reporter.info(`  ${label(runs, run, plan)}: ${describeMonth(plan, m.totals)} (cached)`);
    return { summary: m.totals, drops: m.drops, csv: m.csv, plan, cached: true };
  });
  return { folds, results, restored: results.length };
}

/**
 * Whether each cached month of `plans` is recorded as made with the run's outcomes files, and
 * none added since (month-outcomes.ts).
 */
async function madeWithRunOutcomes(run: LocalRun, plans: readonly MonthPlan[]): Promise<boolean> {
  const added = await Promise.all(plans.map((plan) => run.outcomesFilesAdded(plan)));
  return added.every((files) => files !== null && files.length === 0);
}

/**
 * A district's folds saved for the next run (month-fold-checkpoint.ts), before repeats across
 * months change them; not when they were restored whole.
 */
async function saveMonths({ run, folds, results, restored }: DistrictMonths): Promise<void> {
  const plans = run.inputs.choice.months;
  if (restored === plans.length) return;
  const byPlan = new Map(results.map((r) => [r.plan, r]));
  const months: SavedMonth[] = [];
  for (const plan of plans) {
    const outcome = byPlan.get(plan)!;
    const { key } = await run.monthKey(plan);
    months.push({ month: plan.month, key, totals: outcome.summary, drops: outcome.drops });
  }
  await saveFoldCheckpoint(
    run.paths.monthFoldsCheckpoint,
    checkpointContext(run.area.config.centre, run.outcomesFiles()),
    months,
    folds.save(),
    run.paths.monthsCacheDir,
  );
}

/**
 * The months still to process from `source`, ascending: an archive month of several
 * districts is one group (its shared street files read once); an API month is one district's.
 */
function monthGroups(
  districts: readonly DistrictMonths[],
  source: MonthPlan['source'],
): MonthGroup[] {
  const groups = new Map<string, MonthGroup>();
  const single: MonthGroup[] = [];
  districts.forEach((d, district) => {
    for (const plan of d.toProcess.filter((p) => p.source === source)) {
      if (source === 'api') {
        single.push({ month: plan.month, parts: [{ district, plan }] });
        continue;
      }
      const group = groups.get(plan.month) ?? { month: plan.month, parts: [] };
      group.parts.push({ district, plan });
      groups.set(plan.month, group);
    }
  });
  return [...groups.values(), ...single].sort((a, b) => a.month.localeCompare(b.month));
}

/**
 * A district's month processed now, folded into that district's folds as it comes back;
 * returns its outcome as the run keeps it (its totals, not its summary).
 */
function settle(d: DistrictMonths, plan: MonthPlan, result: WorkerResult): MonthOutcome {
  for (const key of result.approximate) d.approximate.add(key);
  const outcome = d.folds.add(result, plan, false);
  d.results.push(outcome);
  return outcome;
}

/**
 * A district's months settled: repeats across months dropped, notes, its one-line account;
 * with its outcome index, what the index's Crime IDs join among the crimes its months keep.
 */
async function finishMonths(
  { run, folds, results, approximate }: DistrictMonths,
  outcomes: OutcomeIndex | undefined,
): Promise<{ account: string; join: OutcomeJoin | null }> {
  results.sort((a, b) => a.plan.month.localeCompare(b.plan.month));
  const { months, join } = await dropRepeatedCrimeIds(run, results, folds, outcomes);
  run.setMonths(months, folds);
  const { postcodeAnswers } = run.geography;
  const unasked = [...approximate].filter((key) => !postcodeAnswers.has(key)).length;
  if (unasked > 0) {
    const { localAuthority, postcodes } = run.area.config;
    const far = farFromTheList({
      district: localAuthority.name,
      postcodeListHolds: postcodes?.holds ?? null,
    });
    run.note(
      `${formatCount(unasked)} snap point(s) of the months processed now have no listed ` +
        `postcode within 1 km (${far}) and no ` +
        'postcodes.io answer: their Postcode District is the nearest listed one, an estimate ' +
        '(Postcode District Estimated); an online run asks postcodes.io about them',
    );
  }
  if (approximate.size > unasked) {
    run.note(
      `${formatCount(approximate.size - unasked)} snap point(s) of the months processed now ` +
        'have no listed postcode within 1 km and postcodes.io knows none near them either: ' +
        'their Postcode District is the nearest listed one, an estimate (Postcode District ' +
        'Estimated)',
    );
  }
  const totals = qualityTotals(months.map((r) => r.summary));
  const fromCache = months.filter((r) => r.cached).length;
  const account =
    `${months.length} month(s) (${fromCache} from cache): read ${formatCount(totals.read)}, ` +
    `kept ${formatCount(totals.kept)}, dropped ${formatCount(totals.read - totals.kept)}`;
  return { account, join };
}

/** A month as the progress lines name it: with its district in a run for several. */
function label(runs: readonly LocalRun[], run: LocalRun, plan: MonthPlan): string {
  return runs.length > 1 ? `${run.area.config.slug} ${plan.month}` : plan.month;
}

/** The cached rows of the archive months, ascending: the API months' LSOA hints. */
function archiveMonthCsvs(results: readonly MonthOutcome[]): string[] {
  return results
    .filter((m) => m.plan.source === 'archive')
    .sort((a, b) => a.plan.month.localeCompare(b.plan.month))
    .map((m) => m.csv);
}

/** The first of `run`'s latest 12 months: only those have top streets (see aggregate.ts). */
function streetsFrom(run: LocalRun): string {
  const newest = run.inputs.choice.months.reduce((m, p) => (p.month > m ? p.month : m), '');
  return twelveMonthsTo(newest).from;
}

/**
 * The month groups, processed by `threads` month workers (see month-pool.ts); each part is
 * folded into its district's folds as its month comes back.
 */
async function processMonthsInWorkersStep(
  districts: readonly DistrictMonths[],
  groups: readonly MonthGroup[],
  threads: number,
  hintsFrom: readonly string[][],
): Promise<void> {
  const runs = districts.map((d) => d.run);
  // The wards are built by the first step that needs them, not meanwhile: built here, their
  // garbage and their neighbours (about 20 MiB that live on) grew the main thread's old
  // generation by some 35 MiB at the time the workers used the most memory.
  const ref = (e: ArchiveEntry): EntryRef => ({
    input: e.input,
    where: e.where,
    fingerprint: e.fingerprint,
  });
  // A month older than its district's latest 12 sends no streets back.
  const from = runs.map(streetsFrom);
  const groupOf = new Map<MonthJob, MonthGroup>();
  for (const group of groups) {
    const parts: MonthJobPart[] = [];
    for (const { district, plan } of group.parts) {
      const { key, provenance } = await runs[district]!.monthKey(plan);
      const streets = plan.month >= from[district]!;
      const part = { district, snapshot: plan.snapshot, provenance, key, streets };
      parts.push(
        plan.source === 'archive'
          ? { ...part, source: 'archive', entries: plan.entries.map(ref) }
          : {
              ...part,
              source: 'api',
              file: plan.file,
              reportedBy: plan.reportedBy,
              hintsFrom: [...hintsFrom[district]!],
            },
      );
    }
    groupOf.set({ month: group.month, parts }, group);
  }
  const jobs = [...groupOf.keys()];
  const setups: DistrictSetup[] = [];
  for (const d of districts) {
    const needsOutcomes = groups.some((g) => g.parts.some((p) => districts[p.district] === d));
    d.shared ??= needsOutcomes ? ((await d.outcomes())?.table() ?? null) : null;
    setups.push({
      geoFiles: geoFiles(d.run.paths, d.run.area),
      district: d.run.district(),
      geoFingerprint: d.run.geography.loadedFingerprint,
      outcomes: d.shared,
      monthsCacheDir: d.run.paths.monthsCacheDir,
    });
  }
  const inputs = new Map(
    runs.flatMap((run) => run.inputs.archives).map((a) => [a.path, { path: a.path, type: a.type }]),
  );
  const reporter = runs[0]!.reporter;
  const progress = reporter.progress(
    `${jobs.length} month(s) in ${threads} threads`,
    groups.reduce((sum, group) => sum + groupBytes(group), 0),
  );
  try {
    const results = await processMonthsInWorkers(
      jobs,
      { districts: setups, inputs: [...inputs.values()] },
      {
        threads,
        onBytes: (n) => progress.advance(n),
        onRead: (where) => runs[0]!.options.reads?.read(where),
        take: (job, parts) =>
          groupOf
            .get(job)!
            .parts.map(({ district, plan }, p) => settle(districts[district]!, plan, parts[p]!)),
      },
    );
    progress.done();
    results.forEach((outcomes, g) =>
      groups[g]!.parts.forEach(({ district, plan }, p) => {
        const line = `${label(runs, runs[district]!, plan)}: ${describeMonth(plan, outcomes[p]!.summary)}`;
        reporter.info(`  ${line}`);
      }),
    );
  } catch (error) {
    progress.done('failed');
    throw error;
  }
}

/** The bytes a month group reads: each street file once. */
function groupBytes(group: MonthGroup): number {
  const [first] = group.parts;
  if (group.parts.length === 1 && first) return planBytes(first.plan);
  return filesToRead(group.parts.map(({ plan }) => (plan.source === 'archive' ? plan.entries : [])))
    .bytes;
}

function describeMonth(plan: MonthPlan, summary: MonthTotals): string {
  const also = plan.notUsed.length > 0 ? `; also in ${plan.notUsed.join(', ')}, not used` : '';
  return (
    `${plan.source} (${summary.snapshot}${also}): read ${formatCount(summary.read)}, ` +
    `kept ${formatCount(summary.kept)}, dropped ${formatDropCounts(summary.dropped)}`
  );
}

/** A district's outcome index and what its rows were. */
interface BuiltOutcomes {
  index: OutcomeIndex;
  stats: OutcomeReadStats;
}

/**
 * Whether a district reads its outcomes files this run: it has some, and months to process,
 * or none and not the counts of the run that read them (then the files are read only to
 * count their rows, so that the run reports what a run from nothing would).
 */
function readsOutcomes(d: DistrictMonths): boolean {
  return d.run.inputs.outcomes.length > 0 && (d.toProcess.length > 0 || d.counted === null);
}

/**
 * The outcome index of each district that reads its outcomes files (else undefined): the
 * latest outcome of each crime located in it (or without coordinates), each outcomes file
 * read once for all of them.
 */
async function buildOutcomeIndexes(
  districts: readonly DistrictMonths[],
  saving: Promise<void>[],
  listed?: ListedIdsCollector,
): Promise<(BuiltOutcomes | undefined)[]> {
  const wanted = districts.filter(readsOutcomes);
  if (wanted.length === 0) return districts.map(() => undefined);
  // Each district starts from its saved index when it can (outcome-index-cache.ts).
  const starts = await Promise.all(wanted.map((d) => d.run.startOutcomeIndex(listed?.names)));
  const files = filesToRead(starts.map((start) => start.toRead));
  const saved = filesToRead(wanted.map((d) => d.run.inputs.outcomes)).count - files.count;
  const progress = wanted[0]!.run.reporter.progress(
    `outcomes (${files.count} file(s)${saved > 0 ? `; ${saved} from the saved index` : ''})`,
    files.bytes,
  );
  const built = await districtOutcomeIndexes(
    wanted.map((d, i) => ({
      entries: starts[i]!.toRead,
      locator: d.run.geography.locator,
      territorialForce: d.run.area.config.forces[0]!,
      start: starts[i],
    })),
    { onBytes: (n) => progress.advance(n), onCrimeId: listed?.onCrimeId },
  );
  // Saved once the months have started (the index does not change after this): the save's
  // copy, serialisation and hash (some 0.4 s at 96 months) run while the month workers start,
  // not before them. The caller awaits `saving` before the step ends.
  for (const [i, d] of wanted.entries()) {
    if (starts[i]!.toRead.length === 0) continue;
    const save = new Promise<void>((started) => setTimeout(started, 0)).then(() =>
      d.run.saveOutcomeIndex(built[i]!.index, built[i]!.stats),
    );
    // A failed save is reported where it is awaited, not as an unhandled rejection before.
    save.catch(() => undefined);
    saving.push(save);
  }
  progress.done(
    built
      .map(({ index, stats }, i) => {
        const name = wanted.length > 1 ? `${wanted[i]!.run.area.config.slug}: ` : '';
        const { unusable, conflicts } = stats;
        const flagged = [
          unusable.total > 0 ? `${formatCount(unusable.total)} unusable` : '',
          conflicts.total > 0 ? `${formatCount(conflicts.total)} conflicting` : '',
        ].filter((part) => part !== '');
        return (
          `${name}${formatCount(stats.read)} rows, latest outcome of ${formatCount(index.size)} Crime IDs` +
          (flagged.length > 0 ? `, ${flagged.join(', ')} (see the summary)` : '')
        );
      })
      .join('; '),
  );
  return districts.map((d) => {
    const i = wanted.indexOf(d);
    return i === -1 ? undefined : built[i];
  });
}

/** The month groups, processed one after another in the main thread. */
async function processMonthsInline(
  districts: readonly DistrictMonths[],
  groups: readonly MonthGroup[],
  hintsFrom: readonly string[][],
): Promise<void> {
  const runs = districts.map((d) => d.run);
  const hints = await Promise.all(
    hintsFrom.map((from) => (from.length > 0 ? lsoaHintsFromCsvs(from) : undefined)),
  );
  for (const group of groups) {
    const tasks: MonthTask[] = [];
    for (const { district, plan } of group.parts) {
      const run = runs[district]!;
      const { key, provenance } = await run.monthKey(plan);
      tasks.push({
        plan,
        provenance,
        key,
        deps: {
          locator: run.geography.locator,
          postcodeAnswers: run.geography.postcodeAnswers,
          district: run.district(),
          outcomes: await districts[district]!.outcomes(),
          hints: plan.source === 'api' ? hints[district] : undefined,
          monthsCacheDir: run.paths.monthsCacheDir,
        },
      });
    }
    const names = group.parts.map(({ district, plan }) => label(runs, runs[district]!, plan));
    const progress = runs[0]!.reporter.progress(names.join(', '), groupBytes(group));
    let done: MonthTaskResult[];
    try {
      done = await processMonthIntoCache(tasks, { onBytes: (n) => progress.advance(n) });
    } catch (error) {
      progress.done('failed');
      throw error;
    }
    progress.done(
      group.parts
        .map(
          ({ plan }, p) =>
            `${group.parts.length > 1 ? `${names[p]}: ` : ''}${describeMonth(plan, done[p]!.summary)}`,
        )
        .join('; '),
    );
    group.parts.forEach(({ district, plan }, p) => {
      const { summary, drops, csv, approximate } = done[p]!;
      settle(districts[district]!, plan, { parts: monthParts(summary), drops, csv, approximate });
    });
  }
}
