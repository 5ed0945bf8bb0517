// The map after a run of changes shows exactly what a fresh load of its address shows: the
// figures, ranking, controls, legend, ward details, ward fills and heat picture. The island
// keeps values between changes and rebuilds only the parts a change touches; a kept value
// that missed one of its inputs would show the previous filter's figures here.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { WARM_UP_ROUNDS } from '../../src/islands/warm-up-rounds.ts';
import type { SiteData } from '../../src/shared/schema.ts';
import { launchBrowser, openPage, type OpenedPage } from './support.ts';
import { accessibleText, afterUpdate, readSiteData, waitForMap } from './map-page.ts';

// Two dozen page loads on a busy shared machine.
vi.setConfig({ testTimeout: 240_000 });

const VIEWPORT = { width: 1280, height: 800 };

let browser: Browser;
let site: SiteData;

beforeAll(async () => {
  browser = await launchBrowser();
  site = await readSiteData();
});

afterAll(async () => {
  await browser?.close();
});

/**
 * What the map shows: its text, the state of every control, the ward fills and the heat. The
 * place search is left out: what was typed there and its answer (under it, and with the ward it
 * opened) belong to the page, not to the view its address holds. (The screen readers'
 * announcement of the last change, which a fresh load makes none of, is in the island's status
 * line, outside the parts compared.)
 */
async function shown(page: Page) {
  return page.evaluate(() => {
    const text = (selector: string) => {
      const element = document.querySelector(selector)?.cloneNode(true);
      if (!(element instanceof Element)) return null;
      element.querySelector('.crime-map__search')?.remove();
      element.querySelector('#crime-map-ward-found')?.remove();
      return element.textContent?.replace(/\s+/g, ' ').trim() ?? null;
    };
    const controls = [
      ...document.querySelectorAll<HTMLInputElement>('.crime-map input:not(#crime-map-place)'),
    ].map(
      (i) =>
        `${i.id || i.name} ${i.value} ${String(i.checked)} ${i.getAttribute('aria-valuetext')}`,
    );
    const handles = [...document.querySelectorAll('.crime-map__slider .noUi-handle')].map(
      (h) => `${h.getAttribute('aria-valuenow')} ${h.getAttribute('aria-valuetext')}`,
    );
    // Keyed by outline: a selected ward's path is moved to the front, so the order differs.
    const fills = [...document.querySelectorAll('.leaflet-overlay-pane path')]
      .map((p) =>
        ['d', 'fill', 'fill-opacity', 'stroke', 'stroke-width']
          .map((a) => p.getAttribute(a))
          .join(' '),
      )
      .sort();
    const heat = document.querySelector<HTMLCanvasElement>('canvas.leaflet-heatmap-layer');
    return {
      panel: text('.crime-map__panel'),
      legend: text('.crime-map__legend'),
      ward: text('#crime-map-ward'),
      controls,
      handles,
      fills,
      heat: heat?.isConnected === true ? heat.toDataURL() : null,
    };
  });
}

/** The heat layer draws in the frame after the redraw: wait for that frame. */
async function nextFrame(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))),
  );
}

/** The first postcode of `prefix` in the committed postcode reference data. */
async function referencePostcode(prefix: string): Promise<string> {
  const csv = await readFile('data/reference/postcodes-ls.csv', 'utf8');
  const code = csv
    .split('\n')
    .map((line) => line.split(',')[0] ?? '')
    .find((c) => c.startsWith(prefix));
  if (code === undefined) throw new Error(`No ${prefix} postcode in the postcode reference data`);
  return code;
}

async function openMap(query: string): Promise<OpenedPage> {
  const opened = await openPage(browser, `/${query}`, { viewport: VIEWPORT });
  await waitForMap(opened.page);
  await nextFrame(opened.page);
  return opened;
}

describe('the map after a run of changes', () => {
  it('shows what a fresh load of its address shows, after each change', async () => {
    const ward = site.wards[3]?.slug ?? '';
    const postcode = await referencePostcode('LS6 1');
    const { page, context } = await openMap(`?view=wards&ward=${ward}`);
    const types = page.locator('.crime-map__types input[type="checkbox"]');
    const lower = page.locator('.crime-map__slider .noUi-handle').nth(0);
    const upper = page.locator('.crime-map__slider .noUi-handle').nth(1);
    const steps: [string, () => Promise<void>][] = [
      ['a type off', () => types.nth(0).click()],
      ['the first month on', () => lower.press('ArrowRight')],
      ['the city centre out', () => page.locator('#crime-map-cc').click()],
      ['rates', () => page.locator('input[name="measure"][value="rate"]').click()],
      ['the last month back', () => upper.press('ArrowLeft')],
      // The sample data has no month between 2024-03 and 2025-02.
      ['a window with no data', () => upper.press('ArrowLeft')],
      ['out of the window with no data', () => upper.press('ArrowRight')],
      ['another type off, the first on', () => types.nth(3).click()],
      ['the first type on', () => types.nth(0).click()],
      ['no types', () => page.getByRole('button', { name: 'No types' }).click()],
      ['all types', () => page.getByRole('button', { name: 'All types' }).click()],
      [
        'a postcode found',
        async () => {
          await page.getByLabel('Find a postcode or ward').fill(postcode.toLowerCase());
          await page.keyboard.press('Enter');
        },
      ],
      ['the city centre in', () => page.locator('#crime-map-cc').click()],
      ['counts', () => page.locator('input[name="measure"][value="count"]').click()],
      [
        'another ward',
        () => page.locator('.crime-map__ward-button[aria-pressed="false"]').first().click(),
      ],
      ['the heatmap', () => page.locator('input[name="view"][value="heat"]').click()],
      ['a threshold', () => page.locator('#crime-map-threshold').press('ArrowRight')],
      ['more sensitive', () => page.locator('#crime-map-intensity').press('ArrowRight')],
      ['no types on the heatmap', () => page.getByRole('button', { name: 'No types' }).click()],
      ['a type on the heatmap', () => types.nth(5).click()],
      ['all months', () => lower.press('Home')],
      ['the last month back on the heatmap', () => upper.press('ArrowLeft')],
      ['a window with no data on the heatmap', () => lower.press('ArrowRight')],
      ['back', () => page.goBack().then(() => undefined)],
      ['back again', () => page.goBack().then(() => undefined)],
      ['the threshold up again', () => page.locator('#crime-map-threshold').press('End')],
    ];
    try {
      let before = await shown(page);
      for (const [name, step] of steps) {
        await afterUpdate(page, step);
        await nextFrame(page);
        const after = await shown(page);
        // Every change showed something new.
        expect(after, `${name} changed nothing`).not.toEqual(before);
        before = after;
        if (name.startsWith('a window with no data')) expect(after.panel).toContain('No data for');
        // The map's description says when it draws nothing, and why, in either view.
        const said = (await accessibleText(page, '.crime-map__map')).description;
        if (name.startsWith('no types'))
          expect(said).toMatch(/^Nothing drawn, no crime types chosen\./);
        if (name.startsWith('a window with no data'))
          expect(said).toMatch(/^Nothing drawn, no data for /);
        if (name === 'all types') expect(said).toMatch(/^Wards coloured by /);
        // The search's answer is shown with the ward it opened.
        if (name === 'a postcode found')
          expect(await page.textContent('#crime-map-ward-found')).toContain(`${postcode} is in`);
        const fresh = await openMap(new URL(page.url()).search);
        try {
          expect(after, `after ${name} (${page.url()})`).toEqual(await shown(fresh.page));
        } finally {
          await fresh.context.close();
        }
      }
    } finally {
      await context.close();
    }
  });
});

/**
 * Holds the page's idle callbacks until the test runs them (window.__runIdle, which runs them
 * and any they ask for in turn, and says how many ran), so that what the page shows before
 * its idle work is known; and counts the pictures put on any canvas (window.__drawn).
 */
const HOLD_IDLE_WORK = `(() => {
  const held = new Map();
  let last = 0;
  window.requestIdleCallback = (run) => {
    last += 1;
    held.set(last, run);
    return last;
  };
  window.cancelIdleCallback = (id) => held.delete(id);
  window.__runIdle = () => {
    let ran = 0;
    while (held.size > 0) {
      const [id, run] = held.entries().next().value;
      held.delete(id);
      run({ didTimeout: false, timeRemaining: () => 50 });
      ran += 1;
    }
    return ran;
  };
  window.__drawn = 0;
  const put = CanvasRenderingContext2D.prototype.putImageData;
  CanvasRenderingContext2D.prototype.putImageData = function (...args) {
    window.__drawn += 1;
    return put.apply(this, args);
  };
})();`;

async function runIdleWork(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __runIdle(): number }).__runIdle());
}

/** Pictures put on a canvas since the page loaded, and the heat canvas's size. */
async function drawn(page: Page): Promise<{ pictures: number; size: string }> {
  return page.evaluate(() => {
    const heat = document.querySelector<HTMLCanvasElement>('canvas.leaflet-heatmap-layer');
    return {
      pictures: (window as unknown as { __drawn: number }).__drawn,
      size: `${heat?.width ?? 0} x ${heat?.height ?? 0}`,
    };
  });
}

/** Pan the map by an arrow key and wait for the move's end (data-view is written then). */
async function panBy(page: Page, key: string): Promise<void> {
  const view = await page.getAttribute('.crime-map', 'data-view');
  await page.keyboard.press(key);
  await page.waitForFunction(
    (before) => document.querySelector('.crime-map')?.getAttribute('data-view') !== before,
    view,
  );
  await nextFrame(page);
}

describe('the idle work after the map loads', () => {
  it('leaves the map as it was, and the heat layer its own points to redraw from', async () => {
    // A threshold: the points the heat layer draws are not the window's totals as they come,
    // so idle work that put its totals in their place would show at the next redraw.
    const address = '/?c=53.8,-1.55&z=12&min=10';
    const unthresholded = await openMap('?c=53.8,-1.55&z=12');
    const allPlaces = (await shown(unthresholded.page)).heat;
    await unthresholded.context.close();
    const { page, context, consoleErrors } = await openPage(browser, address, {
      viewport: VIEWPORT,
      beforeLoad: (c) => c.addInitScript({ content: HOLD_IDLE_WORK }),
    });
    try {
      await waitForMap(page);
      await nextFrame(page);
      const loaded = await shown(page);
      expect(loaded.heat).not.toBeNull();
      expect(loaded.heat, 'the threshold leaves places off').not.toEqual(allPlaces);
      const before = await drawn(page);
      expect(await page.getAttribute('.crime-map', 'data-history')).toBeNull();
      // Nothing else waits for idle time on a page just loaded.
      expect(await runIdleWork(page)).toBe(WARM_UP_ROUNDS);
      await nextFrame(page);
      expect(await shown(page)).toEqual(loaded);
      expect(await drawn(page)).toEqual(before);
      // A pan redraws the heat from the points the layer holds: there and back, the picture
      // is the one the load drew.
      await page.locator('.crime-map__map').focus();
      await panBy(page, 'ArrowRight');
      expect((await shown(page)).heat).not.toEqual(loaded.heat);
      await panBy(page, 'ArrowLeft');
      expect(await shown(page)).toEqual(loaded);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
