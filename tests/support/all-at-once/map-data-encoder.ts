// REFERENCE ONLY, for the equivalence tests: the map data encoder (src/shared/map-data-encoder.ts) as it was before months were folded
// in one at a time (pipeline commit 3328d69), every month's summary held at once. The folds
// must give the same output from the same summaries; do not use this in the pipeline.
// Month summaries -> the map data bytes (format and decoder in ./map-data.ts), before gzip.
// Pure and browser-safe like its decoder; the pipeline gzips and writes the result
// (pipeline/map-data.ts buildMapData).
// Only the all-at-once encoding is kept here; the helpers it calls did not change and are
// imported from src/shared/map-data-encoder.ts.
import { CRIME_TYPES } from '../../../src/shared/constants.ts';
import {
  FLAG_CITY_CENTRE,
  MAP_DATA_MAGIC,
  MAP_DATA_VERSION,
  NO_WARD,
  type MapDataHeader,
} from '../../../src/shared/map-data.ts';
import {
  ByteWriter,
  CITY_CENTRE,
  FLAG_VALUES,
  positionNumber,
  quantise,
  type PointKey,
} from '../../../src/shared/map-data-encoder.ts';
import { mapDataLicence } from '../../../src/shared/map-data-licence.ts';
import { monthRange } from '../../../src/shared/months.ts';
import { LEEDS_WORDS, type DistrictWords } from '../../../src/shared/open-data.ts';
import type { MonthSummary, Ward } from '../../../src/shared/schema.ts';

/**
 * Encode summaries into map data bytes (not gzipped). Exported for tests and benchmarks;
 * the pipeline calls buildMapData.
 */
export function encodeMapData(
  summaries: readonly MonthSummary[],
  wards: readonly Ward[],
  inCentre: (point: {
    ward: string;
    postcodeDistrict: string;
    lon: number;
    lat: number;
  }) => boolean = (point) => CITY_CENTRE.has(point.postcodeDistrict),
  words: DistrictWords = LEEDS_WORDS,
): Uint8Array {
  if (wards.length >= NO_WARD) {
    throw new RangeError(`The map data holds at most ${NO_WARD - 1} wards, got ${wards.length}`);
  }
  const sorted = [...summaries].sort((a, b) =>
    a.month < b.month ? -1 : a.month > b.month ? 1 : 0,
  );
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]?.month === sorted[i - 1]?.month) {
      throw new Error(`Two summaries for ${sorted[i]?.month}; the pipeline keeps one per month.`);
    }
  }
  const first = sorted[0]?.month;
  const last = sorted.at(-1)?.month;
  const months = first !== undefined && last !== undefined ? monthRange(first, last) : [];
  const byMonth = new Map(sorted.map((s) => [s.month, s]));
  const wardIndex = new Map(wards.map((w, i) => [w.code, i]));
  const T = CRIME_TYPES.length;

  // Distinct points over all months. Ward and flag are part of the key so that a coordinate
  // that changed ward between geography releases still adds up per ward.
  // Keyed by position (positionNumber), each holding [wardAndFlags, point id] pairs: numbers
  // rather than a key string per point and month, which was a third of this function's time.
  const pointIds = new Map<number, number[]>();
  const points: PointKey[] = [];
  // Per month, entry keys (point * T + type) and counts in pairs; a key can repeat when two
  // summary points share a quantised position, and is summed when the entries are sorted.
  const monthEntries: number[][] = [];
  let largestCount = 0;
  for (const month of months) {
    const summary = byMonth.get(month);
    const entries: number[] = [];
    monthEntries.push(entries);
    if (summary === undefined) continue;
    for (const point of summary.points) {
      let ward = NO_WARD;
      if (point.ward !== '') {
        const index = wardIndex.get(point.ward);
        if (index === undefined) {
          throw new Error(
            `${month}: a point at (${point.lon}, ${point.lat}) is in ward "${point.ward}", which is not ` +
              'among the wards given to buildMapData; rebuild the wards and summaries from the same geography.',
          );
        }
        ward = index;
      }
      const key: PointKey = {
        lonQ: quantise(point.lon),
        latQ: quantise(point.lat),
        ward,
        flags: inCentre(point) ? FLAG_CITY_CENTRE : 0,
      };
      const position = positionNumber(key.lonQ, key.latQ, month);
      const wardAndFlags = key.ward * FLAG_VALUES + key.flags;
      let here = pointIds.get(position);
      if (here === undefined) {
        here = [];
        pointIds.set(position, here);
      }
      let pointId: number | undefined;
      for (let i = 0; i < here.length; i += 2) {
        if (here[i] === wardAndFlags) pointId = here[i + 1];
      }
      if (pointId === undefined) {
        pointId = points.length;
        here.push(wardAndFlags, pointId);
        points.push(key);
      }
      for (let type = 0; type < T; type++) {
        const count = point.counts[type] ?? 0;
        if (count === 0) continue;
        // Keys use provisional point ids until the points are sorted below.
        entries.push(pointId * T + type, count);
        if (count > largestCount) largestCount = count;
      }
    }
  }

  // Sort points by position so coordinate deltas are small, then renumber the entries.
  const order = points.map((_, i) => i);
  order.sort((a, b) => {
    const pa = points[a] as PointKey;
    const pb = points[b] as PointKey;
    return pa.lonQ - pb.lonQ || pa.latQ - pb.latQ || pa.ward - pb.ward || pa.flags - pb.flags;
  });
  const newIndex = new Uint32Array(points.length);
  order.forEach((oldIndex, i) => (newIndex[oldIndex] = i));

  const body = new ByteWriter();
  const sortedPoints = order.map((i) => points[i] as PointKey);
  let previous = 0;
  for (const p of sortedPoints) {
    body.zigzag(p.lonQ - previous);
    previous = p.lonQ;
  }
  previous = 0;
  for (const p of sortedPoints) {
    body.zigzag(p.latQ - previous);
    previous = p.latQ;
  }
  body.bytes(Uint8Array.from(sortedPoints, (p) => p.ward));
  body.bytes(Uint8Array.from(sortedPoints, (p) => p.flags));

  // Entry keys point * T + type, renumbered to the sorted points: sorting the keys sorts
  // each month's entries by point, then type. Each key is sorted with its count packed below
  // it (key * countSpan + count), a number sort rather than a map from key to count.
  const countSpan = largestCount + 1;
  if (points.length * T * countSpan > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(
      `The map data's ${points.length} points with counts up to ${largestCount} do not fit its encoder`,
    );
  }
  const renumbered = monthEntries.map((entries) => {
    const packed = new Float64Array(entries.length / 2);
    for (let i = 0; i < entries.length; i += 2) {
      const key = entries[i] as number;
      const newKey = (newIndex[Math.floor(key / T)] ?? 0) * T + (key % T);
      packed[i / 2] = newKey * countSpan + (entries[i + 1] as number);
    }
    packed.sort();
    const keys: number[] = [];
    const counts: number[] = [];
    for (const value of packed) {
      const key = Math.floor(value / countSpan);
      const count = value - key * countSpan;
      if (keys.length > 0 && keys[keys.length - 1] === key) {
        counts[counts.length - 1] = (counts[counts.length - 1] as number) + count;
      } else {
        keys.push(key);
        counts.push(count);
      }
    }
    return { keys, counts };
  });
  const header: MapDataHeader = {
    months,
    hasData: months.map((m) => (byMonth.has(m) ? 1 : 0)),
    crimeTypes: [...CRIME_TYPES],
    wards: wards.map(({ code, name, slug, population, cityCentreResidents }) => ({
      code,
      name,
      slug,
      population,
      cityCentreResidents,
    })),
    pointCount: points.length,
    entryCounts: renumbered.map((e) => e.keys.length),
    ...mapDataLicence(words),
  };

  for (const { keys } of renumbered) {
    let previousPoint = 0;
    for (const key of keys) {
      const point = Math.floor(key / T);
      body.varint(point - previousPoint);
      previousPoint = point;
    }
  }
  for (const { keys } of renumbered) for (const key of keys) body.byte(key % T);
  for (const { counts } of renumbered) {
    for (const count of counts) body.varint(count - 1);
  }

  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(12 + headerBytes.length + body.length);
  out.set(new TextEncoder().encode(MAP_DATA_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, MAP_DATA_VERSION, true);
  view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, 12);
  out.set(body.result(), 12 + headerBytes.length);
  return out;
}
