// How many times a run opened each police.uk file for reading: a run for several districts
// reads each force file once and gives its rows to every district that reads that force
// (process-month.ts processMonthIntoCache). Counted where a file is opened, in the main
// thread and in the month workers alike, so the count is what was read, not what was planned.
import type { ArchiveEntry } from './archive.ts';
import { compareCodeUnits } from '../src/shared/compare.ts';

export interface ForceFileRead {
  /** The file, as messages name it: a path, or "<zip path>:<entry name>". */
  file: string;
  reads: number;
}

export class ForceFileReads {
  private readonly counts = new Map<string, number>();

  read(where: string): void {
    this.counts.set(where, (this.counts.get(where) ?? 0) + 1);
  }

  /** Each file read, by name (workers read in no fixed order). */
  list(): ForceFileRead[] {
    return [...this.counts]
      .sort(([a], [b]) => compareCodeUnits(a, b))
      .map(([file, reads]) => ({ file, reads }));
  }
}

/** `entries`, each telling `onRead` its `where` whenever it is opened. */
export function countOpens(
  entries: readonly ArchiveEntry[],
  onRead: (where: string) => void,
): void {
  for (const entry of entries) {
    const open = entry.open.bind(entry);
    entry.open = () => {
      onRead(entry.where);
      return open();
    };
  }
}
