// Chosen entries of a remote archive read with HTTP range requests. yauzl parses the end
// records (ZIP64 included) and the central directory through a reader that fetches the
// archive's tail in one request and, when the directory begins before it, the directory in
// one more; each entry is then streamed from its local header through inflate to a file,
// checking its CRC-32 and size (yauzl checks sizes only). Extraction writes only a temp file
// that is renamed once the entry has proved whole.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';
import { errorMessage } from '../../src/shared/error-message.ts';
import { crc32Hex } from '../file-content.ts';

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIZE = 56;
const MAX_COMMENT_LENGTH = 0xffff;
/** The tail that surely holds the end records: a maximal comment, the EOCD, the ZIP64 locator and record. */
export const ZIP_TAIL_BYTES = MAX_COMMENT_LENGTH + EOCD_SIZE + ZIP64_LOCATOR_SIZE + ZIP64_EOCD_SIZE;

const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const FLAG_ENCRYPTED = 0x1;

export interface CentralDirectory {
  offset: number;
  entries: ZipEntry[];
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
  /** What is wrong, without where. */
  readonly problem: string;
  constructor(where: string, problem: string, options?: ErrorOptions) {
    super(`${where}: ${problem}`, options);
    this.name = 'ZipFormatError';
    this.problem = problem;
  }
}

/** Bytes [start, end) of an archive. */
export type ReadRange = (start: number, end: number) => Promise<Buffer>;

/**
 * yauzl's random access to an archive through `read`, holding one contiguous run of bytes
 * that ends at the end of the archive: its tail first, extended backwards when yauzl asks for
 * bytes before it (the central directory). yauzl reads the end records and every directory
 * entry separately; they are all answered from those bytes, so a directory costs one or two
 * requests however many entries it has.
 */
class TailReader extends yauzl.RandomAccessReader {
  private readonly fetch: ReadRange;
  private readonly size: number;
  private start: number;
  private bytes = Buffer.alloc(0);
  /** A failed read of the archive (network), passed on as it is rather than as a format error. */
  failure: unknown;

  constructor(read: ReadRange, size: number) {
    super();
    this.fetch = read;
    this.size = size;
    this.start = size;
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return Readable.from(this.range(start, end), { objectMode: false });
  }

  private async *range(start: number, end: number): AsyncGenerator<Buffer> {
    if (start < this.start) {
      const from = this.start === this.size ? Math.min(start, this.size - ZIP_TAIL_BYTES) : start;
      let before: Buffer;
      try {
        before = await this.fetch(Math.max(0, from), this.start);
      } catch (error) {
        this.failure ??= error;
        throw error;
      }
      this.bytes = Buffer.concat([before, this.bytes]);
      this.start -= before.length;
    }
    yield this.bytes.subarray(start - this.start, end - this.start);
  }
}

/** The central directory of an archive of `size` bytes read through `read`. */
export async function readCentralDirectory(
  read: ReadRange,
  size: number,
  where: string,
): Promise<CentralDirectory> {
  const reader = new TailReader(read, size);
  const formatError = (cause: unknown): unknown =>
    reader.failure ?? new ZipFormatError(where, errorMessage(cause), { cause });
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromRandomAccessReaderPromise(reader, size, {
      lazyEntries: true,
      autoClose: false,
    });
  } catch (cause) {
    throw formatError(cause);
  }
  // Where the directory starts (the end of the last entry's bytes): yauzl's cursor before
  // the first entry is read.
  const offset: unknown = (zip as unknown as { readEntryCursor: unknown }).readEntryCursor;
  if (typeof offset !== 'number') throw new Error('yauzl no longer exposes readEntryCursor');
  const entries: ZipEntry[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      entries.push({
        name: entry.fileName,
        method: entry.compressionMethod,
        flags: entry.generalPurposeBitFlag,
        crc32: entry.crc32,
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        localHeaderOffset: entry.relativeOffsetOfLocalHeader,
      });
    }
  } catch (cause) {
    throw formatError(cause);
  }
  return { offset, entries };
}

/**
 * The byte range [start, end) to fetch for `entry`: from its local header up to the next
 * entry's local header (or the central directory), which covers the header's own extra field
 * and any data descriptor without guessing their sizes.
 */
export function entryByteRanges(
  directory: CentralDirectory,
): Map<ZipEntry, { start: number; end: number }> {
  const { entries } = directory;
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
  /** The entry, as "<archive>:<entry name>". */
  readonly where: string;
  /** What was wrong with its bytes ("CRC-32 mismatch …"). */
  readonly problem: string;

  constructor(where: string, problem: string) {
    super(
      `${where}: ${problem}. The archive is damaged (or changed while being read); nothing was written for it. Try again later.`,
    );
    this.name = 'ZipIntegrityError';
    this.where = where;
    this.problem = problem;
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
            `CRC-32 mismatch: data gives ${crc32Hex(crc)}, central directory says ${crc32Hex(entry.crc32)}`,
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
        throw new ZipIntegrityError(
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
