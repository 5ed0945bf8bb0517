// Map data from month summaries in one call, for tests and benchmarks; the pipeline folds its
// months as they are settled (pipeline/month-folds.ts) and encodes them once (map-data.ts).
import type { CentrePlace } from './area.ts';
import { MapDataEncoder } from './map-data-encoder.ts';
import type { MapDataLicence } from './map-data.ts';
import { mapDataLicence } from './map-data-licence.ts';
import { packPoints } from './map-points.ts';
import type { MonthSummary, Ward } from './schema.ts';

/**
 * Encode summaries (any order, one per month) into map data bytes (not gzipped): every month
 * folded into one MapDataEncoder, with `licence` (Leeds's by default).
 */
export function encodeMapData(
  summaries: readonly Pick<MonthSummary, 'month' | 'points'>[],
  wards: readonly Ward[],
  inCentre?: (point: CentrePlace) => boolean,
  licence: MapDataLicence = mapDataLicence(),
): Uint8Array {
  const encoder = new MapDataEncoder(inCentre);
  for (const { month, points } of summaries)
    encoder.add({ month, points: packPoints(month, points) });
  return encoder.encode(wards, licence);
}
