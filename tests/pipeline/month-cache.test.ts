import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  monthCacheFiles,
  monthCacheKey,
  openMonthCacheWriter,
  readMonthCache,
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
  summariser.drop('outside-leeds');
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

  it('changes when an input file, an outcomes file or the geography changes', () => {
    const key = monthCacheKey(PARTS);
    expect(monthCacheKey({ ...PARTS })).toBe(key);
    expect(monthCacheKey({ ...PARTS, inputs: ['west-yorkshire:size:2430191,mtime:2'] })).not.toBe(
      key,
    );
    expect(monthCacheKey({ ...PARTS, outcomes: ['crc32:1'] })).not.toBe(key);
    expect(monthCacheKey({ ...PARTS, geography: 'h' })).not.toBe(key);
  });
});

describe('readMonthCache', () => {
  it('returns what was committed under the same key, and null under another', async () => {
    const key = monthCacheKey(PARTS);
    const writer = await openMonthCacheWriter(dir, '2025-03');
    await writer.rows.write('header\n');
    const drops = new DropTally();
    drops.add('outside-leeds', 'f.csv:2', 'Bradford');
    await writer.commit(emptySummary(), drops, key);

    const cached = await readMonthCache(dir, '2025-03', key);
    expect(cached?.summary.dropped['outside-leeds']).toBe(1);
    expect(cached?.drops.examples['outside-leeds']).toEqual([
      { where: 'f.csv:2', detail: 'Bradford' },
    ]);
    expect(
      await readMonthCache(dir, '2025-03', monthCacheKey({ ...PARTS, geography: 'h' })),
    ).toBeNull();
  });

  it('treats a damaged summary, or a month whose writing was aborted, as not cached', async () => {
    const key = monthCacheKey(PARTS);
    await writeFile(monthCacheFiles(dir, '2025-03').summary, '{"month":');
    expect(await readMonthCache(dir, '2025-03', key)).toBeNull();

    const writer = await openMonthCacheWriter(dir, '2025-02');
    await writer.rows.write('half');
    await writer.abort();
    expect(await readMonthCache(dir, '2025-02', key)).toBeNull();
  });

  it('treats a summary whose figures were edited after writing as not cached', async () => {
    const key = monthCacheKey(PARTS);
    const writer = await openMonthCacheWriter(dir, '2025-03');
    await writer.commit(emptySummary(), new DropTally(), key);
    const file = monthCacheFiles(dir, '2025-03').summary;
    const text = await readFile(file, 'utf8');
    expect(text).toContain('"outside-leeds":1');
    await writeFile(file, text.replace('"outside-leeds":1', '"outside-leeds":2'));
    expect(await readMonthCache(dir, '2025-03', key)).toBeNull();
  });
});

describe('readMonthCache with labels', () => {
  it('relabels the cached month: the file a fresh commit with those labels writes, same figures', async () => {
    const key = monthCacheKey(PARTS);
    const drops = new DropTally();
    drops.add('outside-leeds', 'f.csv:2', 'Bradford');
    const labels = { snapshot: 'archive:2025-04', fetchedAt: '2025-06-01T00:00:00.000Z' };
    const file = monthCacheFiles(dir, '2025-03').summary;

    const labelled = await openMonthCacheWriter(dir, '2025-03');
    await labelled.commit({ ...emptySummary(), ...labels }, drops, key);
    const labelledText = await readFile(file, 'utf8');

    const first = await openMonthCacheWriter(dir, '2025-03');
    await first.commit(emptySummary(), drops, key);
    const viaRead = await readMonthCache(dir, '2025-03', key, labels);
    expect(await readFile(file, 'utf8')).toBe(labelledText);
    expect(viaRead?.summary).toEqual({ ...emptySummary(), ...labels });
    expect(viaRead?.drops.examples).toEqual(drops.examples);

    const reread = await readMonthCache(dir, '2025-03', key);
    expect(reread?.summary).toEqual({ ...emptySummary(), ...labels });
    expect(reread?.drops.examples).toEqual(drops.examples);
  });
});
