// The year pages' wards table has a centre_residents column in every district. Its description
// (the Data page's list, datapackage.json and each table's JSON) says what it holds in the
// district built: the residents of its centre, or, in a district without a centre ("centre":
// null in area.json), always 0, never a centre the About page does not name or a rate it
// inflates. Each test builds Sheffield's committed data in a scratch folder, its area.json
// with or without its centre, the site data as the pipeline would record it.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { EMPTY_CHANGE_LOG } from '../../../src/shared/change-log.ts';
import { scratchBuild } from '../../support/scratch-build.ts';

const buildFolder = scratchBuild('centre-columns-');
const AREA_FILE = path.join('data', 'areas', 'sheffield', 'area.json');
const OUTPUT = path.join('data', 'areas', 'sheffield', 'output');
const DATA_FILE = path.join(OUTPUT, 'site-data.json');

interface Field {
  name: string;
  description: string;
}

/**
 * The centre_residents column as the build describes it: on the Data page (the year tables it
 * lists), in datapackage.json (every year's wards table) and in each year's wards.json.
 */
async function centreResidentsDescriptions(): Promise<string[]> {
  // The scratch folder's afterEach puts the environment back, SITE with it.
  vi.stubEnv('SITE', 'https://example.test');
  const { YEAR_TABLES, tableJson, yearTables } = await import('../../../src/lib/report-tables.ts');
  const { dataPackage, downloadsManifest } = await import('../../../src/lib/open-data.ts');
  const { siteData } = await import('../../../src/lib/site-data.ts');
  const { yearsWithData } = await import('../../../src/lib/figures.ts');
  const column = (fields: readonly Field[]) =>
    fields.find((f) => f.name === 'centre_residents')?.description ?? '(no centre_residents)';
  const listed = YEAR_TABLES.filter((t) => t.id === 'wards').map((t) => column(t.fields));
  const resources = dataPackage(siteData, downloadsManifest, EMPTY_CHANGE_LOG).resources as {
    path: string;
    schema: { fields: Field[] };
  }[];
  const described = resources
    .filter((r) => /^years\/\d{4}\/wards\.csv$/.test(r.path))
    .map((r) => column(r.schema.fields));
  const files = yearsWithData(siteData).map((year) => {
    const table = yearTables(siteData, year).find((t) => t.spec.id === 'wards')!;
    return column((JSON.parse(tableJson(table)) as { fields: Field[] }).fields);
  });
  expect(listed).toHaveLength(1);
  expect(described.length).toBeGreaterThan(0);
  expect(files).toHaveLength(described.length);
  return [...listed, ...described, ...files];
}

/** Sheffield's area.json and site data with `centre` (null: none). */
async function buildSheffieldWith(centre: unknown) {
  await buildFolder('sheffield', [DATA_FILE, path.join(OUTPUT, 'downloads.json')]);
  const config = JSON.parse(await readFile(AREA_FILE, 'utf8')) as Record<string, unknown>;
  await writeFile(AREA_FILE, JSON.stringify({ ...config, centre }));
  const data = JSON.parse(await readFile(DATA_FILE, 'utf8')) as {
    builtFrom: Record<string, unknown>;
    wards: { cityCentreResidents: number }[];
  };
  if (centre === null) {
    // What a run without a centre records: no resident of any ward in one.
    data.builtFrom = { ...data.builtFrom, centre: null };
    for (const ward of data.wards) ward.cityCentreResidents = 0;
  }
  await writeFile(DATA_FILE, JSON.stringify(data));
}

describe("the wards table's centre_residents column", () => {
  it('is always 0 in a district without a centre, and its description says so', async () => {
    await buildSheffieldWith(null);
    const descriptions = await centreResidentsDescriptions();
    for (const description of descriptions) {
      expect(description).toMatch(/^Always 0: Sheffield has no centre /);
      // Nothing of a centre it does not have: About names none, and no rate is inflated.
      expect(description).not.toMatch(/About|inflated|work in, visit/);
    }
    // And the files hold what it says.
    const { yearTables } = await import('../../../src/lib/report-tables.ts');
    const { siteData } = await import('../../../src/lib/site-data.ts');
    const wards = yearTables(siteData, 2024).find((t) => t.spec.id === 'wards')!;
    const at = wards.spec.fields.findIndex((f) => f.name === 'centre_residents');
    expect(new Set(wards.rows.map((row) => row[at]))).toEqual(new Set([0]));
  });

  it("names a district's own centre, by its label, where it has one", async () => {
    const centre = { kind: 'wards', label: 'town centre', wards: ['E05010862'] };
    await buildSheffieldWith(centre);
    for (const description of await centreResidentsDescriptions()) {
      expect(description).toMatch(/^Of population, residents of the town centre \(/);
      expect(description).toContain('go out in the town centre than live there');
      expect(description).not.toMatch(/Always 0|without one/);
    }
  });
});
