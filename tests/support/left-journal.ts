// The publish journal a run killed before it finished leaves behind (pipeline/write.ts), for
// tests of what completes it: written by a process that is gone.
import { writeFile } from 'node:fs/promises';

/** A pid no process has (above Linux's largest, 2^22): the run that wrote the journal is gone. */
export const GONE_PID = 2 ** 22 + 1;

/** What the journal lists: renames still to make, and (version 2) appends and removals. */
export interface LeftJournal {
  version?: 1 | 2;
  renames: readonly { from: string; to: string }[];
  appends?: readonly unknown[];
  removals?: readonly string[];
}

/** Write at `file` the journal of a killed run (pid GONE_PID) that lists `parts`. */
export async function writeLeftJournal(file: string, parts: LeftJournal): Promise<void> {
  const { version = 1, ...rest } = parts;
  await writeFile(file, JSON.stringify({ version, startedAt: '', pid: GONE_PID, ...rest }));
}
