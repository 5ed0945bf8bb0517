// A kept crime as a master CSV line: every field under its own column, quoted only when it
// must be, read back by csv-parse as it was written.
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { MASTER_COLUMNS, STREET_COLUMNS } from '../../src/shared/constants.ts';
import type { EnrichedCrime } from '../../src/shared/schema.ts';
import { formatCsvRow, readCsv } from '../../pipeline/csv.ts';
import { enrich } from '../../pipeline/enrich.ts';
import { createLocator, loadGeography, type Locator, type Place } from '../../pipeline/geo.ts';
import {
  coordinateAsWritten,
  MASTER_HEADER,
  masterLine,
  masterLineFor,
  masterLineOf,
  masterRowCrime,
} from '../../pipeline/master-row.ts';
import { normaliseArchiveRow, normaliseStreetFields } from '../../pipeline/normalise.ts';
import { sampleMonth } from '../support/sample-rows.ts';
import { seededRandom } from '../support/seeded-random.ts';

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

describe('coordinateAsWritten(text, value)', () => {
  it('gives what toFixed(6) writes for decimals of up to 6 places, trailing zeros dropped or not', () => {
    const random = seededRandom(20261206);
    for (let n = 0; n < 20000; n++) {
      const places = Math.floor(random() * 7);
      const written = ((random() - 0.5) * 360).toFixed(places);
      const dropped = places === 0 ? written : written.replace(/\.?0+$/, '');
      for (const text of [written, dropped]) {
        const value = Number(text);
        const expected = Object.is(value, -0) ? undefined : value.toFixed(6);
        expect(coordinateAsWritten(text, value)).toBe(expected);
      }
    }
  });

  it.each(['-0', '-0.0', '-0.000000', '1.1234567', '-1.5000000', '01.5', '-00.5', '1e-3'])(
    'gives nothing for %s, which toFixed(6) does not write back with zeros added',
    (text) => {
      expect(coordinateAsWritten(text, Number(text))).toBeUndefined();
    },
  );

  it.each(['1234.5', '-1000', '12345.123456'])(
    'gives nothing for %s, with more digits before the point than a coordinate has (masterLine writes it)',
    (text) => {
      expect(coordinateAsWritten(text, Number(text))).toBeUndefined();
    },
  );
});

describe('masterLineOf(street, place, crime)', () => {
  const MARCH = 'data/sample/archive/2025-03/2025-03-west-yorkshire-street.csv';
  let locator: Locator;
  beforeAll(async () => {
    locator = createLocator(await loadGeography('data/reference'));
  });

  /** Each usable row of `file` read with its text and located: its street columns and crime. */
  async function* located(file: string) {
    for await (const { values, text } of readCsv(createReadStream(file), file, STREET_COLUMNS)) {
      const result = normaliseArchiveRow(values, text);
      if (!result.ok || result.streetColumns === undefined) continue;
      const { record, streetColumns } = result;
      const place = locator.locate(record.longitude, record.latitude);
      if (place === null || record.lsoaCode === '') continue;
      yield { streetColumns, place, crime: enrich(record, place, 'archive') };
    }
  }

  it('writes every row of March 2025 that keeps its LSOA as masterLine writes its enriched crime, whatever its outcome', async () => {
    let rows = 0;
    for await (const { streetColumns, place, crime } of located(MARCH)) {
      rows += 1;
      expect(masterLineOf(streetColumns, place, crime)).toBe(masterLine(crime));
      const outcome = rows % 2 === 0 ? 'Suspect charged' : 'Court "result", unavailable';
      expect(masterLineOf(streetColumns, place, { ...crime, outcome })).toBe(
        masterLine({ ...crime, outcome }),
      );
    }
    expect(rows).toBeGreaterThan(7000);
  });

  it("quotes a place's fields that need it, each place's own", async () => {
    const { value: first } = await located(MARCH).next();
    if (first === undefined) throw new Error('no row');
    const awkward: Place[] = [
      { ...first.place, wardName: 'Headingley, "Hyde Park"', postcodeApproximate: true },
      { ...first.place, wardCode: 'E0501\n1408', pollingDistrict: 'A,B' },
      { ...first.place, lsoaCode: '', postcodeDistrict: '"LS6"' },
    ];
    for (const place of [...awkward, first.place, ...awkward]) {
      const crime = enrich({ ...first.crime }, place, 'archive');
      expect(masterLineOf(first.streetColumns, place, crime)).toBe(masterLine(crime));
    }
  });
});

describe('masterLineFor(crime, record, streetColumns, place)', () => {
  const MARCH = 'data/sample/archive/2025-03/2025-03-west-yorkshire-street.csv';
  const LSOA_CODE = STREET_COLUMNS.indexOf('LSOA code');
  const LSOA_NAME = STREET_COLUMNS.indexOf('LSOA name');
  let locator: Locator;
  beforeAll(async () => {
    locator = createLocator(await loadGeography('data/reference'));
  });

  /**
   * Each row of `file` read with its text, normalised from its fields as they are and with its
   * LSOA columns blanked (which enrich fills from the place), and located.
   */
  async function* rowsAndBlankedLsoa(file: string) {
    for await (const { fields, text } of readCsv(createReadStream(file), file, STREET_COLUMNS)) {
      if (text === undefined) continue;
      const blanked = fields.map((f, i) => (i === LSOA_CODE || i === LSOA_NAME ? '' : f));
      for (const [rowFields, rowText] of [
        [fields, text],
        [blanked, blanked.join(',')],
      ] as const) {
        const result = normaliseStreetFields(rowFields, rowText);
        if (!result.ok) continue;
        const { record, streetColumns } = result;
        const place = locator.locate(record.longitude, record.latitude);
        if (place === null) continue;
        yield { record, streetColumns, place, crime: enrich(record, place, 'archive') };
      }
    }
  }

  it('writes what masterLine writes for every located row, the rows whose LSOA enrich fills included', async () => {
    let filled = 0;
    let asRead = 0;
    for await (const { record, streetColumns, place, crime } of rowsAndBlankedLsoa(MARCH)) {
      expect(masterLineFor(crime, record, streetColumns, place)).toBe(masterLine(crime));
      if (crime.lsoaCode !== record.lsoaCode) filled += 1;
      else if (streetColumns !== undefined) asRead += 1;
    }
    expect(filled).toBeGreaterThan(7000);
    expect(asRead).toBeGreaterThan(7000);
  });

  it('writes a row without street columns (quoted fields, an API crime) field by field', async () => {
    const { value: first } = await rowsAndBlankedLsoa(MARCH).next();
    if (first === undefined) throw new Error('no row');
    const crime = { ...first.crime, location: 'On or near "The Calls", Leeds' };
    expect(masterLineFor(crime, first.record, undefined, first.place)).toBe(masterLine(crime));
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
