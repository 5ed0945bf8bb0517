// Real police.uk rows from the committed sample, as EnrichedCrime objects for tests.
// The ward and postcode district are given by the test (from the LSOA name), so these tests
// check the bookkeeping of summarise/aggregate independently of the geography code.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { EnrichedCrime, Ward } from '../../src/shared/schema.ts';
import { CRIME_TYPES, type CrimeType } from '../../src/shared/constants.ts';

const ARCHIVE = new URL('../../data/sample/archive/', import.meta.url);

/** Three real ward codes and names (WD25), used as test wards. */
export const TEST_WARDS: Ward[] = [
  {
    code: 'E05011399',
    name: 'Hunslet & Riverside',
    slug: 'hunslet-and-riverside',
    population: 33000,
    cityCentreResidents: 4100,
    residentsByArea: 0,
    neighbours: ['E05011403'],
  },
  {
    code: 'E05011403',
    name: 'Little London & Woodhouse',
    slug: 'little-london-and-woodhouse',
    population: 31000,
    cityCentreResidents: 2300,
    residentsByArea: 0,
    neighbours: ['E05011399'],
  },
  {
    code: 'E05011384',
    name: 'Ardsley & Robin Hood',
    slug: 'ardsley-and-robin-hood',
    population: 21652,
    cityCentreResidents: 0,
    residentsByArea: 1200,
    neighbours: [],
  },
];

/** A test ward for an LSOA name such as "Leeds 111B": by the MSOA number, so stable. */
export function testWardFor(lsoaName: string): Ward {
  const msoa = Number(/(\d{3})[A-Z]$/.exec(lsoaName)?.[1] ?? NaN);
  if (!Number.isInteger(msoa)) throw new Error(`Unexpected LSOA name "${lsoaName}"`);
  return TEST_WARDS[msoa % 2] as Ward;
}

/** Every street row of a sample month, enriched with its test ward. */
export function sampleMonth(month: string): EnrichedCrime[] {
  const file = new URL(`${month}/${month}-west-yorkshire-street.csv`, ARCHIVE);
  const rows = parse(readFileSync(file), { columns: true }) as Record<string, string>[];
  return rows.map((row) => {
    const crimeType = row['Crime type'] as CrimeType;
    if (!CRIME_TYPES.includes(crimeType)) throw new Error(`Unknown type in ${file}: ${crimeType}`);
    const ward = testWardFor(row['LSOA name'] ?? '');
    return {
      crimeId: row['Crime ID'] ?? '',
      month: row['Month'] ?? '',
      reportedBy: row['Reported by'] ?? '',
      fallsWithin: row['Falls within'] ?? '',
      longitude: Number(row['Longitude']),
      latitude: Number(row['Latitude']),
      location: row['Location'] ?? '',
      lsoaCode: row['LSOA code'] ?? '',
      lsoaName: row['LSOA name'] ?? '',
      crimeType,
      lastOutcome: row['Last outcome category'] ?? '',
      outcome: row['Last outcome category'] ?? '',
      context: row['Context'] ?? '',
      wardCode: ward.code,
      wardName: ward.name,
      lsoa21Code: row['LSOA code'] ?? '',
      postcodeDistrict: 'LS1',
      postcodeDistrictEstimated: false,
      pollingDistrict: '',
    };
  });
}

/** Count items by a key. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
