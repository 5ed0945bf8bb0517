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
 * A file's size and time of last change, as the caches compare them. A file the pipeline
 * writes is replaced, or grows at its end with a time of its own set (append-in-place.ts),
 * never otherwise edited in place, so the same size and time mean the same bytes; not its
 * inode or change time, which a cache restored by copying, with its times kept,
 * does not keep. Whole milliseconds: a copy that keeps times (`cp -a`, rsync) keeps them to
 * the nanosecond, but Node's own copies (fs.cp's preserveTimestamps) round them to the
 * millisecond, and a time's fraction would then tell two copies of one file apart.
 */
export interface SizeAndTime {
  size: number;
  /** Whole milliseconds. */
  mtimeMs: number;
}

/** `file`'s SizeAndTime; throws when it is not there. */
export async function sizeAndTime(file: string): Promise<SizeAndTime> {
  const info = await stat(file);
  return { size: info.size, mtimeMs: Math.trunc(info.mtimeMs) };
}

/** `file`'s SizeAndTime, or null when it is not there (or cannot be seen). */
export async function sizeAndTimeIfThere(file: string): Promise<SizeAndTime | null> {
  return sizeAndTime(file).catch(() => null);
}

/** Whether `a` and `b` are both known and the same size and time: the same bytes, to a cache. */
export function sameSizeAndTime(a: SizeAndTime | null, b: SizeAndTime | null): boolean {
  return a !== null && b !== null && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** How a stamp names a file: its folder and name ("months/2025-01.csv"). */
export function stampName(file: string): string {
  return `${path.basename(path.dirname(file))}/${path.basename(file)}`;
}

/** A file as a cache knows it: its name (stampName), size and time (SizeAndTime). */
export async function fileStamp(file: string): Promise<string> {
  const { size, mtimeMs } = await sizeAndTime(file);
  return `${stampName(file)}:${size}:${mtimeMs}`;
}
