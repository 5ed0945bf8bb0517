// Month summaries built from the committed sample months (data/sample/archive) with the
// pipeline's own steps (normalise, locate, enrich, summarise), so map tests run on real snap
// points and real ward and postcode assignments, with the 33 wards as the pipeline builds them.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { enrich } from '../../pipeline/enrich.ts';
import { createLocator, loadGeography } from '../../pipeline/geo.ts';
import { normaliseArchiveRow, type ArchiveRow } from '../../pipeline/normalise.ts';
import { createMonthSummariser } from '../../pipeline/summarise.ts';
import { LEEDS_CENTRE } from '../../pipeline/population.ts';
import { buildWards } from '../../pipeline/wards.ts';
import type { MonthSummary, Ward } from '../../src/shared/schema.ts';

export const SAMPLE_MONTHS = ['2024-03', '2025-02', '2025-03'] as const;

/**
 * The summaries of the sample months and the wards; `keep` (month, row index) leaves rows out
 * of a month, as a recount without them would (for the folds' replace()).
 */
export async function sampleSummaries(
  keep: (month: string, index: number) => boolean = () => true,
): Promise<{ summaries: MonthSummary[]; wards: Ward[] }> {
  const geography = await loadGeography('data/reference');
  const locator = createLocator(geography);
  const summaries: MonthSummary[] = [];
  for (const month of SAMPLE_MONTHS) {
    const text = await readFile(
      `data/sample/archive/${month}/${month}-west-yorkshire-street.csv`,
      'utf8',
    );
    const rows: ArchiveRow[] = parse(text, { columns: true });
    const summariser = createMonthSummariser({
      month,
      source: 'archive',
      snapshot: 'sample',
      fetchedAt: '2025-05-01T00:00:00.000Z',
    });
    for (const [index, row] of rows.entries()) {
      if (!keep(month, index)) continue;
      summariser.read();
      const normalised = normaliseArchiveRow(row);
      if (!normalised.ok) {
        summariser.drop(normalised.reason);
        continue;
      }
      const { record } = normalised;
      const place = locator.locate(record.longitude, record.latitude);
      if (place === null) summariser.drop('outside-district');
      else summariser.add(enrich(record, place, 'archive'));
    }
    summaries.push(summariser.finish());
  }
  return { summaries, wards: buildWards(geography, LEEDS_CENTRE) };
}
