// datapackage.json (src/lib/open-data.ts, dataPackage) describes each report table's columns
// as the files hold them: a change judged against chance has a column that says the judgement,
// and the descriptor says how it is made. Its CSV dialect is the one the files are written in,
// so a reader that follows it reads them row by row.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { Resource as DataResource, validate } from 'datapackage';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  dataPackage,
  datasetJsonLd,
  downloadsManifest,
  reportTableFiles,
} from '../../../src/lib/open-data.ts';
import { tableCsv } from '../../../src/lib/report-tables.ts';
import { siteData } from '../../../src/lib/site-data.ts';
import { EMPTY_CHANGE_LOG } from '../../../src/shared/change-log.ts';
import { formatCsvRow } from '../../../src/shared/csv-format.ts';
import { readTable, tableProblems, type TabularResource } from '../../support/table-schema.ts';

interface Field {
  name: string;
  type: string;
  description: string;
  constraints?: { enum?: string[] };
}
interface Resource {
  name: string;
  path: string;
  schema: { fields: Field[]; missingValues: string[] };
}

beforeAll(() => {
  vi.stubEnv('SITE', 'https://example.test');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

describe('dataPackage(data, manifest): the yearly record files', () => {
  it('title each year by what its rows are: crimes and anti-social behaviour incidents', () => {
    const descriptor = dataPackage(siteData, downloadsManifest, EMPTY_CHANGE_LOG);
    const yearly = (descriptor.resources as (Resource & { title: string })[]).filter((r) =>
      downloadsManifest.files.some((f) => r.path === `${downloadsManifest.folder}/${f.file}`),
    );
    expect(yearly.map((r) => r.title)).toEqual(
      downloadsManifest.files.map((f) => `Crimes and anti-social behaviour in Leeds, ${f.year}`),
    );
  });
});

describe('dataPackage(data, manifest): columns that always hold a figure', () => {
  it("holds a value in every required cell of every report table, a ward without residents' included", () => {
    // The first ward given no residents: it has no rate, which its column may leave empty.
    const data = structuredClone(siteData);
    const ward = data.wards[0]!;
    data.districtPopulation -= ward.population;
    ward.population = 0;
    ward.cityCentreResidents = 0;
    ward.residentsByArea = 0;
    const resources = dataPackage(data, downloadsManifest, EMPTY_CHANGE_LOG)
      .resources as TabularResource[];
    const files = new Map(reportTableFiles(data).map((f) => [f.path, f.table]));
    let emptyRates = 0;
    for (const resource of resources) {
      const table = files.get(resource.path);
      if (table === undefined) continue;
      const { table: read, problems } = readTable(resource, Buffer.from(tableCsv(table)));
      expect(problems, resource.path).toEqual([]);
      expect(tableProblems(resource, read!), resource.path).toEqual([]);
      const rate = read!.header.indexOf('rate_per_1000');
      if (rate >= 0) emptyRates += read!.rows.filter((row) => row[rate] === '').length;
    }
    // One empty rate in each year's wards table: the ward without residents.
    expect(emptyRates).toBe(new Set(data.months.map((m) => m.slice(0, 4))).size);
  });
});

describe('dataPackage(data, manifest): the change_verdict column', () => {
  const descriptor = () => dataPackage(siteData, downloadsManifest, EMPTY_CHANGE_LOG);
  const withChange = () =>
    (descriptor().resources as Resource[]).filter((r) =>
      r.schema.fields.some((f) => f.name === 'change'),
    );

  it('follows change in every table that has one, with the values it can hold', () => {
    const resources = withChange();
    // Each ward's year-earlier table, and each year's wards table and comparison by type.
    expect(resources.length).toBe(siteData.wards.length + 3);
    for (const r of resources) {
      const names = r.schema.fields.map((f) => f.name);
      expect(names.slice(-2), r.path).toEqual(['change', 'change_verdict']);
      const field = r.schema.fields.at(-1);
      expect(field?.type, r.path).toBe('string');
      expect(field?.constraints?.enum, r.path).toEqual([
        'higher',
        'lower',
        'within-normal',
        'too-few',
      ]);
      // An empty cell is read as missing (nothing compared), never as a verdict.
      expect(r.schema.missingValues, r.path).toEqual(['']);
    }
  });

  it('says how the verdict is made: the exact test, its threshold and the page words', () => {
    for (const r of withChange()) {
      const description = r.schema.fields.at(-1)?.description ?? '';
      for (const words of [
        'Poisson',
        'binomial distribution with probability one half',
        'exact two-sided p-value',
        'below 0.05',
        '"higher"',
        '"clearly higher"',
        '"lower"',
        '"clearly lower"',
        '"within-normal"',
        '"within normal variation"',
        '"too-few"',
        '"too few to compare"',
        'below 20',
        'Empty when there is nothing to compare with',
      ]) {
        expect(description, `${r.path}: ${words}`).toContain(words);
      }
    }
  });

  it('still validates as a Frictionless tabular data package', async () => {
    const result = await validate(descriptor());
    expect(result.errors.map((e) => e.message)).toEqual([]);
    expect(result.valid).toBe(true);
  });
});

/** A CSV dialect as Frictionless reads one (CSV Dialect v1): what a descriptor leaves out. */
interface Dialect {
  delimiter?: string;
  lineTerminator?: string;
  quoteChar?: string;
  doubleQuote?: boolean;
  skipInitialSpace?: boolean;
  header?: boolean;
}
const DIALECT_DEFAULTS: Required<Dialect> = {
  delimiter: ',',
  lineTerminator: '\r\n',
  quoteChar: '"',
  doubleQuote: true,
  skipInitialSpace: true,
  header: true,
};

/** `text` read as a reader that follows `dialect` (its defaults where it says nothing) reads it. */
function readAs(dialect: Dialect | undefined, text: string): string[][] {
  const d = { ...DIALECT_DEFAULTS, ...dialect };
  expect(d.doubleQuote).toBe(true);
  return parseCsv(text, {
    delimiter: d.delimiter,
    record_delimiter: d.lineTerminator,
    quote: d.quoteChar,
    ltrim: d.skipInitialSpace,
  }) as string[][];
}

describe('dataPackage(data, manifest): the CSV dialect of each file', () => {
  const resources = () =>
    dataPackage(siteData, downloadsManifest, EMPTY_CHANGE_LOG).resources as (Resource & {
      compression?: string;
      dialect?: Dialect;
    })[];
  const tables = new Map(reportTableFiles(siteData).map((f) => [f.path, f.table]));
  /** The bytes the site serves at `path`: a committed yearly file, or a report table's CSV. */
  const fileText = (path: string): string => {
    const table = tables.get(path);
    if (table !== undefined) return tableCsv(table);
    return gunzipSync(readFileSync(join('public', path))).toString('utf8');
  };

  it('reads every file, yearly and report table, as rows of its schema with a reader that follows it', () => {
    const all = resources();
    expect(all.filter((r) => r.compression === 'gz')).toHaveLength(downloadsManifest.files.length);
    for (const r of all) {
      const text = fileText(r.path);
      const rows = readAs(r.dialect, text);
      const names = r.schema.fields.map((f) => f.name);
      expect(rows[0], r.path).toEqual(names);
      // One row per line of the file: none run together, none split.
      expect(rows.length, r.path).toBe(text.split('\n').length - 1);
      for (const row of rows) expect(row.length, r.path).toBe(names.length);
    }
  });

  it('keeps the space, comma and quote a field starts or holds, as the files write it', () => {
    const fields = [' On or near "The Square", Leeds', '  ', 'E05011385', '"quoted"'];
    for (const r of resources()) {
      expect(readAs(r.dialect, formatCsvRow(fields)), r.path).toEqual([fields]);
    }
  });
});

/** The committed yearly files' rows, and how many of them have a Polling District. */
function pollingDistrictsFilled(): { rows: number; filled: number } {
  let rows = 0;
  let filled = 0;
  for (const f of downloadsManifest.files) {
    const text = gunzipSync(readFileSync(join('public', downloadsManifest.folder, f.file)));
    const records = parseCsv(text, { columns: true }) as Record<string, string>[];
    rows += records.length;
    filled += records.filter((r) => (r['Polling District'] ?? '') !== '').length;
  }
  return { rows, filled };
}

describe('dataPackage(data, manifest) and datasetJsonLd: the Polling District column as the files fill it', () => {
  const { rows, filled } = pollingDistrictsFilled();
  const descriptor = () =>
    dataPackage(siteData, downloadsManifest, EMPTY_CHANGE_LOG) as {
      description: string;
      resources: (Resource & { compression?: string })[];
    };
  const dataset = () =>
    datasetJsonLd(siteData, downloadsManifest, EMPTY_CHANGE_LOG) as {
      description: string;
      variableMeasured: { name: string; description: string }[];
    };

  it('names the polling district among the places a record is given only when a row has one', () => {
    expect(rows).toBeGreaterThan(0);
    for (const description of [descriptor().description, dataset().description]) {
      expect(description).toContain('electoral ward');
      if (filled === 0) expect(description).not.toMatch(/polling district/i);
      else expect(description).toContain('polling district');
    }
  });

  it("says in the column's description how many rows of these files have one", () => {
    const records = descriptor().resources.filter((r) => r.compression === 'gz');
    expect(records).toHaveLength(downloadsManifest.files.length);
    const descriptions = [
      ...records.map((r) => r.schema.fields.find((f) => f.name === 'Polling District')),
      dataset().variableMeasured.find((v) => v.name === 'Polling District'),
    ].map((f) => f?.description ?? 'no description');
    for (const description of descriptions) {
      // The committed sample was built offline, without the council's boundaries: none.
      if (filled === 0) expect(description).toContain('empty in every row of these files');
      else if (filled < rows) {
        expect(description).toContain(
          `filled in ${filled.toLocaleString('en-GB')} of ${rows.toLocaleString('en-GB')} rows`,
        );
      } else expect(description).toMatch(/containing the point; empty when not known\.$/);
    }
  });
});

describe('every published CSV file, read by the Table Schema datapackage.json gives it', () => {
  const tables = new Map(reportTableFiles(siteData).map((f) => [f.path, f.table]));
  const rowsOf = (path: string): string[][] => {
    const table = tables.get(path);
    const text =
      table === undefined
        ? gunzipSync(readFileSync(join('public', path))).toString('utf8')
        : tableCsv(table);
    return parseCsv(text) as string[][];
  };
  /** The cells of `rows` (header first) that do not cast to `schema`, as "row N: reason". */
  async function castProblems(name: string, schema: object, rows: string[][]): Promise<string[]> {
    const resource = await DataResource.load({
      name,
      profile: 'tabular-data-resource',
      data: rows,
      schema,
    });
    expect(
      resource.errors.map((e) => e.message),
      name,
    ).toEqual([]);
    const cast = await resource.read({ cast: true, forceCast: true });
    return cast.flatMap((row) =>
      row instanceof Error
        ? row.errors.map((e) => `${name} row ${row.rowNumber}: ${e.message}`)
        : [],
    );
  }

  it('casts every value of every file, yearly and report table, to its field type and constraints', async () => {
    const resources = dataPackage(siteData, downloadsManifest, EMPTY_CHANGE_LOG)
      .resources as (Resource & {
      schema: object;
    })[];
    let values = 0;
    const problems: string[] = [];
    for (const r of resources) {
      const rows = rowsOf(r.path);
      values += (rows.length - 1) * (rows[0]?.length ?? 0);
      problems.push(...(await castProblems(r.name, r.schema, rows)));
    }
    expect(problems).toEqual([]);
    // Every yearly row was read, and more than their values alone.
    const yearlyRows = downloadsManifest.files.reduce((n, f) => n + f.rows, 0);
    expect(values).toBeGreaterThan(yearlyRows * 19);
  }, 60_000);

  it('refuses values that break their types or an enum constraint (the check can fail)', async () => {
    const resources = dataPackage(siteData, downloadsManifest, EMPTY_CHANGE_LOG)
      .resources as (Resource & {
      schema: { fields: { name: string }[] };
    })[];
    const yearly = resources.find((r) => r.path.endsWith('.csv.gz'))!;
    const [header = [], first = []] = rowsOf(yearly.path);
    const broken = first.map(
      (value, i) =>
        ({ Month: '2025-13', Longitude: 'west', 'Postcode District Estimated': 'maybe' })[
          header[i] as string
        ] ?? value,
    );
    expect(await castProblems(yearly.name, yearly.schema, [header, first, broken])).toHaveLength(3);
    const judged = resources.find((r) => r.schema.fields.some((f) => f.name === 'change_verdict'))!;
    const [names = [], ...rows] = rowsOf(judged.path);
    const row = rows.find((cells) => cells.at(-1) !== '')!;
    const verdict = [...row.slice(0, -1), 'much-higher'];
    expect(await castProblems(judged.name, judged.schema, [names, verdict])).toHaveLength(1);
  });
});
