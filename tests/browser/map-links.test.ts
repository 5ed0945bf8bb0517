// The map opened from links a person typed or edited by hand: capitals, lists written out as
// repeated parameters, values it cannot use. The figures are computed from the site data.
import { beforeAll, describe, expect, it } from 'vitest';
import type { SiteData } from '../../src/shared/schema.ts';
import { browserPages, type OpenedPage } from './support.ts';
import { expectedFromSiteData, readFigures, readSiteData, waitForMap } from './map-page.ts';

/** The file's browser, and the pages each test opens, closed after it. */
const pages = browserPages();
let site: SiteData;
let first: string;
let last: string;

beforeAll(async () => {
  site = await readSiteData();
  first = site.months[0] ?? '';
  last = site.months.at(-1) ?? '';
});

async function openMap(query: string): Promise<OpenedPage> {
  const o = await pages.open(`/${query}`);
  await waitForMap(o.page);
  return o;
}

describe('the map opened from a link edited by hand', () => {
  it('reads capitalised names, and a type= for each crime type, as the names the map writes', async () => {
    const ward = site.wards.find((w) => w.slug === 'armley');
    if (ward === undefined) throw new Error('The site data has no Armley ward');
    const { page, consoleErrors } = await openMap(
      '?type=Drugs&type=BURGLARY&view=Wards&ward=Armley',
    );
    expect(await page.getByRole('checkbox', { name: 'Burglary' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Drugs' }).isChecked()).toBe(true);
    const expected = expectedFromSiteData(site, {
      types: ['Burglary', 'Drugs'],
      from: first,
      to: last,
    });
    expect(await readFigures(page)).toEqual({
      total: expected.total,
      wards: expected.wards.slice(0, 5),
    });
    expect(await page.locator('input[name="view"][value="wards"]').isChecked()).toBe(true);
    expect(await page.textContent('#crime-map-ward-name')).toBe(ward.name);
    expect(consoleErrors).toEqual([]);
  });
});
