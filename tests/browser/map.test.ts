import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'node-html-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { MapData } from '../../src/shared/map-data.ts';
import type { SiteData } from '../../src/shared/schema.ts';
import { DIST_DIR } from './global-setup.ts';
import { capitalise, countedNoun, ordinal } from '../../src/lib/format.ts';
import { describeMonths, longMonth, monthRange, shortMonth } from '../../src/shared/months.ts';
import {
  browserPages,
  openPage,
  saveScreenshot,
  seriousA11yViolations,
  type OpenedPage,
} from './support.ts';
import {
  CITY_CENTRE_STATEMENT,
  accessibleText,
  afterUpdate,
  currentQuery,
  pressInARun,
  expectedFromMapEntries,
  expectedFromSiteData,
  readBuiltMapData,
  readFigures,
  readSiteData,
  waitForMap,
  type Figures,
} from './map-page.ts';

/** The file's browser, and the pages each test opens, closed after it. */
const pages = browserPages();
let site: SiteData;
let mapData: MapData;
let first: string;
let last: string;

beforeAll(async () => {
  site = await readSiteData();
  mapData = await readBuiltMapData();
  first = site.months[0] ?? '';
  last = site.months.at(-1) ?? '';
});

async function openMap(
  query = '',
  options: Parameters<typeof openPage>[2] = {},
): Promise<OpenedPage> {
  const o = await pages.open(`/${query}`, options);
  await waitForMap(o.page).catch((error: unknown) => {
    throw new Error(`The map did not draw; console errors: ${o.consoleErrors.join('\n')}`, {
      cause: error,
    });
  });
  return o;
}

function topFive(figures: Figures): Figures {
  return { total: figures.total, wards: figures.wards.slice(0, 5) };
}

async function expectFigures(page: Page, expected: Figures): Promise<void> {
  const shown = await readFigures(page);
  expect(shown).toEqual(topFive(expected));
}

describe('map page', () => {
  it('shows the Leeds total, the months covered with their gaps, and the top 5 wards of the site data', async () => {
    const { page, consoleErrors } = await openMap();
    const expected = expectedFromSiteData(site, { from: first, to: last });
    await expectFigures(page, expected);
    // The map data and the site data come from the same summaries.
    expect(expectedFromMapEntries(mapData, { from: first, to: last })).toEqual(expected);
    const axis = mapData.months.length;
    // The months without data, as the site serves them: the sample has some, which the page
    // names (as few ranges), not only counts.
    const gapMonths = mapData.months.filter((_, m) => !mapData.hasData[m]);
    expect(gapMonths.length).toBeGreaterThan(0);
    const gaps = gapMonths.length;
    const named = describeMonths(gapMonths);
    const coverage = await page.textContent('#crime-map-coverage');
    expect(coverage).toContain(`${axis} months`);
    expect(coverage).toContain(`${gaps} of them without data (${named}) are left out`);
    // The panel's bar, all a phone shows of it while closed, says it too.
    const bar = (await page.textContent('.crime-map__bar-summary')) ?? '';
    expect(bar).toContain(expected.total.toLocaleString('en-GB'));
    const window = `${shortMonth(mapData.months[0] ?? '')} – ${shortMonth(mapData.months.at(-1) ?? '')}`;
    expect(bar).toContain(`${window}, no data for ${named}`);
    // So does the legend over the map.
    expect(await page.textContent('.crime-map__legend .crime-map__label')).toContain(
      `${window}, no data for ${named}`,
    );
    await expect(page.getByText(CITY_CENTRE_STATEMENT).first().isVisible()).resolves.toBe(true);
    expect(await page.locator('canvas.leaflet-heatmap-layer').count()).toBe(1);
    await saveScreenshot(page, 'map-heat-default');
    expect(consoleErrors).toEqual([]);
  });

  it("fetches the map data and ward outlines once each, from the head's preloads, before the island's script", async () => {
    const { page } = await openMap();
    const entries = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((entry) => ({
        path: new URL(entry.name).pathname,
        initiator: (entry as PerformanceResourceTiming).initiatorType,
        start: entry.startTime,
      })),
    );
    const island = entries.find((e) => /\/CrimeMap\.[\w-]+\.js$/.test(e.path));
    expect(island, 'the island script was loaded').toBeDefined();
    for (const file of ['/data/map-data.bin.gz', '/data/wards.geojson']) {
      // One request, made by the <link>: the island's fetch() used what the preload fetched (a
      // preload made in another mode would be fetched again, as a second entry).
      const requests = entries.filter((e) => e.path.endsWith(file));
      expect(
        requests.map((e) => e.initiator),
        file,
      ).toEqual(['link']);
      expect(requests[0]!.start, file).toBeLessThan(island!.start);
    }
  });

  for (const viewport of [
    { width: 1280, height: 900 },
    { width: 390, height: 844 },
  ]) {
    const size = `${viewport.width} x ${viewport.height}`;

    it(`draws the ward outlines once as it loads (${size})`, async () => {
      const { page } = await openMap('', {
        viewport,
        beforeLoad: (context) =>
          context.addInitScript(() => {
            // A path's outline is set before Leaflet puts it in the page; a redraw (a new view,
            // the same view again) sets it anew, where this sees it.
            const w = window as unknown as { outlineRedraws: number };
            w.outlineRedraws = 0;
            new MutationObserver((records) => {
              w.outlineRedraws += records.filter((r) => r.target instanceof SVGPathElement).length;
            }).observe(document, { subtree: true, attributes: true, attributeFilter: ['d'] });
          }),
      });
      expect(await page.locator('.leaflet-overlay-pane path').count()).toBe(site.wards.length);
      // Two frames on: a resize observation, reported after layout, has been handled.
      await page.evaluate(
        () =>
          new Promise((resolve) =>
            requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 50))),
          ),
      );
      expect(
        await page.evaluate(() => (window as unknown as { outlineRedraws: number }).outlineRedraws),
      ).toBe(0);
    });
  }

  it('changes the total and the top wards to the right values when the crime types change', async () => {
    const { page, consoleErrors } = await openMap();
    await afterUpdate(page, () => page.getByRole('button', { name: 'No types' }).click());
    expect(await page.textContent('#crime-map-no-data')).toContain('No crime types chosen');
    await afterUpdate(page, () => page.getByRole('checkbox', { name: 'Burglary' }).check());
    await afterUpdate(page, () => page.getByRole('checkbox', { name: 'Drugs' }).check());
    const expected = expectedFromSiteData(site, {
      types: ['Burglary', 'Drugs'],
      from: first,
      to: last,
    });
    expect(expected.total).toBeGreaterThan(0);
    await expectFigures(page, expected);
    expect((await currentQuery(page)).get('type')).toBe('burglary,drugs');
    expect(consoleErrors).toEqual([]);
  });

  it.each([
    ['in', '.leaflet-control-zoom-in'],
    ['out', '.leaflet-control-zoom-out'],
  ])(
    'presses the zoom %s button with Space as with Enter, without scrolling the page',
    async (_, selector) => {
      /** The view's address after the button is pressed with `key` on a fresh map. */
      const pressed = async (key: string) => {
        const { page } = await openMap();
        await page.locator(selector).focus();
        const before = page.url();
        await page.keyboard.press(key);
        await page.waitForFunction((url) => location.href !== url, before);
        return { url: new URL(page.url()).search, scrolled: await page.evaluate(() => scrollY) };
      };
      const withEnter = await pressed('Enter');
      expect(withEnter.url).toMatch(/[?&]z=\d/);
      expect(await pressed('Space')).toEqual({ url: withEnter.url, scrolled: 0 });
    },
  );

  it("narrows the month range from the keyboard and shows that range's figures and label", async () => {
    const { page, consoleErrors } = await openMap();
    const firstHandle = page.getByRole('slider', { name: 'First month' });
    await firstHandle.focus();
    // Move the first handle onto the last month that has data.
    const steps = mapData.months.indexOf(last);
    await pressInARun(page, 'ArrowRight', steps, (url) => url.searchParams.get('from') === last);
    // The address bar is written after the frame that shows the change.
    await expect(firstHandle.getAttribute('aria-valuetext')).resolves.toMatch(
      /^[A-Z][a-z]+ \d{4}$/,
    );
    const expected = expectedFromSiteData(site, { from: last, to: last });
    await expectFigures(page, expected);
    const query = await currentQuery(page);
    expect(query.get('from')).toBe(last);
    const label = await page.textContent('#crime-map-range');
    expect(label).not.toContain('–');
    // Back returns to an earlier window (a quick run of presses is one entry: see
    // map-explorer.test.ts; on a busy machine a pause of 2 s may split this long run).
    await afterUpdate(page, () => page.goBack().then(() => undefined));
    const back = (await currentQuery(page)).get('from') ?? first;
    expect(back < last, back).toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it('says of a month without data, as a handle reaches it, that it has no data', async () => {
    const { page, consoleErrors } = await openMap();
    const firstHandle = page.getByRole('slider', { name: 'First month' });
    const gap = mapData.hasData.indexOf(false);
    const withData = mapData.hasData.indexOf(true, gap);
    // The sample's axis starts on a month with data, has gaps, then months with data again.
    expect(mapData.hasData[0]).toBe(true);
    expect(gap).toBeGreaterThan(0);
    expect(withData).toBeGreaterThan(gap);
    const month = (m: number) =>
      new Date(`${mapData.months[m]}-01T00:00:00Z`).toLocaleDateString('en-GB', {
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      });
    await firstHandle.focus();
    expect(await firstHandle.getAttribute('aria-valuetext')).toBe(month(0));
    await pressInARun(
      page,
      'ArrowRight',
      gap,
      (url) => url.searchParams.get('from') === mapData.months[gap],
    );
    expect(await firstHandle.getAttribute('aria-valuetext')).toBe(`${month(gap)}, no data`);
    await pressInARun(
      page,
      'ArrowRight',
      withData - gap,
      (url) => url.searchParams.get('from') === mapData.months[withData],
    );
    expect(await firstHandle.getAttribute('aria-valuetext')).toBe(month(withData));
    expect(consoleErrors).toEqual([]);
  });

  it('moves a month window as a whole when the bar between the handles is dragged', async () => {
    const { page, consoleErrors } = await openMap(
      `?from=${mapData.months[0]}&to=${mapData.months[4]}`,
    );
    const bar = await page.locator('.noUi-connect').boundingBox();
    const track = await page.locator('.noUi-base').boundingBox();
    if (bar === null || track === null) throw new Error('Slider not drawn');
    const y = bar.y + bar.height / 2;
    const monthWidth = track.width / (mapData.months.length - 1);
    await page.mouse.move(bar.x + bar.width / 2, y);
    await page.mouse.down();
    await afterUpdate(page, () =>
      page.mouse.move(bar.x + bar.width / 2 + monthWidth * 3, y, { steps: 6 }),
    );
    // Letting go commits the move to the address bar.
    await page.mouse.up();
    await page.waitForURL((url) => url.searchParams.get('from') !== mapData.months[0]);
    const query = await currentQuery(page);
    expect(query.get('from')).toBe(mapData.months[3]);
    expect(query.get('to')).toBe(mapData.months[7]);
    expect(await page.textContent('#crime-map-range')).toMatch(
      /^[A-Z][a-z]{2} \d{4} – [A-Z][a-z]{2} \d{4}$/,
    );
    expect(consoleErrors).toEqual([]);
  });

  it('leaves out LS1 and LS2 when "exclude city centre" is switched on', async () => {
    const { page, consoleErrors } = await openMap();
    const before = await readFigures(page);
    await afterUpdate(page, () =>
      page.getByRole('switch', { name: 'Exclude city centre' }).check(),
    );
    const expected = expectedFromMapEntries(mapData, {
      from: first,
      to: last,
      excludeCityCentre: true,
    });
    expect(expected.total).toBeLessThan(before.total);
    await expectFigures(page, expected);
    expect((await currentQuery(page)).get('cc')).toBe('1');
    expect(consoleErrors).toEqual([]);
  });

  it('switches to the ward choropleth with a legend, and back to the heatmap', async () => {
    const { page, consoleErrors } = await openMap();
    await afterUpdate(page, () =>
      page
        .getByRole('radio', { name: 'Crimes and anti-social behaviour incidents by ward' })
        .check(),
    );
    expect(await page.locator('canvas.leaflet-heatmap-layer').count()).toBe(0);
    // All types are shown by default: the legend names what they count, from the data.
    const noun = countedNoun(site.crimeTypes);
    const legend = page.getByRole('group', { name: `Legend: ${noun} per ward` });
    expect(await legend.isVisible()).toBe(true);
    expect(await legend.textContent()).toMatch(new RegExp(`^${capitalise(noun)} per ward, `));
    const fills = await page.$$eval('path.leaflet-interactive', (paths) =>
      paths.map((p) => p.getAttribute('fill')),
    );
    expect(fills).toHaveLength(site.wards.length);
    expect(new Set(fills).size).toBeGreaterThan(2);
    expect((await currentQuery(page)).get('view')).toBe('wards');
    await saveScreenshot(page, 'map-wards');
    await afterUpdate(page, () =>
      page
        .getByRole('radio', { name: 'Heatmap of crimes and anti-social behaviour incidents' })
        .check(),
    );
    expect(await page.locator('canvas.leaflet-heatmap-layer').count()).toBe(1);
    expect(consoleErrors).toEqual([]);
  });

  it('reopens a shared link with the same filters, view and ward details', async () => {
    const ward = site.wards.find((w) => w.slug === 'armley') ?? site.wards[0];
    if (ward === undefined) throw new Error('The site data has no wards');
    const { page, consoleErrors } = await openMap(
      `?type=burglary,drugs&from=${last}&to=${last}&view=wards&cc=1&intensity=7&ward=${ward.slug}`,
    );
    expect(await page.getByRole('checkbox', { name: 'Burglary' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Shoplifting' }).isChecked()).toBe(false);
    expect(await page.getByRole('switch', { name: 'Exclude city centre' }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: 'Crimes by ward' }).isChecked()).toBe(true);
    const expected = expectedFromMapEntries(mapData, {
      types: ['Burglary', 'Drugs'],
      from: last,
      to: last,
      excludeCityCentre: true,
    });
    await expectFigures(page, expected);
    expect(await page.textContent('#crime-map-ward-name')).toBe(ward.name);
    const wardCount = expected.wards.find((w) => w.name === ward.name)?.count ?? -1;
    expect(await page.textContent('#crime-map-ward-count')).toBe(wardCount.toLocaleString('en-GB'));
    // The rate's denominator: the ward's residents without the centre's, as the centre is out.
    const centre = mapData.wards.find((w) => w.code === ward.code)?.cityCentreResidents ?? 0;
    expect(await page.textContent('#crime-map-ward-residents')).toMatch(
      new RegExp(
        `^${(ward.population - centre).toLocaleString('en-GB')}` +
          (centre > 0 ? ` \\(without the city centre's ${centre.toLocaleString('en-GB')}\\)` : '') +
          ' Census 2021 usual residents',
      ),
    );
    await saveScreenshot(page, 'map-shared-link');
    expect(consoleErrors).toEqual([]);
  });

  it('opens on the ward a ward report links to (ward given by ONS code)', async () => {
    const ward = site.wards[5];
    if (ward === undefined) throw new Error('The site data has fewer than 6 wards');
    const { page } = await openMap(`?ward=${ward.code}`);
    expect(await page.textContent('#crime-map-ward-name')).toBe(ward.name);
  });

  it("opens from a ward report on the report's own window, with the report's total", async () => {
    for (const ward of [site.wards[0], site.wards[17]]) {
      if (ward === undefined) throw new Error('The site data has fewer than 18 wards');
      const report = parse(
        await readFile(path.join(DIST_DIR, 'wards', ward.slug, 'index.html'), 'utf8'),
      );
      const href = report.querySelector('[data-field="map-link"]')?.getAttribute('href') ?? '';
      const { page } = await openMap(href.slice(href.indexOf('?')));
      expect(await page.textContent('#crime-map-ward-name')).toBe(ward.name);
      expect(await page.textContent('#crime-map-ward-count'), ward.name).toBe(
        report.querySelector('[data-field="total"]')?.text.trim(),
      );
    }
  });

  it('goes back and forward through filter changes', async () => {
    const { page, consoleErrors } = await openMap();
    const all = expectedFromSiteData(site, { from: first, to: last });
    await afterUpdate(page, () => page.getByRole('button', { name: 'No types' }).click());
    await afterUpdate(page, () => page.getByRole('checkbox', { name: 'Shoplifting' }).check());
    const shoplifting = expectedFromSiteData(site, {
      types: ['Shoplifting'],
      from: first,
      to: last,
    });
    await expectFigures(page, shoplifting);

    await afterUpdate(page, () => page.goBack().then(() => undefined));
    expect(await page.textContent('#crime-map-no-data')).toContain('No crime types chosen');
    await afterUpdate(page, () => page.goBack().then(() => undefined));
    await expectFigures(page, all);
    expect(page.url()).toMatch(/\/$/);
    await afterUpdate(page, () => page.goForward().then(() => undefined));
    await afterUpdate(page, () => page.goForward().then(() => undefined));
    await expectFigures(page, shoplifting);
    expect(await page.getByRole('checkbox', { name: 'Shoplifting' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Burglary' }).isChecked()).toBe(false);
    expect(consoleErrors).toEqual([]);
  });

  it("keeps the focus on a ranking's ward when back and forward reorder the wards", async () => {
    const { page, consoleErrors } = await openMap('?view=wards');
    await afterUpdate(page, () => page.getByRole('radio', { name: /per 1,000/ }).check());
    const buttons = page.locator('#crime-map-ranking tbody button');
    const byRate = await buttons.allTextContents();
    const byCount = topFive(expectedFromSiteData(site, { from: first, to: last })).wards.map(
      (w) => w.name,
    );
    // Wards that keep their place in the list would keep the focus anyway.
    expect(byRate).not.toEqual(byCount);
    for (const [i, name] of byRate.entries()) {
      await buttons.nth(i).focus();
      await afterUpdate(page, () => page.goBack().then(() => undefined));
      const focused = await page.evaluate(() =>
        document.activeElement === document.body
          ? "the page's body"
          : (document.activeElement?.textContent ?? ''),
      );
      expect(focused, name).toBe(
        byCount.includes(name) ? name : `Show all ${site.wards.length} wards`,
      );
      await afterUpdate(page, () => page.goForward().then(() => undefined));
    }
    expect(consoleErrors).toEqual([]);
  });

  it("shows a ward's details on click, with a link that lands on its report page", async () => {
    const { page, consoleErrors } = await openMap();
    const expected = expectedFromSiteData(site, { from: first, to: last });
    const top = expected.wards[0];
    if (top === undefined) throw new Error('No wards');
    await afterUpdate(page, () =>
      page.getByRole('button', { name: top.name, exact: true }).click(),
    );
    expect(await page.textContent('#crime-map-ward-name')).toBe(top.name);
    expect(await page.textContent('#crime-map-ward-count')).toBe(top.count.toLocaleString('en-GB'));
    const details = (await page.locator('#crime-map-ward').textContent()) ?? '';
    expect(details).toContain(`1st of ${site.wards.length}`);
    // The window it counts over names its months without data.
    const windowGaps = mapData.months.filter((_, m) => !mapData.hasData[m]);
    expect(windowGaps.length).toBeGreaterThan(0);
    expect(await page.textContent('#crime-map-ward .crime-map__note')).toContain(
      `, no data for ${describeMonths(windowGaps)}`,
    );
    // Its monthly chart's heading and description say how many of its months have data, and
    // name those without.
    const trend = mapData.months.slice(-24);
    const trendGaps = trend.filter((_, i) => !mapData.hasData.slice(-24)[i]);
    expect(trendGaps.length).toBeGreaterThan(0);
    const trendNamed = describeMonths(trendGaps);
    expect(details).toContain(
      `${trend.length} months to ${longMonth(last)}, ${trend.length - trendGaps.length} of them ` +
        `with data; no data for ${trendNamed} (gaps, not zeros)`,
    );
    expect(await page.getAttribute('#crime-map-ward svg.crime-map__trend', 'aria-label')).toContain(
      `, ${trendGaps.length} without (gaps: ${trendNamed});`,
    );
    const population = site.wards.find((w) => w.name === top.name)?.population ?? 0;
    expect(await page.textContent('#crime-map-ward-residents')).toMatch(
      new RegExp(`^${population.toLocaleString('en-GB')} Census 2021 usual residents`),
    );
    const rate = ((top.count / population) * 1000).toLocaleString('en-GB', {
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    });
    expect(details).toContain(rate);
    expect(details).toContain(
      `${((top.count / expected.total) * 100).toLocaleString('en-GB', { maximumFractionDigits: 1 })}%`,
    );
    const slug = site.wards.find((w) => w.name === top.name)?.slug;
    expect((await currentQuery(page)).get('ward')).toBe(slug);
    await Promise.all([
      page.waitForURL(`**/wards/${slug}/`),
      page.getByRole('link', { name: `Read the ${top.name} ward report` }).click(),
    ]);
    expect(await page.locator('h1').textContent()).toContain(top.name);
    expect(consoleErrors).toEqual([]);
  });

  it("counts a ward's one-month trend as one month, not one months", async () => {
    // A window ending on the data's first month leaves the trend that month alone.
    const ward = site.wards[0]!;
    const { page, consoleErrors } = await openMap(`?ward=${ward.slug}&to=${first}`);
    const label = await page.textContent('#crime-map-ward .crime-map__label');
    expect(label?.replace(/\s+/g, ' ').trim()).toBe(
      `${capitalise(countedNoun(site.crimeTypes))} per month, 1 month to ${longMonth(first)}`,
    );
    expect(consoleErrors).toEqual([]);
  });

  it("shows a ward's name, crimes and rank on hover", async () => {
    const { page } = await openMap();
    const expected = expectedFromSiteData(site, { from: first, to: last });
    await page.locator('path.leaflet-interactive').nth(3).hover({ force: true });
    const tooltip = page.locator('.leaflet-tooltip');
    await tooltip.waitFor();
    const text = (await tooltip.textContent()) ?? '';
    // The pointer may rest over a neighbour where shapes overlap: check against whichever it names.
    const shown = expected.wards.find((w) => text.startsWith(`${w.name}:`));
    expect(shown, text).toBeDefined();
    expect(text).toContain(
      `${shown?.count.toLocaleString('en-GB')} ${countedNoun(site.crimeTypes)}`,
    );
    // The rank says what it ranks by, and when another ward shares it.
    const counts = expected.wards.map((w) => w.count);
    const rank = 1 + counts.filter((c) => c > (shown?.count ?? 0)).length;
    const tied = counts.filter((c) => c === shown?.count).length > 1;
    // The window's months without data (the sample's months are far apart) close it: gaps.
    const gaps = monthRange(first, last).filter((m) => !site.months.includes(m));
    expect(gaps.length).toBeGreaterThan(0);
    expect(text).toMatch(
      new RegExp(
        `; ${ordinal(rank)}${tied ? ' \\(tied\\)' : ''} of ${site.wards.length} by count; ` +
          `no data for ${describeMonths(gaps).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ` +
          '\\(gaps, not zeros\\)$',
      ),
    );
  });

  it('keeps the overlays and figures working when map tiles fail to load', async () => {
    const { page, consoleErrors, tileErrors } = await openMap('', { tiles: 'fail' });
    // Over the map (the status line says it too).
    await page
      .locator('.crime-map__main')
      .getByText('The background map could not be loaded')
      .waitFor();
    expect(await page.locator('canvas.leaflet-heatmap-layer').count()).toBe(1);
    await afterUpdate(page, () =>
      page
        .getByRole('radio', { name: 'Crimes and anti-social behaviour incidents by ward' })
        .check(),
    );
    await expectFigures(page, expectedFromSiteData(site, { from: first, to: last }));
    expect(tileErrors.length).toBeGreaterThan(0);
    expect(consoleErrors).toEqual([]);
  });

  it("says the background map's failure once in the status line, the page's one live region, after a link's notes", async () => {
    const { page } = await openMap('?type=burglery', {
      tiles: 'fail',
      beforeLoad: (context) =>
        context.addInitScript(() => {
          // Every text the status line comes to hold: a screen reader reads out a live
          // region whose text changes, not one that comes into the page with its text.
          const heard: string[] = [];
          (window as { __heard?: string[] }).__heard = heard;
          new MutationObserver(() => {
            const text = document.getElementById('crime-map-status')?.textContent ?? '';
            if (text !== heard.at(-1)) heard.push(text);
          }).observe(document, { childList: true, characterData: true, subtree: true });
        }),
    });
    const failed = 'The background map could not be loaded; the crime layers still work.';
    await page.locator('.crime-map__main').getByText(failed).waitFor();
    const heard = () =>
      page.evaluate(() => (window as { __heard?: string[] }).__heard?.map((t) => t.trim()) ?? []);
    await expect.poll(heard, { timeout: 5_000 }).toContain(failed);
    const said = await heard();
    expect(said.filter((text) => text === failed)).toHaveLength(1);
    // The link's notes, said before, are still heard: the failure came after them.
    expect(said.filter((text) => text.startsWith('This link asked for'))).toHaveLength(1);
    // The note over the map is seen, not a second live region that comes with its text.
    expect(await page.getByRole('status').count()).toBe(1);
    expect(await page.locator('[aria-live], [role="alert"]').count()).toBe(0);
  });

  it('ranks all wards after "Show all", in the order of the site data', async () => {
    const { page } = await openMap();
    await page.getByRole('button', { name: `Show all ${site.wards.length} wards` }).click();
    const expected = expectedFromSiteData(site, { from: first, to: last });
    expect(await readFigures(page)).toEqual(expected);
  });

  it('records the heat sensitivity and threshold in the address bar', async () => {
    const { page } = await openMap();
    const slider = page.getByRole('slider', { name: /Heat sensitivity/ });
    await slider.focus();
    await afterUpdate(page, () => page.keyboard.press('ArrowRight'));
    expect((await currentQuery(page)).get('intensity')).toBe('6');
    const threshold = page.getByRole('slider', { name: /Hide places with fewer than/ });
    await threshold.focus();
    await pressInARun(page, 'ArrowRight', 2, (url) => url.searchParams.get('min') === '3');
    expect(await threshold.getAttribute('aria-valuetext')).toBe(
      '3 crimes and anti-social behaviour incidents',
    );
    await afterUpdate(page, () => page.goBack().then(() => undefined));
    expect(await threshold.getAttribute('aria-valuetext')).toBe(
      '1 crime or anti-social behaviour incident',
    );
    expect(await slider.inputValue()).toBe('6');
  });

  it('names in every control what the chosen crime types count', async () => {
    const labels = async (page: Page) => ({
      views: await page.$$eval('input[name="view"]', (inputs) =>
        inputs.map((i) => i.parentElement?.textContent?.trim()),
      ),
      measures: await page.$$eval('input[name="measure"]', (inputs) =>
        inputs.map((i) => i.parentElement?.textContent?.trim()),
      ),
      threshold: await page
        .getByRole('slider', { name: /Hide places with fewer than/ })
        .getAttribute('aria-valuetext'),
    });
    const { page } = await openMap();
    expect(await labels(page)).toEqual({
      views: [
        'Heatmap of crimes and anti-social behaviour incidents',
        'Crimes and anti-social behaviour incidents by ward',
      ],
      measures: [
        'Crimes and anti-social behaviour incidents',
        'Crimes and anti-social behaviour incidents per 1,000 residents',
      ],
      threshold: '1 crime or anti-social behaviour incident',
    });
    await afterUpdate(page, () =>
      page.getByRole('checkbox', { name: 'Anti-social behaviour' }).uncheck(),
    );
    expect(await labels(page)).toEqual({
      views: ['Heatmap of crimes', 'Crimes by ward'],
      measures: ['Crimes', 'Crimes per 1,000 residents'],
      threshold: '1 crime',
    });
    const asbOnly = await openMap('?type=anti-social-behaviour&min=3');
    expect(await labels(asbOnly.page)).toEqual({
      views: [
        'Heatmap of anti-social behaviour incidents',
        'Anti-social behaviour incidents by ward',
      ],
      measures: [
        'Anti-social behaviour incidents',
        'Anti-social behaviour incidents per 1,000 residents',
      ],
      threshold: '3 anti-social behaviour incidents',
    });
  });

  it('with no crime type chosen shows no zero count, rank, rate or colour scale, and says why', async () => {
    for (const query of ['?type=', '?type=&view=wards&ward=armley', '?type=&view=heat']) {
      const { page } = await openMap(query);
      const text = (await page.locator('.crime-map').textContent()) ?? '';
      expect(text, query).toContain('No crime types chosen');
      expect(text, query).not.toMatch(/\b0 (crimes|anti-social|crimes and)\b/);
      expect(text, query).not.toMatch(/\b1st\b|\b0\.0 per\b/);
      for (const selector of [
        '#crime-map-total',
        '#crime-map-ranking',
        '#crime-map-ward-count',
        '.crime-map__legend li',
        'canvas.leaflet-heatmap-layer',
      ]) {
        expect(await page.locator(selector).count(), `${query}: ${selector}`).toBe(0);
      }
    }
    // A ward's details too: no trend or monthly table of nothing counted, drawn as zeros.
    for (const query of ['?type=&ward=armley', `?type=&ward=armley&from=${last}&to=${last}`]) {
      const { page } = await openMap(query);
      const details = page.locator('#crime-map-ward');
      const text = ((await details.textContent()) ?? '').replace(/\s+/g, ' ');
      expect(text, query).toContain('No crime types chosen.');
      expect(text, query).not.toMatch(/\b0\b|per month|no data/);
      expect(await details.locator('svg, table, details').count(), query).toBe(0);
      expect(text, query).toContain('Read the Armley ward report');
    }
  });

  it("names what a ward's details and the heat legend count, as the chosen types do", async () => {
    const { page } = await openMap('?type=anti-social-behaviour&min=3&ward=armley');
    const details = (await page.textContent('#crime-map-ward')) ?? '';
    expect(details).toContain('Anti-social behaviour incidents per month');
    expect(details).toMatch(/ of \d+ by count/);
    expect(details).not.toMatch(/\bcrimes\b/i);
    const legend = (await page.textContent('.crime-map__legend')) ?? '';
    expect(legend).toContain('Places with under 3 anti-social behaviour incidents are hidden.');
    expect(legend).not.toMatch(/\bcrimes\b/i);
    // So does the map's own description, in either view and measure.
    const mapSays = async (query: string) =>
      (await accessibleText((await openMap(query)).page, '.crime-map__map')).description;
    expect(await mapSays('?type=anti-social-behaviour')).toMatch(
      /^Heatmap of anti-social behaviour incidents\. /,
    );
    expect(await mapSays('?type=anti-social-behaviour&view=wards&measure=rate')).toMatch(
      /^Wards coloured by anti-social behaviour incidents per 1,000 residents\. /,
    );
    expect(await mapSays('?type=burglary&view=wards')).toMatch(/^Wards coloured by crimes\. /);
    expect(await mapSays('')).toMatch(/^Heatmap of crimes and anti-social behaviour incidents\. /);
  });

  it("names the month slider by its range, and reads out a slider's steps only through the slider", async () => {
    const { page } = await openMap();
    const range = ((await page.textContent('#crime-map-range')) ?? '').trim();
    expect(range).toMatch(/^\w{3} \d{4} – \w{3} \d{4}$/);
    await expect(page.getByRole('group', { name: `Months: ${range}` }).count()).resolves.toBe(1);
    // Live regions read out what changes inside them: none may hold a slider's readout (the
    // slider's own value text says each step; the figures' announcement says the result once).
    const live = page.locator('[aria-live]:not([aria-live="off"]), [role="status"], output');
    for (const readout of [range, 'of 10']) {
      expect(await live.filter({ hasText: readout }).count(), readout).toBe(0);
    }
  });

  it('draws fewer places on the heatmap when the threshold rises', async () => {
    const { page } = await openMap();
    const painted = () =>
      page.$eval('canvas.leaflet-heatmap-layer', (canvas) => {
        const c = canvas as HTMLCanvasElement;
        const pixels = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
        let n = 0;
        for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) n += 1;
        return n;
      });
    const all = await painted();
    await page.goto(new URL('?min=50', page.url()).href);
    await waitForMap(page);
    const busiest = await painted();
    expect(all).toBeGreaterThan(0);
    expect(busiest).toBeGreaterThan(0);
    expect(busiest).toBeLessThan(all / 2);
  });

  it('resets every filter to the default view', async () => {
    const { page } = await openMap(`?type=drugs&from=${last}&view=wards&cc=1`);
    await afterUpdate(page, () => page.getByRole('button', { name: 'Reset the map' }).click());
    await expectFigures(page, expectedFromSiteData(site, { from: first, to: last }));
    expect(new URL(page.url()).search).toBe('');
  });

  it('has no serious or critical axe-core violations, in either view and with a ward open', async () => {
    const { page } = await openMap();
    expect(await seriousA11yViolations(page)).toEqual([]);
    const { page: wardsPage } = await openMap(`?view=wards&ward=${site.wards[0]?.slug ?? ''}`);
    expect(await seriousA11yViolations(wardsPage)).toEqual([]);
  });

  it('without JavaScript shows the Leeds total and links to the ward and year reports', async () => {
    const o = await pages.open('/', { javaScript: false });
    const { page } = o;
    const total = expectedFromSiteData(site, { from: first, to: last }).total;
    const summary = (await page.locator('.leeds-summary').textContent()) ?? '';
    expect(summary).toContain(total.toLocaleString('en-GB'));
    expect(await page.locator('.leeds-summary a[href$="/wards/"]').count()).toBe(1);
    expect(await page.locator('.leeds-summary a[href*="/years/"]').count()).toBeGreaterThan(0);
    // The summary says what the page has without JavaScript, never the map's controls.
    const shown = await page.locator('.leeds-summary').innerText();
    expect(shown).not.toMatch(/choose crime types|address bar/i);
    expect(shown).toContain('links to a report on each ward and each year');
    // Sentences kept apart: the hidden one leaves no "type.Rates" behind.
    expect(shown).not.toMatch(/[a-z]\.[A-Z]/);
    await saveScreenshot(page, 'map-no-javascript');
  });

  it("without JavaScript sends a link to a ward on the map to the ward's report", async () => {
    const slug = site.wards[0]?.slug ?? '';
    const { page } = await pages.open(`/?ward=${slug}`, { javaScript: false });
    const note = page.locator('.map-page__app');
    expect(await note.innerText()).toContain(
      'If a link to a ward on the map brought you here, that ward has its own report among the ward reports.',
    );
    const wards = note.getByRole('link', { name: 'ward reports' });
    await wards.click();
    await page.waitForURL(/\/wards\/$/);
    expect(await page.locator(`a[href$="/wards/${slug}/"]`).count()).toBeGreaterThan(0);
  });

  it('with JavaScript names the controls in the summary', async () => {
    const { page } = await openMap();
    const shown = await page.locator('.leeds-summary').innerText();
    expect(shown).toContain(
      'crime type. On the map, choose crime types, months and a view; the link in your address bar keeps the view',
    );
    expect(shown).not.toMatch(/[a-z]\.[A-Z]/);
  });
});
