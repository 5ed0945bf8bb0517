// The one key for a police.uk coordinate: the locator's cache, the LSOA hints and the
// postcodes.io answers are all looked up by it, so they must agree.

/** police.uk gives 6 decimal places (about 0.1 m) in both the archive and the API. */
const KEY_DECIMALS = 6;

/** The key under which a coordinate is cached and matched across sources. */
export function coordinateKey(lon: number, lat: number): string {
  return `${lon.toFixed(KEY_DECIMALS)},${lat.toFixed(KEY_DECIMALS)}`;
}

/** Whether `text` is a coordinate key, exactly as coordinateKey writes one. */
export function isCoordinateKey(text: string): boolean {
  const [lon = NaN, lat = NaN, ...rest] = text.split(',').map(Number);
  return (
    rest.length === 0 &&
    Number.isFinite(lon) &&
    Number.isFinite(lat) &&
    coordinateKey(lon, lat) === text
  );
}
