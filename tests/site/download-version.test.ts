// The yearly record files are linked at addresses whose query string (?v=) changes whenever
// the file does, so after a refresh revises a year no browser or CDN serves its cached old file
// beside the page's new SHA-256; so are the report tables' CSV and JSON files, README.txt and
// datapackage.json. Two builds of the committed Leeds outputs, the second with one year's file
// written again with other bytes (and its manifest entry with them, as the pipeline writes it,
// and README.txt), and one ward's busiest street named otherwise in the site data, whose months
// were fetched again later (a newer generatedAt, nothing else changed by it): only the
// addresses of what changed differ, on the Data page and its Dataset and on the ward's page.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadsManifestSchema, type DownloadsManifest } from '../../src/shared/open-data.ts';
import { buildSite } from '../support/astro-build.ts';
import { committedOutputs } from '../support/committed-outputs.ts';

/** The committed site data's wards, whose pages the builds make. */
const { wards } = JSON.parse(readFileSync(path.join('src', 'data', 'site-data.json'), 'utf8')) as {
  wards: { slug: string }[];
};

/** The index of the ward whose streets table the second build changes, and another's. */
const RENAMED_WARD = 0;
const OTHER_WARD = 1;

let scratch: string;
let manifest: DownloadsManifest;
/** The year whose file the second build has other bytes for. */
let revised = '';
const builds = {
  before: { page: '', dir: '' },
  after: { page: '', dir: '' },
};

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'download-version-'));
  manifest = downloadsManifestSchema.parse(
    JSON.parse(await readFile(path.join('src', 'data', 'downloads.json'), 'utf8')),
  );
  expect(manifest.files.length).toBeGreaterThan(1);
  const before = path.join(scratch, 'before');
  const after = path.join(scratch, 'after');
  await committedOutputs(before);
  await committedOutputs(after);
  // The last year's rows compressed otherwise: other bytes, as a revision of the year makes.
  const entry = manifest.files.at(-1)!;
  revised = entry.file;
  const file = path.join(after, 'downloads', entry.file);
  const old = await readFile(file);
  const bytes = gzipSync(gunzipSync(old), { level: 1 });
  expect(bytes.equals(old)).toBe(false);
  await writeFile(file, bytes);
  const changed: DownloadsManifest = {
    ...manifest,
    files: manifest.files.map((f) =>
      f.file === entry.file ? { ...f, sha256: sha256(bytes), bytes: bytes.length } : f,
    ),
  };
  await writeFile(path.join(after, 'downloads.json'), `${JSON.stringify(changed, null, 2)}\n`);
  // README.txt beside the files lists each one's size and SHA-256, as the manifest does.
  const readme = path.join(after, 'downloads', 'README.txt');
  const listed = `${entry.bytes} bytes  ${entry.sha256}`;
  const text = await readFile(readme, 'utf8');
  expect(text).toContain(listed);
  await writeFile(readme, text.replace(listed, `${bytes.length} bytes  ${sha256(bytes)}`));
  // One ward's busiest street renamed: its streets table changes, no other table of any ward.
  const siteData = JSON.parse(await readFile(path.join(after, 'site-data.json'), 'utf8')) as {
    generatedAt: string;
    topStreets: { byWard: { location: string }[][] };
  };
  const street = siteData.topStreets.byWard[RENAMED_WARD]![0]!;
  street.location = `${street.location} East`;
  // And its months fetched again a day later: the newest fetch moves, no figure with it.
  siteData.generatedAt = new Date(Date.parse(siteData.generatedAt) + 86_400_000).toISOString();
  await writeFile(path.join(after, 'site-data.json'), JSON.stringify(siteData));
  for (const [name, data] of [
    ['before', before],
    ['after', after],
  ] as const) {
    const site = path.join(scratch, `site-${name}`);
    await buildSite({ outDir: site, env: { AREA: 'leeds', AREA_DATA_DIR: data } });
    builds[name] = {
      page: await readFile(path.join(site, 'data', 'index.html'), 'utf8'),
      dir: site,
    };
  }
}, 600_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Every address the page gives for `file` (links and the Dataset's contentUrl), each once. */
function addressesOf(html: string, file: string): string[] {
  const pattern = new RegExp(`/downloads/${file.replaceAll('.', '\\.')}(\\?[^"&\\s]*)?`, 'g');
  return [...new Set(html.replaceAll('&quot;', '"').match(pattern) ?? [])];
}

describe('the Data page built from the same outputs with one year revised', () => {
  it("links that year's file at another address, the version of the bytes it serves", async () => {
    const before = addressesOf(builds.before.page, revised);
    const after = addressesOf(builds.after.page, revised);
    expect(before).toHaveLength(1);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before[0]);
    for (const build of [builds.before, builds.after]) {
      const served = await readFile(path.join(build.dir, 'downloads', revised));
      const [address] = addressesOf(build.page, revised);
      expect(address).toBe(`/downloads/${revised}?v=${sha256(served).slice(0, 12)}`);
    }
  });

  it('keeps the addresses of the years that did not change', () => {
    for (const { file } of manifest.files.filter((f) => f.file !== revised)) {
      const before = addressesOf(builds.before.page, file);
      expect(before, file).toHaveLength(1);
      expect(before[0], file).toMatch(/\?v=[0-9a-f]{12}$/);
      expect(addressesOf(builds.after.page, file), file).toEqual(before);
    }
  });
});

/** The addresses of a report page's table downloads, by "table.format", and the page's path. */
function tableAddresses(site: string, page: string): Map<string, string> {
  const html = readFileSync(path.join(site, page, 'index.html'), 'utf8');
  const links = parse(html).querySelectorAll('a[data-download]');
  expect(links.length, page).toBeGreaterThan(0);
  return new Map(
    links.map((a) => [
      `${a.getAttribute('data-download')}.${a.getAttribute('data-format')}`,
      a.getAttribute('href') ?? '',
    ]),
  );
}

/** The version an address should carry for the file `file` of the built site `site`. */
function versionOf(site: string, file: string): string {
  return `?v=${sha256(readFileSync(path.join(site, file))).slice(0, 12)}`;
}

describe('the report tables, README.txt and datapackage.json built from changed data', () => {
  const wardPage = (index: number) => `wards/${wards[index]!.slug}/`;

  it('link each table file at an address versioned by the bytes the build serves', () => {
    for (const build of [builds.before, builds.after]) {
      for (const page of [wardPage(RENAMED_WARD), wardPage(OTHER_WARD), 'years/2025/']) {
        for (const [file, address] of tableAddresses(build.dir, page)) {
          expect(address, `${page}${file}`).toBe(
            `/${page}${file}${versionOf(build.dir, page + file)}`,
          );
        }
      }
    }
  });

  it("changes the address of the changed table's files only", () => {
    const page = wardPage(RENAMED_WARD);
    const before = tableAddresses(builds.before.dir, page);
    const after = tableAddresses(builds.after.dir, page);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [file, address] of after) {
      if (file.startsWith('streets.')) expect(address, file).not.toBe(before.get(file));
      else expect(address, file).toBe(before.get(file));
    }
    expect(tableAddresses(builds.after.dir, wardPage(OTHER_WARD))).toEqual(
      tableAddresses(builds.before.dir, wardPage(OTHER_WARD)),
    );
  });

  it('serves the same bytes for every table file the change left as it was', () => {
    const renamed = `${wardPage(RENAMED_WARD)}streets.`;
    const pages = [...wards.map((_, i) => wardPage(i)), 'years/2024/', 'years/2025/'];
    let compared = 0;
    for (const page of pages) {
      for (const file of tableAddresses(builds.before.dir, page).keys()) {
        if (`${page}${file}`.startsWith(renamed)) continue;
        const before = readFileSync(path.join(builds.before.dir, page, file), 'utf8');
        expect(readFileSync(path.join(builds.after.dir, page, file), 'utf8'), page + file).toBe(
          before,
        );
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(wards.length * 10);
  });

  it('links README.txt and datapackage.json at addresses versioned by what they hold', () => {
    const addresses = (html: string) =>
      parse(html)
        .querySelectorAll('a')
        .map((a) => a.getAttribute('href') ?? '')
        .filter((href) => /\/(README\.txt|datapackage\.json)\b/.test(href));
    for (const build of [builds.before, builds.after]) {
      expect(addresses(build.page)).toEqual([
        `/datapackage.json${versionOf(build.dir, 'datapackage.json')}`,
        `/downloads/README.txt${versionOf(build.dir, 'downloads/README.txt')}`,
      ]);
    }
    // The README lists the revised year's new checksum: another address.
    expect(addresses(builds.after.page)[1]).not.toBe(addresses(builds.before.page)[1]);
  });
});
