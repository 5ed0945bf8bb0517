import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGeography } from '../../pipeline/geo.ts';
import { cachedWards, wardCacheKey } from '../../pipeline/ward-cache.ts';
import { LEEDS_CENTRE } from '../../pipeline/population.ts';
import { buildWards } from '../../pipeline/wards.ts';
import type { Ward } from '../../src/shared/schema.ts';

let dir: string;
let wards: Ward[];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ward-cache-test-'));
  wards = buildWards(await loadGeography('data/reference'), LEEDS_CENTRE);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('cachedWards(file, key, build)', () => {
  it('builds the wards once and returns the saved ones under the same key', async () => {
    const file = path.join(dir, 'wards.json');
    const key = wardCacheKey('reference-a', null);
    let builds = 0;
    const build = () => {
      builds += 1;
      return wards;
    };
    expect(await cachedWards(file, key, build)).toEqual(wards);
    expect(await cachedWards(file, key, build)).toEqual(wards);
    expect(builds).toBe(1);
  });

  it('builds them again under another key, or when the file is damaged', async () => {
    const file = path.join(dir, 'wards-2.json');
    let builds = 0;
    const build = () => {
      builds += 1;
      return wards;
    };
    await cachedWards(file, wardCacheKey('reference-a', null), build);
    await cachedWards(file, wardCacheKey('reference-b', null), build);
    expect(builds).toBe(2);
    await writeFile(file, '{"key":');
    expect(await cachedWards(file, wardCacheKey('reference-b', null), build)).toEqual(wards);
    expect(builds).toBe(3);
  });
});
