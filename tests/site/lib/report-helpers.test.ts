import { describe, expect, it } from 'vitest';
import { barPercents, niceStep, trendGeometry } from '../../../src/lib/charts.ts';
import { formatChange, formatCount, formatRate, ordinal } from '../../../src/lib/format.ts';
import {
  addMonths,
  describeMonths,
  describeSource,
  monthRange,
  monthRuns,
  twelveMonthsTo,
} from '../../../src/shared/months.ts';
import {
  latestTwelveMonths,
  monthTotal,
  rankDescending,
  yearOnYear,
  yearPeriod,
} from '../../../src/lib/figures.ts';
import { aggregateSiteData } from '../../../pipeline/aggregate.ts';
import { createMonthSummariser } from '../../../pipeline/summarise.ts';
import { sampleMonth, TEST_WARDS } from '../../support/sample-rows.ts';
import type { SiteData } from '../../../src/shared/schema.ts';

describe('months', () => {
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

describe('format', () => {
  it('formatChange signs the change and says n/a when there is nothing to compare', () => {
    expect(formatChange(0.0523)).toBe('+5.2%');
    expect(formatChange(-0.1)).toBe('−10%');
    expect(formatChange(0)).toBe('0%');
    expect(formatChange(null)).toBe('n/a');
  });

  it('formats counts, rates and ordinals in British English', () => {
    expect(formatCount(26721)).toBe('26,721');
    expect(formatRate(32.96)).toBe('33.0');
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 33].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '33rd',
    ]);
  });
});

describe('charts', () => {
  it('trendGeometry breaks the line at a month without data and never draws it at zero', () => {
    const chart = trendGeometry([9408, null, null, 8009, 9304], ['a', 'b', 'c', 'd', 'e']);
    expect(chart.lines).toHaveLength(2);
    expect(chart.lines[0]).not.toContain('L');
    expect(chart.points.map((p) => p.value)).toEqual([9408, 8009, 9304]);
    expect(chart.gaps.map((g) => g.label)).toEqual(['b', 'c']);
    const zeroY = chart.yTicks[0]?.y;
    expect(chart.points.every((p) => p.y !== zeroY)).toBe(true);
  });

  it('trendGeometry puts the y axis at round numbers from 0 to at least the largest value', () => {
    const chart = trendGeometry([9408, 8009], ['a', 'b']);
    expect(chart.yTicks.map((t) => t.value)).toEqual([0, 5000, 10000]);
    expect(niceStep(1200)).toBe(500);
  });

  it('barPercents scales bars to the largest value', () => {
    expect(barPercents([5, 10, 0])).toEqual([50, 100, 0]);
    expect(barPercents([0, 0])).toEqual([0, 0]);
  });
});

describe('figures on site data built from the real sample months', () => {
  const summaries = ['2024-03', '2025-02', '2025-03'].map((month) => {
    const s = createMonthSummariser({
      month,
      source: 'archive',
      snapshot: 'sample',
      fetchedAt: '2025-05-01T00:00:00.000Z',
    });
    const rows = sampleMonth(month);
    s.read(rows.length);
    rows.forEach((r) => s.add(r));
    return s.finish();
  });
  const data: SiteData = aggregateSiteData(summaries, TEST_WARDS, '2025-05-02T10:00:00.000Z');

  it('rankDescending gives equal values the same rank and skips the next', () => {
    expect(rankDescending([5, 9, 5, 1])).toEqual([2, 1, 2, 4]);
  });

  it('latestTwelveMonths states which months of the window have data', () => {
    const window = latestTwelveMonths(data);
    expect(window).toMatchObject({ from: '2024-04', to: '2025-03' });
    expect(window.withData).toEqual(['2025-02', '2025-03']);
    expect(window.missing).toHaveLength(10);
  });

  it('monthTotal is null (a gap) for a month without data, a number otherwise', () => {
    expect(monthTotal(data, null, '2024-04')).toBeNull();
    expect(monthTotal(data, null, '2025-03')).toBe(9304);
  });

  it('yearOnYear pairs only months that have data in both years', () => {
    const leeds = yearOnYear(data, null, ['2025-02', '2025-03']);
    expect(leeds?.pairs).toEqual([['2025-03', '2024-03']]);
    expect(leeds?.current).toBe(9304);
    expect(leeds?.earlier).toBe(9408);
    expect(leeds?.change).toBeCloseTo((9304 - 9408) / 9408, 10);
    expect(yearOnYear(data, null, ['2025-02'])).toBeNull();
    expect(yearOnYear(data, null, yearPeriod(data, 2024).withData)).toBeNull();
  });
});
