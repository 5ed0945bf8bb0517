import { describe, expect, it, beforeAll } from 'vitest';
import { openArchiveInputs } from '../../pipeline/archive.ts';
import { createLocator, loadGeography, type Locator } from '../../pipeline/geo.ts';
import { placeStopSearch, writeStopSearch } from '../../pipeline/stop-search.ts';
import { readCsv } from '../../pipeline/csv.ts';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';

let locator: Locator;
beforeAll(async () => {
  locator = createLocator(await loadGeography('data/reference'));
});

describe('placeStopSearch', () => {
  it('gives a search at Leeds city centre its ward', () => {
    // data/sample/archive/2021-08/2021-08-west-yorkshire-stop-and-search.csv, a row at
    // 53.792774,-1.564618 (Holbeck, south of the river).
    const place = placeStopSearch(
      { Latitude: '53.792774', Longitude: '-1.564618' },
      locator,
      'Leeds',
    );
    expect(place).toEqual({ ok: true, wardName: 'Hunslet & Riverside', wardCode: 'E05011399' });
  });

  it('drops a search in Bradford as outside Leeds and one without coordinates', () => {
    // Line 2 of the same file: 53.858159,-1.845070 lies in Bingley ward, Bradford district.
    expect(
      placeStopSearch({ Latitude: '53.858159', Longitude: '-1.845070' }, locator, 'Leeds'),
    ).toMatchObject({
      ok: false,
      reason: 'outside-district',
    });
    expect(placeStopSearch({ Latitude: '', Longitude: '' }, locator, 'Leeds')).toMatchObject({
      ok: false,
      reason: 'no-coordinates',
    });
  });

  it('says which district a dropped search lies outside: the one it is given', () => {
    const place = placeStopSearch(
      { Latitude: '53.858159', Longitude: '-1.845070' },
      locator,
      'Sheffield',
    );
    expect(place).toEqual({
      ok: false,
      reason: 'outside-district',
      detail: '-1.84507, 53.858159 is outside the Sheffield district',
    });
  });
});

describe('writeStopSearch', () => {
  it('keeps the Leeds rows of the real August 2021 file and counts every other row', async () => {
    const inputs = await openArchiveInputs('data/sample/archive');
    const chunks: string[] = [];
    try {
      const result = await writeStopSearch(
        inputs[0]!.entries,
        locator,
        { write: async (chunk) => void chunks.push(chunk) },
        { district: 'Leeds' },
      );
      // 1,312 rows of which 48 have no coordinates (data/ATTRIBUTION.md; checked with a
      // spreadsheet filter on blank Latitude).
      expect(result.read).toBe(1312);
      expect(result.dropped.counts['no-coordinates']).toBe(48);
      expect(result.kept + result.dropped.total).toBe(1312);
      // The source notes 542 rows inside the ward polygons; a few more lie within the
      // documented outline tolerance of pipeline/geo.ts.
      expect(result.kept).toBeGreaterThanOrEqual(542);
      expect(result.kept).toBeLessThan(560);
      expect(result.dropped.examples['outside-district']?.[0]?.where).toMatch(
        /2021-08-west-yorkshire-stop-and-search\.csv:2$/,
      );
      expect(result.dropped.examples['outside-district']?.[0]?.detail).toMatch(
        /is outside the Leeds district$/,
      );
    } finally {
      for (const input of inputs) input.close();
    }
    const rows = [];
    for await (const row of readCsv(Readable.from([chunks.join('')]), 'out', ['Ward Code']))
      rows.push(row);
    expect(rows.every((r) => /^E05\d{6}$/.test(r.values['Ward Code'] ?? ''))).toBe(true);
    expect(rows[0]?.values).toMatchObject({
      Type: 'Vehicle search',
      Date: '2021-08-01T00:40:00+00:00',
      'Ward Name': 'Hunslet & Riverside',
    });
  });
});

describe('writeStopSearch with text that is not text', () => {
  it('writes a control character in a kept row as a space, and counts the row', async () => {
    const real = await readFile(
      path.join(
        'data',
        'sample',
        'archive',
        '2021-08',
        '2021-08-west-yorkshire-stop-and-search.csv',
      ),
      'utf8',
    );
    const [header, ...lines] = real.split('\n');
    // Line 8: a search in Hunslet & Riverside; its Legislation given a NUL and an escape.
    const row = lines[6]!.replace(
      'Misuse of Drugs Act 1971 (section 23)',
      'Misuse of Drugs Act 1971\u0000\x1b[0m (section 23)',
    );
    expect(row).toContain('\u0000');
    const dir = await mkdtemp(path.join(tmpdir(), 'stop-search-'));
    try {
      await mkdir(path.join(dir, '2021-08'));
      await writeFile(
        path.join(dir, '2021-08', '2021-08-west-yorkshire-stop-and-search.csv'),
        `${header}\n${row}\n`,
      );
      const inputs = await openArchiveInputs(dir);
      const chunks: string[] = [];
      const result = await writeStopSearch(
        inputs[0]!.entries,
        locator,
        { write: async (chunk) => void chunks.push(chunk) },
        { district: 'Leeds' },
      );
      for (const input of inputs) input.close();
      expect(result.kept).toBe(1);
      expect(result.repaired.counts).toEqual({
        'unreadable-characters': 0,
        'control-characters': 1,
      });
      const rows = [];
      for await (const r of readCsv(Readable.from([chunks.join('')]), 'out', ['Legislation']))
        rows.push(r.values);
      expect(rows.map((r) => r['Legislation'])).toEqual([
        'Misuse of Drugs Act 1971 [0m (section 23)',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
