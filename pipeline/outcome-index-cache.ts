// The outcome index (outcome-index.ts) and the counts of the rows it was built from, saved in
// the cache folder by the run that builds it, so that the next run reads only the outcomes
// files added since. A monthly refresh brings one new outcomes file; reading every one again
// (about 870,000 rows at 96 months) was most of the main thread's work in that run.
//
// A saved index is taken up when the files it was built from (each by path and fingerprint,
// in the order read) are the first of the run's own, in the same order. Rows only ever add to
// the index in order (a later month's outcome wins, and a later row's within a month), so
// reading the rest on top of it gives what reading every file gives: the same index, the same
// counts, the same examples in the same order. Otherwise (a file changed, gone, moved, or
// added before the last one it holds) the index is built from nothing. It is also built from
// nothing when it holds a file whose Crime IDs this run must see as it reads them (an added
// file that may revise a cached month, month-outcomes.ts). Keyed by the code that reads the
// files and the geography, which tells which rows lie outside the district. The file is
// saved-state.ts: a damaged one reads as none. The files it holds passed the check of a
// territorial force's file as they were read (outcomes.ts readOutcomesOnce): a read that
// fails it saves no index, and a file read on top of a saved index is checked as it is read.
import { createHash } from 'node:crypto';
import type { ArchiveEntry } from './archive.ts';
import { codeFingerprint } from './code-fingerprint.ts';
import { MONTH_STAGE_ENTRIES } from './month-cache.ts';
import { outcomesFileName } from './month-outcomes.ts';
import { readStatsOf, savedReadStats, type SavedReadStats } from './outcome-counts.ts';
import { OutcomeIndex, type SavedOutcomeEntries } from './outcome-index.ts';
import { emptyReadStats, type OutcomeReadStats } from './outcomes.ts';
import { readState, saveState } from './saved-state.ts';

/** The code a saved index depends on: the month stages (which read the files) and this file. */
const OUTCOME_INDEX_ENTRIES = [...MONTH_STAGE_ENTRIES, 'pipeline/outcome-index-cache.ts'];

interface SavedIndex {
  key: string;
  /** The files read, in order: path and fingerprint. */
  files: [where: string, fingerprint: string][];
  stats: SavedReadStats;
  index: SavedOutcomeEntries;
}

/** A district's outcome index as a run starts building it. */
export interface OutcomeIndexStart {
  index: OutcomeIndex;
  stats: OutcomeReadStats;
  /** The files still to read into it: the run's files after those it holds. */
  toRead: ArchiveEntry[];
}

/** The key of an index of rows located with `geography`, read by the code as it is. */
export function outcomeIndexKey(geography: string): string {
  return createHash('sha256')
    .update(JSON.stringify({ code: codeFingerprint(OUTCOME_INDEX_ENTRIES), geography }))
    .digest('hex');
}

function fileId(entry: Pick<ArchiveEntry, 'where' | 'fingerprint'>): [string, string] {
  return [entry.where, entry.fingerprint];
}

/** Save `index` and `stats`, built from `files` in that order, under `key`. */
export async function saveOutcomeIndex(
  file: string,
  key: string,
  files: readonly ArchiveEntry[],
  index: OutcomeIndex,
  stats: OutcomeReadStats,
): Promise<void> {
  const saved: SavedIndex = {
    key,
    files: files.map(fileId),
    stats: savedReadStats(stats),
    index: index.saved(),
  };
  await saveState(file, saved, 'the outcome index');
}

/**
 * Where a run reading `files` (its outcomes files, in the order read) starts its index: the
 * index saved under `key` when it can be taken up (see the top of this file), else an empty
 * one. `mustSee` names (outcomesFileName) the files whose rows this run must read.
 */
export async function startOutcomeIndex(
  file: string,
  key: string,
  files: readonly ArchiveEntry[],
  mustSee: ReadonlySet<string> = new Set(),
): Promise<OutcomeIndexStart> {
  const fresh = (): OutcomeIndexStart => ({
    index: new OutcomeIndex(),
    stats: emptyReadStats(),
    toRead: [...files],
  });
  const saved = (await readState(file)) as SavedIndex | null;
  if (typeof saved !== 'object' || saved === null || saved.key !== key) return fresh();
  const held = saved.files.length;
  if (held > files.length) return fresh();
  for (let i = 0; i < held; i++) {
    const [where, fingerprint] = fileId(files[i]!);
    const [savedWhere, savedFingerprint] = saved.files[i]!;
    if (where !== savedWhere || fingerprint !== savedFingerprint) return fresh();
    if (mustSee.has(outcomesFileName(files[i]!))) return fresh();
  }
  let index: OutcomeIndex;
  try {
    index = OutcomeIndex.restore(saved.index);
  } catch {
    return fresh();
  }
  return { index, stats: readStatsOf(saved.stats), toRead: files.slice(held) };
}
