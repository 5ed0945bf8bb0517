// The crimes of the months before an API month, as points, from what the fetch step keeps in
// its cache (archive-layout street files, API snapshots): what each piece of the API query
// polygon is compared with when it has no history of its own (api-leaf-history.ts).
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { readCsv } from '../csv.ts';
import { COMPARED_MONTHS, type EarlierMonth } from './api-leaf-history.ts';
import type { SourcePaths } from './cache.ts';
import { addMonths } from '../../src/shared/months.ts';

/** Months looked back for cached data; the COMPARED_MONTHS newest found are compared. */
const LOOK_BACK_MONTHS = 12;

export async function readEarlierMonths(
  paths: SourcePaths,
  month: string,
  forces: readonly string[],
): Promise<EarlierMonth[]> {
  const found: EarlierMonth[] = [];
  for (let back = 1; back <= LOOK_BACK_MONTHS && found.length < COMPARED_MONTHS; back += 1) {
    const earlier = addMonths(month, -back);
    const points =
      (await archivePoints(paths, earlier, forces)) ?? (await apiPoints(paths, earlier));
    if (points && points.length > 0) found.push({ month: earlier, points });
  }
  return found;
}

async function archivePoints(
  paths: SourcePaths,
  month: string,
  forces: readonly string[],
): Promise<[number, number][] | undefined> {
  const files = forces.map((force) =>
    path.join(paths.archiveDir, month, `${month}-${force}-street.csv`),
  );
  const present = [];
  for (const file of files) if (await stat(file).catch(() => undefined)) present.push(file);
  if (present.length === 0) return undefined;
  const points: [number, number][] = [];
  for (const file of present) {
    for await (const { values } of readCsv(createReadStream(file), file, [
      'Longitude',
      'Latitude',
    ])) {
      const lon = Number(values['Longitude']);
      const lat = Number(values['Latitude']);
      if (values['Longitude'] !== '' && Number.isFinite(lon) && Number.isFinite(lat)) {
        points.push([lon, lat]);
      }
    }
  }
  return points;
}

async function apiPoints(
  paths: SourcePaths,
  month: string,
): Promise<[number, number][] | undefined> {
  let crimes: unknown;
  try {
    crimes = JSON.parse(await readFile(path.join(paths.apiDir, `${month}.json`), 'utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(crimes)) return undefined;
  const points: [number, number][] = [];
  for (const crime of crimes) {
    const location = (crime as { location?: { longitude?: unknown; latitude?: unknown } } | null)
      ?.location;
    const lon = Number(location?.longitude);
    const lat = Number(location?.latitude);
    if (Number.isFinite(lon) && Number.isFinite(lat)) points.push([lon, lat]);
  }
  return points;
}
