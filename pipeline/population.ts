// Census 2021 residents by ward, and by ward inside the city-centre postcode districts, from
// the LSOA populations. LSOAs 2021 do not nest in the 2025 wards: about a hundred straddle a
// ward boundary, and giving each whole LSOA to the ward holding most of its area let near-ties
// decide where thousands of residents go. Instead an LSOA's residents are split the way its
// postcodes are: postcodes follow addresses, so they say where in the LSOA people live, while
// area counts fields and parks as much as streets. The same split, by the postcodes' districts,
// gives the residents inside the city centre (LS1, LS2) for the map's "exclude city centre".
//
// The seam: everything downstream reads an `LsoaApportionment` per LSOA (parts with a ward, a
// city-centre flag and a share). An official LSOA 2021 to ward lookup, once in the reference
// data, would give parts with share 1 per LSOA and go through `wardResidents` unchanged.
import { area } from '@turf/area';
import { bbox } from '@turf/bbox';
import { bboxClip } from '@turf/bbox-clip';
import { feature, featureCollection } from '@turf/helpers';
import { intersect } from '@turf/intersect';
import type { CentreDefinition } from '../src/shared/area.ts';
import { CITY_CENTRE_POSTCODE_DISTRICTS } from '../src/shared/constants.ts';
import { ON_BOUNDARY_M, PolygonIndex } from './geo/polygon-index.ts';
import { centreAreaShare, inCentrePolygon } from './centre.ts';
import type { Area, Geography, PolygonGeometry, Postcode } from './reference.ts';

/** How an LSOA's residents were divided between wards. */
export type ApportionmentMethod =
  /** The LSOA lies in one ward (every vertex inside it or on its boundary). */
  | 'one-ward'
  /** It straddles wards and is split by the share of its postcodes in each. */
  | 'postcodes'
  /** It straddles wards and has no LS postcode (WF or BD postcodes): split by area. */
  | 'area';

/** A share of an LSOA's residents: in one ward, inside the city centre or not. */
export interface ResidentsPart {
  ward: string;
  cityCentre: boolean;
  /** Fraction of the LSOA's residents; an LSOA's parts sum to 1. */
  share: number;
}

export interface LsoaApportionment {
  lsoa: string;
  method: ApportionmentMethod;
  parts: ResidentsPart[];
}

export interface WardResidents {
  /** Census 2021 usual residents. */
  residents: number;
  /** Of these, residents in the city-centre postcode districts. */
  cityCentre: number;
  /** Of these, residents placed by area share (LSOAs with no LS postcode). */
  byArea: number;
}

export type { CentreDefinition };

/** Leeds's centre, the default: the postcode districts LS1 and LS2. */
export const LEEDS_CENTRE: CentreDefinition = {
  kind: 'postcode-districts',
  label: 'city centre',
  districts: [...CITY_CENTRE_POSTCODE_DISTRICTS],
};

/** Wards (indexes into `wardIndex`) that hold at least one vertex of `geometry` clearly inside them. */
export function wardsHoldingVertices(
  wardIndex: PolygonIndex,
  geometry: PolygonGeometry,
): Set<number> {
  const holding = new Set<number>();
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const ring of polygons.flat()) {
    for (const [lon, lat] of ring) {
      const x = wardIndex.projection.x(lon!);
      const y = wardIndex.projection.y(lat!);
      const ward = wardIndex.containing(x, y);
      if (ward >= 0 && wardIndex.distanceToBoundary(ward, x, y) > ON_BOUNDARY_M) holding.add(ward);
    }
  }
  return holding;
}

/** Area (m²) that `geometry` shares with each candidate ward, for those it overlaps at all. */
export function wardOverlapAreas(
  wards: readonly Area[],
  candidates: readonly number[],
  geometry: PolygonGeometry,
): { ward: number; area: number; overlap: PolygonGeometry }[] {
  const shape = feature(geometry);
  const box = bbox(shape);
  const overlaps: { ward: number; area: number; overlap: PolygonGeometry }[] = [];
  for (const candidate of candidates) {
    // Clipping the ward to the LSOA's box first (cheap) keeps the exact intersection small.
    const clipped = bboxClip(feature(wards[candidate]!.geometry), box).geometry as PolygonGeometry;
    if (clipped.coordinates.length === 0) continue;
    const overlap = intersect(featureCollection([shape, feature(clipped)]));
    const shared = overlap === null ? 0 : area(overlap);
    if (overlap !== null && shared > 0) {
      overlaps.push({ ward: candidate, area: shared, overlap: overlap.geometry });
    }
  }
  return overlaps;
}

/**
 * The error for an LSOA that overlaps no ward: the LSOA and ward files are of different
 * districts (or one was cut), so its residents would belong to no ward.
 */
export function lsoaOutsideTheWards(lsoa: Pick<Area, 'code' | 'name'>): Error {
  return new Error(
    `LSOA ${lsoa.code} (${lsoa.name}) overlaps no ward polygon: the LSOA and ward boundaries ` +
      "do not cover the same district. Check area.json's boundaries.lsoas.file and " +
      "boundaries.wards.file: both must be the district's whole (npm run area -- add fetches " +
      'both for a district).',
  );
}

/**
 * Each LSOA's residents divided between wards and between the city centre and the rest: an
 * LSOA inside one ward goes wholly to it; one that straddles wards is split by the share of
 * its postcodes in each ward, or by area when it has no LS postcode. The city-centre part is
 * the share of the LSOA's postcodes in the centre's postcode districts (none without
 * postcodes: LS1 and LS2 are in the LS list), the parts in the centre's wards, or, for a centre
 * drawn as a polygon, the share of its postcodes inside the polygon, else the share of its
 * area inside it (pipeline/centre.ts).
 */
export function apportionLsoas(geo: Geography, centre: CentreDefinition): LsoaApportionment[] {
  if (centre?.kind === 'polygon') {
    const inPolygon = inCentrePolygon(geo);
    const areaShare = centreAreaShare(geo);
    if (inPolygon === undefined || areaShare === undefined) {
      throw new Error(
        `the centre is drawn in ${centre.file}, but the geography was loaded without it`,
      );
    }
    return apportionByPostcodes(
      geo,
      (postcode) => inPolygon(postcode.lon, postcode.lat),
      areaShare,
    );
  }
  const centreDistricts = new Set(centre?.kind === 'postcode-districts' ? centre.districts : []);
  const apportioned = apportionByPostcodes(geo, (postcode) =>
    centreDistricts.has(postcode.district),
  );
  if (centre?.kind !== 'wards') return apportioned;
  // A centre of whole wards: every part in one of them is inside it.
  const centreWards = new Set(centre.wards);
  return apportioned.map((a) => ({
    ...a,
    parts: a.parts.map((part) => ({ ...part, cityCentre: centreWards.has(part.ward) })),
  }));
}

/**
 * `inCentre` places a postcode in the centre or not; `centreArea` (a centre drawn as a
 * polygon) gives the share of a surface inside it, for LSOAs with no postcode. Without it,
 * such an LSOA has no residents in the centre.
 */
function apportionByPostcodes(
  geo: Geography,
  inCentre: (postcode: Postcode) => boolean,
  centreArea?: (geometry: PolygonGeometry, byVertices: boolean) => number,
): LsoaApportionment[] {
  const wardIndex = new PolygonIndex(
    geo.wards.map((ward) => ward.geometry),
    geo.projection,
  );
  const lsoaIndex = new PolygonIndex(
    geo.lsoas.map((lsoa) => lsoa.geometry),
    geo.projection,
  );
  // Postcodes by LSOA: [ward index, in the centre] of each postcode inside a Leeds LSOA.
  const postcodesIn = geo.lsoas.map((): { ward: number; cityCentre: boolean }[] => []);
  for (const postcode of geo.postcodes) {
    const x = geo.projection.x(postcode.lon);
    const y = geo.projection.y(postcode.lat);
    const lsoa = lsoaIndex.containing(x, y);
    if (lsoa < 0) continue;
    // Inside a Leeds LSOA but in no ward polygon: the two files are generalised differently
    // at the district edge, so the nearest ward is the one.
    const ward = wardIndex.nearest(x, y)?.feature ?? -1;
    postcodesIn[lsoa]!.push({ ward, cityCentre: inCentre(postcode) });
  }
  return geo.lsoas.map((lsoa, i) => {
    const postcodes = postcodesIn[i]!;
    const holding = wardsHoldingVertices(wardIndex, lsoa.geometry);
    const [only] = holding;
    if (holding.size === 1 && only !== undefined) {
      const centreShare =
        postcodes.length > 0
          ? postcodes.filter((p) => p.cityCentre).length / postcodes.length
          : (centreArea?.(lsoa.geometry, true) ?? 0);
      return {
        lsoa: lsoa.code,
        method: 'one-ward',
        parts: centreSplit(geo.wards[only]!.code, 1, centreShare),
      };
    }
    if (postcodes.length > 0) {
      const counts = new Map<string, number>();
      for (const { ward, cityCentre } of postcodes) {
        const key = `${geo.wards[ward]!.code}|${cityCentre ? 1 : 0}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return {
        lsoa: lsoa.code,
        method: 'postcodes',
        parts: [...counts].map(([key, n]) => {
          const [ward, centre] = key.split('|');
          return { ward: ward!, cityCentre: centre === '1', share: n / postcodes.length };
        }),
      };
    }
    const overlaps = wardOverlapAreas(
      geo.wards,
      wardIndex.overlappingBoxes(lsoa.geometry),
      lsoa.geometry,
    );
    const total = overlaps.reduce((sum, o) => sum + o.area, 0);
    if (total === 0) {
      throw lsoaOutsideTheWards(lsoa);
    }
    return {
      lsoa: lsoa.code,
      method: 'area',
      parts: overlaps.flatMap((o) =>
        centreSplit(
          geo.wards[o.ward]!.code,
          o.area / total,
          centreArea === undefined ? 0 : centreArea(o.overlap, false),
        ),
      ),
    };
  });
}

function centreSplit(ward: string, share: number, centreShare: number): ResidentsPart[] {
  const parts: ResidentsPart[] = [];
  if (centreShare < 1) parts.push({ ward, cityCentre: false, share: share * (1 - centreShare) });
  if (centreShare > 0) parts.push({ ward, cityCentre: true, share: share * centreShare });
  return parts;
}

/**
 * Whole residents per part: the floors of residents × share, then the residents left over to
 * the parts with the largest remainders (ties to the earlier part), so an LSOA's parts add
 * up to its residents exactly and the wards add up to Leeds.
 */
export function splitResidents(residents: number, shares: readonly number[]): number[] {
  const exact = shares.map((share) => residents * share);
  const whole = exact.map(Math.floor);
  let left = residents - whole.reduce((a, b) => a + b, 0);
  const order = exact
    .map((value, i) => ({ i, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    whole[i] = whole[i]! + 1;
    left -= 1;
  }
  return whole;
}

/** Residents by ward code (every ward of `wardCodes`, zero when none are apportioned to it). */
export function wardResidents(
  population: ReadonlyMap<string, number>,
  apportionment: readonly LsoaApportionment[],
  wardCodes: readonly string[],
): Map<string, WardResidents> {
  const byWard = new Map<string, WardResidents>(
    wardCodes.map((code) => [code, { residents: 0, cityCentre: 0, byArea: 0 }]),
  );
  for (const { lsoa, method, parts } of apportionment) {
    const residents = population.get(lsoa);
    if (residents === undefined) throw new Error(`No Census 2021 population for LSOA ${lsoa}`);
    const shareSum = parts.reduce((sum, part) => sum + part.share, 0);
    if (Math.abs(shareSum - 1) > 1e-9) {
      throw new Error(`The parts of LSOA ${lsoa} add up to ${shareSum}, not 1`);
    }
    splitResidents(
      residents,
      parts.map((part) => part.share),
    ).forEach((n, i) => {
      const part = parts[i]!;
      const ward = byWard.get(part.ward);
      if (ward === undefined)
        throw new Error(`LSOA ${lsoa} has a part in unknown ward ${part.ward}`);
      ward.residents += n;
      if (part.cityCentre) ward.cityCentre += n;
      if (method === 'area') ward.byArea += n;
    });
  }
  return byWard;
}
