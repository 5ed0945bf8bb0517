// Questions about the file system that several parts of the pipeline ask.
import { access, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Whether `file` exists (and can be seen): false for any error, or with `strict` only when it
 * is not there (ENOENT), any other error (a folder that cannot be read) being thrown.
 */
export async function exists(file: string, options: { strict?: boolean } = {}): Promise<boolean> {
  return access(file).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (options.strict && error.code !== 'ENOENT') throw error;
      return false;
    },
  );
}

/** Whether `file` is `dir` or lies below it (by path, without following links). */
export function isInside(file: string, dir: string): boolean {
  const relative = path.relative(path.resolve(dir), path.resolve(file));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * A file as a cache knows it: its folder and name, size and time (whole milliseconds). A
 * file the pipeline writes is only ever replaced, never edited in place, so the same stamp
 * means the same bytes; not its inode or change time, which a cache restored by copying,
 * with its times kept, does not keep.
 */
export async function fileStamp(file: string): Promise<string> {
  const info = await stat(file);
  const name = `${path.basename(path.dirname(file))}/${path.basename(file)}`;
  return `${name}:${info.size}:${Math.trunc(info.mtimeMs)}`;
}
