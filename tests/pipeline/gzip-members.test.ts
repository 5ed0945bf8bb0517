// writeMonthMembers: months' gzip members compressed side by side, at most a few at once,
// handed on in month order, and a failing month failing the whole with nothing left running.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GZIP_OPTIONS,
  gzipMember,
  writeMonthMembers,
  type Compress,
  type MonthSource,
} from '../../pipeline/gzip-members.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'gzip-members-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

let unhandled: unknown[];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeEach(() => {
  unhandled = [];
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `count` small month files in a folder of their own, with their rows as sources. */
async function months(folder: string, count: number): Promise<MonthSource[]> {
  const sources: MonthSource[] = [];
  for (let i = 0; i < count; i++) {
    const csv = path.join(tmp, `${folder}-${String(i + 1).padStart(2, '0')}.csv`);
    const rows = Buffer.from(`row of month ${i + 1}\n`.repeat(50 + i));
    await writeFile(csv, rows);
    sources.push({ csv, rows: async (use) => use(rows), allRows: async () => rows });
  }
  return sources;
}

/** The month (from 1) whose rows these are. */
const monthOf = (rows: Buffer) => Number(/^row of month (\d+)\n/.exec(rows.toString())![1]);

/**
 * A compressor that takes `delay(month)` ms for a month's rows, fails for `fails` (if given)
 * once that delay is over, and counts how many run at once. It compresses with the pipeline's
 * settings, which the stamp of each member it caches names.
 */
function countingCompress(
  delay: (month: number) => number,
  fails?: { month: number; error: Error },
) {
  const seen = { running: 0, most: 0 };
  const compress: Compress = async (rows) => {
    seen.running += 1;
    seen.most = Math.max(seen.most, seen.running);
    await sleep(delay(monthOf(rows)));
    seen.running -= 1;
    if (monthOf(rows) === fails?.month) throw fails.error;
    return gzipSync(rows, GZIP_OPTIONS);
  };
  return { compress, seen };
}

/** writeMonthMembers with `compress`, recording the month of each member written. */
function writeMonths(sources: MonthSource[], compress: Compress, inFlight: number) {
  const written: number[] = [];
  const done = writeMonthMembers(
    sources,
    async (member) => void written.push(monthOf(gunzipSync(member))),
    { compress, inFlight },
  );
  return { done, written };
}

describe('writeMonthMembers(months, write, {compress, inFlight})', () => {
  it('compresses at most inFlight months at once, and writes the members in month order', async () => {
    const sources = await months('bound', 8);
    // The earliest months take longest: later ones finish first, and must wait their turn.
    const { compress, seen } = countingCompress((month) => 5 * (sources.length - month + 1));
    const { done, written } = writeMonths(sources, compress, 3);
    await done;
    expect(seen.most).toBe(3);
    expect(written).toEqual(sources.map((_, i) => i + 1));
    expect(unhandled).toEqual([]);
  });

  it('rejects with a compression that fails while an earlier month is still compressing, leaving no unhandled rejection', async () => {
    const sources = await months('compression-fails', 6);
    const failure = new Error('compression failed');
    // Month 2 fails long before month 1 is done, so before anything awaits it.
    const { compress, seen } = countingCompress((month) => (month === 1 ? 60 : 5), {
      month: 2,
      error: failure,
    });
    const { done, written } = writeMonths(sources, compress, 2);
    await expect(done).rejects.toBe(failure);
    expect(seen.running).toBe(0);
    expect(written).toEqual([1]);
    await sleep(20);
    expect(unhandled).toEqual([]);
  });

  it('rejects with a month whose rows fail to read, once the compressions still running have settled', async () => {
    const sources = await months('read-fails', 6);
    const failure = new Error('read failed half way');
    sources[3]!.allRows = () => Promise.reject(failure);
    const { compress, seen } = countingCompress(() => 30);
    const { done, written } = writeMonths(sources, compress, 2);
    await expect(done).rejects.toBe(failure);
    // Month 3 was compressing when month 4 failed: done before the rejection, and not written.
    expect(seen.running).toBe(0);
    expect(written).toEqual([1, 2]);
    expect(unhandled).toEqual([]);
  });
});

describe('writeMonthMembers: the rows given back (release)', () => {
  /**
   * `compress` noting each month whose compression has settled, and `sources` given a release
   * that records each month given back and whether its compression had settled by then.
   */
  function releasing(sources: MonthSource[], compress: Compress) {
    const settled = new Set<number>();
    const released: { month: number; settled: boolean }[] = [];
    for (const source of sources) {
      source.release = (rows) =>
        void released.push({ month: monthOf(rows), settled: settled.has(monthOf(rows)) });
    }
    const noting: Compress = (rows) =>
      compress(rows).finally(() => void settled.add(monthOf(rows)));
    return { released, compress: noting };
  }

  it("gives each compressed month's rows back once, after its compression, and a cached month's never", async () => {
    const sources = await months('release', 5);
    const { compress } = countingCompress((month) => 3 * month);
    const first = releasing(sources, compress);
    await writeMonths(sources, first.compress, 2).done;
    expect(first.released).toEqual([1, 2, 3, 4, 5].map((month) => ({ month, settled: true })));
    // Every member is cached now: month 3 alone is written again, and only it compresses.
    await writeFile(sources[2]!.csv, 'row of month 3\nchanged\n');
    const second = releasing(sources, compress);
    await writeMonths(sources, second.compress, 2).done;
    expect(second.released).toEqual([{ month: 3, settled: true }]);
    expect(unhandled).toEqual([]);
  });

  it('gives the rows back when their compression fails, and fails the member when the release does', async () => {
    const sources = await months('release-fails', 4);
    const failure = new Error('compression failed');
    const failing = releasing(
      sources,
      countingCompress(() => 5, { month: 2, error: failure }).compress,
    );
    await expect(writeMonths(sources, failing.compress, 2).done).rejects.toBe(failure);
    expect(failing.released).toContainEqual({ month: 2, settled: true });

    const others = await months('release-throws', 3);
    const broken = new Error('released twice');
    others[1]!.release = () => {
      throw broken;
    };
    const { compress } = countingCompress(() => 5);
    await expect(writeMonths(others, compress, 2).done).rejects.toBe(broken);
    await sleep(20);
    expect(unhandled).toEqual([]);
  });
});

describe('gzipMember(rows)', () => {
  it("makes one gzip member of the rows, byte for byte what zlib's one-shot gzip with the same settings makes", async () => {
    // A real police.uk month (2 MB): its member (about 0.4 MB) is many of zlib's default chunks.
    const rows = await readFile('data/sample/archive/2024-03/2024-03-west-yorkshire-street.csv');
    const member = await gzipMember(rows);
    expect(member.length).toBeGreaterThan(16 * 1024 * 4);
    expect(GZIP_OPTIONS).toEqual({ level: 5, memLevel: 9, strategy: constants.Z_FILTERED });
    expect(member.equals(gzipSync(rows, GZIP_OPTIONS))).toBe(true);
    expect(gunzipSync(member).equals(rows)).toBe(true);
  });
});
