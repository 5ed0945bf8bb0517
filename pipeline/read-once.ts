// police.uk files read once for several readers: in a run for several districts, each
// district reads the files of its forces, and a file two districts read (British Transport
// Police's, or a force holding both districts) is opened, decompressed and parsed once, each
// row given to every district that reads it. Used for the street files (process-month.ts),
// the outcomes files (outcomes.ts) and the stop-and-search files (stop-search.ts).
import type { ArchiveEntry } from './archive.ts';
import { readCsv, type CsvRow } from './csv.ts';

/**
 * Each file of `lists` (one list per reader) read once, in readOrder; each row given to
 * `row` with the indexes of the readers whose list holds the file, so that every reader
 * sees its own files' rows in its own order, as when it reads them alone.
 */
export async function readEachOnce(
  lists: readonly (readonly ArchiveEntry[])[],
  columns: readonly string[],
  row: (readers: readonly number[], entry: ArchiveEntry, csv: CsvRow) => Promise<void> | undefined,
  options: { onBytes?: ((n: number) => void) | undefined } = {},
): Promise<void> {
  for (const entry of readOrder(lists)) {
    const readers = lists.flatMap((list, i) =>
      list.some((e) => e.where === entry.where) ? [i] : [],
    );
    const rows = readCsv(
      await entry.open(),
      entry.where,
      columns,
      options.onBytes ? { onBytes: options.onBytes } : {},
    );
    for await (const csv of rows) {
      // A promise only when the row had to wait (a write), not one per row.
      const pending = row(readers, entry, csv);
      if (pending) await pending;
    }
  }
}

/**
 * One order of the files in `lists` (by where), each once, that keeps each list's own order
 * (a district's rows must come in its plan's order: the first row of a Crime ID is the one
 * kept). Throws when two lists order the same files differently.
 */
export function readOrder(lists: readonly (readonly ArchiveEntry[])[]): ArchiveEntry[] {
  // A topological sort of the files, each list's order its edges; ties go to the file met
  // first, so one list comes back in its own order.
  const files = new Map<string, { entry: ArchiveEntry; after: Set<string>; before: number }>();
  for (const list of lists) {
    for (const entry of list) {
      if (!files.has(entry.where)) files.set(entry.where, { entry, after: new Set(), before: 0 });
    }
  }
  for (const list of lists) {
    list.slice(1).forEach((entry, i) => {
      const previous = files.get(list[i]!.where)!;
      if (entry.where === list[i]!.where || previous.after.has(entry.where)) return;
      previous.after.add(entry.where);
      files.get(entry.where)!.before += 1;
    });
  }
  const order: ArchiveEntry[] = [];
  const ready = [...files.values()].filter((f) => f.before === 0);
  while (ready.length > 0) {
    const next = ready.shift()!;
    order.push(next.entry);
    for (const where of next.after) {
      const file = files.get(where)!;
      file.before -= 1;
      if (file.before === 0) ready.push(file);
    }
  }
  if (order.length < files.size) {
    const left = [...files.keys()].filter((where) => !order.some((e) => e.where === where));
    throw new Error(
      `the districts of this run read ${left.join(', ')} in different orders (the order of ` +
        'their forces in area.json): run them separately, or list the shared forces in the ' +
        'same order',
    );
  }
  return order;
}
