// What the outcomes files' rows were (OutcomeReadStats) and what their Crime IDs join among
// the crimes the run keeps (OutcomeJoin), saved in the cache folder by the run that read them.
// A run whose every month comes from the month cache as made with the outcomes files as they
// are (month-outcomes.ts) does not read them, so it reports the counts saved here: the
// same as a run from nothing would. They depend on the outcomes files (their contents in
// the order read, and their names, which the examples give), the geography (which rows lie
// outside the district), the run's months (which crimes it keeps: each month's cache key, which
// holds its inputs, district and code) and the code that counts them, and are saved under a
// key of all four. The file is saved-state.ts: a damaged one reads as none.
import { createHash } from 'node:crypto';
import type { ArchiveEntry } from './archive.ts';
import { codeFingerprint } from './code-fingerprint.ts';
import { MONTH_STAGE_ENTRIES } from './month-cache.ts';
import type { OutcomeJoin } from './outcome-join.ts';
import {
  CONFLICTING_OUTCOME,
  UNLOCATED_OUTCOME_REASONS,
  UNUSABLE_OUTCOME_REASONS,
  type OutcomeReadStats,
  type UnlocatedOutcomeReason,
  type UnusableOutcomeReason,
} from './outcomes.ts';
import { ReasonTally, RepairsByMonth, type MonthRepairsData, type TallyData } from './report.ts';
import { readState, saveState } from './saved-state.ts';
import { TEXT_REPAIRS, type TextRepair } from './text-repair.ts';

/**
 * The code the counts depend on (see code-fingerprint.ts): the month stages, which read the
 * outcomes files and tell which rows lie outside the district, the check across months, which
 * tells which crimes the run keeps, the join, and this file's format.
 */
const OUTCOME_COUNTS_ENTRIES = [
  ...MONTH_STAGE_ENTRIES,
  'pipeline/crime-ids.ts',
  'pipeline/outcome-join.ts',
  'pipeline/outcome-counts.ts',
];

/** The outcomes files' rows, and what the Crime IDs they index join among the run's crimes. */
export interface OutcomeCounts {
  rows: OutcomeReadStats;
  join: OutcomeJoin;
}

/** OutcomeReadStats as saved: plain data. */
export type SavedReadStats = Omit<
  OutcomeReadStats,
  'unusable' | 'unlocated' | 'conflicts' | 'repaired' | 'byMonth'
> & {
  unusable: TallyData<UnusableOutcomeReason>;
  unlocated: TallyData<UnlocatedOutcomeReason>;
  conflicts: TallyData<typeof CONFLICTING_OUTCOME>;
  /** Absent in counts saved before rows were repaired. */
  repaired?: TallyData<TextRepair>;
  /** Absent in counts saved before the rows were counted by month. */
  byMonth?: MonthRepairsData[];
};

interface SavedCounts {
  key: string;
  stats: SavedReadStats;
  join: OutcomeJoin;
}

/**
 * The key of the counts of `outcomes` (in the order read) located with `geography`, joined to
 * the crimes of `months` (the run's months, ascending, each with its cache key).
 */
export function outcomeCountsKey(
  outcomes: readonly Pick<ArchiveEntry, 'where' | 'fingerprint'>[],
  geography: string,
  months: readonly { month: string; key: string }[],
): string {
  return createHash('sha256')
    .update(
      JSON.stringify({
        code: codeFingerprint(OUTCOME_COUNTS_ENTRIES),
        outcomes: outcomes.map((e) => [e.where, e.fingerprint]),
        geography,
        months: months.map((m) => [m.month, m.key]),
      }),
    )
    .digest('hex');
}

export async function saveOutcomeCounts(
  file: string,
  key: string,
  { rows, join }: OutcomeCounts,
): Promise<void> {
  const saved: SavedCounts = { key, stats: savedReadStats(rows), join: { ...join } };
  await saveState(file, saved, "the outcomes files' counts");
}

/** The counts of the outcomes files' rows as plain data, to save (readStatsOf takes them back). */
export function savedReadStats(rows: OutcomeReadStats): SavedReadStats {
  const { unusable, unlocated, conflicts, repaired } = rows;
  return {
    read: rows.read,
    indexed: rows.indexed,
    elsewhere: rows.elsewhere,
    unusable: { counts: unusable.counts, examples: unusable.examples },
    unlocated: { counts: unlocated.counts, examples: unlocated.examples },
    conflicts: { counts: conflicts.counts, examples: conflicts.examples },
    repaired: { counts: repaired.counts, examples: repaired.examples },
    byMonth: rows.byMonth.saved(),
  };
}

/** Saved counts of the outcomes files' rows, as counted: more rows can be added to them. */
export function readStatsOf(stats: SavedReadStats): OutcomeReadStats {
  return {
    read: stats.read,
    indexed: stats.indexed,
    elsewhere: stats.elsewhere,
    unusable: tallyOf(UNUSABLE_OUTCOME_REASONS, stats.unusable),
    unlocated: tallyOf(UNLOCATED_OUTCOME_REASONS, stats.unlocated),
    conflicts: tallyOf([CONFLICTING_OUTCOME], stats.conflicts),
    repaired: stats.repaired
      ? tallyOf(TEXT_REPAIRS, stats.repaired)
      : new ReasonTally(TEXT_REPAIRS),
    byMonth: RepairsByMonth.of(stats.byMonth),
  };
}

/** The counts saved under `key`, or null when there are none (missing, damaged, another key). */
export async function readOutcomeCounts(file: string, key: string): Promise<OutcomeCounts | null> {
  const saved = (await readState(file)) as SavedCounts | null;
  if (typeof saved !== 'object' || saved === null || saved.key !== key) return null;
  return { rows: readStatsOf(saved.stats), join: { ...saved.join } };
}

/** A tally as saved, its examples in the order they were (ReasonTally.merge would reorder them). */
function tallyOf<R extends string>(reasons: readonly R[], saved: TallyData<R>): ReasonTally<R> {
  const tally = new ReasonTally(reasons);
  Object.assign(tally.counts, saved.counts);
  Object.assign(tally.examples, saved.examples);
  return tally;
}
