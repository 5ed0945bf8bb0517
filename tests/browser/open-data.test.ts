// The built site's machine-readable description of its data (dist/, built by global-setup.ts):
// datapackage.json validates against the Frictionless profiles (frictionlessdata's own
// validator, the datapackage package), describes every file it names as that file is, and
// the Data page lists the yearly files with their rows and checksums and carries a
// schema.org Dataset made from the same field list.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { validate } from 'datapackage';
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { DIST_DIR } from './global-setup.ts';
import { readBuiltMapData } from './map-page.ts';
import {
  dataPackageProblems,
  type DataPackage,
  type TabularResource,
} from '../support/table-schema.ts';

interface Resource {
  name: string;
  path: string;
  compression?: string;
  bytes?: number;
  hash?: string;
  schema: {
    fields: {
      name: string;
      type: string;
      description?: string;
      constraints?: { enum?: string[] };
    }[];
  };
}
interface Manifest {
  folder: string;
  files: { file: string; rows: number; sha256: string; bytes: number }[];
}

const dist = (...parts: string[]) => path.join(DIST_DIR, ...parts);
const descriptor = JSON.parse(readFileSync(dist('datapackage.json'), 'utf8')) as {
  resources: Resource[];
};
const manifest = JSON.parse(readFileSync('src/data/downloads.json', 'utf8')) as Manifest;
const data = JSON.parse(readFileSync('src/data/site-data.json', 'utf8')) as {
  wards: { slug: string }[];
};

function header(resource: Resource): string[] {
  const bytes = readFileSync(dist(resource.path));
  const text = (resource.compression === 'gz' ? gunzipSync(bytes) : bytes).toString('utf8');
  return (parseCsv(text.slice(0, text.indexOf('\n') + 1)) as string[][])[0] ?? [];
}

describe('datapackage.json', () => {
  it('validates as a Frictionless tabular data package', async () => {
    const result = await validate(descriptor);
    expect(result.errors.map((e) => e.message)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('the validator refuses a descriptor that breaks the profile (the test can fail)', async () => {
    const broken = structuredClone(descriptor) as { resources: Partial<Resource>[] };
    delete broken.resources[0]?.schema;
    (broken.resources[1] as { schema: unknown }).schema = {
      fields: [{ name: 'x', type: 'nonsense' }],
    };
    expect((await validate(broken)).valid).toBe(false);
  });

  it('names every published file, each in the build with the columns its schema lists', () => {
    const paths = descriptor.resources.map((r) => r.path);
    for (const f of manifest.files) expect(paths).toContain(`downloads/${f.file}`);
    for (const ward of data.wards) expect(paths).toContain(`wards/${ward.slug}/crime-types.csv`);
    expect(descriptor.resources.length).toBe(
      manifest.files.length +
        data.wards.length * 6 +
        paths.filter((p) => p.startsWith('years/')).length,
    );
    for (const resource of descriptor.resources) {
      expect(existsSync(dist(resource.path)), resource.path).toBe(true);
      expect(header(resource), resource.path).toEqual(resource.schema.fields.map((f) => f.name));
    }
  });

  it("describes each change's verdict against chance as the About page states the test", () => {
    const about = parse(readFileSync(dist('about', 'index.html'), 'utf8'))
      .querySelector('#changes')
      ?.nextElementSibling?.text.replace(/\s+/g, ' ');
    // The About page's test, from "taking both counts" to its p-value, and its threshold.
    const method = /Each change is tested: (taking both counts as Poisson[^.]*p-value[^.]*)\./.exec(
      about ?? '',
    )?.[1];
    const threshold = /Below (0\.\d+) the change/.exec(about ?? '')?.[1];
    expect(method, about).toBeDefined();
    expect(threshold).toBe('0.05');
    const judged = descriptor.resources.filter((r) =>
      r.schema.fields.some((f) => f.name === 'change'),
    );
    expect(judged.length).toBeGreaterThan(data.wards.length);
    for (const resource of judged) {
      const field = resource.schema.fields.find((f) => f.name === 'change_verdict');
      expect(field, resource.path).toBeDefined();
      expect(field?.type).toBe('string');
      expect(field?.constraints?.enum).toEqual(['higher', 'lower', 'within-normal', 'too-few']);
      expect(field?.description, resource.path).toContain(method);
      expect(field?.description, resource.path).toContain(`below ${threshold}`);
      // Every cell of the file is one of those values, or empty where nothing is compared.
      const rows = parseCsv(readFileSync(dist(resource.path)), { columns: true }) as Record<
        string,
        string
      >[];
      for (const row of rows) {
        expect(['', ...(field?.constraints?.enum ?? [])], resource.path).toContain(
          row['change_verdict'],
        );
      }
    }
  });

  /** A resource's file as the site serves it, and its CSV (decompressed). */
  function readResource(resource: TabularResource) {
    const stored = readFileSync(dist(resource.path));
    return { stored, data: resource.compression === 'gz' ? gunzipSync(stored) : stored };
  }
  const whole = descriptor as unknown as DataPackage;

  it("holds in every resource's file the values its schema allows, laid out as its dialect says", () => {
    expect(dataPackageProblems(whole, readResource)).toEqual([]);
  });

  it('the checks find a schema that the files break (the test can fail)', () => {
    /** The resources with `path` ending so, of a copy of the package changed by `change`. */
    const broken = (ending: string, change: (r: TabularResource) => void) => {
      const copy = structuredClone(whole);
      const chosen = copy.resources.filter((r) => r.path.endsWith(ending));
      expect(chosen.length, ending).toBeGreaterThan(0);
      chosen.forEach(change);
      return dataPackageProblems({ resources: chosen }, readResource);
    };
    const field = (r: TabularResource, name: string) => {
      const found = r.schema.fields.find((f) => f.name === name);
      if (found === undefined) throw new Error(`${r.name} has no field ${name}`);
      return found;
    };
    // A yearmonth ("2025-03") declared as a date.
    expect(broken('/months.csv', (r) => (field(r, 'month').type = 'date')).join('\n')).toMatch(
      /"month": "\d{4}-\d{2}" is not a valid date/,
    );
    // An integer column with empty cells and no missing value for them.
    expect(broken('/months.csv', (r) => (r.schema.missingValues = [])).join('\n')).toMatch(
      /"crimes": "" is not a valid integer/,
    );
    // A primary key that is not unique: ranks that wards share.
    expect(broken('wards.csv', (r) => (r.schema.primaryKey = 'rank')).join('\n')).toMatch(
      /primaryKey \["\d+"\] is not unique/,
    );
    // A foreign key to a resource the package does not have.
    expect(
      broken('2025/wards.csv', (r) => {
        r.schema.foreignKeys = [
          { fields: 'ward_code', reference: { resource: 'ward-codes', fields: 'code' } },
        ];
      }),
    ).toContainEqual(expect.stringMatching(/foreign key to resource "ward-codes"/));
    // A size and a hash that are not the file's.
    const sized = broken('.csv.gz', (r) => {
      r.bytes = (r.bytes ?? 0) + 1;
      r.hash = `sha256:${'0'.repeat(64)}`;
    });
    expect(sized.filter((p) => / bytes \d+, the file has/.test(p))).toHaveLength(
      manifest.files.length,
    );
    expect(sized.filter((p) => / hash sha256:0+, the file's/.test(p))).toHaveLength(
      manifest.files.length,
    );
    // A value outside an enum: a verdict the schema does not list.
    expect(
      broken('year-earlier.csv', (r) => {
        const verdict = field(r, 'change_verdict');
        verdict.constraints = { enum: ['higher', 'lower'] };
      }).join('\n'),
    ).toMatch(/"within-normal" is not in its enum/);
  });

  it("states the report tables' columns that always hold a figure as required, and finds one gone missing", () => {
    const required = (ending: string) => {
      const resources = whole.resources.filter((r) => r.path.endsWith(ending));
      expect(resources.length, ending).toBeGreaterThan(0);
      const lists = resources.map((r) =>
        r.schema.fields.filter((f) => f.constraints?.required === true).map((f) => f.name),
      );
      expect(new Set(lists.map((l) => l.join())).size, ending).toBe(1);
      return lists[0];
    };
    expect(required('/crime-types.csv')).toEqual(['crime_type', 'crimes', 'share']);
    // A month without data is an empty count; nothing to compare with, an empty change.
    expect(required('/months.csv')).toEqual(['month']);
    expect(required('/year-earlier.csv')).toEqual(['month', 'crimes', 'earlier_month']);
    // A ward without residents has no rate.
    expect(required('/wards.csv')).not.toContain('rate_per_1000');
    expect(required('/wards.csv')).toContain('crimes');
    // police.uk's own columns may be empty (a Crime ID for anti-social behaviour).
    expect(required('.csv.gz')).toEqual([]);

    const crimeTypes = whole.resources.find((r) => r.path.endsWith('/crime-types.csv'))!;
    const blanked = dataPackageProblems({ resources: [crimeTypes] }, (r) => {
      const { stored, data } = readResource(r);
      const lines = data.toString('utf8').split('\n');
      // The first row's count emptied: "Violence and sexual offences,523,40.1%" -> "...,,...".
      lines[1] = lines[1]!.replace(/,\d+,/, ',,');
      return { stored, data: Buffer.from(lines.join('\n')) };
    });
    expect(blanked).toEqual([`${crimeTypes.name} row 2 "crimes": required, but missing`]);
  });

  it('gives each yearly file the size and SHA-256 of the file the site serves', () => {
    for (const resource of descriptor.resources.filter((r) => r.compression === 'gz')) {
      const bytes = readFileSync(dist(resource.path));
      expect(resource.bytes).toBe(bytes.length);
      expect(resource.hash).toBe(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
    }
  });
});

describe('the Data page', () => {
  const root = parse(readFileSync(dist('data', 'index.html'), 'utf8'));

  it('lists every yearly file with a working link, its rows and its checksum', () => {
    const rows = root.querySelectorAll('#yearly-files tbody tr');
    expect(rows.map((tr) => tr.getAttribute('data-file'))).toEqual(
      manifest.files.map((f) => f.file),
    );
    for (const tr of rows) {
      const f = manifest.files.find((x) => x.file === tr.getAttribute('data-file'));
      const href = tr.querySelector('a')?.getAttribute('href') ?? '';
      // The address carries its version (?v=), which the file's name does not.
      const { pathname } = new URL(href, 'http://localhost');
      const bytes = readFileSync(dist(pathname.replace(/^\/([^/]+\/)?(?=downloads)/, '')));
      const text = gunzipSync(bytes).toString('utf8');
      const csvRows = (parseCsv(text) as string[][]).length - 1;
      expect(Number(tr.querySelector('[data-field="rows"]')?.text.replace(/,/g, ''))).toBe(csvRows);
      expect(tr.querySelector('[data-field="sha256"]')?.text.trim()).toBe(
        createHash('sha256').update(bytes).digest('hex'),
      );
      expect(f?.rows).toBe(csvRows);
    }
  });

  it('says how much of the Polling District column the files fill, as the files have it', () => {
    let rows = 0;
    let filled = 0;
    for (const f of manifest.files) {
      const bytes = readFileSync(dist(manifest.folder, f.file));
      const records = parseCsv(gunzipSync(bytes), { columns: true }) as Record<string, string>[];
      rows += records.length;
      filled += records.filter((r) => (r['Polling District'] ?? '') !== '').length;
    }
    expect(rows).toBeGreaterThan(0);
    const note = root.querySelector('#polling-coverage')?.text.replace(/\s+/g, ' ') ?? null;
    if (filled === rows) expect(note).toBeNull();
    else if (filled === 0) expect(note ?? '').toContain('empty in every row');
    else
      expect(note).toContain(
        `${filled.toLocaleString('en-GB')} of ${rows.toLocaleString('en-GB')} rows`,
      );
  });

  it("says in how many rows the Postcode District is an estimate, and the column's description says what it is", () => {
    const { postcodeDistricts, quality } = JSON.parse(
      readFileSync('src/data/site-data.json', 'utf8'),
    ) as { postcodeDistricts: { approximate: number }; quality: { kept: number } };
    const note = root.querySelector('#postcode-estimates')?.text.replace(/\s+/g, ' ') ?? null;
    if (postcodeDistricts.approximate === 0) {
      expect(note).toBeNull();
    } else {
      expect(note).toContain(
        `an estimate in ${postcodeDistricts.approximate.toLocaleString('en-GB')} of ${quality.kept.toLocaleString('en-GB')} rows`,
      );
    }
    const records = descriptor.resources.find((r) => r.compression === 'gz');
    const column = records?.schema.fields.find((f) => f.name === 'Postcode District');
    expect(column?.description).toMatch(/postcodes\.io/);
    expect(column?.description).toMatch(/an estimate/);
    const flag = records?.schema.fields.find((f) => f.name === 'Postcode District Estimated');
    expect(flag?.type).toBe('boolean');
    expect(flag?.description).toMatch(/^true when the Postcode District is only an estimate/);
    const readme = readFileSync(dist(manifest.folder, 'README.txt'), 'utf8');
    for (const field of [column, flag]) {
      expect(readme).toContain(field?.description ?? 'no description');
    }
    if (postcodeDistricts.approximate > 0) {
      expect(note).toContain('The Postcode District Estimated column is true in these rows.');
    }
  });

  it('marks in the record files exactly the rows whose Postcode District is an estimate', () => {
    const { postcodeDistricts } = JSON.parse(readFileSync('src/data/site-data.json', 'utf8')) as {
      postcodeDistricts: { approximate: number };
    };
    const flags = manifest.files.flatMap((file) => {
      const bytes = readFileSync(dist(manifest.folder, file.file));
      const rows = parseCsv(gunzipSync(bytes), { columns: true }) as Record<string, string>[];
      return rows.map((r) => r['Postcode District Estimated']);
    });
    expect(new Set(flags)).toEqual(new Set(['true', 'false']));
    expect(flags.filter((f) => f === 'true')).toHaveLength(postcodeDistricts.approximate);
  });

  it('says the record files hold anti-social behaviour incidents beside crimes, as they do', () => {
    const bytes = readFileSync(dist(manifest.folder, manifest.files[0]?.file ?? ''));
    const records = parseCsv(gunzipSync(bytes), { columns: true }) as Record<string, string>[];
    expect(records.some((r) => r['Crime type'] === 'Anti-social behaviour')).toBe(true);
    const said = [
      root.querySelector('#records')?.parentNode?.text ?? '',
      readFileSync(dist(manifest.folder, 'README.txt'), 'utf8').split('\n\n')[0] ?? '',
      ...descriptor.resources
        .filter((r) => r.compression === 'gz')
        .map((r) => (r as Resource & { description?: string }).description ?? ''),
    ];
    for (const text of said) {
      expect(text.replace(/\s+/g, ' ')).toMatch(/crime (and|or) anti-social behaviour incident/);
      expect(text.replace(/\s+/g, ' ')).not.toMatch(/row per crime[;:.]/);
    }
  });

  it("carries a schema.org Dataset whose variables are the record files' columns", () => {
    const script = root.querySelector('script[type="application/ld+json"]');
    const dataset = JSON.parse(script?.text ?? '{}') as {
      '@type': string;
      license: string;
      variableMeasured: { name: string }[];
      distribution: { contentUrl: string }[];
    };
    expect(dataset['@type']).toBe('Dataset');
    expect(dataset.license).toMatch(/open-government-licence\/version\/3/);
    const records = descriptor.resources.find((r) => r.compression === 'gz');
    expect(dataset.variableMeasured.map((v) => v.name)).toEqual(
      records?.schema.fields.map((f) => f.name),
    );
    expect(dataset.distribution).toHaveLength(manifest.files.length);
  });

  it('links to datapackage.json and the README beside the downloads, which holds the licence', () => {
    const links = root.querySelectorAll('a').map((a) => a.getAttribute('href') ?? '');
    // Each at an address versioned by its content (?v=).
    expect(links.some((h) => /\/datapackage\.json\?v=[0-9a-f]{12}$/.test(h))).toBe(true);
    expect(links.some((h) => /\/downloads\/README\.txt\?v=[0-9a-f]{12}$/.test(h))).toBe(true);
    expect(readFileSync(dist('downloads', 'README.txt'), 'utf8')).toContain(
      'Open Government Licence',
    );
  });
});

describe('the map data the site serves (/data/map-data.bin.gz)', () => {
  const page = parse(readFileSync(dist('data', 'index.html'), 'utf8'));
  const licenceSection = page.querySelector('section[aria-labelledby="licence"]');

  it('names the licence and the attribution the Data page asks reusers to include, in full', async () => {
    const mapData = await readBuiltMapData();
    const descriptorLicences = (
      JSON.parse(readFileSync(dist('datapackage.json'), 'utf8')) as { licenses: { name: string }[] }
    ).licenses.map((l) => l.name);
    expect(descriptorLicences).toEqual([mapData.licence]);
    const lines = licenceSection?.querySelectorAll('li').map((li) => li.text.trim()) ?? [];
    expect(lines.length).toBeGreaterThan(1);
    expect(mapData.attribution).toBe(lines.join(' '));
    expect(mapData.attribution).toContain('Crime records: police.uk (https://data.police.uk/)');
  });
});
