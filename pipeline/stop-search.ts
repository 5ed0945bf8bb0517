// Stop and search: the rows located in the district, with their ward. The rows keep
// police.uk's columns and text as published; Ward Name and Ward Code are added.
import { STOP_SEARCH_COLUMNS } from '../src/shared/constants.ts';
import type { ArchiveEntry } from './archive.ts';
import { formatCsvRow, readCsv } from './csv.ts';
import type { Locator } from './geo.ts';
import { checkCoordinates } from './normalise.ts';
import { DropTally } from './report.ts';

export const STOP_SEARCH_OUTPUT_COLUMNS = [
  ...STOP_SEARCH_COLUMNS,
  'Ward Name',
  'Ward Code',
] as const;

export type StopSearchPlace =
  | { ok: true; wardName: string; wardCode: string }
  | {
      ok: false;
      reason: 'no-coordinates' | 'malformed-coordinates' | 'outside-leeds';
      detail: string;
    };

/** The ward of one stop-and-search row in `district` (its name, "Leeds"), or why it is not kept. */
export function placeStopSearch(
  values: Readonly<Record<string, string | undefined>>,
  locator: Pick<Locator, 'locate'>,
  district: string,
): StopSearchPlace {
  const point = checkCoordinates(
    (values['Longitude'] ?? '').trim(),
    (values['Latitude'] ?? '').trim(),
  );
  if (!point.ok) return point as StopSearchPlace;
  const place = locator.locate(point.longitude, point.latitude);
  if (place === null) {
    return {
      ok: false,
      reason: 'outside-leeds',
      detail: `${point.longitude}, ${point.latitude} is outside the ${district} district`,
    };
  }
  return { ok: true, wardName: place.wardName, wardCode: place.wardCode };
}

export interface StopSearchResult {
  read: number;
  kept: number;
  dropped: DropTally;
}

/**
 * Write the header and the rows inside the district (`options.district`, its name) of every
 * stop-and-search file in `entries` (in order) to `out`. Files of other kinds are ignored.
 */
export async function writeStopSearch(
  entries: readonly ArchiveEntry[],
  locator: Pick<Locator, 'locate'>,
  out: { write(chunk: string): Promise<void> },
  options: { district: string; onBytes?: (n: number) => void },
): Promise<StopSearchResult> {
  const { district } = options;
  const result: StopSearchResult = { read: 0, kept: 0, dropped: new DropTally() };
  await out.write(formatCsvRow(STOP_SEARCH_OUTPUT_COLUMNS));
  for (const entry of entries) {
    if (entry.kind !== 'stop-and-search') continue;
    const rows = readCsv(await entry.open(), entry.where, STOP_SEARCH_COLUMNS, options);
    for await (const { line, values } of rows) {
      result.read += 1;
      const place = placeStopSearch(values, locator, district);
      if (!place.ok) {
        result.dropped.add(place.reason, `${entry.where}:${line}`, place.detail);
        continue;
      }
      result.kept += 1;
      const row = STOP_SEARCH_COLUMNS.map((column) => values[column] ?? '');
      await out.write(formatCsvRow([...row, place.wardName, place.wardCode]));
    }
  }
  return result;
}
