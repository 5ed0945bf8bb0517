// What a screen reader is given of the map itself, read from Chromium's accessibility tree (the
// DevTools protocol's Accessibility domain): the map's region and what lies inside it.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import type { SiteData } from '../../src/shared/schema.ts';
import { monthRange } from '../../src/shared/months.ts';
import { browserPages } from './support.ts';
import { afterUpdate, readSiteData, waitForMap } from './map-page.ts';

// Several pages, each read whole by the accessibility tree, on a busy shared machine.
vi.setConfig({ testTimeout: 90_000 });

const SIZES = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
};

const pages = browserPages();
let site: SiteData;

beforeAll(async () => {
  site = await readSiteData();
});

async function openMap(size: keyof typeof SIZES, query = ''): Promise<Page> {
  const { page } = await pages.open(`/${query}`, { viewport: SIZES[size] });
  await waitForMap(page);
  return page;
}

/** One node of the accessibility tree as a screen reader is given it. */
interface AxNode {
  role: string;
  name: string;
  description: string;
  focusable: boolean;
}

interface CdpAxValue {
  value?: unknown;
}

interface CdpAxNode {
  nodeId: string;
  ignored: boolean;
  role?: CdpAxValue;
  name?: CdpAxValue;
  description?: CdpAxValue;
  properties?: { name: string; value: CdpAxValue }[];
  childIds?: string[];
  backendDOMNodeId?: number;
}

const text = (v: CdpAxValue | undefined): string => (typeof v?.value === 'string' ? v.value : '');

/**
 * The node of the element `selector` matches, and every node under it that the tree does not
 * ignore (what a screen reader can reach), in the tree's order.
 */
async function accessibilityTree(
  page: Page,
  selector: string,
): Promise<{ node: AxNode; inside: AxNode[] }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    if (nodeId === 0) throw new Error(`No element matches ${selector}`);
    const { node: domNode } = await cdp.send('DOM.describeNode', { nodeId });
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: CdpAxNode[] };
    const byId = new Map(nodes.map((n) => [n.nodeId, n]));
    const top = nodes.find((n) => n.backendDOMNodeId === domNode.backendNodeId);
    if (top === undefined) throw new Error(`${selector} is not in the accessibility tree`);
    const shown = (n: CdpAxNode): AxNode => ({
      role: text(n.role),
      name: text(n.name),
      description: text(n.description),
      focusable:
        n.properties?.some((p) => p.name === 'focusable' && p.value.value === true) ?? false,
    });
    const inside: AxNode[] = [];
    const visit = (n: CdpAxNode) => {
      for (const id of n.childIds ?? []) {
        const child = byId.get(id);
        if (child === undefined) continue;
        if (!child.ignored) inside.push(shown(child));
        visit(child);
      }
    };
    visit(top);
    return { node: shown(top), inside };
  } finally {
    await cdp.detach();
  }
}

/** Roles Chromium gives drawings and their parts. */
const GRAPHIC_ROLES = new Set([
  'SvgRoot',
  'graphics-document',
  'graphics-object',
  'graphics-symbol',
  'image',
  'img',
]);

describe.each(['desktop', 'phone'] as const)("the map's accessibility tree on a %s", (size) => {
  it('gives a screen reader no unnamed graphic or stop inside the map: the ward outlines are hidden', async () => {
    const armley = site.wards.find((w) => w.slug === 'armley');
    if (armley === undefined) throw new Error('The sample has no Armley ward');
    // The heatmap over outlines, the wards' colours, and a ward picked (its halo drawn too).
    for (const query of ['', '?view=wards', '?view=wards&measure=rate&ward=armley']) {
      const page = await openMap(size, query);
      expect(await page.locator('path.leaflet-interactive').count(), query).toBe(site.wards.length);
      const { inside } = await accessibilityTree(page, '.crime-map__map');
      const unnamed = inside.filter(
        (n) => n.name.trim() === '' && (GRAPHIC_ROLES.has(n.role) || n.focusable),
      );
      expect(
        unnamed.map((n) => `${n.role}${n.focusable ? ' (focusable)' : ''}`),
        query,
      ).toEqual([]);
      // What is left is named: the zoom buttons and the base map's credits.
      expect(
        inside.filter((n) => n.focusable).map((n) => n.name),
        query,
      ).toEqual(expect.arrayContaining(['Zoom in', 'Zoom out']));
    }
  });

  it('names the map shortly, and describes what it shows and how to move it', async () => {
    const gap = monthRange(site.months[0] ?? '', site.months.at(-1) ?? '').find(
      (m) => !site.months.includes(m),
    );
    if (gap === undefined) throw new Error('The sample has no month without data');
    // Each: the query, and what the description says the map shows.
    const states: [string, RegExp][] = [
      ['', /^Heatmap of crimes and anti-social behaviour incidents\. /],
      ['?view=wards', /^Wards coloured by crimes and anti-social behaviour incidents\. /],
      [
        '?view=wards&measure=rate&type=burglary',
        /^Wards coloured by crimes per 1,000 residents\. /,
      ],
      ['?view=wards&type=', /^Nothing drawn, no crime types chosen\. /],
      [`?from=${gap}&to=${gap}`, /^Nothing drawn, no data for \w{3} \d{4}\. /],
    ];
    for (const [query, shows] of states) {
      const page = await openMap(size, query);
      const { node } = await accessibilityTree(page, '.crime-map__map');
      expect(node.role, query).toBe('region');
      // A name a screen reader says on every move into the map: the map, no more.
      expect(node.name, query).toMatch(/^Map of \S/);
      expect(node.name, query).not.toMatch(/arrow|zoom|pan|ranking|search|heatmap|wards/i);
      expect(node.name.length, query).toBeLessThanOrEqual(40);
      // What it shows and how to use it: in the description, read after the name.
      expect(node.description, query).toMatch(shows);
      expect(node.description, query).toContain(
        'Arrow keys pan, plus and minus zoom; pick a ward from the ranking or the search.',
      );
    }
    // A map that could not be drawn says so in its description, under the same name.
    const { page } = await pages.open('/', {
      viewport: SIZES[size],
      routes: [{ pattern: '**/_astro/leaflet-heat*.js', status: 404, body: 'gone' }],
    });
    await page.waitForSelector('.crime-map__error[role="alert"]');
    const { node } = await accessibilityTree(page, '.crime-map__map');
    expect(node.name).toMatch(/^Map of \S+$/);
    expect(node.description).toMatch(/could not be drawn; the figures beside it are still right/);
  });

  it("says the map's description once: as the map's, not also as text of the page", async () => {
    // The map drawn, and the map that could not be drawn, each with its own description.
    const drawn = await openMap(size, '?view=wards');
    const broken = (
      await pages.open('/', {
        viewport: SIZES[size],
        routes: [{ pattern: '**/_astro/leaflet-heat*.js', status: 404, body: 'gone' }],
      })
    ).page;
    await broken.waitForSelector('.crime-map__error[role="alert"]');
    for (const [page, words] of [
      [drawn, 'Arrow keys pan'],
      [broken, 'It could not be drawn'],
    ] as const) {
      const { node: map } = await accessibilityTree(page, '.crime-map__map');
      expect(map.description).toContain(words);
      // Everything a screen reader can read on the page: the description's words nowhere but in
      // the map's description (read out of place, "Arrow keys pan" says nothing).
      const { inside } = await accessibilityTree(page, 'main');
      const readAsText = inside.filter((n) => n.name.includes(words)).map((n) => n.role);
      expect(readAsText, words).toEqual([]);
    }
    // Hidden, it still follows the filters: the wards by rate, without a reload.
    if (size === 'phone') await drawn.getByRole('button', { name: 'Filters and figures' }).click();
    await afterUpdate(drawn, () => drawn.getByRole('radio', { name: /per 1,000/ }).check());
    expect((await accessibilityTree(drawn, '.crime-map__map')).node.description).toMatch(
      /^Wards coloured by crimes and anti-social behaviour incidents per 1,000 residents\. /,
    );
  });

  it('still names the ward under the pointer, and opens the ward clicked', async () => {
    const page = await openMap(size, '?view=wards');
    const map = await page.locator('.crime-map__map').boundingBox();
    if (map === null) throw new Error('The map is not shown');
    // The middle of the map lies in a ward in every layout.
    const x = map.x + map.width / 2;
    const y = map.y + map.height / 2;
    await page.mouse.move(x, y);
    const tooltip = page.locator('.leaflet-tooltip');
    await tooltip.waitFor();
    const named = ((await tooltip.textContent()) ?? '').split(':')[0] ?? '';
    expect(site.wards.map((w) => w.name)).toContain(named);
    await page.mouse.click(x, y);
    await page.waitForSelector('#crime-map-ward-name');
    expect(await page.textContent('#crime-map-ward-name')).toBe(named);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('crime-map-ward-name');
  });
});
