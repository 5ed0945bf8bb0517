// `--out DIR`, checked before a run does any work: a file, or a folder that cannot be written
// (read-only, another user's), given by mistake is named with what to give instead, rather
// than found as a raw ENOTDIR or EROFS at the first write, or at the publish after the work.
import type { Stats } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../src/shared/error-message.ts';

/** Creates and removes a file in `dir`: what the run will do there, so the same errors. */
export async function probeWrite(dir: string): Promise<void> {
  const file = path.join(dir, `.pipeline-write-check-${process.pid}`);
  await (await open(file, 'wx')).close();
  await rm(file, { force: true });
}

/**
 * Throws an error saying what to give instead when `out` (absolute) is not a folder the run
 * can write to: it must be a folder, or not exist yet in a folder that can be written to.
 */
export async function checkOutFolder(out: string, probe = probeWrite): Promise<void> {
  const instead = 'give --out a folder you can write to, or a new folder inside one';
  // The nearest of `out` and its parents that exists: `out` itself, or where it is created.
  let existing = out;
  let info: Stats | null;
  try {
    info = await existingStat(existing);
    while (info === null && path.dirname(existing) !== existing) {
      existing = path.dirname(existing);
      info = await existingStat(existing);
    }
  } catch (cause) {
    const reason = errorMessage(cause);
    throw new Error(`--out ${out} cannot be reached (${reason}): ${instead}`, { cause });
  }
  if (info !== null && !info.isDirectory()) {
    throw new Error(
      existing === out
        ? `--out ${out} is a file, not a folder: ${instead}`
        : `--out ${out} cannot be created: ${existing} is a file, not a folder: ${instead}`,
    );
  }
  try {
    await probe(existing);
  } catch (cause) {
    const reason = errorMessage(cause);
    throw new Error(
      existing === out
        ? `--out ${out} cannot be written (${reason}): ${instead}`
        : `--out ${out} cannot be created in ${existing} (${reason}): ${instead}`,
      { cause },
    );
  }
}

/** `file`'s stat, or null when it does not exist (or a parent is a file, found on the way up). */
async function existingStat(file: string): Promise<Stats | null> {
  try {
    return await stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}
