// The public folder of a build for an area other than the default: public/'s own files (the
// favicon) with the area's map data and downloads from its data folder, in the places the
// pages link to (data/, downloads/). Assembled afresh under .astro/ on each build, so no
// Leeds file is served with another district's site.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { MAP_DATA_FILE_NAME, WARD_SHAPES_FILE_NAME } from '../shared/map-data.ts';
import { POSTCODE_INDEX_FILE_NAME } from '../shared/postcode-index.ts';
import { areaDataDir, areaSlug, DEFAULT_AREA, rebuildHint } from './area.ts';

/** The folders of public/ that hold the default area's data, replaced by the area's own. */
const DATA_FOLDERS = new Set(['data', 'downloads']);

/** The pipeline's files the map page fetches, from the site's data/ folder. */
const MAP_FILES = [MAP_DATA_FILE_NAME, WARD_SHAPES_FILE_NAME, POSTCODE_INDEX_FILE_NAME];

/**
 * The pipeline's files the pages link to (the map's data, then the downloads folder), in
 * `dataFolder` and `downloadsFolder`; throws naming the first missing and the command that
 * makes it. Without the check the build fails on a bare ENOENT, or, for the default area,
 * not at all, and the map finds no data.
 */
function requireServedFiles(slug: string, dataFolder: string, downloadsFolder: string): void {
  const files = [...MAP_FILES.map((name) => path.join(dataFolder, name)), downloadsFolder];
  const missing = files.find((file) => !existsSync(file));
  if (missing !== undefined) throw new Error(`${missing} is missing. ${rebuildHint(slug)}`);
}

/** The public folder of a build for the default area: public/, with the pipeline's files. */
export function defaultPublicDir(): string {
  requireServedFiles(DEFAULT_AREA, path.join('public', 'data'), path.join('public', 'downloads'));
  return './public';
}

export function areaPublicDir(slug: string, dataDir: string): string {
  requireServedFiles(slug, dataDir, path.join(dataDir, 'downloads'));
  const target = path.resolve('.astro', 'area-public', slug);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(path.join(target, 'data'), { recursive: true });
  for (const entry of readdirSync('public')) {
    if (!DATA_FOLDERS.has(entry))
      cpSync(path.join('public', entry), path.join(target, entry), { recursive: true });
  }
  for (const name of MAP_FILES) cpSync(path.join(dataDir, name), path.join(target, 'data', name));
  cpSync(path.join(dataDir, 'downloads'), path.join(target, 'downloads'), { recursive: true });
  return target;
}

/**
 * The version the map page puts in the address of a file of the site's data/ folder (?v=): the
 * first 16 hex digits of the SHA-256 of the file the build serves, so the address changes
 * exactly when the file does and a browser never takes a cached old file for a new page. Not
 * the site data's generatedAt (the newest fetch): a refresh that fetched nothing new but
 * rewrote the files (its pipeline or reference data changed) leaves it as it was.
 */
export function servedDataVersion(name: string, slug: string = areaSlug()): string {
  const dataDir = areaDataDir(slug);
  const file = dataDir === null ? path.join('public', 'data', name) : path.join(dataDir, name);
  return createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
}
