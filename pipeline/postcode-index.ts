// The postcode index the map's place search reads (public/data/postcodes.json): each LS
// postcode with its place and the ward that contains it, grouped by sector. Pure: the
// reference postcodes and ward polygons in, the file's text out. The format is described in
// src/shared/postcode-index.ts.
import type { Ward } from '../src/shared/schema.ts';
import {
  POSTCODE_INDEX_VERSION,
  POSTCODE_UNIT_STEP_DEGREES,
  type PostcodeIndexFile,
  type PostcodePlace,
} from '../src/shared/postcode-index.ts';
import { PolygonIndex } from './geo/polygon-index.ts';
import type { Projection } from '../src/shared/projection.ts';
import type { Area, Postcode } from './reference.ts';
import { compareCodeUnits } from '../src/shared/compare.ts';
import {
  OPEN_DATA_LICENCE,
  postcodeAttribution,
  wardBoundariesAttribution,
} from '../src/shared/open-data.ts';

export { POSTCODE_INDEX_FILE_NAME } from '../src/shared/postcode-index.ts';

/** Centres are kept to 1e-5 degrees (about 1 m), like the map data's points. */
const CENTRE_SCALE = 1e5;

export interface PostcodeIndexResult {
  /** The file's text (JSON). */
  text: string;
  /** Postcodes in the index. */
  indexed: number;
  /** Postcodes in no Leeds ward (LS postcodes of neighbouring districts), left out. */
  outsideWards: number;
}

interface Group {
  lat: number;
  lon: number;
  wards: Map<number, number>;
}

function addTo(groups: Map<string, Group>, key: string, p: Postcode, ward: number): void {
  const group = groups.get(key) ?? { lat: 0, lon: 0, wards: new Map<number, number>() };
  group.lat += p.lat;
  group.lon += p.lon;
  group.wards.set(ward, (group.wards.get(ward) ?? 0) + 1);
  groups.set(key, group);
}

/** The mean place of a group's postcodes and the ward most of them are in (lowest index on a tie). */
function placeOf(group: Group): PostcodePlace {
  let n = 0;
  let ward = -1;
  let most = 0;
  for (const [w, count] of [...group.wards].sort((a, b) => a[0] - b[0])) {
    n += count;
    if (count > most) [ward, most] = [w, count];
  }
  const round = (x: number) => Math.round((x / n) * CENTRE_SCALE) / CENTRE_SCALE;
  return [round(group.lat), round(group.lon), ward];
}

/**
 * Build the index. `areas` are the reference ward polygons (placed on the district's
 * `projection`), `wards` the site's wards (the map data's order, which the file's ward
 * indexes follow), `postcodeYear` the year of the list's notices (area.json
 * postcodes.copyrightYear; null: the district has no list, and the index credits none) and
 * `boundariesYear` that of the ward boundaries' (boundaries.copyrightYear), which place each
 * postcode in its ward and are credited beside the list.
 */
export function buildPostcodeIndex(
  postcodes: readonly Postcode[],
  areas: readonly Area[],
  wards: readonly Ward[],
  projection: Projection,
  postcodeYear: number | null,
  boundariesYear: number,
): PostcodeIndexResult {
  const wardOfCode = new Map(wards.map((w, i) => [w.code, i]));
  const areaWard = areas.map((a) => {
    const i = wardOfCode.get(a.code);
    if (i === undefined) {
      throw new Error(`Ward ${a.code} (${a.name}) of the reference geography is not a site ward`);
    }
    return i;
  });
  const polygons = new PolygonIndex(
    areas.map((a) => a.geometry),
    projection,
  );
  const districts = new Map<string, Group>();
  const sectors = new Map<string, Group>();
  const located: { p: Postcode; sector: string; ward: number }[] = [];
  let outsideWards = 0;
  for (const p of postcodes) {
    const area = polygons.containing(projection.x(p.lon), projection.y(p.lat));
    if (area < 0) {
      outsideWards += 1;
      continue;
    }
    const ward = areaWard[area] ?? -1;
    const sector = p.postcode.slice(0, -2);
    addTo(districts, p.district, p, ward);
    addTo(sectors, sector, p, ward);
    located.push({ p, sector, ward });
  }
  const sectorPlaces = new Map([...sectors].map(([key, g]) => [key, placeOf(g)]));
  const units: Record<string, (string | number)[]> = {};
  for (const { p, sector, ward } of located.sort((a, b) =>
    compareCodeUnits(a.p.postcode, b.p.postcode),
  )) {
    const [lat, lon] = sectorPlaces.get(sector) ?? [p.lat, p.lon];
    const steps = (d: number) => Math.round(d / POSTCODE_UNIT_STEP_DEGREES);
    (units[sector] ??= []).push(p.postcode.slice(-2), steps(p.lat - lat), steps(p.lon - lon), ward);
  }
  const file: PostcodeIndexFile = {
    version: POSTCODE_INDEX_VERSION,
    // A district without a postcode list has an empty index, which credits no list.
    ...(postcodeYear === null
      ? {}
      : {
          licence: OPEN_DATA_LICENCE.name,
          attribution: `${postcodeAttribution(postcodeYear)} ${wardBoundariesAttribution(boundariesYear)}`,
        }),
    wards: wards.map((w) => w.slug),
    districts: Object.fromEntries(
      [...districts].sort((a, b) => compareCodeUnits(a[0], b[0])).map(([k, g]) => [k, placeOf(g)]),
    ),
    sectors: Object.fromEntries([...sectorPlaces].sort((a, b) => compareCodeUnits(a[0], b[0]))),
    units,
  };
  return { text: `${JSON.stringify(file)}\n`, indexed: located.length, outsideWards };
}
