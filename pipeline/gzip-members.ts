// A yearly download as a series of gzip members (RFC 1952 2.2: "a gzip file consists of a
// series of members"; gunzip, zlib and Python's gzip module read them all, one after the
// other, as one stream): the master header's member, then one member per month of its rows.
// Each month's member is compressed once and kept beside its rows file (<csv>.gz), so a run
// that adds a month compresses that month alone, not its whole year again (at full scale
// 33 MB, about 0.6 s). The decompressed bytes are those of one stream of the same rows; a
// member per month costs some 0.15% in size (each starts with an empty dictionary).
import type { Hash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { MASTER_HEADER } from './master-row.ts';
import { writeFileAtomic } from './write.ts';

/** zlib's default level, as the yearly files have always been compressed. */
const GZIP_LEVEL = 6;

/** The master header as a gzip member: the first member of every yearly file. */
export const HEADER_MEMBER = gzipSync(MASTER_HEADER, { level: GZIP_LEVEL });

/**
 * What a cached member was made from: its rows file's size and time (as the Crime ID
 * sidecars, crime-id-sidecar.ts: a rows file is only ever replaced, never edited in place),
 * the level and the zlib that compressed it.
 */
async function memberStamp(csv: string): Promise<string> {
  const info = await stat(csv);
  return `gzip-member:${GZIP_LEVEL}:${process.versions.zlib}:${info.size}:${Math.trunc(info.mtimeMs)}\n`;
}

/** The cached member of `csv` when it was made from the rows file as it is now, else null. */
async function cachedMember(csv: string, stamp: string): Promise<Buffer | null> {
  const bytes = await readFile(`${csv}.gz`).catch(() => null);
  if (bytes === null || bytes.length <= stamp.length) return null;
  if (bytes.subarray(0, stamp.length).toString('latin1') !== stamp) return null;
  return bytes.subarray(stamp.length);
}

/**
 * A month's rows (its rows file without the header line), given to `use` a chunk at a time;
 * `use` is done with a chunk when it returns or its promise resolves (downloads.ts monthCsvRows).
 */
export type MonthRows = (use: (chunk: Buffer) => void | Promise<void>) => Promise<void>;

/**
 * The gzip member of the `rows` of the month file `csv`, from the cache beside the file or
 * compressed now and cached. `content`, when given, is updated with the rows: a yearly file's
 * content hash, worked out as its months are read.
 */
export async function monthMember(csv: string, rows: MonthRows, content?: Hash): Promise<Buffer> {
  const stamp = await memberStamp(csv);
  const cached = await cachedMember(csv, stamp);
  if (cached !== null) {
    if (content) await rows((chunk) => void content.update(chunk));
    return cached;
  }
  const gzip = createGzip({ level: GZIP_LEVEL });
  const chunks: Buffer[] = [];
  const drained = (async () => {
    for await (const chunk of gzip as AsyncIterable<Buffer>) chunks.push(chunk);
  })();
  // Each chunk is compressed before the next is read into the same buffer.
  try {
    await rows(
      (chunk) =>
        new Promise<void>((resolve, reject) => {
          content?.update(chunk);
          gzip.write(chunk, (error) => (error ? reject(error) : resolve()));
        }),
    );
  } catch (error) {
    gzip.destroy();
    await drained.catch(() => undefined);
    throw error;
  }
  gzip.end();
  await drained;
  const member = Buffer.concat(chunks);
  await writeFileAtomic(`${csv}.gz`, Buffer.concat([Buffer.from(stamp, 'latin1'), member]));
  return member;
}
