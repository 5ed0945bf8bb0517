// The ward and year reports in headless Chromium: readable without JavaScript, no console
// errors, no serious axe-core violations, a bar table that fits a phone, and the ward table
// sorts (the one script they ship).
// Pages are closed, never their contexts: the single-process Chromium exits with its last context.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteData } from '../../src/shared/schema.ts';
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
    const rates = () =>
      page
        .locator('#ward-table tbody [data-field="rate"]')
        .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-sort-value'))));
    const header = page.locator('#ward-table thead th', { hasText: 'Rate per 1,000' });
    await header.locator('button').focus();
    await page.keyboard.press('Enter');
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    const ascending = await rates();
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    await page.keyboard.press('Enter');
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    const descending = await rates();
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    expect(await page.locator('#ward-table tbody tr').count()).toBe(data.wards.length);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
