// police.uk files read once for several readers: in a run for several districts, each
// district reads the files of its forces, and a file two districts read (British Transport
// Police's, or a force holding both districts) is opened, decompressed and parsed once, each
// row given to every district that reads it. Used for the street files (process-month.ts),
// the outcomes files (outcomes.ts) and the stop-and-search files (stop-search.ts).
import type { ArchiveEntry } from './archive.ts';
import { readCsvEach, type CsvRow } from './csv.ts';

/**
 * Which file an entry is, for reading it once: the file on disk (`identity`, so two
 * districts' hard links to one download are one file), else where it is. A list that holds
 * one file twice (by two paths) keeps its entries apart by where, so it reads both as alone.
 */
function fileKeys(
  lists: readonly (readonly ArchiveEntry[])[],
): ((entry: ArchiveEntry) => string)[] {
  return lists.map((list) => {
    const identities = list.map(onDisk);
    const unique = new Set(identities).size === identities.length;
    return (entry) => (unique ? onDisk(entry) : entry.where);
  });
}

/**
 * The file on disk, with its fingerprint (size and modification time): links to one file
 * share both, while two files that a file system numbers alike (a reused or 0 inode) would
 * have to agree on both to be taken for one.
 */
const onDisk = (entry: ArchiveEntry): string =>
  entry.identity === undefined ? entry.where : `${entry.identity}|${entry.fingerprint}`;

/** How many distinct files `lists` hold, as readEachOnce reads them, and their bytes. */
export function filesToRead(lists: readonly (readonly ArchiveEntry[])[]): {
  count: number;
  bytes: number;
} {
  const keys = fileKeys(lists);
  const sizes = new Map<string, number>();
  lists.forEach((list, l) => list.forEach((e) => sizes.set(keys[l]!(e), e.size)));
  return { count: sizes.size, bytes: [...sizes.values()].reduce((sum, size) => sum + size, 0) };
}

/**
 * Each file of `lists` (one list per reader) read once, in readOrder; each row given to
 * `row` with the indexes of the readers whose list holds the file and each one's own entry
 * of it (`entries[i]`: its path, for messages), so that every reader sees its own files'
 * rows in its own order and under its own names, as when it reads them alone. The files are
 * police.uk's: a byte that is not UTF-8 is read as U+FFFD, for the reader to count the row as
 * repaired (text-repair.ts), never a stop to the run.
 */
export async function readEachOnce(
  lists: readonly (readonly ArchiveEntry[])[],
  columns: readonly string[],
  row: (
    readers: readonly number[],
    entries: readonly (ArchiveEntry | undefined)[],
    csv: CsvRow,
  ) => Promise<void> | undefined,
  options: { onBytes?: ((n: number) => void) | undefined } = {},
): Promise<void> {
  const keys = fileKeys(lists);
  for (const { key, entry } of keyedReadOrder(lists, keys)) {
    const entries = lists.map((list, i) => list.find((e) => keys[i]!(e) === key));
    const readers = entries.flatMap((e, i) => (e === undefined ? [] : [i]));
    // A promise only when the row had to wait (a write), not one per row.
    await readCsvEach(
      await entry.open(),
      entry.where,
      columns,
      (csv) => row(readers, entries, csv),
      { ...(options.onBytes ? { onBytes: options.onBytes } : {}), replaceInvalidUtf8: true },
    );
  }
}

/**
 * One order of the files in `lists` (by where), each once, that keeps each list's own order
 * (a district's rows must come in its plan's order: the first row of a Crime ID is the one
 * kept). Throws when two lists order the same files differently.
 */
export function readOrder(lists: readonly (readonly ArchiveEntry[])[]): ArchiveEntry[] {
  return keyedReadOrder(lists, fileKeys(lists)).map(({ entry }) => entry);
}

function keyedReadOrder(
  lists: readonly (readonly ArchiveEntry[])[],
  keys: readonly ((entry: ArchiveEntry) => string)[],
): { key: string; entry: ArchiveEntry }[] {
  // A topological sort of the files, each list's order its edges; ties go to the file met
  // first, so one list comes back in its own order.
  const files = new Map<
    string,
    { key: string; entry: ArchiveEntry; after: Set<string>; before: number }
  >();
  lists.forEach((list, l) => {
    for (const entry of list) {
      const key = keys[l]!(entry);
      if (!files.has(key)) files.set(key, { key, entry, after: new Set(), before: 0 });
    }
  });
  lists.forEach((list, l) => {
    list.slice(1).forEach((entry, i) => {
      const [from, to] = [keys[l]!(list[i]!), keys[l]!(entry)];
      const previous = files.get(from)!;
      if (to === from || previous.after.has(to)) return;
      previous.after.add(to);
      files.get(to)!.before += 1;
    });
  });
  const order: { key: string; entry: ArchiveEntry }[] = [];
  const ready = [...files.values()].filter((f) => f.before === 0);
  while (ready.length > 0) {
    const next = ready.shift()!;
    order.push(next);
    for (const key of next.after) {
      const file = files.get(key)!;
      file.before -= 1;
      if (file.before === 0) ready.push(file);
    }
  }
  if (order.length < files.size) {
    const done = new Set(order.map((f) => f.key));
    const left = [...files.values()].filter((f) => !done.has(f.key)).map((f) => f.entry.where);
    throw new Error(
      `the districts of this run read ${left.join(', ')} in different orders (the order of ` +
        'their forces in area.json): run them separately, or list the shared forces in the ' +
        'same order',
    );
  }
  return order;
}
