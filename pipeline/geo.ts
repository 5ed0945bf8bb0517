// Where a police.uk coordinate lies in Leeds: ward, LSOA 2021, postcode district and polling
// district, or null when it lies outside the district. Each distinct coordinate is computed
// once (police.uk snaps crimes to a fixed set of points, about 4,000 a month) and answered
// from a cache afterwards.
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { type Geography, parsePollingDistricts, ReferenceDataError } from './reference.ts';
import { PolygonIndex } from './geo/polygon-index.ts';
import { PointIndex } from './geo/point-index.ts';
import { PostcodeIndex } from './geo/postcode-index.ts';
import { OUTLINE_TOLERANCE_M, POSTCODE_RADIUS_M } from '../src/shared/constants.ts';
import { coordinateKey } from '../src/shared/coordinates.ts';
import type { PolygonGeometry } from '../src/shared/geometry.ts';

export { loadGeography } from './load-geography.ts';
export type { Geography } from './reference.ts';

/**
 * Without a postcodes.io answer (an offline run, or a snap point not yet asked about), a
 * point 1 to 5 km from the nearest LS postcode still gets that postcode's district so that
 * every row has one, but it is marked `postcodeApproximate` and the run counts such rows.
 * 5 km covers every snap point in the district (the farthest seen is about 3 km away); an
 * online run asks postcodes.io about exactly these points and its answer replaces the guess.
 */
export const POSTCODE_FALLBACK_RADIUS_M = 5_000;

/**
 * Polling districts (Leeds City Council, WGS84). The code is read from `POLLING_DI` (the
 * council's field) or `pollingDistrict` (as pipeline/sources/polling-districts.ts writes).
 */
export type PollingDistrictInput = FeatureCollection<Polygon | MultiPolygon>;

/**
 * How far from every ward a point near the outline may lie: twice the outline's own edge
 * tolerance, so an outline generalised apart from the wards is allowed its 20 m or so. In the
 * committed samples such points lie within 8 m of a ward in Leeds and 32 m in Sheffield.
 */
export const WARD_GAP_TOLERANCE_M = 2 * OUTLINE_TOLERANCE_M;

/** The error for a point in (or near) the outline but far from every ward. */
function outsideTheWards(
  lon: number,
  lat: number,
  nearest: { distance: number } | null,
  files: LocatorOptions['files'],
): ReferenceDataError {
  const outline = files?.outline ?? 'the district outline';
  const wards = files?.wards ?? 'the wards file';
  const distance =
    nearest === null ? 'no ward' : `${Math.round(nearest.distance)} m from the nearest ward`;
  return new ReferenceDataError(
    outline,
    `holds the crime location ${lon}, ${lat}, ${distance} of ${wards} (at most ` +
      `${WARD_GAP_TOLERANCE_M} m): the outline and the wards do not cover the same district, ` +
      'and its crimes would be given to a ward they are not in',
    {
      remedy:
        'Make the outline from the wards (npm run area-reference -- <slug> dissolves them), ' +
        'or add the wards that are missing from the wards file.',
    },
  );
}

export interface LocatorOptions {
  pollingDistricts?: PollingDistrictInput | undefined;
  /**
   * The shapes of the council's layer the fetch left out (no code, or a code in several wards):
   * a point in one is in no polling district, never given a neighbour's within the edge
   * tolerance.
   */
  pollingDistrictsLeftOut?: readonly PolygonGeometry[] | undefined;
  /**
   * Postcode answers from elsewhere (postcodes.io), by coordinateKey, used where no LS
   * postcode lies within the radius. null = none found there either.
   */
  postcodePlaces?: ReadonlyMap<string, { district: string } | null> | undefined;
  /** The files the wards and the outline were read from, for the error when they disagree. */
  files?: { wards: string; outline: string } | undefined;
}

/** Where a point lies in the district: made once per point by the locator, never changed. */
export interface Place {
  readonly wardCode: string;
  readonly wardName: string;
  /** LSOA 2021 by point-in-polygon (or nearest within OUTLINE_TOLERANCE_M); '' if none. */
  readonly lsoaCode: string;
  readonly lsoaName: string;
  /**
   * Outward code of the nearest LS postcode within POSTCODE_RADIUS_M, e.g. "LS6", else the
   * district `postcodePlaces` gives the coordinate; '' if neither.
   */
  readonly postcodeDistrict: string;
  /**
   * True when the district is the nearest LS postcode's beyond POSTCODE_RADIUS_M (no
   * postcodes.io answer): likely wrong where Leeds has WF or BD postcodes.
   */
  readonly postcodeApproximate: boolean;
  /**
   * True when the area has a postcode list and none of its postcodes lies within
   * POSTCODE_RADIUS_M: the postcode district then comes from postcodes.io's answer for the
   * point (or is approximate without one). These are the points the postcodes step asks
   * about, and the month cache keeps each month's with the answers it used (month-cache.ts).
   */
  readonly postcodeGap: boolean;
  /** Polling district code when polling districts were given; '' otherwise. */
  readonly pollingDistrict: string;
  /**
   * True when no ward polygon contains the point (it lies just outside the generalised
   * outline, or in a sliver between wards) and the ward is the one with the nearest edge.
   */
  readonly nearBoundary: boolean;
}

export interface Locator {
  /** The place at (lon, lat) in WGS84 degrees, or null when the point is outside the district. */
  locate(lon: number, lat: number): Place | null;
  /**
   * Whether (lon, lat) lies within OUTLINE_TOLERANCE_M of the outline's edge, inside or out:
   * where the generalised outline cannot tell the district from its neighbour.
   */
  nearOutlineEdge(lon: number, lat: number): boolean;
  /** Whether polling districts were given, i.e. whether Place.pollingDistrict can be filled. */
  readonly hasPollingDistricts: boolean;
}

/**
 * Builds a Locator over the geography. The indexes are built here, once (about 50 ms);
 * locate() then costs a few microseconds per new coordinate and a map lookup per repeat.
 * The cache is not bounded: police.uk reuses one set of snap points (a few tens of
 * thousands in Leeds), so it stays small even over years of data.
 */
export function createLocator(geo: Geography, options: LocatorOptions = {}): Locator {
  const { projection } = geo;
  const outline = new PolygonIndex([geo.outline], projection);
  const wards = new PolygonIndex(
    geo.wards.map((ward) => ward.geometry),
    projection,
  );
  const lsoas = new PolygonIndex(
    geo.lsoas.map((lsoa) => lsoa.geometry),
    projection,
  );
  // An area without a postcode reference gets no postcode districts: left out, not guessed.
  const postcodes =
    geo.postcodes.length === 0 ? null : new PostcodeIndex(geo.postcodes, projection);
  const pollingDistricts =
    options.pollingDistricts === undefined
      ? []
      : parsePollingDistricts(options.pollingDistricts, 'polling districts');
  const polling =
    pollingDistricts.length === 0
      ? null
      : new PolygonIndex(
          pollingDistricts.map((district) => district.geometry),
          projection,
        );
  const leftOut =
    polling === null || (options.pollingDistrictsLeftOut ?? []).length === 0
      ? null
      : new PolygonIndex(options.pollingDistrictsLeftOut ?? [], projection);

  function compute(lon: number, lat: number, key: string): Place | null {
    const x = projection.x(lon);
    const y = projection.y(lat);
    // The outline is the union of the wards, so a point inside a ward is inside Leeds and
    // the outline (839 vertices) need only be consulted for the rest.
    let wardIndex = wards.containing(x, y);
    const nearBoundary = wardIndex < 0;
    if (nearBoundary) {
      if (outline.nearest(x, y, OUTLINE_TOLERANCE_M) === null) return null;
      // Near the outline, so near a ward when the outline is the wards' union: a point in the
      // outline far from every ward (an outline drawn bigger than the wards, or a ward left
      // out of the wards file) would be given to a ward it is nowhere near.
      const nearest = wards.nearest(x, y, WARD_GAP_TOLERANCE_M);
      if (nearest === null) throw outsideTheWards(lon, lat, wards.nearest(x, y), options.files);
      wardIndex = nearest.feature;
    }
    const ward = geo.wards[wardIndex];
    if (ward === undefined) return null;

    const lsoa = geo.lsoas[lsoas.nearest(x, y, OUTLINE_TOLERANCE_M)?.feature ?? -1];
    const nearDistrict = polling?.nearest(x, y, OUTLINE_TOLERANCE_M);
    // Near a district's edge but inside a shape left out: in no district, not the neighbour's.
    const inLeftOut =
      leftOut !== null && (nearDistrict?.distance ?? 0) > 0 && leftOut.containing(x, y) >= 0;
    const pollingDistrict = inLeftOut ? undefined : pollingDistricts[nearDistrict?.feature ?? -1];
    const near = postcodes?.nearest(x, y, POSTCODE_RADIUS_M)?.postcode.district;
    // Without a postcode list there is nothing to fill in, so nothing to ask about either.
    const postcodeGap = postcodes !== null && near === undefined;
    const exact = near ?? (postcodeGap ? options.postcodePlaces?.get(key)?.district : undefined);
    const fallback =
      exact === undefined
        ? postcodes?.nearest(x, y, POSTCODE_FALLBACK_RADIUS_M)?.postcode.district
        : undefined;
    return {
      wardCode: ward.code,
      wardName: ward.name,
      lsoaCode: lsoa?.code ?? '',
      lsoaName: lsoa?.name ?? '',
      postcodeDistrict: exact ?? fallback ?? '',
      postcodeApproximate: fallback !== undefined,
      postcodeGap,
      pollingDistrict: pollingDistrict?.code ?? '',
      nearBoundary,
    };
  }

  const cache = new Map<string, Place | null>();
  // In front of `cache`: the same answers by the exact numbers, which a repeat finds without
  // formatting its key (most rows repeat a snap point): exactPlaces[exact.find(lon, lat)].
  const exact = new PointIndex();
  const exactPlaces: (Place | null)[] = [];
  return {
    hasPollingDistricts: polling !== null,
    nearOutlineEdge(lon, lat) {
      const x = projection.x(lon);
      const y = projection.y(lat);
      return outline.distanceToBoundary(0, x, y) <= OUTLINE_TOLERANCE_M;
    },
    locate(lon, lat) {
      if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
        throw new RangeError(`locate(${lon}, ${lat}): coordinates must be finite numbers`);
      }
      const known = exact.find(lon, lat);
      if (known >= 0) return exactPlaces[known] ?? null;
      const key = coordinateKey(lon, lat);
      let place = cache.get(key);
      if (place === undefined) {
        place = compute(lon, lat, key);
        cache.set(key, place);
      }
      exactPlaces[exact.add(lon, lat)] = place;
      return place;
    },
  };
}
