import { describe, expect, it, beforeAll } from 'vitest';
import { openArchiveInputs } from '../../pipeline/archive.ts';
import { createLocator, loadGeography, type Locator } from '../../pipeline/geo.ts';
import {
  otherMonthDetail,
  placeStopSearch,
  stopSearchMonth,
  writeStopSearch,
} from '../../pipeline/stop-search.ts';
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
      // Every search is of August in the UK, the first dated 2021-07-31T23:40 in UTC among them.
      expect(result.dropped.counts['malformed-month']).toBe(0);
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

describe('stopSearchMonth(date)', () => {
  it.each([
    // British Summer Time: an hour ahead of UTC, so a late UTC evening is the next UK day.
    ['2021-07-31T23:40:00+00:00', '2021-07', '2021-08'],
    ['2021-07-31T22:40:00+00:00', '2021-07', '2021-07'],
    ['2021-03-31T23:30:00Z', '2021-03', '2021-04'],
    ['2021-08-31T23:30:00+00:00', '2021-08', '2021-09'],
    // Greenwich Mean Time: the UK's calendar is UTC's.
    ['2021-12-31T23:30:00+00:00', '2021-12', '2021-12'],
    ['2022-01-01T00:10:00+00:00', '2022-01', '2022-01'],
    // Offsets of their own, and none (the UK's time as written, whatever the machine's zone).
    ['2021-08-01T00:40:00+01:00', '2021-08', '2021-08'],
    ['2021-09-01T01:30:00-03:00', '2021-09', '2021-09'],
    ['2021-08-31T22:30:00-03:00', '2021-08', '2021-09'],
    ['2021-08-01T00:40:00', '2021-08', '2021-08'],
    ['2021-08-15T10:00:00.000+00:00', '2021-08', '2021-08'],
  ])('%s: written in %s, in %s in the UK', (date, written, uk) => {
    expect(date.slice(0, 7)).toBe(written);
    expect(stopSearchMonth(date)).toBe(uk);
  });

  it.each([
    '2021-08-15',
    '01/08/2021 00:40',
    '',
    // Out of range in the middle of a month as at its ends.
    '2021-08-15T25:00:00+00:00',
    '2021-08-15T10:00:00+99:00',
    '2021-13-15T10:00:00+00:00',
    '2021-08-32T10:00:00+00:00',
  ])('%o is not a date and time', (date) => {
    expect(stopSearchMonth(date)).toBeNull();
    expect(otherMonthDetail(date, '2021-08')).toMatch(/is not a date and time/);
  });

  it("takes a search in its file's month as written or in the UK, and no other", () => {
    // Filed by the UK's day or by the day written, either is kept.
    expect(otherMonthDetail('2021-08-31T23:30:00+00:00', '2021-08')).toBeNull();
    expect(otherMonthDetail('2021-08-31T23:30:00+00:00', '2021-09')).toBeNull();
    expect(otherMonthDetail('2021-08-31T23:30:00+00:00', '2021-10')).toBe(
      'Date "2021-08-31T23:30:00+00:00" is in 2021-09 (UK time), in a file for 2021-10',
    );
  });
});

describe('writeStopSearch with a row of another month', () => {
  /** The real August 2021 file's header and its line 8, a search in Hunslet & Riverside. */
  async function realRow(): Promise<{ header: string; row: string }> {
    const real = await readFile(
      'data/sample/archive/2021-08/2021-08-west-yorkshire-stop-and-search.csv',
      'utf8',
    );
    const [header, ...lines] = real.split('\n');
    return { header: header!, row: lines[6]! };
  }

  async function writeFiles(files: Record<string, string>) {
    const dir = await mkdtemp(path.join(tmpdir(), 'stop-search-month-'));
    try {
      for (const [name, text] of Object.entries(files)) {
        await mkdir(path.join(dir, name.slice(0, 7)), { recursive: true });
        await writeFile(path.join(dir, name.slice(0, 7), name), text);
      }
      const inputs = await openArchiveInputs(dir);
      const chunks: string[] = [];
      const result = await writeStopSearch(
        inputs.flatMap((input) => input.entries),
        locator,
        { write: async (chunk) => void chunks.push(chunk) },
        { district: 'Leeds' },
      );
      for (const input of inputs) input.close();
      return { result, written: chunks.join('') };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it("keeps a search dated late on the month's eve in UTC, the month's first hour in the UK, and drops one of the eve itself, naming it", async () => {
    const { header, row } = await realRow();
    const date = row.split(',')[1]!;
    const dated = (when: string) => row.replace(date, when);
    const { result, written } = await writeFiles({
      '2021-08-west-yorkshire-stop-and-search.csv': [
        header,
        dated('2021-07-31T23:40:00+00:00'),
        dated('2021-07-31T22:40:00+00:00'),
        dated('last Tuesday'),
        '',
      ].join('\n'),
    });
    expect(result.read).toBe(3);
    expect(result.kept).toBe(1);
    expect(result.dropped.counts['malformed-month']).toBe(2);
    expect(written).toContain('2021-07-31T23:40:00+00:00');
    expect(written).not.toContain('2021-07-31T22:40:00+00:00');
    expect(result.dropped.examples['malformed-month']?.map((e) => e.detail)).toEqual([
      'Date "2021-07-31T22:40:00+00:00" is in 2021-07 (UK time), in a file for 2021-08',
      'Date "last Tuesday" is not a date and time (such as 2025-03-01T12:00:00+00:00)',
    ]);
  });

  it("drops every row of a month's file put in another month's folder, which would publish each search twice", async () => {
    const real = await readFile(
      'data/sample/archive/2021-08/2021-08-west-yorkshire-stop-and-search.csv',
      'utf8',
    );
    const { result, written } = await writeFiles({
      '2021-08-west-yorkshire-stop-and-search.csv': real,
      '2025-03-west-yorkshire-stop-and-search.csv': real,
    });
    const alone = await writeFiles({ '2021-08-west-yorkshire-stop-and-search.csv': real });
    expect(result.read).toBe(2 * 1312);
    expect(result.kept).toBe(alone.result.kept);
    expect(written).toBe(alone.written);
    expect(result.dropped.counts['malformed-month']).toBe(1312);
    expect(result.dropped.examples['malformed-month']?.[0]?.detail).toMatch(
      /^Date "2021-0[78]-\d\dT[\d:]+\+00:00" is in 2021-08 \(UK time\), in a file for 2025-03$/,
    );
  });
});
