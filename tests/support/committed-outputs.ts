// A pipeline --out folder holding the committed Leeds outputs (site data, downloads manifest,
// change log, the map's files and the yearly downloads), for builds from AREA_DATA_DIR.
import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { MAP_DATA_FILE_NAME, WARD_SHAPES_FILE_NAME } from '../../src/shared/map-data.ts';
import { POSTCODE_INDEX_FILE_NAME } from '../../src/shared/postcode-index.ts';

/** The map's files in public/data (and in a --out folder). */
const MAP_FILES = [MAP_DATA_FILE_NAME, WARD_SHAPES_FILE_NAME, POSTCODE_INDEX_FILE_NAME] as const;

/** Copy the committed Leeds outputs into `dir`, laid out as the pipeline's --out folder. */
export async function committedOutputs(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const file of ['site-data.json', 'downloads.json', 'changes.json']) {
    await cp(path.join('src', 'data', file), path.join(dir, file));
  }
  for (const file of MAP_FILES) await cp(path.join('public', 'data', file), path.join(dir, file));
  await cp(path.join('public', 'downloads'), path.join(dir, 'downloads'), { recursive: true });
}
