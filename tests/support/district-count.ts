// An independent count of a district's rows in a police.uk street file: the yardstick the
// pipeline's kept and dropped counts for an area are compared with. It shares no code with
// pipeline/ (csv-parse instead of pipeline/csv.ts, turf's naive point-in-polygon instead of
// the Flatbush index), so a bug in one does not hide in both.
//
// The rule is the project's (README, "Crimes are kept by point-in-polygon"): a row is the
// district's when its point lies in a ward, or no farther than OUTLINE_TOLERANCE_M outside
// every ward, when it counts in the nearest one, unless its LSOA name is another district's.
// (The pipeline also leaves to another district a point inside within OUTLINE_TOLERANCE_M of the
// outline's edge whose LSOA name is another's; the Sheffield sample holds none, so this count,
// which reads the wards and not the outline, leaves that part of the rule out.)
// Rows not kept get one reason each:
// - noLocation: blank longitude or latitude (police.uk's "No Location" rows);
// - otherDistricts: outside the district, with an LSOA of a district the force covers (the
//   district's own LSOAs included: `lsoaNamedDropped` counts those, for the caller to bound);
// - beyondForce: outside the district, with an LSOA of a district the force does not cover
//   (police.uk files hold a few crimes a force recorded elsewhere).
// Which districts a force covers comes from the caller; the LSOA name ("Barnsley 001A") says
// which district a row's LSOA is in.
import { readFileSync } from 'node:fs';
import { bbox, booleanPointInPolygon, point, pointToPolygonDistance } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { parse } from 'csv-parse/sync';
import { OUTLINE_TOLERANCE_M } from '../../src/shared/constants.ts';

export const DROP_REASONS = ['noLocation', 'otherDistricts', 'beyondForce'] as const;
export type DistrictDropReason = (typeof DROP_REASONS)[number];

export interface DistrictCount {
  rowsRead: number;
  /** Rows in a ward or within the tolerance of one. */
  kept: number;
  /** Of the kept rows, those outside every ward polygon but within the tolerance. */
  keptWithinTolerance: number;
  /** Kept rows by ward code; every ward is listed, with 0 when it has none. */
  byWard: Map<string, number>;
  dropped: Record<DistrictDropReason, number>;
  /** Rows whose LSOA name starts with the district's name (police.uk's own attribution). */
  lsoaNamed: number;
  /** Of those, the rows this count did not keep. */
  lsoaNamedDropped: number;
}

export interface CountOptions {
  /** The district's name as police.uk's LSOA names start ("Sheffield"). */
  district: string;
  /** Every district the force covers, the district itself included. */
  forceDistricts: readonly string[];
  /** Ward property holding the code (WD20CD, WD25CD). */
  wardCodeProperty: string;
  /** Metres outside every ward a point may be and still count (default OUTLINE_TOLERANCE_M). */
  toleranceM?: number;
}

/** A police.uk street-file row: the columns this count reads. */
export interface StreetRow {
  Longitude: string;
  Latitude: string;
  'LSOA name': string;
}

/** The rows of a police.uk street file (CRLF or LF). */
export function readStreetRows(file: string | URL): StreetRow[] {
  return parse(readFileSync(file), { columns: true, bom: true }) as StreetRow[];
}

/** A degree of latitude is 111 km; at 60°N a degree of longitude is half that. Margins err wide. */
const METRES_PER_DEGREE_MIN = 111_000 * 0.5;

interface IndexedWard {
  code: string;
  feature: Feature<Polygon | MultiPolygon>;
  box: [number, number, number, number];
}

/** District of an LSOA name: "Sheffield 012A" -> "Sheffield", "North East Derbyshire 003B" too. */
function lsoaDistrict(name: string): string {
  return name.replace(/ \d{3}[A-Z]$/, '');
}

export function countDistrictRows(
  rows: Iterable<StreetRow>,
  wards: FeatureCollection<Polygon | MultiPolygon>,
  options: CountOptions,
): DistrictCount {
  const tolerance = options.toleranceM ?? OUTLINE_TOLERANCE_M;
  const margin = tolerance / METRES_PER_DEGREE_MIN;
  const indexed: IndexedWard[] = wards.features.map((feature) => ({
    code: String(feature.properties?.[options.wardCodeProperty]),
    feature,
    box: bbox(feature) as [number, number, number, number],
  }));
  const forceDistricts = new Set(options.forceDistricts);
  const count: DistrictCount = {
    rowsRead: 0,
    kept: 0,
    keptWithinTolerance: 0,
    byWard: new Map(indexed.map((w) => [w.code, 0])),
    dropped: { noLocation: 0, otherDistricts: 0, beyondForce: 0 },
    lsoaNamed: 0,
    lsoaNamedDropped: 0,
  };
  // police.uk snaps crimes to a fixed set of points: each is located once.
  const located = new Map<string, { ward: string; inside: boolean } | null>();
  for (const row of rows) {
    count.rowsRead++;
    const named = row['LSOA name'].startsWith(`${options.district} `);
    if (named) count.lsoaNamed++;
    if (row.Longitude.trim() === '' || row.Latitude.trim() === '') {
      count.dropped.noLocation++;
      if (named) count.lsoaNamedDropped++;
      continue;
    }
    const key = `${row.Longitude},${row.Latitude}`;
    let place = located.get(key);
    if (place === undefined) {
      place = locate([Number(row.Longitude), Number(row.Latitude)], indexed, margin, tolerance);
      located.set(key, place);
    }
    const district = lsoaDistrict(row['LSOA name']);
    if (place === null || (!place.inside && district !== '' && district !== options.district)) {
      count.dropped[forceDistricts.has(district) ? 'otherDistricts' : 'beyondForce']++;
      if (named) count.lsoaNamedDropped++;
      continue;
    }
    count.kept++;
    if (!place.inside) count.keptWithinTolerance++;
    count.byWard.set(place.ward, count.byWard.get(place.ward)! + 1);
  }
  return count;
}

function locate(
  coordinates: [number, number],
  wards: readonly IndexedWard[],
  margin: number,
  tolerance: number,
): { ward: string; inside: boolean } | null {
  if (!coordinates.every(Number.isFinite)) {
    throw new Error(`unreadable coordinates ${JSON.stringify(coordinates)}`);
  }
  const [lon, lat] = coordinates;
  const at = point(coordinates);
  const near = wards.filter(
    ({ box }) =>
      lon >= box[0] - margin &&
      lat >= box[1] - margin &&
      lon <= box[2] + margin &&
      lat <= box[3] + margin,
  );
  for (const ward of near) {
    if (booleanPointInPolygon(at, ward.feature)) return { ward: ward.code, inside: true };
  }
  let nearest: { ward: string; distance: number } | null = null;
  for (const ward of near) {
    const distance = pointToPolygonDistance(at, ward.feature, { units: 'meters' });
    if (distance <= tolerance && (nearest === null || distance < nearest.distance)) {
      nearest = { ward: ward.code, distance };
    }
  }
  return nearest === null ? null : { ward: nearest.ward, inside: false };
}
