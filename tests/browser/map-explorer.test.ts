// The map page as an explorer, at a laptop's size (1280x800) and a phone's (390x844): layout,
// picking a ward, windows without data, the place search, centre and zoom in the URL and in
// history, and accessibility in each state. Screenshots of each state go to test-results/.
import { readdir, readFile } from 'node:fs/promises';
import { booleanPointInPolygon, point } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import type { SiteData } from '../../src/shared/schema.ts';
import { capitalise, countedNoun } from '../../src/lib/format.ts';
import { describeMonths, monthRange, shortMonth } from '../../src/shared/months.ts';
import { ANNOUNCE_AFTER_MS } from '../../src/islands/MapFigures.tsx';
import { CHOROPLETH_COLOURS } from '../../src/lib/map-scale.ts';
import {
  browserPages,
  openPage,
  saveScreenshot,
  seriousA11yViolations,
  siteUrl,
  type OpenedPage,
} from './support.ts';
import {
  accessibleText,
  afterUpdate,
  currentQuery,
  expectedFromMapEntries,
  expectedFromSiteData,
  pressInARun,
  readBuiltMapData,
  readSiteData,
  waitForMap,
} from './map-page.ts';

// Each test opens pages at two sizes and runs axe in several states: on a busy shared machine
// that takes longer than the default 30 s.
vi.setConfig({ testTimeout: 90_000 });

const SIZES = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
  /** The filters and ward details are bottom sheets here too, across a wider screen. */
  tablet: { width: 768, height: 1024 },
  /** The desktop layout at its narrowest: the map is some 650 px wide beside the panel. */
  laptop: { width: 1024, height: 700 },
} as const;
type Size = keyof typeof SIZES;

/** The file's browser, and the pages each test opens, closed after it. */
const pages = browserPages();
let site: SiteData;

beforeAll(async () => {
  site = await readSiteData();
});

async function openMap(size: Size, query = ''): Promise<OpenedPage> {
  const o = await pages.open(`/${query}`, { viewport: SIZES[size] });
  await waitForMap(o.page);
  return o;
}

/** On a phone the filters and figures are in a bottom sheet, closed at first. */
async function openPanel(page: Page, size: Size): Promise<void> {
  if (size === 'phone') await page.getByRole('button', { name: 'Filters and figures' }).click();
}

/** Close the ward's details by their button, and wait until they are gone. */
async function closeWard(page: Page): Promise<void> {
  await page.locator('#crime-map-ward').getByRole('button', { name: /close/i }).click();
  await page.waitForSelector('#crime-map-ward', { state: 'detached' });
}

/** Wait until no history entry is waiting to be written. */
async function waitForHistory(page: Page): Promise<void> {
  await page.waitForFunction(
    () => !document.querySelector('.crime-map')?.hasAttribute('data-history'),
  );
}

async function historyLength(page: Page): Promise<number> {
  return page.evaluate(() => window.history.length);
}

async function mapView(page: Page): Promise<string | null> {
  return page.getAttribute('.crime-map', 'data-view');
}

/** The map's centre and zoom as it reports them, close to `expected` ("lat,lon,zoom"). */
async function expectView(page: Page, expected: string): Promise<void> {
  const [lat, lon, zoom] = ((await mapView(page)) ?? '').split(',').map(Number);
  const [eLat, eLon, eZoom] = expected.split(',').map(Number);
  expect(zoom).toBe(eZoom);
  // Leaflet puts the centre on a whole pixel, so centres within two pixels are the same view
  // (as the map itself compares them): at zoom 13 a pixel is about 0.00017 degrees.
  const pixel = 360 / (256 * 2 ** (eZoom ?? 0));
  expect(Math.abs((lat ?? 0) - (eLat ?? 0))).toBeLessThan(2 * pixel);
  expect(Math.abs((lon ?? 0) - (eLon ?? 0))).toBeLessThan(2 * pixel);
}

async function expectInViewport(page: Page, selector: string, size: Size): Promise<void> {
  const box = await page.locator(selector).boundingBox();
  if (box === null) throw new Error(`${selector} is not shown`);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(SIZES[size].height + 0.5);
  expect(box.x + box.width).toBeLessThanOrEqual(SIZES[size].width + 0.5);
}

/**
 * The words in `selector` broken across lines: the text of each of its table cells, terms,
 * figures and headings laid out again word by word, and each word whose letters take more
 * than one line described.
 */
async function wordsBroken(page: Page, selector: string): Promise<string[]> {
  return page.$eval(selector, (box) => {
    const broken: string[] = [];
    for (const cell of box.querySelectorAll('th, td, dt, dd, h1, h2, h3')) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (const match of text.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          // A hyphen is a place to break ("anti-social").
          if (tops.size > match[0].split('-').length) {
            broken.push(`"${match[0]}" in ${cell.tagName.toLowerCase()}`);
          }
        }
      }
    }
    return broken;
  });
}

/**
 * The parts of `selector` that reach past its content box's sides (cut off, or making it
 * scroll sideways), and each figure whose label reaches into it: described for the message.
 */
async function partsOutside(page: Page, selector: string): Promise<string[]> {
  return page.$eval(selector, (box) => {
    const outer = box.getBoundingClientRect();
    const left = outer.left + box.clientLeft;
    const right = left + box.clientWidth;
    const describe = (el: Element, b: DOMRect) =>
      `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 40)}" at ` +
      `${b.left.toFixed(0)}-${b.right.toFixed(0)}`;
    const found: string[] = [];
    for (const el of box.querySelectorAll('*')) {
      const b = el.getBoundingClientRect();
      if (b.width === 0 && b.height === 0) continue;
      // noUiSlider moves a handle by translating a track-wide box holding it; the handle is
      // what shows, and it is checked.
      if (el.matches('.noUi-origin')) continue;
      if (b.right > right + 0.5 || b.left < left - 0.5) {
        found.push(`${describe(el, b)}, outside ${left.toFixed(0)}-${right.toFixed(0)}`);
      }
    }
    for (const dt of box.querySelectorAll('dt')) {
      const dd = dt.nextElementSibling;
      if (dd === null) continue;
      const a = dt.getBoundingClientRect();
      const b = dd.getBoundingClientRect();
      const sameRow = a.top < b.bottom && b.top < a.bottom;
      if (sameRow && a.right > b.left + 0.5) found.push(`${describe(dt, a)} runs into its figure`);
    }
    return found;
  });
}

describe.each(['desktop', 'phone'] as const)('map explorer on a %s', (size) => {
  it('shows the map within the first screen (on a laptop, at least 60% of it)', async () => {
    const { page, consoleErrors } = await openMap(size);
    const box = await page.locator('.crime-map__map').boundingBox();
    if (box === null) throw new Error('The map is not shown');
    const { width, height } = SIZES[size];
    expect(box.y).toBeLessThan(height / 3);
    if (size === 'desktop') {
      expect(box.y + box.height).toBeLessThanOrEqual(height + 0.5);
      expect(box.x + box.width).toBeLessThanOrEqual(width + 0.5);
      expect((box.width * box.height) / (width * height)).toBeGreaterThanOrEqual(0.6);
      // The side panel scrolls on its own, not with the page.
      const panel = await page.locator('.crime-map__panel').evaluate((el) => ({
        overflow: getComputedStyle(el).overflowY,
        scrolls: el.scrollHeight > el.clientHeight,
      }));
      expect(panel).toEqual({ overflow: 'auto', scrolls: true });
    } else {
      expect(box.height).toBeGreaterThan(height / 2);
    }
    // Ward outlines are out of the tab order; the ranking and the search are the way in.
    // Tab from the map goes on to a control with a name, never to an outline (Chromium puts
    // an SVG element with focus listeners, as Leaflet's tooltips add, in the tab order).
    expect(await page.locator('path.leaflet-interactive').count()).toBe(site.wards.length);
    await page.focus('.crime-map__map');
    await page.keyboard.press('Tab');
    const next = await page.evaluate(() => {
      const active = document.activeElement;
      return {
        outline: active?.matches('path.leaflet-interactive') ?? false,
        named: (active?.getAttribute('aria-label') ?? active?.textContent ?? '').trim() !== '',
      };
    });
    expect(next).toEqual({ outline: false, named: true });
    expect((await accessibleText(page, '.crime-map__map')).description).toContain(
      'pick a ward from the ranking or the search',
    );
    await saveScreenshot(page, `explorer-${size}-heat`, { fullPage: false });
    await openPanel(page, size);
    await saveScreenshot(page, `explorer-${size}-panel`, { fullPage: false });
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('folds the crime types into a disclosure that counts them', async () => {
    const { page } = await openMap(size, '?type=burglary,drugs');
    await openPanel(page, size);
    const summary = page.locator('.crime-map__types summary');
    expect(await summary.textContent()).toBe('Crime types: 2 of 14 types');
    if (size === 'phone') {
      expect(await page.getByRole('checkbox', { name: 'Burglary' }).isVisible()).toBe(false);
      await summary.click();
    }
    await afterUpdate(page, () => page.getByRole('checkbox', { name: 'Shoplifting' }).check());
    expect(await summary.textContent()).toBe('Crime types: 3 of 14 types');
  });

  it('opens a ward picked from the ranking in view with focus inside, and Escape hands focus back', async () => {
    const { page, consoleErrors } = await openMap(size);
    await openPanel(page, size);
    const first = page.locator('.crime-map__ward-button').first();
    const name = ((await first.textContent()) ?? '').trim();
    await first.focus();
    await afterUpdate(page, () => page.keyboard.press('Enter'));
    expect(await page.textContent('#crime-map-ward-name')).toBe(name);
    await expectInViewport(page, '#crime-map-ward', size);
    expect(
      await page.evaluate(() => document.activeElement?.closest('#crime-map-ward') !== null),
    ).toBe(true);
    await saveScreenshot(page, `explorer-${size}-ward`, { fullPage: false });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await afterUpdate(page, () => page.keyboard.press('Escape'));
    expect(await page.locator('#crime-map-ward').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(name);
    expect(consoleErrors).toEqual([]);
  });

  it('fits the ward details, the legend and the ranking to their width, by crimes and by rate', async () => {
    // The ward with the longest name, and one with a short name.
    const longest = [...site.wards].sort((a, b) => b.name.length - a.name.length)[0]!.slug;
    for (const [measure, ward] of [
      ['count', 'armley'],
      ['rate', 'armley'],
      ['rate', longest],
    ] as const) {
      const what = `${measure}, ${ward}`;
      const { page } = await openMap(size, `?view=wards&measure=${measure}&ward=${ward}`);
      await page.waitForSelector('#crime-map-ward');
      // The longest figure is the rate's, which names its months ("... over 3 months").
      expect(await partsOutside(page, '#crime-map-ward'), what).toEqual([]);
      expect(await wordsBroken(page, '#crime-map-ward'), what).toEqual([]);
      await closeWard(page);
      expect(await partsOutside(page, '.crime-map__legend'), what).toEqual([]);
      await openPanel(page, size);
      await page.getByRole('button', { name: /^Show all \d+ wards$/ }).click();
      await page.waitForFunction(
        () => document.querySelectorAll('#crime-map-ranking tbody tr').length > 5,
      );
      expect(await partsOutside(page, '.crime-map__panel'), what).toEqual([]);
      expect(await wordsBroken(page, '#crime-map-ranking'), what).toEqual([]);
    }
    // The heatmap's legend.
    const { page } = await openMap(size);
    expect(await partsOutside(page, '.crime-map__legend'), 'heat').toEqual([]);
  });

  it('says plainly that a window without data has none: no zero counts, ranks or legend', async () => {
    const gap = site.months.length > 1 ? monthsBetween(site.months) : null;
    if (gap === null) throw new Error('The sample data has no gap between months');
    const ward = site.wards[0]?.slug ?? '';
    for (const view of ['heat', 'wards']) {
      const { page } = await openMap(
        size,
        `?from=${gap.from}&to=${gap.to}&view=${view}&ward=${ward}`,
      );
      // Said once, by the window's months ("No data for Jul 2024 – Jan 2025."), not twice.
      const said = (await page.textContent('#crime-map-ward .crime-map__no-data')) ?? '';
      expect(said).toMatch(/^No data for [^,]+\.$/);
      expect(said.match(/no data/gi)).toHaveLength(1);
      await saveScreenshot(page, `explorer-${size}-no-data-${view}-ward`, { fullPage: false });
      if (size === 'phone') {
        // The ward's details cover the bottom sheet's bar, as a dialog does.
        await afterUpdate(page, () =>
          page.getByRole('button', { name: 'Close ward details' }).click(),
        );
        await openPanel(page, size);
      }
      const text = (await page.locator('.crime-map').textContent()) ?? '';
      expect(text).toContain('No data for');
      expect(text).not.toMatch(/\b0 crimes\b/);
      expect(text).not.toMatch(/\b0 (anti-social|crimes and)\b/);
      expect(await page.locator('#crime-map-total').count()).toBe(0);
      expect(await page.locator('#crime-map-ranking').count()).toBe(0);
      expect(await page.locator('#crime-map-ward-count').count()).toBe(0);
      expect(await page.locator('.crime-map__legend li').count()).toBe(0);
      expect(await page.locator('canvas.leaflet-heatmap-layer').count()).toBe(0);
      expect(
        await page.$$eval(
          'path.leaflet-interactive',
          (ps) => ps.filter((p) => p.getAttribute('fill-opacity') !== '0').length,
        ),
      ).toBe(0);
      // The map's description says it draws nothing, and why, not what the view would draw.
      const mapSays = (await accessibleText(page, '.crime-map__map')).description;
      expect(mapSays).toMatch(/^Nothing drawn, no data for [^.]+\. /);
      expect(mapSays).not.toMatch(/heatmap of|coloured by/i);
      await saveScreenshot(page, `explorer-${size}-no-data-${view}`, { fullPage: false });
      expect(await seriousA11yViolations(page)).toEqual([]);
    }
  }, 90_000);

  it('restores the centre and zoom of a deep link, and a pan by arrow keys is one history entry', async () => {
    const { page, consoleErrors } = await openMap(size, '?c=53.8,-1.55&z=13');
    await expectView(page, '53.8,-1.55,13');
    expect(new URL(page.url()).search).toBe('?c=53.8,-1.55&z=13');
    const before = await historyLength(page);
    await page.locator('.crime-map__map').focus();
    await pressInARun(page, 'ArrowRight', 3, (url) => url.searchParams.get('c') !== '53.8,-1.55');
    // The last pan has ended where the address bar says.
    await page.waitForFunction(() => {
      const q = new URLSearchParams(window.location.search);
      return (
        document.querySelector('.crime-map')?.getAttribute('data-view') ===
        `${q.get('c')},${q.get('z')}`
      );
    });
    const panned = await mapView(page);
    expect(panned).not.toBe('53.8,-1.55,13');
    expect(await historyLength(page)).toBe(before + 1);
    const query = new URL(page.url()).searchParams;
    expect(`${query.get('c')},${query.get('z')}`).toBe(panned);
    await afterUpdate(page, () => page.goBack().then(() => undefined));
    await expectView(page, '53.8,-1.55,13');
    expect(new URL(page.url()).search).toBe('?c=53.8,-1.55&z=13');
    await afterUpdate(page, () => page.goForward().then(() => undefined));
    await expectView(page, panned ?? '');
    await saveScreenshot(page, `explorer-${size}-deep-link`, { fullPage: false });
    expect(consoleErrors).toEqual([]);
  });

  it('goes back to the view before a pan that is still gliding, and keeps the way forward', async () => {
    const start = '?c=53.8,-1.55&z=13';
    const { page, consoleErrors } = await openMap(size, start);
    await page.locator('.crime-map__map').focus();
    await pressInARun(page, 'ArrowRight', 1, (url) => url.search !== start);
    const panned = new URL(page.url()).search;
    const length = await historyLength(page);
    // A pan glides for a quarter of a second; back is asked for in the same task as the key
    // that starts it, so it comes while the pan is under way however busy the machine is.
    await afterUpdate(page, () =>
      page.evaluate(() => {
        const map = document.querySelector('.crime-map__map');
        const init = { key: 'ArrowRight', code: 'ArrowRight', keyCode: 39, bubbles: true };
        map?.dispatchEvent(new KeyboardEvent('keydown', init));
        window.history.back();
      }),
    );
    // Long enough for the pan to have ended on its own.
    await page.waitForTimeout(400);
    await page.waitForFunction(
      () => !document.querySelector('.crime-map')?.hasAttribute('data-history'),
    );
    expect(new URL(page.url()).search).toBe(start);
    await expectView(page, '53.8,-1.55,13');
    expect(await historyLength(page)).toBe(length);
    // Forward is the pan's entry: its first step, or its second too when that was written
    // before back came (both steps are one continuous change, one entry).
    await afterUpdate(page, () => page.goForward().then(() => undefined));
    const lonOf = (search: string) => Number(new URLSearchParams(search).get('c')?.split(',')[1]);
    const step = lonOf(panned) - lonOf(start);
    const forward = lonOf(new URL(page.url()).search);
    expect(
      [lonOf(panned), lonOf(panned) + step].some((lon) => Math.abs(forward - lon) < 3e-4),
      `forward to ${page.url()}, after ${panned}`,
    ).toBe(true);
    expect(consoleErrors).toEqual([]);
  });
});

/** The first run of months without data between two months with data, as a window. */
function monthsBetween(months: readonly string[]): { from: string; to: string } | null {
  for (let i = 1; i < months.length; i++) {
    const [y0, m0] = (months[i - 1] ?? '').split('-').map(Number);
    const [y1, m1] = (months[i] ?? '').split('-').map(Number);
    const start = (y0 ?? 0) * 12 + (m0 ?? 0); // the month after months[i - 1], 0-based
    const end = (y1 ?? 0) * 12 + (m1 ?? 0) - 2; // the month before months[i], 0-based
    if (end >= start) {
      const label = (n: number) => `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
      return { from: label(start), to: label(end) };
    }
  }
  return null;
}

/**
 * Wait until the ward's details' heading has the focus and names `ward`, then as long again as
 * the status line takes to speak: what a screen reader says of a search is then all said.
 */
async function headingFocusedAndHeard(page: Page, ward: string): Promise<void> {
  await page.waitForFunction(
    (name) =>
      document.activeElement?.id === 'crime-map-ward-name' &&
      document.activeElement.textContent === name,
    ward,
    { timeout: 5_000 },
  );
  await page.waitForTimeout(ANNOUNCE_AFTER_MS * 2);
}
describe('map explorer: side panel', () => {
  it('collapses from the keyboard, giving the map the width, which still shows the whole district', async () => {
    const { page, consoleErrors } = await openMap('desktop');
    const before = await page.locator('.crime-map__map').boundingBox();
    await page.getByRole('button', { name: 'Hide filters and figures' }).focus();
    await page.keyboard.press('Enter');
    const toggle = page.getByRole('button', { name: 'Filters and figures', exact: true });
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(toggle.evaluate((b) => b === document.activeElement)).resolves.toBe(true);
    await page.waitForFunction(
      (width) =>
        (document.querySelector('.crime-map__map')?.getBoundingClientRect().width ?? 0) > width,
      before?.width ?? 0,
    );
    expect(await page.locator('#crime-map-panel-body').isVisible()).toBe(false);
    // A resize is not a move: the address bar keeps no centre, the map the whole district.
    await page.waitForTimeout(300);
    expect(new URL(page.url()).search).toBe('');
    const bounds = await page.evaluate(() => {
      const paths = [...document.querySelectorAll('path.leaflet-interactive')];
      const map = document.querySelector('.crime-map__map')?.getBoundingClientRect();
      const boxes = paths.map((p) => p.getBoundingClientRect());
      return {
        map: map && { left: map.left, right: map.right, top: map.top, bottom: map.bottom },
        left: Math.min(...boxes.map((b) => b.left)),
        right: Math.max(...boxes.map((b) => b.right)),
        top: Math.min(...boxes.map((b) => b.top)),
        bottom: Math.max(...boxes.map((b) => b.bottom)),
      };
    });
    if (bounds.map === undefined) throw new Error('No map');
    expect(bounds.left).toBeGreaterThanOrEqual(bounds.map.left - 1);
    expect(bounds.right).toBeLessThanOrEqual(bounds.map.right + 1);
    expect(bounds.top).toBeGreaterThanOrEqual(bounds.map.top - 1);
    expect(bounds.bottom).toBeLessThanOrEqual(bounds.map.bottom + 1);
    await saveScreenshot(page, 'explorer-desktop-panel-closed', { fullPage: false });
    expect(consoleErrors).toEqual([]);
  });

  it('fits the whole district again when a phone turns, as a fresh load at that size shows it', async () => {
    const turned = { width: SIZES.phone.height, height: SIZES.phone.width };
    const fresh = await pages.open('/', { viewport: turned });
    await waitForMap(fresh.page);
    const landscape = (await mapView(fresh.page)) ?? '';
    const { page, consoleErrors } = await openMap('phone');
    const portrait = (await mapView(page)) ?? '';
    expect(landscape).not.toBe(portrait);
    // The map reports its view once it has handled the new size; on a busy machine that can
    // take longer than a fixed wait.
    const zoomShown = (view: string) =>
      page.waitForFunction(
        (zoom) =>
          document.querySelector('.crime-map')?.getAttribute('data-view')?.split(',')[2] === zoom,
        view.split(',')[2],
      );
    await page.setViewportSize(turned);
    await zoomShown(landscape);
    await expectView(page, landscape);
    await page.setViewportSize(SIZES.phone);
    await zoomShown(portrait);
    await expectView(page, portrait);
    // A resize is not a move: the address keeps no centre.
    expect(new URL(page.url()).search).toBe('');
    expect(consoleErrors).toEqual([]);
  });

  it('fills its side with the map when a tablet turns to the side panel layout, and back', async () => {
    // A tablet held upright has the bottom sheet; turned, 1024 px wide, the side panel.
    const turned = { width: SIZES.tablet.height, height: SIZES.tablet.width };
    const { page, consoleErrors } = await openMap('tablet');
    const mapFills = () =>
      page.evaluate(() => {
        const map = document.querySelector('.crime-map__map')?.getBoundingClientRect();
        const main = document.querySelector('.crime-map__main')?.getBoundingClientRect();
        const paths = [...document.querySelectorAll('.leaflet-overlay-pane path')].map((p) =>
          p.getBoundingClientRect(),
        );
        if (map === undefined || main === undefined) return 'no map';
        if (map.height < main.height / 2) {
          return `map ${map.height.toFixed(0)} px high in ${main.height.toFixed(0)} px`;
        }
        const cut = paths.filter((w) => w.top < map.top - 1 || w.bottom > map.bottom + 1);
        return cut.length === 0 ? 'fills' : `${cut.length} wards cut off`;
      });
    for (const size of [turned, SIZES.tablet, turned]) {
      await page.setViewportSize(size);
      // The map fits the district to its new size once it has handled the resize.
      await page
        .waitForFunction(
          () => (document.querySelector('.crime-map__map')?.clientHeight ?? 0) > 200,
          undefined,
          { timeout: 5_000 },
        )
        .catch(() => undefined);
      await page.waitForTimeout(300);
      expect(await mapFills(), `${size.width} x ${size.height}`).toBe('fills');
    }
    expect(consoleErrors).toEqual([]);
  });

  it("keeps a deep link's centre and zoom, and its address, when the panel closes and the window narrows", async () => {
    const { page, consoleErrors } = await openMap('desktop', '?c=53.8,-1.55&z=13');
    await expectView(page, '53.8,-1.55,13');
    await page.getByRole('button', { name: 'Hide filters and figures' }).click();
    await page.setViewportSize({ width: 1111, height: 777 });
    await page.waitForTimeout(300);
    await expectView(page, '53.8,-1.55,13');
    expect(new URL(page.url()).search).toBe('?c=53.8,-1.55&z=13');
    expect(consoleErrors).toEqual([]);
  });
});

describe('map explorer: month slider history', () => {
  it('adds one history entry for a run of arrow-key presses on a month handle', async () => {
    const { page } = await openMap('desktop');
    const handle = page.getByRole('slider', { name: 'First month' });
    await handle.focus();
    const before = await historyLength(page);
    const third = addMonths(site.months[0] ?? '', 3);
    await pressInARun(page, 'ArrowRight', 3, (url) => url.searchParams.get('from') === third);
    expect(await historyLength(page)).toBe(before + 1);
    await afterUpdate(page, () => page.goBack().then(() => undefined));
    expect(new URL(page.url()).searchParams.get('from')).toBeNull();
  });
});

/** Calendar months from `from` to `to`, both counted. */
function monthCount(from: string, to: string): number {
  const index = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7));
  return index(to) - index(from) + 1;
}

function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const k = (y ?? 0) * 12 + (m ?? 1) - 1 + n;
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
}

describe('map explorer: choropleth by rate', () => {
  it('colours and ranks wards by crimes per 1,000 residents, with a legend naming measure and window', async () => {
    const { page } = await openMap('desktop', '?view=wards&measure=rate&ward=armley');
    // The sample holds fewer than 12 months of data: a rate over those months, as on the reports.
    expect(site.months.length).toBeLessThan(12);
    const unit = `per 1,000 residents over ${site.months.length} months`;
    // All types are shown: the words name what they count, from the data.
    const noun = countedNoun(site.crimeTypes);
    const legend = page.getByRole('group', { name: `Legend: ${noun} ${unit}` });
    // The window is every month from the first with data to the latest; those between without
    // data are named.
    const [first, latest] = [site.months[0] ?? '', site.months.at(-1) ?? ''];
    const gaps = monthRange(first, latest).filter((m) => !site.months.includes(m));
    expect(gaps.length).toBeGreaterThan(0);
    const label = `${capitalise(noun)} ${unit}, ${shortMonth(first)} – ${shortMonth(latest)}, no data for ${describeMonths(gaps)}`;
    expect(((await legend.textContent()) ?? '').slice(0, label.length)).toBe(label);
    expect(await page.textContent('#crime-map-ranking caption')).toBe(
      `Top 5 wards by ${noun} ${unit}, ${shortMonth(first)} – ${shortMonth(latest)}, no data for ${describeMonths(gaps)}`,
    );
    // Issue 10: the map, like About, says why the centre's rates per resident run high.
    expect(await legend.locator('#crime-map-rate-caveat').textContent()).toMatch(
      /^Rates divide by residents \(Census 2021 usual residents, .*work in, visit and go out in the city centre \(postcode districts LS1 and LS2\).*inflated/s,
    );
    const rates = await page.$$eval('#crime-map-ranking tbody tr', (rows) =>
      rows.map((r) => Number(r.querySelectorAll('td')[2]?.textContent?.replace(/,/g, ''))),
    );
    expect(rates).toEqual([...rates].sort((a, b) => b - a));
    // Expected from the site data: the ward with the highest crimes per resident.
    const rate = (w: number) =>
      (site.counts[w] ?? []).flat().reduce((a, b) => a + b, 0) / (site.wards[w]?.population ?? 1);
    const top = site.wards
      .map((w, i) => ({ name: w.name, r: rate(i) }))
      .sort((a, b) => b.r - a.r)[0];
    expect(await page.locator('.crime-map__ward-button').first().textContent()).toBe(top?.name);
    // The selected ward's line is drawn on a white halo, over every fill.
    expect(await page.locator('path[stroke="#ffffff"][stroke-width="8"]').count()).toBe(1);
    await saveScreenshot(page, 'explorer-desktop-wards-rate', { fullPage: false });
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});

describe('map explorer: a window with months without data', () => {
  it('is named alike, with its gaps, by the legend, the ranking, the ward details and the bar', async () => {
    const axis = monthRange(site.months[0] ?? '', site.months.at(-1) ?? '');
    const gapsOf = (from: string, to: string) =>
      axis.filter((m) => m >= from && m <= to && !site.months.includes(m));
    const firstGap = gapsOf(axis[0] ?? '', axis.at(-1) ?? '')[0] ?? '';
    // Across the gap; ending in it; and months all with data, for the words without a gap.
    const windows = [
      [axis[0], axis.at(-2)],
      [axis[0], firstGap],
      [axis.at(-2), axis.at(-1)],
    ] as const;
    for (const [from = '', to = ''] of windows) {
      const gaps = gapsOf(from, to);
      const withData = site.months.filter((m) => m >= from && m <= to).length;
      const range = from === to ? shortMonth(from) : `${shortMonth(from)} – ${shortMonth(to)}`;
      const words =
        gaps.length > 0
          ? `${range}, no data for ${describeMonths(gaps)}`
          : `${range}, all ${withData} months with data`;
      for (const measure of ['count', 'rate']) {
        const query = `?from=${from}&to=${to}&view=wards&measure=${measure}&ward=armley`;
        const { page } = await openMap('phone', query);
        const unit = `per 1,000 residents over ${withData} ${withData === 1 ? 'month' : 'months'}`;
        for (const selector of [
          '.crime-map__legend',
          '#crime-map-ranking caption',
          '#crime-map-ward',
          '.crime-map__bar-summary',
        ]) {
          expect(await page.textContent(selector), `${query}: ${selector}`).toContain(words);
        }
        // The rate's window: the months with data, never the window's months with its gaps.
        expect(await page.textContent('#crime-map-ward-rate'), query).toContain(unit);
        expect(await page.textContent('#crime-map-ranking thead'), query).toContain(unit);
      }
    }
  });
});

describe('map explorer: small rates', () => {
  it('tells a ward with 1 crime from one with none: "<0.1", ranked above it, in a colour of its own', async () => {
    // Bicycle thefts in March 2025: some wards had 1 among 20,000 to 29,000 residents, a rate
    // that rounds to 0.0; others had none.
    const month = '2025-03';
    const m = site.months.indexOf(month);
    const t = site.crimeTypes.indexOf('Bicycle theft');
    const thefts = (ward: number) => site.counts[ward]?.[m]?.[t] ?? 0;
    const pudsey = site.wards.findIndex((w) => w.slug === 'pudsey');
    expect(thefts(pudsey)).toBe(1);
    const none = site.wards.filter((_, w) => thefts(w) === 0).length;
    expect(none).toBeGreaterThan(0);
    const { page } = await openMap(
      'desktop',
      `?view=wards&measure=rate&type=bicycle-theft&from=${month}&to=${month}&ward=pudsey`,
    );
    expect(await page.textContent('#crime-map-ward-rate')).toMatch(
      /^<0\.1 per 1,000 residents over 1 month \(Leeds: /,
    );
    await page.getByRole('button', { name: /^Show all \d+ wards$/ }).click();
    await page.getByRole('button', { name: /^Show the top 5 only$/ }).waitFor();
    const rows = await page.$$eval('#crime-map-ranking tbody tr', (trs) =>
      trs.map((tr) => {
        const [rank, count, rate] = [...tr.querySelectorAll('td')].map((td) => td.textContent);
        return { rank: Number(rank), count: Number(count), rate };
      }),
    );
    expect(rows).toHaveLength(site.wards.length);
    const withThefts = rows.filter((r) => r.count > 0);
    const without = rows.filter((r) => r.count === 0);
    expect(withThefts.filter((r) => r.rate === '0.0')).toEqual([]);
    expect(withThefts.filter((r) => r.count === 1).map((r) => r.rate)).toContain('<0.1');
    expect(without.map((r) => r.rate)).toEqual(without.map(() => '0.0'));
    expect(Math.max(...withThefts.map((r) => r.rank))).toBeLessThan(
      Math.min(...without.map((r) => r.rank)),
    );
    // Only the wards with none take the lightest colour, under the legend's "0.0" line.
    const fills = await page.$$eval('path.leaflet-interactive', (paths) =>
      paths.map((p) => p.getAttribute('fill')),
    );
    expect(fills.filter((fill) => fill === CHOROPLETH_COLOURS[0])).toHaveLength(none);
    const legend = await page.$$eval('.crime-map__legend li', (items) =>
      items.map((li) => li.textContent),
    );
    expect(legend.slice(0, 2)).toEqual(['0.0', expect.stringMatching(/^<0\.1( to |$)/)]);
  });
});

describe('map explorer: months without data', () => {
  it('names the month without data, and says it "is left out", for a window with one', async () => {
    // January 2025 has no data, February 2025 has.
    expect(site.months).toContain('2025-02');
    expect(site.months).not.toContain('2025-01');
    const { page } = await openMap('desktop', '?from=2025-01&to=2025-02');
    const coverage = await page.textContent('#crime-map-coverage');
    expect(coverage?.replace(/\s+/g, ' ').trim()).toBe(
      'Jan 2025 – Feb 2025: 2 months, 1 with data; 1 of them without data (Jan 2025) is left out, not counted as zero.',
    );
  });
});

interface Reference {
  postcodes: Map<string, [number, number]>;
  wards: Feature<Polygon | MultiPolygon, { WD25CD?: string; code?: string }>[];
}

let reference: Promise<Reference> | undefined;

/** The reference postcodes and wards, read once for the file's tests (they only read them). */
function readReference(): Promise<Reference> {
  reference ??= loadReference();
  return reference;
}

async function loadReference(): Promise<Reference> {
  const csv = await readFile('data/reference/postcodes-ls.csv', 'utf8');
  const postcodes = new Map<string, [number, number]>();
  for (const line of csv.split('\n').slice(1)) {
    const [code, lat, lon] = line.split(',');
    if (code !== undefined && lat !== undefined && lon !== undefined)
      postcodes.set(code, [Number(lon), Number(lat)]);
  }
  const geo = JSON.parse(
    await readFile('data/reference/wards.geojson', 'utf8'),
  ) as FeatureCollection<Polygon | MultiPolygon, Record<string, string>>;
  return { postcodes, wards: geo.features };
}

/** The ward name whose reference polygon holds the postcode's point (turf). */
function wardOf(ref: Reference, lonLat: [number, number]): string | null {
  const feature = ref.wards.find((f) => booleanPointInPolygon(point(lonLat), f));
  const code = Object.values(feature?.properties ?? {}).find((v) => /^E05\d{6}$/.test(String(v)));
  return site.wards.find((w) => w.code === code)?.name ?? null;
}

describe.each(['desktop', 'phone'] as const)('map explorer: place search on a %s', (size) => {
  it('centres the map on a Leeds postcode typed in any case and spacing, and opens its ward', async () => {
    const ref = await readReference();
    const { page, consoleErrors } = await openMap(size);
    await openPanel(page, size);
    const typed = ['ls6 1aa', 'LS11   5AB', 'ls176ha', 'LS25 1AA'];
    let checked = 0;
    for (const text of typed) {
      const key = text
        .toUpperCase()
        .replace(/\s+/g, '')
        .replace(/(\d[A-Z]{2})$/, ' $1');
      const place = ref.postcodes.get(key);
      const expected = place === undefined ? null : wardOf(ref, place);
      if (place === undefined || expected === null) continue;
      checked += 1;
      if (size === 'phone' && (await page.locator('#crime-map-ward').count()) > 0) {
        await afterUpdate(page, () => page.keyboard.press('Escape'));
      }
      await page.getByLabel('Find a postcode or ward').fill(text);
      await afterUpdate(page, () => page.keyboard.press('Enter'));
      await page.waitForFunction(
        (name) => document.querySelector('#crime-map-ward-name')?.textContent === name,
        expected,
      );
      const query = new URL(page.url()).searchParams;
      const [lat, lon] = (query.get('c') ?? '').split(',').map(Number);
      expect(Math.abs((lat ?? 0) - place[1]), key).toBeLessThan(2e-4);
      expect(Math.abs((lon ?? 0) - place[0]), key).toBeLessThan(2e-4);
      expect(query.get('z')).toBe('15');
      expect(await page.textContent('#crime-map-ward-found')).toContain(`${key} is in ${expected}`);
    }
    expect(checked).toBeGreaterThanOrEqual(3);

    // A sector, typed loosely: the ward that most of its postcodes are in.
    const inSector = new Map<string, number>();
    for (const [code, place] of ref.postcodes) {
      if (!code.startsWith('LS6 1')) continue;
      const ward = wardOf(ref, place);
      if (ward !== null) inSector.set(ward, (inSector.get(ward) ?? 0) + 1);
    }
    const [commonest] = [...inSector].sort((a, b) => b[1] - a[1])[0] ?? [];
    if (commonest === undefined) throw new Error('No LS6 1 postcode in a Leeds ward');
    if (size === 'phone') await afterUpdate(page, () => page.keyboard.press('Escape'));
    await page.getByLabel('Find a postcode or ward').fill('  ls6   1 ');
    await afterUpdate(page, () => page.keyboard.press('Enter'));
    await page.waitForFunction(
      (name) => document.querySelector('#crime-map-ward-name')?.textContent === name,
      commonest,
    );
    expect(await page.textContent('#crime-map-ward-found')).toContain(
      `Most of LS6 1 is in ${commonest}`,
    );
    expect(new URL(page.url()).searchParams.get('z')).toBe('14');
    await expectInViewport(page, '#crime-map-ward', size);
    await saveScreenshot(page, `explorer-${size}-postcode`, { fullPage: false });
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(consoleErrors).toEqual([]);
  }, 90_000);

  it('says clearly when a postcode is not in the list or not in Leeds, and finds wards by name', async () => {
    const { page } = await openMap(size);
    await openPanel(page, size);
    const search = page.getByLabel('Find a postcode or ward');
    const result = page.locator('#crime-map-search-result');
    await search.fill('sw1a 1aa');
    await search.press('Enter');
    await page.waitForFunction(
      () => document.querySelector('#crime-map-search-result')?.textContent !== '',
    );
    expect(await result.textContent()).toContain(
      "SW1A 1AA is not in this map's postcode list, which holds only the LS postcodes",
    );
    await search.fill('LS6 9ZZ');
    await search.press('Enter');
    await page.waitForFunction(() =>
      document.querySelector('#crime-map-search-result')?.textContent?.includes('LS6 9ZZ'),
    );
    expect(await result.textContent()).toContain('LS6 9ZZ is not in the Leeds wards');
    expect(await page.locator('#crime-map-ward').count()).toBe(0);
    await search.fill('armley');
    await afterUpdate(page, () => search.press('Enter'));
    expect(await page.textContent('#crime-map-ward-name')).toBe('Armley');
    // "and" for "&", as people type it. (On a phone the ward's details cover the search.)
    await closeWard(page);
    await search.fill('hunslet and riverside');
    await afterUpdate(page, () => search.press('Enter'));
    expect(await page.textContent('#crime-map-ward-name')).toBe('Hunslet & Riverside');
  });
});

describe.each(['desktop', 'phone', 'tablet'] as const)(
  "the place search's answer on a %s",
  (size) => {
    /** How many elements not visually hidden show `text` in the window, not hidden or covered by a sheet. */
    async function timesSeen(page: Page, text: string): Promise<number> {
      return page.evaluate((text) => {
        const holders = [...document.querySelectorAll('body *')].filter(
          (el) =>
            el.textContent?.includes(text) &&
            ![...el.children].some((child) => child.textContent?.includes(text)),
        );
        return holders.filter((el) => {
          const box = el.getBoundingClientRect();
          return (
            el.closest('.visually-hidden') === null &&
            el.checkVisibility({ visibilityProperty: true }) &&
            box.width > 1 &&
            box.top >= 0 &&
            box.bottom <= window.innerHeight
          );
        }).length;
      }, text);
    }

    it('is seen and read out for a postcode and a sector, with the ward it opens', async () => {
      const ref = await readReference();
      const unit = ['LS6 1AA', 'LS11 5AB', 'LS17 6HA']
        .map((code) => ({ code, ward: wardOf(ref, ref.postcodes.get(code) ?? [0, 0]) }))
        .find((p) => p.ward !== null);
      if (unit === undefined) throw new Error('None of the postcodes is in a Leeds ward');
      const inSector = new Map<string, number>();
      for (const [code, place] of ref.postcodes) {
        if (!code.startsWith('LS9 7')) continue;
        const ward = wardOf(ref, place);
        if (ward !== null) inSector.set(ward, (inSector.get(ward) ?? 0) + 1);
      }
      const [commonest] = [...inSector].sort((a, b) => b[1] - a[1])[0] ?? [];
      if (commonest === undefined) throw new Error('No LS9 7 postcode in a Leeds ward');
      const { page } = await openMap(size);
      for (const [typed, ward, answer, said] of [
        [
          unit.code.toLowerCase(),
          unit.ward,
          `${unit.code} is in ${unit.ward}`,
          `${unit.code} is in this ward`,
        ],
        ['ls9 7', commonest, `Most of LS9 7 is in ${commonest}`, 'Most of LS9 7 is in this ward'],
      ] as const) {
        if ((await page.locator('#crime-map-ward').count()) > 0) await closeWard(page);
        if (size !== 'desktop' && (await page.getAttribute('.crime-map', 'data-panel')) !== 'open')
          await page.getByRole('button', { name: 'Filters and figures' }).click();
        await page.getByLabel('Find a postcode or ward').fill(typed);
        await afterUpdate(page, () => page.keyboard.press('Enter'));
        await page.waitForFunction(
          (name) => document.querySelector('#crime-map-ward-name')?.textContent === name,
          ward,
        );
        // Read out once, by a status a screen reader can hear (not in a hidden part of the page),
        // without the ward's name, which the details' heading says as it takes the focus.
        await expect
          .poll(() => page.getByRole('status').filter({ hasText: said }).count(), {
            message: `${typed}: read out`,
            timeout: 5_000,
          })
          .toBe(1);
        // Seen once: with the ward the search opened, not under the search field as well.
        await expect
          .poll(() => timesSeen(page, answer), { message: `${typed}: seen`, timeout: 5_000 })
          .toBe(1);
        expect(await page.textContent('#crime-map-ward-found'), typed).toContain(answer);
      }
      // The ward's details say it while they show the ward the search opened, not once shown
      // again some other way (Back after they closed).
      await closeWard(page);
      // Closed, the answer is under the search again, where the postcode typed still is.
      if (size !== 'desktop' && (await page.getAttribute('.crime-map', 'data-panel')) !== 'open')
        await page.getByRole('button', { name: 'Filters and figures' }).click();
      // Polled: on a phone the sheet slides the panel into the window.
      await expect.poll(() => timesSeen(page, 'Most of LS9 7 is in'), { timeout: 5_000 }).toBe(1);
      await waitForHistory(page);
      await afterUpdate(page, async () => void (await page.goBack()));
      await page.waitForSelector('#crime-map-ward');
      expect(await page.locator('#crime-map-ward').textContent()).not.toContain('LS9 7');
    });
  },
);

describe.each(['desktop', 'phone'] as const)(
  "the place search's answer after its ward's details close, on a %s",
  (size) => {
    it('stays under the field, and is its description, until the next search', async () => {
      const ref = await readReference();
      const ward = wardOf(ref, ref.postcodes.get('LS6 1AA') ?? [0, 0]);
      if (ward === null) throw new Error('LS6 1AA is in no Leeds ward of the reference');
      const { page } = await openMap(size);
      await openPanel(page, size);
      const search = page.getByLabel('Find a postcode or ward');
      const result = page.locator('#crime-map-search-result');
      const answer = `LS6 1AA is in ${ward}.`;
      for (const close of ['the close button', 'Escape'] as const) {
        await search.fill('ls6 1aa');
        await afterUpdate(page, () => search.press('Enter'));
        await page.waitForSelector('#crime-map-ward');
        // Shown once, with the ward it opened, while that is open.
        expect(await result.textContent(), close).toBe('');
        if (close === 'Escape') await afterUpdate(page, () => page.keyboard.press('Escape'));
        else await afterUpdate(page, () => closeWard(page));
        await page.waitForSelector('#crime-map-ward', { state: 'detached' });
        // Closed: in sight under the field, the focus back on it, which says it as it is read.
        expect(await result.textContent(), close).toBe(answer);
        expect(await result.isVisible(), close).toBe(true);
        expect(await page.evaluate(() => document.activeElement?.id), close).toBe(
          'crime-map-place',
        );
        expect(await search.getAttribute('aria-describedby'), close).toBe(
          'crime-map-search-result',
        );
      }
      // Another ward opened from the ranking leaves it there: it is the search's answer.
      if (size === 'desktop') {
        await page.getByRole('button', { name: /^Show all \d+ wards$/ }).click();
        await afterUpdate(page, () =>
          page.getByRole('button', { name: 'Armley', exact: true }).click(),
        );
        expect(await result.textContent()).toBe(answer);
        expect(await page.textContent('#crime-map-ward')).not.toContain('LS6 1AA');
        await closeWard(page);
      }
      // The next search's answer takes its place, whatever it is.
      await search.fill('sw1a 1aa');
      await search.press('Enter');
      await expect.poll(() => result.textContent(), { timeout: 5_000 }).toContain('SW1A 1AA');
      expect(await result.textContent()).not.toContain('LS6 1AA');
      await search.fill('armley');
      await afterUpdate(page, () => search.press('Enter'));
      await page.waitForSelector('#crime-map-ward');
      await closeWard(page);
      expect(await result.textContent()).toBe('');
    });
  },
);

describe('the status line, said again', () => {
  /** Every text the island's status line showed, in order, from the test's start. */
  async function watchStatus(page: Page): Promise<() => Promise<string[]>> {
    await page.evaluate(() => {
      const line = document.getElementById('crime-map-status');
      const seen: string[] = [];
      (window as { __status?: string[] }).__status = seen;
      if (line === null) throw new Error('The page has no #crime-map-status');
      new MutationObserver(() => seen.push(line.textContent ?? '')).observe(line, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    return () => page.evaluate(() => [...((window as { __status?: string[] }).__status ?? [])]);
  }

  it('reads out a search answered as the last was, once for each search', async () => {
    const { page } = await openMap('desktop');
    const heard = await watchStatus(page);
    const search = page.getByLabel('Find a postcode or ward');
    // A postcode that opens its ward, and one not in the list.
    for (const typed of ['ls6 1aa', 'sw1a 1aa']) {
      const before = (await heard()).length;
      for (const time of [1, 2]) {
        await search.fill(typed);
        await search.press('Enter');
        await expect
          .poll(async () => (await heard()).length, {
            message: `${typed}, search ${time}`,
            timeout: 5_000,
          })
          .toBe(before + time);
      }
      const [first, second] = (await heard()).slice(before);
      // Each search changed the line once, to the same words: a screen reader reads it again.
      expect(second, typed).not.toBe(first);
      expect(second?.trim(), typed).toBe(first?.trim());
      expect(first?.trim(), typed).not.toBe('');
    }
    // Nothing else was said in between, and nothing twice for one search.
    await page.waitForTimeout(ANNOUNCE_AFTER_MS * 2);
    expect(await heard()).toHaveLength(4);
  });

  it.each(['desktop', 'phone'] as const)(
    'names the wards a search matches, as its buttons do, on a %s',
    async (size) => {
      const { page } = await openMap(size);
      await openPanel(page, size);
      const heard = await watchStatus(page);
      const search = page.getByLabel('Find a postcode or ward');
      // Typed starts of words: each matches some wards of the site data, none only one.
      for (const typed of ['h', 'Ro', 'morley']) {
        const starts = (name: string) =>
          name.split(/[\s&-]+/).some((word) => word.toLowerCase().startsWith(typed.toLowerCase()));
        const expected = site.wards.filter((w) => starts(w.name)).map((w) => w.name);
        expect(expected.length, typed).toBeGreaterThan(1);
        const before = (await heard()).length;
        await search.fill(typed);
        await search.press('Enter');
        await expect.poll(async () => (await heard()).length, { timeout: 5_000 }).toBe(before + 1);
        const said = (await heard()).at(-1) ?? '';
        const buttons = await page.locator('.crime-map__choices button').allTextContents();
        expect([...buttons].sort(), typed).toEqual([...expected].sort());
        expect(said, typed).toContain(`${expected.length} wards match “${typed}”`);
        // Each ward the buttons offer is named in what is said, in the buttons' order.
        const at = buttons.map((name) => said.indexOf(name));
        expect(
          at.every((i) => i >= 0),
          `${typed}: ${said}`,
        ).toBe(true);
        expect(
          [...at].sort((a, b) => a - b),
          `${typed}: ${said}`,
        ).toEqual(at);
        // Seen under the field as before, the buttons after it.
        expect(await page.textContent('#crime-map-search-result'), typed).toBe(
          `${expected.length} wards match “${typed}”:`,
        );
      }
    },
  );

  it("says a ward found by name once, by its details' heading, which takes focus, not by the status line as well", async () => {
    const { page } = await openMap('desktop');
    const heard = await watchStatus(page);
    const search = page.getByLabel('Find a postcode or ward');
    // A ward, the same ward again while it is open, and one whose name is typed with "and".
    for (const [typed, ward] of [
      ['armley', 'Armley'],
      ['Armley', 'Armley'],
      ['hunslet and riverside', 'Hunslet & Riverside'],
    ] as const) {
      await search.fill(typed);
      await search.press('Enter');
      await headingFocusedAndHeard(page, ward);
      // The heading read on focus is the answer; the status line says no ward's name too.
      expect(
        (await heard()).filter((text) => text.includes(ward.split(' ')[0] ?? ward)),
        typed,
      ).toEqual([]);
      expect(await page.textContent('#crime-map-search-result'), typed).toBe('');
    }
    // A search that opens no ward is still said, the field keeping the focus.
    await search.fill('nowhere at all');
    await search.press('Enter');
    await expect
      .poll(async () => (await heard()).at(-1) ?? '', { timeout: 5_000 })
      .toContain('nowhere at all');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('crime-map-place');
  });

  it.each(['desktop', 'phone'] as const)(
    "says a postcode's ward once, by its details' heading, and the postcode by the status line, on a %s",
    async (size) => {
      const ref = await readReference();
      const sectorWards = new Map<string, number>();
      for (const [code, place] of ref.postcodes) {
        if (!code.startsWith('LS9 7')) continue;
        const ward = wardOf(ref, place);
        if (ward !== null) sectorWards.set(ward, (sectorWards.get(ward) ?? 0) + 1);
      }
      const [sectorWard] = [...sectorWards].sort((a, b) => b[1] - a[1])[0] ?? [];
      const searches = [
        ['ls6 1aa', 'LS6 1AA', wardOf(ref, ref.postcodes.get('LS6 1AA') ?? [0, 0])],
        ['LS17 6HA', 'LS17 6HA', wardOf(ref, ref.postcodes.get('LS17 6HA') ?? [0, 0])],
        ['ls9 7', 'LS9 7', sectorWard ?? null],
      ] as const;
      const { page } = await openMap(size);
      const heard = await watchStatus(page);
      for (const [typed, postcode, ward] of searches) {
        if (ward === null) throw new Error(`${postcode} is in no Leeds ward of the reference`);
        if ((await page.locator('#crime-map-ward').count()) > 0) await closeWard(page);
        if ((await page.getAttribute('.crime-map', 'data-panel')) !== 'open') {
          await page.getByRole('button', { name: 'Filters and figures', exact: true }).click();
        }
        const before = (await heard()).length;
        await page.getByLabel('Find a postcode or ward').fill(typed);
        await page.keyboard.press('Enter');
        await headingFocusedAndHeard(page, ward);
        // What a screen reader hears: the focused heading's name, then the status line's news.
        const focusName = await page.evaluate(() => document.activeElement?.textContent ?? '');
        const said = (await heard()).slice(before);
        const times = [focusName, ...said].filter((text) => text.includes(ward)).length;
        expect(times, `${typed}: ${JSON.stringify([focusName, ...said])}`).toBe(1);
        expect(said.join(' '), typed).toContain(postcode);
        // The live region holds the answer, as the accessibility tree gives it.
        expect(await page.getByRole('status').filter({ hasText: postcode }).count(), typed).toBe(1);
        // Seen in full, ward and all, with the ward's details.
        expect(await page.textContent('#crime-map-ward-found'), typed).toContain(postcode);
        expect(await page.textContent('#crime-map-ward-found'), typed).toContain(ward);
      }
    },
  );
});

describe('ward details at every size', () => {
  it("draw the ward's monthly chart with text of 10 to 16 px, not blown up across a sheet", async () => {
    for (const size of ['desktop', 'phone', 'tablet'] as const) {
      const { page } = await openMap(size, '?ward=armley');
      await page.waitForSelector('#crime-map-ward .crime-map__trend text');
      const px = await page.$eval('#crime-map-ward .crime-map__trend', (svg) => {
        const scale =
          svg.getBoundingClientRect().width / ((svg as SVGSVGElement).viewBox.baseVal.width || 1);
        const text = svg.querySelector('text');
        return text === null ? 0 : parseFloat(getComputedStyle(text).fontSize) * scale;
      });
      expect(px, size).toBeGreaterThanOrEqual(10);
      expect(px, size).toBeLessThanOrEqual(16);
    }
  });
});

describe("a ward's monthly chart", () => {
  it('draws its marks of months without data, its line and its axes at 3:1 or more against the details', async () => {
    const { page } = await openMap('phone', '?ward=armley');
    await page.waitForSelector('#crime-map-ward .crime-map__trend .gap');
    const ratios = await page.$eval('#crime-map-ward', (details) => {
      const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
      const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
        const [lr, lg, lb] = [r, g, b].map((c) => {
          const s = c / 255;
          return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * (lr ?? 0) + 0.7152 * (lg ?? 0) + 0.0722 * (lb ?? 0);
      };
      const background = rgb(getComputedStyle(details).backgroundColor);
      const marks: Record<string, string> = {
        'month without data': '.gap',
        line: 'polyline',
        axis: '.axis',
      };
      return Object.entries(marks).map(([name, selector]) => {
        const mark = details.querySelector(`.crime-map__trend ${selector}`);
        if (mark === null) return `${name}: not drawn`;
        const style = getComputedStyle(mark);
        const paint = rgb(selector === '.gap' ? style.fill : style.stroke);
        // The mark's colour as seen: its opacity blends it into the background.
        const alpha = Number(style.opacity) * (paint[3] ?? 1);
        const seen = [0, 1, 2].map(
          (i) => alpha * (paint[i] ?? 0) + (1 - alpha) * (background[i] ?? 0),
        );
        const [hi, lo] = [luminance(seen), luminance(background)].sort((a, b) => b - a);
        return `${name}: ${(((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05)).toFixed(2)}`;
      });
    });
    for (const ratio of ratios) {
      expect(Number(ratio.split(': ')[1]), ratio).toBeGreaterThanOrEqual(3);
    }
  });
});

describe.each(['desktop', 'phone'] as const)('focus on a %s', (size) => {
  it("goes back to the ranking's button when Back closes the ward's details that held it", async () => {
    const { page } = await openMap(size);
    await openPanel(page, size);
    const button = page.locator('.crime-map__ward-button').first();
    const slug = await button.getAttribute('data-ward');
    await button.focus();
    await afterUpdate(page, () => page.keyboard.press('Space'));
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('crime-map-ward-name');
    await afterUpdate(page, () => page.goBack().then(() => undefined));
    expect(await page.locator('#crime-map-ward').count()).toBe(0);
    expect(
      await page.evaluate(() => document.activeElement?.getAttribute('data-ward') ?? null),
    ).toBe(slug);
  });

  it('keeps the button that shows all the wards, or the top 5, in view once pressed', async () => {
    const { page } = await openMap(size);
    await openPanel(page, size);
    const toggle = page.getByRole('button', { name: /^Show all \d+ wards$/ });
    await toggle.focus();
    for (const name of [/^Show the top 5 only$/, /^Show all \d+ wards$/]) {
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name }).waitFor();
      const inView = () =>
        page.evaluate(() => {
          const button = document.activeElement;
          if (!(button instanceof HTMLButtonElement)) return 'focus is not on a button';
          const r = button.getBoundingClientRect();
          // Every box that clips it (the panel's scrolling parts) and the screen must hold it.
          for (let box = button.parentElement; box !== null; box = box.parentElement) {
            const style = getComputedStyle(box);
            if (!/auto|scroll|hidden/.test(style.overflowY)) continue;
            const b = box.getBoundingClientRect();
            if (r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5) {
              return `${button.textContent} at ${r.top.toFixed(0)}-${r.bottom.toFixed(0)}, outside ${box.className} ${b.top.toFixed(0)}-${b.bottom.toFixed(0)}`;
            }
          }
          return r.top >= -0.5 && r.bottom <= window.innerHeight + 0.5 ? null : 'off the screen';
        });
      expect(await inView(), String(name)).toBeNull();
    }
  });
});

describe('ward search with a ward open', () => {
  it("gives focus to the open ward's details when the search names that ward again", async () => {
    const { page } = await openMap('desktop', '?ward=armley');
    await page.waitForSelector('#crime-map-ward');
    const search = page.getByLabel('Find a postcode or ward');
    await search.fill('armley');
    await search.press('Enter');
    await page.waitForFunction(
      () => document.activeElement?.id === 'crime-map-ward-name',
      undefined,
      {
        timeout: 5_000,
      },
    );
    expect(await page.textContent('#crime-map-ward-name')).toBe('Armley');
  });
});

describe('ward details beside the map', () => {
  it("cover no part of the legend, the map's attribution or a link's notes, on a laptop screen and a wide one", async () => {
    for (const size of ['laptop', 'desktop'] as const) {
      // Crime types the map does not know, and a first month before the data: notes over the map.
      const { page } = await openMap(
        size,
        '?view=wards&measure=rate&ward=armley&type=drugs,burglery,shopliftin&from=2019-01',
      );
      await page.waitForSelector('#crime-map-ward');
      const details = await page.locator('#crime-map-ward').boundingBox();
      if (details === null) throw new Error(`${size}: the ward details are not shown`);
      for (const other of [
        '.crime-map__legend',
        '.leaflet-control-attribution',
        '#crime-map-link-notes',
      ]) {
        const box = await page.locator(other).boundingBox();
        if (box === null) throw new Error(`${size}: ${other} is not shown`);
        const across = (a: number, aSize: number, b: number, bSize: number) =>
          Math.min(a + aSize, b + bSize) - Math.max(a, b) > 0.5;
        const overlap =
          across(details.x, details.width, box.x, box.width) &&
          across(details.y, details.height, box.y, box.height);
        expect(
          overlap,
          `${size}: details ${JSON.stringify(details)}, ${other} ${JSON.stringify(box)}`,
        ).toBe(false);
      }
    }
  });

  it('fit the ward with the longest name and its rate at their narrowest, on a laptop screen', async () => {
    const longest = [...site.wards].sort((a, b) => b.name.length - a.name.length)[0]!.slug;
    const { page } = await openMap('laptop', `?view=wards&measure=rate&ward=${longest}`);
    await page.waitForSelector('#crime-map-ward');
    expect(await partsOutside(page, '#crime-map-ward')).toEqual([]);
    expect(await wordsBroken(page, '#crime-map-ward')).toEqual([]);
  });
});

describe('a ward picked from the ranking', () => {
  /** How much of the selected ward's outline (its halo) lies clear of the ward details. */
  async function wardClearOfDetails(page: Page): Promise<number> {
    return page.evaluate(() => {
      const halo = document.querySelector('path[stroke="#ffffff"][stroke-width="8"]');
      const details = document.getElementById('crime-map-ward');
      const map = document.querySelector('.crime-map__map');
      if (!(halo instanceof SVGPathElement) || details === null || map === null) return -1;
      const w = halo.getBoundingClientRect();
      const d = details.getBoundingClientRect();
      const m = map.getBoundingClientRect();
      // The ward's box within the map, and the part of it left of the details.
      const left = Math.max(w.left, m.left);
      const right = Math.min(w.right, m.right);
      const clear = Math.min(right, d.left) - left;
      return right > left ? Math.max(0, clear) / (right - left) : 0;
    });
  }

  it('is brought out from under its details on a desktop, wherever it lies', async () => {
    // The wards furthest east: at the district's fitted view they lie under the details.
    const east = ['wetherby', 'harewood', 'garforth-and-swillington'].filter((slug) =>
      site.wards.some((w) => w.slug === slug),
    );
    expect(east.length).toBeGreaterThan(0);
    for (const slug of east) {
      const { page } = await openMap('desktop', '?view=wards');
      const ward = site.wards.find((w) => w.slug === slug)!;
      const view = await mapView(page);
      await page.getByRole('button', { name: /^Show all \d+ wards$/ }).click();
      const before = await historyLength(page);
      await page.getByRole('button', { name: ward.name, exact: true }).click();
      await page.waitForSelector('#crime-map-ward');
      await page.waitForFunction(() =>
        document.querySelector('path[stroke="#ffffff"][stroke-width="8"]'),
      );
      expect(await wardClearOfDetails(page), slug).toBeGreaterThan(0.5);
      // The move is part of the pick: kept in the address, in the pick's one history entry.
      await waitForHistory(page);
      expect((await currentQuery(page)).get('c'), slug).not.toBeNull();
      expect(await mapView(page), slug).not.toBe(view);
      expect(await historyLength(page), slug).toBe(before + 1);
      // Back undoes both: no ward, the view as it was (to a pixel: about 0.0003° at zoom 11).
      await page.goBack();
      await page.waitForSelector('#crime-map-ward', { state: 'detached' });
      const [lat0, lon0, z0] = (view ?? '').split(',').map(Number);
      await page.waitForFunction(
        ([lat, lon, z]) => {
          const shown = document.querySelector('.crime-map')?.getAttribute('data-view') ?? '';
          const [a, b, c] = shown.split(',').map(Number);
          return c === z && Math.abs(a! - lat!) < 0.001 && Math.abs(b! - lon!) < 0.001;
        },
        [lat0, lon0, z0],
      );
      expect((await currentQuery(page)).get('c'), slug).toBeNull();
    }
  });

  it('already clear of its details leaves the view as it was', async () => {
    const { page } = await openMap('desktop', '?view=wards');
    const view = await mapView(page);
    const armley = site.wards.find((w) => w.slug === 'armley')!;
    await page.getByRole('button', { name: /^Show all \d+ wards$/ }).click();
    await page.getByRole('button', { name: armley.name, exact: true }).click();
    await page.waitForSelector('#crime-map-ward');
    await waitForHistory(page);
    expect(await wardClearOfDetails(page)).toBeGreaterThan(0.9);
    expect(await mapView(page)).toBe(view);
    expect((await currentQuery(page)).get('c')).toBeNull();
  });

  it("opened from a shared link keeps the link's view", async () => {
    const { page } = await openMap('desktop', '?view=wards&ward=wetherby');
    await page.waitForSelector('#crime-map-ward');
    expect((await currentQuery(page)).get('c')).toBeNull();
  });
});

describe('the legend on a phone or a tablet', () => {
  /**
   * The wards whose outline is not wholly in sight at load: cut off by the map's edges, or
   * with a part behind the legend (their boxes overlap), each described for the message.
   */
  async function wardsOutOfSight(page: Page): Promise<string[]> {
    return page.evaluate(() => {
      const map = document.querySelector('.crime-map__map')?.getBoundingClientRect();
      const legend = document.querySelector('.crime-map__legend')?.getBoundingClientRect();
      if (map === undefined || legend === undefined) return ['no map or no legend'];
      const paths = document.querySelectorAll('.leaflet-overlay-pane path');
      if (paths.length === 0) return ['no ward outlines'];
      const out: string[] = [];
      paths.forEach((path, i) => {
        const w = path.getBoundingClientRect();
        const cut =
          w.top < map.top || w.left < map.left || w.bottom > map.bottom || w.right > map.right;
        const under =
          Math.min(w.right, legend.right) - Math.max(w.left, legend.left) > 0.5 &&
          Math.min(w.bottom, legend.bottom) - Math.max(w.top, legend.top) > 0.5;
        if (cut || under) {
          out.push(
            `ward ${i} at ${w.left.toFixed(0)},${w.top.toFixed(0)}: ${cut ? 'cut off' : 'under the legend'}`,
          );
        }
      });
      return out;
    });
  }

  it.each([
    [390, 844],
    [360, 740],
    [768, 1024],
  ])(
    'at %i x %i leaves every ward of the district in sight, by crimes and by rate',
    async (width, height) => {
      for (const query of ['?view=wards', '?view=wards&measure=rate']) {
        const opened = await openPage(pages.browser(), `/${query}`, {
          viewport: { width, height },
        });
        try {
          await waitForMap(opened.page);
          expect(await wardsOutOfSight(opened.page), `${width} x ${height}, ${query}`).toEqual([]);
          await saveScreenshot(opened.page, `legend-${width}x${height}-${query.slice(-4)}`, {
            fullPage: false,
          });
        } finally {
          await opened.context.close();
        }
      }
    },
  );
});

describe('the rate legend on a phone', () => {
  it('gives what the rates divide by in one line, opened at will', async () => {
    const { page } = await openMap('phone', '?view=wards&measure=rate&cc=1');
    const legend = page.locator('.crime-map__legend');
    expect(await legend.locator('#crime-map-rate-caveat').isVisible()).toBe(false);
    // The summary (the wide screen's link to the side panel's note, hidden here, says the same).
    const summary = legend.locator('summary', { hasText: 'What the rates divide by' });
    expect(await summary.isVisible()).toBe(true);
    await summary.click();
    const text = legend.locator('details p');
    expect(await text.isVisible()).toBe(true);
    expect(await text.textContent()).toMatch(
      /^Rates divide by residents \(Census 2021 usual residents, .*\), without the city centre's residents/,
    );
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('says which places the heatmap hides, and gives what its colours show in one line', async () => {
    const noun = countedNoun(site.crimeTypes);
    for (const [min, hidden] of [
      ['3', `Places with under 3 ${noun} are hidden.`],
      ['10', `Places with under 10 ${noun} are hidden.`],
      ['1', null],
    ] as const) {
      const { page } = await openMap('phone', `?min=${min}`);
      const legend = page.getByRole('group', { name: `Legend: density of ${noun}` });
      // Seen and read out: on a phone the threshold's control is in the closed sheet.
      if (hidden === null) {
        expect(await legend.textContent(), min).not.toMatch(/hidden/);
      } else {
        expect(await legend.getByText(hidden).isVisible(), min).toBe(true);
        expect(await legend.ariaSnapshot(), min).toContain(hidden);
      }
      const summary = legend.locator('summary', { hasText: 'What the colours show' });
      expect(await summary.isVisible(), min).toBe(true);
      await summary.click();
      expect(await legend.locator('details p').isVisible(), min).toBe(true);
      expect(await legend.locator('details p').textContent(), min).toMatch(
        /^Relative to the busiest place in Leeds for the chosen types and months, wherever the map is\./,
      );
    }
  });

  it('reads out the figures whole, once, when a run of changes settles', async () => {
    const { page } = await openMap('desktop');
    const status = page.locator('#crime-map-status');
    expect(await status.getAttribute('role')).toBe('status');
    expect(await status.getAttribute('aria-atomic')).toBe('true');
    // The figures shown are not a live region of their own: they would be read at every step.
    expect(await page.locator('.crime-map__figures').getAttribute('aria-live')).toBeNull();
    // Nothing is announced when the map opens: the figures are read with the page.
    await page.waitForTimeout(ANNOUNCE_AFTER_MS + 200);
    expect(await status.textContent()).toBe('');
    await page.evaluate(() => {
      const target = document.querySelector('#crime-map-status') as Element;
      const w = window as unknown as { announced: string[]; keys: number[] };
      w.announced = [];
      // When each key reached the page: a machine busy enough to hold one back longer than
      // the figures take to settle makes two runs of changes, each rightly announced.
      w.keys = [];
      document.addEventListener('keydown', () => w.keys.push(performance.now()), true);
      // What a screen reader hears: each change of the status's words.
      let last = target.textContent ?? '';
      new MutationObserver(() => {
        if ((target.textContent ?? '') !== last)
          w.announced.push((last = target.textContent ?? ''));
      }).observe(target, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    const handle = page.getByRole('slider', { name: 'First month' });
    await handle.focus();
    const third = addMonths(site.months[0] ?? '', 3);
    await pressInARun(page, 'ArrowRight', 3, (url) => url.searchParams.get('from') === third);
    await page.waitForFunction(
      () => (window as unknown as { announced: string[] }).announced.length > 0,
    );
    await page.waitForTimeout(ANNOUNCE_AFTER_MS + 200);
    const { announced, keys } = await page.evaluate(() => {
      const w = window as unknown as { announced: string[]; keys: number[] };
      return { announced: w.announced, keys: w.keys };
    });
    expect(keys).toHaveLength(3);
    const runs = 1 + keys.slice(1).filter((at, i) => at - keys[i]! >= ANNOUNCE_AFTER_MS).length;
    // Worked out from the site data: the window's crimes, months and gaps, in two sentences.
    const latest = site.months.at(-1) ?? '';
    const inWindow = site.months.filter((m) => m >= third);
    const total = site.counts
      .flatMap((byMonth) => inWindow.map((m) => byMonth[site.months.indexOf(m)] ?? []))
      .flat()
      .reduce((a, b) => a + b, 0);
    const months = monthCount(third, latest);
    const gaps = months - inWindow.length;
    // One announcement for a run of changes; keys held back by a busy machine may make more
    // runs, each announced when its figures settle, but never more than one per run (a key
    // held back just under the wait after the figures changed leaves the runs one), the last
    // of them the figures the run settled on.
    expect(announced.length).toBeGreaterThanOrEqual(1);
    expect(announced.length).toBeLessThanOrEqual(runs);
    expect(announced.at(-1)).toEqual(
      `${total.toLocaleString('en-GB')} crimes and anti-social behaviour incidents in Leeds. ` +
        `${shortMonth(third)} – ${shortMonth(latest)}: ${months} months, ${inWindow.length} with data; ` +
        `${gaps} of them without data are left out, not counted as zero.`,
    );
    // The announcement counts the months without data; the figures shown name them, which a
    // screen reader reaches there without hearing a list of months at every change.
    const gapMonths = monthRange(third, latest).filter((m) => !site.months.includes(m));
    expect(gapMonths).toHaveLength(gaps);
    expect(await page.textContent('#crime-map-coverage')).toContain(
      `${gaps} of them without data (${describeMonths(gapMonths)}) are left out`,
    );
  });
});

describe('the figures read out on a phone', () => {
  it("are read out after Back and Forward with the filters closed, and under a ward's details, once each", async () => {
    const months = { from: site.months[0] ?? '', to: site.months.at(-1) ?? '' };
    const all = expectedFromSiteData(site, months).total;
    const withoutCentre = expectedFromMapEntries(await readBuiltMapData(), {
      ...months,
      excludeCityCentre: true,
    }).total;
    expect(withoutCentre).toBeLessThan(all);
    const { page } = await openMap('phone');
    // What a screen reader can hear: a status in the accessibility tree (not in a hidden part
    // of the page) that gives the total.
    const heard = (total: number) =>
      page
        .getByRole('status')
        .filter({ hasText: `${total.toLocaleString('en-GB')} crimes and anti-social behaviour` });
    const expectHeard = async (total: number, when: string) =>
      expect.poll(() => heard(total).count(), { message: when, timeout: 5_000 }).toBe(1);
    // The figures the map opens with are read with the page, not announced.
    await page.waitForTimeout(ANNOUNCE_AFTER_MS + 200);
    expect(await heard(all).count()).toBe(0);

    await openPanel(page, 'phone');
    await afterUpdate(page, () => page.getByRole('switch', { name: /^Exclude/ }).check());
    await waitForHistory(page);
    await expectHeard(withoutCentre, 'the switch, filters open');
    await page.getByRole('button', { name: 'Hide filters and figures' }).click();
    expect(await page.getAttribute('.crime-map', 'data-panel')).toBe('closed');

    await afterUpdate(page, async () => void (await page.goBack()));
    await expectHeard(all, 'Back, filters closed');
    await afterUpdate(page, async () => void (await page.goForward()));
    await expectHeard(withoutCentre, 'Forward, filters closed');

    // A ward's details cover the filters: a change that comes with them is read out too.
    await openPanel(page, 'phone');
    const first = page.locator('.crime-map__ward-button').first();
    await afterUpdate(page, () => first.click());
    await page.waitForSelector('#crime-map-ward');
    await waitForHistory(page);
    await afterUpdate(page, () => page.evaluate(() => window.history.go(-2)));
    await page.waitForSelector('#crime-map-ward', { state: 'detached' });
    await expectHeard(all, 'two steps back, no ward');
    await afterUpdate(page, () => page.evaluate(() => window.history.go(2)));
    await page.waitForSelector('#crime-map-ward');
    await expectHeard(withoutCentre, "two steps forward, under the ward's details");
  });
});

describe('map page on a phone', () => {
  /**
   * Tab through `stops` focus stops; each focused element that a bottom sheet (the filters'
   * bar or sheet, the ward details) hides, described. Small controls must be wholly above the
   * sheets that do not hold them; a large one (the map) must show its top.
   */
  async function focusHidden(page: Page, stops: number): Promise<string[]> {
    const hidden: string[] = [];
    for (let i = 0; i < stops; i++) {
      await page.keyboard.press('Tab');
      const found = await page.evaluate(() => {
        const active = document.activeElement;
        if (active === null || active === document.body) return null;
        const r = active.getBoundingClientRect();
        const covering = ['#crime-map-ward', '.crime-map__panel']
          .map((s) => document.querySelector(s))
          .filter((sheet): sheet is Element => sheet !== null && !sheet.contains(active))
          .filter((sheet) => getComputedStyle(sheet).visibility !== 'hidden')
          .map((sheet) => sheet.getBoundingClientRect())
          .filter(
            (b) => b.height > 0 && (r.height < 100 ? r.bottom > b.top + 0.5 : r.top >= b.top),
          );
        return covering.length === 0
          ? null
          : `${active.tagName.toLowerCase()} "${(active.textContent ?? '').trim().slice(0, 30)}" ` +
              `at ${r.top.toFixed(0)}-${r.bottom.toFixed(0)}, under a sheet from ${covering[0]?.top.toFixed(0)}`;
      });
      if (found !== null) hidden.push(found);
    }
    return hidden;
  }

  it.each([
    [390, 844],
    [360, 740],
    [320, 568],
  ])(
    'at %i x %i shows the legend and the map attribution above the bar at load',
    async (width, height) => {
      for (const query of ['?view=wards&measure=rate', '']) {
        const opened = await openPage(pages.browser(), `/${query}`, {
          viewport: { width, height },
        });
        try {
          await waitForMap(opened.page);
          const covered = await opened.page.evaluate(() => {
            const bar = document.querySelector('.crime-map__panel')?.getBoundingClientRect();
            if (bar === undefined) return ['no bar'];
            return ['.crime-map__legend', '.leaflet-control-attribution', '.leaflet-control-zoom']
              .map((s) => [s, document.querySelector(s)?.getBoundingClientRect()] as const)
              .filter(([, r]) => r === undefined || r.bottom > bar.top + 0.5)
              .map(([s, r]) => `${s} to ${r?.bottom.toFixed(0)}, bar from ${bar.top.toFixed(0)}`);
          });
          expect(covered, query).toEqual([]);
        } finally {
          await opened.context.close();
        }
      }
    },
  );

  it('scrolls whatever takes focus above the bottom sheets, and the covered filters out of reach', async () => {
    const { page } = await openMap('phone');
    await page.focus('.crime-map__map');
    expect(await focusHidden(page, 30), 'filters closed').toEqual([]);
    await page.getByRole('button', { name: 'Filters and figures' }).click();
    await page.focus('.crime-map__map');
    expect(await focusHidden(page, 60), 'filters open').toEqual([]);
    const ward = page.locator('.crime-map__ward-button').first();
    await afterUpdate(page, () => ward.click());
    await page.focus('#crime-map-ward h2');
    expect(await focusHidden(page, 30), 'ward open').toEqual([]);
    // Closed, the ward hands focus back to its button, in the filters shown again.
    await page.focus('#crime-map-ward h2');
    await afterUpdate(page, () => page.keyboard.press('Escape'));
    expect(
      await page.evaluate(() => document.activeElement?.matches('.crime-map__ward-button')),
    ).toBe(true);
    expect(
      await page.locator('.crime-map__panel').evaluate((el) => getComputedStyle(el).visibility),
    ).toBe('visible');
  });
});

/**
 * Every page of the built site, each loaded in turn in one page of `viewport`'s size (map
 * tiles refused, as offline) and given to `visit`.
 */
async function visitEveryPage(
  viewport: { width: number; height: number },
  visit: (page: Page, path: string) => Promise<void>,
): Promise<void> {
  const paths = (await readdir('dist', { recursive: true }))
    .filter((f) => f.endsWith('index.html') || f === '404.html')
    .map((f) => `/${f.replace(/index\.html$/, '')}`);
  expect(paths.length).toBeGreaterThan(30);
  const context = await pages.browser().newContext({ viewport });
  await context.route('https://tile.openstreetmap.org/**', (r) => r.abort());
  try {
    const page = await context.newPage();
    for (const path of paths) {
      await page.goto(new URL(path, siteUrl()).href);
      if (path === '/') await waitForMap(page);
      await visit(page, path);
    }
  } finally {
    await context.close();
  }
}

/** The page's width when it is wider than the screen (it scrolls sideways), else null. */
async function overflowWidth(page: Page): Promise<number | null> {
  return page.evaluate(() => {
    const width = document.documentElement.scrollWidth;
    return width > window.innerWidth ? width : null;
  });
}

describe('every page at 320 px', () => {
  it('reflows with no horizontal scrolling, as at 400% zoom on a 1280 px screen', async () => {
    const overflowing: string[] = [];
    await visitEveryPage({ width: 320, height: 640 }, async (page, path) => {
      const width = await overflowWidth(page);
      if (width !== null) overflowing.push(`${path}: ${width} px`);
    });
    expect(overflowing).toEqual([]);
  }, 240_000);
});

describe('every page at 390 px', () => {
  it('has no horizontal overflow, no word broken across lines, and chart text of at least 10 px, none cut off', async () => {
    const overflowing: string[] = [];
    const broken: string[] = [];
    const small: string[] = [];
    const cut: string[] = [];
    await visitEveryPage(SIZES.phone, async (page, path) => {
      const width = await overflowWidth(page);
      if (width !== null) overflowing.push(`${path}: ${width} px`);
      for (const word of await wordsBroken(page, 'main')) broken.push(`${path}: ${word}`);
      // Each chart's axis text as shown (its size in the drawing, scaled to the screen), and
      // each label past the chart's edge, which cuts it off unless the chart lets it show, or
      // past the screen's, which cuts it off either way.
      const charts = await page.$$eval('figure.chart svg', (svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect();
          const scale = box.width / ((svg as SVGSVGElement).viewBox.baseVal.width || 1);
          const first = svg.querySelector('.axis text');
          const shown = getComputedStyle(svg).overflow === 'visible';
          const cut = [...svg.querySelectorAll('.axis text')]
            .filter((text) => {
              const r = text.getBoundingClientRect();
              const pastChart = r.left < box.left - 0.5 || r.right > box.right + 0.5;
              return (pastChart && !shown) || r.left < 0 || r.right > window.innerWidth;
            })
            .map((text) => text.textContent ?? '');
          const px =
            first === null ? Infinity : parseFloat(getComputedStyle(first).fontSize) * scale;
          return { px, cut };
        }),
      );
      const sizes = charts.map((c) => c.px);
      if (sizes.some((px) => px < 10)) small.push(`${path}: ${Math.min(...sizes).toFixed(1)} px`);
      for (const label of charts.flatMap((c) => c.cut)) cut.push(`${path}: "${label}"`);
    });
    expect(overflowing).toEqual([]);
    expect(broken).toEqual([]);
    expect(small).toEqual([]);
    expect(cut).toEqual([]);
  }, 240_000);
});

describe('the map controls as targets for a finger or a pointer', () => {
  /**
   * Each control of the map island smaller than 24 x 24 px (WCAG 2.5.8), described: buttons,
   * fields (a checkbox or radio with the label that wraps it, which takes the same click),
   * summaries, slider handles and links, in every state the controls are shown in. Leaflet's
   * credits are left out: they are links within a sentence, which the criterion excepts.
   */
  async function smallTargets(page: Page): Promise<string[]> {
    return page.evaluate(() => {
      const controls = document.querySelectorAll(
        '.crime-map :is(a, button, input, select, summary, [role="slider"])',
      );
      return [...controls]
        .filter((el) => el.closest('.leaflet-control-attribution') === null)
        .map((el) => ({ el, box: (el.closest('label') ?? el).getBoundingClientRect() }))
        .filter(({ box }) => box.width > 0 && box.height > 0)
        .filter(({ box }) => box.width < 23.5 || box.height < 23.5)
        .map(({ el, box }) => {
          const label = el instanceof HTMLInputElement ? el.labels?.[0]?.textContent : null;
          const name = el.getAttribute('aria-label') ?? label;
          return `${el.tagName.toLowerCase()} "${(name ?? el.textContent ?? '').trim().slice(0, 40)}" ${box.width.toFixed(0)} x ${box.height.toFixed(0)}`;
        });
    });
  }

  it.each(['phone', 'desktop'] as const)(
    'are at least 24 px wide and high on a %s: filters, heat controls, ranking and ward details',
    async (size) => {
      const { page } = await openMap(size);
      await openPanel(page, size);
      const small = await smallTargets(page);
      await afterUpdate(page, () => page.getByRole('radio', { name: /by ward$/ }).check());
      await afterUpdate(page, () => page.getByRole('radio', { name: /per 1,000/ }).check());
      await page.getByRole('button', { name: /^Show all/ }).click();
      small.push(...(await smallTargets(page)));
      // The ward with the shortest name, whose links and buttons take one line.
      const ward = site.wards.reduce((a, b) => (b.name.length < a.name.length ? b : a));
      await afterUpdate(page, () =>
        page.locator('#crime-map-ranking').getByRole('button', { name: ward.name }).click(),
      );
      await page.$$eval('.crime-map details', (all) =>
        all.forEach((d) => ((d as HTMLDetailsElement).open = true)),
      );
      small.push(...(await smallTargets(page)));
      expect([...new Set(small)]).toEqual([]);
    },
  );
});
