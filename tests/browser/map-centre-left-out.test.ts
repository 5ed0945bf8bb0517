// The map with the district's centre left out ("Exclude city centre", cc=1), on the committed
// data of Leeds (the site global-setup.ts builds) and of Sheffield (built here, as
// `AREA=sheffield npm run build` builds it from data/areas/sheffield/output/). A figure read
// alone (the ranking's table, the legend, the phone's bar) says that the centre's crimes are not
// in it, as the figures in the panel do; so do the tooltip and the details' count and trend of a
// ward some of whose crimes are the centre's, and the rate of one some of whose crimes or
// residents are, and only of such a ward.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { buildSite } from '../support/astro-build.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { browserPages, seriousA11yViolations, siteUrl } from './support.ts';
import { accessibleText, afterUpdate, waitForMap } from './map-page.ts';
import { TREND_MONTHS } from '../../src/islands/WardDetails.tsx';
import { capitalise } from '../../src/lib/format.ts';
import { crimeTypeSlug } from '../../src/lib/map-state.ts';
import { CRIME_TYPES } from '../../src/shared/constants.ts';
import {
  figuresOf,
  readMapData,
  wardsTheCentreChanges,
  wardsWithCentreCrimes,
} from '../support/map-figures.ts';

// Pages at two sizes with axe in each, on a busy shared machine.
vi.setConfig({ testTimeout: 90_000 });

const pages = browserPages();
let sheffieldDir: string;
let sheffield: StaticServer;

beforeAll(async () => {
  // Inside the repository, where the build's own modules resolve from its node_modules.
  await mkdir('test-results', { recursive: true });
  sheffieldDir = await mkdtemp(path.resolve('test-results', 'sheffield-site-'));
  await buildSite({ outDir: sheffieldDir, env: { AREA: 'sheffield' } });
  sheffield = await serveStatic(sheffieldDir);
}, 300_000);

afterAll(async () => {
  await sheffield?.close();
  if (sheffieldDir !== undefined) await rm(sheffieldDir, { recursive: true, force: true });
});

interface District {
  slug: string;
  /** The district's name and its centre's label, from its area configuration. */
  name: string;
  centre: string;
  baseUrl(): string;
}

async function districtOf(slug: string, baseUrl: () => string): Promise<District> {
  const area = JSON.parse(await readFile(`data/areas/${slug}/area.json`, 'utf8')) as {
    localAuthority: { name: string };
    centre: { label: string };
  };
  return { slug, name: area.localAuthority.name, centre: area.centre.label, baseUrl };
}

const DISTRICTS: District[] = [];
beforeAll(async () => {
  DISTRICTS.push(
    await districtOf('leeds', siteUrl),
    await districtOf('sheffield', () => sheffield.url),
  );
});

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

async function openMap(district: District, query: string, viewport = DESKTOP): Promise<Page> {
  const { page } = await pages.open(`/${query}`, { baseUrl: district.baseUrl(), viewport });
  await waitForMap(page);
  return page;
}

const text = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();
const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The place of a ward's outline among the map's: the order of the served outlines. */
async function outlineOf(district: District, slug: string): Promise<number> {
  const response = await fetch(`${district.baseUrl()}/data/wards.geojson`);
  const shapes = (await response.json()) as { features: { properties: { slug: string } }[] };
  return shapes.features.findIndex((f) => f.properties.slug === slug);
}

/**
 * The tooltip of ward `name` (`slug`), the pointer resting on a point of its outline that
 * nothing covers (the middle of its box may be a neighbour's, or under the legend).
 */
async function tooltipOf(
  page: Page,
  district: District,
  ward: { slug: string; name: string },
): Promise<string> {
  const path = page.locator('path.leaflet-interactive').nth(await outlineOf(district, ward.slug));
  const point = await path.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const steps = 16;
    const points: [number, number][] = [];
    for (let i = 1; i < steps; i++) {
      for (let j = 1; j < steps; j++) {
        points.push([box.left + (box.width * i) / steps, box.top + (box.height * j) / steps]);
      }
    }
    const middle = [box.left + box.width / 2, box.top + box.height / 2] as const;
    const away = ([x, y]: [number, number]) => Math.hypot(x - middle[0], y - middle[1]);
    points.sort((a, b) => away(a) - away(b));
    return points.find(([x, y]) => document.elementFromPoint(x, y) === el) ?? null;
  });
  if (point === null) throw new Error(`No point of ${ward.name}'s outline is uncovered`);
  await page.mouse.move(point[0], point[1]);
  const tooltip = page.locator('.leaflet-tooltip', {
    hasText: new RegExp(`^${escaped(ward.name)}[: ]`),
  });
  await tooltip.waitFor();
  return text(await tooltip.textContent());
}

/**
 * The wards of a district to hover, from the committed map data the site is built from: every
 * one some of whose crimes in the default window are the centre's (but one it holds whole,
 * which says so: see below), every one some of whose residents alone are, and three it does
 * not reach.
 */
function wardsToHover(slug: 'leeds' | 'sheffield') {
  const data = readMapData(slug);
  const { filter } = figuresOf(data, { excludeCityCentre: true });
  const crimes = wardsWithCentreCrimes(data, filter);
  const changed = wardsTheCentreChanges(data, filter);
  const whole = (i: number) => data.wards[i]!.cityCentreResidents >= data.wards[i]!.population;
  const touched = data.wards.filter((_, i) => crimes.has(i) && !whole(i));
  const residentsAlone = data.wards.filter((_, i) => changed.has(i) && !crimes.has(i));
  const untouched = data.wards.filter((_, i) => !changed.has(i));
  const middle = Math.floor(untouched.length / 2);
  return {
    touched,
    residentsAlone,
    untouched: [untouched[0]!, untouched[middle]!, untouched.at(-1)!],
  };
}

describe('the map without the centre names it left out wherever a figure is read alone', () => {
  it.each(['leeds', 'sheffield'] as const)(
    '%s: the ranking, the legend and the tooltips, by count and by rate',
    async (slug) => {
      const district = DISTRICTS.find((d) => d.slug === slug)!;
      const without = `${district.name} without the ${district.centre}`;
      const { touched, residentsAlone, untouched } = wardsToHover(slug);
      // Leeds's centre reaches some wards without holding any whole, some by their crimes,
      // others by a few residents alone; Sheffield's is its City ward, which it holds whole
      // and reaches no further.
      expect(touched.length > 0, slug).toBe(slug === 'leeds');
      expect(residentsAlone.length > 0, slug).toBe(slug === 'leeds');
      for (const measure of ['count', 'rate']) {
        const query = `?view=wards&measure=${measure}&cc=1`;
        const page = await openMap(district, query);
        // The table as a screen reader finds it: by its caption.
        const caption = text(await page.textContent('#crime-map-ranking caption'));
        expect(caption, query).toMatch(new RegExp(`^Top 5 wards by .*, ${without}, `));
        expect(await page.getByRole('table', { name: caption, exact: true }).count(), query).toBe(
          1,
        );
        const legend = page.locator('.crime-map__legend');
        expect(text(await legend.locator('.crime-map__label').textContent()), query).toContain(
          `, ${without}, `,
        );
        expect(await legend.getAttribute('aria-label'), query).toMatch(
          new RegExp(`^Legend: .*, ${without}$`),
        );
        // A ward's tooltip, which gives its count and its rate whichever the measure, names
        // it without the centre when some of its crimes are the centre's (its count and rate
        // leave them out), its rate alone when some of its residents alone are (its count is
        // the same either way), and it alone, as with the centre in, when none are: "Wetherby
        // without the city centre" would say Wetherby holds part of it.
        // In its figures, before its rank, which is among every ward's figures without the
        // centre and says so, whether or not the centre reaches the ward.
        const namings = (tooltip: string) =>
          tooltip.split('; ')[0]!.split(`without the ${district.centre}`).length - 1;
        const rankWithout = new RegExp(
          `; \\d+\\w\\w( \\(tied\\))? of \\d+ by ${measure} without the ${district.centre}( \\(|;|$)`,
        );
        for (const ward of touched) {
          const tooltip = await tooltipOf(page, district, ward);
          expect(tooltip, query).toMatch(
            new RegExp(`^${escaped(ward.name)} without the ${district.centre}: [\\d,]+ `),
          );
          expect(namings(tooltip), `${query}: ${tooltip}`).toBe(1);
          expect(tooltip, query).toMatch(rankWithout);
        }
        for (const ward of residentsAlone) {
          const tooltip = await tooltipOf(page, district, ward);
          expect(tooltip, query).toMatch(
            new RegExp(
              `^${escaped(ward.name)}: [\\d,]+ [a-z -]+, \\S+ per 1,000 residents [a-z\\d ]+ without the ${district.centre}(;|$)`,
            ),
          );
          expect(namings(tooltip), `${query}: ${tooltip}`).toBe(1);
          expect(tooltip, query).toMatch(rankWithout);
        }
        for (const ward of untouched) {
          const tooltip = await tooltipOf(page, district, ward);
          expect(tooltip, query).toMatch(new RegExp(`^${escaped(ward.name)}: [\\d,]+ `));
          expect(namings(tooltip), `${query}: ${tooltip}`).toBe(0);
          expect(tooltip, query).toMatch(rankWithout);
        }
        expect(await seriousA11yViolations(page), query).toEqual([]);
      }
      // With the centre in, none says so.
      const page = await openMap(district, '?view=wards');
      expect(await page.textContent('#crime-map-ranking caption')).not.toContain('without the');
      expect(await page.textContent('.crime-map__legend')).not.toContain('without the');
      for (const ward of [...touched.slice(0, 1), ...untouched.slice(0, 1)]) {
        expect(await tooltipOf(page, district, ward)).toMatch(
          new RegExp(`^${escaped(ward.name)}: [\\d,]+ `),
        );
      }
    },
  );

  it.each(['leeds', 'sheffield'])(
    "%s at 390 px: the phone's bar and the heat legend, with no sideways scroll",
    async (slug) => {
      const district = DISTRICTS.find((d) => d.slug === slug)!;
      const without = `${district.name} without the ${district.centre}`;
      for (const query of ['?cc=1', '?view=wards&measure=rate&cc=1']) {
        const page = await openMap(district, query, PHONE);
        expect(text(await page.textContent('.crime-map__bar-summary')), query).toMatch(
          new RegExp(`^[\\d,]+ [a-z -]+, ${without}, `),
        );
        if (query === '?cc=1') {
          expect(text(await page.textContent('.crime-map__legend')), query).toMatch(
            new RegExp(`^Density of [a-z -]+, ${without}, `),
          );
        }
        expect((await accessibleText(page, '.crime-map__map')).description, query).toContain(
          `, ${without}. `,
        );
        const scroll = await page.evaluate(() => ({
          width: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
        }));
        expect(scroll.width, query).toBeLessThanOrEqual(scroll.client);
        expect(await seriousA11yViolations(page), query).toEqual([]);
      }
    },
  );
});

describe("the map's description with the centre left out", () => {
  /** What the map is described as to a screen reader (its aria-describedby). */
  const described = async (page: Page) =>
    (await accessibleText(page, '.crime-map__map')).description;

  it.each(['leeds', 'sheffield'] as const)(
    '%s: says the district without its centre, in each view and measure, and follows the switch',
    async (slug) => {
      const district = DISTRICTS.find((d) => d.slug === slug)!;
      const without = `${district.name} without the ${district.centre}`;
      for (const [query, shows] of [
        ['?cc=1', `Heatmap of [a-z -]+, ${without}\\. `],
        ['?view=wards&cc=1', `Wards coloured by [a-z -]+, ${without}\\. `],
        [
          '?view=wards&measure=rate&cc=1',
          `Wards coloured by [a-z -]+ per 1,000 residents, ${without}\\. `,
        ],
      ] as const) {
        const page = await openMap(district, query);
        expect(await described(page), query).toMatch(new RegExp(`^${shows}`));
        if (query !== '?view=wards&measure=rate&cc=1') continue;
        // The switch off and on again, without a reload: the description follows it.
        const exclude = page.getByRole('switch', { name: `Exclude ${district.centre}` });
        await afterUpdate(page, () => exclude.uncheck());
        expect(await described(page)).toMatch(
          /^Wards coloured by [a-z -]+ per 1,000 residents\. Arrow keys pan/,
        );
        await afterUpdate(page, () => exclude.check());
        expect(await described(page)).toMatch(new RegExp(`^${shows}Arrow keys pan`));
        expect(await seriousA11yViolations(page), query).toEqual([]);
      }
    },
  );
});

describe("Sheffield's City ward, wholly in the centre, with the centre left out", () => {
  it.each(['count', 'rate'])(
    'by %s: is not ranked, coloured or counted as 0, and the ranking, legend, tooltip and details say why',
    async (measure) => {
      const district = DISTRICTS.find((d) => d.slug === 'sheffield')!;
      const query = `?view=wards&measure=${measure}&cc=1`;
      const page = await openMap(district, query);
      const city = await outlineOf(district, 'city');
      expect(city).toBeGreaterThanOrEqual(0);
      // No fill: not the lightest colour, which the legend gives the fewest crimes.
      const fill = await page
        .locator('path.leaflet-interactive')
        .nth(city)
        .getAttribute('fill-opacity');
      expect(Number(fill), query).toBe(0);
      expect(text(await page.textContent('#crime-map-legend-left-out')), query).toBe(
        'No colour: City, wholly in the city centre, which is left out',
      );
      expect(await page.locator('#crime-map-legend-unrated').count(), query).toBe(0);
      expect(await tooltipOf(page, district, { slug: 'city', name: 'City' }), query).toBe(
        'City: wholly in the city centre, which is left out',
      );
      // The whole ranking, from the keyboard: City last, without a rank or a figure.
      await page.getByRole('button', { name: /^Show all \d+ wards$/ }).press('Enter');
      await page.getByRole('button', { name: 'Show the top 5 only' }).waitFor();
      const rows = await page.$$eval('#crime-map-ranking tbody tr', (trs) =>
        trs.map((tr) => [...tr.children].map((cell) => cell.textContent?.trim() ?? '')),
      );
      expect(rows.at(-1), query).toEqual(['–', 'City', 'n/a', 'n/a']);
      expect(
        rows
          .slice(0, -1)
          .map(([rank]) => rank)
          .includes('–'),
        query,
      ).toBe(false);
      expect(text(await page.textContent('#crime-map-ranking tfoot')), query).toBe(
        'City is not ranked: it lies wholly in the city centre, which is left out.',
      );
      // The ward stays the keyboard's to open: its details say why they hold no figures.
      await page.getByRole('button', { name: 'City', exact: true }).press('Enter');
      const details = page.locator('#crime-map-ward-left-out');
      await details.waitFor();
      expect(text(await details.textContent()), query).toMatch(
        /^City lies wholly in the city centre, which is left out: none of its crimes or residents are counted/,
      );
      expect(await page.locator('#crime-map-ward dl').count(), query).toBe(0);
      expect(await seriousA11yViolations(page), query).toEqual([]);
    },
  );

  it('at 390 px: the whole ranking and the details fit, with no sideways scroll', async () => {
    const district = DISTRICTS.find((d) => d.slug === 'sheffield')!;
    const page = await openMap(district, '?view=wards&cc=1', PHONE);
    await page.getByRole('button', { name: 'Filters and figures' }).click();
    await page.getByRole('button', { name: /^Show all \d+ wards$/ }).click();
    const foot = page.locator('#crime-map-ranking tfoot');
    await foot.scrollIntoViewIfNeeded();
    expect(await foot.isVisible()).toBe(true);
    const sideways = () =>
      page.evaluate(() => {
        const over = [...document.querySelectorAll('#crime-map-ranking, #crime-map-ward')].filter(
          (el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5,
        );
        return {
          scroll: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          over: over.map((el) => el.id),
        };
      });
    expect(await sideways()).toEqual({ scroll: 0, over: [] });
    await page.getByRole('button', { name: 'City', exact: true }).click();
    await page.locator('#crime-map-ward-left-out').waitFor();
    expect(await sideways()).toEqual({ scroll: 0, over: [] });
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});

describe("a ward's details with the centre left out, opened by its address", () => {
  /**
   * The details' count (its term and figure), its rate's term, its trend's caption and the
   * chart's name.
   */
  async function detailsOf(page: Page) {
    const details = page.locator('#crime-map-ward');
    await details.locator('.crime-map__trend').waitFor();
    return {
      term: text(await details.locator('dt:has(+ #crime-map-ward-count)').textContent()),
      count: text(await details.locator('#crime-map-ward-count').textContent()),
      rateTerm: text(await details.locator('dt:has(+ #crime-map-ward-rate)').textContent()),
      caption: text(await details.locator('p.crime-map__label').textContent()),
      chart: (await accessibleText(page, '#crime-map-ward .crime-map__trend')).name,
    };
  }

  it('the count and trend of a ward with centre crimes, the rate of one with centre crimes or residents, say so, the others as with it in, at 390 px too', async () => {
    for (const slug of ['leeds', 'sheffield'] as const) {
      const district = DISTRICTS.find((d) => d.slug === slug)!;
      const data = readMapData(slug);
      const out = figuresOf(data, { excludeCityCentre: true });
      const inside = figuresOf(data, {});
      // The ward whose count the centre left out lowers most (Leeds: one holding part of LS1
      // or LS2; Sheffield's centre reaches no ward but the one it holds whole), the one with
      // most residents in it of those none of whose crimes are (Leeds: an LS1 or LS2 postcode
      // at an organisation's site), whose rate alone it changes, and one it does not reach.
      // In the window's months (the count's), and in the trend's (the window's last 24).
      const crimes = wardsWithCentreCrimes(data, out.filter);
      const changed = wardsTheCentreChanges(data, out.filter);
      const { types, to } = out.filter;
      const trendFrom = Math.max(0, to - TREND_MONTHS + 1);
      const inTrend = wardsWithCentreCrimes(data, { types, from: trendFrom, to });
      const lowered = data.wards
        .map((_, i) => ({ i, by: (inside.totals[i] ?? 0) - (out.totals[i] ?? 0) }))
        .filter(({ i, by }) => by > 0 && !out.leftOut.has(i))
        .sort((a, b) => b.by - a.by);
      const residentsAlone = data.wards
        .map((w, i) => ({ i, residents: w.cityCentreResidents }))
        .filter(({ i }) => changed.has(i) && !crimes.has(i))
        .sort((a, b) => b.residents - a.residents);
      const untouched = data.wards.findIndex((_, i) => !changed.has(i));
      const without = ` without the ${district.centre}`;
      const wards = [
        ...lowered.slice(0, 1).map(({ i }) => ({ i, named: without, rateNamed: without })),
        ...residentsAlone.slice(0, 1).map(({ i }) => ({ i, named: '', rateNamed: without })),
        { i: untouched, named: '', rateNamed: '' },
      ];
      expect(wards.length, slug).toBe(slug === 'leeds' ? 3 : 1);
      for (const { i, named, rateNamed } of wards) {
        const ward = data.wards[i]!;
        const trendNamed = inTrend.has(i) ? without : '';
        for (const viewport of [DESKTOP, PHONE]) {
          const query = `?cc=1&ward=${ward.slug}`;
          const at = `${query} at ${viewport.width} px`;
          const page = await openMap(district, query, viewport);
          const details = await detailsOf(page);
          expect(details.term, at).toBe(`Crimes and anti-social behaviour incidents${named}`);
          expect(details.count, at).toBe((out.totals[i] ?? 0).toLocaleString('en-GB'));
          expect(details.rateTerm, at).toBe(`Rate${rateNamed}`);
          expect(details.caption, at).toMatch(
            new RegExp(`^Crimes and anti-social behaviour incidents per month${trendNamed}, \\d+ `),
          );
          expect(details.chart, at).toMatch(
            new RegExp(
              `^Crimes and anti-social behaviour incidents per month in ${escaped(ward.name)}${trendNamed}, `,
            ),
          );
          const scroll = await page.evaluate(() => ({
            width: document.documentElement.scrollWidth,
            client: document.documentElement.clientWidth,
          }));
          expect(scroll.width, at).toBeLessThanOrEqual(scroll.client);
          expect(await seriousA11yViolations(page), at).toEqual([]);
        }
        // With the centre in, the same ward's details do not name it.
        const page = await openMap(district, `?ward=${ward.slug}`);
        const details = await detailsOf(page);
        expect(details.term, ward.name).toBe('Crimes and anti-social behaviour incidents');
        expect(details.rateTerm, ward.name).toBe('Rate');
        expect(details.caption, ward.name).toMatch(
          /^Crimes and anti-social behaviour incidents per month, \d+ /,
        );
      }
    }
  });
  it('a ward whose centre crimes the window leaves out but its trend holds: its count and tooltip as with the centre in, its trend without it', async () => {
    const district = DISTRICTS.find((d) => d.slug === 'leeds')!;
    const data = readMapData('leeds');
    const without = ` without the ${district.centre}`;
    // A view of one type in one month, and a ward with centre crimes of that type in the
    // trend's earlier months and none in that month: the latest such month, the first type.
    const found = (() => {
      for (const type of CRIME_TYPES) {
        const t = data.crimeTypes.indexOf(type);
        for (let m = data.months.length - 1; m >= 0; m--) {
          if (!data.hasData[m]) continue;
          const window = wardsWithCentreCrimes(data, { types: [t], from: m, to: m });
          const trend = wardsWithCentreCrimes(data, {
            types: [t],
            from: Math.max(0, m - 23),
            to: m,
          });
          const ward = [...trend].find((w) => !window.has(w));
          if (ward !== undefined) return { type, month: data.months[m]!, ward };
        }
      }
      return null;
    })();
    expect(found).not.toBeNull();
    const { type, month, ward } = found!;
    const w = data.wards[ward]!;
    const query = `?cc=1&type=${crimeTypeSlug(type)}&from=${month}&to=${month}`;
    const out = figuresOf(data, { excludeCityCentre: true, types: [type], from: month, to: month });
    const inside = figuresOf(data, { types: [type], from: month, to: month });
    expect(out.totals[ward], query).toBe(inside.totals[ward]);
    const page = await openMap(district, `${query}&view=wards&ward=${w.slug}`);
    const details = await detailsOf(page);
    const noun = capitalise(out.noun);
    expect(details.term, query).toBe(noun);
    expect(details.count, query).toBe((out.totals[ward] ?? 0).toLocaleString('en-GB'));
    expect(details.caption, query).toMatch(
      new RegExp(`^${escaped(noun)} per month${without}, \\d+ `),
    );
    expect(details.chart, query).toMatch(
      new RegExp(`^${escaped(noun)} per month in ${escaped(w.name)}${without}, `),
    );
    expect(await page.locator('#crime-map-ward summary').allTextContents(), query).toEqual([
      'By crime type',
      `Monthly figures${without}`,
    ]);
    // Its tooltip, on the map of the same view, names it alone.
    const map = await openMap(district, `${query}&view=wards`);
    const tooltip = await tooltipOf(map, district, w);
    expect(tooltip, query).toMatch(new RegExp(`^${escaped(w.name)}: `));
  });
});
