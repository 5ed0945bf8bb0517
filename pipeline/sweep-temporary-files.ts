// Temporary files ("*.tmp-<pid>", see write.ts tempPathFor) of processes that are no longer
// running: a killed run's half-written outputs and staging folders, removed by the next run.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';

const TEMP_SUFFIX = /\.tmp-(\d+)$/;

/** Temporary files ("*.tmp-<pid>") in `dirs` left by processes that are no longer running. */
export async function sweepTemporaryFiles(dirs: readonly string[]): Promise<string[]> {
  const swept: string[] = [];
  for (const dir of new Set(dirs)) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const pid = Number(TEMP_SUFFIX.exec(name)?.[1]);
      if (!Number.isInteger(pid) || pid === process.pid || isRunning(pid)) continue;
      await rm(path.join(dir, name), { force: true, recursive: true });
      swept.push(path.join(dir, name));
    }
  }
  return swept;
}

/** Whether a process with this id is running (one of another user counts). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
