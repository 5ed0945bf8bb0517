// The site built from the committed Leeds outputs with a change log whose newest refresh revised
// the figures without fetching anything newer: every page's footer, About, Data changes, the
// Data page's Dataset and datapackage.json say the data last changed when that refresh
// published it, not on the newest fetch (generatedAt), which that refresh left as it was.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeEntry, recordChange } from '../../pipeline/provenance.ts';
import { formatDate } from '../../src/lib/format.ts';
import { EMPTY_CHANGE_LOG, type ChangeEntry } from '../../src/shared/change-log.ts';
import { buildSite } from '../support/astro-build.ts';
import { committedSiteData, setCount, withoutMonth } from '../support/site-data.ts';

const full = committedSiteData();
const ADDED = '2026-11-27T07:00:00.000Z';
/** Published by a refresh whose pipeline changed: its generatedAt is the one before's. */
const REVISED = '2026-12-05T07:00:00.000Z';

let scratch: string;
let site: string;
const page = (file: string) => readFile(path.join(site, file), 'utf8');
/** The text of `html` without its tags, spaces run together. */
const text = (html: string) =>
  html
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/ ([.,;)])/g, '$1');

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'last-change-pages-'));
  const data = path.join(scratch, 'data');
  site = path.join(scratch, 'site');
  await mkdir(data);
  for (const file of ['site-data.json', 'downloads.json']) {
    await cp(path.join('src', 'data', file), path.join(data, file));
  }
  for (const file of ['map-data.bin.gz', 'wards.geojson', 'postcodes.json']) {
    await cp(path.join('public', 'data', file), path.join(data, file));
  }
  await cp(path.join('public', 'downloads'), path.join(data, 'downloads'), { recursive: true });
  const code = full.wards[0]?.code as string;
  const count = full.counts[0]?.[full.months.indexOf('2025-02')]?.[0] ?? 0;
  const revised = setCount(full, '2025-02', code, 0, count + 1);
  expect(revised.generatedAt).toBe(full.generatedAt);
  const first = changeEntry(withoutMonth(full, '2025-03'), full) as ChangeEntry;
  const second = changeEntry(full, revised) as ChangeEntry;
  const log = recordChange(recordChange(EMPTY_CHANGE_LOG, { ...first, publishedAt: ADDED }), {
    ...second,
    publishedAt: REVISED,
  });
  await writeFile(path.join(data, 'changes.json'), `${JSON.stringify(log, null, 2)}\n`);
  await buildSite({ outDir: site, env: { AREA: 'leeds', AREA_DATA_DIR: data } });
}, 300_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('a site whose newest refresh revised figures without a new fetch', () => {
  // The two dates differ, so a page that gives generatedAt's is told apart.
  const revisedDay = formatDate(REVISED);
  const fetchedDay = formatDate(full.generatedAt);

  it('says in every footer that its figures last changed when that refresh published them', async () => {
    for (const file of ['index.html', 'wards/index.html', 'data/index.html']) {
      const footer = /<footer[^]*<\/footer>/.exec(await page(file))?.[0] ?? '';
      expect(text(footer), file).toContain(`figures last changed on ${revisedDay}`);
      expect(text(footer), file).not.toContain(fetchedDay);
    }
  });

  it('says so on About and Data changes', async () => {
    const about = text(/<main[^]*<\/main>/.exec(await page('about/index.html'))?.[0] ?? '');
    expect(about).toContain(`its figures last changed on ${revisedDay}`);
    const changes = text(/<main[^]*<\/main>/.exec(await page('changes/index.html'))?.[0] ?? '');
    expect(changes).toContain(`its figures last changed on ${revisedDay}`);
  });

  it('dates each refresh on Data changes by when it published, as the changes feed does', async () => {
    const html = await page('changes/index.html');
    const headings = [...html.matchAll(/<h3 id="refresh-[^"]*">([^]*?)<\/h3>/g)].map((m) =>
      text(m[1] ?? '').trim(),
    );
    // Both refreshes published data of one generatedAt: the second fetched nothing new.
    expect(headings).toEqual([
      `${revisedDay}: data to March 2025`,
      `${formatDate(ADDED)}: data to March 2025`,
    ]);
  });

  it("dates the Dataset's dateModified and datapackage.json's created by it", async () => {
    const jsonLd = /<script type="application\/ld\+json"[^>]*>([^<]*)<\/script>/.exec(
      await page('data/index.html'),
    );
    expect((JSON.parse(jsonLd?.[1] ?? '{}') as { dateModified?: string }).dateModified).toBe(
      REVISED,
    );
    const descriptor = JSON.parse(await page('datapackage.json')) as { created?: string };
    expect(descriptor.created).toBe(REVISED);
  });
});
