import { mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchiveInputs, type ArchiveInput } from '../../pipeline/archive.ts';
import {
  outcomeCountsKey,
  readOutcomeCounts,
  saveOutcomeCounts,
} from '../../pipeline/outcome-counts.ts';
import { OutcomeIndex, readOutcomes, type OutcomeReadStats } from '../../pipeline/outcomes.ts';

/** An outcomes file against the slice's March 2025, a rule a row (tests/fixtures/pipeline/README.md). */
const FIXTURE = 'tests/fixtures/pipeline/outcomes/archive';

let tmp: string;
let fixture: ArchiveInput[];
let stats: OutcomeReadStats;
let key: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'outcome-counts-'));
  fixture = await openArchiveInputs(FIXTURE);
  const { entries } = fixture[0]!;
  stats = await readOutcomes(entries, new OutcomeIndex());
  key = outcomeCountsKey(entries, 'geography');
});
afterAll(async () => {
  for (const input of fixture) input.close();
  await rm(tmp, { recursive: true, force: true });
});

/** The counts and examples as JSON, in the order they are held. */
const plain = ({ read, used, elsewhere, unusable, unlocated, conflicts }: OutcomeReadStats) =>
  JSON.stringify({ read, used, elsewhere, unusable, unlocated, conflicts });

describe('saveOutcomeCounts(file, key, stats) and readOutcomeCounts(file, key)', () => {
  it('give back the counts and examples read from a real outcomes file, examples in their order', async () => {
    const file = path.join(tmp, 'same.v8');
    await saveOutcomeCounts(file, key, stats);
    const read = (await readOutcomeCounts(file, key))!;
    expect(plain(read)).toBe(plain(stats));
    expect([read.unusable.total, read.unlocated.total, read.conflicts.total]).toEqual([4, 2, 1]);
  });

  it('give nothing under another key: other outcomes files, or another geography', async () => {
    const file = path.join(tmp, 'other.v8');
    await saveOutcomeCounts(file, key, stats);
    const { entries } = fixture[0]!;
    const moved = entries.map((e) => ({ ...e, where: `elsewhere/${e.where}` }));
    expect(await readOutcomeCounts(file, outcomeCountsKey(moved, 'geography'))).toBeNull();
    expect(await readOutcomeCounts(file, outcomeCountsKey(entries, 'another'))).toBeNull();
  });

  it('give nothing from a missing or damaged file', async () => {
    const file = path.join(tmp, 'damaged.v8');
    expect(await readOutcomeCounts(file, key)).toBeNull();
    await saveOutcomeCounts(file, key, stats);
    await truncate(file, 40);
    expect(await readOutcomeCounts(file, key)).toBeNull();
  });
});
