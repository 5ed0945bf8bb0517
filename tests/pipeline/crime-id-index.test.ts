// The index of Crime ID prefixes by month: built from scratch or extended by later months, it
// holds the same; saved, it answers for the months it was made from and for no others.
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildPrefixIndex,
  extendPrefixIndex,
  firstMonthAt,
  firstMonthLookup,
  monthsPrefixIndex,
  prefixAt,
  type PrefixIndex,
} from '../../pipeline/crime-id-index.ts';

/** What the index must hold, worked out the plain way: a Map over every row in order. */
function naiveIndex(perMonth: readonly number[][]) {
  const monthsOf = new Map<number, number[]>();
  perMonth.forEach((prefixes, month) => {
    for (const p of prefixes) monthsOf.set(p, [...(monthsOf.get(p) ?? []), month]);
  });
  const prefixes = [...monthsOf.keys()].sort((a, b) => a - b);
  return {
    prefixes,
    firstMonth: prefixes.map((p) => monthsOf.get(p)![0]),
    repeated: [...monthsOf].filter(([, months]) => months.length > 1).sort(([a], [b]) => a - b),
  };
}

function plain(index: PrefixIndex) {
  const entries = Array.from(index.entries, (_, i) => i);
  return {
    prefixes: entries.map((i) => prefixAt(index, i)),
    firstMonth: entries.map((i) => firstMonthAt(index, i)),
    repeated: [...index.repeated].sort(([a], [b]) => a - b),
  };
}

/**
 * Months of prefixes (13 hex digits: below 2^52) from a fixed sequence, with repeats of every
 * kind: within a month, across months, in a month after the first repeat, 0 and the largest
 * prefix, values that differ only in their upper bits, and runs of neighbours.
 */
function sampleMonths(): number[][] {
  const largest = 16 ** 13 - 1;
  let seed = 12345;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  const months: number[][] = [[0, largest, 2 ** 32 + 7, 2 * 2 ** 32 + 7]];
  for (let m = 0; m < 5; m++) {
    const month: number[] = [];
    for (let i = 0; i < 4000; i++) month.push((next() % 2 ** 20) * 2 ** 32 + next());
    for (let i = 0; i < 50; i++) month.push(1000 + i);
    months.push(month);
  }
  months[3]!.push(0, months[1]![17]!, months[5]![9]!, 3 * 2 ** 32 + 7, 2 ** 32 + 7);
  months[4]!.push(largest, largest, months[5]![9]!);
  months[5]!.push(months[2]![100]!, months[5]![200]!);
  months.push([], [months[1]![17]!, 77, 77, months[4]![5]!]);
  return months;
}

describe('buildPrefixIndex(perMonth)', () => {
  it('lists every prefix once with its first month, and the month of each row of a repeated one', () => {
    const months = sampleMonths();
    const index = buildPrefixIndex(months.map((m) => Float64Array.from(m)));
    const expected = naiveIndex(months);
    expect(expected.repeated.length).toBeGreaterThanOrEqual(56);
    expect(plain(index)).toEqual(expected);
  });

  it('finds no repeats among distinct prefixes, and holds nothing for no months', () => {
    const distinct = Float64Array.from({ length: 5000 }, (_, i) => i * 2 ** 32 + (i % 7));
    const index = buildPrefixIndex([distinct.subarray(0, 2500), distinct.subarray(2500)]);
    expect(index.repeated.size).toBe(0);
    expect(index.entries.length).toBe(5000);
    expect(plain(buildPrefixIndex([]))).toEqual({ prefixes: [], firstMonth: [], repeated: [] });
  });
  it('holds 8 bytes a prefix, in the memory it was sorted in', () => {
    const months = sampleMonths().map((m) => Float64Array.from(m));
    const rows = months.reduce((n, m) => n + m.length, 0);
    const index = buildPrefixIndex(months);
    expect(index.entries.BYTES_PER_ELEMENT).toBe(8);
    expect(index.entries.length).toBe(naiveIndex(sampleMonths()).prefixes.length);
    // One buffer for every row, the repeats' rows past the entries: nothing copied.
    expect(index.entries.buffer.byteLength).toBe(rows * 8);
  });

  it('keeps the largest prefix and the 4,096th month apart, and says it holds no more months', () => {
    const largest = 16 ** 13 - 1;
    const months: number[][] = Array.from({ length: 4096 }, () => []);
    months[0] = [largest, 2 ** 20 - 1, 2 ** 20];
    months[4095] = [largest, 2 ** 20, 5, 5];
    months[2048] = [2 ** 20 - 1, 4095];
    const index = buildPrefixIndex(months.map((m) => Float64Array.from(m)));
    expect(plain(index)).toEqual(naiveIndex(months));
    expect(() => buildPrefixIndex([...months, []].map((m) => Float64Array.from(m)))).toThrow(
      /at most 4096 months, got 4097/,
    );
  });

  it('refuses a prefix that is not 13 hex digits as a whole number, naming it and its month', () => {
    for (const bad of [2 ** 52, 1.5, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => buildPrefixIndex([Float64Array.of(7), Float64Array.of(3, bad)])).toThrow(
        `got ${bad} in month 1`,
      );
    }
    expect(plain(buildPrefixIndex([Float64Array.of(2 ** 52 - 1, 0)])).prefixes).toEqual([
      0,
      2 ** 52 - 1,
    ]);
  });
});

describe('extendPrefixIndex(index, later, firstLater)', () => {
  it('gives the index built from all the months, wherever the earlier ones end', () => {
    const months = sampleMonths().map((m) => Float64Array.from(m));
    const whole = plain(buildPrefixIndex(months));
    for (let split = 0; split <= months.length; split++) {
      const earlier = buildPrefixIndex(months.slice(0, split));
      const before = plain(earlier);
      const extended = extendPrefixIndex(earlier, months.slice(split), split);
      expect(plain(extended), `split at ${split}`).toEqual(whole);
      expect(plain(earlier), `index kept as it was (split at ${split})`).toEqual(before);
    }
  });

  it('refuses to go past the 4,096th month, as a build does', () => {
    const index = buildPrefixIndex([Float64Array.of(1)]);
    const later = Array.from({ length: 4095 }, (_, i) => Float64Array.of(i + 2));
    expect(plain(extendPrefixIndex(index, later, 1)).prefixes).toHaveLength(4096);
    expect(() => extendPrefixIndex(index, [...later, Float64Array.of(9)], 1)).toThrow(
      /at most 4096 months, got 4097/,
    );
  });

  it('extended a month at a time, still gives the index built from all the months', () => {
    const months = sampleMonths().map((m) => Float64Array.from(m));
    let index = buildPrefixIndex([]);
    for (const [i, month] of months.entries()) index = extendPrefixIndex(index, [month], i);
    expect(plain(index)).toEqual(plain(buildPrefixIndex(months)));
  });
});

describe('monthsPrefixIndex(file, csvs, prefixesOf)', () => {
  let dir: string;
  const months = sampleMonths();
  const csvs = months.map((_, i) => `2020-${String(i + 1).padStart(2, '0')}.csv`);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'crime-id-index-'));
    // Rows files of known times: the index knows a month by its file's name, size and time.
    for (const [i, csv] of csvs.entries()) {
      await writeFile(path.join(dir, csv), `rows of month ${i}\n`);
      await utimes(path.join(dir, csv), 1_700_000_000 + i, 1_700_000_000 + i);
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The index of the first `n` months, and the months whose prefixes it asked for. */
  async function indexOf(file: string, n: number, of: readonly number[][] = months) {
    const asked: string[] = [];
    const files = csvs.slice(0, n).map((csv) => path.join(dir, csv));
    const index = await monthsPrefixIndex(file, files, async (csv) => {
      asked.push(path.basename(csv));
      return Float64Array.from(of[files.indexOf(csv)]!);
    });
    return { index: plain(index), asked };
  }

  it('reads only the months after those it was saved with, and holds what a build of all holds', async () => {
    const file = path.join(dir, 'index-a.bin');
    const first = await indexOf(file, 5);
    expect(first.asked).toEqual(csvs.slice(0, 5));
    expect(first.index).toEqual(naiveIndex(months.slice(0, 5)));
    const next = await indexOf(file, months.length);
    expect(next.asked).toEqual(csvs.slice(5));
    expect(next.index).toEqual(naiveIndex(months));
    const again = await indexOf(file, months.length);
    expect(again.asked).toEqual([]);
    expect(again.index).toEqual(naiveIndex(months));
  });

  it('builds again when one of its months changed, was taken away, or came before them', async () => {
    const file = path.join(dir, 'index-b.bin');
    await indexOf(file, 6);
    // Month 3's rows file replaced by other rows (another time): the saved index is not used.
    const changed = months.map((m, i) => (i === 3 ? [...m, 1234567] : m));
    await utimes(path.join(dir, csvs[3]!), 1_800_000_000, 1_800_000_000);
    const rebuilt = await indexOf(file, 7, changed);
    expect(rebuilt.asked).toEqual(csvs.slice(0, 7));
    expect(rebuilt.index).toEqual(naiveIndex(changed.slice(0, 7)));
    await utimes(path.join(dir, csvs[3]!), 1_700_000_003, 1_700_000_003);
    // Fewer months than it was made from: built from those.
    const fewer = await indexOf(file, 4);
    expect(fewer.asked).toEqual(csvs.slice(0, 4));
    expect(fewer.index).toEqual(naiveIndex(months.slice(0, 4)));
    // Months listed from the second on: not a continuation of months 0-3.
    const files = csvs.slice(1, 6).map((csv) => path.join(dir, csv));
    const asked: string[] = [];
    const shifted = await monthsPrefixIndex(file, files, async (csv) => {
      asked.push(path.basename(csv));
      return Float64Array.from(months[csvs.indexOf(path.basename(csv))]!);
    });
    expect(asked).toEqual(csvs.slice(1, 6));
    expect(plain(shifted)).toEqual(naiveIndex(months.slice(1, 6)));
  });

  it('ignores a damaged or truncated file, and builds again', async () => {
    const file = path.join(dir, 'index-c.bin');
    await indexOf(file, 4);
    const bytes = await readFile(file);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 9] = flipped[flipped.length - 9]! ^ 0xff;
    for (const damaged of [flipped, bytes.subarray(0, bytes.length >> 1), Buffer.from('not')]) {
      await writeFile(file, damaged);
      const rebuilt = await indexOf(file, 5);
      expect(rebuilt.asked).toEqual(csvs.slice(0, 5));
      expect(rebuilt.index).toEqual(naiveIndex(months.slice(0, 5)));
    }
  });

  it('says which file it could not save, and why', async () => {
    const file = path.join(dir, 'no-such-folder', 'file-in-the-way');
    await writeFile(path.join(dir, 'no-such-folder'), 'a file where a folder should be');
    await expect(indexOf(file, 2)).rejects.toThrow(
      /could not save the Crime ID index to .*file-in-the-way/,
    );
  });
});

describe('firstMonthLookup(index)', () => {
  /** Every prefix of `months` and some it does not hold, looked up against the naive index. */
  function expectLookups(months: readonly number[][], absent: readonly number[]): void {
    const firstMonthOf = firstMonthLookup(
      buildPrefixIndex(months.map((m) => Float64Array.from(m))),
    );
    const naive = naiveIndex(months);
    naive.prefixes.forEach((prefix, i) => expect(firstMonthOf(prefix)).toBe(naive.firstMonth[i]));
    const held = new Set(naive.prefixes);
    for (const prefix of absent) if (!held.has(prefix)) expect(firstMonthOf(prefix)).toBe(-1);
  }

  it('finds the first month of every prefix, spread over the whole range or crowded at its ends', () => {
    const largest = 16 ** 13 - 1;
    // Spread out (most of sampleMonths), and crowded: 50 neighbours near 1000, 0 and the largest.
    expectLookups(sampleMonths(), [1, 999, 1050, largest - 1, 2 ** 51, 2 ** 32 + 8, 5 * 2 ** 40]);
  });

  it('finds prefixes that all fall in one bucket, and none in an empty index or past the range', () => {
    const crowded = [Array.from({ length: 3000 }, (_, i) => 7 * i), [21, 5, 6]];
    expectLookups(crowded, [1, 2, 20998, 21001, 2 ** 52 - 1]);
    expectLookups([[]], [0, 12345, 2 ** 52 - 1]);
    expectLookups([[42]], [0, 41, 43, 2 ** 52 - 1]);
    const one = firstMonthLookup(buildPrefixIndex([Float64Array.from([42])]));
    expect(one(2 ** 52)).toBe(-1);
    expect(one(-1)).toBe(-1);
  });
});
