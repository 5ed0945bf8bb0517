// Monthly summaries + wards -> the site's data (src/data/site-data.json). Pure: no I/O.
import { CRIME_TYPES } from '../src/shared/constants.ts';
import {
  DROP_REASONS,
  parseOrThrow,
  siteDataSchema,
  type Coverage,
  type DropCounts,
  type MonthSummary,
  type SiteData,
  type Ward,
} from '../src/shared/schema.ts';
import { twelveMonthsTo } from '../src/shared/months.ts';

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
    leedsPopulation: orderedWards.reduce((sum, w) => sum + w.population, 0),
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
  const totals = new Map<string, number>();
  for (const summary of summaries) {
    for (const [location, count] of Object.entries(summary.wardStreet[wardCode] ?? {})) {
      totals.set(location, (totals.get(location) ?? 0) + count);
    }
  }
  return [...totals]
    .map(([location, count]) => ({ location, count }))
    .sort((a, b) => b.count - a.count || a.location.localeCompare(b.location))
    .slice(0, TOP_STREETS_PER_WARD);
}

/** Rows read, kept, dropped by reason and coverage, summed over the months. */
export function qualityTotals(summaries: readonly MonthSummary[]): SiteData['quality'] {
  const dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as DropCounts;
  const coverage: Coverage = { lsoa: 0, ward: 0, postcodeDistrict: 0, pollingDistrict: 0 };
  let read = 0;
  let kept = 0;
  for (const s of summaries) {
    read += s.read;
    kept += s.kept;
    for (const reason of DROP_REASONS) dropped[reason] += s.dropped[reason] ?? 0;
    for (const key of Object.keys(coverage) as (keyof Coverage)[]) coverage[key] += s.coverage[key];
  }
  return { read, kept, dropped, coverage };
}
