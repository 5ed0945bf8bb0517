// The base map's tile server and credit are set when the site is built (PUBLIC_TILE_URL,
// PUBLIC_TILE_ATTRIBUTION). This builds the site a second time, with both set, into a
// temporary folder, and checks that the map asks that server for its tiles and credits it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import chromium from '@sparticuz/chromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium as playwright, type Browser } from 'playwright-core';
import { buildSite } from '../support/astro-build.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { TILE_HOST } from './support.ts';
import { waitForMap } from './map-page.ts';

const TILE_URL = 'https://tiles.example.test/leeds/{z}/{x}/{y}.png';
const ATTRIBUTION = 'Tiles &copy; Example Maps';
const BLANK_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

let outDir: string;
let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'leeds-tiles-'));
  await buildSite({
    outDir,
    env: { PUBLIC_TILE_URL: TILE_URL, PUBLIC_TILE_ATTRIBUTION: ATTRIBUTION },
  });
  server = await serveStatic(outDir);
  browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    args: [...chromium.args.filter((f) => f !== '--single-process'), '--no-sandbox'],
    headless: true,
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir !== undefined) await rm(outDir, { recursive: true, force: true });
});

describe('base map tiles set at build time', () => {
  it('come from PUBLIC_TILE_URL, credited with PUBLIC_TILE_ATTRIBUTION, and never from OpenStreetMap', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const asked: string[] = [];
    const osm: string[] = [];
    await context.route('https://tiles.example.test/**', (route) => {
      asked.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'image/png', body: BLANK_PNG });
    });
    await context.route(`${TILE_HOST}**`, (route) => {
      osm.push(route.request().url());
      return route.abort();
    });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/`);
      await waitForMap(page);
      await page.waitForFunction(
        () => document.querySelectorAll('img.leaflet-tile-loaded').length > 0,
      );
      expect(asked.length).toBeGreaterThan(0);
      expect(
        asked.every((url) =>
          /^https:\/\/tiles\.example\.test\/leeds\/\d+\/\d+\/\d+\.png$/.test(url),
        ),
      ).toBe(true);
      expect(osm).toEqual([]);
      expect(await page.textContent('.leaflet-control-attribution')).toContain(
        'Tiles © Example Maps',
      );
    } finally {
      await context.close();
    }
  });
});
