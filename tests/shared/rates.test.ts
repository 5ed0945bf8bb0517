import { describe, expect, it } from 'vitest';
import {
  MIN_COUNT_FOR_PERCENT,
  annualisedRate,
  binomialCdf,
  compareCounts,
  rankWithTies,
  ratePerThousand,
  rateWindow,
  residentsExcluding,
} from '../../src/shared/rates.ts';
import { addMonths, monthRange } from '../../src/shared/months.ts';
import { exactBinomialCdf, exactTwoSidedPValue } from '../support/exact-binomial.ts';

describe('ratePerThousand', () => {
  it('ratePerThousand(count, residents) is count per 1,000 residents', () => {
    expect(ratePerThousand(250, 10_000)).toBe(25);
    expect(ratePerThousand(0, 5_000)).toBe(0);
  });

  it('ratePerThousand(count, 0) is null, not Infinity or 0', () => {
    expect(ratePerThousand(12, 0)).toBeNull();
    expect(ratePerThousand(12, -3)).toBeNull();
  });
});

/** `n` consecutive months from `from`. */
function run(n: number, from = '2024-01'): string[] {
  return monthRange(from, addMonths(from, n - 1));
}

describe('rateWindow and annualisedRate', () => {
  it('rateWindow of 12 months, each month of the year, is an annual rate', () => {
    for (const from of ['2024-01', '2023-07']) {
      expect(rateWindow(run(12, from))).toEqual({
        months: 12,
        annual: true,
        unit: 'per 1,000 residents a year',
        span: 'a year',
      });
    }
  });

  it('rateWindow of fewer than 12 months is the rate over those months, never annual', () => {
    for (const months of [1, 2, 3, 4, 6, 11]) {
      const window = rateWindow(run(months, '2024-05'));
      expect(window.annual).toBe(false);
      expect(window.unit).toBe(
        `per 1,000 residents over ${months === 1 ? '1 month' : `${months} months`}`,
      );
    }
  });

  it('rateWindow of more than 12 months with every month of the year is the average year', () => {
    expect(rateWindow(run(30)).annual).toBe(true);
    expect(rateWindow(run(30)).unit).toBe('per 1,000 residents a year (average of 30 months)');
    // Gaps do not matter while every month of the year is there once or more.
    const gappy = [...run(8, '2022-01'), ...run(6, '2023-07')];
    expect(rateWindow(gappy).unit).toBe('per 1,000 residents a year (average of 14 months)');
  });

  it('rateWindow of 12 or more months that lack a month of the year is over those months, not a year', () => {
    const janToJun = [...run(6, '2023-01'), ...run(6, '2024-01')];
    expect(rateWindow(janToJun)).toEqual({
      months: 12,
      annual: false,
      unit: 'per 1,000 residents over 12 months',
      span: '12 months',
    });
    const noDecembers = [...run(11, '2022-01'), ...run(11, '2023-01'), ...run(11, '2024-01')];
    expect(rateWindow(noDecembers).annual).toBe(false);
    expect(rateWindow(noDecembers).unit).toBe('per 1,000 residents over 33 months');
    expect(annualisedRate(300, 10_000, janToJun)).toBe(30);
  });

  it('rateWindow rejects a window without a month of data, or with a month twice', () => {
    expect(() => rateWindow([])).toThrow(/at least one month of data/);
    expect(() => rateWindow(['2024-01', '2024-01'])).toThrow(/each month once/);
  });

  it('annualisedRate never scales a window of 1-11 months up to a year', () => {
    for (let months = 1; months <= 11; months++) {
      expect(annualisedRate(300, 10_000, run(months))).toBe(30);
    }
  });

  it('annualisedRate over 12 months is the plain rate, over 24 months half of it', () => {
    expect(annualisedRate(300, 10_000, run(12))).toBe(30);
    expect(annualisedRate(600, 10_000, run(24))).toBe(30);
    expect(annualisedRate(450, 10_000, run(18))).toBe(30);
  });

  it('annualisedRate with no residents is null', () => {
    expect(annualisedRate(300, 0, run(12))).toBeNull();
  });
});

describe('residentsExcluding', () => {
  it('residentsExcluding(residents, excluded) takes the excluded residents out', () => {
    expect(residentsExcluding(20_000, 3_500)).toBe(16_500);
    expect(residentsExcluding(20_000, 0)).toBe(20_000);
  });

  it('residentsExcluding refuses to exclude more residents than there are', () => {
    expect(() => residentsExcluding(100, 101)).toThrow(/Cannot exclude 101 residents from 100/);
    expect(() => residentsExcluding(100, -1)).toThrow(/Cannot exclude -1/);
  });
});

describe('rankWithTies', () => {
  it('rankWithTies(values) gives equal values one rank and skips the next (1, 2, 2, 4)', () => {
    expect(rankWithTies([5, 9, 5, 1])).toEqual([2, 1, 2, 4]);
    expect(rankWithTies([3, 3, 3])).toEqual([1, 1, 1]);
    expect(rankWithTies([])).toEqual([]);
  });

  it('rankWithTies(values, shownAs) gives values shown alike one rank, whatever lies past the last digit', () => {
    const oneDecimal = (v: number) => v.toFixed(1);
    expect(rankWithTies([5.04, 9, 4.96, 1], oneDecimal)).toEqual([2, 1, 2, 4]);
    expect(rankWithTies([5.04, 9, 4.96, 1])).toEqual([2, 1, 3, 4]);
    expect(rankWithTies([2.449, 2.451, null, 2.35], oneDecimal)).toEqual([2, 1, null, 2]);
  });

  it('rankWithTies leaves a null value unranked and does not count it', () => {
    expect(rankWithTies([null, 4, 7, null, 4])).toEqual([null, 2, 1, null, 2]);
  });
});

describe('binomialCdf', () => {
  it('binomialCdf(k, n) matches the exact sum of binomial coefficients', () => {
    const cases: [number, number][] = [
      [0, 1],
      [3, 10],
      [12, 30],
      [40, 75],
      [100, 250],
      [480, 1000],
      [1900, 4000],
    ];
    for (const [k, n] of cases) {
      expect(binomialCdf(k, n)).toBeCloseTo(exactBinomialCdf(k, n), 12);
    }
  });

  it('binomialCdf is 0 below 0 and 1 at n and above', () => {
    expect(binomialCdf(-1, 5)).toBe(0);
    expect(binomialCdf(5, 5)).toBe(1);
  });
});

describe('compareCounts', () => {
  it('compareCounts(current, earlier) gives the exact two-sided p-value', () => {
    const cases: [number, number][] = [
      [23, 35],
      [60, 40],
      [120, 150],
      [500, 560],
      [4000, 4200],
    ];
    for (const [current, earlier] of cases) {
      expect(compareCounts(current, earlier).pValue).toBeCloseTo(
        exactTwoSidedPValue(current, earlier),
        10,
      );
    }
  });

  it('a fall of a third from a few dozen crimes is within normal variation', () => {
    // 23 against 35: p = 0.148 (exact), so the -34.3% is shown plainly, not as a change.
    const change = compareCounts(23, 35);
    expect(change.percent).toBeCloseTo(-12 / 35, 12);
    expect(change.significant).toBe(false);
    expect(change.verdict).toBe('within-normal');
    expect(change.words).toBe('within normal variation');
  });

  it('a rise from 60 to 90 is larger than chance would give', () => {
    const change = compareCounts(90, 60);
    expect(change.pValue).toBeLessThan(0.05);
    expect(change.significant).toBe(true);
    expect(change.words).toBe('clearly higher');
    expect(compareCounts(60, 90).words).toBe('clearly lower');
  });

  it(`compareCounts shows no percentage when the earlier count is below ${MIN_COUNT_FOR_PERCENT}`, () => {
    const small = compareCounts(14, MIN_COUNT_FOR_PERCENT - 1);
    expect(small.percent).toBeNull();
    expect(small.words).toBe('too few to compare');
    expect(compareCounts(14, MIN_COUNT_FOR_PERCENT).percent).not.toBeNull();
    // A jump that small counts cannot explain still gets its words, without a percentage.
    const jump = compareCounts(40, 5);
    expect(jump.percent).toBeNull();
    expect(jump.words).toBe('clearly higher');
  });

  it('compareCounts(0, 0) has nothing to test', () => {
    expect(compareCounts(0, 0)).toMatchObject({ pValue: 1, significant: false, percent: null });
  });

  it('compareCounts rejects counts that are not whole and non-negative', () => {
    expect(() => compareCounts(-1, 4)).toThrow(/current is -1/);
    expect(() => compareCounts(3, 1.5)).toThrow(/earlier is 1.5/);
  });
});
