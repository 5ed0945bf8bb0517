// Two questions about the file system that several parts of the pipeline ask.
import { access } from 'node:fs/promises';
import path from 'node:path';

/** Whether `file` exists (and can be seen); false for any error. */
export async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** Whether `file` is `dir` or lies below it (by path, without following links). */
export function isInside(file: string, dir: string): boolean {
  const relative = path.relative(path.resolve(dir), path.resolve(file));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
