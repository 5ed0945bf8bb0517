// The site built from the committed outputs with a few wards' counts made small, as a quiet
// ward in a window of few months can be: one crime, one anti-social behaviour incident, every
// crime at a kind of place. The pages, feeds and share text must say "1 crime", never "1
// crimes", and a ward whose crimes all lie at kinds of place must not be said to have none.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HTMLElement } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeLog } from '../../src/shared/change-log.ts';
import type { SiteData } from '../../src/shared/schema.ts';
import { buildSite } from '../support/astro-build.ts';
import { builtPage, squeezedText } from '../support/built-page.ts';
import { committedSiteData, monthIndex } from '../support/site-data.ts';

/** One crime and one anti-social behaviour incident in its window, both at a supermarket. */
const KINDS_ONLY = { slug: 'harewood', name: 'Harewood' };
/** One anti-social behaviour incident in its window, on a street. */
const ONE_INCIDENT = { slug: 'wetherby', name: 'Wetherby' };
const STREET = 'On or near Ainsty Drive';

let scratch: string;
let site: string;

/**
 * Ward `slug`'s crimes in `month` replaced by `counts` (crime type -> count) with their outcome
 * (outcome -> count), the month's totals kept in step.
 */
function setWardMonth(
  data: SiteData,
  slug: string,
  month: string,
  counts: Record<string, number>,
  outcomes: Record<string, number>,
): void {
  const w = data.wards.findIndex((ward) => ward.slug === slug);
  const m = monthIndex(data, month);
  const before = data.counts[w]![m]!.reduce((a, b) => a + b, 0);
  data.counts[w]![m] = data.crimeTypes.map((type) => counts[type] ?? 0);
  data.outcomes[w]![m] = data.outcomeCategories.map((name) => outcomes[name] ?? 0);
  const after = Object.values(counts).reduce((a, b) => a + b, 0);
  const provenance = data.provenance[m]!;
  provenance.rows += after - before;
  provenance.forces[0]!.count += after - before;
  data.quality.read += after - before;
  data.quality.kept += after - before;
  for (const place of ['lsoa', 'ward', 'postcodeDistrict'] as const) {
    data.quality.coverage[place] += after - before;
  }
}

function smallCountsData(): SiteData {
  const data = committedSiteData();
  const none = { 'No outcome recorded': 1 };
  const pending = { 'Under investigation': 1 };
  setWardMonth(data, KINDS_ONLY.slug, '2025-02', { 'Anti-social behaviour': 1 }, none);
  setWardMonth(data, KINDS_ONLY.slug, '2025-03', { Shoplifting: 1 }, pending);
  setWardMonth(data, ONE_INCIDENT.slug, '2025-02', {}, {});
  setWardMonth(data, ONE_INCIDENT.slug, '2025-03', { 'Anti-social behaviour': 1 }, none);
  const kindsOnly = data.wards.findIndex((w) => w.slug === KINDS_ONLY.slug);
  data.topStreets.byWard[kindsOnly] = [];
  data.topStreets.tiedBeyond[kindsOnly] = 0;
  data.topStreets.placeKinds[kindsOnly] = [{ kind: 'Supermarket', count: 2 }];
  const oneIncident = data.wards.findIndex((w) => w.slug === ONE_INCIDENT.slug);
  data.topStreets.byWard[oneIncident] = [{ location: STREET, count: 1 }];
  data.topStreets.tiedBeyond[oneIncident] = 0;
  data.topStreets.placeKinds[oneIncident] = [];
  return data;
}

/** A refresh that added one month. */
const CHANGES: ChangeLog = {
  schemaVersion: 1,
  entries: [
    {
      refreshedAt: '2026-11-26T00:32:16.000Z',
      dataTo: '2025-03',
      added: [{ month: '2025-03', source: 'archive', snapshot: 'archive:2025-03', rows: 9304 }],
      revised: [],
      outcomesUpdated: [],
    },
  ],
};

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'small-counts-'));
  const data = path.join(scratch, 'data');
  await mkdir(data);
  // The committed outputs in a pipeline --out folder's layout, the site data edited.
  for (const file of ['downloads.json'])
    await cp(path.join('src/data', file), path.join(data, file));
  for (const file of ['map-data.bin.gz', 'postcodes.json', 'wards.geojson']) {
    await cp(path.join('public/data', file), path.join(data, file));
  }
  await cp('public/downloads', path.join(data, 'downloads'), { recursive: true });
  await writeFile(path.join(data, 'site-data.json'), JSON.stringify(smallCountsData()));
  await writeFile(path.join(data, 'changes.json'), JSON.stringify(CHANGES));
  site = path.join(scratch, 'site');
  await buildSite({ outDir: site, env: { AREA_DATA_DIR: data } });
}, 300_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const page = (urlPath: string) => builtPage(site, urlPath);
const text = squeezedText;

describe('counts of one on the reports', () => {
  it('a ward page names one crime and one anti-social behaviour incident in the singular', async () => {
    const root = await page(`wards/${KINDS_ONLY.slug}`);
    const parts = (r: HTMLElement) => text(r.querySelector('[data-field="crimes"]')?.parentNode);
    expect(parts(root)).toBe('1 crime, 1 anti-social behaviour incident');
    const alone = await page(`wards/${ONE_INCIDENT.slug}`);
    expect(parts(alone)).toBe('0 crimes, 1 anti-social behaviour incident');
    const description = alone.querySelector('meta[name="description"]')?.getAttribute('content');
    expect(description).toMatch(
      /^1 crime or anti-social behaviour incident recorded in Wetherby ward, /,
    );
    expect(text(alone.querySelector('[data-field="streets-sum"]'))).toMatch(
      /^Of the 1 crime or anti-social behaviour incident in Wetherby in these months, /,
    );
  });

  it("a ward's feed and share text name one crime or incident in the singular", async () => {
    const feed = await readFile(path.join(site, 'wards', ONE_INCIDENT.slug, 'feed.xml'), 'utf8');
    expect(feed).toContain(
      '<title>Wetherby, March 2025: 1 crime or anti-social behaviour incident</title>',
    );
    expect(feed).toContain(
      '<summary type="text">1 crime or anti-social behaviour incident recorded in Wetherby in March 2025; ',
    );
    expect(feed).toContain(
      '1 crime or anti-social behaviour incident over the months with data of the 12 months',
    );
    const root = await page(`wards/${ONE_INCIDENT.slug}`);
    expect(root.querySelector('meta[property="og:image:alt"]')?.getAttribute('content')).toMatch(
      /^Wetherby: 1 crime or anti-social behaviour incident, Feb–Mar 2025; /,
    );
  });

  it('the feed of data changes names one month added in the singular', async () => {
    const feed = await readFile(path.join(site, 'feed.xml'), 'utf8');
    expect(feed).toContain('<title>Data to March 2025: 1 month added</title>');
  });
});

describe('a ward whose crimes all lie at kinds of place', () => {
  it('says that none lies on a named street, not that none was recorded', async () => {
    const root = await page(`wards/${KINDS_ONLY.slug}`);
    const section = root.querySelector('section[aria-labelledby="streets"]');
    expect(section?.querySelector('table')).toBeNull();
    expect(text(section)).not.toContain('No crimes or anti-social behaviour were recorded');
    expect(text(section)).toContain(
      'None of the 2 crimes and anti-social behaviour incidents in Harewood in these months lies at a named street or place: police.uk placed every one at a kind of place (below).',
    );
    const kinds = root.querySelector('section[aria-labelledby="place-kinds"] table');
    const rows = kinds
      ?.querySelectorAll('tbody tr')
      .map((tr) => [text(tr.querySelector('th')), text(tr.querySelector('td'))]);
    expect(rows).toEqual([['Supermarket', '2']]);
  });
});
