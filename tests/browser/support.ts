// Shared by every browser test: headless Chromium (@sparticuz/chromium driven by
// playwright-core) against the built site that global-setup.ts serves, console error capture,
// the axe-core check and screenshots saved as artifacts in test-results/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import chromium from '@sparticuz/chromium';
import {
  chromium as playwright,
  type Browser,
  type BrowserContext,
  type Page,
} from 'playwright-core';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';

export const SCREENSHOT_DIR = path.resolve('test-results');

/** Map tiles come from here; tests never reach the internet, so they answer locally. */
export const TILE_HOST = 'https://tile.openstreetmap.org/';

/** A 1 x 1 transparent PNG, standing in for a tile server that works. */
const BLANK_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

/** The base URL of the built site under test, e.g. "http://127.0.0.1:41234". */
export function siteUrl(): string {
  return inject('siteUrl');
}

/**
 * @sparticuz/chromium's flags are tuned for AWS Lambda; --single-process there makes Chromium
 * exit when a browser context closes, so tests that open a fresh context each would crash it.
 */
const UNSUITED_FLAGS = new Set(['--single-process']);

export async function launchBrowser(): Promise<Browser> {
  return playwright.launch({
    executablePath: await chromium.executablePath(),
    args: [...chromium.args.filter((flag) => !UNSUITED_FLAGS.has(flag)), '--no-sandbox'],
    headless: true,
  });
}

/**
 * A test file's browser and the pages its tests open: the browser is launched before the
 * file's tests and closed after them; each page (its own context) is closed after the test
 * that opened it, so tests never share a page.
 */
export function browserPages(): {
  browser(): Browser;
  open(pathAndQuery: string, options?: OpenPageOptions): Promise<OpenedPage>;
} {
  let launched: Browser | undefined;
  const opened: OpenedPage[] = [];
  beforeAll(async () => {
    launched = await launchBrowser();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((o) => o.context.close()));
  });
  afterAll(async () => {
    await launched?.close();
  });
  const browser = (): Browser => {
    if (launched === undefined) throw new Error('the browser is launched before the tests');
    return launched;
  };
  return {
    browser,
    async open(pathAndQuery, options) {
      const o = await openPage(browser(), pathAndQuery, options);
      opened.push(o);
      return o;
    },
  };
}

export interface OpenPageOptions {
  /** false: the page as a visitor without JavaScript sees it. */
  javaScript?: boolean;
  /** 'blank': tiles load (as transparent images); 'fail': every tile request fails. */
  tiles?: 'blank' | 'fail';
  viewport?: { width: number; height: number };
  /** Requests answered by the test instead of the site (glob patterns, first match wins). */
  routes?: readonly FakeResponse[];
  /**
   * Called with the fresh context before the page loads: to watch its requests (a route added
   * here runs before the ones above; route.fallback() hands a request on) or add scripts.
   */
  beforeLoad?: (context: BrowserContext) => Promise<unknown>;
  /** The site to open the page of, when not the one global-setup.ts serves (siteUrl). */
  baseUrl?: string;
}

export interface FakeResponse {
  pattern: string;
  status?: number;
  contentType?: string;
  body: string | Buffer;
}

export interface OpenedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions, in order, as "type: text (url)". */
  consoleErrors: string[];
  /** Failed loads of map tiles, reported apart because 'fail' mode causes them on purpose. */
  tileErrors: string[];
}

/** Open `pathAndQuery` (e.g. "/?view=wards") in a fresh context and wait for the load event. */
export async function openPage(
  browser: Browser,
  pathAndQuery: string,
  options: OpenPageOptions = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScript ?? true,
    viewport: options.viewport ?? { width: 1280, height: 900 },
  });
  await context.route(`${TILE_HOST}**`, (route) =>
    options.tiles === 'fail'
      ? route.abort('internetdisconnected')
      : route.fulfill({ status: 200, contentType: 'image/png', body: BLANK_PNG }),
  );
  for (const fake of options.routes ?? []) {
    await context.route(fake.pattern, (route) =>
      route.fulfill({
        status: fake.status ?? 200,
        contentType: fake.contentType ?? 'text/plain',
        body: fake.body,
      }),
    );
  }
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const tileErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    const line = `console.error: ${message.text()} (${url})`;
    if (url.startsWith(TILE_HOST)) tileErrors.push(line);
    else consoleErrors.push(line);
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  await options.beforeLoad?.(context);
  await page.goto(new URL(pathAndQuery, options.baseUrl ?? siteUrl()).href);
  return { page, context, consoleErrors, tileErrors };
}

/**
 * axe-core violations of impact serious or critical on the page as it is now, each as
 * "rule: help (selectors)", so a failing assertion says what to fix.
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/**
 * Save a screenshot as test-results/<name>.png for a person to look at: the whole page, or
 * (fullPage false) the screen as the visitor sees it, with its fixed panels in place.
 */
export async function saveScreenshot(
  page: Page,
  name: string,
  { fullPage = true }: { fullPage?: boolean } = {},
): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}
