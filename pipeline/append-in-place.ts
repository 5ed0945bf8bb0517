// An output that only grows, published by appending to the published file in place. A
// monthly run adds one month's rows after those of the published master CSV (270 MB at 96
// months); starting from a copy of the file cost a kernel copy and a flush to disk of the
// whole file every run (about 1 s of the machine's time). Instead the new rows are staged in
// a file of their own, and appended past the publish journal's commit point (write.ts
// Staging) as a step that can be done again: truncate the file to its length before the run,
// write the rows after it, set its time, flush it, then delete the staged rows. A publish
// interrupted anywhere in it and completed from the journal gives the same bytes; once the
// staged rows are gone, it is done.
import { constants } from 'node:fs';
import { access, lstat, open, rm } from 'node:fs/promises';
import { z } from 'zod';
import { crashPoint } from './crash-point.ts';
import type { SizeAndTime } from './files.ts';

export const appendSchema = z.object({
  /** The staged rows. */
  from: z.string(),
  /** The published file they go after. */
  to: z.string(),
  /** Its length before the run: where the rows start. */
  offset: z.number().int().nonnegative(),
  /** Its time once they are appended, in whole seconds (as milliseconds). */
  mtimeMs: z.number().int().nonnegative(),
});

export type Append = z.infer<typeof appendSchema>;

/**
 * `file`'s size and time when it can be appended to in place: a regular file (not a symbolic
 * link) with no other link to it, which this process may write. The file a symbolic link
 * names, or a hard link shares (as a backup made with links does), would change with it, and a
 * file this process may not write would fail the publish past its commit point, so such a
 * file is written anew and replaced instead (its folder is written to either way). Null when
 * it cannot be appended to, or is not there.
 */
export async function appendableStamp(file: string): Promise<SizeAndTime | null> {
  const info = await lstat(file).catch(() => null);
  if (info === null || !info.isFile() || info.nlink !== 1) return null;
  const writable = await access(file, constants.W_OK).then(
    () => true,
    () => false,
  );
  return writable ? { size: info.size, mtimeMs: Math.trunc(info.mtimeMs) } : null;
}

/**
 * The time an append made now gives its file: whole seconds, which a file system keeps
 * exactly (a fraction set through a number of seconds may come back a nanosecond off).
 */
export function appendTime(now = Date.now()): number {
  return Math.trunc(now / 1000) * 1000;
}

const COPY_BYTES = 1 << 20;

/**
 * Append the staged rows of `append` to its file: truncate it to `offset`, write the rows
 * after it, set its time, flush it, then delete the rows. False when they are gone (appended
 * before an interruption, or never staged), true once appended.
 */
export async function appendStaged(append: Append): Promise<boolean> {
  const { from, to, offset, mtimeMs } = append;
  const rows = await open(from, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (rows === null) return false;
  try {
    const target = await open(to, 'r+');
    try {
      const { size } = await target.stat();
      if (size < offset) {
        throw new Error(
          `${to} holds ${size} bytes, but the rows staged in ${from} go after its first ` +
            `${offset}: it was changed after the publish began, so they cannot be appended to it.`,
        );
      }
      await target.truncate(offset);
      const buffer = Buffer.allocUnsafe(COPY_BYTES);
      let at = 0;
      for (;;) {
        const { bytesRead } = await rows.read(buffer, 0, buffer.length, at);
        if (bytesRead === 0) break;
        for (let done = 0; done < bytesRead;) {
          const { bytesWritten } = await target.write(buffer, done, bytesRead - done, offset + at);
          done += bytesWritten;
          at += bytesWritten;
        }
      }
      crashPoint('appending');
      await target.utimes(mtimeMs / 1000, mtimeMs / 1000);
      await target.sync();
    } finally {
      await target.close();
    }
  } finally {
    await rows.close();
  }
  await rm(from, { force: true });
  return true;
}
