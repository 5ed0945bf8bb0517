// The map and the ward reports give the same rate, in the same words, for the same window; and
// the map's "exclude city centre" takes the centre's residents out of the rate with its crimes.
// Expected figures come from the built map data by a plain loop (map-page.ts) and from the
// committed site data's ward populations, not from the island's code.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MapData } from '../../src/shared/map-data.ts';
import type { SiteData } from '../../src/shared/schema.ts';
import { expectedFromMapEntries, readBuiltMapData, readSiteData, waitForMap } from './map-page.ts';
import { launchBrowser, openPage } from './support.ts';

const SLUG = 'little-london-and-woodhouse';

let browser: Browser;
let site: SiteData;
let mapData: MapData;

beforeAll(async () => {
  browser = await launchBrowser();
  site = await readSiteData();
  mapData = await readBuiltMapData();
});

afterAll(async () => {
  await browser?.close();
});

/** The ward report's 12 calendar months to the latest month, as a map query. */
function reportWindow(): { from: string; to: string; withData: number } {
  const latest = site.months.at(-1)!;
  const [y, m] = latest.split('-').map(Number) as [number, number];
  const t = y * 12 + (m - 1) - 11;
  const from = `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
  return { from, to: latest, withData: site.months.filter((x) => x >= from).length };
}

interface MapRates {
  /** The selected ward's rate line. */
  ward: string;
  /** The ranking's rate column header, and its rows as [ward name, rate]. */
  header: string;
  rows: [string, string][];
}

async function mapRates(query: string): Promise<MapRates> {
  const { page, context, consoleErrors } = await openPage(browser, `/?${query}`);
  try {
    await waitForMap(page);
    const ward = (await page.textContent('#crime-map-ward-rate'))?.replace(/\s+/g, ' ').trim();
    const header = (await page.locator('#crime-map-ranking thead th').nth(3).textContent()) ?? '';
    const rows = await page.$$eval('#crime-map-ranking tbody tr', (trs) =>
      trs.map((tr): [string, string] => [
        tr.querySelector('th')?.textContent?.trim() ?? '',
        tr.querySelectorAll('td')[2]?.textContent?.trim() ?? '',
      ]),
    );
    expect(consoleErrors).toEqual([]);
    return { ward: ward ?? '', header: header.trim(), rows };
  } finally {
    await context.close();
  }
}

describe('rates on the map and the reports', () => {
  it("gives a ward the rate and window words of its report for the report's window", async () => {
    const { from, to, withData } = reportWindow();
    expect(withData).toBeLessThan(12);
    const report = await openPage(browser, `/wards/${SLUG}/`, { javaScript: false });
    const rate = (await report.page.textContent('[data-field="rate"]'))?.trim();
    const unit = (await report.page.textContent('.figures [data-rate-window]'))?.trim();
    const leeds = (await report.page.textContent('[data-field="leeds-rate"]'))?.trim();
    await report.context.close();
    expect(unit).toBe(`per 1,000 residents over ${withData} month${withData === 1 ? '' : 's'}`);

    const shown = await mapRates(`ward=${SLUG}&from=${from}&to=${to}`);
    expect(shown.ward).toBe(`${rate} ${unit} (Leeds: ${leeds})`);
    // The ranking beside it: the same window words, and each ward's rate as on /wards/.
    expect(shown.header).toBe(`Rate ${unit}`);
    const list = await openPage(browser, '/wards/', { javaScript: false });
    const reportRates = new Map(
      await list.page.$$eval('#ward-table tbody tr', (trs) =>
        trs.map((tr): [string, string] => [
          tr.querySelector('th')?.textContent?.trim() ?? '',
          tr.querySelector('[data-field="rate"]')?.textContent?.trim() ?? '',
        ]),
      ),
    );
    await list.context.close();
    expect(shown.rows.length).toBeGreaterThan(0);
    for (const [name, value] of shown.rows) expect(value, name).toBe(reportRates.get(name));
  });

  it('with the city centre excluded, divides the crimes outside it by the residents outside it', async () => {
    const { from, to } = reportWindow();
    const ward = site.wards.find((w) => w.slug === SLUG)!;
    expect(ward.cityCentreResidents).toBeGreaterThan(0);
    const counts = expectedFromMapEntries(mapData, { from, to, excludeCityCentre: true });
    const count = counts.wards.find((w) => w.name === ward.name)!.count;
    const residents = ward.population - ward.cityCentreResidents;
    const leedsResidents = site.wards.reduce((n, w) => n + w.population - w.cityCentreResidents, 0);
    const expected = ((count / residents) * 1000).toFixed(1);
    const expectedLeeds = ((counts.total / leedsResidents) * 1000).toFixed(1);

    const shown = (await mapRates(`ward=${SLUG}&from=${from}&to=${to}&cc=1`)).ward;
    expect(shown).toMatch(new RegExp(`^${expected} per 1,000 residents over \\d+ months? `));
    expect(shown).toContain(`(Leeds without the city centre: ${expectedLeeds})`);
    // Dividing by every resident would give a visibly lower rate for this ward.
    expect(((count / ward.population) * 1000).toFixed(1)).not.toBe(expected);
  });

  it("names Leeds's figures beside a ward's as without the city centre when it is left out, not as Leeds's", async () => {
    const { from, to } = reportWindow();
    // A ward with no resident and no crime in the centre: its own figures are its report's,
    // while Leeds's lose the centre's crimes and residents.
    const ward = site.wards.find((w) => w.cityCentreResidents === 0)!;
    const all = expectedFromMapEntries(mapData, { from, to });
    const outside = expectedFromMapEntries(mapData, { from, to, excludeCityCentre: true });
    const count = outside.wards.find((w) => w.name === ward.name)!.count;
    expect(count).toBe(all.wards.find((w) => w.name === ward.name)!.count);
    const leedsResidents = site.wards.reduce((n, w) => n + w.population, 0);
    const centreResidents = site.wards.reduce((n, w) => n + w.cityCentreResidents, 0);
    const leeds = ((all.total / leedsResidents) * 1000).toFixed(1);
    const leedsOutside = ((outside.total / (leedsResidents - centreResidents)) * 1000).toFixed(1);
    expect(leedsOutside).not.toBe(leeds);
    // The share as a number, whatever zeros the page leaves off ("7%" for 7.0%).
    const percent = (text: string) => Number(text.replace('%', ''));

    const details = async (query: string) => {
      const { page, context } = await openPage(browser, `/?${query}`);
      try {
        await waitForMap(page);
        return (await page.$$eval('#crime-map-ward dl > *', (els) =>
          els.map((el) => el.textContent?.replace(/\s+/g, ' ').trim() ?? ''),
        )) as string[];
      } finally {
        await context.close();
      }
    };
    const rateOf = (dl: string[]) => dl[dl.indexOf('Rate') + 1] ?? '';
    const shareLabel = (dl: string[]) => dl.find((text) => text.startsWith('Share of')) ?? '';
    const shareValue = (dl: string[]) => dl[dl.indexOf(shareLabel(dl)) + 1] ?? '';

    const whole = await details(`ward=${ward.slug}&from=${from}&to=${to}`);
    expect(rateOf(whole)).toMatch(new RegExp(`\\(Leeds: ${leeds}\\)$`));
    expect(shareLabel(whole)).toBe('Share of Leeds');
    expect(percent(shareValue(whole))).toBeCloseTo((count / all.total) * 100, 1);

    const withoutCentre = await details(`ward=${ward.slug}&from=${from}&to=${to}&cc=1`);
    expect(rateOf(withoutCentre)).toMatch(
      new RegExp(`\\(Leeds without the city centre: ${leedsOutside}\\)$`),
    );
    expect(shareLabel(withoutCentre)).toBe('Share of Leeds without the city centre');
    expect(percent(shareValue(withoutCentre))).toBeCloseTo((count / outside.total) * 100, 1);
  });

  it("says under a centre ward's rate that the centre inflates it, as its report does, and only then", async () => {
    const { from, to } = reportWindow();
    const centreNote = async (query: string) => {
      const { page, context } = await openPage(browser, `/?${query}`);
      try {
        await waitForMap(page);
        await page.locator('#crime-map-ward-rate').waitFor();
        const note = page.locator('#crime-map-ward-centre');
        return (await note.count()) === 0 ? null : (await note.textContent())?.replace(/\s+/g, ' ');
      } finally {
        await context.close();
      }
    };
    // What the report says under the rate, read from the built page.
    const report = await openPage(browser, `/wards/${SLUG}/`, { javaScript: false });
    const caveat = (await report.page.textContent('[data-field="centre-caveat"]'))
      ?.replace(/\s+/g, ' ')
      .trim();
    await report.context.close();
    const ward = site.wards.find((w) => w.slug === SLUG)!;
    const share = `${((ward.cityCentreResidents / ward.population) * 100).toFixed(1)}%`;
    expect(caveat).toContain(`${share} of ${ward.name}'s residents live in the city centre`);

    const note = await centreNote(`ward=${SLUG}&from=${from}&to=${to}`);
    expect(note).toContain(
      `${share} of ${ward.name}'s residents live in the city centre (postcode districts LS1 and LS2)`,
    );
    expect(note).toContain('its rate per resident is inflated');
    // With the centre's crimes and residents left out, the rate is not inflated by them.
    expect(await centreNote(`ward=${SLUG}&from=${from}&to=${to}&cc=1`)).toBeNull();
    // A ward with no resident in the centre has nothing to say.
    const outside = site.wards.find((w) => w.cityCentreResidents === 0)!;
    expect(await centreNote(`ward=${outside.slug}&from=${from}&to=${to}`)).toBeNull();
  });
});
