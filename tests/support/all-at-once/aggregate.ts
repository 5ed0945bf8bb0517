// REFERENCE ONLY, for the equivalence tests: the site data's aggregation (pipeline/aggregate.ts) as it was before months were folded
// in one at a time (pipeline commit 3328d69), every month's summary held at once. The folds
// must give the same output from the same summaries; do not use this in the pipeline.
// Monthly summaries + wards -> the site's data (src/data/site-data.json). Pure: no I/O.
// Sums use d3-array, which skips values that are not numbers: every value summed here is a
// count made by summarise.ts (or a Census population checked when the wards were built), so
// none can be missing, and the result is checked against the schema before it is handed on.
import { rollup, sum } from 'd3-array';
import { CRIME_TYPES } from '../../../src/shared/constants.ts';
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
} from '../../../src/shared/schema.ts';
import { twelveMonthsTo } from '../../../src/shared/months.ts';

/** Streets listed per ward page: enough to show where crime concentrates, short enough to read. */
export const TOP_STREETS_PER_WARD = 10;

export function aggregateSiteData(
  summaries: readonly MonthSummary[],
  wards: readonly Ward[],
  generatedAt: string,
): SiteData {
  if (summaries.length === 0) {
    throw new Error('No months to aggregate: the site needs at least one month of data.');
  }
  const sorted = [...summaries].sort((a, b) => a.month.localeCompare(b.month));
  const months = sorted.map((s) => s.month);
  const duplicate = months.find((m, i) => months[i - 1] === m);
  if (duplicate) throw new Error(`Month ${duplicate} was given twice; each month has one source.`);

  const orderedWards = [...wards].sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
  checkWardCodes(sorted, orderedWards);

  const outcomeCategories = [
    ...new Set(sorted.flatMap((s) => Object.values(s.wardOutcome).flatMap(Object.keys))),
  ].sort();

  const latest = months.at(-1) as string;
  const window = twelveMonthsTo(latest);
  const inWindow = sorted.filter((s) => s.month >= window.from && s.month <= window.to);

  const siteData: SiteData = {
    schemaVersion: 1,
    generatedAt,
    crimeTypes: [...CRIME_TYPES],
    months,
    provenance: sorted.map(({ month, source, snapshot, fetchedAt, rows }) => ({
      month,
      source,
      snapshot,
      fetchedAt,
      rows,
    })),
    wards: orderedWards,
    leedsPopulation: sum(orderedWards, (w) => w.population),
    counts: orderedWards.map((ward) =>
      sorted.map((s) => s.wardType[ward.code] ?? CRIME_TYPES.map(() => 0)),
    ),
    outcomeCategories,
    outcomes: orderedWards.map((ward) =>
      sorted.map((s) => outcomeCategories.map((o) => s.wardOutcome[ward.code]?.[o] ?? 0)),
    ),
    topStreets: {
      window,
      byWard: orderedWards.map((ward) => topStreets(inWindow, ward.code)),
    },
    quality: qualityTotals(sorted),
    forces: forceTotals(sorted),
    postcodeDistricts: postcodeDistrictCounts(sorted),
  };
  return parseOrThrow(siteDataSchema, siteData, 'Aggregated site data');
}

/** A ward code in a summary that no ward has would lose its crimes without trace. */
function checkWardCodes(summaries: readonly MonthSummary[], wards: readonly Ward[]): void {
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

function topStreets(
  summaries: readonly MonthSummary[],
  wardCode: string,
): { location: string; count: number }[] {
  const totals = rollup(
    summaries.flatMap((summary) => Object.entries(summary.wardStreet[wardCode] ?? {})),
    (entries) => sum(entries, ([, count]) => count),
    ([location]) => location,
  );
  return [...totals]
    .map(([location, count]) => ({ location, count }))
    .sort((a, b) => b.count - a.count || a.location.localeCompare(b.location))
    .slice(0, TOP_STREETS_PER_WARD);
}

/** Kept rows by force over the months, most first (then by name). */
export function forceTotals(summaries: readonly MonthSummary[]): ForceCounts {
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
  summaries: readonly MonthSummary[],
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
export function qualityTotals(summaries: readonly MonthSummary[]): SiteData['quality'] {
  const total = (count: (s: MonthSummary) => number) => sum(summaries, count);
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
