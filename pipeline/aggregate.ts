// Monthly summaries + wards -> the site's data (src/data/site-data.json), months folded in one
// at a time (SiteDataFold). Pure: no I/O.
// Sums use d3-array, which skips values that are not numbers: every value summed here is a
// count made by summarise.ts (or a Census population checked when the wards were built), so
// none can be missing, and the result is checked against the schema before it is handed on.
import { sum } from 'd3-array';
import { CRIME_TYPES } from '../src/shared/constants.ts';
import {
  DROP_REASONS,
  parseOrThrow,
  siteDataSchema,
  type Coverage,
  type DropCounts,
  type ForceCounts,
  type MonthSummary,
  type SiteData,
  type Ward,
} from '../src/shared/schema.ts';
import { twelveMonthsTo } from '../src/shared/months.ts';
import { placeKindOf, type PlaceKind } from '../src/shared/place-kinds.ts';
import { monthParts, type MonthParts, type MonthTotals, type WardStreets } from './month-parts.ts';

/** Streets listed per ward page: enough to show where crime concentrates, short enough to read. */
export const TOP_STREETS_PER_WARD = 10;

/** What the site data takes from a month (see month-parts.ts). */
export type SiteDataMonth = Pick<MonthParts, 'totals' | 'streets'>;

/** What a SiteDataFold holds, in plain values (structured-clone safe). See SiteDataFold.save. */
export interface SiteDataFoldState {
  totals: MonthTotals[];
  streets: [string, WardStreets | null][];
  latest: string;
}

/**
 * The site's data of months folded in one at a time, in any order: add each month (replace
 * one that changed), then take the result. Each month's totals are kept, and the streets of
 * only the months that can still be among the latest 12.
 */
export class SiteDataFold {
  private readonly totals = new Map<string, MonthTotals>();
  /** By month; null where the streets were left out (see MonthParts). */
  private readonly streets = new Map<string, WardStreets | null>();
  private latest = '';

  /** `state`: where to start from, what save() returned. */
  constructor(state?: SiteDataFoldState) {
    if (state === undefined) return;
    for (const totals of state.totals) this.totals.set(totals.month, totals);
    for (const [month, streets] of state.streets) this.streets.set(month, streets);
    this.latest = state.latest;
  }

  /** What the fold holds now; a new fold given it carries on from here. */
  save(): SiteDataFoldState {
    return { totals: [...this.totals.values()], streets: [...this.streets], latest: this.latest };
  }

  /** Fold in a month. Each month is added once. */
  add(month: SiteDataMonth): void {
    if (this.totals.has(month.totals.month)) {
      throw new Error(`Month ${month.totals.month} was given twice; each month has one source.`);
    }
    this.set(month);
  }

  /** Fold in a month in place of the one added before (a month that lost rows). */
  replace(month: SiteDataMonth): void {
    if (!this.totals.has(month.totals.month)) {
      throw new Error(`${month.totals.month} cannot be replaced: it was never added.`);
    }
    this.set(month);
  }

  private set({ totals, streets }: SiteDataMonth): void {
    const { month } = totals;
    this.totals.set(month, totals);
    if (month > this.latest) {
      this.latest = month;
      const { from } = twelveMonthsTo(month);
      for (const earlier of this.streets.keys()) if (earlier < from) this.streets.delete(earlier);
    }
    if (month >= twelveMonthsTo(this.latest).from) this.streets.set(month, streets);
  }

  /** The site data of the months folded in, with `wards`. */
  result(wards: readonly Ward[], generatedAt: string): SiteData {
    if (this.totals.size === 0) {
      throw new Error('No months to aggregate: the site needs at least one month of data.');
    }
    const sorted = [...this.totals.values()].sort((a, b) => a.month.localeCompare(b.month));
    const months = sorted.map((s) => s.month);

    const orderedWards = [...wards].sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
    checkWardCodes(sorted, orderedWards);

    const outcomeCategories = [
      ...new Set(sorted.flatMap((s) => Object.values(s.wardOutcome).flatMap(Object.keys))),
    ].sort();

    const window = twelveMonthsTo(this.latest);
    const inWindow = [...this.streets]
      .filter(([month]) => month >= window.from && month <= window.to)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([month, wardStreet]) => {
        if (wardStreet === null) {
          throw new Error(
            `The streets of ${month} were left out, but it is among the latest 12 months ` +
              `(${window.from} to ${window.to}): the top streets would miss its crimes.`,
          );
        }
        return wardStreet;
      });
    const tops = orderedWards.map((ward) => topStreets(inWindow, ward.code));

    const siteData: SiteData = {
      schemaVersion: 1,
      generatedAt,
      crimeTypes: [...CRIME_TYPES],
      months,
      provenance: sorted.map(({ month, source, snapshot, fetchedAt, rows, forces }) => ({
        month,
        source,
        snapshot,
        fetchedAt,
        rows,
        forces,
      })),
      wards: orderedWards,
      districtPopulation: sum(orderedWards, (w) => w.population),
      counts: orderedWards.map((ward) =>
        sorted.map((s) => s.wardType[ward.code] ?? CRIME_TYPES.map(() => 0)),
      ),
      outcomeCategories,
      outcomes: orderedWards.map((ward) =>
        sorted.map((s) => outcomeCategories.map((o) => s.wardOutcome[ward.code]?.[o] ?? 0)),
      ),
      topStreets: {
        window,
        byWard: tops.map((t) => t.streets),
        tiedBeyond: tops.map((t) => t.tiedBeyond),
        placeKinds: tops.map((t) => t.placeKinds),
      },
      quality: qualityTotals(sorted),
      forces: forceTotals(sorted),
      postcodeDistricts: postcodeDistrictCounts(sorted),
    };
    return parseOrThrow(siteDataSchema, siteData, 'Aggregated site data');
  }
}

/** The site data of `summaries` (any order, one per month): every month folded into one SiteDataFold. */
export function aggregateSiteData(
  summaries: readonly MonthSummary[],
  wards: readonly Ward[],
  generatedAt: string,
): SiteData {
  const fold = new SiteDataFold();
  for (const summary of summaries) fold.add(monthParts(summary));
  return fold.result(wards, generatedAt);
}

/** A ward code in a summary that no ward has would lose its crimes without trace. */
export function checkWardCodes(summaries: readonly MonthTotals[], wards: readonly Ward[]): void {
  const known = new Set(wards.map((w) => w.code));
  for (const summary of summaries) {
    const unknown = Object.keys(summary.wardType).filter((code) => !known.has(code));
    if (unknown.length > 0) {
      throw new Error(
        `The summary of ${summary.month} has crimes in ward(s) ${unknown.join(', ')} that are not ` +
          'among the wards given; rebuild the month with the current ward boundaries.',
      );
    }
  }
}

/** A ward's top streets over some months, and its crimes at the kinds of place police.uk names. */
export interface WardTopStreets {
  streets: { location: string; count: number }[];
  tiedBeyond: number;
  placeKinds: { kind: PlaceKind; count: number }[];
}

/**
 * The ward's `TOP_STREETS_PER_WARD` streets with the most crimes over `months`, most first (then
 * by name), and how many streets left out tie with the last one kept (a reader must not take
 * the last as the only one with its count). A ward has thousands of streets, most with a crime
 * or two: sorting them all (a locale comparison for every tie) took most of the site-data
 * step, so only the best so far are kept, in order, each street placed after those it ties
 * with as a stable sort would.
 *
 * A location police.uk names only by a kind of place ("On or near Supermarket": placeKindOf)
 * is every such place of the ward added together, not one street: it is left out of the
 * ranking and counted in `placeKinds` instead, most first (then by kind), so no crime is lost.
 */
export function topStreets(months: readonly WardStreets[], wardCode: string): WardTopStreets {
  const totals = new Map<string, number>();
  const kinds = new Map<PlaceKind, number>();
  for (const wardStreet of months) {
    for (const [location, count] of Object.entries(wardStreet[wardCode] ?? {})) {
      const kind = placeKindOf(location);
      if (kind === null) totals.set(location, (totals.get(location) ?? 0) + count);
      else kinds.set(kind, (kinds.get(kind) ?? 0) + count);
    }
  }
  const top: { location: string; count: number }[] = [];
  // Then by the names' code units: localeCompare calls some different names equal (a name
  // with an accent as one character or as two, a soft hyphen), whose order would then be the
  // rows'.
  const before = (a: { location: string; count: number }, b: typeof a) =>
    b.count - a.count ||
    a.location.localeCompare(b.location) ||
    (a.location < b.location ? -1 : a.location > b.location ? 1 : 0);
  for (const [location, count] of totals) {
    const street = { location, count };
    const last = top.at(-1);
    if (top.length === TOP_STREETS_PER_WARD && last !== undefined && before(street, last) >= 0) {
      continue;
    }
    let at = top.length;
    while (at > 0 && before(street, top[at - 1]!) < 0) at -= 1;
    top.splice(at, 0, street);
    if (top.length > TOP_STREETS_PER_WARD) top.pop();
  }
  const cut = top.length === TOP_STREETS_PER_WARD ? top.at(-1)?.count : undefined;
  let tiedBeyond = 0;
  if (cut !== undefined) {
    for (const count of totals.values()) if (count === cut) tiedBeyond += 1;
    tiedBeyond -= top.filter((s) => s.count === cut).length;
  }
  const placeKinds = [...kinds]
    .map(([kind, count]) => ({ kind, count }))
    .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
  return { streets: top, tiedBeyond, placeKinds };
}

/** Kept rows by force over the months, most first (then by name). */
export function forceTotals(summaries: readonly MonthTotals[]): ForceCounts {
  const totals = new Map<string, { reportedBy: string; fallsWithin: string; count: number }>();
  for (const s of summaries) {
    for (const { reportedBy, fallsWithin, count } of s.forces) {
      const key = JSON.stringify([reportedBy, fallsWithin]);
      const entry = totals.get(key) ?? { reportedBy, fallsWithin, count: 0 };
      entry.count += count;
      totals.set(key, entry);
    }
  }
  return [...totals.values()].sort(
    (a, b) =>
      b.count - a.count ||
      a.reportedBy.localeCompare(b.reportedBy) ||
      a.fallsWithin.localeCompare(b.fallsWithin),
  );
}

/** Kept rows by how their postcode district was found, summed over the months. */
export function postcodeDistrictCounts(
  summaries: readonly MonthTotals[],
): SiteData['postcodeDistricts'] {
  const counts = { exact: 0, approximate: 0, none: 0 };
  for (const s of summaries) {
    counts.approximate += s.postcodeDistrictApproximate;
    counts.exact += s.coverage.postcodeDistrict - s.postcodeDistrictApproximate;
    counts.none += s.kept - s.coverage.postcodeDistrict;
  }
  return counts;
}

/** Rows read, kept, dropped by reason and coverage, summed over the months. */
export function qualityTotals(summaries: readonly MonthTotals[]): SiteData['quality'] {
  const total = (count: (s: MonthTotals) => number) => sum(summaries, count);
  const coverage = (key: keyof Coverage) => total((s) => s.coverage[key]);
  return {
    read: total((s) => s.read),
    kept: total((s) => s.kept),
    dropped: Object.fromEntries(
      DROP_REASONS.map((r) => [r, total((s) => s.dropped[r] ?? 0)]),
    ) as DropCounts,
    coverage: {
      lsoa: coverage('lsoa'),
      ward: coverage('ward'),
      postcodeDistrict: coverage('postcodeDistrict'),
      pollingDistrict: coverage('pollingDistrict'),
    },
  };
}
