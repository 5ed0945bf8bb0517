// The public folder of a build for an area other than the default: public/'s own files (the
// favicon) with the area's map data and downloads from its data folder, in the places the
// pages link to (data/, downloads/). Assembled afresh under .astro/ on each build, so no
// Leeds file is served with another district's site.
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import {
  DOWNLOADS_README,
  downloadsUnlikeManifest,
  type DownloadsFolderEntry,
} from '../shared/downloads-folder.ts';
import { MAP_DATA_FILE_NAME, WARD_SHAPES_FILE_NAME } from '../shared/map-data.ts';
import { downloadsManifestSchema } from '../shared/open-data.ts';
import { POSTCODE_INDEX_FILE_NAME } from '../shared/postcode-index.ts';
import { parseOrThrow } from '../shared/schema.ts';
import {
  areaDataDir,
  areaSlug,
  DEFAULT_AREA,
  pipelineCommand,
  rebuildHint,
  shownPath,
} from './area.ts';

/** The folders of public/ that hold the default area's data, replaced by the area's own. */
const DATA_FOLDERS = new Set(['data', 'downloads']);

/** The pipeline's files the map page fetches, from the site's data/ folder. */
const MAP_FILES = [MAP_DATA_FILE_NAME, WARD_SHAPES_FILE_NAME, POSTCODE_INDEX_FILE_NAME];

/**
 * The pipeline's files the pages link to (the map's data, then the downloads folder and its
 * manifest), in `dataFolder`, `downloadsFolder` and `manifest`; throws naming the first missing
 * and the command that makes it. Without the check the build fails on a bare ENOENT, or, for
 * the default area, not at all, and the map finds no data. Then the downloads folder must hold
 * the files its manifest lists (requireDownloadsAsListed).
 */
function requireServedFiles(
  slug: string,
  dataFolder: string,
  downloadsFolder: string,
  manifest: string,
): void {
  const files = [
    ...MAP_FILES.map((name) => path.join(dataFolder, name)),
    downloadsFolder,
    manifest,
  ];
  const missing = files.find((file) => !existsSync(file));
  if (missing !== undefined)
    throw new Error(`${missing} is missing. ${rebuildHint(slug, path.dirname(manifest))}`);
  requireDownloadsAsListed(slug, downloadsFolder, manifest);
}

/** The SHA-256 of `file`, hex. */
function fileSha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * Throws unless `folder` holds the yearly files `manifestFile` lists, each of the size and
 * SHA-256 listed, nothing else but README.txt, and a README.txt that lists them as the
 * manifest does (src/shared/downloads-folder.ts). The Data page, its Dataset, datapackage.json
 * and README.txt give the manifest's sizes and checksums (and version each file's address by
 * its SHA-256): a file replaced or edited by hand, or a manifest of another run, would be
 * published with a checksum the file served does not have. Every file is hashed: some 0.1 s
 * for the 68 MB of eight full years.
 */
function requireDownloadsAsListed(slug: string, folder: string, manifestFile: string): void {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch (cause) {
    const hint = rebuildHint(slug, path.dirname(manifestFile));
    throw new Error(`${shownPath(manifestFile)} is not valid JSON. ${hint}`, { cause });
  }
  const manifest = parseOrThrow(downloadsManifestSchema, value, shownPath(manifestFile));
  const entries = readdirSync(folder).map((name): DownloadsFolderEntry => {
    const file = path.join(folder, name);
    const found = statSync(file, { throwIfNoEntry: false });
    return {
      name,
      file: found?.isFile() ? { bytes: found.size, sha256: fileSha256(file) } : null,
    };
  });
  const readmeFile = path.join(folder, DOWNLOADS_README);
  const readme = entries.some((e) => e.name === DOWNLOADS_README && e.file !== null)
    ? readFileSync(readmeFile, 'utf8')
    : null;
  const problems = downloadsUnlikeManifest(manifest, entries, readme);
  if (problems.length === 0) return;
  throw new Error(
    `The downloads in ${shownPath(folder)} are not the files ${shownPath(manifestFile)} ` +
      `lists: ${problems.join('; ')}. Served so, the Data page and README.txt would give ` +
      'sizes and SHA-256 checksums the files do not have. The pipeline writes the files and ' +
      `their manifest together: ${rerunAdvice(slug, folder, manifestFile)}`,
  );
}

/** What to do about a downloads folder unlike its manifest: make both again, or put both back. */
function rerunAdvice(slug: string, folder: string, manifestFile: string): string {
  const command = pipelineCommand(slug, path.dirname(manifestFile));
  return (
    `run it again (\`${command}\`), or restore the files and the manifest as they were ` +
    `published (if committed: \`git checkout -- ${shownPath(folder)} ${shownPath(manifestFile)}\`).`
  );
}

/** The public folder of a build for the default area: public/, with the pipeline's files. */
export function defaultPublicDir(): string {
  requireServedFiles(
    DEFAULT_AREA,
    path.join('public', 'data'),
    path.join('public', 'downloads'),
    path.join('src', 'data', 'downloads.json'),
  );
  return './public';
}

export function areaPublicDir(slug: string, dataDir: string): string {
  requireServedFiles(
    slug,
    dataDir,
    path.join(dataDir, 'downloads'),
    path.join(dataDir, 'downloads.json'),
  );
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
 * Where the build serves `name` of the site's `folder` (data/ or downloads/) from: public/ for
 * the default area, else the area's data folder (the map's files at its top).
 */
export function servedFile(
  folder: 'data' | 'downloads',
  name: string,
  slug: string = areaSlug(),
): string {
  const dataDir = areaDataDir(slug);
  if (dataDir === null) return path.join('public', folder, name);
  return folder === 'data' ? path.join(dataDir, name) : path.join(dataDir, folder, name);
}
