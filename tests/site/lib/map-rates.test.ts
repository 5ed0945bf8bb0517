import { describe, expect, it } from 'vitest';
import { addMonths, describeMonths, monthRange } from '../../../src/shared/months.ts';
import {
  describeWindow,
  rankWardsBy,
  rateUnit,
  tiedBeyond,
  wardRate,
  wardRates,
} from '../../../src/lib/map-rates.ts';

/** `n` consecutive months of data, from January 2024. */
const months = (n: number) => monthRange('2024-01', addMonths('2024-01', n - 1));

const names = ['Armley', 'Bramley', 'Cross Gates', 'Dewsbury Road'];
const populations = [10_000, 20_000, 5_000, 0];

/** rankWardsBy over `totals` in 3 months of data, with each ward's rate among `residents`. */
function rank(measure: 'count' | 'rate', totals: number[], residents = populations) {
  return rankWardsBy(measure, names, totals, wardRates(residents, totals, months(3)));
}

describe('rankWardsBy(measure, names, totals, rates)', () => {
  it('ranks by count, most first, equal counts sharing a rank (1, 2, 2, 4)', () => {
    const ranked = rank('count', [50, 80, 50, 10]);
    expect(ranked.map((r) => [names[r.ward], r.rank])).toEqual([
      ['Bramley', 1],
      ['Armley', 2],
      ['Cross Gates', 2],
      ['Dewsbury Road', 4],
    ]);
  });

  it('ranks by crimes per 1,000 residents, a ward without residents last and unranked', () => {
    const ranked = rank('rate', [50, 100, 50, 900]);
    expect(ranked.map((r) => [names[r.ward], r.value, r.rank])).toEqual([
      ['Cross Gates', 10, 1],
      ['Armley', 5, 2],
      ['Bramley', 5, 2],
      ['Dewsbury Road', null, null],
    ]);
  });
});

describe('rankWardsBy(measure, names, totals, rates, leftOut)', () => {
  it('gives a ward left out whole with the centre no value and no rank, by count or rate, last', () => {
    // Armley's 0 is what is left of a ward wholly in the centre: not a ward without crime.
    const totals = [0, 80, 50, 10];
    const residents = [0, 20_000, 5_000, 2_000];
    for (const measure of ['count', 'rate'] as const) {
      const ranked = rankWardsBy(
        measure,
        names,
        totals,
        wardRates(residents, totals, months(3)),
        new Set([0]),
      );
      expect(ranked.at(-1), measure).toEqual({ ward: 0, count: 0, value: null, rank: null });
      expect(
        ranked.slice(0, -1).map((r) => r.rank),
        measure,
      ).toEqual([1, 2, 3]);
    }
  });
});

describe('rankWardsBy: rates shown alike', () => {
  it('gives wards whose rates are shown alike (to one decimal place) one rank', () => {
    // 501 and 499 crimes among 100,000 residents: 5.01 and 4.99, both shown as 5.0.
    const ranked = rank('rate', [501, 499, 90, 4], [100_000, 100_000, 10_000, 0]);
    expect(ranked.map((r) => [names[r.ward], r.rank])).toEqual([
      ['Cross Gates', 1],
      ['Armley', 2],
      ['Bramley', 2],
      ['Dewsbury Road', null],
    ]);
    // By count, 501 and 499 are not a tie.
    const byCount = rank('count', [501, 499, 90, 4], [100_000, 100_000, 10_000, 0]);
    expect(byCount.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
  });
});

describe('rankWardsBy: rates printed "<0.1"', () => {
  it('ranks a ward with 1 crime among many residents above the wards with none', () => {
    // 1 crime among 30,000 residents over 3 months: 0.03, printed "<0.1", not "0.0".
    const ranked = rank('rate', [1, 0, 10, 0], [30_000, 20_000, 5_000, 10_000]);
    expect(ranked.map((r) => [names[r.ward], r.rank])).toEqual([
      ['Cross Gates', 1],
      ['Armley', 2],
      ['Bramley', 3],
      ['Dewsbury Road', 3],
    ]);
  });
});

describe('wardRate(count, population, monthsWithData) and rateUnit(monthsWithData)', () => {
  it('is crimes per 1,000 residents over fewer than 12 months, never scaled up to a year', () => {
    expect(wardRate(25, 5_000, months(3))).toBe(5);
    expect(rateUnit(months(3))).toBe('per 1,000 residents over 3 months');
  });

  it('is a yearly rate (the average year) over 12 months or more of data', () => {
    expect(wardRate(25, 5_000, months(24))).toBe(2.5);
    expect(rateUnit(months(12))).toBe('per 1,000 residents a year');
  });

  it('is over the months, not a year, when 12 or more months of data lack a month of the year', () => {
    // January to June of 2023 and 2024: a window of 24 months, 12 of them with data.
    const janToJun = [...monthRange('2023-01', '2023-06'), ...monthRange('2024-01', '2024-06')];
    expect(wardRate(25, 5_000, janToJun)).toBe(5);
    expect(rateUnit(janToJun)).toBe('per 1,000 residents over 12 months');
  });

  it('is null without residents or without a month of data', () => {
    expect(wardRate(25, 0, months(3))).toBeNull();
    expect(wardRate(25, 5_000, [])).toBeNull();
  });

  it('gives each ward its own rate, null where it has no residents (wardRates)', () => {
    expect(wardRates(populations, [50, 100, 50, 900], months(3))).toEqual([5, 5, 10, null]);
    expect(wardRates(populations, [120, 240, 60, 0], months(24))).toEqual([6, 6, 6, null]);
  });
});

describe('describeWindow(label, coverage, gapMonths)', () => {
  /** `n` months with data (which ones does not change the words: gapMonths names the others). */
  const monthsWith = (n: number) => monthRange('2025-01', '2026-12').slice(0, n);
  it('says how many months of the window hold data, and when none does', () => {
    expect(describeWindow('Feb – Mar 2025', { months: 2, monthsWithData: monthsWith(2) }, '')).toBe(
      'Feb – Mar 2025, all 2 months with data',
    );
    expect(describeWindow('Mar 2025', { months: 1, monthsWithData: monthsWith(1) }, '')).toBe(
      'Mar 2025',
    );
    expect(
      describeWindow(
        'Apr 2024 – Jan 2025',
        { months: 10, monthsWithData: monthsWith(0) },
        'Apr 2024–Jan 2025',
      ),
    ).toBe('Apr 2024 – Jan 2025, no data');
  });

  it('names the months without data of a window that has some, not only their number', () => {
    // March 2024 to March 2025 with data in March 2024 and February to March 2025 only.
    const gaps = describeMonths(monthRange('2024-04', '2025-01'));
    expect(
      describeWindow('Mar 2024 – Mar 2025', { months: 13, monthsWithData: monthsWith(3) }, gaps),
    ).toBe('Mar 2024 – Mar 2025, no data for Apr 2024–Jan 2025');
    // Two runs of gaps, within a year and across one.
    const twoRuns = describeMonths(['2024-05', '2024-06', '2024-12', '2025-01']);
    expect(
      describeWindow('Apr 2024 – Feb 2025', { months: 11, monthsWithData: monthsWith(7) }, twoRuns),
    ).toBe('Apr 2024 – Feb 2025, no data for May–Jun 2024, Dec 2024–Jan 2025');
  });
});

describe('tiedBeyond(ranking, shown)', () => {
  const wards = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
  const ranked = (totals: number[], residents?: number[]) =>
    rankWardsBy(
      residents === undefined ? 'count' : 'rate',
      wards,
      totals,
      wardRates(residents ?? totals.map(() => 1000), totals, months(3)),
    );

  it('counts the wards past the cut that share the last rank shown', () => {
    // Ranks 1, 2, 3, 4, 5, 5, 5, 8: two more share 5th.
    expect(tiedBeyond(ranked([90, 80, 70, 60, 50, 50, 50, 10]), 5)).toBe(2);
    // A tie that ends at the cut, or lies before it, leaves none out.
    expect(tiedBeyond(ranked([90, 80, 70, 50, 50, 40, 30, 10]), 5)).toBe(0);
    expect(tiedBeyond(ranked([90, 90, 70, 60, 50, 40, 30, 10]), 5)).toBe(0);
    // No crimes of the chosen types anywhere: every ward is 1st.
    expect(tiedBeyond(ranked([0, 0, 0, 0, 0, 0, 0, 0]), 5)).toBe(3);
  });

  it('ties rates as shown, and never counts wards without a rate', () => {
    // 5.01 and 4.99 per 1,000 are both shown as 5.0: tied.
    const rates = ranked(
      [90, 80, 70, 60, 501, 499, 0, 0],
      [1, 1, 1, 1, 100, 100, 0, 0].map((x) => x * 1000),
    );
    expect(tiedBeyond(rates, 5)).toBe(1);
    // Fewer wards with a rate than the cut: the unranked ones share nothing.
    const few = ranked([90, 80, 0, 0, 0, 0, 0, 0], [1000, 1000, 0, 0, 0, 0, 0, 0]);
    expect(tiedBeyond(few, 5)).toBe(0);
    expect(tiedBeyond(few, 20)).toBe(0);
  });
});
