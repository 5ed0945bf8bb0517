// A reader downloads a ward's table through the link beside it, in Chromium: the browser
// saves a CSV whose rows are the ones the page's table shows.
import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from './support.ts';

const data = JSON.parse(await readFile('src/data/site-data.json', 'utf8')) as {
  wards: { slug: string; name: string }[];
};

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('downloading a table from a ward page', () => {
  it("the CSV link beside 'Crimes by type' saves a file with the table's rows", async () => {
    const ward = data.wards.find((w) => w.name.includes('&')) ?? data.wards[0];
    const { page, context, consoleErrors } = await openPage(browser, `/wards/${ward?.slug}/`);
    try {
      const link = page.locator('a[data-download="crime-types"][data-format="csv"]');
      await expect(link.textContent()).resolves.toBe('CSV');
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      expect(download.suggestedFilename()).toBe(`leeds-ward-${ward?.slug}-crime-types.csv`);
      const file = await download.path();
      const rows = parseCsv(await readFile(file, 'utf8'), { columns: true }) as {
        crime_type: string;
        crimes: string;
      }[];
      const shown = await page.$$eval('table.bar-table tbody tr', (trs) =>
        trs.map((tr) => [
          tr.getAttribute('data-key') ?? '',
          tr.querySelector('td[data-value]')?.getAttribute('data-value') ?? '',
        ]),
      );
      expect(rows.length).toBe(14);
      expect(rows.map((r) => [r.crime_type, r.crimes])).toEqual(shown);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
