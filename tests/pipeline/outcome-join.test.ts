// What the outcomes files' Crime IDs join among the crimes a run keeps: counted once for the
// run against the index of its months' Crime ID prefixes, the outcomes fixture against the
// slice's kept crimes (tests/fixtures/pipeline/README.md).
import { createReadStream } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASTER_COLUMNS } from '../../src/shared/constants.ts';
import { openArchiveInputs, type ArchiveInput } from '../../pipeline/archive.ts';
import { buildPrefixIndex } from '../../pipeline/crime-id-index.ts';
import { prefixOf } from '../../pipeline/crime-id-sidecar.ts';
import { readCsv } from '../../pipeline/csv.ts';
import { joinOutcomes } from '../../pipeline/outcome-join.ts';
import { readOutcomes } from '../../pipeline/outcomes.ts';
import { OutcomeIndex } from '../../pipeline/outcome-index.ts';

/** The slice's kept crimes, both months: the master CSV a run of it writes. */
const SLICE_KEPT = 'tests/fixtures/pipeline/slice/expected/leeds_street_combined.csv';
const FIXTURE = 'tests/fixtures/pipeline/outcomes/archive';

/** The 2024-03 Violence and sexual offences at Allanfield Grove (2024-03 file, line 2). */
const ALLANFIELD_ID = 'a14fe0fa4c921c8585a723a4cb7092095aa474291d7343f31d6b6efe2b1dd55c';
/** The Other theft of 2025-03 (its file's line 23). */
const THEFT_ID = 'efd25e722f2efb63d97a0524f431b7e291c21840526fcfea7f13b843a5807f18';

/** The Crime IDs of the slice's kept crimes, by month (anti-social behaviour has none). */
const kept = new Map<string, string[]>();
let fixture: ArchiveInput[];
/** The outcomes fixture read whole (no row rejected by where it lies). */
const outcomes = new OutcomeIndex();

beforeAll(async () => {
  for await (const { values } of readCsv(
    createReadStream(SLICE_KEPT),
    SLICE_KEPT,
    MASTER_COLUMNS,
  )) {
    const id = values['Crime ID']!;
    if (id === '') continue;
    const month = values['Month']!;
    kept.set(month, [...(kept.get(month) ?? []), id]);
  }
  fixture = await openArchiveInputs(FIXTURE);
  await readOutcomes(fixture[0]!.entries, outcomes);
});
afterAll(() => {
  for (const input of fixture) input.close();
});

/** The prefix index of `months`, each given its Crime IDs, as the check across months builds it. */
function indexOf(months: readonly (readonly string[])[]) {
  return buildPrefixIndex(months.map((ids) => Float64Array.from(ids, prefixOf)));
}

describe('joinOutcomes(outcomes, crimes, months)', () => {
  it("joins each of the slice's crimes to its outcome, and counts the Bradford crime the run drops as outside the district as matching none", () => {
    const join = joinOutcomes(outcomes, indexOf([kept.get('2024-03')!, kept.get('2025-03')!]), [
      '2024-03',
      '2025-03',
    ]);
    // 7 rows of the file give 6 Crime IDs; the Bradford row (line 10) would be left out of a
    // run's index as outside the district, and its crime (street line 29) is dropped as such.
    expect(outcomes.size).toBe(6);
    expect(join).toEqual({
      crimeIds: 6,
      joined: 5,
      outcomeBeforeCrime: 0,
      matchNoCrime: 1,
      notPoliceForm: 0,
    });
  });

  it('counts the outcome of a crime listed before the first month as matching no crime the run keeps', () => {
    const join = joinOutcomes(outcomes, indexOf([kept.get('2025-03')!]), ['2025-03']);
    // The Allanfield Grove crime is listed in 2024-03, before the run's only month.
    expect(join).toEqual({
      crimeIds: 6,
      joined: 4,
      outcomeBeforeCrime: 0,
      matchNoCrime: 2,
      notPoliceForm: 0,
    });
  });

  it("counts an outcome dated before its crime's month apart, and one of a crime listed again in a later month against the first month, the one that keeps it", () => {
    const index = new OutcomeIndex();
    // Dated 2025-01, before the theft's 2025-03, after the Allanfield crime's 2024-03.
    index.add(THEFT_ID, '2025-01', 'Local resolution');
    index.add(ALLANFIELD_ID, '2025-01', 'Local resolution');
    // The Allanfield crime listed again in 2025-03: the run keeps it in 2024-03.
    const months = [kept.get('2024-03')!, [...kept.get('2025-03')!, ALLANFIELD_ID]];
    expect(joinOutcomes(index, indexOf(months), ['2024-03', '2025-03'])).toEqual({
      crimeIds: 2,
      joined: 1,
      outcomeBeforeCrime: 1,
      matchNoCrime: 0,
      notPoliceForm: 0,
    });
  });

  it("counts Crime IDs not of police.uk's form apart: the index of the months does not hold them", () => {
    const index = new OutcomeIndex();
    index.add(THEFT_ID.toUpperCase(), '2025-03', 'Local resolution');
    index.add(THEFT_ID, '2025-03', 'Local resolution');
    expect(joinOutcomes(index, indexOf([kept.get('2025-03')!]), ['2025-03'])).toEqual({
      crimeIds: 2,
      joined: 1,
      outcomeBeforeCrime: 0,
      matchNoCrime: 0,
      notPoliceForm: 1,
    });
  });
});
