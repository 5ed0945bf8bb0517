// ⚠️ This module ships to the browser: the pipeline and the site both import it.
//
// A flat projection for distances in metres around one district.
//
// Equirectangular about the district's reference latitude φ0: x = R·λ·cos φ0, y = R·φ. The map
// is affine in (lon, lat), so point-in-polygon answers are the same as in degrees. North-south
// distances are exact up to the sphere's own approximation (under 0.5 %); an east-west
// distance at latitude φ is off by the factor cos φ0 / cos φ (projectionScaleError), about
// tan φ0 · |φ − φ0| with φ in radians. An area's reference latitude is its map centre's
// (area.json `map.centre`; areaProjection in ./area.ts), which must lie within the district
// with the error under MAX_SCALE_ERROR everywhere in it: 0.35 % across Leeds (53.70° to
// 53.95° N about 53.8°), 0.2 % across Sheffield (53.30° to 53.50° N about 53.4°), 1.3 % across
// the tallest districts (Northumberland, Powys: about 1.1° of latitude) about their middle.
// So a 50 m edge tolerance is right to within a metre, far below the ~20 m generalisation of
// the boundaries we measure against. One latitude for every district would not do: at
// Leeds's 53.8° N, east-west metres in Cornwall (50.3° N) come out 7 % short.

/** Mean Earth radius (IUGG), metres. */
export const EARTH_RADIUS_M = 6_371_008.8;

const METRES_PER_DEGREE_LAT = (EARTH_RADIUS_M * Math.PI) / 180;

/** WGS84 degrees to metres on a plane true at one latitude, and back. */
export interface Projection {
  /** The latitude the projection is true at, degrees north. */
  readonly latitude: number;
  /** Metres east of the prime meridian. */
  x(lon: number): number;
  /** Metres north of the equator. */
  y(lat: number): number;
  /** The longitude of an x. */
  lon(x: number): number;
  /** The latitude of a y. */
  lat(y: number): number;
}

/** The projection true at `latitude` degrees north (an area's: `areaProjection`). */
export function projectionAt(latitude: number): Projection {
  if (!Number.isFinite(latitude) || Math.abs(latitude) >= 85) {
    throw new RangeError(`A projection's latitude must be a number within ±85°, got ${latitude}`);
  }
  const metresPerDegreeLon = METRES_PER_DEGREE_LAT * Math.cos((latitude * Math.PI) / 180);
  return {
    latitude,
    x: (lon) => lon * metresPerDegreeLon,
    y: (lat) => lat * METRES_PER_DEGREE_LAT,
    lon: (x) => x / metresPerDegreeLon,
    lat: (y) => y / METRES_PER_DEGREE_LAT,
  };
}

/** The largest east-west scale error a district may have on its projection: 2 %. */
export const MAX_SCALE_ERROR = 0.02;

/**
 * The largest relative error of an east-west distance anywhere from `south` to `north`
 * degrees on the projection true at `latitude` (|cos φ0 / cos φ − 1| at the farther end).
 */
export function projectionScaleError(latitude: number, south: number, north: number): number {
  const cos = (degrees: number) => Math.cos((degrees * Math.PI) / 180);
  return Math.max(...[south, north].map((end) => Math.abs(cos(latitude) / cos(end) - 1)));
}

/**
 * Why `latitude` cannot be the reference of a district spanning `south` to `north` degrees
 * (it lies outside them, or the scale error passes MAX_SCALE_ERROR), or null when it can.
 */
export function projectionLatitudeProblem(
  latitude: number,
  south: number,
  north: number,
): string | null {
  const span = `${south.toFixed(3)}° to ${north.toFixed(3)}° N`;
  const middle = ((south + north) / 2).toFixed(2);
  if (latitude < south || latitude > north) {
    return `${latitude}° N is outside the district (${span}): use a latitude inside it, e.g. ${middle}`;
  }
  const error = projectionScaleError(latitude, south, north);
  if (error > MAX_SCALE_ERROR) {
    return (
      `distances east-west would be off by up to ${(error * 100).toFixed(1)} % across the ` +
      `district (${span}) about ${latitude}° N, more than ${MAX_SCALE_ERROR * 100} %: use a ` +
      `latitude nearer its middle, ${middle}`
    );
  }
  return null;
}
