// Two pipeline output folders compared file by file: what an incremental run published against
// what a full run of the same months published.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * Not outputs: the run's own caches (an incremental run's hold more than a full run's) and its
 * record of how the run went (timings, months from the cache).
 */
const NOT_OUTPUTS = new Set(['cache', 'run-summary.json']);

/** Every file under `dir` but NOT_OUTPUTS at its top, as paths relative to `dir` with `/`. */
async function outputFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .filter((file) => !NOT_OUTPUTS.has(file.split(path.sep)[0] ?? ''))
    .map((file) => file.split(path.sep).join('/'))
    .sort();
}

/** SHA-256 of a file, streamed: the master CSV is hundreds of megabytes at full scale. */
async function fileHash(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** Each output file under `dir` (relative, with `/`) and its SHA-256. */
export async function outputHashes(dir: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const file of await outputFiles(dir)) hashes.set(file, await fileHash(path.join(dir, file)));
  return hashes;
}

/**
 * The output files of `dir` that are not the same byte for byte as in `reference` (from
 * outputHashes), sorted: each file whose bytes differ, and each file only one of them has.
 * Empty when the two published the same.
 */
export async function differingOutputs(
  reference: ReadonlyMap<string, string>,
  dir: string,
): Promise<string[]> {
  const hashes = await outputHashes(dir);
  const files = new Set([...reference.keys(), ...hashes.keys()]);
  return [...files].filter((file) => reference.get(file) !== hashes.get(file)).sort();
}
