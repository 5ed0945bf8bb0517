// Month summaries built from the committed sample months (data/sample/archive), through the
// project's own locator and summariser, so map tests run on real snap points.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { createLocator, loadGeography } from '../../pipeline/geo.ts';
import { createMonthSummariser } from '../../pipeline/summarise.ts';
import { CRIME_TYPES, type CrimeType } from '../../src/shared/constants.ts';
import {
  parseOrThrow,
  siteDataSchema,
  type MonthSummary,
  type Ward,
} from '../../src/shared/schema.ts';

export const SAMPLE_MONTHS = ['2024-03', '2025-02', '2025-03'] as const;

const CRIME_TYPE_SET: ReadonlySet<string> = new Set(CRIME_TYPES);

export async function sampleSummaries(): Promise<{ summaries: MonthSummary[]; wards: Ward[] }> {
  const geography = await loadGeography('data/reference');
  const locator = createLocator(geography);
  const summaries: MonthSummary[] = [];
  for (const month of SAMPLE_MONTHS) {
    const text = await readFile(
      `data/sample/archive/${month}/${month}-west-yorkshire-street.csv`,
      'utf8',
    );
    const rows: Record<string, string>[] = parse(text, { columns: true });
    const summariser = createMonthSummariser({
      month,
      source: 'archive',
      snapshot: 'sample',
      fetchedAt: '2025-05-01T00:00:00.000Z',
    });
    for (const row of rows) {
      summariser.read();
      const lon = Number(row['Longitude']);
      const lat = Number(row['Latitude']);
      const crimeType = row['Crime type'] ?? '';
      if (row['Longitude'] === '' || !Number.isFinite(lon) || !Number.isFinite(lat)) {
        summariser.drop('no-coordinates');
        continue;
      }
      if (!CRIME_TYPE_SET.has(crimeType)) {
        summariser.drop('malformed-crime-type');
        continue;
      }
      const place = locator.locate(lon, lat);
      if (place === null) {
        summariser.drop('outside-leeds');
        continue;
      }
      summariser.add({
        crimeId: row['Crime ID'] ?? '',
        month,
        reportedBy: row['Reported by'] ?? '',
        fallsWithin: row['Falls within'] ?? '',
        longitude: lon,
        latitude: lat,
        location: row['Location'] ?? '',
        lsoaCode: row['LSOA code'] ?? '',
        lsoaName: row['LSOA name'] ?? '',
        crimeType: crimeType as CrimeType,
        lastOutcome: row['Last outcome category'] ?? '',
        context: row['Context'] ?? '',
        wardCode: place.wardCode,
        wardName: place.wardName,
        postcodeDistrict: place.postcodeDistrict,
        pollingDistrict: place.pollingDistrict,
      });
    }
    summaries.push(summariser.finish());
  }
  // The committed site data holds the 33 wards (codes, slugs, populations).
  const siteData = parseOrThrow(
    siteDataSchema,
    JSON.parse(await readFile('src/data/site-data.json', 'utf8')),
    'src/data/site-data.json',
  );
  return { summaries, wards: siteData.wards };
}
