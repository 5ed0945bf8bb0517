// Share images are named in each page's og:image at addresses whose query string (?v=) is the
// version of the picture served there: after a refresh changes a ward's figures, social sites
// and browsers that cached its old card fetch the new one, and the cards a refresh left as they
// were keep their addresses. Two builds of the committed Leeds outputs, the second with one
// more crime in one ward in the latest month (no ward's rank by count moves, so no other
// ward's card changes; the year's total does).
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestTwelveMonths, wardRows, yearsWithData } from '../../src/lib/figures.ts';
import { yearOf } from '../../src/shared/months.ts';
import type { SiteData } from '../../src/shared/schema.ts';
import { buildSite } from '../support/astro-build.ts';
import { committedOutputs } from '../support/committed-outputs.ts';
import { committedSiteData, setCount } from '../support/site-data.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';

const before = committedSiteData();
const latest = before.months.at(-1) as string;
const latestYear = yearOf(latest);

/** The ranks by count over the cards' 12 months, in data.wards order. */
const ranks = (data: SiteData) =>
  wardRows(data, latestTwelveMonths(data).withData).map((r) => r.rank);

/**
 * A ward whose total one more crime leaves unequal to every other ward's: its rank, and every
 * other ward's (shared or not), stays as it was.
 */
const changed = (() => {
  const totals = wardRows(before, latestTwelveMonths(before).withData).map((r) => r.total);
  const index = totals.findIndex(
    (t, i) => !totals.some((u, j) => j !== i && (u === t || u === t + 1)),
  );
  if (index < 0)
    throw new Error('No ward of the committed data can gain a crime and keep its rank');
  return index;
})();
const after = setCount(
  before,
  latest,
  before.wards[changed]!.code,
  0,
  (before.counts[changed]?.[before.months.indexOf(latest)]?.[0] ?? 0) + 1,
);

let scratch: string;
const sites = { before: '', after: '' };
const servers: StaticServer[] = [];

beforeAll(async () => {
  // Years other than the latest, whose cards the change must leave as they were.
  expect(yearsWithData(before).length).toBeGreaterThan(1);
  expect(ranks(after)).toEqual(ranks(before));
  scratch = await mkdtemp(path.join(tmpdir(), 'share-image-version-'));
  for (const [name, data] of [
    ['before', before],
    ['after', after],
  ] as const) {
    const outputs = path.join(scratch, `data-${name}`);
    await committedOutputs(outputs);
    await writeFile(path.join(outputs, 'site-data.json'), JSON.stringify(data));
    sites[name] = path.join(scratch, `site-${name}`);
    await buildSite({ outDir: sites[name], env: { AREA: 'leeds', AREA_DATA_DIR: outputs } });
  }
}, 600_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(scratch, { recursive: true, force: true });
});

/** The pages with a share image, by their path: every ward's and every year's with data. */
const pages = [
  ...before.wards.map((w) => `wards/${w.slug}/`),
  ...yearsWithData(before).map((y) => `years/${y}/`),
];

/** The share image address a built page names (og:image), as a path with its query. */
async function imageAddress(site: string, page: string): Promise<string> {
  const html = await readFile(path.join(site, page, 'index.html'), 'utf8');
  const content = parse(html).querySelector('meta[property="og:image"]')?.getAttribute('content');
  expect(content, page).toBeTruthy();
  const url = new URL(content ?? '');
  return url.pathname + url.search;
}

async function addresses(site: string): Promise<Map<string, string>> {
  return new Map(
    await Promise.all(pages.map(async (p) => [p, await imageAddress(site, p)] as const)),
  );
}

describe('share images of two builds, the second with one more crime in one ward', () => {
  it('names each image at an address versioned by the picture that address serves', async () => {
    for (const site of [sites.before, sites.after]) {
      const server = await serveStatic(site);
      servers.push(server);
      for (const [page, address] of await addresses(site)) {
        expect(address, page).toMatch(/^\/share\/(wards|years)\/[^/?]+\.png\?v=[0-9a-f]{12}$/);
        const response = await fetch(new URL(address, server.url));
        expect(response.status, address).toBe(200);
        expect(response.headers.get('content-type'), address).toMatch(/^image\/png/);
        const png = Buffer.from(await response.arrayBuffer());
        const version = createHash('sha256').update(png).digest('hex').slice(0, 12);
        expect(address, page).toBe(`${address.split('?')[0]}?v=${version}`);
      }
    }
  });

  it("gives that ward's image and its year's a new address, and keeps every other", async () => {
    const was = await addresses(sites.before);
    const now = await addresses(sites.after);
    const moved = pages.filter((p) => now.get(p) !== was.get(p));
    expect(moved).toEqual([`wards/${before.wards[changed]!.slug}/`, `years/${latestYear}/`]);
    // The same image file, a new version of it.
    for (const page of moved)
      expect(now.get(page)?.split('?')[0]).toBe(was.get(page)?.split('?')[0]);
  });
});
