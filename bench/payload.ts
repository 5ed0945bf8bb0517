// Sizes of what the browser downloads (map data, ward outlines, ward pages) and the time to
// decode the map data.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { decodeMapData, gunzipIfNeeded } from '../src/shared/map-data.ts';
import { compressBoth } from './serve.ts';
import { summarise, type Summary } from './stats.ts';

export interface Sizes {
  /** Bytes of the file as stored in the built site. */
  stored: number;
  /** Bytes after any gzip layer of the file itself is removed. */
  raw: number;
  /** gzip level 9 and brotli quality 11 of the raw bytes (what a precompressing host sends). */
  gzip: number;
  brotli: number;
  /** What the browser receives: the smaller of the stored file and a compressed encoding of it. */
  transferred: number;
}

const isGzip = (bytes: Uint8Array): boolean => bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Sizes of one file's bytes. A file stored gzipped is sent as it is (no second encoding). */
export function sizesOf(stored: Uint8Array): Sizes {
  const raw = isGzip(stored) ? gunzipSync(stored) : stored;
  const { gzip, brotli } = compressBoth(raw);
  return {
    stored: stored.length,
    raw: raw.length,
    gzip: gzip.length,
    brotli: brotli.length,
    transferred: isGzip(stored) ? stored.length : Math.min(brotli.length, gzip.length),
  };
}

export async function fileSizes(file: string): Promise<Sizes> {
  return sizesOf(await readFile(file));
}

export interface DecodeResult {
  /** gunzip + decode, in Node (same code the island runs). */
  decodeMs: Summary;
  points: number;
  entries: number;
  months: number;
}

/** Decode the map data file `runs` times with the browser-safe decoder the island uses. */
export async function measureDecode(file: string, runs: number): Promise<DecodeResult> {
  const stored = new Uint8Array(await readFile(file));
  const samples: number[] = [];
  let last: ReturnType<typeof decodeMapData> | undefined;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    last = decodeMapData(await gunzipIfNeeded(stored));
    samples.push(performance.now() - started);
  }
  if (!last) throw new Error('measureDecode needs at least one run');
  return {
    decodeMs: summarise(samples),
    points: last.pointCount,
    entries: last.entryPoint.length,
    months: last.months.length,
  };
}
