// The figures the reports show, computed from the site data. Pure and DOM-free.
// A month absent from `data.months` has no data: it is left out of sums and shown as a gap.
import { range, sum } from 'd3-array';
import { formatShare, listInWords, rankRatesAsShown } from './format.ts';
import type { SiteData, Ward } from '../shared/schema.ts';
import { ANTI_SOCIAL_BEHAVIOUR } from '../shared/constants.ts';
import {
  annualisedRate,
  compareCounts,
  rankWithTies,
  rateIn,
  rateWindow,
  type Change,
  type RateWindow,
} from '../shared/rates.ts';
import {
  addMonths,
  describeMonths,
  monthRange,
  monthsOfYear,
  shortMonth,
  twelveMonthsTo,
  yearOf,
} from '../shared/months.ts';

/** A span of calendar months and which of them have data. */
export interface Period {
  from: string;
  to: string;
  /** Every calendar month of the span. */
  calendar: string[];
  /** Months of the span that have data (ascending). */
  withData: string[];
  /** Months of the span without data. */
  missing: string[];
  /** Of `missing`, those before the data's first month (outsideData). */
  before: string[];
  /** Of `missing`, those after the data's latest month (outsideData). */
  after: string[];
}

/**
 * Where a month lies against the data's months: 'before' its first month, 'after' its latest
 * (a month not published, or not in the data, yet), or null within them, where a month
 * without data is a gap.
 */
export function outsideData(data: SiteData, month: string): 'before' | 'after' | null {
  const first = data.months[0];
  const last = data.months.at(-1);
  if (first !== undefined && month < first) return 'before';
  if (last !== undefined && month > last) return 'after';
  return null;
}

export function period(data: SiteData, from: string, to: string): Period {
  const have = new Set(data.months);
  const calendar = monthRange(from, to);
  const missing = calendar.filter((m) => !have.has(m));
  return {
    from,
    to,
    calendar,
    withData: calendar.filter((m) => have.has(m)),
    missing,
    before: missing.filter((m) => outsideData(data, m) === 'before'),
    after: missing.filter((m) => outsideData(data, m) === 'after'),
  };
}

/**
 * A period's months as a link to the map gives them: cut to the data's first and last month,
 * the map's own range, so a page never sends readers to the map with months it has not (which
 * the map would name as a link it cannot follow). Months without data inside that range stay:
 * the map shows them as gaps.
 */
export function mapMonths(
  data: SiteData,
  p: Pick<Period, 'from' | 'to'>,
): { from: string; to: string } {
  const first = data.months[0];
  const last = data.months.at(-1);
  if (first === undefined || last === undefined) throw new Error('The site data has no months.');
  const from = p.from < first ? first : p.from;
  const to = p.to > last ? last : p.to;
  if (from > to) {
    throw new Error(`${p.from} to ${p.to} holds no month of the data (${first} to ${last}).`);
  }
  return { from, to };
}

/**
 * A period in words as a caption or description states it: "Apr 2024 to Mar 2025", naming the
 * months with data when some of its months have none ("Apr 2024 to Mar 2025 (months with data:
 * Feb–Mar 2025)"), so the span is never read as every month of it.
 */
export function periodInWords(p: Pick<Period, 'from' | 'to' | 'withData' | 'missing'>): string {
  const span = `${shortMonth(p.from)} to ${shortMonth(p.to)}`;
  return p.missing.length === 0
    ? span
    : `${span} (months with data: ${describeMonths(p.withData)})`;
}

/** The 12 calendar months ending with the latest month that has data. */
export function latestTwelveMonths(data: SiteData): Period {
  const latest = data.months.at(-1);
  if (latest === undefined) throw new Error('The site data has no months.');
  const { from, to } = twelveMonthsTo(latest);
  return period(data, from, to);
}

export function yearPeriod(data: SiteData, year: number): Period {
  const months = monthsOfYear(year);
  return period(data, months[0] as string, months[11] as string);
}

/** Years that have at least one month of data, ascending: the years with a page of their own. */
export function yearsWithData(data: SiteData): number[] {
  return [...new Set(data.months.map(yearOf))];
}

/**
 * Every calendar year from the first month with data to the latest, ascending: what a range of
 * months shows, a year without any data among them as twelve gaps, never left out.
 */
export function calendarYears(data: SiteData): number[] {
  const first = data.months[0];
  const last = data.months.at(-1);
  if (first === undefined || last === undefined) return [];
  return range(yearOf(first), yearOf(last) + 1);
}

/**
 * The years of a year page's month-by-month table: the year, after the year before it when
 * that lies within the data, as gaps if it has none (the download of the table holds the same
 * years).
 */
export function monthGridYears(data: SiteData, year: number): number[] {
  return calendarYears(data).filter((y) => y === year || y === year - 1);
}

/** The nearest years with data (with a page) before and after `year`; null where there is none. */
export function neighbourYears(
  data: SiteData,
  year: number,
): { previous: number | null; next: number | null } {
  const years = yearsWithData(data);
  return {
    previous: years.findLast((y) => y < year) ?? null,
    next: years.find((y) => y > year) ?? null,
  };
}

function monthIndexes(data: SiteData, months: readonly string[]): number[] {
  return months.map((m) => {
    const i = data.months.indexOf(m);
    if (i < 0) throw new Error(`Month ${m} has no data; it cannot be summed.`);
    return i;
  });
}

/** Which wards to sum: one ward's index, or null for all of Leeds. */
export type WardSelection = number | null;

function wardIndexes(data: SiteData, ward: WardSelection): number[] {
  return ward === null ? data.wards.map((_, i) => i) : [ward];
}

/** Crimes by type (indexed like data.crimeTypes) over the given months with data. */
export function typeCounts(
  data: SiteData,
  ward: WardSelection,
  months: readonly string[],
): number[] {
  const totals = data.crimeTypes.map(() => 0);
  for (const w of wardIndexes(data, ward)) {
    for (const m of monthIndexes(data, months)) {
      data.counts[w]?.[m]?.forEach((n, t) => (totals[t] = (totals[t] ?? 0) + n));
    }
  }
  return totals;
}

/** d3-array's sum: the counts summed on the pages come from the schema-checked site data. */
export { sum };

/** Total crimes in one month, or null when the month has no data (a gap, never a zero). */
export function monthTotal(data: SiteData, ward: WardSelection, month: string): number | null {
  return data.months.includes(month) ? sum(typeCounts(data, ward, [month])) : null;
}

/** Crimes by outcome category (indexed like data.outcomeCategories) over the given months. */
export function outcomeCounts(
  data: SiteData,
  ward: WardSelection,
  months: readonly string[],
): number[] {
  const totals = data.outcomeCategories.map(() => 0);
  for (const w of wardIndexes(data, ward)) {
    for (const m of monthIndexes(data, months)) {
      data.outcomes[w]?.[m]?.forEach((n, o) => (totals[o] = (totals[o] ?? 0) + n));
    }
  }
  return totals;
}

export function population(data: SiteData, ward: WardSelection): number {
  return ward === null ? data.districtPopulation : (data.wards[ward]?.population ?? 0);
}

/** Counts by type (indexed like data.crimeTypes) split into crimes and anti-social behaviour. */
export function crimesAndAsb(
  data: SiteData,
  byType: readonly number[],
): { crimes: number; asb: number; total: number } {
  const asbIndex = data.crimeTypes.indexOf(ANTI_SOCIAL_BEHAVIOUR);
  const total = sum(byType);
  const asb = asbIndex < 0 ? 0 : (byType[asbIndex] ?? 0);
  return { crimes: total - asb, asb, total };
}

/**
 * The forces that reported the data, as police.uk names them ("Reported by"), most rows first:
 * "West Yorkshire Police", or "West Yorkshire Police and British Transport Police".
 */
export function reportingForces(data: SiteData): string {
  const names = [...new Set(data.forces.map((f) => f.reportedBy))];
  return names.length === 0 ? 'no force' : listInWords(names);
}

/** A rate and the window it covers: annual when its months of data make a year, see rates.ts. */
export interface Rate {
  value: number | null;
  window: RateWindow;
}

/** The rate of `count` among the residents of `ward` (null: Leeds) over `months` with data. */
export function rateOver(
  data: SiteData,
  ward: WardSelection,
  count: number,
  months: readonly string[],
): Rate {
  return {
    value: annualisedRate(count, population(data, ward), months),
    window: rateWindow(months),
  };
}

/** The same months a year earlier, compared only where both months have data. */
export interface YearOnYear {
  /** Pairs [month, the same month a year earlier], both with data. */
  pairs: [string, string][];
  current: number;
  earlier: number;
  /** The change judged against chance, with its percentage when the counts allow one. */
  change: Change;
}

export function yearOnYear(
  data: SiteData,
  ward: WardSelection,
  months: readonly string[],
): YearOnYear | null {
  const have = new Set(data.months);
  const pairs = months
    .map((m): [string, string] => [m, addMonths(m, -12)])
    .filter(([m, earlier]) => have.has(m) && have.has(earlier));
  if (pairs.length === 0) return null;
  const total = (list: readonly string[]) => sum(typeCounts(data, ward, list));
  const current = total(pairs.map(([m]) => m));
  const earlier = total(pairs.map(([, e]) => e));
  return { pairs, current, earlier, change: compareCounts(current, earlier) };
}

/**
 * The months a comparison sets side by side, as the pages name them: "Mar 2025 against Mar
 * 2024". A figure beside it is read as the change between these months alone, never as the
 * whole window's.
 */
export function comparedMonths(comparison: Pick<YearOnYear, 'pairs'>): string {
  const now = comparison.pairs.map(([m]) => m);
  const before = comparison.pairs.map(([, e]) => e);
  return `${describeMonths(now)} against ${describeMonths(before)}`;
}

export interface WardRow {
  index: number;
  code: string;
  name: string;
  slug: string;
  population: number;
  total: number;
  /** Per 1,000 residents over the window (see rateWindow); null without residents. */
  rate: number | null;
  /** 1 = most crimes. */
  rank: number;
  /** 1 = highest rate per 1,000 residents; null without a rate. */
  rateRank: number | null;
  yearOnYear: YearOnYear | null;
}

/**
 * A ward with at least this share of its residents in the district's centre has its rate per
 * resident inflated enough for its pages and tables to say so: far more people work in,
 * visit and go out in a centre than live there (Leeds: Little London and Woodhouse 56%,
 * Hunslet and Riverside 10%; every other ward under 1%).
 */
export const CENTRE_WARD_SHARE = 0.05;

/** The share of a ward's residents who live in the district's centre (0 without residents). */
export function centreShare(ward: Pick<Ward, 'population' | 'cityCentreResidents'>): number {
  return ward.population > 0 ? ward.cityCentreResidents / ward.population : 0;
}

/** Whether a ward's rate per resident is inflated by the centre (CENTRE_WARD_SHARE). */
export function isCentreWard(ward: Pick<Ward, 'population' | 'cityCentreResidents'>): boolean {
  return centreShare(ward) >= CENTRE_WARD_SHARE;
}

/**
 * Whether the centre inflates the rate of a ward that counts `total` crimes and incidents over
 * the rate's months: a centre ward's (isCentreWard) that counts some. A rate of 0 (none in those
 * months, as in a quiet centre ward) has nothing to inflate, so nothing says it is inflated.
 */
export function centreInflatesRate(
  ward: Pick<Ward, 'population' | 'cityCentreResidents'>,
  total: number,
): boolean {
  return total > 0 && isCentreWard(ward);
}

/**
 * Of a page's wards whose rates it shows (`rows`, each with its count over the rate's months),
 * those whose rates the centre inflates (centreInflatesRate), in the data's order of wards.
 */
export function centreInflatedWards(
  data: SiteData,
  rows: readonly Pick<WardRow, 'index' | 'total'>[],
): Ward[] {
  return [...rows]
    .sort((a, b) => a.index - b.index)
    .flatMap((row) => {
      const ward = data.wards[row.index];
      return ward !== undefined && centreInflatesRate(ward, row.total) ? [ward] : [];
    });
}

/**
 * Whether every resident of a ward lives in the district's centre (Sheffield's City ward, which
 * is its centre): left out with the centre, nothing of it is left, no resident and no rate.
 */
export function liesWhollyInCentre(
  ward: Pick<Ward, 'population' | 'cityCentreResidents'>,
): boolean {
  return ward.population > 0 && ward.cityCentreResidents >= ward.population;
}

/**
 * Why the rates per resident of `wards` (centre wards: isCentreWard) run high, the sentence the
 * reports' caveat (CentreCaveat) and the map's ward details give: the share of each one's
 * residents who live in the `centre`, where far more people are than live.
 */
export function centreInflationSentence(
  wards: readonly Pick<Ward, 'name' | 'population' | 'cityCentreResidents'>[],
  centre: { label: string; description: string },
): string {
  const one = wards.length === 1;
  const shares = listInWords(wards.map((w) => `${formatShare(centreShare(w))} of ${w.name}'s`));
  return (
    `${shares} residents live in the ${centre.label} (${centre.description}), where far more ` +
    `people work, visit and go out than live: ${one ? 'its rate' : 'their rates'} per resident ` +
    `${one ? 'is' : 'are'} inflated, as ${one ? 'it counts' : 'they count'} crimes per ` +
    'resident, not the risk to a person who is there.'
  );
}

/** Every ward's figures over `months` (months with data), in data.wards order. */
export function wardRows(data: SiteData, months: readonly string[]): WardRow[] {
  const totals = data.wards.map((_, i) => sum(typeCounts(data, i, months)));
  // One window for every ward: it depends on the months alone.
  const window = rateWindow(months);
  const rates = totals.map((t, i) => rateIn(window, t, population(data, i)));
  const ranks = rankWithTies(totals);
  const rateRanks = rankRatesAsShown(rates);
  return data.wards.map((ward, i) => ({
    index: i,
    code: ward.code,
    name: ward.name,
    slug: ward.slug,
    population: ward.population,
    total: totals[i] ?? 0,
    rate: rates[i] ?? null,
    rank: ranks[i] ?? 0,
    rateRank: rateRanks[i] ?? null,
    yearOnYear: yearOnYear(data, i, months),
  }));
}

/** Each value's share of the total, 0 when the total is 0. */
export function shares(values: readonly number[]): number[] {
  const total = sum(values);
  return values.map((v) => (total === 0 ? 0 : v / total));
}
