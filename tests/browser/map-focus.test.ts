// Where the keyboard's focus goes on the map page when what holds it closes or goes away:
// Escape on the filters' sheet (a phone's bottom sheet) and the crime types' fold-out list;
// back or forward taking away the ranking, the heat controls or a link's notes, or opening a
// ward's details over the filters on a phone.
import { describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { browserPages } from './support.ts';
import { accessibleText, afterUpdate, waitForMap } from './map-page.ts';

// Several pages, each with a few keys pressed, on a busy shared machine.
vi.setConfig({ testTimeout: 90_000 });

const PHONE = { width: 390, height: 844 };
const TABLET = { width: 768, height: 1024 };
const DESKTOP = { width: 1280, height: 800 };

const pages = browserPages();

async function openMap(viewport: { width: number; height: number }, query = ''): Promise<Page> {
  const { page } = await pages.open(`/${query}`, { viewport });
  await waitForMap(page);
  return page;
}

/** What has focus, as a short description: its tag and its name or text. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (el === null || el === document.body) return 'body';
    const name = el.getAttribute('aria-label') ?? el.textContent?.trim() ?? '';
    return `${el.tagName.toLowerCase()} ${name}`.trim();
  });
}

const panelState = (page: Page) => page.getAttribute('.crime-map', 'data-panel');

describe('Escape on the filters sheet', () => {
  // Each: how to put focus somewhere in the open sheet.
  const places: [string, (page: Page) => Promise<void>][] = [
    ['the toggle', (page) => page.locator('.crime-map__panel-toggle').focus()],
    ['the empty place search', (page) => page.locator('#crime-map-place').focus()],
    ['a view radio', (page) => page.getByRole('radio', { name: /by ward/ }).focus()],
    ['a month handle', (page) => page.locator('.crime-map__panel [role="slider"]').first().focus()],
    ['a ward in the ranking', (page) => page.locator('.crime-map__ward-button').first().focus()],
    ['the reset button', (page) => page.getByRole('button', { name: 'Reset the map' }).focus()],
  ];

  for (const [size, viewport] of [
    ['phone', PHONE],
    ['tablet', TABLET],
  ] as const) {
    it(`closes the sheet on a ${size} from anywhere in it, focus on its toggle`, async () => {
      const page = await openMap(viewport);
      const toggle = page.locator('.crime-map__panel-toggle');
      for (const [where, focus] of places) {
        await toggle.click();
        expect(await panelState(page), where).toBe('open');
        await focus(page);
        expect(await focused(page), where).not.toBe('body');
        await page.keyboard.press('Escape');
        expect(await panelState(page), where).toBe('closed');
        expect(await toggle.getAttribute('aria-expanded'), where).toBe('false');
        expect(await focused(page), where).toBe('button Filters and figures');
        expect(await page.locator('#crime-map-panel-body').isHidden(), where).toBe(true);
      }
    });
  }

  it('clears a search field first, and closes the sheet at the next Escape', async () => {
    const page = await openMap(PHONE);
    await page.locator('.crime-map__panel-toggle').click();
    const search = page.locator('#crime-map-place');
    await search.fill('ls6');
    await page.keyboard.press('Escape');
    expect(await search.inputValue()).toBe('');
    expect(await panelState(page)).toBe('open');
    await page.keyboard.press('Escape');
    expect(await panelState(page)).toBe('closed');
    expect(await focused(page)).toBe('button Filters and figures');
  });

  it('folds the crime types away first, focus on their summary, then closes the sheet', async () => {
    const page = await openMap(PHONE);
    await page.locator('.crime-map__panel-toggle').click();
    const types = page.locator('details.crime-map__types');
    await types.locator('summary').click();
    expect(await types.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    await page.getByRole('checkbox', { name: 'Shoplifting' }).focus();
    await page.keyboard.press('Escape');
    expect(await types.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await focused(page)).toMatch(/^summary Crime types/);
    expect(await panelState(page)).toBe('open');
    await page.keyboard.press('Escape');
    expect(await panelState(page)).toBe('closed');
    expect(await focused(page)).toBe('button Filters and figures');
  });

  it('leaves the side panel of a wide screen open, and folds its crime types away', async () => {
    const page = await openMap(DESKTOP);
    expect(await panelState(page)).toBe('open');
    await page.getByRole('radio', { name: /by ward/ }).focus();
    await page.keyboard.press('Escape');
    expect(await panelState(page)).toBe('open');
    expect(await focused(page)).toMatch(/^input/);
    const types = page.locator('details.crime-map__types');
    expect(await types.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    await page.getByRole('checkbox', { name: 'Drugs' }).focus();
    await page.keyboard.press('Escape');
    expect(await types.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await focused(page)).toMatch(/^summary Crime types/);
    expect(await panelState(page)).toBe('open');
  });
});

describe("Escape on the rate legend's note on a phone", () => {
  it('folds the note away, focus on its summary, and leaves the filters closed', async () => {
    const page = await openMap(PHONE, '?view=wards&measure=rate');
    const details = page.locator('.crime-map__legend details');
    const isOpen = () => details.evaluate((d) => (d as HTMLDetailsElement).open);
    await details.locator('summary').click();
    expect(await isOpen()).toBe(true);
    await page.keyboard.press('Escape');
    expect(await isOpen()).toBe(false);
    expect(await focused(page)).toBe('summary What the rates divide by');
    expect(await panelState(page)).toBe('closed');
  });
});

describe("Escape on a link's notes", () => {
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`closes them on a ${size}, focus on the map they were over`, async () => {
      const page = await openMap(viewport, '?type=drugs,burglery&ward=nowhere');
      const before = await panelState(page);
      await page.getByRole('button', { name: 'Close notes' }).focus();
      await page.keyboard.press('Escape');
      await page.waitForSelector('#crime-map-link-notes', { state: 'detached' });
      expect(await focused(page)).toBe('div Map of Leeds');
      // Only the notes close: the filters stay as they were.
      expect(await panelState(page)).toBe(before);
    });
  }
});

describe("Escape on the ranking's whole list", () => {
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`folds it back to the top 5 on a ${size}, focus on the button that shows them all`, async () => {
      const page = await openMap(viewport);
      if (size === 'phone') await page.locator('.crime-map__panel-toggle').click();
      const rows = page.locator('#crime-map-ranking tbody tr');
      const showAll = page.getByRole('button', { name: /^Show all \d+ wards$/ });
      // From a ward past the top 5 (its button goes with the fold), from one of the top 5 and
      // from the button under the list.
      for (const [where, focus] of [
        ['the 10th ward', () => page.locator('.crime-map__ward-button').nth(9).focus()],
        ['the 1st ward', () => page.locator('.crime-map__ward-button').first().focus()],
        ['the button', () => page.getByRole('button', { name: 'Show the top 5 only' }).focus()],
      ] as const) {
        await showAll.click();
        expect(await rows.count(), where).toBeGreaterThan(5);
        await focus();
        await page.keyboard.press('Escape');
        expect(await rows.count(), where).toBe(5);
        expect(await focused(page), where).toMatch(/^button Show all \d+ wards$/);
        expect(await showAll.getAttribute('aria-expanded'), where).toBe('false');
        expect(await panelState(page), where).toBe('open');
      }
      // Folded, Escape is the sheet's again: it closes on a phone, not on a wide screen.
      await page.keyboard.press('Escape');
      expect(await panelState(page)).toBe(size === 'phone' ? 'closed' : 'open');
    });
  }
});

describe("Escape on a table folded out in a ward's details", () => {
  it('folds the table first, focus on its summary, and closes the details at the next', async () => {
    const page = await openMap(DESKTOP);
    await afterUpdate(page, () => page.locator('.crime-map__ward-button').first().click());
    const ward = page.locator('#crime-map-ward');
    for (const name of ['By crime type', 'Monthly figures']) {
      const details = ward.locator('details', { has: page.locator('summary', { hasText: name }) });
      const isOpen = () => details.evaluate((d) => (d as HTMLDetailsElement).open);
      await details.locator('summary').click();
      expect(await isOpen(), name).toBe(true);
      await page.keyboard.press('Escape');
      expect(await isOpen(), name).toBe(false);
      expect(await focused(page), name).toBe(`summary ${name}`);
      expect(await ward.count(), name).toBe(1);
    }
    await afterUpdate(page, () => page.keyboard.press('Escape'));
    expect(await ward.count()).toBe(0);
  });
});

describe('focus when back or forward takes away what had it', () => {
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`goes to the control before the ranking when back empties it, on a ${size}`, async () => {
      // No crime type chosen: nothing to rank. "All types" brings the ranking.
      const page = await openMap(viewport, '?type=');
      if (size === 'phone') {
        await page.locator('.crime-map__panel-toggle').click();
        await page.locator('details.crime-map__types summary').click();
      }
      expect(await page.locator('#crime-map-ranking').count()).toBe(0);
      for (const target of ['.crime-map__ward-button', '[aria-controls="crime-map-ranking"]']) {
        await afterUpdate(page, () => page.getByRole('button', { name: 'All types' }).click());
        await page.locator(target).first().focus();
        await afterUpdate(page, () => page.goBack().then(() => undefined));
        expect(await page.locator('#crime-map-ranking').count(), target).toBe(0);
        expect(await focused(page), target).toBe('button Reset the map');
      }
      // Forward to a view without data, and its ranking goes the same way.
      await afterUpdate(page, () => page.goForward().then(() => undefined));
      await page.locator('.crime-map__ward-button').first().focus();
      await afterUpdate(page, () => page.getByRole('button', { name: 'No types' }).click());
      await afterUpdate(page, () => page.goBack().then(() => undefined));
      await page.locator('.crime-map__ward-button').first().focus();
      await afterUpdate(page, () => page.goForward().then(() => undefined));
      expect(await page.locator('#crime-map-ranking').count()).toBe(0);
      expect(await focused(page)).toBe('button Reset the map');
    });
  }

  it('goes to the measure chosen when back takes the heat controls away', async () => {
    const page = await openMap(DESKTOP, '?view=wards');
    await afterUpdate(page, () => page.getByRole('radio', { name: /^Heatmap/ }).check());
    for (const slider of ['#crime-map-intensity', '#crime-map-threshold']) {
      await page.locator(slider).focus();
      await afterUpdate(page, () => page.goBack().then(() => undefined));
      expect(await page.locator(slider).count(), slider).toBe(0);
      expect(await focused(page), slider).toBe('input');
      expect(
        await page.evaluate(() => (document.activeElement as HTMLInputElement).value),
        slider,
      ).toBe('count');
      await afterUpdate(page, () => page.goForward().then(() => undefined));
    }
  });

  it("goes to the map when back takes the rate legend's note away, on a phone", async () => {
    const page = await openMap(PHONE, '?view=wards');
    await page.locator('.crime-map__panel-toggle').click();
    await afterUpdate(page, () => page.getByRole('radio', { name: /per 1,000 residents/ }).check());
    await page.locator('.crime-map__panel-toggle').click();
    await page.locator('.crime-map__legend summary').focus();
    await afterUpdate(page, () => page.goBack().then(() => undefined));
    expect(await page.locator('.crime-map__legend summary').count()).toBe(0);
    expect(await focused(page)).toMatch(/^div Map of /);
  });

  it("goes to the map when back closes a link's notes that had it", async () => {
    const page = await openMap(DESKTOP, '?type=drugs,burglery');
    await afterUpdate(page, () => page.getByRole('checkbox', { name: 'Shoplifting' }).check());
    await page.getByRole('button', { name: 'Close notes' }).focus();
    await afterUpdate(page, () => page.goBack().then(() => undefined));
    expect(await page.locator('#crime-map-link-notes').count()).toBe(0);
    // The map the notes were over, as when they close by their button.
    expect(await focused(page)).toMatch(/^div Map of /);
  });

  it("goes to the map's box when a link's notes close over a map that could not be drawn", async () => {
    const { page } = await pages.open('/?ward=nowhere', {
      viewport: DESKTOP,
      routes: [{ pattern: '**/_astro/leaflet-heat*.js', status: 404, body: 'gone' }],
    });
    await page.waitForSelector('.crime-map__error[role="alert"]');
    expect((await accessibleText(page, '.crime-map__map')).description).toMatch(
      /could not be drawn/,
    );
    for (const key of ['Enter', ' ']) {
      // Opened afresh: the address the map replaced no longer has the note's ward.
      await page.goto(new URL('/?ward=nowhere', page.url()).href);
      await page.waitForSelector('.crime-map__error[role="alert"]');
      await page.getByRole('button', { name: 'Close notes' }).focus();
      await page.keyboard.press(key);
      await page.waitForSelector('#crime-map-link-notes', { state: 'detached' });
      expect(await page.evaluate(() => document.activeElement?.className), key).toBe(
        'crime-map__map',
      );
    }
  });
});

describe("focus when back or forward opens a ward's details over it", () => {
  /** Wait until the ward's details are there (or gone) and the address has been written. */
  async function settled(page: Page, open: boolean): Promise<void> {
    await page.waitForSelector('#crime-map-ward', { state: open ? 'attached' : 'detached' });
    await page.waitForFunction(
      () => !document.querySelector('.crime-map')?.hasAttribute('data-history'),
    );
  }

  /** What has focus once the browser has drawn the page (it moves focus off what it hides). */
  const focusedWhenDrawn = (page: Page) =>
    page
      .evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 50))))
      .then(() => focused(page));

  for (const [size, viewport] of [
    ['phone', PHONE],
    ['tablet', TABLET],
  ] as const) {
    it(`goes to their heading when they cover the filters that had it, on a ${size}`, async () => {
      const page = await openMap(viewport, '?view=wards');
      await page.locator('.crime-map__panel-toggle').click();
      const button = page.locator('.crime-map__ward-button').first();
      const ward = (await button.textContent()) ?? '';
      await button.focus();
      await page.keyboard.press('Enter');
      await settled(page, true);
      expect(await focusedWhenDrawn(page)).toBe(`h2 ${ward}`);
      await page.keyboard.press('Escape');
      await settled(page, false);
      expect(await focusedWhenDrawn(page)).toBe(`button ${ward}`);
      // Back opens the ward again over the filters, which the focus was in.
      await page.goBack();
      await settled(page, true);
      expect(await focusedWhenDrawn(page), 'back, from the ranking').toBe(`h2 ${ward}`);
      // Back closes them (they held the focus), and forward opens them over each control.
      for (const [where, control] of [
        ['the place search', page.locator('#crime-map-place')],
        ['a month handle', page.locator('.crime-map__panel [role="slider"]').first()],
        ['the reset button', page.getByRole('button', { name: 'Reset the map' })],
        ['the ranking', button],
      ] as const) {
        await page.goBack();
        await settled(page, false);
        await control.focus();
        expect(await focusedWhenDrawn(page), where).not.toBe('body');
        await page.goForward();
        await settled(page, true);
        expect(await focusedWhenDrawn(page), `forward, from ${where}`).toBe(`h2 ${ward}`);
      }
    });
  }

  it('leaves it in the side panel of a wide screen, which they do not cover', async () => {
    const page = await openMap(DESKTOP, '?view=wards');
    const button = page.locator('.crime-map__ward-button').first();
    const ward = (await button.textContent()) ?? '';
    await button.focus();
    await page.keyboard.press('Enter');
    await settled(page, true);
    await page.keyboard.press('Escape');
    await settled(page, false);
    await page.goBack();
    await settled(page, true);
    expect(await focusedWhenDrawn(page)).toBe(`button ${ward}`);
  });
});

describe('the focused map on a phone or a tablet', () => {
  it.each([
    ['phone', PHONE],
    ['tablet', TABLET],
  ] as const)(
    'shows its focus in the part in sight, tabbed to under the open filters (%s)',
    async (_, viewport) => {
      const page = await openMap(viewport);
      await page.getByRole('button', { name: 'Filters and figures' }).click();
      // The last control in the sheet, then on to the map, as the keyboard goes.
      await page.getByRole('button', { name: /^Show all \d+ wards$/ }).focus();
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('div Map of Leeds');
      // The map as the screen shows it: between the screen's top and the open sheet.
      const clip = await page.evaluate(() => {
        const map = document.querySelector('.crime-map__map')?.getBoundingClientRect();
        const sheet = document.querySelector('.crime-map__panel')?.getBoundingClientRect();
        if (map === undefined || sheet === undefined) return null;
        const top = Math.max(0, map.top);
        const bottom = Math.min(map.bottom, sheet.top, window.innerHeight);
        return { x: 0, y: top, width: window.innerWidth, height: bottom - top };
      });
      if (clip === null || clip.height < 50)
        throw new Error(`The map is not in sight: ${JSON.stringify(clip)}`);
      const withFocus = await page.screenshot({ clip });
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      const without = await page.screenshot({ clip });
      expect(withFocus.equals(without), 'the focused map looks as the map without focus').toBe(
        false,
      );
    },
  );
});

describe('a tablet turned between its wide and its narrow layout', () => {
  // The same tablet held sideways (the side panel) and upright (the bottom sheets).
  const SIDEWAYS = { width: 1180, height: 820 };
  const UPRIGHT = { width: 820, height: 1180 };

  /** Turn the tablet, and wait until the page has laid itself out again. */
  async function turn(page: Page, viewport: { width: number; height: number }): Promise<void> {
    await page.setViewportSize(viewport);
    await page.waitForFunction((width) => window.innerWidth === width, viewport.width);
    await page.evaluate(
      () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
    );
  }

  for (const [legend, query, note] of [
    ['rate', '?view=wards&measure=rate', 'What the rates divide by'],
    ['heat', '?view=heat', 'What the colours show'],
  ] as const) {
    it(`keeps focus on the ${legend} legend's note, in the form each layout shows`, async () => {
      const page = await openMap(SIDEWAYS, query);
      await page.getByRole('link', { name: note }).focus();
      await turn(page, UPRIGHT);
      expect(await focused(page), 'turned upright').toBe(`summary ${note}`);
      // Still the control a keyboard uses: Enter unfolds the note.
      await page.keyboard.press('Enter');
      expect(await page.locator('.crime-map__legend details').getAttribute('open')).toBe('');
      await turn(page, SIDEWAYS);
      expect(await focused(page), 'turned sideways again').toBe(`a ${note}`);
      // The link followed: focus on the note in the side panel, then the tablet turned.
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        () => document.activeElement?.matches('.crime-map__panel p[tabindex="-1"]') === true,
      );
      await turn(page, UPRIGHT);
      expect(await focused(page), 'turned upright from the note').toBe(`summary ${note}`);
    });
  }

  it("gives focus in the filters to the ward's details that cover them once upright", async () => {
    const page = await openMap(SIDEWAYS, '?view=wards&ward=armley');
    const ward = (await page.textContent('#crime-map-ward-name')) ?? '';
    for (const [where, control] of [
      ['a view radio', page.getByRole('radio', { name: /by ward/ })],
      ['the reset button', page.getByRole('button', { name: 'Reset the map' })],
      ['a ward in the ranking', page.locator('.crime-map__ward-button').first()],
    ] as const) {
      await turn(page, SIDEWAYS);
      await control.focus();
      await turn(page, UPRIGHT);
      expect(await focused(page), where).toBe(`h2 ${ward}`);
    }
  });

  it('leaves focus where it was on a control both layouts show', async () => {
    const page = await openMap(SIDEWAYS, '?view=wards');
    const radio = page.getByRole('radio', { name: /by ward/ });
    await radio.focus();
    await turn(page, UPRIGHT);
    expect(await radio.evaluate((el) => el === document.activeElement)).toBe(true);
  });
});
