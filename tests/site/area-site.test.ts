// `AREA=sheffield npm run build`: the site built for a second district from its area
// configuration and its own pipeline outputs (here a `--out` folder given as AREA_DATA_DIR).
// Every page must speak of Sheffield: no Leeds place, postcode or force word in any HTML page.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline/cli.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import { buildSite } from '../support/astro-build.ts';

/** Words that belong to Leeds's site: its name, its postcode area (LS, LS1...) and its force. */
const LEEDS_WORDS = /\bLeeds\b|\bLS\d*\b|West Yorkshire/;

let scratch: string;
let site: string;
let pages: Map<string, string>;

async function htmlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((f) => f.endsWith('.html')).map((f) => path.join(dir, f));
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'area-site-'));
  const data = path.join(scratch, 'data');
  site = path.join(scratch, 'site');
  await runPipeline(
    { help: false, list: false, offline: true, area: 'sheffield', out: data },
    { reporter: createMemoryReporter(), threads: 1 },
  );
  await buildSite({ outDir: site, env: { AREA: 'sheffield', AREA_DATA_DIR: data } });
  pages = new Map();
  for (const file of await htmlFiles(site)) {
    pages.set(path.relative(site, file), await readFile(file, 'utf8'));
  }
}, 300_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('AREA=sheffield npm run build', () => {
  it("builds a page for each of Sheffield's 28 wards, a page per year and the map", () => {
    const wardPages = [...pages.keys()].filter((p) => /^wards\/[^/]+\/index\.html$/.test(p));
    expect(wardPages).toHaveLength(28);
    expect(pages.has('years/2024/index.html')).toBe(true);
    expect(pages.get('index.html')).toContain('<h1>Crime map of Sheffield</h1>');
  });

  it("links each ward to the map over Sheffield's months, and says which", () => {
    // Sheffield's data runs from 2024-01 to 2024-04: a ward page's twelve months (May 2023 to
    // Apr 2024) open the map from its first month, and the link's words say so.
    const wardPages = [...pages].filter(([p]) => /^wards\/[^/]+\/index\.html$/.test(p));
    expect(wardPages).toHaveLength(28);
    for (const [page, html] of wardPages) {
      const link = /<a href="([^"]*)" data-field="map-link">([^<]*)<\/a>/.exec(html);
      expect(link, page).not.toBeNull();
      const query = new URLSearchParams((link?.[1] ?? '').replaceAll('&amp;', '&').split('?')[1]);
      expect([query.get('from'), query.get('to')], page).toEqual(['2024-01', '2024-04']);
      expect(link?.[2], page).toMatch(/, Jan 2024 to Apr 2024$/);
    }
  });

  it('names the site and the district from the area configuration on every page', () => {
    for (const [page, html] of pages) {
      if (page === '404.html') continue;
      expect(html, page).toMatch(/<title>[^<]*Sheffield Crime Intelligence<\/title>/);
    }
  });

  it('says only the checks its data has, and puts a space between the wards and the district', () => {
    const changes = pages.get('changes/index.html') ?? '';
    // Sheffield has no postcode list, so no postcode district is given or checked.
    expect(changes).toContain('every crime must be placed in a ward and an LSOA,');
    expect(changes).not.toMatch(/postcode district/i);
    expect(pages.get('about/index.html')).toContain('the 28 Sheffield electoral wards');
  });

  it('names no postcode list among its sources, having none', async () => {
    const datapackage = JSON.parse(await readFile(path.join(site, 'datapackage.json'), 'utf8')) as {
      sources: { title: string }[];
    };
    expect(datapackage.sources.map((s) => s.title)).not.toContain('ONS Postcode Directory');
    expect(datapackage.sources.length).toBeGreaterThan(0);
    const index = JSON.parse(await readFile(path.join(site, 'data', 'postcodes.json'), 'utf8')) as {
      attribution?: string;
    };
    expect(index.attribution).toBeUndefined();
  });

  it('has no Leeds word on any page', () => {
    const found = [...pages]
      .map(([page, html]) => [page, LEEDS_WORDS.exec(html)?.[0]] as const)
      .filter(([, word]) => word !== undefined);
    expect(found).toEqual([]);
  });

  it("serves Sheffield's map data and downloads, none of Leeds's", async () => {
    const served = await readdir(site, { recursive: true });
    expect(served).toContain(path.join('downloads', 'sheffield-crimes-2024.csv.gz'));
    expect(served).toContain(path.join('data', 'map-data.bin.gz'));
    expect(served.filter((f) => /leeds/i.test(f))).toEqual([]);
  });

  it("names the rows outside the district in its words: never by the data's outside-district code", async () => {
    const siteData = JSON.parse(
      await readFile(path.join(scratch, 'data', 'site-data.json'), 'utf8'),
    ) as { quality: { dropped: Record<string, number> } };
    const outside = siteData.quality.dropped['outside-district'] ?? 0;
    expect(outside).toBeGreaterThan(0);
    expect(pages.get('about/index.html')).toContain(
      `Outside the Sheffield district</th><td class="num">${outside.toLocaleString('en-GB')}</td>`,
    );
    const named = [...pages].filter(([, html]) => /outside-district|outside[- ]leeds/i.test(html));
    expect(named.map(([page]) => page)).toEqual([]);
  });

  it('states the centre the area defines (its City ward), not postcode districts', () => {
    expect(pages.get('index.html')).toContain('City centre = the City ward.');
    // About says the City ward's own rate is inflated: the centre is that ward.
    const about = (pages.get('about/index.html') ?? '').replace(/\s+/g, ' ');
    expect(about).toContain('the rate of City, the ward it is made of, is inflated');
    // One ward's rate: the sentence after it speaks of it in the singular.
    expect(about).toContain('is inflated. It measures crimes per resident, not the risk');
  });

  it('sends no one to the map without the centre to see a ward that lies wholly in it, and says why', () => {
    // City's residents all live in the centre (the City ward): left out with it, City has no
    // residents, no rate and no crimes, so the map has nothing of it to show.
    const caveats = [
      ['wards/city/index.html', 'City'],
      ['wards/index.html', 'City'],
      ['years/2024/index.html', 'City'],
    ] as const;
    for (const [page, ward] of caveats) {
      const caveat = parse(pages.get(page) ?? '').querySelector('.centre-caveat');
      const text = caveat?.text.replace(/\s+/g, ' ') ?? '';
      expect(text, page).toContain(`100% of ${ward}'s residents live in the city centre`);
      expect(caveat?.querySelector('a')?.text ?? null, page).toBeNull();
      expect(text, page).toContain(
        `${ward} lies wholly in the city centre: left out with it, ${ward} has no residents and no rate.`,
      );
    }
  });

  it('gives the OS notice the year of its own boundaries (area.json), on every page and download', async () => {
    const area = JSON.parse(await readFile('data/areas/sheffield/area.json', 'utf8')) as {
      boundaries: { copyrightYear: number };
    };
    const notice = `Contains OS data © Crown copyright and database right ${area.boundaries.copyrightYear}.`;
    expect(area.boundaries.copyrightYear).not.toBe(2025);
    for (const [page, html] of pages) {
      if (page === '404.html') continue;
      expect(html, page).toContain(notice);
      expect(html, page).not.toContain('database right 2025');
    }
    const readme = await readFile(path.join(site, 'downloads', 'README.txt'), 'utf8');
    expect(readme).toContain(notice);
    const feed = await readFile(path.join(site, 'feed.xml'), 'utf8');
    expect(feed).toContain(notice);
  });

  it('names no postcode or polling district it does not give', () => {
    const data = (pages.get('data/index.html') ?? '').replace(/\s+/g, ' ');
    expect(data).toContain("police.uk's street-level columns, then the ward this site gives it.");
    const about = pages.get('about/index.html') ?? '';
    expect(about).not.toContain('Polling districts are filled only');
    // Rows beyond the edge come from the whole force file, not only the districts around it.
    expect(about.replace(/\s+/g, ' ')).toContain("most of them in the force's other districts");
  });
});

describe('AREA=sheffield npm run build with data of another configuration', () => {
  type Edit = (builtFrom: Record<string, unknown>) => Record<string, unknown> | undefined;
  it.each<[string, string, Edit]>([
    [
      'another centre',
      'centre',
      (a) => ({ ...a, centre: { kind: 'wards', wards: ['E05010861'] } }),
    ],
    [
      'other boundaries',
      'boundaries',
      (a) => ({ ...a, boundaries: { ...(a['boundaries'] as object), copyrightYear: 2019 } }),
    ],
    ['no record of its configuration', '(not recorded)', () => undefined],
  ])(
    'refuses site data built with %s, naming what differs from area.json',
    async (_what, named, edit) => {
      const data = path.join(scratch, `other-${named.replace(/\W/g, '')}`);
      await cp(path.join(scratch, 'data'), data, { recursive: true });
      const file = path.join(data, 'site-data.json');
      const siteData = JSON.parse(await readFile(file, 'utf8')) as {
        builtFrom?: Record<string, unknown>;
      };
      siteData.builtFrom = edit(siteData.builtFrom ?? {});
      await writeFile(file, JSON.stringify(siteData));
      await expect(
        buildSite({
          outDir: path.join(data, 'site'),
          env: { AREA: 'sheffield', AREA_DATA_DIR: data },
        }),
      ).rejects.toThrow(
        // The file named once, the way to make it again said once, at the end.
        // The data is in the folder AREA_DATA_DIR names: the command writes there (--out).
        `The site data ${file} was built from another configuration of the area than data/areas/sheffield/area.json has now (${named} differ). Run \`npm run pipeline -- --area sheffield --offline --out ${data}\` to make it again in the folder AREA_DATA_DIR names.`,
      );
    },
    120_000,
  );
});
