import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  districtPopulationCsv,
  parseNomisResidents,
  POPULATION_COLUMNS,
} from '../../pipeline/nomis-population.ts';

const EXCERPT_FILE = new URL('../fixtures/nomis/ts001-lsoa-excerpt.csv', import.meta.url);
// A real Nomis download cut to a few rows: its metadata lines, header and footer notes intact.
const EXCERPT = readFileSync(EXCERPT_FILE, 'utf8');
const LEEDS_POPULATION = readFileSync(
  new URL('../../data/reference/population-lsoa21.csv', import.meta.url),
  'utf8',
);
const SHEFFIELD_POPULATION = readFileSync(
  new URL('../../data/areas/sheffield/population-lsoa21.csv', import.meta.url),
  'utf8',
);
const SHEFFIELD_LSOAS = JSON.parse(
  readFileSync(new URL('../../data/areas/sheffield/lsoa21.geojson', import.meta.url), 'utf8'),
) as { features: { properties: { LSOA21CD: string } }[] };

const records = (csv: string) =>
  parse(csv, { columns: true, bom: true }) as Record<(typeof POPULATION_COLUMNS)[number], string>[];

describe('parseNomisResidents(text, source)', () => {
  it('reads the rows between the header and the footer notes, skipping the metadata lines', () => {
    const rows = parseNomisResidents(EXCERPT, 'excerpt.csv');
    expect(rows.map((r) => r.name)).toEqual([
      'Hartlepool 001A',
      'Hartlepool 001B',
      'Hartlepool 001C',
      'Sheffield 001A',
      'Sheffield 066A',
      'Sheffield 069A',
      'Leeds 001A',
      'Leeds 001B',
    ]);
    expect(rows[3]).toEqual({ name: 'Sheffield 001A', code: 'E01008144', residents: 1942 });
  });

  it('gives the same residents as the Leeds population file for the Leeds LSOAs', () => {
    const leeds = new Map(records(LEEDS_POPULATION).map((r) => [r['geography code'], r]));
    const fromNomis = parseNomisResidents(EXCERPT, 'excerpt.csv').filter((r) =>
      r.name.startsWith('Leeds'),
    );
    expect(fromNomis.length).toBeGreaterThan(0);
    for (const row of fromNomis) {
      expect(leeds.get(row.code)?.['Residence type: Total; measures: Value']).toBe(
        String(row.residents),
      );
    }
  });

  it('reads CRLF line endings like LF', () => {
    expect(parseNomisResidents(EXCERPT.replaceAll('\n', '\r\n'), 'crlf.csv')).toEqual(
      parseNomisResidents(EXCERPT, 'excerpt.csv'),
    );
  });

  it('throws naming the file when there is no header line', () => {
    expect(() => parseNomisResidents('"a","b"\n"c","d"\n', 'other.csv')).toThrow(
      /other\.csv: no header line with a "mnemonic" column/,
    );
  });

  it('throws naming the file and line of a row that is not name, code, residents', () => {
    const broken = EXCERPT.replace(
      '"Sheffield 066A","E01007824",1330',
      '"Sheffield 066A","E01007824",n/a',
    );
    expect(() => parseNomisResidents(broken, 'broken.csv')).toThrow(/^broken\.csv:14: expected/);
  });
});

describe('districtPopulationCsv(rows, codes, source)', () => {
  const rows = parseNomisResidents(EXCERPT, 'excerpt.csv');

  it('writes the chosen LSOAs, in the order given, under the columns the pipeline reads', () => {
    const csv = districtPopulationCsv(rows, ['E01007823', 'E01008144'], 'excerpt.csv');
    expect(csv.split('\n')[0]).toBe(POPULATION_COLUMNS.join(','));
    expect(records(csv)).toEqual([
      {
        geography: 'Sheffield 069A',
        'geography code': 'E01007823',
        'Residence type: Total; measures: Value': '1677',
      },
      {
        geography: 'Sheffield 001A',
        'geography code': 'E01008144',
        'Residence type: Total; measures: Value': '1942',
      },
    ]);
  });

  it('throws naming the LSOAs the download lacks', () => {
    expect(() => districtPopulationCsv(rows, ['E01007823', 'E01999999'], 'excerpt.csv')).toThrow(
      /has no residents for 1 LSOA\(s\) of the district, e\.g\. E01999999/,
    );
  });

  it('throws when the download lists a chosen LSOA twice', () => {
    expect(() => districtPopulationCsv([...rows, rows[4]!], ['E01007824'], 'excerpt.csv')).toThrow(
      /lists E01007824 more than once/,
    );
  });

  it('made the committed Sheffield file: one row per Sheffield LSOA polygon, in polygon order', () => {
    const committed = records(SHEFFIELD_POPULATION);
    const polygons = SHEFFIELD_LSOAS.features.map((f) => f.properties.LSOA21CD);
    expect(committed.map((r) => r['geography code'])).toEqual(polygons);
    // The rows the excerpt shares with the committed file agree, and re-writing them with
    // districtPopulationCsv gives the committed lines byte for byte.
    const shared = rows.filter((r) => polygons.includes(r.code)).map((r) => r.code);
    expect(shared).toHaveLength(3);
    const lines = SHEFFIELD_POPULATION.split('\n');
    const rewritten = districtPopulationCsv(rows, shared, 'excerpt.csv').split('\n');
    for (const line of rewritten.slice(1, -1)) expect(lines).toContain(line);
    for (const r of committed)
      expect(Number(r['Residence type: Total; measures: Value'])).toBeGreaterThan(0);
  });
});
