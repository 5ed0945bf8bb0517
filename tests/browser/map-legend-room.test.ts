// The legend over the map on a wide screen, by rate, by crimes or of the heatmap, with its note
// open (in the side panel, which the legend links to): the map still shows the whole district as
// large as its box allows (the view Leaflet's fitBounds gives), and the legend's box holds the
// middle of no ward of that view.
import { readFile } from 'node:fs/promises';
import { bbox, centerOfMass } from '@turf/turf';
import type { FeatureCollection, Geometry } from 'geojson';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ZOOM_MAX, ZOOM_MIN } from '../../src/lib/map-state.ts';
import { browserPages, saveScreenshot, seriousA11yViolations } from './support.ts';
import { waitForMap } from './map-page.ts';

vi.setConfig({ testTimeout: 90_000 });

/** A laptop's screen (the side panel's layout at its narrowest), a wide laptop's, a desktop's. */
const SIZES = [
  [1024, 700],
  [1280, 800],
  [1920, 1080],
] as const;

/** The map's half zoom steps (zoomSnap in map-layers.ts). */
const ZOOM_SNAP = 0.5;
/** Leaflet's Web Mercator: the world is 256 px across at zoom 0. */
const TILE = 256;

const pages = browserPages();

interface Ward {
  name: string;
  /** The ward's centre of mass and the middle of its box, as [lon, lat]. */
  centres: [number, number][];
}
let wards: Ward[];
/** The box of every ward's outline: [west, south, east, north]. */
let district: [number, number, number, number];

beforeAll(async () => {
  const shapes = JSON.parse(
    await readFile('public/data/wards.geojson', 'utf8'),
  ) as FeatureCollection<Geometry, { name: string }>;
  wards = shapes.features.map((ward) => {
    const [w, s, e, n] = bbox(ward);
    return {
      name: ward.properties.name,
      centres: [
        centerOfMass(ward).geometry.coordinates as [number, number],
        [(w + e) / 2, (s + n) / 2],
      ],
    };
  });
  district = bbox(shapes) as [number, number, number, number];
});

/** The world pixel of [lon, lat] at `zoom`. */
function project([lon, lat]: readonly [number, number], zoom: number): [number, number] {
  const size = TILE * 2 ** zoom;
  const phi = (lat * Math.PI) / 180;
  return [
    (size * (lon + 180)) / 360,
    (size * (1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI)) / 2,
  ];
}

function unproject([x, y]: readonly [number, number], zoom: number): [number, number] {
  const size = TILE * 2 ** zoom;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / size))) * 180) / Math.PI;
  return [(x / size) * 360 - 180, lat];
}

/**
 * The view that shows the whole district in a map box of `width` x `height` px, worked out as
 * Leaflet's fitBounds does: the largest half step of zoom at which the district's box fits,
 * centred on that box.
 */
function fittedView(width: number, height: number): { lat: number; lon: number; zoom: number } {
  const [w, s, e, n] = district;
  const [x0, y0] = project([w, n], 0);
  const [x1, y1] = project([e, s], 0);
  const exact = Math.log2(Math.min(width / (x1 - x0), height / (y1 - y0)));
  // Leaflet rounds to a hundredth of a step first, then down to the step.
  const snapped = Math.round(exact / (ZOOM_SNAP / 100)) * (ZOOM_SNAP / 100);
  const zoom = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, Math.floor(snapped / ZOOM_SNAP) * ZOOM_SNAP));
  const [a, b] = [project([w, s], zoom), project([e, n], zoom)];
  const [lon, lat] = unproject([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], zoom);
  return { lat, lon, zoom };
}

/** The map's box and its view as the page reports it ("lat,lon,zoom" in data-view). */
async function shownView(page: Page) {
  return page.evaluate(() => {
    const map = document.querySelector('.crime-map__map') as HTMLElement;
    const box = map.getBoundingClientRect();
    const [lat, lon, zoom] = (document.querySelector('.crime-map')?.getAttribute('data-view') ?? '')
      .split(',')
      .map(Number);
    return {
      box: { left: box.left, top: box.top, right: box.right, bottom: box.bottom },
      // What Leaflet takes as the map's size.
      width: map.clientWidth,
      height: map.clientHeight,
      lat: lat!,
      lon: lon!,
      zoom: zoom!,
      panelRight: document.querySelector('.crime-map__panel')!.getBoundingClientRect().right,
    };
  });
}

/** Open every part of the legend that opens: its folded notes, and its links to notes. */
async function openLegendNotes(page: Page): Promise<void> {
  const legend = page.locator('.crime-map__legend');
  for (const summary of await legend.locator('details:not([open]) > summary').all()) {
    if (await summary.isVisible()) await summary.click();
  }
  for (const link of await legend.getByRole('link').all()) {
    if (await link.isVisible()) await link.click();
  }
}

/** The wards whose middle (centre of mass or middle of box) the legend's box holds. */
async function wardsUnderLegend(page: Page): Promise<string[]> {
  const view = await shownView(page);
  const legend = await page.locator('.crime-map__legend').boundingBox();
  if (legend === null) return ['the legend is not shown'];
  const middle = project([view.lon, view.lat], view.zoom);
  const under: string[] = [];
  for (const ward of wards) {
    for (const centre of ward.centres) {
      const [x, y] = project(centre, view.zoom);
      const left = view.box.left + view.width / 2 + x - middle[0];
      const top = view.box.top + view.height / 2 + y - middle[1];
      const inside =
        left >= legend.x &&
        left <= legend.x + legend.width &&
        top >= legend.y &&
        top <= legend.y + legend.height;
      if (inside) {
        under.push(`${ward.name} at ${left.toFixed(0)},${top.toFixed(0)}`);
        break;
      }
    }
  }
  return under;
}

describe('the legend over the map on a wide screen', () => {
  it.each(SIZES)(
    'at %i x %i leaves every ward middle of the fitted view in sight, its notes open',
    async (width, height) => {
      for (const query of [
        '?view=wards&measure=rate',
        '?view=wards&measure=rate&cc=1',
        '?view=wards&measure=rate&from=2025-03&to=2025-03&type=drugs',
        '?view=wards',
        // The heatmap's legend: its note, and the places its threshold hides.
        '?view=heat',
        '?view=heat&min=10',
      ]) {
        const what = `${width} x ${height}, ${query}`;
        const { page, context } = await pages.open(`/${query}`, { viewport: { width, height } });
        await waitForMap(page);
        const view = await shownView(page);
        // The map takes the whole screen right of the panel and under the header...
        expect(view.box.left, what).toBeCloseTo(view.panelRight, 0);
        expect(view.box.right, what).toBeCloseTo(width, 0);
        expect(view.box.bottom, what).toBeCloseTo(height, 0);
        // ...and shows the whole district in it as large as it fits, centred (to two pixels:
        // the page keeps the centre to 4 decimals).
        const fitted = fittedView(view.width, view.height);
        const pixel = 360 / (TILE * 2 ** fitted.zoom);
        expect(view.zoom, what).toBe(fitted.zoom);
        expect(Math.abs(view.lat - fitted.lat), what).toBeLessThan(2 * pixel);
        expect(Math.abs(view.lon - fitted.lon), what).toBeLessThan(2 * pixel);

        await openLegendNotes(page);
        const shot = await saveScreenshot(
          page,
          `legend-notes-open-${width}x${height}-${query.replace(/\W+/g, '-')}`,
          { fullPage: false },
        );
        expect(await wardsUnderLegend(page), `${what} (${shot})`).toEqual([]);
        // Opening the notes moved nothing.
        expect(await shownView(page), what).toEqual(view);
        await context.close();
      }
    },
  );
});

describe("the legend's notes on a wide screen", () => {
  /** The focused element's id, or its tag when it has none. */
  const focused = (page: Page) =>
    page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);

  /** Whether `selector`'s box is wholly within the screen and within its scrolled panel. */
  const inSight = (page: Page, selector: string) =>
    page.evaluate((s) => {
      const box = document.querySelector(s)?.getBoundingClientRect();
      const panel = document.querySelector('.crime-map__panel')?.getBoundingClientRect();
      if (box === undefined || panel === undefined || box.height === 0) return false;
      return (
        box.top >= panel.top &&
        box.bottom <= Math.min(panel.bottom, window.innerHeight) &&
        box.left >= panel.left &&
        box.right <= panel.right
      );
    }, selector);

  /** A legend's link, the note it goes to and what the note says. */
  const NOTES = [
    {
      // With the city centre left out, the note says so: it follows the filters.
      query: '?view=wards&measure=rate&cc=1',
      link: 'What the rates divide by',
      id: 'crime-map-rate-note',
      text: /^Rates divide by residents \(Census 2021 usual residents, .*\), without the city centre's residents \(postcode districts LS1 and LS2\), whose crimes are left out too\.$/,
    },
    {
      query: '?view=heat&type=drugs',
      link: 'What the colours show',
      id: 'crime-map-heat-note',
      text: /^Relative to the busiest place in Leeds for the chosen types and months, wherever the map is\. Higher sensitivity reaches the top colour with fewer crimes\.$/,
    },
  ];

  it.each([
    ['open', ''],
    ['closed', ' after the panel was hidden'],
  ])(
    'are in the side panel, whole, and the legend takes focus to each with the panel %s%s',
    async (panel) => {
      for (const [width, height] of SIZES)
        for (const note of NOTES) {
          const what = `${width} x ${height}, ${note.query}, panel ${panel}`;
          const { page } = await pages.open(`/${note.query}`, { viewport: { width, height } });
          await waitForMap(page);
          if (panel === 'closed') {
            await page.getByRole('button', { name: 'Hide filters and figures' }).click();
            expect(await page.locator(`#${note.id}`).isVisible(), what).toBe(false);
          }
          const link = page.locator('.crime-map__legend').getByRole('link', { name: note.link });
          // From the keyboard: the legend's link is reached and followed like any link.
          await link.focus();
          await page.keyboard.press('Enter');
          await page.waitForFunction((id) => document.activeElement?.id === id, note.id);
          expect(await focused(page), what).toBe(note.id);
          expect(await inSight(page, `#${note.id}`), what).toBe(true);
          expect(await page.textContent(`#${note.id}`), what).toMatch(note.text);
          // The address is the view's alone: following the link adds no #fragment to a shared link.
          expect(new URL(page.url()).hash, what).toBe('');
          expect(await seriousA11yViolations(page), what).toEqual([]);
          await page.context().close();
        }
    },
  );

  it('says what the rates divide by as the legend did, centre included, with the centre in', async () => {
    const { page } = await pages.open('/?view=wards&measure=rate', {
      viewport: { width: 1280, height: 800 },
    });
    await waitForMap(page);
    expect(await page.textContent('#crime-map-rate-note')).toMatch(
      /^Rates divide by residents \(Census 2021 usual residents, .*work in, visit and go out in the city centre \(postcode districts LS1 and LS2\).*inflated/s,
    );
    // With the wards measured by crimes there is no rate to explain, and no link to it.
    await page.getByRole('radio', { name: /^Crimes and anti-social behaviour incidents$/ }).check();
    await page.waitForSelector('#crime-map-rate-note', { state: 'detached' });
    expect(await page.locator('.crime-map__legend a').count()).toBe(0);
  });
});
