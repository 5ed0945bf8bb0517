// writeMonthMembers: months' gzip members compressed side by side, at most a few at once,
// handed on in month order, and a failing month failing the whole with nothing left running.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeMonthMembers, type Compress, type MonthSource } from '../../pipeline/gzip-members.ts';

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

/** A compressor that takes longest for the earliest months and counts how many run at once. */
function countingCompress(count: number) {
  const seen = { running: 0, most: 0, started: 0 };
  const compress: Compress = async (rows) => {
    const i = seen.started++;
    seen.running += 1;
    seen.most = Math.max(seen.most, seen.running);
    await sleep(5 * (count - i));
    seen.running -= 1;
    return gzipSync(rows);
  };
  return { compress, seen };
}

describe('writeMonthMembers(months, write, {compress, inFlight})', () => {
  it('compresses at most inFlight months at once, and writes the members in month order', async () => {
    const sources = await months('bound', 8);
    const { compress, seen } = countingCompress(sources.length);
    const written: string[] = [];
    await writeMonthMembers(
      sources,
      async (member) => void written.push(gunzipSync(member).toString()),
      {
        compress,
        inFlight: 3,
      },
    );
    expect(seen.most).toBe(3);
    const want = await Promise.all(sources.map(async (s) => (await s.allRows()).toString()));
    expect(written).toEqual(want);
    expect(unhandled).toEqual([]);
  });

  /** The month (from 1) whose rows these are. */
  const monthOf = (rows: Buffer) => Number(/^row of month (\d+)\n/.exec(rows.toString())![1]);

  it('rejects with a compression that fails while an earlier month is still compressing, leaving no unhandled rejection', async () => {
    const sources = await months('compression-fails', 6);
    const failure = new Error('compression failed');
    let running = 0;
    const compress: Compress = async (rows) => {
      running += 1;
      // Month 2 fails long before month 1 is done, so before anything awaits it.
      await sleep(monthOf(rows) === 1 ? 60 : 5);
      running -= 1;
      if (monthOf(rows) === 2) throw failure;
      return gzipSync(rows);
    };
    const written: number[] = [];
    await expect(
      writeMonthMembers(sources, async (member) => void written.push(monthOf(gunzipSync(member))), {
        compress,
        inFlight: 2,
      }),
    ).rejects.toBe(failure);
    expect(running).toBe(0);
    expect(written).toEqual([1]);
    await sleep(20);
    expect(unhandled).toEqual([]);
  });

  it('rejects with a month whose rows fail to read, once the compressions still running have settled', async () => {
    const sources = await months('read-fails', 6);
    const failure = new Error('read failed half way');
    sources[3]!.allRows = () => Promise.reject(failure);
    let running = 0;
    const compress: Compress = async (rows) => {
      running += 1;
      await sleep(30);
      running -= 1;
      return gzipSync(rows);
    };
    const written: number[] = [];
    await expect(
      writeMonthMembers(sources, async (member) => void written.push(monthOf(gunzipSync(member))), {
        compress,
        inFlight: 2,
      }),
    ).rejects.toBe(failure);
    // Month 3 was compressing when month 4 failed: done before the rejection, and not written.
    expect(running).toBe(0);
    expect(written).toEqual([1, 2]);
    expect(unhandled).toEqual([]);
  });
});
