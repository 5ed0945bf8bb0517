// Links on the map page that its script follows itself (the legend's links to the side panel's
// notes) and another it shows (a ward's report): a click with a
// modifier (Ctrl or Cmd for a new tab, Shift for a new window, also with Enter) or with the
// middle button is the browser's: the page leaves it to the browser (it never calls
// preventDefault on it), and the map stays as it was.
import { describe, expect, it, vi } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { browserPages } from './support.ts';
import { waitForMap } from './map-page.ts';

// Several pages on a busy shared machine.
vi.setConfig({ testTimeout: 90_000 });

const DESKTOP = { width: 1280, height: 800 };

const pages = browserPages();

/** How a link is opened elsewhere: a click with a modifier or the middle button, or a key. */
const CLICKS: [string, (link: Locator) => Promise<void>][] = [
  ['Ctrl', (link) => link.click({ modifiers: ['Control'] })],
  ['Shift', (link) => link.click({ modifiers: ['Shift'] })],
  ['the middle button', (link) => link.click({ button: 'middle' })],
  ['Shift+Enter', (link) => link.press('Shift+Enter')],
];

/** What the map shows and where focus is, to see that a click elsewhere changed none of it. */
function mapNow(page: Page): Promise<{ url: string; panel: string | null; focus: string }> {
  return page.evaluate(() => ({
    url: location.href,
    panel: document.querySelector('.crime-map')?.getAttribute('data-panel') ?? null,
    focus: document.activeElement?.id || document.activeElement?.tagName || '',
  }));
}

describe('a link on the map clicked to open it elsewhere', () => {
  const LINKS = [
    // The legend's links, which a plain click follows to the side panel's note, the panel closed.
    {
      what: "the rate legend's note",
      query: '?view=wards&measure=rate',
      link: (page: Page) => page.locator('.crime-map__legend').getByRole('link'),
      target: '#crime-map-rate-note',
      hide: true,
    },
    {
      what: "the heat legend's note",
      query: '?view=heat',
      link: (page: Page) => page.locator('.crime-map__legend').getByRole('link'),
      target: '#crime-map-heat-note',
      hide: true,
    },
    {
      what: "a ward's report",
      query: '?ward=armley',
      link: (page: Page) => page.locator('#crime-map-ward a.crime-map__report-link'),
      target: '/wards/armley/',
      hide: false,
    },
  ];

  for (const { what, query, link, target, hide } of LINKS) {
    it(`leaves ${what} to the browser, and the map as it was`, async () => {
      const { page } = await pages.open(`/${query}`, { viewport: DESKTOP });
      await waitForMap(page);
      if (hide) await page.getByRole('button', { name: 'Hide filters and figures' }).click();
      const href = await link(page).evaluate((a) => (a as HTMLAnchorElement).href);
      // What the page does with each click event: a capture listener on the window, which runs
      // before any of the page's, keeps the browser from opening a tab (this test is about the
      // page, and a headless browser under load opens them unreliably) and notes any call the
      // page's own handlers make to preventDefault, which is how a page takes a click over.
      await page.evaluate(() => {
        const seen: { type: string; takenOver: boolean }[] = [];
        (window as unknown as { clicksSeen: typeof seen }).clicksSeen = seen;
        for (const type of ['click', 'auxclick']) {
          window.addEventListener(
            type,
            (event) => {
              const note = { type, takenOver: false };
              seen.push(note);
              event.preventDefault();
              // The page's handlers see the event as the browser gave it to them.
              Object.defineProperties(event, {
                preventDefault: {
                  value: () => {
                    note.takenOver = true;
                  },
                },
                defaultPrevented: { get: () => note.takenOver },
              });
            },
            { capture: true },
          );
        }
      });
      const seen = () =>
        page.evaluate(
          () =>
            (window as unknown as { clicksSeen: { type: string; takenOver: boolean }[] })
              .clicksSeen,
        );
      for (const [how, open] of CLICKS) {
        // A click gives the link focus, as a browser does: the test looks for any other change.
        await link(page).focus();
        const before = await mapNow(page);
        const already = (await seen()).length;
        await open(link(page));
        // Chromium fires a click for Ctrl, Shift and Shift+Enter, an auxclick for the middle
        // button: the link's, which the page leaves to the browser.
        const events = (await seen()).slice(already);
        expect(
          events.map((e) => e.type),
          how,
        ).toEqual([how === 'the middle button' ? 'auxclick' : 'click']);
        expect(
          events.filter((e) => e.takenOver),
          `${how}: the page took the click over`,
        ).toEqual([]);
        expect(await mapNow(page), how).toEqual(before);
      }
      // The link leads where the browser would open it: a note on this page, or a page that the
      // site has.
      expect(href).toBe(new URL(target, page.url()).href);
      const { hash } = new URL(href);
      if (hash) expect(await page.locator(`[id="${hash.slice(1)}"]`).count(), href).toBe(1);
      else expect((await page.request.get(href)).status(), href).toBe(200);
    });
  }

  it("still takes a plain click on the legend's link to the note in the side panel", async () => {
    const { page } = await pages.open('/?view=wards&measure=rate', { viewport: DESKTOP });
    await waitForMap(page);
    await page.getByRole('button', { name: 'Hide filters and figures' }).click();
    await page.locator('.crime-map__legend').getByRole('link').click();
    await page.waitForFunction(() => document.activeElement?.id === 'crime-map-rate-note');
    expect(await page.getAttribute('.crime-map', 'data-panel')).toBe('open');
    expect(new URL(page.url()).hash).toBe('');
  });
});
