// The real sample months as plain rows and records, for the geography tests.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { type CrimeRecord, crimeRecordSchema, parseOrThrow } from '../../src/shared/schema.ts';

export const SAMPLE_MONTHS = ['2024-03', '2025-02', '2025-03'] as const;

export interface SampleRow {
  file: string;
  line: number;
  lon: number;
  lat: number;
  lsoaCode: string;
  lsoaName: string;
  record: CrimeRecord;
}

let cache: SampleRow[] | undefined;

/** Every street row of the sample archive (26,721 rows). */
export function sampleRows(): SampleRow[] {
  if (cache !== undefined) return cache;
  cache = SAMPLE_MONTHS.flatMap((month) => {
    const file = `data/sample/archive/${month}/${month}-west-yorkshire-street.csv`;
    const rows: Record<string, string>[] = parse(readFileSync(file), { columns: true });
    return rows.map((row, index): SampleRow => {
      const lon = Number(row['Longitude']);
      const lat = Number(row['Latitude']);
      const record = parseOrThrow(
        crimeRecordSchema,
        {
          crimeId: row['Crime ID'] ?? '',
          month: row['Month'] ?? '',
          reportedBy: row['Reported by'] ?? '',
          fallsWithin: row['Falls within'] ?? '',
          longitude: lon,
          latitude: lat,
          location: row['Location'] ?? '',
          lsoaCode: row['LSOA code'] ?? '',
          lsoaName: row['LSOA name'] ?? '',
          crimeType: row['Crime type'] ?? '',
          lastOutcome: row['Last outcome category'] ?? '',
          context: row['Context'] ?? '',
        },
        `${file}:${index + 2}`,
      );
      return {
        file,
        line: index + 2,
        lon,
        lat,
        lsoaCode: record.lsoaCode,
        lsoaName: record.lsoaName,
        record,
      };
    });
  });
  return cache;
}

/** Distinct coordinates of the sample rows, with how many rows sit on each. */
export function sampleCoordinates(): { lon: number; lat: number; rows: number }[] {
  const byKey = new Map<string, { lon: number; lat: number; rows: number }>();
  for (const row of sampleRows()) {
    const key = `${row.lon},${row.lat}`;
    const entry = byKey.get(key) ?? { lon: row.lon, lat: row.lat, rows: 0 };
    entry.rows += 1;
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}
