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

/** How many times each file was met, listed by name (the order met is not fixed). */
export class FileCounts {
  private readonly counts = new Map<string, number>();

  add(file: string): void {
    this.counts.set(file, (this.counts.get(file) ?? 0) + 1);
  }

  /** [file, times], by name. */
  sorted(): [string, number][] {
    return [...this.counts].sort(([a], [b]) => compareCodeUnits(a, b));
  }
}

export class ForceFileReads {
  private readonly counts = new FileCounts();

  read(where: string): void {
    this.counts.add(where);
  }

  /** Each file read, by name (workers read in no fixed order). */
  list(): ForceFileRead[] {
    return this.counts.sorted().map(([file, reads]) => ({ file, reads }));
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
