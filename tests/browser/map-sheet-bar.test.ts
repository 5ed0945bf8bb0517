// The filters' bar on a phone: a sheet fixed to the bottom of the screen, its button and a
// summary of the window and figures, as tall as the summary's lines make it. The page keeps
// room for it wherever it is: above it the map's foot (legend, attribution) at load, the page's
// end, and a control that takes focus (WCAG 2.4.11, focus not obscured). Here with the
// committed sample data and its longest summary, a window that names its months without data.
// Opened on a phone zoomed in (its text at 150% or 200%, so fewer CSS px across and down), the
// sheet still gives its controls room enough to use (WCAG 1.4.4 and 1.4.10).
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import type { MapData } from '../../src/shared/map-data.ts';
import { describeMonths, shortMonth } from '../../src/shared/months.ts';
import { browserPages, saveScreenshot } from './support.ts';
import { afterUpdate, readBuiltMapData, waitForMap } from './map-page.ts';

// Several pages at three sizes, each tabbed through, on a busy shared machine.
vi.setConfig({ testTimeout: 90_000 });

const PHONES = [
  { width: 390, height: 844 },
  { width: 360, height: 740 },
  { width: 320, height: 568 },
] as const;

/**
 * A 390 x 844 phone zoomed to 200%, 150% and about 122%: the screen in CSS px. On the first the
 * bar's summary takes five lines.
 */
const ZOOMED_PHONES = [
  { width: 195, height: 422 },
  { width: 260, height: 563 },
  { width: 320, height: 693 },
] as const;

/** The page's rem, in CSS px: the browser's default font size, which zoom does not change. */
const REM_PX = 16;

/**
 * The open sheet's height (crime-map.css, --sheet-filters): 60% of the screen, but up to 28rem
 * where that is less, as long as 6rem of the page stays in sight above it.
 */
function openSheetHeight(viewport: { height: number }): number {
  return Math.max(viewport.height * 0.6, Math.min(28 * REM_PX, viewport.height - 6 * REM_PX));
}

/** Chrome's "Large" default font size, in CSS px. */
const LARGE_TEXT_PX = 20;

/** The file's browser, and the pages each test opens, closed after it. */
const pages = browserPages();
let mapData: MapData;

beforeAll(async () => {
  mapData = await readBuiltMapData();
});

/**
 * The window of every month the built map data covers, and what the bar says of it: the
 * months without data, named (the sample data has some, in the middle of its months).
 */
function gapWindow(): { query: string; says: string } {
  const first = mapData.months[0] ?? '';
  const last = mapData.months.at(-1) ?? '';
  const gaps = mapData.months.filter((_, m) => !mapData.hasData[m]);
  expect(gaps.length).toBeGreaterThan(0);
  return {
    query: `?from=${first}&to=${last}`,
    says: `${shortMonth(first)} – ${shortMonth(last)}, no data for ${describeMonths(gaps)}`,
  };
}

async function openMap(query: string, viewport: { width: number; height: number }) {
  const o = await pages.open(`/${query}`, { viewport });
  await waitForMap(o.page);
  return o.page;
}

interface Room {
  /** The bar (the closed panel) from the screen's top, and its height, in CSS px. */
  barTop: number;
  barHeight: number;
  /** The room the page keeps for it: at its end, and under a control scrolled into view. */
  bodyPadding: number;
  scrollPadding: number;
  /** What the bar covers of the map's foot at load, described. */
  covered: string[];
  /** The page's width when it scrolls sideways, else null. */
  overflow: number | null;
}

/** The bar and the room kept for it, as painted (after the next two frames). */
async function room(page: Page): Promise<Room> {
  await page.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
  );
  return page.evaluate(() => {
    const bar = document.querySelector('.crime-map__panel')?.getBoundingClientRect();
    if (bar === undefined) throw new Error('The page has no .crime-map__panel');
    const covered = ['.crime-map__legend', '.leaflet-control-attribution']
      .map((s) => [s, document.querySelector(s)?.getBoundingClientRect()] as const)
      .filter(([, r]) => r === undefined || r.bottom > bar.top + 0.5)
      .map(([s, r]) => `${s} to ${r?.bottom.toFixed(1)}, bar from ${bar.top.toFixed(1)}`);
    const width = document.documentElement.scrollWidth;
    return {
      barTop: bar.top,
      barHeight: bar.height,
      bodyPadding: parseFloat(getComputedStyle(document.body).paddingBottom),
      scrollPadding: parseFloat(getComputedStyle(document.documentElement).scrollPaddingBottom),
      covered,
      overflow: width > window.innerWidth ? width : null,
    };
  });
}

/** How far the page's last box (the footer) ends below the bar's top, scrolled to its end. */
async function endUnderBar(page: Page): Promise<number> {
  return page.evaluate(() => {
    window.scrollTo(0, document.documentElement.scrollHeight);
    const bar = document.querySelector('.crime-map__panel')?.getBoundingClientRect();
    const end = document.querySelector('.site-footer')?.getBoundingClientRect();
    if (bar === undefined || end === undefined) throw new Error('No bar or no footer');
    return end.bottom - bar.top;
  });
}

/**
 * From the page's top, Tab through every control after the map (the summary's links and its
 * table's scroll box, the footer's), to the page's last; each that is not wholly in sight above
 * the bar, with its focus outline (or, taller than the room there, whose top is not), described. Returns the descriptions and how many controls were reached.
 */
async function tabToTheEnd(page: Page): Promise<{ hidden: string[]; reached: number }> {
  const count = await page.evaluate(() => {
    const focusable = [
      ...document.querySelectorAll<HTMLElement>('a[href], button, input, summary, [tabindex]'),
    ].filter((el) => el.tabIndex >= 0 && el.checkVisibility());
    const after = focusable.filter((el) => el.closest('.leeds-summary, .site-footer') !== null);
    const before = focusable[focusable.indexOf(after[0]!) - 1];
    if (after.length === 0 || before === undefined) throw new Error('No controls after the map');
    after.forEach((el, i) => el.setAttribute('data-stop', String(i)));
    window.scrollTo(0, 0);
    before.focus({ preventScroll: true });
    return after.length;
  });
  const hidden: string[] = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    const problem = await page.evaluate((stop) => {
      const active = document.activeElement as HTMLElement | null;
      const name = `"${(active?.textContent ?? '').trim().slice(0, 30)}"`;
      if (active?.getAttribute('data-stop') !== String(stop)) return `${name} took focus`;
      const style = getComputedStyle(active);
      const ring =
        style.outlineStyle === 'none'
          ? 0
          : parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset);
      const r = active.getBoundingClientRect();
      const bar = document.querySelector('.crime-map__panel')?.getBoundingClientRect();
      if (bar === undefined) return 'no bar';
      // A box taller than the room above the bar (the summary table's scroll box on a short
      // screen) cannot be wholly in sight: the browser brings its top to the screen's top
      // (within a pixel, as scrolling rounds), and so must show it there.
      const inSight =
        r.height + 2 * ring > bar.top
          ? r.top >= -1 && r.top < bar.top
          : r.top - ring >= 0 && r.bottom + ring <= bar.top + 0.5;
      return inSight
        ? null
        : `${name} at ${r.top.toFixed(1)}-${r.bottom.toFixed(1)} (outline ${ring} px), bar from ${bar.top.toFixed(1)}`;
    }, i);
    if (problem !== null) hidden.push(problem);
  }
  return { hidden, reached: count };
}

describe('the filters bar on a phone', () => {
  it.each(PHONES)(
    'at $width x $height keeps the map foot, the page end and a focused control above a bar whose summary names the months without data',
    async (viewport) => {
      const gapped = gapWindow();
      const page = await openMap(gapped.query, viewport);
      expect(await page.textContent('.crime-map__bar-summary')).toContain(gapped.says);
      const shown = await room(page);
      // The summary takes lines enough to make the bar taller than its button alone.
      expect(shown.barHeight).toBeGreaterThan(80);
      expect(shown.barTop + shown.barHeight).toBeCloseTo(viewport.height, 0);
      expect(shown.covered).toEqual([]);
      expect(shown.bodyPadding).toBeGreaterThanOrEqual(shown.barHeight);
      expect(shown.scrollPadding).toBeGreaterThanOrEqual(shown.barHeight);
      expect(shown.overflow).toBeNull();
      await saveScreenshot(page, `map-sheet-bar-${viewport.width}`, { fullPage: false });

      const { hidden, reached } = await tabToTheEnd(page);
      expect(reached).toBeGreaterThan(3);
      expect(hidden).toEqual([]);
      expect(await endUnderBar(page)).toBeLessThanOrEqual(0.5);
    },
  );

  it.each(PHONES)(
    'at $width x $height follows the bar as a change of filters makes its summary longer, and keeps the open sheet as it was',
    async (viewport) => {
      const gapped = gapWindow();
      // One crime type: a short noun, so a shorter summary than the default's.
      const page = await openMap(`${gapped.query}&type=drugs`, viewport);
      const short = await room(page);
      expect(short.bodyPadding).toBeGreaterThanOrEqual(short.barHeight);

      await page.getByRole('button', { name: 'Filters and figures' }).click();
      const open = await room(page);
      // The open filters: the sheet's own height (60% of the screen, more on a short one),
      // kept as it was.
      expect(open.barHeight).toBeCloseTo(openSheetHeight(viewport), 0);
      expect(open.bodyPadding).toBeCloseTo(openSheetHeight(viewport), 0);
      expect(open.scrollPadding).toBeGreaterThanOrEqual(open.barHeight);
      // Back to every type, the summary's noun the longest: "crimes and anti-social behaviour
      // incidents".
      await afterUpdate(page, () => page.getByRole('button', { name: 'Reset the map' }).click());
      await page.getByRole('button', { name: 'Hide filters and figures' }).click();
      expect(await page.textContent('.crime-map__bar-summary')).toContain(
        `crimes and anti-social behaviour incidents, ${gapped.says}`,
      );
      const long = await room(page);
      expect(long.barHeight).toBeGreaterThan(short.barHeight);
      expect(long.covered).toEqual([]);
      expect(long.bodyPadding).toBeGreaterThanOrEqual(long.barHeight);
      expect(long.scrollPadding).toBeGreaterThanOrEqual(long.barHeight);
      expect(long.overflow).toBeNull();
      expect(await endUnderBar(page)).toBeLessThanOrEqual(0.5);
    },
  );

  it.each(PHONES)(
    "at $width x $height with the browser's text larger keeps the page end and a focused control above the taller bar",
    async (viewport) => {
      const gapped = gapWindow();
      const o = await pages.open(`/${gapped.query}`, {
        viewport,
        // Chrome's "Large" font size (20 px, where the page's rem is otherwise 16 px): the bar's
        // text takes more lines across the same screen, so the bar is more than its 7rem or so.
        beforeLoad: async (context) => {
          const session = await context.newCDPSession(context.pages()[0]!);
          await session.send('Page.setFontSizes', { fontSizes: { standard: LARGE_TEXT_PX } });
        },
      });
      await waitForMap(o.page);
      const { page } = o;
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe(
        `${LARGE_TEXT_PX}px`,
      );
      // The map's foot is not checked here: the site header takes more lines too, which the
      // map's height (from an assumed header) does not follow.
      const shown = await room(page);
      expect(shown.barHeight).toBeGreaterThan(7 * LARGE_TEXT_PX);
      expect(shown.bodyPadding).toBeGreaterThanOrEqual(shown.barHeight);
      expect(shown.scrollPadding).toBeGreaterThanOrEqual(shown.barHeight);
      expect(shown.overflow).toBeNull();
      const { hidden, reached } = await tabToTheEnd(page);
      expect(reached).toBeGreaterThan(3);
      expect(hidden).toEqual([]);
      expect(await endUnderBar(page)).toBeLessThanOrEqual(0.5);
    },
  );
});

interface SheetRoom {
  /** The open sheet's height, and the height of the box its controls scroll in, in CSS px. */
  sheet: number;
  controls: number;
  /** The box's bounds on the screen. */
  top: number;
  bottom: number;
}

async function sheetRoom(page: Page): Promise<SheetRoom> {
  await room(page);
  return page.evaluate(() => {
    const sheet = document.querySelector('.crime-map__panel');
    const body = document.querySelector('.crime-map__panel-body');
    if (sheet === null || body === null) throw new Error('No sheet or no controls');
    const box = body.getBoundingClientRect();
    return {
      sheet: sheet.getBoundingClientRect().height,
      controls: body.clientHeight,
      top: box.top,
      bottom: box.bottom,
    };
  });
}

/**
 * From the sheet's button, Tab through every control in the open sheet; each that is not
 * wholly in sight in the sheet's scrolling box and across the screen, or that a tap at its
 * centre would not reach, described. Returns the descriptions and how many were reached.
 */
async function tabThroughSheet(page: Page): Promise<{ hidden: string[]; reached: number }> {
  const count = await page.evaluate(() => {
    const controls = [
      ...document.querySelectorAll<HTMLElement>(
        '.crime-map__panel-body :is(a[href], button, input, summary, [tabindex])',
      ),
    ]
      // A group of radio buttons is one stop, its checked button.
      .filter((el) => !(el instanceof HTMLInputElement && el.type === 'radio' && !el.checked))
      .filter((el) => el.tabIndex >= 0 && el.checkVisibility());
    controls.forEach((el, i) => el.setAttribute('data-stop', String(i)));
    document.querySelector<HTMLElement>('.crime-map__panel-toggle')?.focus();
    return controls.length;
  });
  const hidden: string[] = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    const problem = await page.evaluate((stop) => {
      const active = document.activeElement as HTMLElement | null;
      const name = `"${(active?.textContent || active?.getAttribute('aria-label') || active?.tagName || '').trim().slice(0, 30)}"`;
      if (active?.getAttribute('data-stop') !== String(stop)) return `${name} took focus`;
      const r = active.getBoundingClientRect();
      const box = document.querySelector('.crime-map__panel-body')?.getBoundingClientRect();
      if (box === undefined) return 'no controls box';
      const where = `${name} at ${r.left.toFixed(1)}-${r.right.toFixed(1)} x ${r.top.toFixed(1)}-${r.bottom.toFixed(1)}`;
      if (r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) {
        return `${where}, the sheet's controls at ${box.top.toFixed(1)}-${box.bottom.toFixed(1)}`;
      }
      if (r.left < -0.5 || r.right > window.innerWidth + 0.5) return `${where}, off the screen`;
      const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
      return hit !== null && active.contains(hit) ? null : `${where}, covered by ${hit?.tagName}`;
    }, i);
    if (problem !== null) hidden.push(problem);
  }
  return { hidden, reached: count };
}

/** Whether the skip link has focus, is wholly above the screen, or wholly on it. */
async function skipLink(
  page: Page,
): Promise<{ focused: boolean; hidden: boolean; shown: boolean }> {
  await room(page);
  return page.evaluate(() => {
    const link = document.querySelector('.skip-link');
    if (link === null) throw new Error('The page has no skip link');
    const r = link.getBoundingClientRect();
    return {
      focused: document.activeElement === link,
      hidden: r.bottom <= 0,
      shown: r.top >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth,
    };
  });
}

describe('the open filters on a phone zoomed in', () => {
  it.each(ZOOMED_PHONES)(
    'at $width x $height give half the screen to the controls, each of which scrolls into view and works from the keyboard',
    async (viewport) => {
      const gapped = gapWindow();
      const page = await openMap(gapped.query, viewport);
      // The skip link, two lines tall at 195 px, wholly above the screen until it takes focus,
      // then wholly on it.
      expect(await skipLink(page)).toEqual({ focused: false, hidden: true, shown: false });
      await page.keyboard.press('Tab');
      expect(await skipLink(page)).toEqual({ focused: true, hidden: false, shown: true });
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      // Nothing on the page, the summary's table included, makes it scroll sideways.
      expect((await room(page)).overflow).toBeNull();

      await page.getByRole('button', { name: 'Filters and figures' }).click();
      const open = await sheetRoom(page);
      // Half the screen for the controls, the rest for the sheet's bar and the page above it:
      // at 60% of the screen and a bar of five lines, 65 px of 422.
      expect(open.controls).toBeGreaterThanOrEqual(viewport.height / 2);
      expect(open.sheet).toBeCloseTo(openSheetHeight(viewport), 0);
      expect(open.bottom).toBeCloseTo(viewport.height, 0);
      await saveScreenshot(page, `map-sheet-open-${viewport.width}`, { fullPage: false });

      // The crime types opened (closed at first on a phone): their boxes are controls too.
      await page.locator('.crime-map__types > summary').click();
      const { hidden, reached } = await tabThroughSheet(page);
      expect(reached).toBeGreaterThan(20);
      expect(hidden).toEqual([]);
      // The last control (the ranking's "Show all") works where Tab brought it.
      const last = page.locator('.crime-map__panel-body button[aria-controls="crime-map-ranking"]');
      await expect.poll(() => last.evaluate((el) => el === document.activeElement)).toBe(true);
      await page.keyboard.press('Enter');
      expect(await last.getAttribute('aria-expanded')).toBe('true');
      // Closed, the bar is the summary's full height again.
      await page.getByRole('button', { name: 'Hide filters and figures' }).click();
      const closed = await room(page);
      expect(closed.overflow).toBeNull();
      expect(closed.barHeight).toBeGreaterThan(80);
      expect(closed.barTop + closed.barHeight).toBeCloseTo(viewport.height, 0);
    },
  );
});

describe('the filters bar on a tablet turned from a wide screen to a narrow one', () => {
  it('keeps no side panel height for the bar, so the map under the open filters is not squeezed, and measures the bar once they close', async () => {
    const gapped = gapWindow();
    const page = await openMap(gapped.query, { width: 1280, height: 800 });
    const sheetBar = () =>
      page.evaluate(() => document.documentElement.style.getPropertyValue('--sheet-bar'));
    const mapHeight = () =>
      page.evaluate(
        () => document.querySelector('.crime-map__map')?.getBoundingClientRect().height ?? 0,
      );
    // On a wide screen the closed panel is a narrow side panel as tall as the map: no bar.
    await page.getByRole('button', { name: 'Hide filters and figures' }).click();
    await room(page);
    expect(await sheetBar()).toBe('');

    // Opened again, then the tablet turns: the open filters are the phone's sheet.
    await page.getByRole('button', { name: 'Filters and figures' }).click();
    await page.setViewportSize({ width: 768, height: 1024 });
    const open = await room(page);
    expect(open.barHeight).toBeCloseTo(1024 * 0.6, 0);
    // The map runs down under the sheet as on any narrow screen, not cut to its minimum
    // (18rem, 288 px) by a bar as tall as the side panel was.
    const underOpen = await mapHeight();
    expect(underOpen).toBeGreaterThan(1024 / 2);

    await page.getByRole('button', { name: 'Hide filters and figures' }).click();
    const closed = await room(page);
    expect(await sheetBar()).toBe(`${Math.ceil(closed.barHeight)}px`);
    expect(closed.barTop + closed.barHeight).toBeCloseTo(1024, 0);
    expect(closed.covered).toEqual([]);
    expect(closed.bodyPadding).toBeGreaterThanOrEqual(closed.barHeight);
  });
});

describe("the filters' bar read out", () => {
  it('gives a screen reader the figures it shows while closed, and does not repeat them open', async () => {
    const { query, says } = gapWindow();
    for (const viewport of [PHONES[0], { width: 768, height: 1024 }]) {
      const page = await openMap(query, viewport);
      const panel = page.getByRole('region', { name: 'Map controls and figures' });
      const total = (await page.textContent('.crime-map__bar-summary'))?.split(' ')[0] ?? '';
      expect(total).toMatch(/^\d[\d,]*$/);
      // Closed, the bar is all there is of the panel: what it shows is read out after its button.
      const closed = await panel.ariaSnapshot();
      expect(closed, `${viewport.width} px, closed`).toContain(says);
      expect(closed, `${viewport.width} px, closed`).toContain(`${total} crimes`);
      // Open, the figures in the panel say it: the total is read once, from them.
      await page.getByRole('button', { name: 'Filters and figures' }).click();
      const open = await panel.ariaSnapshot();
      expect(open.split(total).length - 1, `${viewport.width} px, open`).toBe(1);
    }
  });
});
