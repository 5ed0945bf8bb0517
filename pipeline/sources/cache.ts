// On-disk caches of the fetch step, and the per-month manifest that records where each month
// came from. Layout under the cache root (default data/cache):
//   archive/YYYY-MM/YYYY-MM-<force>-<kind>.csv   police.uk files in the archive layout (--archive-dir)
//   api/YYYY-MM.json                             crimes-street answers for months no archive holds yet
//   sources/manifest/YYYY-MM.json                source, archive or API snapshot, fetchedAt, file CRCs
//   sources/downloads/YYYY-MM.zip[.partial]      whole archives, only when a server refuses ranges
//   sources/downloads/YYYY-MM.zip.version.json   the copy of the archive they are of (size, ETag...)
//   sources/api-leaf-history.json                crimes per piece of the API query polygon, by month
//   sources/postcodes-io.json                    reverse-geocoding answers by coordinate
//   sources/polling-districts.geojson            the council's polling districts
// Every write is atomic (temp + rename); a month appears whole or not at all.
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { monthSchema } from '../../src/shared/schema.ts';
import { isRunning } from '../sweep-temporary-files.ts';
import { writeFileAtomic } from '../write.ts';

export interface SourcePaths {
  root: string;
  archiveDir: string;
  apiDir: string;
  manifestDir: string;
  downloadDir: string;
  stagingDir: string;
  apiLeafHistory: string;
  postcodesCache: string;
  pollingDistrictsCache: string;
}

export const DEFAULT_CACHE_ROOT = path.join('data', 'cache');

export function sourcePaths(cacheRoot: string = DEFAULT_CACHE_ROOT): SourcePaths {
  const own = path.join(cacheRoot, 'sources');
  return {
    root: cacheRoot,
    archiveDir: path.join(cacheRoot, 'archive'),
    apiDir: path.join(cacheRoot, 'api'),
    manifestDir: path.join(own, 'manifest'),
    downloadDir: path.join(own, 'downloads'),
    stagingDir: path.join(own, 'staging'),
    apiLeafHistory: path.join(own, 'api-leaf-history.json'),
    postcodesCache: path.join(own, 'postcodes-io.json'),
    pollingDistrictsCache: path.join(own, 'polling-districts.geojson'),
  };
}

const fetchedFileSchema = z.object({
  name: z.string(),
  bytes: z.number().int().nonnegative(),
  crc32: z.number().int().nonnegative(),
});
export type FetchedFile = z.infer<typeof fetchedFileSchema>;

export const monthManifestSchema = z.object({
  month: monthSchema,
  source: z.enum(['archive', 'api']),
  /** "2025-03.zip" for an archive, "api:2025-04" (the API's newest month then) for the API. */
  snapshot: z.string().min(1),
  fetchedAt: z.iso.datetime(),
  /** The archive file as the server described it, to notice a republished archive. */
  archive: z
    .object({
      url: z.string(),
      size: z.number().int().nonnegative(),
      lastModified: z.string().optional(),
      etag: z.string().optional(),
    })
    .optional(),
  api: z
    .object({
      requests: z.number().int().nonnegative(),
      polygons: z.number().int().nonnegative(),
      crimes: z.number().int().nonnegative(),
    })
    .optional(),
  files: z.array(fetchedFileSchema),
});
export type MonthManifest = z.infer<typeof monthManifestSchema>;

export function manifestPath(paths: SourcePaths, month: string): string {
  return path.join(paths.manifestDir, `${month}.json`);
}

/** The manifest of `month`, or undefined when the month was never fetched (or its manifest is unreadable). */
export async function readMonthManifest(
  paths: SourcePaths,
  month: string,
): Promise<MonthManifest | undefined> {
  let text: string;
  try {
    text = await readFile(manifestPath(paths, month), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = monthManifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Where the cache keeps a file a month's manifest lists. */
function cachedFilePath(paths: SourcePaths, manifest: MonthManifest, name: string): string {
  return manifest.source === 'archive'
    ? path.join(paths.archiveDir, manifest.month, name)
    : path.join(paths.apiDir, name);
}

/**
 * The manifest of `month` when every file it lists is in the cache at its recorded size, else
 * undefined (as for a month never fetched), with a line to `log` naming what is missing: a run
 * stopped between commitArchiveMonth's two renames leaves the manifest without its folder, and
 * such a month is fetched again rather than counted as cached and left out of the run.
 */
export async function readCachedMonth(
  paths: SourcePaths,
  month: string,
  log: (line: string) => void,
): Promise<MonthManifest | undefined> {
  const manifest = await readMonthManifest(paths, month);
  if (manifest === undefined) return undefined;
  for (const file of manifest.files) {
    const at = cachedFilePath(paths, manifest, file.name);
    const size = await stat(at).then(
      (s) => s.size,
      () => null,
    );
    if (size !== file.bytes) {
      log(
        `${month}: the cached copy from ${manifest.snapshot} lacks ${file.name}` +
          (size === null ? '' : ` (${size} bytes, not ${file.bytes})`) +
          ' (a run stopped while replacing it?); fetching the month again',
      );
      return undefined;
    }
  }
  return manifest;
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A staged month's folder, or the cached folder it replaces moved aside: the month, a time
 * and the staging process's id ("2025-02-1764900000000.tmp-4242", "....previous-4242"). A
 * moved-aside folder is never named ".tmp-<pid>": the sweep of a killed run's temporary files
 * (sweep-temporary-files.ts), which runs before any fetch, would remove what may be the only
 * copy of a month before restoreStagedMonths could put it back.
 */
const STAGED_NAME = /^(\d{4}-\d{2})-\d+\.(tmp|previous)-(\d+)$/;

/** The name of a staged month's folder ("tmp") or of the folder it replaces moved aside. */
export function stagedFolderName(
  month: string,
  kind: 'tmp' | 'previous',
  pid = process.pid,
  time = Date.now(),
): string {
  return `${month}-${time}.${kind}-${pid}`;
}

/** A fresh, empty folder for one month's files; commitArchiveMonth moves it into place. */
export async function stageMonth(paths: SourcePaths, month: string): Promise<string> {
  const dir = path.join(paths.stagingDir, stagedFolderName(month, 'tmp'));
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * Put right what runs stopped while fetching left in the staging folder: a month folder moved
 * aside while its replacement moved in goes back when the replacement is not there (it may be
 * the only copy: police.uk drops months from its archives), and is removed when it is; a
 * half-staged month is removed. Folders of a process still running are left alone.
 */
export async function restoreStagedMonths(
  paths: SourcePaths,
  log: (line: string) => void,
): Promise<void> {
  const names = await readdir(paths.stagingDir).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const match = STAGED_NAME.exec(name);
    const pid = Number(match?.[3]);
    if (!match || pid === process.pid || isRunning(pid)) continue;
    const dir = path.join(paths.stagingDir, name);
    const month = match[1] as string;
    const target = path.join(paths.archiveDir, month);
    if (
      match[2] === 'previous' &&
      !(await stat(target).then(
        () => true,
        () => false,
      ))
    ) {
      await mkdir(paths.archiveDir, { recursive: true });
      await rename(dir, target);
      log(`${month}: put back the cached copy a run stopped while replacing it had moved aside`);
    } else {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/**
 * Put a staged month in place of the old one (if any), drop an API snapshot it supersedes,
 * then record its manifest. The old folder stays until the new one is in place.
 */
export async function commitArchiveMonth(
  paths: SourcePaths,
  staged: string,
  manifest: MonthManifest,
): Promise<void> {
  const target = path.join(paths.archiveDir, manifest.month);
  const previous = path.join(paths.stagingDir, stagedFolderName(manifest.month, 'previous'));
  await mkdir(paths.archiveDir, { recursive: true });
  const hadPrevious = await rename(target, previous).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
  try {
    await rename(staged, target);
  } catch (error) {
    if (hadPrevious) await rename(previous, target);
    throw error;
  }
  if (hadPrevious) await rm(previous, { recursive: true, force: true });
  await rm(path.join(paths.apiDir, `${manifest.month}.json`), { force: true });
  await writeJsonAtomic(manifestPath(paths, manifest.month), manifest);
}

/** Save one API month (the crimes-street objects as received) and its manifest. */
export async function commitApiMonth(
  paths: SourcePaths,
  crimesJson: string,
  manifest: MonthManifest,
): Promise<void> {
  await writeFileAtomic(path.join(paths.apiDir, `${manifest.month}.json`), crimesJson);
  await writeJsonAtomic(manifestPath(paths, manifest.month), manifest);
}

export async function discardStaged(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
