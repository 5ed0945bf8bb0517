// A kept crime as a master CSV line: every field under its own column, quoted only when it
// must be, read back by csv-parse as it was written.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { MASTER_COLUMNS } from '../../src/shared/constants.ts';
import type { EnrichedCrime } from '../../src/shared/schema.ts';
import { formatCsvRow } from '../../pipeline/csv.ts';
import { MASTER_HEADER, masterLine, masterRowCrime } from '../../pipeline/master-row.ts';
import { sampleMonth } from '../support/sample-rows.ts';

const plainCrime: EnrichedCrime = {
  crimeId: 'c'.repeat(64),
  month: '2025-03',
  reportedBy: 'West Yorkshire Police',
  fallsWithin: 'West Yorkshire Police',
  longitude: -1.5485671,
  latitude: 53.8,
  location: 'On or near Park Lane',
  lsoaCode: 'E01011365',
  lsoaName: 'Leeds 111B',
  crimeType: 'Burglary',
  lastOutcome: 'Under investigation',
  context: '',
  wardName: 'Little London & Woodhouse',
  wardCode: 'E05011408',
  lsoa21Code: 'E01033010',
  postcodeDistrict: 'LS2',
  postcodeDistrictEstimated: false,
  pollingDistrict: 'KWA',
  outcome: 'Under investigation',
};

/** The values a line must hold, by column: numbers as police.uk writes them (6 decimals). */
function byColumn(crime: EnrichedCrime): Record<(typeof MASTER_COLUMNS)[number], string> {
  return {
    'Crime ID': crime.crimeId,
    Month: crime.month,
    'Reported by': crime.reportedBy,
    'Falls within': crime.fallsWithin,
    Longitude: crime.longitude.toFixed(6),
    Latitude: crime.latitude.toFixed(6),
    Location: crime.location,
    'LSOA code': crime.lsoaCode,
    'LSOA name': crime.lsoaName,
    'Crime type': crime.crimeType,
    'Last outcome category': crime.lastOutcome,
    Context: crime.context,
    'Ward Name': crime.wardName,
    'Ward Code': crime.wardCode,
    'LSOA 2021': crime.lsoa21Code,
    'Postcode District': crime.postcodeDistrict,
    'Postcode District Estimated': String(crime.postcodeDistrictEstimated),
    'Polling District': crime.pollingDistrict,
    Outcome: crime.outcome,
  };
}

/** Every text field of `plainCrime` in turn holding `awkward`, the others plain. */
function awkwardCrimes(awkward: string): EnrichedCrime[] {
  const textKeys = (Object.keys(plainCrime) as (keyof EnrichedCrime)[]).filter(
    (key) => typeof plainCrime[key] === 'string',
  );
  return textKeys.map((key) => ({ ...plainCrime, [key]: `${awkward}${String(plainCrime[key])}` }));
}

describe('masterLine(crime)', () => {
  it('writes each field under its MASTER_COLUMNS column, and quotes none that need no quotes', () => {
    const line = masterLine(plainCrime);
    expect(line.endsWith('\n')).toBe(true);
    expect(line).not.toContain('"');
    const [row] = parse(MASTER_HEADER + line, { columns: true }) as Record<string, string>[];
    expect(row).toEqual(byColumn(plainCrime));
  });

  it("writes every real row of March 2025 as formatCsvRow writes its fields in MASTER_COLUMNS' order", () => {
    const rows = sampleMonth('2025-03');
    expect(rows.length).toBeGreaterThan(9000);
    for (const crime of rows) {
      const fields = byColumn(crime);
      expect(masterLine(crime)).toBe(formatCsvRow(MASTER_COLUMNS.map((column) => fields[column])));
    }
  });

  it.each([
    ['a comma', 'A, B '],
    ['a quote', 'the "Park" '],
    ['a line break', 'first\nsecond '],
    ['a carriage return', 'first\r\nsecond '],
  ])('keeps a field holding %s whole, in whichever column it is', (_, awkward) => {
    const crimes = awkwardCrimes(awkward);
    expect(crimes).toHaveLength(16);
    const text = MASTER_HEADER + crimes.map(masterLine).join('');
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows).toEqual(crimes.map(byColumn));
  });
});

describe('masterRowCrime(values, where)', () => {
  it('reads back every crime masterLine writes, the estimated flag both ways and awkward text included', () => {
    const crimes = [
      plainCrime,
      { ...plainCrime, postcodeDistrictEstimated: true },
      // A crime type is one of police.uk's (normalisation keeps no other), so not awkward.
      ...awkwardCrimes('A, "B"\n').filter((c) => c.crimeType === plainCrime.crimeType),
      ...sampleMonth('2025-03').slice(0, 500),
    ];
    const text = MASTER_HEADER + crimes.map(masterLine).join('');
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    const back = rows.map((row, i) => masterRowCrime(row, `rows.csv:${i + 2}`));
    // Coordinates come back as written: 6 decimal places.
    const written = crimes.map((c) => ({
      ...c,
      longitude: Number(c.longitude.toFixed(6)),
      latitude: Number(c.latitude.toFixed(6)),
    }));
    expect(back).toEqual(written);
  });

  it.each(['', 'yes', 'TRUE'])(
    'refuses a Postcode District Estimated of "%s", naming the row and what to do',
    (flag) => {
      const [row] = parse(MASTER_HEADER + masterLine(plainCrime), { columns: true }) as Record<
        string,
        string
      >[];
      expect(() =>
        masterRowCrime({ ...row, 'Postcode District Estimated': flag }, 'cache/2025-03.csv:7'),
      ).toThrow(
        `cache/2025-03.csv:7: Postcode District Estimated is "${flag}", not true or false as the pipeline writes it: the file is damaged; delete it and run the pipeline again`,
      );
    },
  );

  it.each([
    ['Longitude', ''],
    ['Latitude', ''],
    ['Longitude', 'NaN'],
    ['Latitude', '53.8x'],
  ])('refuses a %s of "%s", naming the row, rather than placing the crime at 0', (column, text) => {
    const [row] = parse(MASTER_HEADER + masterLine(plainCrime), { columns: true }) as Record<
      string,
      string
    >[];
    expect(() => masterRowCrime({ ...row, [column]: text }, 'cache/2025-03.csv:7')).toThrow(
      `cache/2025-03.csv:7: ${column} is "${text}", not a number as the pipeline writes it: the file is damaged; delete it and run the pipeline again`,
    );
  });

  it("refuses a Crime type that is not one of police.uk's, naming the row and what to do", () => {
    const [row] = parse(MASTER_HEADER + masterLine(plainCrime), { columns: true }) as Record<
      string,
      string
    >[];
    expect(() => masterRowCrime({ ...row, 'Crime type': 'Burg' }, 'cache/2025-03.csv:7')).toThrow(
      'cache/2025-03.csv:7: Crime type is "Burg", not one of police.uk\'s crime types as the pipeline writes it: the file is damaged; delete it and run the pipeline again',
    );
  });
});
