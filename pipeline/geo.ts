// Where a police.uk coordinate lies in Leeds: ward, LSOA 2021, postcode district and polling
// district, or null when it lies outside the district. Each distinct coordinate is computed
// once (police.uk snaps crimes to a fixed set of points, about 4,000 a month) and answered
// from a cache afterwards.
import { type Geography, type PolygonGeometry, parsePollingDistricts } from './reference.ts';
import { PolygonIndex } from './geo/polygon-index.ts';
import { PostcodeIndex } from './geo/postcode-index.ts';
import { projectX, projectY } from './geo/projection.ts';

export { loadGeography, type Geography } from './reference.ts';

/**
 * How far outside the district outline a point may lie and still count as Leeds, metres.
 * The ONS "generalised clipped" boundaries are simplified to about 20 m, so a real Leeds
 * snap point near the edge can fall a few metres outside them: in the sample months 12 of
 * 26,721 Leeds crimes lie outside the ward polygons, all within 10 m. 50 m allows for the
 * full 20 m generalisation on both the boundary and a snap point placed on a street
 * centre line, while staying far below the distance to any real neighbouring settlement's
 * snap points (Bradford, Wakefield, Harrogate crimes lie hundreds of metres or more away
 * from the outline). Points this close but outside are given the nearest ward.
 */
export const OUTLINE_TOLERANCE_M = 50;

/**
 * How far the nearest LS postcode may be for its district to be used, metres. Postcode
 * units are a few dozen addresses, so in built-up Leeds the nearest one is usually under
 * 100 m away; on the rural fringe (farms, moorland, the A1(M)) it can be several hundred.
 * Beyond 1 km the nearest postcode says little about where the point is, so the district
 * is left empty rather than guessed.
 */
export const POSTCODE_RADIUS_M = 1_000;

/** Polling districts of Leeds City Council (ArcGIS layer), as WGS84 GeoJSON. */
export interface PollingDistrictFeatures {
  type: 'FeatureCollection';
  features: readonly {
    properties: { POLLING_DI: string; WARD?: string | undefined } & Record<string, unknown>;
    geometry: PolygonGeometry;
  }[];
}

export interface Place {
  wardCode: string;
  wardName: string;
  /** LSOA 2021 by point-in-polygon (or nearest within OUTLINE_TOLERANCE_M); '' if none. */
  lsoaCode: string;
  lsoaName: string;
  /** Outward code of the nearest LS postcode within POSTCODE_RADIUS_M, e.g. "LS6"; '' if none. */
  postcodeDistrict: string;
  /** Polling district code when polling districts were given; '' otherwise. */
  pollingDistrict: string;
  /**
   * True when no ward polygon contains the point (it lies just outside the generalised
   * outline, or in a sliver between wards) and the ward is the one with the nearest edge.
   */
  nearBoundary: boolean;
}

export interface CacheStats {
  /** Calls answered from the cache. */
  hits: number;
  /** Calls that computed a place (one per distinct coordinate). */
  misses: number;
  /** Distinct coordinates cached, inside and outside Leeds. */
  size: number;
}

export interface Locator {
  /** The place at (lon, lat) in WGS84 degrees, or null when the point is outside Leeds. */
  locate(lon: number, lat: number): Place | null;
  cacheStats(): CacheStats;
  /** Whether polling districts were given, i.e. whether Place.pollingDistrict can be filled. */
  readonly hasPollingDistricts: boolean;
}

/**
 * The key under which a coordinate is cached and matched across sources: police.uk gives
 * 6 decimal places (about 0.1 m) in both the archive and the API.
 */
export function coordinateKey(lon: number, lat: number): string {
  return `${lon.toFixed(6)},${lat.toFixed(6)}`;
}

/** Builds a Locator over the geography. Indexes are built once here; locate() is cheap. */
export function createLocator(
  geo: Geography,
  options: { pollingDistricts?: PollingDistrictFeatures | undefined } = {},
): Locator {
  const outline = new PolygonIndex([geo.outline]);
  const wards = new PolygonIndex(geo.wards.map((ward) => ward.geometry));
  const lsoas = new PolygonIndex(geo.lsoas.map((lsoa) => lsoa.geometry));
  const postcodes = new PostcodeIndex(geo.postcodes);
  const pollingFeatures =
    options.pollingDistricts === undefined
      ? null
      : parsePollingDistricts(options.pollingDistricts, 'polling districts');
  const polling =
    pollingFeatures === null ? null : new PolygonIndex(pollingFeatures.map((f) => f.geometry));

  const cache = new Map<string, Place | null>();
  const stats = { hits: 0, misses: 0 };

  function compute(lon: number, lat: number): Place | null {
    const x = projectX(lon);
    const y = projectY(lat);
    if (outline.nearest(x, y, OUTLINE_TOLERANCE_M) === null) return null;

    let wardIndex = wards.containing(x, y);
    const nearBoundary = wardIndex < 0;
    if (nearBoundary) wardIndex = wards.nearest(x, y)?.feature ?? -1;
    const ward = geo.wards[wardIndex];
    if (ward === undefined) return null;

    const lsoaIndex = lsoas.nearest(x, y, OUTLINE_TOLERANCE_M)?.feature ?? -1;
    const lsoa = geo.lsoas[lsoaIndex];
    const pollingIndex = polling?.nearest(x, y, OUTLINE_TOLERANCE_M)?.feature ?? -1;
    return {
      wardCode: ward.code,
      wardName: ward.name,
      lsoaCode: lsoa?.code ?? '',
      lsoaName: lsoa?.name ?? '',
      postcodeDistrict: postcodes.nearest(x, y, POSTCODE_RADIUS_M)?.postcode.district ?? '',
      pollingDistrict: pollingFeatures?.[pollingIndex]?.code ?? '',
      nearBoundary,
    };
  }

  return {
    hasPollingDistricts: polling !== null,
    locate(lon, lat) {
      if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
        throw new RangeError(`locate(${lon}, ${lat}): coordinates must be finite numbers`);
      }
      const key = coordinateKey(lon, lat);
      const cached = cache.get(key);
      if (cached !== undefined) {
        stats.hits += 1;
        return cached;
      }
      stats.misses += 1;
      const place = compute(lon, lat);
      cache.set(key, place);
      return place;
    },
    cacheStats: () => ({ ...stats, size: cache.size }),
  };
}
