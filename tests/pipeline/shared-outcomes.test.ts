import { describe, expect, it } from 'vitest';
import { OutcomeIndex } from '../../pipeline/outcomes.ts';
import { SharedOutcomeIndex, shareOutcomeIndex } from '../../pipeline/shared-outcomes.ts';
import { sampleRows } from '../support/police-fixtures.ts';

describe('shareOutcomeIndex(index)', () => {
  it('SharedOutcomeIndex.get(crimeId) answers as index.get(crimeId) does, for every crime', () => {
    const index = new OutcomeIndex();
    const rows = sampleRows('2025-03').filter((row) => row['Crime ID'] !== '');
    rows.forEach((row, i) => {
      const outcome = row['Last outcome category'] || 'Under investigation';
      index.add(row['Crime ID']!, i % 2 === 0 ? '2025-03' : '2025-04', outcome);
      // A later month wins; an earlier one does not.
      if (i % 3 === 0) index.add(row['Crime ID']!, '2025-05', 'Local resolution');
      if (i % 5 === 0) index.add(row['Crime ID']!, '2024-01', 'Offender fined');
    });
    // Crime IDs are hex, but nothing relies on it.
    index.add('crime é 1', '2025-06', 'Awaiting court outcome');
    const shared = new SharedOutcomeIndex(shareOutcomeIndex(index));
    expect(index.size).toBeGreaterThan(1000);
    for (const row of rows)
      expect(shared.get(row['Crime ID']!)).toEqual(index.get(row['Crime ID']!));
    expect(shared.get('crime é 1')).toEqual({
      month: '2025-06',
      outcome: 'Awaiting court outcome',
    });
    expect(shared.get('crime é 2')).toBeUndefined();
    expect(shared.get(`${rows[0]!['Crime ID']!}0`)).toBeUndefined();
    expect(shared.get('')).toBeUndefined();
  });

  it('shares an empty index', () => {
    const shared = new SharedOutcomeIndex(shareOutcomeIndex(new OutcomeIndex()));
    expect(shared.get('anything')).toBeUndefined();
  });
});
