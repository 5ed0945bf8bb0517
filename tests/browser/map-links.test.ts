// The map opened from links a person typed or edited by hand: capitals, lists written out as
// repeated parameters, values it cannot use, markup. The figures are computed from the site
// data.
import { beforeAll, describe, expect, it } from 'vitest';
import type { SiteData } from '../../src/shared/schema.ts';
import { shortMonth } from '../../src/shared/months.ts';
import { browserPages, saveScreenshot, seriousA11yViolations, type OpenedPage } from './support.ts';
import {
  accessibleText,
  afterUpdate,
  expectedFromSiteData,
  readFigures,
  readSiteData,
  waitForMap,
} from './map-page.ts';

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

const HOSTILE = '<img src=x onerror="__injected=1">';

describe('the map opened from a link with values it cannot use', () => {
  it('says what it did with each, shows what it says, and puts that in the address', async () => {
    const { page, consoleErrors } = await openMap(
      `?from=2019-01&type=drugs,burglery&ward=${encodeURIComponent(HOSTILE)}&c=53.8,-1.55&z=30&min=7`,
    );
    const notes = page.locator('#crime-map-link-notes li');
    expect(await notes.allTextContents()).toEqual([
      expect.stringMatching(/"burglery" is not a crime type/),
      expect.stringMatching(/Jan 2019.*before.*starts at Mar 2024/),
      expect.stringMatching(/"7".*uses 1/),
      expect.stringContaining(`no ward "${HOSTILE}"`),
      expect.stringMatching(/"30".*whole of Leeds/),
    ]);
    // The markup stayed text, and its script never ran.
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await saveScreenshot(page, 'map-link-notes', { fullPage: false });
    expect(
      await page.evaluate(() => (window as { __injected?: number }).__injected),
    ).toBeUndefined();
    const drugs = expectedFromSiteData(site, { types: ['Drugs'], from: first, to: last });
    const shown = { total: drugs.total, wards: drugs.wards.slice(0, 5) };
    expect(await readFigures(page)).toEqual(shown);
    expect(await page.textContent('#crime-map-range')).toContain('Mar 2024');
    // What the map shows, and nothing it could not use: a copy of the address shows the same.
    expect(new URL(page.url()).search).toBe('?type=drugs');
    const copy = await openMap(new URL(page.url()).search);
    expect(await readFigures(copy.page)).toEqual(shown);
    expect(await copy.page.locator('#crime-map-link-notes').count()).toBe(0);
    // The address took the place of the one the page came in with: back leaves at once.
    await page.goBack();
    expect(page.url()).toBe('about:blank');
    expect(consoleErrors).toEqual([]);
  });

  it.each(['burglery', 'Burglery,drgus'])(
    'shows every crime type for a link whose only types are unknown (type=%s), and says so',
    async (typed) => {
      const { page, consoleErrors } = await openMap(`?type=${typed}`);
      expect(await page.locator('#crime-map-link-notes li').allTextContents()).toEqual([
        expect.stringMatching(
          /not (a crime type|crime types) .*ignores (it|them) and shows every crime type/,
        ),
      ]);
      const all = expectedFromSiteData(site, { from: first, to: last });
      expect(await readFigures(page)).toEqual({ total: all.total, wards: all.wards.slice(0, 5) });
      expect(await page.locator('#crime-map-no-data').count()).toBe(0);
      expect((await accessibleText(page, '.crime-map__map')).description).not.toMatch(
        /nothing drawn/i,
      );
      expect(await page.getByRole('checkbox', { name: 'Burglary' }).isChecked()).toBe(true);
      // The address is the map's own for every type: a copy passes on no mistake.
      expect(new URL(page.url()).search).toBe('');
      expect(consoleErrors).toEqual([]);
    },
  );

  it('reads the notes out in the status line the page had while the map loaded, and keeps them on a jump within the page', async () => {
    const o = await pages.open('/?type=drugs,burglery&z=30', {
      beforeLoad: (context) =>
        context.addInitScript(() => {
          // The status line's text when it came into the page: a screen reader reads out a
          // status that changes, not one that comes with its text.
          const seen = window as { __statusAtInsert?: string | null };
          new MutationObserver((records) => {
            for (const record of records) {
              for (const node of record.addedNodes) {
                const line =
                  node instanceof Element
                    ? node.id === 'crime-map-status'
                      ? node
                      : node.querySelector('#crime-map-status')
                    : null;
                if (line !== null && seen.__statusAtInsert === undefined) {
                  seen.__statusAtInsert = line.textContent;
                }
              }
            }
          }).observe(document, { childList: true, subtree: true });
        }),
    });
    await waitForMap(o.page);
    const status = o.page.locator('#crime-map-status');
    expect(await status.getAttribute('role')).toBe('status');
    const notes = await o.page.locator('#crime-map-link-notes li').allTextContents();
    expect(notes).toHaveLength(2);
    await expect
      .poll(() => status.textContent())
      .toBe(
        `This link asked for what the map cannot show (notes over the map): ${notes.join(' ')}`,
      );
    expect(
      await o.page.evaluate(() => (window as { __statusAtInsert?: string }).__statusAtInsert),
    ).toBe('Loading the map data…');
    // The notes are a group named by their heading, not a second status.
    const group = o.page.getByRole('group', {
      name: 'This link asked for what the map cannot show:',
    });
    expect(await group.locator('li').count()).toBe(2);
    // The skip link jumps within the page: the notes stay, and so does the view.
    await o.page.keyboard.press('Tab');
    await o.page.keyboard.press('Enter');
    await expect.poll(() => o.page.url()).toMatch(/#main$/);
    expect(await o.page.locator('#crime-map-link-notes li').count()).toBe(2);
    await o.page.getByRole('button', { name: 'Close notes' }).click();
    await expect.poll(() => status.textContent()).toBe('');
    expect(o.consoleErrors).toEqual([]);
  });

  it.each(['Enter', ' '])(
    'closing the notes by their button (key %j) hands focus to the map they were over',
    async (key) => {
      const { page, consoleErrors } = await openMap('?view=map&ward=nowhere');
      await page.getByRole('button', { name: 'Close notes' }).focus();
      await page.keyboard.press(key);
      await page.waitForSelector('#crime-map-link-notes', { state: 'detached' });
      const focused = await page.evaluate(() => ({
        map: document.activeElement === document.querySelector('.crime-map__map'),
        tag: document.activeElement?.tagName,
      }));
      expect(focused).toEqual({ map: true, tag: 'DIV' });
      expect(consoleErrors).toEqual([]);
    },
  );

  it('keeps back and forward on the views it showed, the notes closing at will or on back', async () => {
    const { page, consoleErrors } = await openMap('?type=drugs,burglery');
    const notes = page.locator('#crime-map-link-notes');
    await page.getByRole('button', { name: 'Close notes' }).click();
    expect(await notes.count()).toBe(0);
    const again = await openMap('?type=drugs,burglery');
    await afterUpdate(again.page, () =>
      again.page.getByRole('checkbox', { name: 'Shoplifting' }).check(),
    );
    expect(new URL(again.page.url()).search).toBe('?type=drugs,shoplifting');
    expect(await again.page.locator('#crime-map-link-notes').count()).toBe(1);
    await afterUpdate(again.page, () => again.page.goBack().then(() => undefined));
    expect(new URL(again.page.url()).search).toBe('?type=drugs');
    expect(await again.page.getByRole('checkbox', { name: 'Shoplifting' }).isChecked()).toBe(false);
    expect(await again.page.locator('#crime-map-link-notes').count()).toBe(0);
    await again.page.goBack();
    expect(again.page.url()).toBe('about:blank');
    expect([...consoleErrors, ...again.consoleErrors]).toEqual([]);
  });
});

describe('the map opened from a link that gives a value more than once', () => {
  it('reads an empty value as none given, and uses the value that is given, for every parameter', async () => {
    const armley = site.wards.find((w) => w.slug === 'armley');
    const second = site.months[1];
    if (armley === undefined || second === undefined) {
      throw new Error('The site data has no Armley ward or no second month');
    }
    // Each parameter first empty, as a form with an empty field sends it, then given.
    const { page, consoleErrors } = await openMap(
      `?ward=&ward=armley&view=&view=wards&measure=&measure=rate&from=&from=${second}&cc=&cc=1&min=&min=5`,
    );
    expect(await page.locator('#crime-map-link-notes').count()).toBe(0);
    expect(await page.textContent('#crime-map-ward-name')).toBe(armley.name);
    expect(await page.locator('input[name="view"][value="wards"]').isChecked()).toBe(true);
    expect(await page.textContent('#crime-map-range')).toBe(
      `${shortMonth(second)} – ${shortMonth(last)}`,
    );
    // The address is the map's own for what it shows, each value once.
    const query = new URL(page.url()).searchParams;
    expect(Object.fromEntries(query)).toEqual({
      from: second,
      view: 'wards',
      measure: 'rate',
      min: '5',
      cc: '1',
      ward: 'armley',
    });
    expect(consoleErrors).toEqual([]);
  });

  it('names the value it used when two are given, never an empty one', async () => {
    const { page } = await openMap(
      '?ward=&ward=armley&ward=beeston-and-holbeck&view=wards&view=heat',
    );
    expect(await page.locator('#crime-map-link-notes li').allTextContents()).toEqual([
      expect.stringMatching(/view 2 times: the map uses the first, "wards"/),
      expect.stringMatching(/ward 2 times: the map uses the first, "armley"/),
    ]);
    expect(await page.textContent('#crime-map-ward-name')).toBe('Armley');
    expect(await page.locator('input[name="view"][value="wards"]').isChecked()).toBe(true);
  });
});

describe('the map opened from a link whose months hold none of the data', () => {
  it('shows every month of the data, says so, and puts that in the address', async () => {
    const start = Number(first.slice(0, 4));
    const end = Number(last.slice(0, 4));
    const all = expectedFromSiteData(site, { from: first, to: last });
    const shown = { total: all.total, wards: all.wards.slice(0, 5) };
    const begins = `before the map's data begins, in ${shortMonth(first)}`;
    const ends = `after the map's data ends, in ${shortMonth(last)}`;
    for (const [query, asked, where] of [
      [`?from=${start - 5}-01&to=${start - 5}-12`, `Jan ${start - 5} – Dec ${start - 5}`, begins],
      [`?from=${end + 1}-01&to=${end + 1}-06`, `Jan ${end + 1} – Jun ${end + 1}`, ends],
      [`?from=${start - 5}-12&to=${start - 5}-01`, `Jan ${start - 5} – Dec ${start - 5}`, begins],
      [`?from=${end + 1}-02&to=${end + 1}-02`, `Feb ${end + 1}`, ends],
      [`?from=${end + 1}-02`, `from Feb ${end + 1}`, ends],
      [`?to=${start - 1}-02`, `up to Feb ${start - 1}`, begins],
    ] as const) {
      const { page, consoleErrors } = await openMap(query);
      expect(await page.textContent('#crime-map-range'), query).toBe(
        `${shortMonth(first)} – ${shortMonth(last)}`,
      );
      expect(await readFigures(page), query).toEqual(shown);
      expect(await page.locator('#crime-map-link-notes li').last().textContent(), query).toBe(
        `The link asks for ${asked}, all ${where}: the map shows all its months, ${shortMonth(first)} – ${shortMonth(last)}.`,
      );
      expect(new URL(page.url()).search, query).toBe('');
      expect(consoleErrors, query).toEqual([]);
    }
  });

  it('keeps the months of the data a window holds, moving only the end beyond them', async () => {
    const start = Number(first.slice(0, 4));
    const { page } = await openMap(`?from=${start - 5}-01&to=${first}`);
    expect(await page.textContent('#crime-map-range')).toBe(shortMonth(first));
    const one = expectedFromSiteData(site, { from: first, to: first });
    expect(await readFigures(page)).toEqual({ total: one.total, wards: one.wards.slice(0, 5) });
    expect(await page.locator('#crime-map-link-notes li').allTextContents()).toEqual([
      `The first month (from), Jan ${start - 5}, is before the map's data begins: the map starts at ${shortMonth(first)}.`,
    ]);
  });
});
