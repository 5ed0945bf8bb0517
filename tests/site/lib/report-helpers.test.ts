import { describe, expect, it } from 'vitest';
import { barPercents, niceStep, trendGeometry } from '../../../src/lib/charts.ts';
import { formatChange, formatCount, formatRate, ordinal } from '../../../src/lib/format.ts';
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
