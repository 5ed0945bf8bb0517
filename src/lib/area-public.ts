// The public folder of a build for an area other than the default: public/'s own files (the
// favicon) with the area's map data and downloads from its data folder, in the places the
// pages link to (data/, downloads/). Assembled afresh under .astro/ on each build, so no
// Leeds file is served with another district's site.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { MAP_DATA_FILE_NAME, WARD_SHAPES_FILE_NAME } from '../shared/map-data.ts';
import { POSTCODE_INDEX_FILE_NAME } from '../shared/postcode-index.ts';

/** The folders of public/ that hold the default area's data, replaced by the area's own. */
const DATA_FOLDERS = new Set(['data', 'downloads']);

export function areaPublicDir(slug: string, dataDir: string): string {
  const target = path.resolve('.astro', 'area-public', slug);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(path.join(target, 'data'), { recursive: true });
  for (const entry of readdirSync('public')) {
    if (!DATA_FOLDERS.has(entry))
      cpSync(path.join('public', entry), path.join(target, entry), { recursive: true });
  }
  for (const name of [MAP_DATA_FILE_NAME, WARD_SHAPES_FILE_NAME, POSTCODE_INDEX_FILE_NAME]) {
    const file = path.join(dataDir, name);
    if (!existsSync(file)) {
      throw new Error(
        `${file} is missing: run \`npm run pipeline -- --area ${slug} --offline\` (or set AREA_DATA_DIR to its --out folder).`,
      );
    }
    cpSync(file, path.join(target, 'data', name));
  }
  cpSync(path.join(dataDir, 'downloads'), path.join(target, 'downloads'), { recursive: true });
  return target;
}
