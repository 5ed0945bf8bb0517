// writeMonthMembers: months' gzip members compressed side by side, at most a few at once,
// handed on in month order, and a failing month failing the whole with nothing left running.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
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
 * once that delay is over, and counts how many run at once.
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
    return gzipSync(rows);
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

describe('gzipMember(rows)', () => {
  it("makes one gzip member of the rows, byte for byte what zlib's one-shot gzip at level 6 makes", async () => {
    // A real police.uk month (2 MB): its member (about 0.4 MB) is many of zlib's default chunks.
    const rows = await readFile('data/sample/archive/2024-03/2024-03-west-yorkshire-street.csv');
    const member = await gzipMember(rows);
    expect(member.length).toBeGreaterThan(16 * 1024 * 4);
    expect(member.equals(gzipSync(rows, { level: 6 }))).toBe(true);
    expect(gunzipSync(member).equals(rows)).toBe(true);
  });
});
