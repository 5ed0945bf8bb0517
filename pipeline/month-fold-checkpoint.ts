// The months step's folds (month-folds.ts) saved at the end of the step, with each month's
// totals and drop tally, under the ordered list of the months' cache keys. A later run whose
// months start with the same months under the same keys (a monthly run: one new month after
// them) starts from the saved folds, and reads and folds only the months after them. Reading
// and folding every cached month's summary (some 0.6 MB of JSON a month) was most of a
// monthly run's time.
//
// Folding is sequential: a month's totals are kept with the labels of the run that folded it,
// and repeats across months are taken out after the fold (crime-ids.ts), so what is saved is
// trusted only for the exact ordered prefix of months it was made from, each under the same
// cache key, and only while each month is still in the cache as it was folded (same key, BODY
// hash and rows file size) and would be served from it (the postcodes.io answers it used are
// still the run's: month-cache.ts). A month processed again since, to other figures or other
// rows, misses. The file is saved-state.ts: a damaged file is ignored, not trusted.
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { CentreDefinition } from '../src/shared/area.ts';
import { codeFingerprint } from './code-fingerprint.ts';
import {
  monthCacheFiles,
  monthCacheHolds,
  readMonthCacheStamp,
  type MonthCacheStamp,
  type PostcodeAnswers,
} from './month-cache.ts';
import type { MonthFoldsState } from './month-folds.ts';
import type { MonthTotals } from './month-parts.ts';
import type { MonthProvenanceInfo } from './process-month.ts';
import { DropTally, dropTallyData, type DropTallyData } from './report.ts';
import { saveState, readState } from './saved-state.ts';

/**
 * The code the saved folds depend on (see code-fingerprint.ts): the folds, this file's format,
 * the months step that saves and restores them, and the centre test the map data flags each
 * point with as it is folded (given to the folds by local-run.ts, not imported by them).
 */
export const FOLD_CHECKPOINT_ENTRIES = [
  'pipeline/month-folds.ts',
  'pipeline/month-fold-checkpoint.ts',
  'pipeline/steps/months.ts',
  'pipeline/centre.ts',
] as const;

/** A month of the run, in the order the months step folds them. */
export interface CheckpointMonth {
  month: string;
  /** Its month cache key (month-cache.ts monthCacheKey). */
  key: string;
}

/** A month as saved: its totals and drop tally (its rows file is found from the cache folder). */
export interface SavedMonth extends CheckpointMonth {
  totals: MonthTotals;
  drops: DropTally;
}

/** A month as restored: with this run's provenance labels, and its cached rows file. */
export interface RestoredMonth {
  totals: MonthTotals;
  drops: DropTally;
  csv: string;
}

interface Checkpoint {
  /**
   * What the folds depend on besides the months' keys: the code, the district's centre and the
   * outcomes files (a month's key leaves them out, month-outcomes.ts).
   */
  context: string;
  /** The months' totals are those the site data fold holds (folds.siteData.totals). */
  months: (CheckpointMonth & {
    /** The BODY hash of its cached summary when it was folded. */
    sha256: string;
    /** The size of its cached rows file when it was folded. */
    csvBytes: number;
    drops: DropTallyData;
  })[];
  folds: MonthFoldsState;
}

/**
 * The context a checkpoint is made in: the folding code, the centre the map flags points in,
 * and the outcomes files (names, month-outcomes.ts outcomesFileName), which the months' keys
 * leave out: with another set, a month the checkpoint holds may have been revised.
 */
export function checkpointContext(
  centre: CentreDefinition,
  outcomesFiles: readonly string[],
): string {
  return createHash('sha256')
    .update(
      JSON.stringify({
        code: codeFingerprint(FOLD_CHECKPOINT_ENTRIES),
        centre,
        outcomes: [...outcomesFiles].sort(),
      }),
    )
    .digest('hex');
}

/**
 * Save the folds of `months` (in the order they are listed, all of them folded into `folds`,
 * each from the month cache in `monthsCacheDir`), with the stamp of each month's cached
 * summary. When a month is not in the cache under its key, nothing can be checked later, so
 * nothing is saved and an older save is removed.
 */
export async function saveFoldCheckpoint(
  file: string,
  context: string,
  months: readonly SavedMonth[],
  folds: MonthFoldsState,
  monthsCacheDir: string,
): Promise<void> {
  const stamps = await Promise.all(months.map((m) => readMonthCacheStamp(monthsCacheDir, m.month)));
  const stamped = stamps.every(
    (stamp, i): stamp is MonthCacheStamp => stamp !== null && stamp.key === months[i]!.key,
  );
  if (!stamped) {
    await rm(file, { force: true });
    return;
  }
  const checkpoint: Checkpoint = {
    context,
    months: months.map(({ month, key, drops }, i) => ({
      month,
      key,
      sha256: stamps[i]!.sha256,
      csvBytes: stamps[i]!.csvBytes,
      drops: dropTallyData(drops),
    })),
    folds: {
      ...folds,
      siteData: { ...folds.siteData, totals: months.map(({ totals }) => totals) },
    },
  };
  await saveState(file, checkpoint, "the months step's folds");
}

/**
 * The saved folds when they were made in `context` from the first months of `months` (in
 * order, under the same keys, each still in the cache as it was folded and served to a run
 * with these postcodes.io `answers`), with those months, relabelled with `labels` (by
 * position); else null.
 */
export async function restoreFoldCheckpoint(
  file: string,
  context: string,
  months: readonly CheckpointMonth[],
  labels: readonly MonthProvenanceInfo[],
  monthsCacheDir: string,
  answers: PostcodeAnswers,
): Promise<{ folds: MonthFoldsState; months: RestoredMonth[] } | null> {
  const checkpoint = (await readState(file)) as Checkpoint | null;
  if (typeof checkpoint !== 'object' || checkpoint === null || !Array.isArray(checkpoint.months)) {
    return null;
  }
  const saved = checkpoint.months;
  if (checkpoint.context !== context || saved.length === 0 || saved.length > months.length) {
    return null;
  }
  const prefix = saved.every((s, i) => s.month === months[i]!.month && s.key === months[i]!.key);
  if (!prefix) return null;
  const held = await Promise.all(
    saved.map((s) => monthCacheHolds(monthsCacheDir, s.month, s, answers)),
  );
  if (held.includes(false)) return null;
  const { siteData } = checkpoint.folds;
  const inOrder =
    siteData.totals.length === saved.length &&
    siteData.totals.every((t, i) => t.month === saved[i]!.month);
  if (!inOrder) return null;
  const restored = saved.map((s, i): RestoredMonth => {
    const { snapshot, fetchedAt } = labels[i]!;
    const drops = new DropTally();
    drops.merge(s.drops);
    return {
      totals: { ...siteData.totals[i]!, snapshot, fetchedAt },
      drops,
      csv: monthCacheFiles(monthsCacheDir, s.month).csv,
    };
  });
  // The site data fold holds the totals with this run's labels too.
  const totals = restored.map((m) => m.totals);
  return { folds: { ...checkpoint.folds, siteData: { ...siteData, totals } }, months: restored };
}
