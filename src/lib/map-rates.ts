// Rates and ranks as the map shows them, from the project's one rates module
// (src/shared/rates.ts): the same window gives the same rate and the same words as on the
// report pages. The island takes them from here only.
import { annualisedRate, rankWithTies, rateIn, rateWindow } from '../shared/rates.ts';
import { rankRatesAsShown } from './format.ts';
import type { MonthCoverage } from './map-filter.ts';
import type { MapMeasure } from './map-state.ts';

/**
 * Crimes per 1,000 residents over the window's months with data ("YYYY-MM"; a year's worth
 * when they make a year, as on the reports); null without residents or without a month of data.
 */
export function wardRate(
  count: number,
  population: number,
  monthsWithData: readonly string[],
): number | null {
  return monthsWithData.length > 0 ? annualisedRate(count, population, monthsWithData) : null;
}

/** The unit of those rates: "per 1,000 residents over 3 months", "... a year". */
export function rateUnit(monthsWithData: readonly string[]): string {
  return monthsWithData.length > 0 ? rateWindow(monthsWithData).unit : 'per 1,000 residents';
}

export interface RankedWard {
  /** Index into the map data's wards. */
  ward: number;
  count: number;
  /** The measured value: the count, or the rate (null: no residents, or a ward left out). */
  value: number | null;
  /** 1 = highest; equal values share a rank (1, 2, 2, 4); null for a ward without a value. */
  rank: number | null;
}

/** Each ward's rate (wardRate): `populations` indexed like `totals`. */
export function wardRates(
  populations: readonly number[],
  totals: ArrayLike<number>,
  monthsWithData: readonly string[],
): (number | null)[] {
  if (monthsWithData.length === 0) return populations.map(() => null);
  // One window for every ward: it depends on the months alone.
  const window = rateWindow(monthsWithData);
  return populations.map((population, ward) => rateIn(window, totals[ward] ?? 0, population));
}

/**
 * The wards ordered by the measure, highest first (equal values by name, wards without a
 * rate last), with competition ranks. `names`, `totals` and `rates` (wardRates) are indexed
 * alike. The wards of `leftOut` (wardsWhollyInCentre, with the centre left out) have no value
 * and no rank by either measure, and come last: their count of 0 is not a ward's with no crime.
 */
export function rankWardsBy(
  measure: MapMeasure,
  names: readonly string[],
  totals: ArrayLike<number>,
  rates: readonly (number | null)[],
  leftOut: ReadonlySet<number> = new Set(),
): RankedWard[] {
  const counts = names.map((_, ward) => totals[ward] ?? 0);
  const values = (measure === 'count' ? counts : rates).map((value, ward) =>
    leftOut.has(ward) ? null : value,
  );
  // Rates shown alike (to one decimal place) share a rank, as on the reports.
  const ranks = measure === 'count' ? rankWithTies(values) : rankRatesAsShown(values);
  return names
    .map((name, ward) => ({
      ward,
      name,
      count: counts[ward] ?? 0,
      value: values[ward] ?? null,
      rank: ranks[ward] ?? null,
    }))
    .sort(
      (a, b) =>
        (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.name.localeCompare(b.name, 'en-GB'),
    )
    .map(({ ward, count, value, rank }) => ({ ward, count, value, rank }));
}

/**
 * How many wards after the first `shown` of `ranking` (rankWardsBy) share the rank of the last
 * of them: a list cut through a tie says so, or its last ward reads as alone at its rank.
 */
export function tiedBeyond(ranking: readonly RankedWard[], shown: number): number {
  const rank = ranking[shown - 1]?.rank ?? null;
  if (rank === null) return 0;
  return ranking.slice(shown).filter((r) => r.rank === rank).length;
}

/**
 * The window in words, naming its months without data when it has some: "Mar 2024 – Mar 2025,
 * no data for Apr 2024–Jan 2025", "Feb 2025 – Mar 2025, all 2 months with data", "Mar 2025",
 * "Apr 2024 – Jan 2025, no data". The names say more than a count, in fewer words: the phone's
 * bar holds this beside the total. `gapMonths` names the months without data (describeMonths
 * in src/shared/months.ts), worked out once per window by the caller.
 */
export function describeWindow(
  label: string,
  coverage: Pick<MonthCoverage, 'months' | 'monthsWithData'>,
  gapMonths: string,
): string {
  const { months } = coverage;
  const withData = coverage.monthsWithData.length;
  if (withData === 0) return `${label}, no data`;
  if (withData === months) return months === 1 ? label : `${label}, all ${months} months with data`;
  return `${label}, no data for ${gapMonths}`;
}
