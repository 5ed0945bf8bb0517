// Month summaries -> the map data bytes (format and decoder in ./map-data.ts), before gzip.
// Pure and browser-safe like its decoder; the pipeline gzips and writes the result
// (pipeline/map-data.ts buildMapData).
//
// Months are folded in one at a time (MapDataEncoder.add), in any order, their points in
// columns (map-points.ts): what is kept grows with the distinct snap points (one small record
// each) and the entries the file will hold (8 bytes each), not with each month's summary
// (some 1.3 MiB at full scale), so a run never holds every month's summary at once.
import { CITY_CENTRE_POSTCODE_DISTRICTS, CRIME_TYPES } from './constants.ts';
import {
  COORDINATE_SCALE,
  FLAG_CITY_CENTRE,
  MAP_DATA_MAGIC,
  MAP_DATA_VERSION,
  NO_WARD,
  type MapDataHeader,
  type MapDataLicence,
} from './map-data.ts';
import { UINT32_LIMIT, type MapPoints } from './map-points.ts';
import { monthRange } from './months.ts';
import type { Ward } from './schema.ts';
import type { CentrePlace } from './area.ts';

export const CITY_CENTRE: ReadonlySet<string> = new Set(CITY_CENTRE_POSTCODE_DISTRICTS);

/** The most one entry (a place, a crime type, a month) counts: it is kept in a Uint32Array. */
const MAX_COUNT = 0xffff_ffff;

/** Bytes grown on demand: streams of varints and single bytes. */
export class ByteWriter {
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
    // Most are one byte (entry counts, steps between points): written without the loop.
    if (value < 0x80) {
      this.reserve(1);
      this.buffer[this.length++] = value;
      return;
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

/** What the map takes from a month: its snap points, in columns. */
export interface MapDataMonth {
  month: string;
  points: MapPoints;
}

export interface PointKey {
  lonQ: number;
  latQ: number;
  /** Index into the encoder's ward codes (0: no ward), not yet the ward's index in the file. */
  ward: number;
  flags: number;
}

/** A month's entries: keys point * T + type (provisional point ids) and their counts. */
interface MonthEntries {
  keys: Uint32Array;
  counts: Uint32Array;
}

/**
 * What a MapDataEncoder holds, in plain values and typed arrays (structured-clone safe): the
 * points in columns, by provisional id; each month's entries. See MapDataEncoder.save.
 */
export interface MapDataEncoderState {
  wardCodes: string[];
  wardSeen: string[];
  points: { lonQ: Int32Array; latQ: Int32Array; ward: Uint32Array; flags: Uint8Array };
  months: [string, MonthEntries][];
}

export function quantise(degrees: number): number {
  return Math.round(degrees * COORDINATE_SCALE);
}

/** Flags take values below this (FLAG_CITY_CENTRE is the only one), so ward * FLAG_VALUES + flags is unique. */
export const FLAG_VALUES = 2;
/** Offsets that make quantised longitudes (within ±180°) and latitudes (±90°) non-negative. */
const LON_OFFSET = 180 * COORDINATE_SCALE;
const LAT_OFFSET = 90 * COORDINATE_SCALE;
/** Above every offset latitude, so lon * LAT_SPAN + lat is unique; both fit 2^53 (2^26 * 2^25). */
const LAT_SPAN = 2 * LAT_OFFSET + 1;

/** One number per quantised position. */
export function positionNumber(lonQ: number, latQ: number, month: string): number {
  const lon = lonQ + LON_OFFSET;
  const lat = latQ + LAT_OFFSET;
  if (!(lon >= 0 && lon <= 2 * LON_OFFSET && lat >= 0 && lat < LAT_SPAN)) {
    throw new RangeError(
      `${month}: a point at quantised (${lonQ}, ${latQ}) is not a longitude and latitude in degrees; ` +
        'rebuild the month summaries.',
    );
  }
  return lon * LAT_SPAN + lat;
}

/**
 * The map data of months folded in one at a time, in any order: add each month's summary
 * (replace one that changed), then encode. The bytes are the same whatever the order.
 */
export class MapDataEncoder {
  private readonly inCentre: (point: CentrePlace) => boolean;
  /** Ward codes in the order first seen; index 0 is "no ward". */
  private readonly wardCodes: string[] = [''];
  private readonly wardIds = new Map<string, number>([['', 0]]);
  /** Where each ward code was first seen, for the error when it is not among the wards. */
  private readonly wardSeen: string[] = [''];
  // Distinct points over all months. Ward and flag are part of the key so that a coordinate
  // that changed ward between geography releases still adds up per ward.
  // Keyed by position (positionNumber), each holding [wardAndFlags, point id] pairs: numbers
  // rather than a key string per point and month, which was a third of the encoder's time.
  private readonly pointIds = new Map<number, number[]>();
  private readonly points: PointKey[] = [];
  private readonly months = new Map<string, MonthEntries>();

  /** `state`: where to start from, what save() returned of an encoder with the same `inCentre`. */
  constructor(
    inCentre: (point: CentrePlace) => boolean = (point) => CITY_CENTRE.has(point.postcodeDistrict),
    state?: MapDataEncoderState,
  ) {
    this.inCentre = inCentre;
    if (state !== undefined) this.restore(state);
  }

  /** What the encoder holds now; a new encoder given it carries on from here. */
  save(): MapDataEncoderState {
    const n = this.points.length;
    const points = {
      lonQ: new Int32Array(n),
      latQ: new Int32Array(n),
      ward: new Uint32Array(n),
      flags: new Uint8Array(n),
    };
    this.points.forEach((p, i) => {
      points.lonQ[i] = p.lonQ;
      points.latQ[i] = p.latQ;
      points.ward[i] = p.ward;
      points.flags[i] = p.flags;
    });
    return {
      wardCodes: [...this.wardCodes],
      wardSeen: [...this.wardSeen],
      points,
      months: [...this.months],
    };
  }

  private restore({ wardCodes, wardSeen, points, months }: MapDataEncoderState): void {
    this.wardCodes.length = 0;
    this.wardSeen.length = 0;
    this.wardIds.clear();
    wardCodes.forEach((code, id) => {
      this.wardCodes.push(code);
      this.wardSeen.push(wardSeen[id] as string);
      this.wardIds.set(code, id);
    });
    for (let id = 0; id < points.lonQ.length; id++) {
      const key: PointKey = {
        lonQ: points.lonQ[id] as number,
        latQ: points.latQ[id] as number,
        ward: points.ward[id] as number,
        flags: points.flags[id] as number,
      };
      const position = positionNumber(key.lonQ, key.latQ, 'a saved map data encoder');
      let here = this.pointIds.get(position);
      if (here === undefined) {
        here = [];
        this.pointIds.set(position, here);
      }
      here.push(key.ward * FLAG_VALUES + key.flags, id);
      this.points.push(key);
    }
    for (const [month, entries] of months) this.months.set(month, entries);
  }

  /** Fold in a month; each month is added once. */
  add(summary: MapDataMonth): void {
    if (this.months.has(summary.month)) {
      throw new Error(`Two summaries for ${summary.month}; the pipeline keeps one per month.`);
    }
    this.months.set(summary.month, this.entriesOf(summary));
  }

  /**
   * Fold in a month in place of the one added before (a month that lost rows after it was
   * added). A point only the old month had is left out of the file.
   */
  replace(summary: MapDataMonth): void {
    if (!this.months.has(summary.month)) {
      throw new Error(`${summary.month} cannot be replaced: it was never added.`);
    }
    this.months.set(summary.month, this.entriesOf(summary));
  }

  private wardId(ward: string, where: () => string): number {
    let id = this.wardIds.get(ward);
    if (id === undefined) {
      id = this.wardCodes.length;
      this.wardCodes.push(ward);
      this.wardIds.set(ward, id);
      this.wardSeen.push(where());
    }
    return id;
  }

  private entriesOf({ month, points }: MapDataMonth): MonthEntries {
    const T = CRIME_TYPES.length;
    const keys: number[] = [];
    const counts: number[] = [];
    /** The month's ward indices (into points.wards) as the encoder's ward ids. */
    const wardIds: (number | undefined)[] = [];
    for (let i = 0; i < points.lon.length; i++) {
      const lon = points.lon[i] as number;
      const lat = points.lat[i] as number;
      const wardOf = points.wardOf[i] as number;
      const wardCode = points.wards[wardOf] as string;
      const ward = (wardIds[wardOf] ??= this.wardId(
        wardCode,
        () => `${month}: a point at (${lon}, ${lat})`,
      ));
      const place = {
        ward: wardCode,
        postcodeDistrict: points.districts[points.districtOf[i] as number] as string,
        lon,
        lat,
      };
      const key: PointKey = {
        lonQ: quantise(lon),
        latQ: quantise(lat),
        ward,
        flags: this.inCentre(place) ? FLAG_CITY_CENTRE : 0,
      };
      const position = positionNumber(key.lonQ, key.latQ, month);
      const wardAndFlags = key.ward * FLAG_VALUES + key.flags;
      let here = this.pointIds.get(position);
      if (here === undefined) {
        here = [];
        this.pointIds.set(position, here);
      }
      let pointId: number | undefined;
      for (let i = 0; i < here.length; i += 2) {
        if (here[i] === wardAndFlags) pointId = here[i + 1];
      }
      if (pointId === undefined) {
        pointId = this.points.length;
        // Entry keys (point * T + type) are held as 32-bit integers.
        if ((pointId + 1) * T > UINT32_LIMIT) {
          throw new RangeError(`The map data holds at most ${UINT32_LIMIT / T} points`);
        }
        here.push(wardAndFlags, pointId);
        this.points.push(key);
      }
      for (let type = 0; type < T; type++) {
        const count = points.counts[i * T + type] as number;
        if (count === 0) continue;
        // Keys use provisional point ids until the points are sorted in encode().
        keys.push(pointId * T + type);
        counts.push(count);
      }
    }
    return { keys: Uint32Array.from(keys), counts: Uint32Array.from(counts) };
  }

  /**
   * The map data bytes (not gzipped) of the months added, with wards indexed like `wards`, and
   * the licence and attribution of the district's sources (map-data-licence.ts).
   */
  encode(wards: readonly Ward[], licence: MapDataLicence): Uint8Array {
    if (wards.length >= NO_WARD) {
      throw new RangeError(`The map data holds at most ${NO_WARD - 1} wards, got ${wards.length}`);
    }
    const T = CRIME_TYPES.length;
    const present = [...this.months.keys()].sort();
    const first = present[0];
    const last = present.at(-1);
    const months = first !== undefined && last !== undefined ? monthRange(first, last) : [];
    const monthEntries = months.map((m) => this.months.get(m) ?? null);

    // The points some month counts crimes at: a point only a replaced month had is left out.
    const used = new Uint8Array(this.points.length);
    let largestCount = 0;
    for (const entries of monthEntries) {
      if (entries === null) continue;
      for (const key of entries.keys) used[Math.floor(key / T)] = 1;
      for (const count of entries.counts) if (count > largestCount) largestCount = count;
    }
    const wardIndex = new Map(wards.map((w, i) => [w.code, i]));
    const fileWard = this.wardCodes.map((code, id) => {
      if (id === 0) return NO_WARD;
      return wardIndex.get(code) ?? -1;
    });
    const points: PointKey[] = [];
    const kept: number[] = [];
    this.points.forEach((point, id) => {
      if (used[id] === 0) return;
      const ward = fileWard[point.ward] as number;
      if (ward === -1) {
        throw new Error(
          `${this.wardSeen[point.ward]} is in ward "${this.wardCodes[point.ward]}", which is not ` +
            'among the wards given to buildMapData; rebuild the wards and summaries from the same geography.',
        );
      }
      points.push({ ...point, ward });
      kept.push(id);
    });

    // Sort points by position so coordinate deltas are small, then renumber the entries.
    const order = points.map((_, i) => i);
    order.sort((a, b) => {
      const pa = points[a] as PointKey;
      const pb = points[b] as PointKey;
      return pa.lonQ - pb.lonQ || pa.latQ - pb.latQ || pa.ward - pb.ward || pa.flags - pb.flags;
    });
    const newIndex = new Uint32Array(this.points.length);
    order.forEach((i, sorted) => (newIndex[kept[i] as number] = sorted));

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
    // it (key * countSpan + count), a number sort rather than a map from key to count; a key
    // can repeat when two summary points share a quantised position, and is summed here.
    const countSpan = largestCount + 1;
    if (points.length * T * countSpan > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(
        `The map data's ${points.length} points with counts up to ${largestCount} do not fit its encoder`,
      );
    }
    const renumbered = monthEntries.map((entries) => {
      if (entries === null) return { keys: new Uint32Array(0), counts: new Uint32Array(0) };
      const { keys: oldKeys, counts: oldCounts } = entries;
      const n = oldKeys.length;
      const packed = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const key = oldKeys[i]!;
        const newKey = newIndex[Math.floor(key / T)]! * T + (key % T);
        packed[i] = newKey * countSpan + oldCounts[i]!;
      }
      packed.sort();
      // At most n entries; fewer where keys repeat.
      const keys = new Uint32Array(n);
      const counts = new Uint32Array(n);
      let m = 0;
      for (let i = 0; i < n; i++) {
        const value = packed[i]!;
        const key = Math.floor(value / countSpan);
        const count = value - key * countSpan;
        if (m > 0 && keys[m - 1] === key) {
          const sum = counts[m - 1]! + count;
          if (sum > MAX_COUNT) {
            throw new RangeError(
              `The map data counts at most ${MAX_COUNT} crimes of one type at one place in a month, got ${sum}`,
            );
          }
          counts[m - 1] = sum;
        } else {
          keys[m] = key;
          counts[m] = count;
          m += 1;
        }
      }
      return { keys: keys.subarray(0, m), counts: counts.subarray(0, m) };
    });
    const header: MapDataHeader = {
      months,
      hasData: monthEntries.map((entries) => (entries === null ? 0 : 1)),
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
      licence: licence.licence,
      attribution: licence.attribution,
    };

    for (const { keys } of renumbered) {
      let previousPoint = 0;
      for (let i = 0; i < keys.length; i++) {
        const point = Math.floor(keys[i]! / T);
        body.varint(point - previousPoint);
        previousPoint = point;
      }
    }
    for (const { keys } of renumbered) {
      const types = new Uint8Array(keys.length);
      for (let i = 0; i < keys.length; i++) types[i] = keys[i]! % T;
      body.bytes(types);
    }
    for (const { counts } of renumbered) {
      for (let i = 0; i < counts.length; i++) body.varint(counts[i]! - 1);
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
}
