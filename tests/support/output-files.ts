// The output files of a pipeline run, for tests that compare two runs' outputs file by file.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Every output file under `out`, the cache and the run summary aside, by relative path, each
 * as `content` gives it (base64 unless told).
 */
export async function outputFiles(
  out: string,
  content: (bytes: Buffer) => string = (bytes) => bytes.toString('base64'),
): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(out, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    const relative = path.relative(out, file);
    if (!entry.isFile() || relative.startsWith('cache') || relative === 'run-summary.json') {
      continue;
    }
    files[relative] = content(await readFile(file));
  }
  return files;
}
