// Rates and ranks as the map shows them. The island takes them from here only, so moving to
// the project's one rates module is a change to this file alone.
import { ratePerThousand } from './map-filter.ts';
import type { MapMeasure } from './map-state.ts';

/** Crimes per 1,000 residents of a ward; null when its population is unknown (0). */
export function wardRate(count: number, population: number): number | null {
  return population > 0 ? ratePerThousand(count, population) : null;
}

export interface RankedWard {
  /** Index into the map data's wards. */
  ward: number;
  count: number;
  /** The measured value: the count, or the rate (null: no population, ranked last). */
  value: number | null;
  /** 1 = highest; equal values share a rank (1, 2, 2, 4). */
  rank: number;
}

/**
 * The wards ordered by the measure, highest first (equal values by name), with competition
 * ranks. `names` and `populations` are indexed like `totals`.
 */
export function rankWardsBy(
  measure: MapMeasure,
  names: readonly string[],
  populations: readonly number[],
  totals: ArrayLike<number>,
): RankedWard[] {
  const rows = names.map((name, ward) => {
    const count = totals[ward] ?? 0;
    const value = measure === 'count' ? count : wardRate(count, populations[ward] ?? 0);
    return { ward, count, value, name };
  });
  rows.sort(
    (a, b) =>
      (b.value ?? -Infinity) - (a.value ?? -Infinity) || a.name.localeCompare(b.name, 'en-GB'),
  );
  const ranked: RankedWard[] = [];
  rows.forEach(({ ward, count, value }, i) => {
    const previous = ranked[i - 1];
    const rank = previous !== undefined && previous.value === value ? previous.rank : i + 1;
    ranked.push({ ward, count, value, rank });
  });
  return ranked;
}

/**
 * The window in words, with how many of its months hold data: "Mar 2024 – Mar 2025, 3 of 13
 * months with data", "Mar 2025", "Apr 2024 – Jan 2025, no data".
 */
export function describeWindow(
  label: string,
  coverage: { months: number; withData: number },
): string {
  const { months, withData } = coverage;
  if (withData === 0) return `${label}, no data`;
  if (withData === months) return months === 1 ? label : `${label}, all ${months} months with data`;
  return `${label}, ${withData} of ${months} months with data`;
}
