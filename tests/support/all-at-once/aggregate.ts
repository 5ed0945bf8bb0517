// REFERENCE ONLY, for the equivalence tests: the site data's aggregation (pipeline/aggregate.ts) as it was before months were folded
// in one at a time (pipeline commit 3328d69), every month's summary held at once. The folds
// must give the same output from the same summaries; do not use this in the pipeline.
// Monthly summaries + wards -> the site's data (src/data/site-data.json). Pure: no I/O.
// Sums use d3-array, which skips values that are not numbers: every value summed here is a
// count made by summarise.ts (or a Census population checked when the wards were built), so
// none can be missing, and the result is checked against the schema before it is handed on.
// Only the all-at-once driving is kept here; the helpers it calls did not change and are
// imported from pipeline/aggregate.ts.
import { sum } from 'd3-array';
import {
  checkWardCodes,
  forceTotals,
  postcodeDistrictCounts,
  qualityTotals,
  topStreets,
} from '../../../pipeline/aggregate.ts';
import { CRIME_TYPES } from '../../../src/shared/constants.ts';
import {
  parseOrThrow,
  siteDataSchema,
  type MonthSummary,
  type SiteData,
  type Ward,
} from '../../../src/shared/schema.ts';
import { twelveMonthsTo } from '../../../src/shared/months.ts';

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
  const inWindow = sorted
    .filter((s) => s.month >= window.from && s.month <= window.to)
    .map((s) => s.wardStreet);

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
      byWard: orderedWards.map((ward) => topStreets(inWindow, ward.code).streets),
      tiedBeyond: orderedWards.map((ward) => topStreets(inWindow, ward.code).tiedBeyond),
      placeKinds: orderedWards.map((ward) => topStreets(inWindow, ward.code).placeKinds),
    },
    quality: qualityTotals(sorted),
    forces: forceTotals(sorted),
    postcodeDistricts: postcodeDistrictCounts(sorted),
  };
  return parseOrThrow(siteDataSchema, siteData, 'Aggregated site data');
}
