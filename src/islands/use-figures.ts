// The figures the map shows for the current filter. Each depends only on the parts of the
// state it reads, so selecting a ward or moving the heat controls recomputes no totals.
import { useMemo } from 'preact/hooks';
import type { MapData } from '../shared/map-data.ts';
import {
  monthCoverage,
  residentsFor,
  wardCumulative,
  wardTotals,
  wardsTouchedByCentre,
  wardsWhollyInCentre,
  type MapFilter,
  type WardCumulative,
} from '../lib/map-filter.ts';
import { centreLeftOut, MAP_AREA, type MapArea } from '../lib/map-area.ts';
import { rankWardsBy, rateUnit, wardRate, wardRates, type RankedWard } from '../lib/map-rates.ts';
import { countedNoun, ordinalWithTies, plural } from '../lib/format.ts';
import { choroplethScale, choroplethValues, type ChoroplethScale } from '../lib/map-scale.ts';
import type { MapMeasure, MapViewState } from '../lib/map-state.ts';
import { describeMonths } from '../shared/months.ts';
import { useSame } from './use-same.ts';

/** Legend steps: whole crimes, or rates to the one decimal they are printed with. */
const LEGEND_STEP = { count: 1, rate: 0.1 } as const;

/** What the figures, the legend and a ward's details say when no crime type is chosen. */
export const NO_TYPES = 'No crime types chosen';

export interface Figures {
  filter: MapFilter;
  /** Crimes per ward slot (the last slot: crimes in no ward). */
  totals: Float64Array;
  leedsTotal: number;
  coverage: ReturnType<typeof monthCoverage>;
  /**
   * The window's months without data in words, "Apr 2024–Jan 2025" (describeMonths), or ""
   * when it has none: what every statement of the window names, worked out once per window.
   */
  gapMonths: string;
  /**
   * Nothing to count, rank or colour: no month of the window has data, or no crime type is
   * chosen (noTypes). Never shown as zeros.
   */
  noData: boolean;
  /** No crime type is chosen: why noData, when the window has data. */
  noTypes: boolean;
  /**
   * The wards (indexes) the centre holds whole, while it is left out (wardsWhollyInCentre):
   * nothing of them is left to count, rate, rank or colour. Empty with the centre in.
   */
  leftOut: ReadonlySet<number>;
  /**
   * The wards (indexes) whose count the centre left out changes, while it is: some of their
   * crimes in the window's months and of its types are the centre's (wardsTouchedByCentre).
   * Their count and table by type, in their details and tooltip, are named without it (a
   * ward's trend, over its own months, by its own: WardDetails). Empty with the centre in.
   */
  countWithoutCentre: ReadonlySet<number>;
  /**
   * The wards (indexes) whose rate the centre left out changes, while it is: some of their
   * crimes in the window (countWithoutCentre) or some of their residents are the centre's,
   * which leave its numerator or its denominator. Their rate is named without it; a ward whose
   * residents alone are (Leeds's Armley) has its count named as with the centre in. Empty with
   * the centre in.
   */
  rateWithoutCentre: ReadonlySet<number>;
  /**
   * The data's per-month ward sums (wardCumulative), kept once per data: the figures of other
   * months than the window's (a ward's trend) are differences of them too.
   */
  cumulative: WardCumulative;
  /** The wards by the chosen measure. */
  ranking: RankedWard[];
  /** Rank of each ward index by the chosen measure (null: no rate, no rank). */
  rankOf: ReadonlyMap<number, number | null>;
  /** Each ward's crimes per 1,000 residents over the window (src/shared/rates.ts). */
  rates: (number | null)[];
  /** The residents each ward's rate divides by: without the centre's when it is left out. */
  populations: number[];
  leedsRate: number | null;
  /** The rates' unit: "per 1,000 residents over 3 months", "per 1,000 residents a year". */
  rateUnit: string;
  /**
   * What the counts count, as the chosen types hold: "crimes", "anti-social behaviour
   * incidents" or "crimes and anti-social behaviour incidents" (src/lib/format.ts).
   */
  noun: string;
  /** Choropleth classes, while the ward view is shown and the window has data. */
  scale: ChoroplethScale | null;
  /** What the wards are ranked (and coloured) by. */
  measure: MapMeasure;
}

/**
 * A ward's rank in words, "3rd (tied) of 33 by rate": ties among `figures.ranking`, out of the
 * wards ranked. Wards without residents have no rate and no rank, and wards wholly in the
 * centre left out (figures.leftOut) no value at all; both are said apart: "27th of 27 by rate
 * (1 ward without residents not ranked)", not "27th of 28". With the centre left out, every
 * ward is ranked by its figures without it, which is said: "5th of 33 by count without the
 * city centre", not a rank a reader would take for the ward's own. `centre`: the area's.
 */
export function rankInWords(
  figures: Figures,
  rank: number,
  centre: MapArea['centre'] = MAP_AREA.centre,
): string {
  const ranks = figures.ranking.map((r) => r.rank);
  const ranked = ranks.filter((r) => r !== null).length;
  const leftOut = figures.leftOut.size;
  const withoutResidents = ranks.length - ranked - leftOut;
  const wards = (n: number) => `${n} ${plural(n, 'ward', 'wards')}`;
  const unranked = [
    leftOut > 0 ? `${wards(leftOut)} wholly in the ${centre?.label ?? 'centre'}` : '',
    withoutResidents > 0 ? `${wards(withoutResidents)} without residents` : '',
  ].filter((words) => words !== '');
  const without = centreLeftOut(figures.filter.excludeCityCentre, centre);
  return (
    `${ordinalWithTies(rank, ranks)} of ${ranked} by ${figures.measure}${without}` +
    (unranked.length > 0 ? ` (${unranked.join(', ')} not ranked)` : '')
  );
}

/** No ward: none left out or touched while the centre is in, or none it holds whole. */
const NO_WARDS: ReadonlySet<number> = new Set();

export function useFigures(data: MapData, state: MapViewState): Figures {
  const { types, from, to, excludeCityCentre, view, measure } = state;
  const typeIndex = useMemo(() => new Map(data.crimeTypes.map((t, i) => [t, i])), [data]);
  // Kept while only the months change, so what depends on the types alone stays as it is.
  const typeIndexes = useMemo(
    () => types.map((t) => typeIndex.get(t) ?? -1).filter((i) => i >= 0),
    [typeIndex, types],
  );
  const filter: MapFilter = useMemo(
    () => ({
      types: typeIndexes,
      from: Math.max(0, data.months.indexOf(from)),
      to: Math.max(0, data.months.indexOf(to)),
      excludeCityCentre,
    }),
    [data, typeIndexes, from, to, excludeCityCentre],
  );
  const cumulative = useMemo(() => wardCumulative(data), [data]);
  const totals = useMemo(() => wardTotals(data, filter, cumulative), [data, filter, cumulative]);
  const noun = useMemo(
    () => countedNoun(typeIndexes.map((t) => data.crimeTypes[t] ?? '')),
    [data, typeIndexes],
  );
  // Kept while only the types or the city-centre switch change: the window is the same.
  const coverage = useMemo(
    () => monthCoverage(data, { from: filter.from, to: filter.to }),
    [data, filter.from, filter.to],
  );
  const gapMonths = useMemo(
    () => (coverage.monthsWithoutData.length > 0 ? describeMonths(coverage.monthsWithoutData) : ''),
    [coverage],
  );
  const noTypes = typeIndexes.length === 0;
  const noData = coverage.monthsWithData.length === 0 || noTypes;
  const leedsTotal = useMemo(() => totals.reduce((a, b) => a + b, 0), [totals]);
  const names = useMemo(() => data.wards.map((w) => w.name), [data]);
  // With the city centre excluded, its residents leave each ward's denominator with its crimes.
  const populations = useMemo(
    () => data.wards.map((_, i) => residentsFor(data, { excludeCityCentre }, i)),
    [data, excludeCityCentre],
  );
  const months = coverage.monthsWithData;
  const rates = useMemo(
    () => wardRates(populations, totals, months),
    [populations, totals, months],
  );
  const whollyInCentre = useMemo(() => new Set(wardsWhollyInCentre(data)), [data]);
  const leftOut = excludeCityCentre ? whollyInCentre : NO_WARDS;
  // The wards the centre left out changes in this view: its months and types, as the counts.
  const touched = useMemo(() => {
    if (!filter.excludeCityCentre) return { count: NO_WARDS, rate: NO_WARDS };
    const { crimes, residents } = wardsTouchedByCentre(data, filter, cumulative);
    return { count: new Set(crimes), rate: new Set([...crimes, ...residents]) };
  }, [data, filter, cumulative]);
  const countWithoutCentre = touched.count;
  const rateWithoutCentre = touched.rate;
  const ranking = useMemo(
    () => rankWardsBy(measure, names, totals, rates, leftOut),
    [measure, names, totals, rates, leftOut],
  );
  const leedsRate = useMemo(
    () =>
      wardRate(
        leedsTotal,
        populations.reduce((a, b) => a + b, 0),
        months,
      ),
    [leedsTotal, populations, months],
  );
  const rankOf = useMemo(() => new Map(ranking.map((r) => [r.ward, r.rank])), [ranking]);
  const scale = useMemo(() => {
    if (view !== 'wards' || noData) return null;
    return choroplethScale(choroplethValues(measure, totals, rates, leftOut), LEGEND_STEP[measure]);
  }, [view, measure, totals, rates, leftOut, noData]);
  const unit = rateUnit(months);
  // One object per change of its parts, so the parts of the view built from it are skipped
  // when they did not change.
  return useSame({
    filter,
    totals,
    leedsTotal,
    coverage,
    gapMonths,
    noData,
    noTypes,
    leftOut,
    countWithoutCentre,
    rateWithoutCentre,
    cumulative,
    ranking,
    rankOf,
    rates,
    populations,
    leedsRate,
    rateUnit: unit,
    noun,
    scale,
    measure,
  });
}
