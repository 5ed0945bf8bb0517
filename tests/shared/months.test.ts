import { describe, expect, it } from 'vitest';
import {
  addMonths,
  describeMonths,
  describeSource,
  isMonth,
  sourceLabel,
  monthRange,
  monthRuns,
  twelveMonthsTo,
} from '../../src/shared/months.ts';

describe('months', () => {
  it('sourceLabel(provenance) names the archive file or the API snapshot, for reports and logs', () => {
    expect(sourceLabel({ source: 'archive', snapshot: '2025-03.zip' })).toBe('archive 2025-03.zip');
    expect(sourceLabel({ source: 'api', snapshot: 'api:2025-04' })).toBe(
      'API snapshot api:2025-04',
    );
  });

  it('describeSource(provenance) names the archive by its newest month, or the API snapshot', () => {
    expect(describeSource({ source: 'archive', snapshot: 'archive:2025-03' })).toBe(
      'police.uk archive of March 2025',
    );
    expect(describeSource({ source: 'archive', snapshot: '2026-10.zip' })).toBe(
      'police.uk archive of October 2026',
    );
    expect(describeSource({ source: 'archive', snapshot: 'sample' })).toBe(
      'police.uk archive sample',
    );
    expect(describeSource({ source: 'api', snapshot: 'api:2025-04' })).toBe(
      'police.uk API (api:2025-04)',
    );
  });

  it('isMonth(text) takes only a calendar month as YYYY-MM', () => {
    expect(['2025-03', '2024-12', '2025-01'].map(isMonth)).toEqual([true, true, true]);
    expect(['2025-13', '2025-00', '2025-3', '2025-03 ', '25-03', ''].map(isMonth)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('addMonths(month, n) crosses year boundaries both ways', () => {
    expect(addMonths('2025-03', -12)).toBe('2024-03');
    expect(addMonths('2024-12', 1)).toBe('2025-01');
    expect(addMonths('2025-01', -1)).toBe('2024-12');
    expect(addMonths('2018-01', 95)).toBe('2025-12');
  });

  it('addMonths throws on a month that is not YYYY-MM, naming it', () => {
    expect(() => addMonths('Mar-24', 1)).toThrow(/"Mar-24"/);
    expect(() => addMonths('2024-13', 1)).toThrow(/"2024-13"/);
  });

  it('monthRange(from, to) includes both ends and throws on a backwards range, naming it', () => {
    expect(monthRange('2024-11', '2025-02')).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
    expect(monthRange('2025-03', '2025-03')).toEqual(['2025-03']);
    expect(() => monthRange('2025-03', '2024-01')).toThrow(/2025-03 to 2024-01 is backwards/);
  });

  it('twelveMonthsTo(latest) is the 12 calendar months ending with latest', () => {
    expect(twelveMonthsTo('2025-03')).toEqual({ from: '2024-04', to: '2025-03' });
    expect(monthRange('2024-04', '2025-03')).toHaveLength(12);
  });

  it('describeMonths lists the sample months as runs: "Mar 2024, Feb–Mar 2025"', () => {
    expect(monthRuns(['2024-03', '2025-02', '2025-03'])).toHaveLength(2);
    expect(describeMonths(['2024-03', '2025-02', '2025-03'])).toBe('Mar 2024, Feb–Mar 2025');
    expect(describeMonths(['2024-11', '2024-12', '2025-01'])).toBe('Nov 2024–Jan 2025');
  });
});
