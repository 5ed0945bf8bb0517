// ⚠️ This module ships to the browser: the map island decodes its data with it, the pipeline
// encodes with the same constants (pipeline/map-data.ts). Keep it free of Node APIs.
//
// The map data file, after gzip is removed (the file is stored gzipped so every host serves
// it small, whether or not it compresses binary files itself):
//
//   bytes 0-3   magic "LCMD"
//   bytes 4-7   format version (u32, little-endian)
//   bytes 8-11  header length H (u32, little-endian)
//   H bytes     header, JSON (UTF-8): months, hasData, crimeTypes, wards, pointCount, entryCounts,
//               licence and attribution (the file is published: it carries them as every data
//               file does, from the one source, open-data.ts openDataLicence)
//   then, one stream after another (varint = unsigned LEB128, zigzag for signed deltas):
//     P zigzag varints  longitude of each point minus the previous one, in 1e-5 degrees
//     P zigzag varints  latitude of each point minus the previous one, in 1e-5 degrees
//     P bytes           ward index of each point (NO_WARD = outside every ward)
//     P bytes           point flags (FLAG_CITY_CENTRE)
//     E varints         entry point index minus the previous entry's, restarting at 0 each month
//     E bytes           entry crime type index
//     E varints         entry count minus 1
//
// An entry is (point, crime type, count) for one month; entries are grouped by month in the
// order of `months`, and sorted by point then type within a month. Streams of one kind of
// value compress better than interleaved records. Decoding is one pass over the bytes.

export const MAP_DATA_MAGIC = 'LCMD';
/**
 * 2: the header carries the licence and attribution. A file of version 1 has neither and is
 * refused (rebuild it with the pipeline) rather than served without them.
 */
export const MAP_DATA_VERSION = 2;
export const MAP_DATA_FILE_NAME = 'map-data.bin.gz';
export const WARD_SHAPES_FILE_NAME = 'wards.geojson';

/** 1e-5 degrees is about 1.1 m of latitude in Leeds: finer than police.uk's snap points. */
export const COORDINATE_SCALE = 100_000;

/** Ward index of a point that is in no ward (kept by the pipeline, but not assignable). */
export const NO_WARD = 255;

/**
 * Per-point totals are kept cumulatively every this many months, so the heat layer of a long
 * range sums two snapshots and at most two partial years of entries instead of every entry.
 */
export const CHECKPOINT_MONTHS = 12;

/** Point flag: the point's postcode district is in CITY_CENTRE_POSTCODE_DISTRICTS. */
export const FLAG_CITY_CENTRE = 1;

const PREAMBLE_BYTES = 12;
const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export interface MapWard {
  code: string;
  name: string;
  slug: string;
  /** Census 2021 residents (see Ward in schema.ts). */
  population: number;
  /** Of them, residents in the city-centre postcode districts: out of the rate when excluded. */
  cityCentreResidents: number;
}

/** The JSON header of a map data file. */
export interface MapDataHeader {
  /** Every calendar month from the first to the last month with data, ascending. */
  months: string[];
  /** 1 where the month has data, 0 where it is a gap (unknown, never zero). */
  hasData: number[];
  crimeTypes: string[];
  wards: MapWard[];
  pointCount: number;
  /** Number of entries of each month, indexed like `months`. */
  entryCounts: number[];
  /** The data's licence, as the other data files name it ("OGL-UK-3.0"). */
  licence: string;
  /** The full attribution the data's reuse owes its sources, one line after another. */
  attribution: string;
}

/** What the map data's header says of the data's licence and attribution (map-data-licence.ts). */
export type MapDataLicence = Pick<MapDataHeader, 'licence' | 'attribution'>;

/** The decoded map data: flat typed arrays, plus totals precomputed for the figures. */
export interface MapData {
  licence: string;
  attribution: string;
  months: readonly string[];
  hasData: readonly boolean[];
  crimeTypes: readonly string[];
  wards: readonly MapWard[];
  pointCount: number;
  /** Degrees. */
  pointLon: Float64Array;
  pointLat: Float64Array;
  /** Index into `wards`, or NO_WARD. */
  pointWard: Uint8Array;
  pointFlags: Uint8Array;
  /** Entries of month m are [monthStart[m], monthStart[m + 1]). */
  monthStart: Uint32Array;
  entryPoint: Uint32Array;
  entryType: Uint8Array;
  entryCount: Uint32Array;
  /**
   * Totals by [month][ward slot][type], at (m * wardSlots + w) * typeCount + t; the last ward
   * slot (index wards.length) holds points in no ward.
   */
  wardSlots: number;
  monthWardType: Uint32Array;
  /** The same totals for city-centre points only. */
  cityCentreMonthWardType: Uint32Array;
  /**
   * Crimes per point and type in months [0, c * CHECKPOINT_MONTHS), for c = 0 .. checkpoints - 1,
   * at (c * pointCount + p) * typeCount + t.
   */
  checkpoints: number;
  pointTypeCumulative: Uint32Array;
  /** The same over all types, at c * pointCount + p: the heat layer's common case in one read. */
  pointCumulative: Uint32Array;
}

export class MapDataFormatError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(`Map data is not readable: ${message}`, options);
    this.name = 'MapDataFormatError';
  }
}

/** Strip the gzip layer if the bytes still have it (a host may already have removed it). */
export async function gunzipIfNeeded(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes[0] !== GZIP_MAGIC_0 || bytes[1] !== GZIP_MAGIC_1) return bytes;
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The place of a varint's last allowed 7-bit group (the 8th): 2^49, within exact integers. */
const MAX_VARINT_PLACE = 2 ** 49;

/** Reads what ByteWriter (map-data-encoder.ts) writes: varints, zigzag varints, byte runs. */
export class ByteReader {
  offset: number;
  private readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array, offset: number) {
    this.bytes = bytes;
    this.offset = offset;
  }

  /**
   * One unsigned LEB128 number. Most are one byte (counts, point steps), read without a loop;
   * the rest multiply each group by its place (2^7, 2^14, ...) kept as a number, not by
   * `2 ** shift`, since a map's data holds over a million of them.
   */
  varint(): number {
    const bytes = this.bytes;
    let offset = this.offset;
    let b = bytes[offset++];
    if (b === undefined) throw new MapDataFormatError(`truncated at byte ${offset - 1}`);
    if (b < 0x80) {
      this.offset = offset;
      return b;
    }
    let value = b & 0x7f;
    let place = 0x80;
    for (;;) {
      b = bytes[offset++];
      if (b === undefined) throw new MapDataFormatError(`truncated at byte ${offset - 1}`);
      value += (b & 0x7f) * place;
      if (b < 0x80) {
        this.offset = offset;
        return value;
      }
      place *= 0x80;
      if (place > MAX_VARINT_PLACE)
        throw new MapDataFormatError(`varint too long at byte ${offset}`);
    }
  }

  zigzag(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  bytesOf(n: number): Uint8Array {
    if (this.offset + n > this.bytes.length) {
      throw new MapDataFormatError(`truncated: ${n} bytes needed at byte ${this.offset}`);
    }
    const out = this.bytes.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
}

/** The header of map data bytes (gzip already removed), and where the streams start. */
export function readMapDataHeader(bytes: Uint8Array): {
  header: MapDataHeader;
  bodyOffset: number;
} {
  if (bytes.length < PREAMBLE_BYTES) throw new MapDataFormatError('file too short');
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== MAP_DATA_MAGIC) {
    throw new MapDataFormatError(`expected magic "${MAP_DATA_MAGIC}", got "${magic}"`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== MAP_DATA_VERSION) {
    throw new MapDataFormatError(
      `format version ${version}, this site reads version ${MAP_DATA_VERSION}; rebuild the map data with the pipeline`,
    );
  }
  const headerLength = view.getUint32(8, true);
  const end = PREAMBLE_BYTES + headerLength;
  if (end > bytes.length) throw new MapDataFormatError('header runs past the end of the file');
  let header: MapDataHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREAMBLE_BYTES, end)));
  } catch (cause) {
    throw new MapDataFormatError('header is not JSON', { cause });
  }
  const m = header.months?.length;
  if (
    !Array.isArray(header.months) ||
    header.hasData?.length !== m ||
    header.entryCounts?.length !== m ||
    !Array.isArray(header.crimeTypes) ||
    !Array.isArray(header.wards) ||
    header.wards.length >= NO_WARD ||
    !Number.isInteger(header.pointCount)
  ) {
    throw new MapDataFormatError('header lacks months, hasData, entryCounts, wards or pointCount');
  }
  if (
    typeof header.licence !== 'string' ||
    header.licence === '' ||
    typeof header.attribution !== 'string' ||
    header.attribution === ''
  ) {
    throw new MapDataFormatError(
      'header lacks the licence or the attribution; rebuild the map data with the pipeline',
    );
  }
  return { header, bodyOffset: end };
}

/** Decode map data bytes (gzip already removed). One pass; throws MapDataFormatError. */
export function decodeMapData(bytes: Uint8Array): MapData {
  const { header, bodyOffset } = readMapDataHeader(bytes);
  const reader = new ByteReader(bytes, bodyOffset);
  const P = header.pointCount;
  const W = header.wards.length;
  const M = header.months.length;
  const T = header.crimeTypes.length;

  const pointLon = new Float64Array(P);
  const pointLat = new Float64Array(P);
  let q = 0;
  for (let i = 0; i < P; i++) pointLon[i] = (q += reader.zigzag()) / COORDINATE_SCALE;
  q = 0;
  for (let i = 0; i < P; i++) pointLat[i] = (q += reader.zigzag()) / COORDINATE_SCALE;
  const pointWard = reader.bytesOf(P);
  const pointFlags = reader.bytesOf(P);
  // Each point's slot in the ward totals: its ward, or the last slot for points in no ward.
  const pointSlot = new Uint8Array(P);
  for (let i = 0; i < P; i++) {
    const ward = pointWard[i] ?? NO_WARD;
    if (ward !== NO_WARD && ward >= W) {
      throw new MapDataFormatError(`point ${i} names ward ${ward} of ${W}`);
    }
    pointSlot[i] = ward === NO_WARD ? W : ward;
  }

  const monthStart = new Uint32Array(M + 1);
  for (let m = 0; m < M; m++)
    monthStart[m + 1] = (monthStart[m] ?? 0) + (header.entryCounts[m] ?? 0);
  const E = monthStart[M] ?? 0;

  // The entry streams: one-byte varints (nearly all of them) are read here, longer ones by
  // the reader.
  const entryPoint = new Uint32Array(E);
  let offset = reader.offset;
  for (let m = 0; m < M; m++) {
    let point = 0;
    for (let e = monthStart[m] ?? 0, end = monthStart[m + 1] ?? 0; e < end; e++) {
      const b = bytes[offset] ?? 0x80;
      if (b < 0x80) {
        point += b;
        offset += 1;
      } else {
        reader.offset = offset;
        point += reader.varint();
        offset = reader.offset;
      }
      if (point >= P) throw new MapDataFormatError(`entry ${e} names point ${point} of ${P}`);
      entryPoint[e] = point;
    }
  }
  reader.offset = offset;
  const entryType = reader.bytesOf(E);
  offset = reader.offset;

  // The counts, read in the same pass that sums them by month, ward and type, and per point
  // (and type) into the running totals copied out at every checkpoint month.
  const entryCount = new Uint32Array(E);
  const wardSlots = W + 1;
  const monthWardType = new Uint32Array(M * wardSlots * T);
  const cityCentreMonthWardType = new Uint32Array(M * wardSlots * T);
  const checkpoints = Math.floor(M / CHECKPOINT_MONTHS) + 1;
  const stride = P * T;
  const pointTypeCumulative = new Uint32Array(checkpoints * stride);
  const pointCumulative = new Uint32Array(checkpoints * P);
  const running = new Uint32Array(stride);
  const runningAll = new Uint32Array(P);
  const lastCheckpointMonth = (checkpoints - 1) * CHECKPOINT_MONTHS;
  for (let m = 0; m < M; m++) {
    const base = m * wardSlots;
    const cumulative = m < lastCheckpointMonth;
    for (let e = monthStart[m] ?? 0, end = monthStart[m + 1] ?? 0; e < end; e++) {
      let count: number;
      const b = bytes[offset] ?? 0x80;
      if (b < 0x80) {
        count = b + 1;
        offset += 1;
      } else {
        reader.offset = offset;
        count = reader.varint() + 1;
        offset = reader.offset;
      }
      entryCount[e] = count;
      const point = entryPoint[e] ?? 0;
      const type = entryType[e] ?? 0;
      if (type >= T) throw new MapDataFormatError(`entry ${e} has crime type index ${type}`);
      const slot = (base + (pointSlot[point] ?? W)) * T + type;
      monthWardType[slot] = (monthWardType[slot] ?? 0) + count;
      if ((pointFlags[point] ?? 0) & FLAG_CITY_CENTRE) {
        cityCentreMonthWardType[slot] = (cityCentreMonthWardType[slot] ?? 0) + count;
      }
      if (cumulative) {
        const k = point * T + type;
        running[k] = (running[k] ?? 0) + count;
        runningAll[point] = (runningAll[point] ?? 0) + count;
      }
    }
    if (cumulative && (m + 1) % CHECKPOINT_MONTHS === 0) {
      const c = (m + 1) / CHECKPOINT_MONTHS;
      pointTypeCumulative.set(running, c * stride);
      pointCumulative.set(runningAll, c * P);
    }
  }
  if (offset !== bytes.length) {
    throw new MapDataFormatError(`${bytes.length - offset} unexpected bytes after the data`);
  }

  return {
    licence: header.licence,
    attribution: header.attribution,
    months: header.months,
    hasData: header.hasData.map((h) => h === 1),
    crimeTypes: header.crimeTypes,
    wards: header.wards,
    pointCount: P,
    pointLon,
    pointLat,
    pointWard,
    pointFlags,
    monthStart,
    entryPoint,
    entryType,
    entryCount,
    wardSlots,
    monthWardType,
    cityCentreMonthWardType,
    checkpoints,
    pointTypeCumulative,
    pointCumulative,
  };
}
