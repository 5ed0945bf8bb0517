// Helpers for the map page tests: drive the island and read its figures from the page, and
// compute the figures a filter should give, independently of the island's own code: from the
// committed site data (ward x month x type counts) and by a plain loop over the map data's
// entries (for the city-centre switch, which the site data cannot answer).
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { CITY_CENTRE_POSTCODE_DISTRICTS } from '../../src/shared/constants.ts';
import { decodeMapData, FLAG_CITY_CENTRE, type MapData } from '../../src/shared/map-data.ts';
import { parseOrThrow, siteDataSchema, type SiteData } from '../../src/shared/schema.ts';

export interface WardFigure {
  name: string;
  count: number;
}

export interface Figures {
  total: number;
  /** The ranking as the page lists it, in order. */
  wards: WardFigure[];
}

export interface ExpectedFilter {
  /** Crime type names; all of them when omitted. */
  types?: readonly string[];
  from: string;
  to: string;
  excludeCityCentre?: boolean;
}

export async function readSiteData(): Promise<SiteData> {
  const text = await readFile('src/data/site-data.json', 'utf8');
  return parseOrThrow(siteDataSchema, JSON.parse(text), 'src/data/site-data.json');
}

/** The map data exactly as the built site serves it. */
export async function readBuiltMapData(): Promise<MapData> {
  return decodeMapData(new Uint8Array(gunzipSync(await readFile('dist/data/map-data.bin.gz'))));
}

function ranked(figures: WardFigure[]): WardFigure[] {
  return [...figures].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, 'en-GB'));
}

/** Crimes per ward for a filter, from the site data (no city-centre switch: it has no postcodes). */
export function expectedFromSiteData(data: SiteData, filter: ExpectedFilter): Figures {
  if (filter.excludeCityCentre) throw new Error('The site data cannot exclude the city centre');
  const types = new Set(filter.types ?? data.crimeTypes);
  const months = data.months
    .map((month, m) => ({ month, m }))
    .filter(({ month }) => month >= filter.from && month <= filter.to);
  const wards = data.wards.map((ward, w) => {
    let count = 0;
    for (const { m } of months) {
      data.counts[w]?.[m]?.forEach((n, t) => {
        if (types.has(data.crimeTypes[t] ?? '')) count += n;
      });
    }
    return { name: ward.name, count };
  });
  return { total: wards.reduce((a, w) => a + w.count, 0), wards: ranked(wards) };
}

/** Crimes per ward for a filter, by one plain pass over the map data's entries. */
export function expectedFromMapEntries(data: MapData, filter: ExpectedFilter): Figures {
  const types = new Set(filter.types ?? data.crimeTypes);
  const counts = data.wards.map(() => 0);
  let total = 0;
  data.months.forEach((month, m) => {
    if (month < filter.from || month > filter.to) return;
    for (let e = data.monthStart[m] ?? 0; e < (data.monthStart[m + 1] ?? 0); e++) {
      const point = data.entryPoint[e] ?? 0;
      if (!types.has(data.crimeTypes[data.entryType[e] ?? 0] ?? '')) continue;
      if (filter.excludeCityCentre && ((data.pointFlags[point] ?? 0) & FLAG_CITY_CENTRE) !== 0) {
        continue;
      }
      const n = data.entryCount[e] ?? 0;
      total += n;
      const ward = data.pointWard[point] ?? 255;
      if (ward < counts.length) counts[ward] = (counts[ward] ?? 0) + n;
    }
  });
  return {
    total,
    wards: ranked(data.wards.map((w, i) => ({ name: w.name, count: counts[i] ?? 0 }))),
  };
}

export const CITY_CENTRE_STATEMENT = `City centre = postcode districts ${CITY_CENTRE_POSTCODE_DISTRICTS.join(' and ')}`;

function parseCount(text: string | null): number {
  const n = Number((text ?? '').replace(/[^\d]/g, ''));
  if (!Number.isFinite(n) || (text ?? '').trim() === '') throw new Error(`Not a count: "${text}"`);
  return n;
}

/** Wait until the island has drawn its map and figures for the first time. */
export async function waitForMap(page: Page): Promise<void> {
  await page.waitForSelector('.crime-map[data-ready="true"][data-updates]', { timeout: 15_000 });
}

/**
 * Run `action` and wait until the island has redrawn map and figures after it, and has written
 * the change to the address bar (which it does once the redraw is painted).
 */
export async function afterUpdate(page: Page, action: () => Promise<void>): Promise<void> {
  const before = Number(await page.getAttribute('.crime-map', 'data-updates'));
  await action();
  await page.waitForFunction(
    (n) => {
      const root = document.querySelector('.crime-map');
      return Number(root?.getAttribute('data-updates')) > n && !root?.hasAttribute('data-history');
    },
    before,
    { timeout: 10_000 },
  );
}

/** The total and the ranking as the page shows them now. */
export async function readFigures(page: Page): Promise<Figures> {
  const total = parseCount(await page.textContent('#crime-map-total'));
  const rows = await page.$$eval('#crime-map-ranking tbody tr', (trs) =>
    trs.map((tr) => ({
      name: tr.querySelector('th')?.textContent?.trim() ?? '',
      count: tr.querySelectorAll('td')[1]?.textContent ?? '',
    })),
  );
  return { total, wards: rows.map((r) => ({ name: r.name, count: parseCount(r.count) })) };
}

/** The query string the island wrote into the address bar. */
export async function currentQuery(page: Page): Promise<URLSearchParams> {
  return new URL(page.url()).searchParams;
}

/**
 * Press `key` `times` times in a quick run, as a person tapping an arrow key does (the page
 * is not waited for between presses), then wait until the address bar satisfies `settled`
 * and no history entry is waiting to be written.
 */
export async function pressInARun(
  page: Page,
  key: string,
  times: number,
  settled: (url: URL) => boolean,
): Promise<void> {
  for (let i = 0; i < times; i++) await page.keyboard.press(key, { delay: 20 });
  await page.waitForURL(settled, { timeout: 10_000 });
  await page.waitForFunction(
    () => !document.querySelector('.crime-map')?.hasAttribute('data-history'),
    undefined,
    { timeout: 10_000 },
  );
}

/**
 * The accessible name and description of the element `selector` matches, as Chromium gives
 * them to a screen reader (the DevTools protocol's accessibility tree).
 */
export async function accessibleText(
  page: Page,
  selector: string,
): Promise<{ name: string; description: string }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    if (nodeId === 0) throw new Error(`No element matches ${selector}`);
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', {
      nodeId,
      fetchRelatives: false,
    });
    const node = nodes[0];
    if (node === undefined) throw new Error(`${selector} is not in the accessibility tree`);
    const text = (v: { value?: unknown } | undefined) =>
      typeof v?.value === 'string' ? v.value : '';
    return { name: text(node.name), description: text(node.description) };
  } finally {
    await cdp.detach();
  }
}
