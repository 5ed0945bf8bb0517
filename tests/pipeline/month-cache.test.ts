import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  monthCacheFiles,
  monthCacheKey,
  openMonthCacheWriter,
  postcodeAnswersUsed,
  readMonthCache,
  readMonthPostcodeGaps,
  readMonthCacheStamp,
} from '../../pipeline/month-cache.ts';
import { DropTally } from '../../pipeline/report.ts';
import { createMonthSummariser } from '../../pipeline/summarise.ts';

const PARTS = {
  month: '2025-03',
  source: 'archive',
  inputs: ['west-yorkshire:size:2430191,mtime:1'],
  outcomes: [],
  geography: 'g',
  district: { name: 'Leeds', forceDistricts: ['Leeds', 'Bradford'] },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'month-cache-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function emptySummary() {
  const summariser = createMonthSummariser({
    month: '2025-03',
    source: 'archive',
    snapshot: 'archive:2025-03',
    fetchedAt: '2025-05-01T00:00:00.000Z',
  });
  summariser.read();
  summariser.drop('outside-district');
  return summariser.finish();
}

describe('monthCacheKey', () => {
  it("changes when the district or its force's districts change (area.json)", () => {
    const key = monthCacheKey(PARTS);
    expect(monthCacheKey({ ...PARTS, district: { ...PARTS.district } })).toBe(key);
    expect(
      monthCacheKey({ ...PARTS, district: { ...PARTS.district, name: 'Sheffield' } }),
    ).not.toBe(key);
    expect(
      monthCacheKey({ ...PARTS, district: { ...PARTS.district, forceDistricts: ['Leeds'] } }),
    ).not.toBe(key);
    expect(
      monthCacheKey({ ...PARTS, district: { ...PARTS.district, forceDistricts: null } }),
    ).not.toBe(key);
  });

  it('changes when an input file or the geography changes (not the outcomes files: month-outcomes.ts)', () => {
    const key = monthCacheKey(PARTS);
    expect(monthCacheKey({ ...PARTS })).toBe(key);
    expect(monthCacheKey({ ...PARTS, inputs: ['west-yorkshire:size:2430191,mtime:2'] })).not.toBe(
      key,
    );
    expect(monthCacheKey({ ...PARTS, geography: 'h' })).not.toBe(key);
  });
});

describe('readMonthCache', () => {
  it('returns what was committed under the same key, and null under another', async () => {
    const key = monthCacheKey(PARTS);
    const writer = await openMonthCacheWriter(dir, '2025-03');
    await writer.rows.write('header\n');
    const drops = new DropTally();
    drops.add('outside-district', 'f.csv:2', 'Bradford');
    drops.disagreements.add('duplicate-differing', 'f.csv:3', 'another Location');
    await writer.commit(emptySummary(), drops, key, {});

    const cached = await readMonthCache(dir, '2025-03', key, new Map());
    expect(cached?.summary.dropped['outside-district']).toBe(1);
    expect(cached?.drops.examples['outside-district']).toEqual([
      { where: 'f.csv:2', detail: 'Bradford' },
    ]);
    expect(cached?.drops.disagreements.counts).toEqual({
      'duplicate-differing': 1,
      'outcome-before-crime': 0,
      'cross-month-differing': 0,
    });
    expect(cached?.drops.disagreements.examples['duplicate-differing']).toEqual([
      { where: 'f.csv:3', detail: 'another Location' },
    ]);
    expect(
      await readMonthCache(dir, '2025-03', monthCacheKey({ ...PARTS, geography: 'h' }), new Map()),
    ).toBeNull();
  });

  it('treats a damaged summary, or a month whose writing was aborted, as not cached', async () => {
    const key = monthCacheKey(PARTS);
    await writeFile(monthCacheFiles(dir, '2025-03').summary, '{"month":');
    expect(await readMonthCache(dir, '2025-03', key, new Map())).toBeNull();

    const writer = await openMonthCacheWriter(dir, '2025-02');
    await writer.rows.write('half');
    await writer.abort();
    expect(await readMonthCache(dir, '2025-02', key, new Map())).toBeNull();
  });

  it('treats a summary whose figures were edited after writing as not cached', async () => {
    const key = monthCacheKey(PARTS);
    const writer = await openMonthCacheWriter(dir, '2025-03');
    await writer.commit(emptySummary(), new DropTally(), key, {});
    const file = monthCacheFiles(dir, '2025-03').summary;
    const text = await readFile(file, 'utf8');
    expect(text).toContain('"outside-district":1');
    await writeFile(file, text.replace('"outside-district":1', '"outside-district":2'));
    expect(await readMonthCache(dir, '2025-03', key, new Map())).toBeNull();
  });
});

describe('readMonthCache and a rows file changed after the commit', () => {
  const ROWS = 'header\nrow one\nrow two\n';

  async function committed(month: string): Promise<string> {
    const writer = await openMonthCacheWriter(dir, month);
    await writer.rows.write(ROWS);
    await writer.commit(emptySummary(), new DropTally(), monthCacheKey(PARTS), {});
    return monthCacheFiles(dir, month).csv;
  }

  it.each([
    ['cut short', (csv: string) => writeFile(csv, ROWS.slice(0, -8))],
    ['added to', (csv: string) => appendFile(csv, 'row three\n')],
    ['gone', (csv: string) => rm(csv)],
  ])('treats the month as not cached when its rows file is %s', async (_what, change) => {
    const csv = await committed('2025-03');
    expect(await readMonthCache(dir, '2025-03', monthCacheKey(PARTS), new Map())).not.toBeNull();
    await change(csv);
    expect(await readMonthCache(dir, '2025-03', monthCacheKey(PARTS), new Map())).toBeNull();
  });

  it('keeps the month cached when its rows file is written again with the same bytes', async () => {
    const csv = await committed('2025-03');
    await writeFile(csv, ROWS);
    expect(await readMonthCache(dir, '2025-03', monthCacheKey(PARTS), new Map())).not.toBeNull();
  });

  it('keeps the size through a relabelling', async () => {
    const csv = await committed('2025-03');
    const labels = { snapshot: 'archive:2026-01', fetchedAt: '2026-02-01T00:00:00.000Z' };
    expect(
      await readMonthCache(dir, '2025-03', monthCacheKey(PARTS), new Map(), labels),
    ).not.toBeNull();
    expect(await readMonthCacheStamp(dir, '2025-03')).toMatchObject({ csvBytes: ROWS.length });
    await appendFile(csv, 'row three\n');
    expect(await readMonthCache(dir, '2025-03', monthCacheKey(PARTS), new Map())).toBeNull();
  });
});

describe('readMonthCache with labels', () => {
  it('relabels the cached month: the file a fresh commit with those labels writes, same figures', async () => {
    const key = monthCacheKey(PARTS);
    const drops = new DropTally();
    drops.add('outside-district', 'f.csv:2', 'Bradford');
    const labels = { snapshot: 'archive:2025-04', fetchedAt: '2025-06-01T00:00:00.000Z' };
    const file = monthCacheFiles(dir, '2025-03').summary;

    const labelled = await openMonthCacheWriter(dir, '2025-03');
    await labelled.commit({ ...emptySummary(), ...labels }, drops, key, {});
    const labelledText = await readFile(file, 'utf8');

    const first = await openMonthCacheWriter(dir, '2025-03');
    await first.commit(emptySummary(), drops, key, {});
    const viaRead = await readMonthCache(dir, '2025-03', key, new Map(), labels);
    expect(await readFile(file, 'utf8')).toBe(labelledText);
    expect(viaRead?.summary).toEqual({ ...emptySummary(), ...labels });
    expect(viaRead?.drops.examples).toEqual(drops.examples);

    const reread = await readMonthCache(dir, '2025-03', key, new Map());
    expect(reread?.summary).toEqual({ ...emptySummary(), ...labels });
    expect(reread?.drops.examples).toEqual(drops.examples);
  });
});

describe('readMonthCache with the postcodes.io answers', () => {
  /** Two snap points of the month no LS postcode is near, and one of another month's. */
  const OWN = ['-1.551200,53.720100', '-1.660300,53.740500'];
  const ELSEWHERE = '-1.350100,53.730200';
  const key = monthCacheKey(PARTS);

  /** 2025-03 committed with `answers` known, as the months step commits it. */
  async function commitWith(answers: Map<string, { district: string } | null>) {
    const writer = await openMonthCacheWriter(dir, '2025-03');
    await writer.commit(emptySummary(), new DropTally(), key, postcodeAnswersUsed(OWN, answers));
  }

  it('keeps the month cached when an answer comes for a point it does not hold', async () => {
    const before = new Map([[OWN[0]!, { district: 'WF3' }]]);
    await commitWith(before);
    expect(await readMonthCache(dir, '2025-03', key, before)).not.toBeNull();
    const after = new Map([...before, [ELSEWHERE, { district: 'WF10' }]]);
    expect(await readMonthCache(dir, '2025-03', key, after)).not.toBeNull();
  });

  it('treats the month as not cached when an answer for one of its points is new or changed', async () => {
    const before = new Map([[OWN[0]!, { district: 'WF3' }]]);
    await commitWith(before);
    // A point it used the nearest LS district for gets an answer (a run after an offline one).
    const answered = new Map([...before, [OWN[1]!, { district: 'BD11' }]]);
    expect(await readMonthCache(dir, '2025-03', key, answered)).toBeNull();
    // A point's answer changes.
    const changed = new Map([[OWN[0]!, { district: 'WF4' }]]);
    expect(await readMonthCache(dir, '2025-03', key, changed)).toBeNull();
    // "None near" and "not asked" both left it approximate: the same month.
    const none = new Map([...before, [OWN[1]!, null]]);
    expect(await readMonthCache(dir, '2025-03', key, none)).not.toBeNull();
  });

  it('treats a month without its answers file, or with a damaged one, as not cached', async () => {
    const answers = new Map([[OWN[0]!, { district: 'WF3' }]]);
    await commitWith(answers);
    const file = monthCacheFiles(dir, '2025-03').postcodes;
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, -5));
    expect(await readMonthCache(dir, '2025-03', key, answers)).toBeNull();
    await rm(file);
    expect(await readMonthCache(dir, '2025-03', key, answers)).toBeNull();
  });

  it('treats a month whose answers file was edited after writing as not cached', async () => {
    await commitWith(new Map([[OWN[0]!, { district: 'WF3' }]]));
    const file = monthCacheFiles(dir, '2025-03').postcodes;
    const text = await readFile(file, 'utf8');
    expect(text).toContain('"WF3"');
    await writeFile(file, text.replace('"WF3"', '"WF4"'));
    const edited = new Map([[OWN[0]!, { district: 'WF4' }]]);
    expect(await readMonthCache(dir, '2025-03', key, edited)).toBeNull();
    expect(await readMonthPostcodeGaps(dir, '2025-03', key)).toBeNull();
  });
});

describe('readMonthPostcodeGaps', () => {
  const OWN = ['-1.660300,53.740500', '-1.551200,53.720100'];

  it("gives the month's points under its key, answered or not, and null under another", async () => {
    const key = monthCacheKey(PARTS);
    const writer = await openMonthCacheWriter(dir, '2025-03');
    const answers = new Map([[OWN[0]!, { district: 'WF3' }]]);
    await writer.commit(emptySummary(), new DropTally(), key, postcodeAnswersUsed(OWN, answers));
    expect(await readMonthPostcodeGaps(dir, '2025-03', key)).toEqual([...OWN].sort());
    const other = monthCacheKey({ ...PARTS, geography: 'h' });
    expect(await readMonthPostcodeGaps(dir, '2025-03', other)).toBeNull();
  });

  it('gives null when the answers, though matching their hash, are an array or hold a key that is not a coordinate key', async () => {
    const key = monthCacheKey(PARTS);
    const file = monthCacheFiles(dir, '2025-03').postcodes;
    /** An answers file around `answers` (JSON text) with its right hash. */
    const withAnswers = (answers: string) => {
      const hash = createHash('sha256').update(answers).digest('hex');
      return writeFile(file, `{"cacheKey":"${key}","sha256":"${hash}","answers":${answers}}\n`);
    };
    await withAnswers(`{"${OWN[0]!}":"WF3","${OWN[1]!}":null}`);
    expect(await readMonthPostcodeGaps(dir, '2025-03', key)).toEqual(OWN);
    for (const answers of [
      '[]',
      '["WF3"]',
      '{"Leeds":null}',
      '{"-1.5512,53.7201":null}',
      '{"NaN,NaN":null}',
      `{"${OWN[0]!},1.000000":null}`,
    ]) {
      await withAnswers(answers);
      expect(await readMonthPostcodeGaps(dir, '2025-03', key), answers).toBeNull();
    }
  });

  it('gives null once the month is being processed again, until it is committed', async () => {
    const key = monthCacheKey(PARTS);
    const first = await openMonthCacheWriter(dir, '2025-03');
    await first.commit(emptySummary(), new DropTally(), key, postcodeAnswersUsed(OWN, new Map()));
    const again = await openMonthCacheWriter(dir, '2025-03');
    expect(await readMonthPostcodeGaps(dir, '2025-03', key)).toBeNull();
    await again.abort();
    expect(await readMonthPostcodeGaps(dir, '2025-03', key)).toBeNull();
  });
});
