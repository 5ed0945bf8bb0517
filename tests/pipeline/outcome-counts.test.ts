import { mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchiveInputs, type ArchiveInput } from '../../pipeline/archive.ts';
import { buildPrefixIndex } from '../../pipeline/crime-id-index.ts';
import { prefixOf } from '../../pipeline/crime-id-sidecar.ts';
import {
  outcomeCountsKey,
  readOutcomeCounts,
  saveOutcomeCounts,
  type OutcomeCounts,
} from '../../pipeline/outcome-counts.ts';
import { joinOutcomes } from '../../pipeline/outcome-join.ts';
import { readOutcomes, type OutcomeReadStats } from '../../pipeline/outcomes.ts';
import { OutcomeIndex } from '../../pipeline/outcome-index.ts';

/** An outcomes file against the slice's March 2025, a rule a row (tests/fixtures/pipeline/README.md). */
const FIXTURE = 'tests/fixtures/pipeline/outcomes/archive';

/** Two real crimes of the slice's 2025-03, the Robbery and the Other theft (lines 12 and 23). */
const KEPT = [
  '2600c16eaf362db26c8eea398b4f974dace13d0d67c18c6ba20712475d16b538',
  'efd25e722f2efb63d97a0524f431b7e291c21840526fcfea7f13b843a5807f18',
];
/** The run's months, each with its cache key (LocalRun.monthKey). */
const MONTHS = [
  { month: '2024-03', key: 'key of 2024-03' },
  { month: '2025-03', key: 'key of 2025-03' },
];

let tmp: string;
let fixture: ArchiveInput[];
let counts: OutcomeCounts;
let key: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'outcome-counts-'));
  fixture = await openArchiveInputs(FIXTURE);
  const { entries } = fixture[0]!;
  const index = new OutcomeIndex();
  const rows = await readOutcomes(entries, index);
  const crimes = buildPrefixIndex([new Float64Array(), Float64Array.from(KEPT, prefixOf)]);
  counts = { rows, join: joinOutcomes(index, crimes, ['2024-03', '2025-03']) };
  key = outcomeCountsKey(entries, 'geography', MONTHS);
});
afterAll(async () => {
  for (const input of fixture) input.close();
  await rm(tmp, { recursive: true, force: true });
});

/** The counts and examples as JSON, in the order they are held. */
const plain = ({ read, indexed, elsewhere, unusable, unlocated, conflicts }: OutcomeReadStats) =>
  JSON.stringify({ read, indexed, elsewhere, unusable, unlocated, conflicts });

describe('saveOutcomeCounts(file, key, counts) and readOutcomeCounts(file, key)', () => {
  it('give back the counts and examples read from a real outcomes file, examples in their order, and what its Crime IDs join', async () => {
    const file = path.join(tmp, 'same.v8');
    await saveOutcomeCounts(file, key, counts);
    const read = (await readOutcomeCounts(file, key))!;
    expect(plain(read.rows)).toBe(plain(counts.rows));
    const { unusable, unlocated, conflicts } = read.rows;
    expect([unusable.total, unlocated.total, conflicts.total]).toEqual([4, 2, 1]);
    // 6 Crime IDs indexed (the file read whole), 2 of them the crimes the months keep.
    expect(read.join).toEqual({
      crimeIds: 6,
      joined: 2,
      outcomeBeforeCrime: 0,
      matchNoCrime: 4,
      notPoliceForm: 0,
    });
  });

  it('give nothing under another key: other outcomes files, another geography, or other months', async () => {
    const file = path.join(tmp, 'other.v8');
    await saveOutcomeCounts(file, key, counts);
    const { entries } = fixture[0]!;
    const moved = entries.map((e) => ({ ...e, where: `elsewhere/${e.where}` }));
    expect(await readOutcomeCounts(file, outcomeCountsKey(moved, 'geography', MONTHS))).toBeNull();
    expect(await readOutcomeCounts(file, outcomeCountsKey(entries, 'another', MONTHS))).toBeNull();
    // What the Crime IDs join depends on the crimes the months keep: without the first month,
    // or with a month whose rows are others (another cache key), it is another count.
    for (const months of [
      MONTHS.slice(1),
      [MONTHS[0]!, { month: '2025-03', key: 'another key of 2025-03' }],
    ]) {
      expect(await readOutcomeCounts(file, outcomeCountsKey(entries, 'geography', months))).toBe(
        null,
      );
    }
    expect(await readOutcomeCounts(file, outcomeCountsKey(entries, 'geography', MONTHS))).not.toBe(
      null,
    );
  });

  it('give nothing from a missing or damaged file', async () => {
    const file = path.join(tmp, 'damaged.v8');
    expect(await readOutcomeCounts(file, key)).toBeNull();
    await saveOutcomeCounts(file, key, counts);
    await truncate(file, 40);
    expect(await readOutcomeCounts(file, key)).toBeNull();
  });
});
