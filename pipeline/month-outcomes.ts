// Which outcomes files a cached month was made with, and whether it still holds with a run's.
// A month's rows and summary take each crime's latest outcome from every outcomes file, and
// each monthly refresh brings a new outcomes file, which may revise a crime of any earlier
// month. Keying every month on every outcomes file processed every month again each month;
// instead a cached month is used again while
// - no outcomes file it was made with has changed or gone (any of its crimes may be revised),
// - and no outcomes file added since lists a Crime ID of its crimes: compared by the 13 hex
//   digits its Crime ID sidecar keeps (crime-id-sidecar.ts), so two IDs that share them cost
//   the month a processing, never a stale outcome. An added file holding a Crime ID not in
//   police.uk's form (64 hex digits), which sidecars leave out, revises every month.
// The added files' Crime IDs are gathered as the files are read into the outcome index, which
// a run with an added file reads anyway, so each outcomes file is still read once a run. The
// files a month was made with are kept as <month>.outcomes beside its rows, under its cache
// key; a month without that record is processed again. Processing a month removes its record
// (month-cache.ts openMonthCacheWriter) until the run records the files it was made with, so a
// run that stops between the two leaves no record naming files its rows were not made with.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArchiveEntry } from './archive.ts';
import { idPrefixes, sidecarPrefix } from './crime-id-sidecar.ts';
import { writeFileAtomic } from './write.ts';

/** Starts a record; changed whenever what a record holds changes. */
const RECORD_FORMAT = 'month-outcomes-1';

/** An outcomes file as a month's record names it: its month, force and fingerprint. */
export function outcomesFileName(entry: ArchiveEntry): string {
  return `${entry.month}/${entry.force}:${entry.fingerprint}`;
}

/** Where the record of the outcomes files a cached month was made with is kept. */
export function monthOutcomesFile(dir: string, month: string): string {
  return path.join(dir, `${month}.outcomes`);
}

/** Record that `month`, cached under `key`, was made with the outcomes files `names`. */
export async function writeMonthOutcomes(
  dir: string,
  month: string,
  key: string,
  names: readonly string[],
): Promise<void> {
  const lines = [RECORD_FORMAT, key, ...[...names].sort()];
  await writeFileAtomic(monthOutcomesFile(dir, month), `${lines.join('\n')}\n`);
}

/** The outcomes files `month` was made with under `key`; null without a whole record of it. */
export async function readMonthOutcomes(
  dir: string,
  month: string,
  key: string,
): Promise<string[] | null> {
  const text = await readFile(monthOutcomesFile(dir, month), 'utf8').catch(() => null);
  if (text === null || !text.endsWith('\n')) return null;
  const [format, recordedKey, ...names] = text.slice(0, -1).split('\n');
  return format === RECORD_FORMAT && recordedKey === key ? names : null;
}

/**
 * The outcomes files of `current` (names) that `recorded` does not hold: those added since the
 * month was made; null when one of `recorded` is not among `current` (changed or gone).
 */
export function addedSince(
  recorded: readonly string[],
  current: readonly string[],
): string[] | null {
  const now = new Set(current);
  if (recorded.some((name) => !now.has(name))) return null;
  const made = new Set(recorded);
  return current.filter((name) => !made.has(name));
}

/** The Crime IDs an outcomes file lists, as sidecars keep them. */
export interface ListedIds {
  prefixes: Set<number>;
  /** A Crime ID not in police.uk's form, which no sidecar holds: it may be any month's. */
  otherForm: boolean;
}

/** Gathers what some outcomes files list as they are read (listedIdsCollector). */
export interface ListedIdsCollector {
  /** The files whose lists it gathers: a run must read each of them. */
  names: ReadonlySet<string>;
  lists: ReadonlyMap<string, ListedIds>;
  onCrimeId(entry: ArchiveEntry, crimeId: string): void;
}

/**
 * What the outcomes files `names` list, collected as they are read into the outcome index
 * (outcomes.ts readOutcomesOnce's onCrimeId): each file is read once in a run. A file has a
 * list only once a Crime ID of it was read: one never read, or with no Crime ID, has none,
 * and holdsWith takes it to revise every month rather than none.
 */
export function listedIdsCollector(names: Iterable<string>): ListedIdsCollector {
  const wanted = new Set(names);
  const lists = new Map<string, ListedIds>();
  /** Each file read so far and its name, or null when it is not wanted: named once a file. */
  const fileNames = new Map<ArchiveEntry, string | null>();
  return {
    names: wanted,
    lists,
    onCrimeId(entry, crimeId) {
      let name = fileNames.get(entry);
      if (name === undefined) {
        const named = outcomesFileName(entry);
        name = wanted.has(named) ? named : null;
        fileNames.set(entry, name);
      }
      if (name === null) return;
      let listed = lists.get(name);
      if (listed === undefined) {
        listed = { prefixes: new Set(), otherForm: false };
        lists.set(name, listed);
      }
      const prefix = sidecarPrefix(crimeId);
      if (prefix < 0) listed.otherForm = true;
      else listed.prefixes.add(prefix);
    },
  };
}

/**
 * Whether a cached month (its rows in `csv`) holds with the outcomes files `added` since it was
 * made, `lists` holding what they list: when none lists a Crime ID of its crimes.
 */
export async function holdsWith(
  csv: string,
  added: readonly string[],
  lists: ReadonlyMap<string, ListedIds>,
): Promise<boolean> {
  const listed = added.map((name) => lists.get(name));
  if (listed.some((list) => list === undefined || list.otherForm)) return false;
  for (const prefix of await idPrefixes(csv)) {
    if (listed.some((list) => list!.prefixes.has(prefix))) return false;
  }
  return true;
}
