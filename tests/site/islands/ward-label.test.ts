// A ward's tooltip on the map. The module draws with Leaflet, which needs a window: only its
// tooltip text is read here.
import { describe, expect, it, vi } from 'vitest';
import { wardLabel } from '../../../src/islands/use-map-layers.ts';
import { rankInWords, type Figures } from '../../../src/islands/use-figures.ts';
import { rankWardsBy, rateUnit, wardRates } from '../../../src/lib/map-rates.ts';
import { formatRate } from '../../../src/lib/format.ts';
import type { MapMeasure } from '../../../src/lib/map-state.ts';
import type { MapData } from '../../../src/shared/map-data.ts';
import { LEEDS_MAP_AREA } from '../../../src/lib/map-area.ts';
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
    // As use-figures.ts names them: none when there are none.
    gapMonths: months.length > 0 ? describeMonths(months) : '',
  } as Figures;
  return wardLabel(data, figures, 0);
}

/**
 * The figures of wards `names` over a window of `months`, those of `withData` (all, unless
 * given) with data, as use-figures.ts makes them: the counts are `totals`, the rates over the
 * months with data, the months without named (none when there are none).
 */
function figuresOf(window: {
  names: readonly string[];
  totals: Float64Array;
  populations: readonly number[];
  measure: MapMeasure;
  months: readonly string[];
  withData?: readonly string[];
  excludeCityCentre?: boolean;
  /** The wards (indexes) some of whose crimes are the centre's. */
  centreCrimes?: readonly number[];
  /** The wards (indexes) some of whose residents are the centre's. */
  centreResidents?: readonly number[];
}): Figures {
  const { names, totals, populations, measure, months } = window;
  const withData = window.withData ?? months;
  const rates = wardRates(populations, totals, withData);
  const ranking = rankWardsBy(measure, names, totals, rates);
  const gaps = months.filter((m) => !withData.includes(m));
  return {
    filter: { excludeCityCentre: window.excludeCityCentre ?? false },
    leftOut: new Set<number>(),
    // As use-figures.ts makes them: a ward's count changes with its crimes, its rate with its
    // crimes or residents.
    countWithoutCentre: new Set(window.excludeCityCentre ? (window.centreCrimes ?? []) : []),
    rateWithoutCentre: new Set(
      window.excludeCityCentre
        ? [...(window.centreCrimes ?? []), ...(window.centreResidents ?? [])]
        : [],
    ),
    noTypes: false,
    noData: false,
    totals,
    rates,
    ranking,
    rankOf: new Map(ranking.map((r) => [r.ward, r.rank])),
    measure,
    noun: 'crimes',
    rateUnit: rateUnit(withData),
    gapMonths: gaps.length > 0 ? describeMonths(gaps) : '',
  } as unknown as Figures;
}

describe('wardLabel(data, figures, i) for a window without data', () => {
  it('names the months without data, not "this month" or "these months"', () => {
    // January 2025 alone, then October 2024 to January 2025: the sample has no data there.
    expect(withoutData(['2025-01'])).toBe('Armley: no data for Jan 2025');
    expect(withoutData(monthRange('2024-10', '2025-01'))).toBe(
      'Armley: no data for Oct 2024–Jan 2025',
    );
    // Map data without a month at all: no months to name, and no dangling "for".
    expect(withoutData([])).toBe('Armley: no data');
  });
});

describe('wardLabel and rankInWords: a rank out of the wards ranked', () => {
  // A ward without residents (as a ward of parkland or an airport would be) has no rate and no
  // rank by rate. (A ward wholly in the centre, left out with it, has no count either: see
  // ward-wholly-in-centre.test.ts.)
  const names = ['Beighton', 'Moorland', 'Darnall', 'Fulwood'];
  const wards = { wards: names.map((name) => ({ name })) } as unknown as MapData;
  const totals = Float64Array.from([40, 0, 90, 40]);
  const populations = [20_000, 0, 30_000, 20_000];
  const figuresBy = (measure: MapMeasure) =>
    figuresOf({ names, totals, populations, measure, months: monthRange('2024-01', '2024-03') });

  it('ranks by rate out of the wards with residents, and says how many have none', () => {
    const byRate = figuresBy('rate');
    expect(wardLabel(wards, byRate, 2)).toBe(
      'Darnall: 90 crimes, 3.0 per 1,000 residents over 3 months; 1st of 3 by rate (1 ward without residents not ranked)',
    );
    // Beighton and Fulwood share the last rank: last of the 3 ranked, not of all 4.
    expect(rankInWords(byRate, 2)).toBe(
      '2nd (tied) of 3 by rate (1 ward without residents not ranked)',
    );
    expect(wardLabel(wards, byRate, 1)).toBe('Moorland: 0 crimes');
  });

  it('ranks by count out of every ward, one without residents too', () => {
    const byCount = figuresBy('count');
    expect(wardLabel(wards, byCount, 1)).toBe('Moorland: 0 crimes; 4th of 4 by count');
    expect(rankInWords(byCount, 2)).toBe('2nd (tied) of 4 by count');
  });
});

describe('wardLabel(data, figures, i) for a window with some months without data', () => {
  const wards = { wards: [{ name: 'Armley' }, { name: 'Beeston' }] } as unknown as MapData;
  /** A window of `months`, those of `withData` with data: the figures count those alone. */
  const figuresFor = (months: readonly string[], withData: readonly string[]) =>
    figuresOf({
      names: ['Armley', 'Beeston'],
      totals: Float64Array.from([30, 10]),
      populations: [10_000, 5_000],
      measure: 'count',
      months,
      withData,
    });

  it('names the months without data after the figures, as gaps, not zeros', () => {
    const months = monthRange('2024-01', '2024-12');
    const withData = months.filter((m) => m !== '2024-03' && m !== '2024-04' && m !== '2024-09');
    const figures = figuresFor(months, withData);
    const label = wardLabel(wards, figures, 0);
    expect(label).toBe(
      `Armley: 30 crimes, ${formatRate(figures.rates[0]!)} ${rateUnit(withData)}; 1st of 2 by count; ` +
        `no data for ${describeMonths(['2024-03', '2024-04', '2024-09'])} (gaps, not zeros)`,
    );
    expect(label).toContain('over 9 months');
    expect(label).toContain('Mar–Apr 2024');
    expect(label).toContain('Sep 2024');
  });

  it('says nothing of gaps when every month of the window has data', () => {
    const months = monthRange('2024-01', '2024-03');
    const figures = figuresFor(months, months);
    const label = wardLabel(wards, figures, 1);
    expect(label).toBe(
      `Beeston: 10 crimes, ${formatRate(figures.rates[1]!)} ${rateUnit(months)}; 2nd of 2 by count`,
    );
    expect(label).not.toContain('no data');
  });
});

describe('wardLabel(data, figures, i, area) with the centre left out', () => {
  // Hunslet and Riverside holds part of the centre (some of its crimes and residents);
  // Wetherby lies far from it; Armley holds none of it, but a few of its residents are its
  // (an LS1 or LS2 postcode at an organisation's site): its count is the same either way.
  const names = ['Wetherby', 'Hunslet and Riverside', 'Armley'];
  const wards = { wards: names.map((name) => ({ name })) } as unknown as MapData;
  const figuresFor = (measure: MapMeasure, excludeCityCentre: boolean) =>
    figuresOf({
      names,
      totals: Float64Array.from([30, 10, 20]),
      populations: [10_000, 5_000, 8_000],
      measure,
      months: monthRange('2024-01', '2024-03'),
      excludeCityCentre,
      centreCrimes: [1],
      centreResidents: [1, 2],
    });
  const SHEFFIELD = { centre: { label: 'city centre', description: 'the City ward' } };

  it("names a ward the centre reaches without the area's centre, by count and by rate", () => {
    for (const area of [LEEDS_MAP_AREA, SHEFFIELD]) {
      expect(wardLabel(wards, figuresFor('count', true), 1, area)).toBe(
        'Hunslet and Riverside without the city centre: 10 crimes, 2.0 per 1,000 residents over 3 months; 3rd of 3 by count without the city centre',
      );
      expect(wardLabel(wards, figuresFor('rate', true), 1, area)).toBe(
        'Hunslet and Riverside without the city centre: 10 crimes, 2.0 per 1,000 residents over 3 months; 3rd of 3 by rate without the city centre',
      );
    }
    const other = { centre: { label: 'town centre', description: 'the Town ward' } };
    expect(wardLabel(wards, figuresFor('count', true), 1, other)).toMatch(
      /^Hunslet and Riverside without the town centre: .*; 3rd of 3 by count without the town centre$/,
    );
  });

  it('names a ward the centre does not reach alone, by count and by rate, and its rank among the wards without the centre', () => {
    for (const area of [LEEDS_MAP_AREA, SHEFFIELD]) {
      expect(wardLabel(wards, figuresFor('count', true), 0, area)).toBe(
        'Wetherby: 30 crimes, 3.0 per 1,000 residents over 3 months; 1st of 3 by count without the city centre',
      );
      expect(wardLabel(wards, figuresFor('rate', true), 0, area)).toBe(
        'Wetherby: 30 crimes, 3.0 per 1,000 residents over 3 months; 1st of 3 by rate without the city centre',
      );
    }
  });

  it('names the rate alone without the centre of a ward only some of whose residents are its, by count and by rate', () => {
    for (const area of [LEEDS_MAP_AREA, SHEFFIELD]) {
      expect(wardLabel(wards, figuresFor('count', true), 2, area)).toBe(
        'Armley: 20 crimes, 2.5 per 1,000 residents over 3 months without the city centre; 2nd of 3 by count without the city centre',
      );
      expect(wardLabel(wards, figuresFor('rate', true), 2, area)).toBe(
        'Armley: 20 crimes, 2.5 per 1,000 residents over 3 months without the city centre; 2nd of 3 by rate without the city centre',
      );
    }
    expect(wardLabel(wards, figuresFor('count', false), 2, LEEDS_MAP_AREA)).toBe(
      'Armley: 20 crimes, 2.5 per 1,000 residents over 3 months; 2nd of 3 by count',
    );
  });

  it('names every ward alone while the centre is in, or when the district has none', () => {
    expect(wardLabel(wards, figuresFor('count', false), 1, LEEDS_MAP_AREA)).toMatch(
      /^Hunslet and Riverside: 10/,
    );
    expect(wardLabel(wards, figuresFor('count', true), 1, { centre: null })).toMatch(
      /^Hunslet and Riverside: 10/,
    );
  });
});
