// The full record set as downloads: one gzipped CSV per year (the master dataset's columns
// and rows, MASTER_COLUMNS), a manifest with each file's rows, size and SHA-256 for the
// site's Data page (src/data/downloads.json), and a README.txt with the columns, licence and
// attribution beside the files. Everything is staged: it is published with the run's other
// outputs or not at all.
//
// A year's file is a series of gzip members, the header's and then one per month, each month
// compressed once and kept beside its rows (gzip-members.ts). gzip output depends only on
// the input bytes, the compression settings and the zlib (Node writes no timestamp in the
// header), and a year whose rows did not change keeps its earlier file whatever made it (its
// content hash decides), so the refresh commit only carries the years that changed.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import {
  downloadsManifestSchema,
  licenceText,
  LEEDS_WORDS,
  recordFields,
  type DistrictWords,
  type RecordsFilled,
  yearlyFileName,
  type DownloadsManifest,
  type YearlyFile,
} from '../src/shared/open-data.ts';
import {
  DOWNLOADS_README,
  downloadsUnlikeManifest as unlikeManifest,
  isYearlyFileName,
  readmeFileLine,
} from '../src/shared/downloads-folder.ts';
import { MASTER_COLUMNS } from '../src/shared/constants.ts';
import { yearOf } from '../src/shared/months.ts';
import { HEADER_MEMBER, writeMonthMembers } from './gzip-members.ts';
import { fileStamp, sizeAndTimeIfThere } from './files.ts';
import { InputError } from './input-error.ts';
import { MASTER_HEADER } from './master-row.ts';
import { writeFileAtomic, type Staging } from './write.ts';

/** One processed month: its enriched rows (MASTER_HEADER, then rows) and how many rows. */
export interface MonthFile {
  month: string;
  csv: string;
  rows: number;
  /**
   * Of `rows`, those with a Polling District (the month summary's coverage), so README.txt says
   * how the files fill the column; left out, it says nothing of it.
   */
  pollingDistricts?: number;
}

export interface DownloadPaths {
  /** The folder the yearly files and README.txt go into. */
  dir: string;
  /** The manifest the site reads. */
  manifest: string;
}

/**
 * Bytes read from a month file at a time. Chunks of 1 MiB copy a month (a few MiB) in a few
 * writes; read whole into a new buffer each, the months left their bytes to the garbage
 * collector, which let some 100 MiB of them pile up while the master CSV was written.
 */
export const MONTH_CHUNK_BYTES = 1 << 20;

const HEADER_BYTES = Buffer.from(MASTER_HEADER);

/** The start of the month file `file` after its header line, which must be MASTER_HEADER. */
function withoutHeader(file: string, start: Buffer): Buffer {
  if (start.length < HEADER_BYTES.length) {
    throw new InputError(file, 'is shorter than the master CSV header: delete it and run again');
  }
  if (!start.subarray(0, HEADER_BYTES.length).equals(HEADER_BYTES)) {
    throw new InputError(
      file,
      'does not start with the master CSV header: delete it and run again',
    );
  }
  return start.subarray(HEADER_BYTES.length);
}

/**
 * Buffers for whole months' rows without their header line (MASTER_HEADER), each used again
 * once its month is compressed (release). A new buffer for every month (readFile) made some
 * 270 MB of memory outside the JavaScript heap at full scale, and V8 answers such memory with
 * full collections of the heap: in the downloads step the main thread spent 150-240 ms a
 * second collecting its 31 MB heap, each time freeing next to nothing, while the compressions
 * waited for their next month; with the buffers used again, 60-110 ms (zlib's own memory for
 * each compression still counts).
 */
export class MonthRowsBuffers {
  readonly #free: Buffer[] = [];
  /** The memory of the buffers handed out by read and not yet released. */
  readonly #lent = new Set<ArrayBufferLike>();

  /** A month file's rows without its header line, in a buffer of the pool until released. */
  async read(file: string): Promise<Buffer> {
    const handle = await open(file);
    try {
      let buffer = this.#take((await handle.stat()).size);
      let filled = 0;
      for (;;) {
        if (filled === buffer.length) buffer = this.#grown(buffer);
        // From where the last read ended (a pipe has no positions to read at).
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      const rows = withoutHeader(file, buffer.subarray(0, filled));
      this.#lent.add(buffer.buffer);
      return rows;
    } finally {
      await handle.close();
    }
  }

  /** Gives back rows `read` gave, once: their buffer may then hold another month's. */
  release(rows: Buffer): void {
    if (!this.#lent.delete(rows.buffer)) {
      throw new Error('MonthRowsBuffers.release: these rows are not out (released twice?)');
    }
    this.#free.push(Buffer.from(rows.buffer));
  }

  /**
   * The smallest free buffer with room for `size` bytes and the read that finds the end, or a
   * new one with some room to spare. When none is large enough, the free ones are let go: the
   * pool never keeps more buffers than it had months out at once.
   */
  #take(size: number): Buffer {
    let best = -1;
    for (const [i, buffer] of this.#free.entries()) {
      if (buffer.length > size && (best < 0 || buffer.length < this.#free[best]!.length)) best = i;
    }
    if (best >= 0) return this.#free.splice(best, 1)[0]!;
    this.#free.length = 0;
    // A buffer of its own (not a slice of Node's shared pool), so release finds it whole.
    return Buffer.allocUnsafeSlow(Math.max(1, Math.ceil(size * 1.25)));
  }

  /** `buffer`'s bytes in a buffer twice as large: the file grew while it was read. */
  #grown(buffer: Buffer): Buffer {
    const larger = Buffer.allocUnsafeSlow(buffer.length * 2);
    buffer.copy(larger);
    return larger;
  }
}

/**
 * A month file's rows without its header line, which must be MASTER_HEADER, given to `use`
 * a chunk at a time, read into `buffer` (reused: `use` must be done with a chunk when it
 * returns or its promise resolves).
 */
export async function monthCsvRows(
  file: string,
  buffer: Buffer,
  use: (chunk: Buffer) => void | Promise<void>,
): Promise<void> {
  if (buffer.length < HEADER_BYTES.length) {
    throw new RangeError(`monthCsvRows: a buffer of ${buffer.length} bytes cannot hold the header`);
  }
  const handle = await open(file);
  try {
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      let chunk = buffer.subarray(0, bytesRead);
      if (position === 0) chunk = withoutHeader(file, chunk);
      if (bytesRead === 0) return;
      position += bytesRead;
      if (chunk.length > 0) await use(chunk);
    }
  } finally {
    await handle.close();
  }
}

/** Starts the cache of the years' content hashes (see YearContents); changed with its meaning. */
const YEAR_CONTENTS_FORMAT = 'year-content-sha256-1';

/** The months grouped by year, ascending. */
function byYear(months: readonly MonthFile[]): Map<number, MonthFile[]> {
  const years = new Map<number, MonthFile[]>();
  for (const m of [...months].sort((a, b) => a.month.localeCompare(b.month))) {
    const year = yearOf(m.month);
    const ofYear = years.get(year);
    if (ofYear === undefined) years.set(year, [m]);
    else ofYear.push(m);
  }
  return years;
}

/** SHA-256 of a year's CSV before compression: its header and its months' rows. */
async function contentHash(months: readonly MonthFile[], buffer: Buffer): Promise<string> {
  const hash = createHash('sha256').update(MASTER_HEADER);
  for (const m of months) await monthCsvRows(m.csv, buffer, (chunk) => void hash.update(chunk));
  return hash.digest('hex');
}

/** The published file of `entry`, if it is still there with the bytes the manifest lists. */
async function publishedBytes(dir: string, entry: YearlyFile | undefined): Promise<Buffer | null> {
  if (entry === undefined) return null;
  const bytes = await readFile(path.join(dir, entry.file)).catch(() => null);
  if (bytes === null || createHash('sha256').update(bytes).digest('hex') !== entry.sha256) {
    return null;
  }
  return bytes;
}

/** What the downloads read months into: chunks for hashing, whole months for compressing. */
interface ReadBuffers {
  chunk: Buffer;
  months: MonthRowsBuffers;
}

async function writeYear(
  year: number,
  months: readonly MonthFile[],
  staging: Staging,
  dir: string,
  earlier: readonly Earlier[],
  naming: DownloadsNaming,
  buffers: ReadBuffers,
  contents: YearContents,
): Promise<YearlyFile> {
  const file = yearlyFileName(year, naming.slug);
  const target = path.join(dir, file);
  const rows = months.reduce((n, m) => n + m.rows, 0);
  const monthNames = months.map((m) => m.month);
  const contentKey = await yearContentKey(months);
  let contentSha256 = contents.known.get(contentKey);
  // A year whose rows did not change keeps an earlier file of the same rows: its bytes may
  // come from a run before this format (one gzip member) or another zlib, and are as good.
  // Only a year with an earlier file of the same months can match, so only then is its
  // content hash needed first (read from the months unless known); otherwise the months are
  // hashed as their members are gathered.
  const candidates = earlier.filter(({ manifest }) =>
    manifest.files.some((f) => sameMonths(f.months, monthNames)),
  );
  if (candidates.length > 0) {
    contentSha256 ??= await contentHash(months, buffers.chunk);
    for (const { dir: earlierDir, manifest } of candidates) {
      const kept = manifest.files.find((f) => f.contentSha256 === contentSha256);
      if (kept === undefined) continue;
      // Already in place (this folder's earlier output), it stays as it is: copied over
      // itself, it would cost a write and a flush of the same bytes. It is read to check its
      // SHA-256 unless it is still the file this cache last saw with that SHA-256.
      const inPlace = path.resolve(earlierDir, kept.file) === path.resolve(target);
      const unchanged = inPlace && (await contents.stillAsSeen(target, kept.sha256));
      const keptBytes = unchanged ? null : await publishedBytes(earlierDir, kept);
      if (unchanged || keptBytes !== null) {
        if (inPlace) await contents.seen(target, kept.sha256);
        else await staging.writeFile(target, keptBytes!);
        contents.found.set(contentKey, contentSha256);
        return yearlyFile(year, file, rows, monthNames, contentSha256, kept.bytes, kept.sha256);
      }
    }
  }
  const content = contentSha256 === undefined ? createHash('sha256') : undefined;
  content?.update(MASTER_HEADER);
  const out = await staging.createWriteStream(target);
  const hash = createHash('sha256');
  let bytes = 0;
  const write = async (member: Buffer) => {
    hash.update(member);
    bytes += member.length;
    await out.write(member);
  };
  await write(HEADER_MEMBER);
  const sources = months.map(({ csv }) => ({
    csv,
    rows: (use: (chunk: Buffer) => void | Promise<void>) => monthCsvRows(csv, buffers.chunk, use),
    allRows: () => buffers.months.read(csv),
    release: (rows: Buffer) => buffers.months.release(rows),
  }));
  await writeMonthMembers(sources, write, { content });
  await out.close();
  contentSha256 ??= content!.digest('hex');
  contents.found.set(contentKey, contentSha256);
  const sha256 = hash.digest('hex');
  // Its temporary file keeps its size and time when it is renamed into place.
  await contents.seen(target, sha256, out.tempPath);
  return yearlyFile(year, file, rows, monthNames, contentSha256, bytes, sha256);
}

/**
 * The content hashes of yearly files worked out before (`known`), by the rows files they
 * were read from, and those of this run (`found`, saved for the next); and the yearly files
 * whose SHA-256 was checked or written, by name, with their size and time then (`files`).
 */
interface YearContents {
  known: ReadonlyMap<string, string>;
  found: Map<string, string>;
  /** Whether `file` has the size and time it had when it was last seen with `sha256`. */
  stillAsSeen(file: string, sha256: string): Promise<boolean>;
  /** Note that `file` (now at `current`, by default `file`) has `sha256`, as it is now. */
  seen(file: string, sha256: string, current?: string): Promise<void>;
  /** The files seen this run, to save. */
  readonly files: Map<string, string>;
}

/** A yearly file as the cache sees it: its size, time (whole milliseconds) and SHA-256. */
async function fileSeen(file: string, sha256: string): Promise<string | null> {
  const seen = await sizeAndTimeIfThere(file);
  return seen === null ? null : `${seen.size}:${seen.mtimeMs}:${sha256}`;
}

/** What a year's content hash is known by: each month's rows file's stamp (fileStamp). */
async function yearContentKey(months: readonly MonthFile[]): Promise<string> {
  return (await Promise.all(months.map(({ csv }) => fileStamp(csv)))).join(',');
}

const yearContentsSchema = z.object({
  format: z.literal(YEAR_CONTENTS_FORMAT),
  years: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
  files: z.record(z.string(), z.string()).default({}),
});

async function readYearContents(file: string | undefined): Promise<YearContents> {
  let saved: { years: Record<string, string>; files: Record<string, string> } = {
    years: {},
    files: {},
  };
  if (file !== undefined) {
    try {
      saved = yearContentsSchema.parse(JSON.parse(await readFile(file, 'utf8')));
    } catch {
      // No cache, or one that cannot be read: everything is worked out again.
    }
  }
  const earlierFiles = new Map(Object.entries(saved.files));
  const files = new Map<string, string>();
  return {
    known: new Map(Object.entries(saved.years)),
    found: new Map(),
    files,
    async stillAsSeen(target, sha256) {
      const was = earlierFiles.get(path.basename(target));
      return was !== undefined && was === (await fileSeen(target, sha256));
    },
    async seen(target, sha256, current = target) {
      const now = await fileSeen(current, sha256);
      if (now !== null) files.set(path.basename(target), now);
    },
  };
}

function sameMonths(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((month, i) => month === b[i]);
}

/** A manifest entry, its keys in the manifest's order. */
function yearlyFile(
  year: number,
  file: string,
  rows: number,
  months: string[],
  contentSha256: string,
  bytes: number,
  sha256: string,
): YearlyFile {
  return { year, file, rows, months, contentSha256, bytes, sha256 };
}

/** Files an earlier run wrote: a folder and its manifest. */
interface Earlier {
  dir: string;
  manifest: DownloadsManifest;
}

/** The downloads an earlier run left at `paths`, or none (first run, or unreadable: rebuild). */
async function earlierDownloads(paths: DownloadPaths): Promise<Earlier[]> {
  try {
    const text = await readFile(paths.manifest, 'utf8');
    return [{ dir: paths.dir, manifest: downloadsManifestSchema.parse(JSON.parse(text)) }];
  } catch {
    return [];
  }
}

/** How the files and their README name the district (from its area configuration). */
export interface DownloadsNaming {
  /** The area's slug: "leeds-crimes-2025.csv.gz". */
  slug: string;
  siteName: string;
  /** How the columns and the attribution name the district's places. */
  words: DistrictWords;
}

export const LEEDS_NAMING: DownloadsNaming = {
  slug: 'leeds',
  siteName: 'Leeds Crime Intelligence',
  words: LEEDS_WORDS,
};

/**
 * README.txt beside the files: what they are, their columns (with `filled`, what their rows
 * hold), checksums and licence.
 */
export function downloadsReadme(
  manifest: DownloadsManifest,
  naming: DownloadsNaming,
  filled?: RecordsFilled,
): string {
  const lines = [
    `${naming.siteName}: every crime and anti-social behaviour incident in ${naming.words.district} recorded by police.uk, one file per year`,
    '',
    'Each file is a gzip-compressed CSV (UTF-8, quoted as RFC 4180 says, each row ending in a',
    'line feed rather than CRLF) with a header row. One row per crime',
    `or anti-social behaviour incident: police.uk's street-level columns, then the place in ${naming.words.district} this project gives it.`,
    'Months without data are absent, never rows of zeros.',
    '',
    'Columns:',
    ...recordFields(naming.words, filled).map(
      (f) => `  ${f.name} (${f.type}${f.unit ? `, ${f.unit}` : ''}): ${f.description}`,
    ),
    '',
    'Files (the months each holds, rows, bytes, SHA-256 of the compressed file). A month not',
    'listed is not in the data (before its first month, after its last, or a gap between),',
    'never a month without crimes.',
    ...manifest.files.map(readmeFileLine),
    '',
    licenceText(naming.words),
    '',
  ];
  return lines.join('\n');
}

/**
 * Stage one compressed CSV per year of `months`, README.txt and the manifest. A year whose
 * uncompressed rows equal those of a file in `reuse` (earlier outputs at `paths` by default;
 * the pipeline adds the repository's published downloads) takes that file's bytes; another is
 * made of its months' gzip members (gzip-members.ts). `contentCache`: a file where the years'
 * content hashes are kept for the next run, which then reads an unchanged year's rows no
 * more. Returns the manifest.
 */
export async function writeYearlyDownloads(
  months: readonly MonthFile[],
  staging: Staging,
  paths: DownloadPaths,
  reuse: readonly DownloadPaths[],
  naming: DownloadsNaming,
  contentCache?: string,
): Promise<DownloadsManifest> {
  const earlier = (await Promise.all(reuse.map(earlierDownloads))).flat();
  // One year at a time: within a year, its months are compressed side by side, as many at
  // once as libuv's thread pool runs (gzip-members.ts MEMBERS_IN_FLIGHT), to its last month.
  const files: YearlyFile[] = [];
  const contents = await readYearContents(contentCache);
  const buffers = { chunk: Buffer.allocUnsafe(MONTH_CHUNK_BYTES), months: new MonthRowsBuffers() };
  for (const [year, ofYear] of byYear(months)) {
    files.push(
      await writeYear(year, ofYear, staging, paths.dir, earlier, naming, buffers, contents),
    );
  }
  if (contentCache !== undefined) {
    const years = Object.fromEntries(contents.found);
    const files = Object.fromEntries(contents.files);
    await writeFileAtomic(
      contentCache,
      JSON.stringify({ format: YEAR_CONTENTS_FORMAT, years, files }),
    );
  }
  const manifest: DownloadsManifest = {
    schemaVersion: 1,
    folder: 'downloads',
    columns: [...MASTER_COLUMNS],
    files,
  };
  await staging.writeFile(
    path.join(paths.dir, DOWNLOADS_README),
    downloadsReadme(manifest, naming, recordsFilled(months)),
  );
  await staging.writeFile(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  const kept = new Set(files.map((f) => f.file));
  for (const stale of await yearlyFilesNotIn(paths.dir, kept)) staging.remove(stale);
  return manifest;
}

/** The months' rows and those with a Polling District; undefined when a month does not say. */
function recordsFilled(months: readonly MonthFile[]): RecordsFilled | undefined {
  let rows = 0;
  let pollingDistrict = 0;
  for (const m of months) {
    if (m.pollingDistricts === undefined) return undefined;
    rows += m.rows;
    pollingDistrict += m.pollingDistricts;
  }
  return { rows, pollingDistrict };
}

/**
 * The yearly files in `dir` that are not among `kept` (names): a year whose months have all
 * gone from the data. Published with the rest, they would be served and never updated.
 */
export async function yearlyFilesNotIn(dir: string, kept: ReadonlySet<string>): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((name) => isYearlyFileName(name) && !kept.has(name))
    .map((name) => path.join(dir, name));
}

/** The SHA-256 of `file`, read a chunk at a time. */
async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * How the downloads folder `dir` differs from `manifest` (src/shared/downloads-folder.ts): a
 * file it lists missing or not as listed, anything it does not list, a README.txt missing or
 * listing the files otherwise. Empty when they agree. Published so, the Data page or the
 * README would give sizes and checksums the files do not have, or no file for a year they
 * offer.
 */
export async function downloadsUnlikeManifest(
  dir: string,
  manifest: DownloadsManifest,
): Promise<string[]> {
  const entries = await Promise.all(
    (await readdir(dir).catch(() => [] as string[])).map(async (name) => {
      const file = path.join(dir, name);
      const found = await stat(file).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return null;
        throw error;
      });
      return {
        name,
        file: found?.isFile() ? { bytes: found.size, sha256: await fileSha256(file) } : null,
      };
    }),
  );
  const readme = await readFile(path.join(dir, DOWNLOADS_README), 'utf8').catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    },
  );
  return unlikeManifest(manifest, entries, readme);
}
