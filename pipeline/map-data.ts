// Month summaries -> the map island's data: one small gzipped binary file (format described in
// src/shared/map-data.ts) and a simplified ward GeoJSON for the choropleth. Pure: the caller
// writes the returned bytes and text (atomically) to public/data/.
import { gzipSync } from 'node:zlib';
import { simplify } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { CITY_CENTRE_POSTCODE_DISTRICTS, CRIME_TYPES } from '../src/shared/constants.ts';
import {
  COORDINATE_SCALE,
  FLAG_CITY_CENTRE,
  MAP_DATA_FILE_NAME,
  MAP_DATA_MAGIC,
  MAP_DATA_VERSION,
  NO_WARD,
  type MapDataHeader,
} from '../src/shared/map-data.ts';
import type { MonthSummary, Ward } from '../src/shared/schema.ts';
import { monthRange } from '../src/lib/months.ts';

export { MAP_DATA_FILE_NAME, WARD_SHAPES_FILE_NAME } from '../src/shared/map-data.ts';

/**
 * Ward outlines are drawn at city scale (zoom 10-14): 0.0002 degrees (about 15-20 m) keeps
 * every bend a reader can see and cuts the file to a fraction of the reference geometry.
 */
const WARD_SIMPLIFY_TOLERANCE_DEGREES = 0.0002;
/** 5 decimals (about 1 m) is finer than the simplification itself. */
const WARD_COORDINATE_DECIMALS = 5;

const CITY_CENTRE: ReadonlySet<string> = new Set(CITY_CENTRE_POSTCODE_DISTRICTS);

/** Bytes grown on demand: streams of varints and single bytes. */
class ByteWriter {
  private buffer = new Uint8Array(1 << 16);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  bytes(values: Uint8Array): void {
    this.reserve(values.length);
    this.buffer.set(values, this.length);
    this.length += values.length;
  }

  varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`varint: expected a non-negative integer, got ${value}`);
    }
    let v = value;
    while (v >= 0x80) {
      this.byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.byte(v);
  }

  zigzag(value: number): void {
    this.varint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  result(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

interface PointKey {
  lonQ: number;
  latQ: number;
  ward: number;
  flags: number;
}

function quantise(degrees: number): number {
  return Math.round(degrees * COORDINATE_SCALE);
}

/**
 * Encode summaries into map data bytes (not gzipped). Exported for tests and benchmarks;
 * the pipeline calls buildMapData.
 */
export function encodeMapData(
  summaries: readonly MonthSummary[],
  wards: readonly Ward[],
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
  const pointIds = new Map<string, number>();
  const points: PointKey[] = [];
  const monthEntries: Map<number, number>[] = [];
  for (const month of months) {
    const summary = byMonth.get(month);
    const entries = new Map<number, number>();
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
        flags: CITY_CENTRE.has(point.postcodeDistrict) ? FLAG_CITY_CENTRE : 0,
      };
      const id = `${key.lonQ},${key.latQ},${key.ward},${key.flags}`;
      let pointId = pointIds.get(id);
      if (pointId === undefined) {
        pointId = points.length;
        pointIds.set(id, pointId);
        points.push(key);
      }
      for (let type = 0; type < T; type++) {
        const count = point.counts[type] ?? 0;
        if (count === 0) continue;
        // Keys use provisional point ids until the points are sorted below.
        const entryKey = pointId * T + type;
        entries.set(entryKey, (entries.get(entryKey) ?? 0) + count);
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

  const header: MapDataHeader = {
    months,
    hasData: months.map((m) => (byMonth.has(m) ? 1 : 0)),
    crimeTypes: [...CRIME_TYPES],
    wards: wards.map(({ code, name, slug, population }) => ({ code, name, slug, population })),
    pointCount: points.length,
    entryCounts: monthEntries.map((e) => e.size),
  };

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
  // each month's entries by point, then type.
  const renumbered = monthEntries.map((entries) => {
    const keys = new Float64Array(entries.size);
    const counts = new Map<number, number>();
    let i = 0;
    for (const [key, count] of entries) {
      const newKey = (newIndex[Math.floor(key / T)] ?? 0) * T + (key % T);
      keys[i++] = newKey;
      counts.set(newKey, count);
    }
    return { keys: keys.sort(), counts };
  });
  for (const { keys } of renumbered) {
    let previousPoint = 0;
    for (const key of keys) {
      const point = Math.floor(key / T);
      body.varint(point - previousPoint);
      previousPoint = point;
    }
  }
  for (const { keys } of renumbered) for (const key of keys) body.byte(key % T);
  for (const { keys, counts } of renumbered) {
    for (const key of keys) body.varint((counts.get(key) ?? 1) - 1);
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

/**
 * zlib's default level. At full scale (1.7 MB raw) level 9 is 1.8% smaller (572 kB against
 * 582 kB) but takes 0.9 s instead of 0.16 s, most of an incremental run's map step.
 */
const GZIP_LEVEL = 6;

/**
 * The map island's data for `summaries` (any order, one per month), with wards indexed like
 * `wards`. `mapData` is gzipped; write it as public/data/<fileName>.
 */
export function buildMapData(
  summaries: readonly MonthSummary[],
  wards: readonly Ward[],
): { mapData: Uint8Array; fileName: string } {
  const mapData = new Uint8Array(gzipSync(encodeMapData(summaries, wards), { level: GZIP_LEVEL }));
  return { mapData, fileName: MAP_DATA_FILE_NAME };
}

/** A ward polygon as the reference geography holds it (pipeline/reference.ts Area). */
export interface WardArea {
  code: string;
  geometry: Polygon | MultiPolygon;
}

function roundPositions(coordinates: unknown): unknown {
  if (typeof coordinates === 'number') {
    const f = 10 ** WARD_COORDINATE_DECIMALS;
    return Math.round(coordinates * f) / f;
  }
  return (coordinates as unknown[]).map(roundPositions);
}

/**
 * Simplified ward outlines for the choropleth, as GeoJSON text: one feature per ward in the
 * order of `wards`, properties { code, name, slug }. Write it as public/data/wards.geojson
 * (WARD_SHAPES_FILE_NAME).
 */
export function buildWardShapes(areas: readonly WardArea[], wards: readonly Ward[]): string {
  const byCode = new Map(areas.map((a) => [a.code, a]));
  const features = wards.map((ward): Feature<Polygon | MultiPolygon> => {
    const area = byCode.get(ward.code);
    if (area === undefined) {
      throw new Error(
        `Ward ${ward.code} (${ward.name}) has no boundary in the reference geography; ` +
          'check data/reference/wards.geojson.',
      );
    }
    const simplified = simplify(
      { type: 'Feature', properties: {}, geometry: area.geometry },
      { tolerance: WARD_SIMPLIFY_TOLERANCE_DEGREES, highQuality: true, mutate: false },
    );
    const geometry = {
      type: simplified.geometry.type,
      coordinates: roundPositions(simplified.geometry.coordinates),
    } as Polygon | MultiPolygon;
    return {
      type: 'Feature',
      properties: { code: ward.code, name: ward.name, slug: ward.slug },
      geometry,
    };
  });
  const collection: FeatureCollection = { type: 'FeatureCollection', features };
  return JSON.stringify(collection);
}
