// A month's snap points in columns, as the map data encoder folds them in
// (map-data-encoder.ts): typed arrays, which a month worker hands to the main thread without
// copying, where the same points as objects (some 4,000 a month at full scale) would be
// rebuilt on the main thread's heap for every month and left to its garbage collector.
import { CRIME_TYPES } from './constants.ts';
import type { MonthSummary } from './schema.ts';

/** The first count a 32-bit unsigned integer cannot hold (counts and entry keys are held in them). */
export const UINT32_LIMIT = 2 ** 32;

export interface MapPoints {
  /** Degrees, one per point. */
  lon: Float64Array;
  lat: Float64Array;
  /** Crimes by point and type: counts[point * CRIME_TYPES.length + type]. */
  counts: Uint32Array;
  /** Each point's ward code, as an index into `wards` ("" is no ward). */
  wardOf: Uint32Array;
  wards: string[];
  /** Each point's postcode district, as an index into `districts`. */
  districtOf: Uint32Array;
  districts: string[];
}

/** The points of `month`'s summary in columns; counts must be whole numbers below 2^32. */
export function packPoints(month: string, points: MonthSummary['points']): MapPoints {
  const T = CRIME_TYPES.length;
  const packed: MapPoints = {
    lon: new Float64Array(points.length),
    lat: new Float64Array(points.length),
    counts: new Uint32Array(points.length * T),
    wardOf: new Uint32Array(points.length),
    wards: [],
    districtOf: new Uint32Array(points.length),
    districts: [],
  };
  const wards = new Map<string, number>();
  const districts = new Map<string, number>();
  const indexOf = (table: Map<string, number>, list: string[], text: string) => {
    let index = table.get(text);
    if (index === undefined) {
      index = list.length;
      list.push(text);
      table.set(text, index);
    }
    return index;
  };
  points.forEach((point, i) => {
    packed.lon[i] = point.lon;
    packed.lat[i] = point.lat;
    packed.wardOf[i] = indexOf(wards, packed.wards, point.ward);
    packed.districtOf[i] = indexOf(districts, packed.districts, point.postcodeDistrict);
    for (let type = 0; type < T; type++) {
      const count = point.counts[type] ?? 0;
      if (!(Number.isInteger(count) && count >= 0 && count < UINT32_LIMIT)) {
        throw new RangeError(
          `${month}: a point at (${point.lon}, ${point.lat}) counts ${count} crimes of one type; ` +
            'expected a whole number from 0 to 2^32 - 1: rebuild the month summaries.',
        );
      }
      packed.counts[i * T + type] = count;
    }
  });
  return packed;
}

/** The buffers of `points`, to hand over (transfer) rather than copy between threads. */
export function pointBuffers(points: MapPoints): ArrayBuffer[] {
  return [points.lon, points.lat, points.counts, points.wardOf, points.districtOf].map(
    (array) => array.buffer as ArrayBuffer,
  );
}
