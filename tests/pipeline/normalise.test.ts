import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STREET_COLUMNS } from '../../src/shared/constants.ts';
import type { CrimeRecord } from '../../src/shared/schema.ts';
import { formatCsvRow, readCsv } from '../../pipeline/csv.ts';
import {
  checkCoordinates,
  normaliseApiCrime,
  normaliseArchiveRow,
  POLICE_UK_BOUNDS,
  normaliseStreetFields,
  type ApiCrime,
} from '../../pipeline/normalise.ts';

// Real rows of data/sample/archive/2025-03/2025-03-west-yorkshire-street.csv (line 2) and
// 2025-02 (line 2, anti-social behaviour), as readCsv gives them.
const PUBLIC_ORDER = {
  'Crime ID': '9897fc02526c7bcf47e179dee300f292b2635c36415c81773f2e2acec5774227',
  Month: '2025-03',
  'Reported by': 'West Yorkshire Police',
  'Falls within': 'West Yorkshire Police',
  Longitude: '-1.391465',
  Latitude: '53.941177',
  Location: 'On or near Dove Close',
  'LSOA code': 'E01011698',
  'LSOA name': 'Leeds 001A',
  'Crime type': 'Public order',
  'Last outcome category': 'Unable to prosecute suspect',
  Context: '',
};
const ASB = {
  ...PUBLIC_ORDER,
  'Crime ID': '',
  Month: '2025-02',
  Longitude: '-1.391358',
  Latitude: '53.938031',
  Location: 'On or near Supermarket',
  'Crime type': 'Anti-social behaviour',
  'Last outcome category': '',
};

/** A record's street columns as masterLine writes them, field by field (no line break). */
function streetColumnsOf(record: CrimeRecord): string {
  return formatCsvRow([
    record.crimeId,
    record.month,
    record.reportedBy,
    record.fallsWithin,
    record.longitude.toFixed(6),
    record.latitude.toFixed(6),
    record.location,
    record.lsoaCode,
    record.lsoaName,
    record.crimeType,
    record.lastOutcome,
    record.context,
  ]).slice(0, -1);
}

/** A row's values and its text, as readCsv gives a plain row. */
function withText(values: Record<string, string>): [Record<string, string>, string] {
  return [values, STREET_COLUMNS.map((column) => values[column]).join(',')];
}

/** The other districts' committed samples (data/areas/<slug>/sample/archive). */
const AREA_SAMPLES = readdirSync('data/areas', { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => path.join('data/areas', entry.name, 'sample/archive'))
  .filter((root) => existsSync(root));

const STREET_FILES = readdirSync('data/sample/archive', { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('-street.csv'))
  .map((file) => path.join('data/sample/archive', file));

async function apiFixture(): Promise<ApiCrime> {
  return JSON.parse(await readFile('tests/fixtures/police-api/crime.json', 'utf8')) as ApiCrime;
}

describe('normaliseArchiveRow', () => {
  it('turns a real street row into a record with numeric coordinates', () => {
    expect(normaliseArchiveRow(PUBLIC_ORDER)).toEqual({
      ok: true,
      record: {
        crimeId: '9897fc02526c7bcf47e179dee300f292b2635c36415c81773f2e2acec5774227',
        month: '2025-03',
        reportedBy: 'West Yorkshire Police',
        fallsWithin: 'West Yorkshire Police',
        longitude: -1.391465,
        latitude: 53.941177,
        location: 'On or near Dove Close',
        lsoaCode: 'E01011698',
        lsoaName: 'Leeds 001A',
        crimeType: 'Public order',
        lastOutcome: 'Unable to prosecute suspect',
        context: '',
      },
    });
  });

  it('keeps an anti-social behaviour row with its blank Crime ID and outcome', () => {
    const result = normaliseArchiveRow(ASB);
    expect(result.ok && result.record.crimeId).toBe('');
    expect(result.ok && result.record.lastOutcome).toBe('');
    expect(result.ok && result.record.crimeType).toBe('Anti-social behaviour');
  });

  it.each([
    [{ Longitude: '', Latitude: '' }, 'no-coordinates'],
    [{ Latitude: '' }, 'no-coordinates'],
    [{ Longitude: 'abc' }, 'malformed-coordinates'],
    [{ Longitude: '1e3' }, 'malformed-coordinates'],
    [{ Latitude: '93.5' }, 'malformed-coordinates'],
    // A point outside the UK, where police.uk publishes none: (0, 0), swapped, abroad.
    [{ Longitude: '0', Latitude: '0' }, 'malformed-coordinates'],
    [{ Longitude: '53.932834', Latitude: '-1.384001' }, 'malformed-coordinates'],
    [{ Longitude: '2.352222', Latitude: '48.856613' }, 'malformed-coordinates'],
    [{ Longitude: '-1.384001', Latitude: '0' }, 'malformed-coordinates'],
    [{ Longitude: '-12.5', Latitude: '53.9' }, 'malformed-coordinates'],
    [{ Longitude: '-1.38', Latitude: '62' }, 'malformed-coordinates'],
    [{ Month: 'Mar-25' }, 'malformed-month'],
    [{ Month: '2025-13' }, 'malformed-month'],
    [{ 'Crime type': 'Violent crime' }, 'malformed-crime-type'],
    [{ 'Crime type': '' }, 'malformed-crime-type'],
  ])('drops a row with %o as %s, with the bad value in the detail', (change, reason) => {
    const result = normaliseArchiveRow({ ...PUBLIC_ORDER, ...change });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe(reason);
    for (const value of Object.values(change)) expect(result.detail).toContain(`"${value}"`);
  });
});

describe('checkCoordinates(longitude, latitude)', () => {
  // Every district's committed police.uk files: West Yorkshire's, and South Yorkshire's and the
  // other areas' samples, with the rows outside each district the force files hold.
  const files = ['data/sample/archive', ...AREA_SAMPLES].flatMap((root) =>
    readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('-street.csv'))
      .map((file) => path.join(root, file)),
  );

  it.each(files)(
    "keeps every point of %s: police.uk's files hold none outside POLICE_UK_BOUNDS",
    async (file) => {
      let points = 0;
      for await (const { values } of readCsv(createReadStream(file), file, STREET_COLUMNS)) {
        const longitude = values['Longitude'] ?? '';
        const latitude = values['Latitude'] ?? '';
        if (longitude === '' || latitude === '') continue;
        const point = checkCoordinates(longitude, latitude);
        expect(point.ok, `${file}: ${longitude}, ${latitude}`).toBe(true);
        points += 1;
      }
      expect(points).toBeGreaterThan(1000);
    },
  );

  it('keeps the corners of POLICE_UK_BOUNDS and drops the points just beyond them', () => {
    const { west, east, south, north } = POLICE_UK_BOUNDS;
    for (const [lon, lat] of [
      [west, south],
      [east, north],
    ]) {
      expect(checkCoordinates(String(lon), String(lat)).ok, `${lon}, ${lat}`).toBe(true);
    }
    for (const [lon, lat] of [
      [west - 0.1, 53],
      [east + 0.1, 53],
      [-1, south - 0.1],
      [-1, north + 0.1],
    ]) {
      const point = checkCoordinates(lon!.toFixed(1), lat!.toFixed(1));
      expect(point.ok ? null : point.reason, `${lon}, ${lat}`).toBe('malformed-coordinates');
    }
  });
});

describe('normaliseArchiveRow(row, text)', () => {
  it.each(STREET_FILES)(
    'gives every usable row of %s read with its text the street columns masterLine writes',
    async (file) => {
      let rows = 0;
      for await (const { values, text } of readCsv(createReadStream(file), file, STREET_COLUMNS)) {
        const result = normaliseArchiveRow(values, text);
        if (!result.ok || text === undefined) continue;
        rows += 1;
        // police.uk writes coordinates with up to 6 decimals, trailing zeros dropped.
        expect(result.streetColumns).toBe(streetColumnsOf(result.record));
      }
      expect(rows).toBeGreaterThan(5000);
    },
  );

  it.each([
    [{ Longitude: '-1.39' }, '-1.390000,53.941177'],
    [{ Longitude: '-1', Latitude: '53' }, '-1.000000,53.000000'],
    [{ Longitude: '0.5', Latitude: '53.9' }, '0.500000,53.900000'],
    [{ Longitude: '-0.000001' }, '-0.000001,53.941177'],
    [{ Longitude: '0' }, '0.000000,53.941177'],
    [{ Latitude: '53.9411' }, '-1.391465,53.941100'],
  ])('writes the coordinates of %o as masterLine does: %s', (change, coordinates) => {
    const result = normaliseArchiveRow(...withText({ ...PUBLIC_ORDER, ...change }));
    if (!result.ok) throw new Error(result.detail);
    expect(result.streetColumns).toBe(streetColumnsOf(result.record));
    expect(result.streetColumns).toContain(`,${coordinates},`);
  });

  it.each([
    // toFixed(6) writes a negative zero without its sign, and rounds a 7th decimal.
    { Longitude: '-0.0' },
    { Longitude: '-0' },
    { Longitude: '-1.3914651' },
    { Latitude: '53.94117700' },
    // Leading zeros, which Number reads and toFixed does not write.
    { Longitude: '-01.391465' },
    // Fields the record has trimmed.
    { Location: ' On or near Dove Close' },
    { 'Crime ID': `${PUBLIC_ORDER['Crime ID']} ` },
    { Month: '2025-03 ' },
    { Context: '  ' },
  ])('gives no street columns for %o, which the row does not hold as written', (change) => {
    const result = normaliseArchiveRow(...withText({ ...PUBLIC_ORDER, ...change }));
    expect(result.ok).toBe(true);
    expect(result.ok && result.streetColumns).toBeUndefined();
  });

  it('gives no street columns without the text', () => {
    const result = normaliseArchiveRow(PUBLIC_ORDER);
    expect(result.ok && result.streetColumns).toBeUndefined();
  });
});

describe('normaliseStreetFields(fields, text)', () => {
  it.each(STREET_FILES)(
    'gives every row of %s, read by position, what normaliseArchiveRow gives it by name',
    async (file) => {
      let rows = 0;
      for await (const row of readCsv(createReadStream(file), file, STREET_COLUMNS)) {
        rows += 1;
        expect(normaliseStreetFields(row.fields, row.text)).toEqual(
          normaliseArchiveRow(row.values, row.text),
        );
      }
      expect(rows).toBeGreaterThan(5000);
    },
  );

  it('takes each field from its own place', () => {
    const fields = [
      'a'.repeat(64),
      '2025-03',
      'Reported',
      'Within',
      '-1.5',
      '53.8',
      'Location',
      'E01000001',
      'LSOA name',
      'Burglary',
      'Outcome',
      'Context',
    ];
    const result = normaliseStreetFields(fields, fields.join(','));
    expect(result.ok && result.record).toEqual({
      crimeId: 'a'.repeat(64),
      month: '2025-03',
      reportedBy: 'Reported',
      fallsWithin: 'Within',
      longitude: -1.5,
      latitude: 53.8,
      location: 'Location',
      lsoaCode: 'E01000001',
      lsoaName: 'LSOA name',
      crimeType: 'Burglary',
      lastOutcome: 'Outcome',
      context: 'Context',
    });
    expect(result.ok && result.streetColumns).toBe(
      fields.with(4, '-1.500000').with(5, '53.800000').join(','),
    );
  });

  it('reads missing fields as empty, as a row without the column', () => {
    const fields = STREET_COLUMNS.map((column) => PUBLIC_ORDER[column]);
    const withoutContext = fields.slice(0, -1);
    expect(normaliseStreetFields(withoutContext)).toEqual(normaliseArchiveRow(PUBLIC_ORDER));
    const { Context: _, ...noContext } = PUBLIC_ORDER;
    expect(normaliseArchiveRow(noContext)).toEqual(normaliseArchiveRow(PUBLIC_ORDER));
  });
});

describe('normaliseApiCrime', () => {
  it('maps the crimes-street fixture to the archive shape', async () => {
    expect(normaliseApiCrime(await apiFixture(), 'West Yorkshire Police')).toEqual({
      ok: true,
      record: {
        crimeId: '0e51b9ceb4aedef3f9679481aa11262a6c5ea90a68d0dd0e0002a0b521c445e0',
        month: '2020-02',
        reportedBy: 'West Yorkshire Police',
        fallsWithin: 'West Yorkshire Police',
        longitude: -1.132073,
        latitude: 52.629909,
        location: 'On or near Marquis Street',
        lsoaCode: '',
        lsoaName: '',
        crimeType: 'Violence and sexual offences',
        lastOutcome: 'Status update unavailable',
        context: '',
      },
    });
  });

  it('gives anti-social behaviour (empty persistent_id, null outcome_status) an empty Crime ID and outcome', async () => {
    const asb = {
      ...(await apiFixture()),
      category: 'anti-social-behaviour',
      persistent_id: '',
      outcome_status: null,
    };
    const result = normaliseApiCrime(asb, 'West Yorkshire Police');
    expect(result.ok && result.record).toMatchObject({
      crimeId: '',
      lastOutcome: '',
      crimeType: 'Anti-social behaviour',
    });
  });

  it('drops an unknown category, a bad month and missing coordinates with their reasons', async () => {
    const crime = await apiFixture();
    expect(
      normaliseApiCrime({ ...crime, category: 'all-crime' }, 'West Yorkshire Police'),
    ).toMatchObject({
      ok: false,
      reason: 'malformed-crime-type',
    });
    expect(
      normaliseApiCrime({ ...crime, category: 'toString' }, 'West Yorkshire Police'),
    ).toMatchObject({
      ok: false,
      reason: 'malformed-crime-type',
    });
    expect(normaliseApiCrime({ ...crime, month: '2020-2' }, 'West Yorkshire Police')).toMatchObject(
      {
        ok: false,
        reason: 'malformed-month',
      },
    );
    expect(normaliseApiCrime({ ...crime, location: null }, 'West Yorkshire Police')).toMatchObject({
      ok: false,
      reason: 'no-coordinates',
    });
  });
});

describe('normaliseApiCrime() and normaliseStreetFields() with text that is not text', () => {
  const apiCrime = {
    category: 'burglary',
    persistent_id: 'abc',
    month: '2025-03',
    location: {
      latitude: '53.8',
      longitude: '-1.5',
      street: { id: 1, name: 'On or near Briggate' },
    },
    context: '',
    outcome_status: null,
  };
  const street = (location: string) => [
    'abc',
    '2025-03',
    'West Yorkshire Police',
    'West Yorkshire Police',
    '-1.5',
    '53.8',
    location,
    'E01011111',
    'Leeds 111A',
    'Burglary',
    '',
    '',
  ];

  it('keeps an emoji (a surrogate pair) as it is, and repairs nothing in a clean row', () => {
    const pair = normaliseApiCrime(
      {
        ...apiCrime,
        location: { ...apiCrime.location, street: { id: 1, name: 'On or near \ud83d\ude00' } },
      },
      'West Yorkshire Police',
    );
    expect(pair.ok && pair.record.location).toBe('On or near \ud83d\ude00');
    expect(pair.ok && pair.repairs).toBeUndefined();
    const text = street('On or near Briggate').join(',');
    const clean = normaliseStreetFields(street('On or near Briggate'), text);
    expect(clean.ok && clean.repairs).toBeUndefined();
    expect(clean.ok && clean.streetColumns).toBeDefined();
  });

  it('names the column and both texts of each repair, once per reason a row has', () => {
    const result = normaliseApiCrime(
      {
        ...apiCrime,
        persistent_id: 'abc\u0000',
        context: '\udc00x\x1b',
        outcome_status: { category: 'Under investigation\ud83d', date: '2025-03' },
      },
      'West Yorkshire Police',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.record.crimeId).toBe('abc');
    expect(result.record.context).toBe('\uFFFDx');
    expect(result.record.lastOutcome).toBe('Under investigation\uFFFD');
    expect(result.repairs).toEqual([
      { reason: 'control-characters', detail: 'persistent_id "abc\\u0000" is now "abc"' },
      {
        reason: 'unreadable-characters',
        detail:
          'outcome_status.category "Under investigation\\ud83d" is now "Under investigation\uFFFD"',
      },
    ]);
  });

  it('counts a U+FFFD already in a street file (bytes read as not UTF-8), and writes the row anew', () => {
    const fields = street('On or near Caf\uFFFD');
    const result = normaliseStreetFields(fields, fields.join(','));
    expect(result.ok && result.record.location).toBe('On or near Caf\uFFFD');
    expect(result.ok && result.repairs?.map((r) => r.reason)).toEqual(['unreadable-characters']);
    expect(result.ok && result.streetColumns).toBeUndefined();
  });
});
