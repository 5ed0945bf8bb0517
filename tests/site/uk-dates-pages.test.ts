// The site built from the committed Leeds outputs with its fetches and refreshes timed around
// midnight, in British Summer Time and in Greenwich Mean Time: every date the pages show is the
// day in the UK, where the site's readers are, while the machine formats (the feeds' <updated>,
// the Dataset's dateModified) keep the instant as it was.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeEntry, recordChange } from '../../pipeline/provenance.ts';
import { EMPTY_CHANGE_LOG, type ChangeEntry } from '../../src/shared/change-log.ts';
import { buildSite } from '../support/astro-build.ts';
import { committedOutputs } from '../support/committed-outputs.ts';
import { committedSiteData, setCount, withoutMonth } from '../support/site-data.ts';

// 2026's clocks go forward at 01:00 UTC on 29 March.
/** GMT, the evening before: 28 March in the UK as in UTC. */
const FETCHED_EARLIER = '2026-03-28T23:20:00.000Z';
/** BST, that evening: 00:20 on 30 March in the UK, 29 March in UTC. */
const FETCHED_LATEST = '2026-03-29T23:20:00.000Z';
/** The refresh that added March 2025, five minutes later: 30 March in the UK. */
const ADDED = '2026-03-29T23:25:00.000Z';
/** The newest refresh, a revision: 00:30 on 1 July in the UK, 30 June in UTC. */
const REVISED = '2026-06-30T23:30:00.000Z';

let scratch: string;
let site: string;
const page = (file: string) => readFile(path.join(site, file), 'utf8');
/** The text of an element, spaces run together. */
const text = (html: string, selector: string) =>
  (parse(html).querySelector(selector)?.textContent ?? '').replace(/\s+/g, ' ').trim();

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'uk-dates-pages-'));
  const data = path.join(scratch, 'data');
  site = path.join(scratch, 'site');
  await committedOutputs(data);
  const full = committedSiteData();
  full.provenance = full.provenance.map((p) => ({
    ...p,
    fetchedAt: p.month === '2025-03' ? FETCHED_LATEST : FETCHED_EARLIER,
  }));
  full.generatedAt = FETCHED_LATEST;
  const code = full.wards[0]?.code as string;
  const count = full.counts[0]?.[full.months.indexOf('2025-02')]?.[0] ?? 0;
  const revised = setCount(full, '2025-02', code, 0, count + 1);
  const first = changeEntry(withoutMonth(full, '2025-03'), full) as ChangeEntry;
  const second = changeEntry(full, revised) as ChangeEntry;
  const log = recordChange(recordChange(EMPTY_CHANGE_LOG, { ...first, publishedAt: ADDED }), {
    ...second,
    publishedAt: REVISED,
  });
  await writeFile(path.join(data, 'site-data.json'), JSON.stringify(revised));
  await writeFile(path.join(data, 'changes.json'), `${JSON.stringify(log, null, 2)}\n`);
  await buildSite({ outDir: site, env: { AREA: 'leeds', AREA_DATA_DIR: data } });
}, 300_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('a site refreshed and fetched around midnight, UK time', () => {
  it('dates the last change in every footer by the UK day: 1 July, not 30 June', async () => {
    for (const file of ['index.html', 'wards/index.html', 'years/2025/index.html']) {
      const footer = text(await page(file), 'footer');
      expect(footer, file).toContain('figures last changed on 1 July 2026');
    }
  });

  it('says so on About and Data changes', async () => {
    for (const file of ['about/index.html', 'changes/index.html']) {
      expect(text(await page(file), 'main .lede'), file).toContain(
        'its figures last changed on 1 July 2026',
      );
    }
  });

  it('dates each refresh on Data changes by the UK day it published', async () => {
    const headings = parse(await page('changes/index.html'))
      .querySelectorAll('section.change h3')
      .map((h) => h.textContent.replace(/\s+/g, ' ').trim());
    expect(headings).toEqual([
      '1 July 2026: data to March 2025',
      '30 March 2026: data to March 2025',
    ]);
  });

  it("dates each month's fetch by the UK day, before and after the clocks went forward", async () => {
    for (const file of ['about/index.html', 'changes/index.html']) {
      const rows = parse(await page(file))
        .querySelectorAll('table')
        .find((t) =>
          /\bfetched\b|Source of every month/.test(t.querySelector('caption')?.textContent ?? ''),
        )
        ?.querySelectorAll('tbody tr')
        .map((tr) => [
          tr.querySelector('th')?.textContent.trim(),
          tr.querySelectorAll('td')[1]?.textContent.trim(),
        ]);
      expect(rows, file).toEqual([
        ['March 2025', '30 March 2026'],
        ['February 2025', '28 March 2026'],
        ['March 2024', '28 March 2026'],
      ]);
    }
  });

  it('keeps the instants in the feed and the Dataset as they were', async () => {
    expect(await page('feed.xml')).toContain(`<updated>${REVISED}</updated>`);
    const jsonLd = /<script type="application\/ld\+json"[^>]*>([^<]*)<\/script>/.exec(
      await page('data/index.html'),
    );
    expect((JSON.parse(jsonLd?.[1] ?? '{}') as { dateModified?: string }).dateModified).toBe(
      REVISED,
    );
  });
});
