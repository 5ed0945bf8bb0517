// Just enough of the ZIP format (APPNOTE 6.3) to read chosen entries of a remote archive with
// HTTP range requests: find the central directory from the archive's tail (ZIP64 included),
// list its entries, and stream one entry from its local header through inflate to a file,
// checking its CRC-32 and size. Parsing is pure; extraction writes only a temp file that is
// renamed once the entry has proved whole.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw } from 'node:zlib';

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const ZIP64_EOCD_SIZE = 56;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const CENTRAL_HEADER_SIZE = 46;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;
const ZIP64_EXTRA_ID = 0x0001;
const MAX_COMMENT_LENGTH = 0xffff;
/** The tail that surely holds the end records: a maximal comment, the EOCD, the ZIP64 locator and record. */
export const ZIP_TAIL_BYTES = MAX_COMMENT_LENGTH + EOCD_SIZE + ZIP64_LOCATOR_SIZE + ZIP64_EOCD_SIZE;

const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const FLAG_ENCRYPTED = 0x1;
const FLAG_UTF8 = 0x800;

export interface CentralDirectory {
  offset: number;
  size: number;
  entries: number;
}

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** The archive is not a zip, or is damaged. */
export class ZipFormatError extends Error {
  constructor(where: string, problem: string) {
    super(`${where}: ${problem}`);
    this.name = 'ZipFormatError';
  }
}

/**
 * Where the central directory is, from the last bytes of the archive (`tail` starts at
 * `tailOffset`). Returns `{ zip64RecordOffset }` when the ZIP64 end record lies before the tail
 * and must be read separately.
 */
export function findCentralDirectory(
  tail: Buffer,
  tailOffset: number,
  where: string,
): CentralDirectory | { zip64RecordOffset: number } {
  let eocd = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i -= 1) {
    if (
      tail.readUInt32LE(i) === EOCD_SIGNATURE &&
      i + EOCD_SIZE + tail.readUInt16LE(i + 20) === tail.length
    ) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0)
    throw new ZipFormatError(
      where,
      'no end-of-central-directory record: not a zip archive, or truncated',
    );

  const entries = tail.readUInt16LE(eocd + 10);
  const size = tail.readUInt32LE(eocd + 12);
  const offset = tail.readUInt32LE(eocd + 16);
  const needsZip64 = entries === 0xffff || size === 0xffffffff || offset === 0xffffffff;
  const locator = eocd - ZIP64_LOCATOR_SIZE;
  if (!needsZip64 && !(locator >= 0 && tail.readUInt32LE(locator) === ZIP64_LOCATOR_SIGNATURE)) {
    return { offset, size, entries };
  }
  if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_LOCATOR_SIGNATURE) {
    throw new ZipFormatError(
      where,
      'ZIP64 sizes announced but no ZIP64 end-of-central-directory locator',
    );
  }
  const recordOffset = readUInt64(tail, locator + 8, where);
  const inTail = recordOffset - tailOffset;
  if (inTail < 0 || inTail + ZIP64_EOCD_SIZE > tail.length)
    return { zip64RecordOffset: recordOffset };
  return parseZip64EndRecord(tail.subarray(inTail, inTail + ZIP64_EOCD_SIZE), where);
}

export function parseZip64EndRecord(record: Buffer, where: string): CentralDirectory {
  if (record.length < ZIP64_EOCD_SIZE || record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) {
    throw new ZipFormatError(
      where,
      'ZIP64 end-of-central-directory record not found where its locator points',
    );
  }
  return {
    entries: readUInt64(record, 32, where),
    size: readUInt64(record, 40, where),
    offset: readUInt64(record, 48, where),
  };
}

export const ZIP64_END_RECORD_BYTES = ZIP64_EOCD_SIZE;

/** Every entry of a central directory. */
export function parseCentralDirectory(
  directory: Buffer,
  expected: number,
  where: string,
): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let at = 0;
  while (
    at + CENTRAL_HEADER_SIZE <= directory.length &&
    directory.readUInt32LE(at) === CENTRAL_HEADER_SIGNATURE
  ) {
    const flags = directory.readUInt16LE(at + 8);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const nameBytes = directory.subarray(
      at + CENTRAL_HEADER_SIZE,
      at + CENTRAL_HEADER_SIZE + nameLength,
    );
    const extra = directory.subarray(
      at + CENTRAL_HEADER_SIZE + nameLength,
      at + CENTRAL_HEADER_SIZE + nameLength + extraLength,
    );
    let uncompressedSize = directory.readUInt32LE(at + 24);
    let compressedSize = directory.readUInt32LE(at + 20);
    let localHeaderOffset = directory.readUInt32LE(at + 42);
    if (
      uncompressedSize === 0xffffffff ||
      compressedSize === 0xffffffff ||
      localHeaderOffset === 0xffffffff
    ) {
      // The ZIP64 extra field holds, in this order, only the values whose 32-bit field is saturated.
      const zip64 = findExtraField(extra, ZIP64_EXTRA_ID);
      if (!zip64)
        throw new ZipFormatError(
          where,
          `entry ${nameBytes.toString()} lacks its ZIP64 extra field`,
        );
      let field = 0;
      const next = (): number => {
        const value = readUInt64(zip64, field, where);
        field += 8;
        return value;
      };
      if (uncompressedSize === 0xffffffff) uncompressedSize = next();
      if (compressedSize === 0xffffffff) compressedSize = next();
      if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
    }
    entries.push({
      name: nameBytes.toString(flags & FLAG_UTF8 ? 'utf8' : 'latin1'),
      method: directory.readUInt16LE(at + 10),
      flags,
      crc32: directory.readUInt32LE(at + 16),
      compressedSize,
      uncompressedSize,
      localHeaderOffset,
    });
    at += CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength;
  }
  if (entries.length !== expected) {
    throw new ZipFormatError(
      where,
      `central directory lists ${entries.length} entries, its end record says ${expected}`,
    );
  }
  return entries;
}

function findExtraField(extra: Buffer, id: number): Buffer | undefined {
  for (let at = 0; at + 4 <= extra.length;) {
    const size = extra.readUInt16LE(at + 2);
    if (extra.readUInt16LE(at) === id) return extra.subarray(at + 4, at + 4 + size);
    at += 4 + size;
  }
  return undefined;
}

function readUInt64(buffer: Buffer, at: number, where: string): number {
  const value = buffer.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new ZipFormatError(where, `offset ${value} is too large`);
  return Number(value);
}

/**
 * The byte range [start, end) to fetch for `entry`: from its local header up to the next
 * entry's local header (or the central directory), which covers the header's own extra field
 * and any data descriptor without guessing their sizes.
 */
export function entryByteRanges(
  entries: readonly ZipEntry[],
  directory: CentralDirectory,
): Map<ZipEntry, { start: number; end: number }> {
  const starts = [...new Set(entries.map((e) => e.localHeaderOffset))].sort((a, b) => a - b);
  const ranges = new Map<ZipEntry, { start: number; end: number }>();
  for (const entry of entries) {
    const index = starts.indexOf(entry.localHeaderOffset);
    const end = starts[index + 1] ?? directory.offset;
    ranges.set(entry, { start: entry.localHeaderOffset, end });
  }
  return ranges;
}

/** The entry's data is not what its central directory promised. */
export class ZipIntegrityError extends Error {
  constructor(where: string, problem: string) {
    super(
      `${where}: ${problem}. The archive is damaged (or changed while being read); nothing was written for it. Try again later.`,
    );
    this.name = 'ZipIntegrityError';
  }
}

/**
 * Stream one entry, given bytes that start at its local header, into `destination`. The file
 * appears only when the CRC-32 and size match the central directory; otherwise nothing is left.
 */
export async function extractEntry(
  source: AsyncIterable<Uint8Array>,
  entry: ZipEntry,
  destination: string,
  where: string,
): Promise<void> {
  if (entry.flags & FLAG_ENCRYPTED) throw new ZipFormatError(where, 'entry is encrypted');
  if (entry.method !== METHOD_DEFLATE && entry.method !== METHOD_STORED) {
    throw new ZipFormatError(
      where,
      `compression method ${entry.method} is not supported (only stored and deflate)`,
    );
  }
  let crc = 0;
  let size = 0;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      callback(null, chunk);
    },
    flush(callback) {
      if (size !== entry.uncompressedSize) {
        callback(
          new ZipIntegrityError(
            where,
            `inflated to ${size} bytes, expected ${entry.uncompressedSize}`,
          ),
        );
      } else if (crc >>> 0 !== entry.crc32 >>> 0) {
        callback(
          new ZipIntegrityError(
            where,
            `CRC-32 mismatch: data gives ${hex(crc)}, central directory says ${hex(entry.crc32)}`,
          ),
        );
      } else callback();
    },
  });
  const inflate = entry.method === METHOD_DEFLATE ? createInflateRaw() : new PassThrough();
  const temporary = `${destination}.tmp-${process.pid}`;
  try {
    await pipeline(
      Readable.from(entryData(source, entry, where)),
      inflate,
      check,
      createWriteStream(temporary),
    );
    await rename(temporary, destination);
  } catch (error) {
    await rm(temporary, { force: true });
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('Z_')) {
      throw new ZipIntegrityError(where, `deflate data is corrupt (${error.message})`);
    }
    throw error;
  }
}

/** The compressed bytes of `entry`, skipping its local header. */
async function* entryData(
  source: AsyncIterable<Uint8Array>,
  entry: ZipEntry,
  where: string,
): AsyncGenerator<Buffer> {
  let header: Buffer = Buffer.alloc(0);
  let skip = -1;
  let remaining = entry.compressedSize;
  for await (const chunk of source) {
    let data: Buffer = Buffer.from(chunk);
    if (skip < 0) {
      header = Buffer.concat([header, data]);
      if (header.length < LOCAL_HEADER_SIZE) continue;
      if (header.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) {
        throw new ZipFormatError(
          where,
          `no local file header at offset ${entry.localHeaderOffset}`,
        );
      }
      skip = LOCAL_HEADER_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
      data = header;
    }
    if (skip > 0) {
      const skipped = Math.min(skip, data.length);
      skip -= skipped;
      data = data.subarray(skipped);
    }
    if (data.length === 0) continue;
    const take = data.subarray(0, remaining);
    remaining -= take.length;
    yield take;
    if (remaining === 0) return;
  }
  if (remaining > 0 || skip !== 0) {
    throw new ZipIntegrityError(where, `data ended ${remaining} bytes early`);
  }
}

function hex(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}
