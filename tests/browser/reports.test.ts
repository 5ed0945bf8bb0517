// The ward and year reports in headless Chromium: readable without JavaScript, no console
// errors, no serious axe-core violations, tables that fit a phone or keep what has focus in
// view, and the ward table sorts (the one script they ship).
// Pages are closed, never their contexts: the single-process Chromium exits with its last context.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteData } from '../../src/shared/schema.ts';
import { changeShown, changeSortValue } from '../../src/lib/format.ts';
import { compareCounts } from '../../src/shared/rates.ts';
import {
  launchBrowser,
  openPage,
  saveScreenshot,
  seriousA11yViolations,
  siteUrl,
} from './support.ts';

const data = JSON.parse(readFileSync(path.resolve('src/data/site-data.json'), 'utf8')) as SiteData;
const ward = data.wards.find((w) => w.slug === 'little-london-and-woodhouse') ?? data.wards[0];
const year = Number(data.months.at(-1)?.slice(0, 4));
const REPORTS = ['/wards/', `/wards/${ward?.slug}/`, '/years/', `/years/${year}/`, '/about/'];
/** Pages with tables that scroll sideways in their box on a phone. */
const TABLE_PAGES = [...REPORTS, '/data/', '/changes/'];
const PHONE = { width: 390, height: 844 };
/** The pages with a table of counts by crime type drawn as bars. */
const BAR_TABLE_PAGES = [
  ...data.wards.map((w) => `/wards/${w.slug}/`),
  ...[...new Set(data.months.map((m) => m.slice(0, 4)))].map((y) => `/years/${y}/`),
];
const MONTH_NAMES = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
/** "2024-09" as the chart's x axis writes it: "Sep 2024", or "Sep" on a year's chart. */
function monthLabel(month: string, withYear: boolean): string {
  const name = MONTH_NAMES[Number(month.slice(5, 7)) - 1] ?? month;
  return withYear ? `${name} ${month.slice(0, 4)}` : name;
}
/**
 * The pages with a month-by-month chart, and the months its x axis starts and ends with: a
 * ward's runs over every month of the data; a year's over its calendar, January to December.
 */
const CHART_PAGES = [
  ...data.wards.map((w) => ({
    path: `/wards/${w.slug}/`,
    first: monthLabel(data.months[0]!, true),
    last: monthLabel(data.months.at(-1)!, true),
  })),
  ...[...new Set(data.months.map((m) => m.slice(0, 4)))].map((y) => ({
    path: `/years/${y}/`,
    first: 'Jan',
    last: 'Dec',
  })),
];
/** Pages whose tables hold links or buttons: ward links, the sort buttons, the file links. */
const FOCUS_PAGES = ['/wards/', `/years/${year}/`, '/data/'];

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('report pages in a browser', () => {
  it('a ward report reads completely with JavaScript disabled', async () => {
    const { page } = await openPage(browser, `/wards/${ward?.slug}/`, {
      javaScript: false,
    });
    expect(await page.locator('h1').textContent()).toContain(ward?.name);
    expect(await page.locator('[data-field="total"]').textContent()).toMatch(/^\d[\d,]*$/);
    expect(await page.locator('table.bar-table tbody tr').count()).toBe(data.crimeTypes.length);
    expect(await page.locator('figure.chart svg').isVisible()).toBe(true);
    expect(await page.locator('.outline svg path.ward').count()).toBe(1);
    await saveScreenshot(page, 'ward-page');
    await page.close();
  });

  it('a ward report shows its kinds of place apart from its streets with JavaScript disabled', async () => {
    const { page } = await openPage(browser, `/wards/${ward?.slug}/`, { javaScript: false });
    const kinds = page.getByRole('region', { name: /kinds of place in/ });
    expect(await kinds.locator('tbody th').allTextContents()).toEqual(
      data.topStreets.placeKinds[data.wards.indexOf(ward!)]?.map((k) => k.kind),
    );
    expect(await kinds.locator('tbody th').count()).toBeGreaterThan(0);
    const streets = await page
      .getByRole('region', { name: /Streets with most crimes/ })
      .locator('tbody th')
      .allTextContents();
    expect(streets.length).toBeGreaterThan(0);
    for (const location of streets) expect(location).not.toMatch(/Supermarket|Parking Area/);
    await page.close();
  });

  it.each([390, 320])(
    'at %i px the streets and kinds-of-place tables of every ward page fit their box, no sideways scrolling',
    async (width) => {
      const { page } = await openPage(browser, `/wards/${ward?.slug}/`, {
        viewport: { width, height: 844 },
      });
      const wide: string[] = [];
      for (const w of data.wards) {
        await page.goto(new URL(`/wards/${w.slug}/`, siteUrl()).href);
        const boxes = await page
          .locator('.table-scroll:has(#streets-caption), .table-scroll:has(#place-kinds-caption)')
          .evaluateAll((els) =>
            els.map((el) => ({
              caption: el.querySelector('caption')?.textContent?.trim() ?? '',
              scrollWidth: el.scrollWidth,
              clientWidth: el.clientWidth,
              page: document.documentElement.scrollWidth > document.documentElement.clientWidth,
            })),
          );
        expect(boxes.length, w.name).toBe(2);
        for (const b of boxes) {
          if (b.scrollWidth > b.clientWidth || b.page) {
            wide.push(`${w.name}, ${b.caption}: ${b.scrollWidth} px in ${b.clientWidth}`);
          }
        }
      }
      expect(wide).toEqual([]);
      await page.close();
    },
  );

  it('a year report reads completely with JavaScript disabled', async () => {
    const { page } = await openPage(browser, `/years/${year}/`, { javaScript: false });
    expect(await page.locator('h1').textContent()).toContain(String(year));
    expect(await page.locator('#year-wards tbody tr').count()).toBe(data.wards.length);
    await saveScreenshot(page, 'year-page');
    await page.close();
  });

  it.each(REPORTS)(
    '%s has no console errors and no serious or critical axe-core violations',
    async (report) => {
      const { page, consoleErrors } = await openPage(browser, report);
      expect(await seriousA11yViolations(page)).toEqual([]);
      expect(consoleErrors).toEqual([]);
      await page.close();
    },
  );

  it.each(TABLE_PAGES)(
    '%s on a phone: no serious axe-core violations, and every table that scrolls takes focus',
    async (report) => {
      const { page } = await openPage(browser, report, { viewport: PHONE });
      expect(await seriousA11yViolations(page)).toEqual([]);
      const boxes = await page.locator('.table-scroll').evaluateAll((els) =>
        els.map((el) => ({
          scrolls: el.scrollWidth > el.clientWidth,
          tabIndex: (el as HTMLElement).tabIndex,
          role: el.getAttribute('role'),
          // The accessible name: the caption it points at, or its own label.
          name:
            el.getAttribute('aria-label') ??
            document.getElementById(el.getAttribute('aria-labelledby') ?? '')?.textContent ??
            '',
          caption: el.querySelector('caption')?.textContent ?? '',
        })),
      );
      expect(boxes.length, report).toBeGreaterThan(0);
      for (const box of boxes) {
        expect(box.tabIndex, box.caption).toBe(0);
        expect(box.role, box.caption).toBe('region');
        expect(box.name.replace(/\s+/g, ' ').trim(), box.caption).toBe(
          box.caption.replace(/\s+/g, ' ').trim(),
        );
      }
      if (report.startsWith('/wards/') && report !== '/wards/') {
        // The month grid is wider than a phone: the case the focus is for.
        expect(boxes.some((b) => b.scrolls)).toBe(true);
      }
      await page.close();
    },
  );

  it.each([390, 320])(
    'at %i px the by-type bar table of every ward and year page fits its box, no sideways scrolling',
    async (width) => {
      const { page } = await openPage(browser, BAR_TABLE_PAGES[0]!, {
        viewport: { width, height: 844 },
      });
      const wide: string[] = [];
      const thin: string[] = [];
      for (const report of BAR_TABLE_PAGES) {
        await page.goto(new URL(report, siteUrl()).href);
        const tables = await page.locator('.table-scroll:has(> .bar-table)').evaluateAll((els) =>
          els.map((el) => ({
            scrollWidth: el.scrollWidth,
            clientWidth: el.clientWidth,
            longestBar: Math.max(
              ...[...el.querySelectorAll('.bar')].map((bar) => bar.getBoundingClientRect().width),
            ),
          })),
        );
        expect(tables.length, report).toBe(1);
        for (const t of tables) {
          if (t.scrollWidth > t.clientWidth) {
            wide.push(`${report}: ${t.scrollWidth} px in ${t.clientWidth}`);
          }
          // The longest bar, against which the others are read, is drawn at 2rem or more.
          if (t.longestBar < 32) thin.push(`${report}: ${t.longestBar.toFixed(0)} px`);
        }
      }
      expect(wide).toEqual([]);
      expect(thin).toEqual([]);
      await page.close();
    },
  );

  it.each([320, 360, 390, 600, 1280])(
    'at %i px every chart of every ward and year page shows its axis text at 10 px or more, no two labels overlapping, the first and last months labelled',
    async (width) => {
      const { page } = await openPage(browser, CHART_PAGES[0]!.path, {
        viewport: { width, height: 844 },
      });
      const problems: string[] = [];
      for (const { path: report, first, last } of CHART_PAGES) {
        await page.goto(new URL(report, siteUrl()).href);
        const charts = await page.locator('figure.chart svg').evaluateAll((svgs) =>
          svgs.map((svg) => {
            const scale = (svg as SVGSVGElement).getScreenCTM()?.a ?? 0;
            const texts = [...svg.querySelectorAll('.axis text')].map((text) => {
              const r = text.getBoundingClientRect();
              return {
                text: (text.textContent ?? '').trim(),
                shown: r.width > 0 && getComputedStyle(text).display !== 'none',
                // Below the plot, centred on its month: an x label; the others are counts.
                month: text.getAttribute('text-anchor') === 'middle',
                px: parseFloat(getComputedStyle(text).fontSize) * scale,
                box: { left: r.left, right: r.right, top: r.top, bottom: r.bottom },
              };
            });
            return {
              texts,
              screen: document.documentElement.clientWidth,
              scrolls: document.documentElement.scrollWidth > document.documentElement.clientWidth,
            };
          }),
        );
        expect(charts.length, report).toBe(1);
        for (const { texts, screen, scrolls } of charts) {
          const shown = texts.filter((t) => t.shown);
          const months = shown.filter((t) => t.month).map((t) => t.text);
          if (scrolls) problems.push(`${report}: the page scrolls sideways`);
          for (const t of shown) {
            if (t.px < 10) problems.push(`${report}: "${t.text}" at ${t.px.toFixed(1)} px`);
            if (t.box.left < 0 || t.box.right > screen) {
              problems.push(`${report}: "${t.text}" reaches past the screen`);
            }
          }
          shown.forEach((a, i) =>
            shown.slice(i + 1).forEach((b) => {
              const apart =
                a.box.right <= b.box.left ||
                b.box.right <= a.box.left ||
                a.box.bottom <= b.box.top ||
                b.box.bottom <= a.box.top;
              if (!apart) problems.push(`${report}: "${a.text}" overlaps "${b.text}"`);
            }),
          );
          if (months[0] !== first || months.at(-1) !== last) {
            problems.push(`${report}: month labels ${months.join(', ')}, not ${first} to ${last}`);
          }
          // On a desktop screen every label drawn shows.
          if (width >= 1280 && shown.length !== texts.length) {
            problems.push(`${report}: ${texts.length - shown.length} labels hidden`);
          }
        }
      }
      expect(problems).toEqual([]);
      await page.close();
    },
  );

  it.each([`/wards/${ward?.slug}/`, `/years/${year}/`])(
    '%s: a screen reader reads the by-type bar table as its three columns, the drawn bars left out header and all',
    async (report) => {
      const { page } = await openPage(browser, report);
      const caption = (await page.locator('table.bar-table caption').textContent()) ?? '';
      const rows = await accessibleTableRows(page, caption.trim());
      const [header, ...body] = rows;
      expect(header).toEqual([
        { role: 'columnheader', name: 'Crime type' },
        { role: 'columnheader', name: 'Count' },
        { role: 'columnheader', name: 'Share' },
      ]);
      expect(body.map((cells) => cells[0]?.name).sort()).toEqual([...data.crimeTypes].sort());
      for (const cells of body) {
        expect(
          cells.map((c) => c.role),
          cells[0]?.name,
        ).toEqual(['rowheader', 'cell', 'cell']);
        for (const c of cells) expect(c.name, cells[0]?.name).not.toBe('');
      }
      await page.close();
    },
  );

  it.each(FOCUS_PAGES)(
    '%s at 390 px: Tab and Shift+Tab through its tables keep each focused link or button, and its focus outline, wholly in view',
    async (report) => {
      const { page } = await openPage(browser, report, { viewport: PHONE });
      const boxes = page.locator('.table-scroll');
      const hidden: string[] = [];
      for (let b = 0; b < (await boxes.count()); b += 1) {
        const box = boxes.nth(b);
        const focusable = await box.locator('a, button').count();
        if (focusable === 0) continue;
        // From the box as it loads, and as left by a reader who scrolled it to its end.
        for (const start of ['start', 'end'] as const) {
          await box.evaluate(
            (el, end) => (el.scrollLeft = end ? el.scrollWidth : 0),
            start === 'end',
          );
          await box.focus();
          const keys = [
            ...Array<string>(focusable).fill('Tab'),
            ...Array<string>(focusable - 1).fill('Shift+Tab'),
          ];
          for (const key of keys) {
            await page.keyboard.press(key);
            const problem = await focusOutOfView(page);
            if (problem !== null) hidden.push(`from the ${start}, ${key}: ${problem}`);
          }
        }
      }
      expect(hidden).toEqual([]);
      await page.close();
    },
  );

  it('shows a change within normal variation in normal weight, even among bold key figures', async () => {
    for (const report of [`/wards/${ward?.slug}/`, '/wards/', `/years/${year}/`]) {
      const { page } = await openPage(browser, report, { javaScript: false });
      const weights = await page
        .locator('[data-change="within-normal"], [data-change="too-few"]')
        .evaluateAll((els) =>
          els.map((el) => {
            const percent = el.firstChild?.textContent ?? '';
            return { percent, weight: Number(getComputedStyle(el).fontWeight) };
          }),
        );
      expect(weights.length, report).toBeGreaterThan(0);
      for (const { percent, weight } of weights) expect(weight, `${report}: ${percent}`).toBe(400);
      const bold = await page
        .locator('[data-change="higher"] strong, [data-change="lower"] strong')
        .evaluateAll((els) => els.map((el) => Number(getComputedStyle(el).fontWeight)));
      for (const weight of bold) expect(weight, report).toBeGreaterThanOrEqual(700);
      await page.close();
    }
  });

  it('/wards/ sorts by a column from the keyboard, and back the other way', async () => {
    const { page, consoleErrors } = await openPage(browser, '/wards/');
    // The rate's cell holds the value it sorts by; the rate shown is a span inside it.
    const rates = () =>
      page
        .locator('#ward-table tbody [data-field="rate"]')
        .evaluateAll((rates) =>
          rates.map((r) => Number(r.closest('td')?.getAttribute('data-sort-value') ?? NaN)),
        );
    const header = page.locator('#ward-table thead th', { hasText: 'Rate per 1,000' });
    await header.locator('button').focus();
    await page.keyboard.press('Enter');
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    const ascending = await rates();
    expect(ascending).toHaveLength(data.wards.length);
    // Every ward's rate, not one value for all: a sort of equal values proves nothing.
    expect(new Set(ascending).size).toBeGreaterThan(1);
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    await page.keyboard.press('Enter');
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    const descending = await rates();
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    expect(await page.locator('#ward-table tbody tr').count()).toBe(data.wards.length);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('/wards/ sorts a change beyond chance without a percentage by its direction, and "too few" with n/a', async () => {
    const { page, consoleErrors } = await openPage(browser, '/wards/');
    // The sample's wards all have earlier counts of 20 or more, so some rows' change cells are
    // given what the page writes for counts too small for a percentage: two changes clearly
    // higher, two clearly lower, one too few to compare.
    const small = [
      [15, 2],
      [24, 6],
      [0, 12],
      [1, 14],
      [3, 2],
    ].map(([current, earlier]) => {
      const change = compareCounts(current!, earlier!);
      const shown = changeShown(change);
      return { value: String(changeSortValue(change) ?? ''), words: shown.words, bold: shown.bold };
    });
    expect(small.map((s) => s.words)).toEqual([
      'clearly higher',
      'clearly higher',
      'clearly lower',
      'clearly lower',
      'too few to compare',
    ]);
    await page.evaluate((small) => {
      const cells = document.querySelectorAll<HTMLElement>('#ward-table [data-field="change"]');
      small.forEach((s, i) => {
        const cell = cells[i * 3];
        if (cell === undefined) throw new Error(`No change cell ${i * 3}`);
        cell.dataset.sortValue = s.value;
        cell.textContent = s.words;
      });
    }, small);
    const shown = () =>
      page.locator('#ward-table tbody [data-field="change"]').evaluateAll((cells) =>
        cells.map((c) => ({
          words: c.textContent?.trim() ?? '',
          value: c.getAttribute('data-sort-value') ?? '',
        })),
      );
    const header = page.locator('#ward-table thead th', { hasText: 'Change on a year' });
    const percents = (rows: { words: string; value: string }[]) =>
      rows
        .filter((r) => !r.words.startsWith('clearly') && r.value !== '')
        .map((r) => Number(r.value));
    for (const direction of ['ascending', 'descending'] as const) {
      await header.locator('button').click();
      expect(await header.getAttribute('aria-sort')).toBe(direction);
      const rows = await shown();
      const words = rows.map((r) => r.words);
      const [first, last] = direction === 'ascending' ? ['lower', 'higher'] : ['higher', 'lower'];
      // The directions' ends, then the percentages in order, then what compares nothing.
      expect(words.slice(0, 2), direction).toEqual([`clearly ${first}`, `clearly ${first}`]);
      const middle = percents(rows);
      expect(middle.length).toBeGreaterThan(1);
      expect(middle).toEqual(
        [...middle].sort((a, b) => (direction === 'ascending' ? a - b : b - a)),
      );
      const rest = words.slice(2 + middle.length);
      expect(rest.slice(0, 2), direction).toEqual([`clearly ${last}`, `clearly ${last}`]);
      expect(rest.slice(2).length).toBeGreaterThan(0);
      for (const w of rest.slice(2)) expect(['too few to compare', 'n/a'], direction).toContain(w);
    }
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it("/wards/ keeps each header's content in its sort button, the ASB abbreviation with its expansion, and sorts by it from the keyboard", async () => {
    const headers = (p: Page) =>
      p.locator('#ward-table thead th').evaluateAll((ths) => ths.map((th) => th.innerHTML.trim()));
    const plain = await openPage(browser, '/wards/', { javaScript: false });
    const written = await headers(plain.page);
    await plain.page.close();
    expect(written.some((h) => h.includes('<abbr'))).toBe(true);

    const { page, consoleErrors } = await openPage(browser, '/wards/');
    const buttons = await page.locator('#ward-table thead th').evaluateAll((ths) =>
      ths.map((th) => ({
        children: th.children.length,
        button: th.firstElementChild?.tagName === 'BUTTON' ? th.firstElementChild.innerHTML : null,
      })),
    );
    expect(buttons.map((b) => b.children)).toEqual(written.map(() => 1));
    expect(buttons.map((b) => b.button?.trim())).toEqual(written);
    const header = page.locator('#ward-table thead th', { hasText: 'Crimes and' });
    const abbr = header.locator('button abbr');
    expect(await abbr.textContent()).toBe('ASB');
    expect(await abbr.getAttribute('title')).toBe('anti-social behaviour');

    const totals = () =>
      page
        .locator('#ward-table tbody [data-field="total"]')
        .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-sort-value'))));
    await header.locator('button').focus();
    await page.keyboard.press('Enter');
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    const ascending = await totals();
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    await page.keyboard.press('Enter');
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    const descending = await totals();
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    expect(await page.locator('#ward-table thead [aria-sort]').count()).toBe(1);
    expect(await abbr.getAttribute('title')).toBe('anti-social behaviour');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});

/**
 * The table named `caption` as Chromium's accessibility tree gives it to a screen reader: its
 * rows, each as the role and name of its cells. Nodes left out of the tree (aria-hidden, or
 * not shown) are skipped; their children, where not left out themselves, are kept.
 */
async function accessibleTableRows(
  page: Page,
  caption: string,
): Promise<{ role: string; name: string }[][]> {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
    nodes: {
      nodeId: string;
      ignored: boolean;
      role?: { value?: string };
      name?: { value?: string };
      childIds?: string[];
    }[];
  };
  await cdp.detach();
  const byId = new Map(nodes.map((n) => [n.nodeId, n]));
  const text = (value: string | undefined) => (value ?? '').replace(/\s+/g, ' ').trim();
  const table = nodes.find(
    (n) => !n.ignored && n.role?.value === 'table' && text(n.name?.value) === text(caption),
  );
  if (table === undefined) throw new Error(`no table named "${caption}" in the tree`);
  /** The nearest descendants of `id` in the tree (not left out) with one of `roles`. */
  const findAll = (id: string, roles: string[]): typeof nodes => {
    const found: typeof nodes = [];
    for (const childId of byId.get(id)?.childIds ?? []) {
      const child = byId.get(childId);
      if (child === undefined) continue;
      if (!child.ignored && roles.includes(child.role?.value ?? '')) found.push(child);
      else found.push(...findAll(childId, roles));
    }
    return found;
  };
  return findAll(table.nodeId, ['row']).map((row) =>
    findAll(row.nodeId, ['columnheader', 'rowheader', 'cell', 'gridcell']).map((c) => ({
      role: c.role?.value ?? '',
      name: text(c.name?.value),
    })),
  );
}

/**
 * Why the focused element, in a table's scrolling box, is not seen with its whole focus
 * outline: focus outside the tables, or a side of the outline that is not on screen in the
 * outline's colour (cut off by the box's edge, or drawn over by a sticky cell). Null when
 * every side shows. Read from a screenshot of the outline, so whatever hides it is caught.
 */
async function focusOutOfView(page: Page): Promise<string | null> {
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    if (!el?.closest('.table-scroll')) return null;
    const r = el.getBoundingClientRect();
    // Centred on the screen by scrolling the page only (not the table's box), so nothing
    // outside the box is taken for the box hiding it.
    window.scrollBy(0, r.top + r.height / 2 - window.innerHeight / 2);
    const style = getComputedStyle(el);
    const width = parseFloat(style.outlineWidth);
    const reach = width + parseFloat(style.outlineOffset);
    const box = el.getBoundingClientRect();
    // The outline's box, within the screen: a side past the screen's edge is not seen.
    const left = Math.max(0, Math.floor(box.left - reach));
    const top = Math.max(0, Math.floor(box.top - reach));
    const right = Math.min(window.innerWidth, Math.ceil(box.right + reach) + 1);
    const bottom = Math.min(window.innerHeight, Math.ceil(box.bottom + reach) + 1);
    const scroller = el.closest('.table-scroll')?.getBoundingClientRect();
    const across = (a: { left: number; right: number }) =>
      `${a.left.toFixed(0)}-${a.right.toFixed(0)} px`;
    return {
      name:
        `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 30)}" ` +
        `(${across(box)} across, its box ${scroller ? across(scroller) : '?'})`,
      colour: style.outlineStyle === 'none' ? null : style.outlineColor,
      width,
      clip: { x: left, y: top, width: right - left, height: bottom - top },
    };
  });
  if (focused === null) {
    return `focus left the tables, on ${await page.evaluate(() => document.activeElement?.tagName)}`;
  }
  if (focused.colour === null) return `${focused.name}: no focus outline`;
  const png = (await page.screenshot({ clip: focused.clip })).toString('base64');
  const missing = await page.evaluate(
    async ({ png, colour, width }) => {
      const image = await createImageBitmap(
        await (await fetch(`data:image/png;base64,${png}`)).blob(),
      );
      const canvas = new OffscreenCanvas(image.width, image.height);
      const context = canvas.getContext('2d');
      if (context === null) throw new Error('No 2D canvas');
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      const rgb = (colour.match(/\d+/g) ?? []).map(Number).slice(0, 3);
      // Red, green and blue together this close to the outline's colour: its colour, give or
      // take the shading of its corners.
      const NEAR = 60;
      const isOutline = (x: number, y: number) => {
        const i = (y * image.width + x) * 4;
        return rgb.reduce((d, c, k) => d + Math.abs((data[i + k] ?? 0) - c), 0) < NEAR;
      };
      // A side shows when the outline's colour is found along it, a stroke's width (and a
      // pixel for rounding) in from the edge of the shot.
      const band = Math.ceil(width) + 1;
      const any = (xs: number[], ys: number[]) => xs.some((x) => ys.some((y) => isOutline(x, y)));
      const range = (from: number, to: number) =>
        Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);
      const [w, h] = [image.width, image.height];
      const sides = {
        left: any(range(0, band), range(0, h)),
        right: any(range(w - band - 1, w), range(0, h)),
        top: any(range(0, w), range(0, band)),
        bottom: any(range(0, w), range(h - band - 1, h)),
      };
      return Object.entries(sides)
        .filter(([, shown]) => !shown)
        .map(([side]) => side);
    },
    { png, colour: focused.colour, width: focused.width },
  );
  return missing.length === 0 ? null : `${focused.name}: outline not seen at ${missing.join(', ')}`;
}
