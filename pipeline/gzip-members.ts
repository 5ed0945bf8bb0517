// A yearly download as a series of gzip members (RFC 1952 2.2: "a gzip file consists of a
// series of members"; gunzip, zlib and Python's gzip module read them all, one after the
// other, as one stream): the master header's member, then one member per month of its rows.
// Each month's member is compressed once and kept beside its rows file (<csv>.gz), so a run
// that adds a month compresses that month alone, not its whole year again (at full scale
// 33 MB, about 0.6 s). The decompressed bytes are those of one stream of the same rows; a
// member per month costs some 0.15% in size (each starts with an empty dictionary).
import { createHash, type Hash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { constants, gzip, gzipSync } from 'node:zlib';
import { sizeAndTime } from './files.ts';
import { MASTER_HEADER } from './master-row.ts';
import { writeFileAtomic } from './write.ts';

/**
 * How the yearly files are compressed: with the most memory for zlib's match finder (memLevel
 * 9, against the default 8: 256 KiB more per compression), at level 5 with the Z_FILTERED
 * strategy, which favours literals over short matches (the rows' digits and codes). On the
 * benchmark's first 24 months' rows in month-sized members (medians of three, in turn, twice),
 * level 5 with Z_FILTERED took 814 and 686 ms against 969 and 1115 ms for zlib's default
 * level 6 with the default strategy, for members 0.16% smaller. (Level 6 with memLevel 9 had
 * taken 3.11 s of CPU for the full-scale master CSV against 3.30 s at memLevel 8, for files
 * 0.17% smaller.) A year whose rows did not change keeps its file as an earlier run made it.
 */
export const GZIP_OPTIONS = { level: 5, memLevel: 9, strategy: constants.Z_FILTERED } as const;

/** Every setting of GZIP_OPTIONS, in a member's stamp: a change to any compresses again. */
const SETTINGS = Object.values(GZIP_OPTIONS).join(':');

/** The master header as a gzip member: the first member of every yearly file. */
export const HEADER_MEMBER = gzipSync(MASTER_HEADER, GZIP_OPTIONS);

/**
 * What a cached member was made from: its rows file's size and time (files.ts SizeAndTime,
 * as for the Crime ID sidecars), the settings and the zlib that compressed it.
 */
async function memberStamp(csv: string): Promise<string> {
  const { size, mtimeMs } = await sizeAndTime(csv);
  return `gzip-member:${SETTINGS}:${process.versions.zlib}:${size}:${mtimeMs}\n`;
}

const HASH_LINE_BYTES = 64 + 1;

function sha256Line(member: Buffer): string {
  return `${createHash('sha256').update(member).digest('hex')}\n`;
}

/**
 * A member as cached: the stamp line, the member's sha256 line, the member; as two chunks,
 * written one after the other rather than copied into one buffer.
 */
function cachedMemberFile(stamp: string, member: Buffer): Buffer[] {
  return [Buffer.from(stamp + sha256Line(member), 'latin1'), member];
}

/**
 * The cached member of `csv` when it was made from the rows file as it is now and is whole
 * (its sha256 checks), else null: a damaged member is compressed again, never published.
 */
async function cachedMember(csv: string, stamp: string): Promise<Buffer | null> {
  const bytes = await readFile(`${csv}.gz`).catch(() => null);
  const head = stamp.length + HASH_LINE_BYTES;
  if (bytes === null || bytes.length <= head) return null;
  if (bytes.subarray(0, stamp.length).toString('latin1') !== stamp) return null;
  const member = bytes.subarray(head);
  if (bytes.subarray(stamp.length, head).toString('latin1') !== sha256Line(member)) return null;
  return member;
}

/**
 * A month's rows (its rows file without the header line), given to `use` a chunk at a time;
 * `use` is done with a chunk when it returns or its promise resolves (downloads.ts monthCsvRows).
 */
export type MonthRows = (use: (chunk: Buffer) => void | Promise<void>) => Promise<void>;

/** A month to make a member of: its rows file, its rows in chunks, and its rows all at once. */
export interface MonthSource {
  csv: string;
  /** For a month whose member is cached: only its content hash needs the rows. */
  rows: MonthRows;
  /** For a month to compress: a buffer of its own, compressed while the next month is read. */
  allRows: () => Promise<Buffer>;
  /** Called with the buffer allRows gave once its compression is over: it may be used again. */
  release?: (rows: Buffer) => void;
}

/**
 * Compresses a month's rows into one gzip member, with GZIP_OPTIONS: the member is cached
 * under a stamp that names them (gzipMember; the tests pass their own, to time or fail it).
 */
export type Compress = (rows: Buffer) => Promise<Buffer>;

/**
 * The compressed bytes zlib hands back at a time. With its default, 16 KiB, a month's member
 * (about 0.7 MB at full scale) came back to the main thread some 40 times, and the thread
 * compressing it waited for the main thread each time: at full scale the downloads step took
 * a quarter longer, and the main thread was busy 3-4 times as long. The bytes are the same
 * whatever the size.
 */
const GZIP_CHUNK_BYTES = 1 << 20;

const gzipAsync = promisify(gzip);

/** zlib's one-shot gzip, on libuv's thread pool: the main thread reads on meanwhile. */
export const gzipMember: Compress = (rows) =>
  gzipAsync(rows, { ...GZIP_OPTIONS, chunkSize: GZIP_CHUNK_BYTES });

/**
 * Months compressed at once within a year: as many as libuv's thread pool runs by default
 * (each compression is one of its tasks), whatever the cores, while the main thread reads and
 * hashes the next month. One per core left a core idle whenever the main thread was late to
 * start the next month (reading and hashing it, or collecting its heap): on two cores, with
 * two at once, the full-scale downloads step took 2.56-2.88 s (median 2.61) against
 * 2.33-2.60 s (median 2.46) with four, five cold runs each in turn. The pool's other tasks
 * (the master CSV written beside this step, the months read, the members cached and the
 * yearly file written) wait for a compression to finish, a month's worth at most. Each holds
 * a month's rows (2-3 MB at full scale), zlib's state, its output and its member: some 5 MB
 * a month at full scale, outside the JavaScript heap.
 */
export const MEMBERS_IN_FLIGHT = 4;

/**
 * Starts the member of one month: resolves once its rows are read (and `content` updated with
 * them), with the member still being compressed and cached beside the rows file (`member`:
 * wrapped, so that awaiting this does not wait for the compression).
 */
async function startMember(
  month: MonthSource,
  content: Hash | undefined,
  compress: Compress,
): Promise<{ member: Promise<Buffer> }> {
  const stamp = await memberStamp(month.csv);
  const cached = await cachedMember(month.csv, stamp);
  if (cached !== null) {
    if (content) await month.rows((chunk) => void content.update(chunk));
    return { member: Promise.resolve(cached) };
  }
  const rows = await month.allRows();
  content?.update(rows);
  // The rows go back once zlib is done with them, whether it succeeded or not; a release that
  // fails fails the member.
  const member = compress(rows)
    .finally(() => month.release?.(rows))
    .then(async (bytes) => {
      await writeFileAtomic(`${month.csv}.gz`, cachedMemberFile(stamp, bytes));
      return bytes;
    });
  // Awaited in month order, maybe after a later month failed: not an unhandled rejection.
  member.catch(() => undefined);
  return { member };
}

/**
 * The gzip members of `months`, given to `write` in month order: each from the cache beside
 * its rows file, or compressed now (by `compress`) and cached, at most `inFlight` at once.
 * `content`, when given, is updated with the months' rows in order: a yearly file's content
 * hash, worked out as its months are read. When a month fails, the compressions still running
 * are waited for (none writes its cache after this rejects) and this rejects with the failure.
 */
export async function writeMonthMembers(
  months: readonly MonthSource[],
  write: (member: Buffer) => Promise<void>,
  options: { content?: Hash; compress?: Compress; inFlight?: number } = {},
): Promise<void> {
  const { content, compress = gzipMember, inFlight = MEMBERS_IN_FLIGHT } = options;
  const pending: Promise<Buffer>[] = [];
  try {
    for (const month of months) {
      if (pending.length >= inFlight) await write(await pending.shift()!);
      pending.push((await startMember(month, content, compress)).member);
    }
    while (pending.length > 0) await write(await pending.shift()!);
  } catch (error) {
    await Promise.allSettled(pending);
    throw error;
  }
}
