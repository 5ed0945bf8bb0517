// A flat projection for distances in metres around Leeds.
//
// Equirectangular about latitude 53.8° N (the middle of the district): x = R·λ·cos φ0,
// y = R·φ. Across Leeds (53.70° to 53.95° N) cos φ varies by ±0.3 % around cos φ0, so an
// east-west distance of 50 m is off by at most 0.15 m, and north-south distances are exact
// up to the sphere's own approximation (under 0.5 %). That is far below the ~20 m
// generalisation of the boundaries we measure against. The map is affine in (lon, lat), so
// point-in-polygon answers are the same as in degrees.

/** Mean Earth radius (IUGG), metres. */
const EARTH_RADIUS_M = 6_371_008.8;
/** Latitude the projection is true at: the middle of the Leeds district. */
export const REFERENCE_LATITUDE = 53.8;

const METRES_PER_DEGREE_LAT = (EARTH_RADIUS_M * Math.PI) / 180;
const METRES_PER_DEGREE_LON =
  METRES_PER_DEGREE_LAT * Math.cos((REFERENCE_LATITUDE * Math.PI) / 180);

export const projectX = (lon: number): number => lon * METRES_PER_DEGREE_LON;
export const projectY = (lat: number): number => lat * METRES_PER_DEGREE_LAT;
export const unprojectX = (x: number): number => x / METRES_PER_DEGREE_LON;
export const unprojectY = (y: number): number => y / METRES_PER_DEGREE_LAT;
