// A ward's tooltip on the map. The module draws with Leaflet, which needs a window: only its
// tooltip text is read here.
import { describe, expect, it, vi } from 'vitest';
import { wardLabel } from '../../../src/islands/use-map-layers.ts';
import { rankInWords, type Figures } from '../../../src/islands/use-figures.ts';
import { rankWardsBy, wardRates } from '../../../src/lib/map-rates.ts';
import type { MapMeasure } from '../../../src/lib/map-state.ts';
import type { MapData } from '../../../src/shared/map-data.ts';
import { describeMonths, monthRange } from '../../../src/shared/months.ts';

vi.mock('../../../src/islands/map-layers.ts', () => ({}));

const data = { wards: [{ name: 'Armley' }] } as unknown as MapData;

/** The tooltip of Armley for a window of `months`, none of them with data. */
function withoutData(months: readonly string[]): string {
  const figures = {
    noTypes: false,
    noData: true,
    coverage: {
      from: months[0] ?? '',
      to: months.at(-1) ?? '',
      months: months.length,
      monthsWithData: [] as string[],
      monthsWithoutData: [...months],
    },
    gapMonths: describeMonths(months),
  } as Figures;
  return wardLabel(data, figures, 0);
}

describe('wardLabel(data, figures, i) for a window without data', () => {
  it('names the months without data, not "this month" or "these months"', () => {
    // January 2025 alone, then October 2024 to January 2025: the sample has no data there.
    expect(withoutData(['2025-01'])).toBe('Armley: no data for Jan 2025');
    expect(withoutData(monthRange('2024-10', '2025-01'))).toBe(
      'Armley: no data for Oct 2024–Jan 2025',
    );
  });
});

describe('wardLabel and rankInWords: a rank out of the wards ranked', () => {
  // Sheffield's map with the city centre left out: the City ward keeps no residents, so it
  // has no rate and no rank by rate.
  const names = ['Beighton', 'City', 'Darnall', 'Fulwood'];
  const wards = { wards: names.map((name) => ({ name })) } as unknown as MapData;
  const totals = Float64Array.from([40, 0, 90, 40]);
  const populations = [20_000, 0, 30_000, 20_000];
  function figuresBy(measure: MapMeasure): Figures {
    const rates = wardRates(populations, totals, ['2024-01', '2024-02', '2024-03']);
    const ranking = rankWardsBy(measure, names, totals, rates);
    return {
      noTypes: false,
      noData: false,
      totals,
      rates,
      ranking,
      rankOf: new Map(ranking.map((r) => [r.ward, r.rank])),
      measure,
      noun: 'crimes',
      rateUnit: 'per 1,000 residents over 3 months',
    } as unknown as Figures;
  }

  it('ranks by rate out of the wards with residents, and says how many have none', () => {
    const byRate = figuresBy('rate');
    expect(wardLabel(wards, byRate, 2)).toBe(
      'Darnall: 90 crimes, 3.0 per 1,000 residents over 3 months; 1st of 3 by rate (1 ward without residents not ranked)',
    );
    // Beighton and Fulwood share the last rank: last of the 3 ranked, not of all 4.
    expect(rankInWords(byRate, 2)).toBe(
      '2nd (tied) of 3 by rate (1 ward without residents not ranked)',
    );
    expect(wardLabel(wards, byRate, 1)).toBe('City: 0 crimes');
  });

  it('ranks by count out of every ward', () => {
    const byCount = figuresBy('count');
    expect(wardLabel(wards, byCount, 1)).toBe('City: 0 crimes; 4th of 4 by count');
    expect(rankInWords(byCount, 2)).toBe('2nd (tied) of 4 by count');
  });
});
