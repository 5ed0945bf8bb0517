// The map page in a real headless Chromium against the built site on 127.0.0.1: time until
// interactive, JS heap, what the browser downloads, and the latency of filter changes.
//
// The island marks its root `.crime-map` with data-ready="true" once the map exists and bumps
// data-updates after each redraw of map and figures (before the browser paints). Each change
// is measured in the page from the timeStamp of the trusted input event (click, key press,
// pointer move while dragging) to the end of the frame that shows the redraw: the next
// requestAnimationFrame (where leaflet.heat draws its canvas) and a message posted from it,
// which runs once that frame has been rendered. Two figures per change:
//   total  input event -> frame rendered: what the user waits for. It includes the idle wait
//          for the display's next frame, 0-16.7 ms at 60 Hz whatever the work. Judged as the
//          input-to-painted-frame target.
//   work   total minus that idle wait (from the redraw in script to the frame's start): the
//          time the change keeps the page busy. Judged as the work target.
// Both count from the input event, so both hold the browser's wait before it dispatches the
// event to the page (the input delay, reported beside them): a pointer move is dispatched with
// the next frame the browser makes, and one that comes just after a frame has begun waits for
// the next, 15-17 ms, with the page idle.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import chromium from '@sparticuz/chromium';
import ts from 'typescript';
import {
  chromium as playwright,
  type Browser,
  type CDPSession,
  type Locator,
  type Page,
} from 'playwright-core';
import { MAP_DATA_FILE_NAME, WARD_SHAPES_FILE_NAME } from '../src/shared/map-data.ts';
import { REPO_ROOT } from './paths.ts';
import { summarise, type Summary } from './stats.ts';

/** Every change must be redrawn within this; a change that is not is reported, not waited on. */
const UPDATE_TIMEOUT_MS = 5000;
/** A desktop viewport: the map and the controls side by side. */
const VIEWPORT = { width: 1280, height: 800 };
/** Quiet time after each change, so stray work of one change never lands in the next. */
const SETTLE_MS = 60;
const BYTES_PER_MB = 1_000_000;
/**
 * A home broadband link, for the loads on a slower network: on 127.0.0.1 every file arrives at
 * once, so what starts each download (the page, the island's scripts, a preload) does not show.
 */
export const SLOW_LINK: NetworkLink = { latencyMs: 60, downloadMbps: 10, uploadMbps: 2 };

/** A network link as Chromium emulates it: latency added to each request, and throughput. */
export interface NetworkLink {
  latencyMs: number;
  downloadMbps: number;
  uploadMbps: number;
}

export const CHANGE_KINDS = [
  'crime type',
  '12-month window',
  'full range',
  'city centre',
  'slider key',
  'slider drag',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface BrowserResult {
  chromium: string;
  pageLoads: number;
  /** Navigation start until the first drawing of the map and figures is painted. */
  interactiveMs: Summary;
  /** The same on an emulated slower link (null when no such load was asked for). */
  slowLink: { link: NetworkLink; interactiveMs: Summary } | null;
  domContentLoadedMs: Summary;
  /**
   * Heap in use after a forced GC, after load and after all the filter changes: the largest
   * over the measuring sessions.
   */
  heapAfterLoad: Heap;
  heapAfterChanges: Heap;
  /**
   * Fresh page loads the filter changes were measured in, each with every kind of change:
   * the figures below pool them all.
   */
  sessions: number;
  /**
   * Each session's own p95 of work and of input to painted frame, in session order; null for
   * a session none of whose changes was redrawn.
   */
  sessionP95Ms: { work: (number | null)[]; total: (number | null)[] };
  /** What the browser received for the page (bytes on the wire, as encoded by the server). */
  transfer: { mapData: number; wardShapes: number; scripts: number; total: number };
  /** Busy time of each change (see the top of this file), by kind and over all changes. */
  changesMs: Partial<Record<ChangeKind, Summary>>;
  allChangesMs: Summary;
  /** Input event to the frame rendered, idle wait for the frame included. */
  changesTotalMs: Partial<Record<ChangeKind, Summary>>;
  allChangesTotalMs: Summary;
  /** Input event to the redraw done in script (the rest: the heat canvas, rendering). */
  changesScriptMs: Partial<Record<ChangeKind, Summary>>;
  /**
   * Input event to its dispatch in the page (Latency.inputDelay), counted in work and total:
   * by kind and over all changes.
   */
  changesInputDelayMs: Partial<Record<ChangeKind, Summary>>;
  allChangesInputDelayMs: Summary;
  missedUpdates: number;
  consoleErrors: string[];
  /** gunzip + decode of the map data in the page, with the island's decoder. */
  decodeMs: Summary;
}

/** Installed before the page's own scripts: watches the island's markers, records input events. */
function pageProbe(): void {
  const w = window as unknown as { __bench: Record<string, unknown> };
  const probe: Probe = { readyAt: null, lastInput: null, dispatchedAt: null, waiting: null };
  w.__bench = probe as unknown as Record<string, unknown>;
  const afterPaint = (then: (frameStart: number, paintedAt: number) => void) =>
    requestAnimationFrame((frameStart) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => then(frameStart, performance.now());
      channel.port2.postMessage(null);
    });
  for (const type of ['keydown', 'click', 'pointermove']) {
    window.addEventListener(
      type,
      (event) => {
        // A pointer move counts only while a button is down (a drag), not on the way to a click.
        const drag = event.type !== 'pointermove' || (event as PointerEvent).buttons !== 0;
        if (event.isTrusted && drag && probe.lastInput === null) {
          probe.lastInput = event.timeStamp;
          // The first listener of the page to see it (installed before the page's own).
          probe.dispatchedAt = performance.now();
        }
      },
      { capture: true },
    );
  }
  new MutationObserver((records) => {
    for (const record of records) {
      const target = record.target as HTMLElement;
      if (!target.classList.contains('crime-map') || target.dataset['updates'] === undefined)
        continue;
      if (target.dataset['ready'] !== 'true') continue;
      if (probe.readyAt === null) afterPaint((_, paintedAt) => (probe.readyAt ??= paintedAt));
      const resolve = probe.waiting;
      if (resolve && record.attributeName === 'data-updates') {
        probe.waiting = null;
        const redrawnAt = performance.now();
        afterPaint((frameStart, paintedAt) => resolve(redrawnAt, frameStart, paintedAt));
      }
    }
  }).observe(document, {
    subtree: true,
    attributes: true,
    attributeFilter: ['data-updates', 'data-ready'],
  });
}

/** What the page's probe (pageProbe) keeps, on window.__bench. */
interface Probe {
  readyAt: number | null;
  lastInput: number | null;
  dispatchedAt: number | null;
  waiting: ((redrawnAt: number, frameStart: number, paintedAt: number) => void) | null;
}

/** The binding the page calls with each measured change (or null), once its frame is rendered. */
const REPORT_BINDING = '__benchReport';

/**
 * Node's end of the page's reports. The page calls back rather than being asked: a question
 * sent to the page (an evaluate) while a change is under way would run on its main thread
 * between the input and the frame, and count in the change's time.
 */
interface Reports {
  /** The change armed last, numbered: a report of any other (a late one) is ignored. */
  armed: number;
  next: ((latency: Latency | null) => void) | null;
}

/** What the page sends: the change's number (Reports.armed) and its latency, or null. */
interface Report {
  change: number;
  latency: Latency | null;
}

interface Latency {
  /** Input event to the frame showing the redraw rendered. */
  total: number;
  /** total minus the idle wait for that frame to start. */
  work: number;
  /** Input event to the island's redraw done in script (figures and map layers updated). */
  script: number;
  /**
   * Input event to its dispatch in the page: the browser's wait before the page sees it. A
   * pointer move is dispatched with the next frame the browser makes; when a frame has just
   * begun, the move waits for the one after it, with the page idle.
   */
  inputDelay: number;
}

/**
 * Start listening for the next redraw; the action that follows is the one measured. `reported`
 * gives its latency in ms (null if the page did not redraw), reported by the page once the
 * frame showing it has been rendered.
 */
async function arm(page: Page, reports: Reports): Promise<{ reported: Promise<Latency | null> }> {
  reports.armed += 1;
  const reported = new Promise<Latency | null>((resolve) => (reports.next = resolve));
  await page.evaluate(
    ({ timeout, binding, change }) => {
      const probe = (window as unknown as { __bench: Probe }).__bench;
      const send = (window as unknown as Record<string, (r: Report) => void>)[binding];
      if (send === undefined) throw new Error(`The page has no ${binding} binding`);
      // Once: a redraw seen just before the time-out still has its frame to come.
      let sent = false;
      const report = (latency: Latency | null) => {
        if (sent) return;
        sent = true;
        send({ change, latency });
      };
      probe.lastInput = null;
      probe.dispatchedAt = null;
      const timer = setTimeout(() => {
        probe.waiting = null;
        report(null);
      }, timeout);
      probe.waiting = (redrawnAt, frameStart, paintedAt) => {
        clearTimeout(timer);
        const input = probe.lastInput;
        if (input === null) return report(null);
        const idle = Math.max(0, frameStart - redrawnAt);
        const total = paintedAt - input;
        const inputDelay = (probe.dispatchedAt ?? input) - input;
        report({ total, work: total - idle, script: redrawnAt - input, inputDelay });
      };
    },
    { timeout: UPDATE_TIMEOUT_MS, binding: REPORT_BINDING, change: reports.armed },
  );
  return { reported };
}

/**
 * Press the mouse button where it is and let the press settle. The press is an input of its
 * own (the handle turns active and takes focus, in a frame of its own) but changes no filter;
 * a move straight after it waits for that frame, up to 16.7 ms, which would count as the
 * move's work. So it settles first, as every change does before the next (SETTLE_MS).
 */
async function press(page: Page): Promise<void> {
  await page.mouse.down();
  await page.waitForTimeout(SETTLE_MS);
}

/** How long past its own time-out the page's report of a change is waited for. */
const REPORT_MARGIN_MS = 5000;

/**
 * The latency of the armed change in ms, or null if the page did not redraw. A page that does
 * not report at all (it crashed or closed) is an error, not a wait without end.
 */
async function latency(page: Page, reported: Promise<Latency | null>): Promise<Latency | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onClose: (() => void) | undefined;
  const silent = new Promise<never>((_, reject) => {
    const fail = (why: string) => reject(new Error(`The map page ${why}: no report of the change`));
    timer = setTimeout(() => fail('did not answer'), UPDATE_TIMEOUT_MS + REPORT_MARGIN_MS);
    onClose = () => fail('closed or crashed');
    page.once('close', onClose);
    page.once('crash', onClose);
  });
  try {
    const ms = await Promise.race([reported, silent]);
    await page.waitForTimeout(SETTLE_MS);
    return ms;
  } finally {
    clearTimeout(timer);
    if (onClose) {
      page.off('close', onClose);
      page.off('crash', onClose);
    }
  }
}

export interface Heap {
  /** V8 heap in use (JS objects): Chromium's JSHeapUsedSize. */
  jsMB: number;
  /** ArrayBuffer contents (the decoded map data's typed arrays), held outside the V8 heap. */
  arrayBuffersMB: number;
  /** The two together: what the target is judged on. */
  totalMB: number;
}

/** Heap in use after a forced garbage collection. */
async function heapAfterGc(cdp: CDPSession): Promise<Heap> {
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = (await cdp.send('Runtime.getHeapUsage')) as {
    usedSize: number;
    backingStorageSize?: number;
  };
  const jsMB = usage.usedSize / BYTES_PER_MB;
  const arrayBuffersMB = (usage.backingStorageSize ?? 0) / BYTES_PER_MB;
  return { jsMB, arrayBuffersMB, totalMB: jsMB + arrayBuffersMB };
}

/** Response body bytes on the wire (as the server encoded them), by URL, for one page load. */
function countTransfers(page: Page): Map<string, number> {
  const bytes = new Map<string, number>();
  page.on('requestfinished', (request) => {
    void request.sizes().then(
      (sizes) => bytes.set(request.url(), sizes.responseBodySize + sizes.responseHeadersSize),
      () => undefined,
    );
  });
  return bytes;
}

function transferSummary(bytes: ReadonlyMap<string, number>): BrowserResult['transfer'] {
  const sum = (test: (pathname: string) => boolean) =>
    [...bytes].filter(([url]) => test(new URL(url).pathname)).reduce((a, [, n]) => a + n, 0);
  return {
    mapData: sum((p) => p.endsWith(MAP_DATA_FILE_NAME)),
    wardShapes: sum((p) => p.endsWith(WARD_SHAPES_FILE_NAME)),
    scripts: sum((p) => /\.m?js$/.test(p)),
    total: sum(() => true),
  };
}

async function loadOnce(
  browser: Browser,
  url: string,
  consoleErrors: string[],
  link: NetworkLink | null = null,
) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  // A transpiler that keeps function names (esbuild's keepNames) wraps them in an `__name`
  // helper; functions sent to the page (init scripts, evaluate callbacks) would call it, so the
  // page gets a no-op one. Node's own type stripping adds none.
  await context.addInitScript({ content: 'globalThis.__name = (target) => target;' });
  await context.addInitScript(pageProbe);
  const reports: Reports = { armed: 0, next: null };
  await context.exposeBinding(REPORT_BINDING, (_source, { change, latency }: Report) => {
    if (change !== reports.armed) return;
    const next = reports.next;
    reports.next = null;
    next?.(latency);
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    // Tile requests fail by design (no internet): the page reports that itself.
    if (message.type() === 'error' && !/ERR_NAME_NOT_RESOLVED|tile/i.test(message.text())) {
      consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  const transfers = countTransfers(page);
  if (link !== null) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: link.latencyMs,
      downloadThroughput: (link.downloadMbps * 1e6) / 8,
      uploadThroughput: (link.uploadMbps * 1e6) / 8,
    });
  }
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(
    () => (window as unknown as { __bench: Probe }).__bench.readyAt !== null,
    null,
    { timeout: 30_000 },
  );
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as
      PerformanceNavigationTiming | undefined;
    return {
      readyAt: (window as unknown as { __bench: Probe }).__bench.readyAt as number,
      domContentLoaded: nav?.domContentLoadedEventEnd ?? 0,
    };
  });
  return { context, page, timing, transfers, reports };
}

/** Where to put the pointer for month index `index` on the slider. */
async function sliderX(
  page: Page,
  index: number,
  count: number,
): Promise<{ x: number; y: number }> {
  const box = await page.locator('.crime-map__slider').boundingBox();
  if (box === null) throw new Error('The month slider (.crime-map__slider) is not visible');
  return { x: box.x + (box.width * index) / (count - 1), y: box.y + box.height / 2 };
}

async function handleCentre(page: Page, which: 0 | 1): Promise<{ x: number; y: number }> {
  const handle = page.locator('.crime-map__slider .noUi-handle').nth(which);
  // Clicking controls further down may have scrolled the slider out of the viewport.
  await handle.scrollIntoViewIfNeeded();
  const box = await handle.boundingBox();
  if (box === null) throw new Error(`Slider handle ${which} is not visible`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/**
 * Time gunzip + decode of the map data in the page, with the island's own decoder
 * (src/shared/map-data.ts has no imports, so it runs as it is once its types are stripped).
 */
async function measureDecodeInPage(page: Page, runs: number): Promise<Summary> {
  const source = await readFile(path.join(REPO_ROOT, 'src/shared/map-data.ts'), 'utf8');
  const js = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
  await page.addScriptTag({
    type: 'module',
    content: `${js}\nwindow.__benchDecoder = { decodeMapData, gunzipIfNeeded };`,
  });
  await page.waitForFunction(() => '__benchDecoder' in window);
  const samples = await page.evaluate(
    async ({ count, fileName }) => {
      const resource = performance
        .getEntriesByType('resource')
        .find((r) => new URL(r.name).pathname.endsWith(fileName));
      if (resource === undefined) throw new Error('The page did not load the map data');
      const stored = new Uint8Array(await (await fetch(resource.name)).arrayBuffer());
      const decoder = (window as unknown as { __benchDecoder: Decoder }).__benchDecoder;
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        decoder.decodeMapData(await decoder.gunzipIfNeeded(stored));
        times.push(performance.now() - started);
      }
      return times;
    },
    { count: runs, fileName: MAP_DATA_FILE_NAME },
  );
  return summarise(samples);
}

interface Decoder {
  decodeMapData(bytes: Uint8Array): unknown;
  gunzipIfNeeded(bytes: Uint8Array): Promise<Uint8Array>;
}

/** Measure each kind of filter change `perKind` times on a loaded map page. */
async function measureChanges(page: Page, reports: Reports, perKind: number) {
  const months = await page.evaluate(() => {
    const handle = document.querySelectorAll('.crime-map__slider .noUi-handle')[1];
    return Number(handle?.getAttribute('aria-valuemax') ?? '0') + 1;
  });
  if (months < 13) throw new Error(`The slider offers ${months} months; at least 13 are needed`);
  const samples: Partial<Record<ChangeKind, Latency[]>> = {};
  let missed = 0;
  const measure = async (kind: ChangeKind, action: () => Promise<void>) => {
    const { reported } = await arm(page, reports);
    await action();
    const measured = await latency(page, reported);
    if (measured === null) missed += 1;
    else (samples[kind] ??= []).push(measured);
  };
  const types = page.locator('.crime-map__types input[type="checkbox"]');
  const typeCount = await types.count();
  const lower = page.locator('.crime-map__slider .noUi-handle').nth(0);
  const upper = page.locator('.crime-map__slider .noUi-handle').nth(1);

  /**
   * A click as a hand makes it: the pointer first moved onto the control (and the hover that
   * brings settled), then pressed and released there. Playwright's own click would check the
   * target in the page while the click is handled, and that would count in its time.
   */
  const click = async (kind: ChangeKind, control: Locator) => {
    await control.scrollIntoViewIfNeeded();
    const box = await control.boundingBox();
    if (box === null) throw new Error(`${kind}: the control to click is not visible`);
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.waitForTimeout(SETTLE_MS);
    await measure(kind, () => page.mouse.click(x, y));
  };
  for (let i = 0; i < perKind; i++) {
    // Toggle a type off, then on again on the next pass: every click changes the filter.
    await click('crime type', types.nth(Math.floor(i / 2) % typeCount));
  }
  for (let i = 0; i < perKind; i++) {
    await click('city centre', page.locator('#crime-map-cc'));
  }
  for (let i = 0; i < perKind; i++) {
    // Drag the first handle to 12 months before the last, then back with the Home key.
    const from = await handleCentre(page, 0);
    const to = await sliderX(page, months - 12, months);
    await page.mouse.move(from.x, from.y);
    await press(page);
    await measure('12-month window', () => page.mouse.move(to.x, from.y));
    await page.mouse.up();
    await page.waitForTimeout(SETTLE_MS);
    await lower.focus();
    await measure('full range', () => page.keyboard.press('Home'));
  }
  await upper.focus();
  for (let i = 0; i < perKind; i++) {
    await measure('slider key', () =>
      page.keyboard.press(i % 2 === 0 ? 'ArrowLeft' : 'ArrowRight'),
    );
  }
  // Drag the last handle across the axis in steps of about two months, as a hand would.
  let at = months - 1;
  let step = -2;
  let point = await handleCentre(page, 1);
  await page.mouse.move(point.x, point.y);
  await press(page);
  for (let i = 0; i < perKind; i++) {
    if (at + step < months / 2 || at + step > months - 1) step = -step;
    at += step;
    point = { ...(await sliderX(page, at, months)), y: point.y };
    await measure('slider drag', () => page.mouse.move(point.x, point.y));
  }
  await page.mouse.up();
  return { samples, missed };
}

type MeasureOptions = Parameters<typeof measureBrowser>[1];

/**
 * The filter changes measured in `options.sessions` fresh pages, one after the other, pooled;
 * each page's own p95, the larger heap figures of the pages, and the decode time (last page).
 *
 * The changes of one page are measured in a few seconds, and a burst of other work on a
 * 2-core machine (the browser's own compiler threads among it) slows several changes in a
 * row: a single page's p95 moves by several milliseconds from run to run. Pooling the changes
 * of several fresh pages narrows that; each page's own p95 is reported.
 */
async function measureSessions(
  browser: Browser,
  baseUrl: string,
  options: MeasureOptions,
  consoleErrors: string[],
) {
  const samples: Partial<Record<ChangeKind, Latency[]>> = {};
  const sessionP95Ms: BrowserResult['sessionP95Ms'] = { work: [], total: [] };
  let missed = 0;
  let heapAfterLoad: Heap | null = null;
  let heapAfterChanges: Heap | null = null;
  let decodeMs: Summary | null = null;
  const larger = (a: Heap | null, b: Heap) => (a === null || b.totalMB > a.totalMB ? b : a);
  for (let session = 0; session < options.sessions; session++) {
    const { context, page, reports } = await loadOnce(browser, `${baseUrl}/`, consoleErrors);
    const cdp = await context.newCDPSession(page);
    heapAfterLoad = larger(heapAfterLoad, await heapAfterGc(cdp));
    const measured = await measureChanges(page, reports, options.changesPerKind);
    heapAfterChanges = larger(heapAfterChanges, await heapAfterGc(cdp));
    missed += measured.missed;
    const own = Object.values(measured.samples).flat();
    const p95 = (of: (l: Latency) => number) =>
      own.length === 0 ? null : summarise(own.map(of)).p95;
    sessionP95Ms.work.push(p95((l) => l.work));
    sessionP95Ms.total.push(p95((l) => l.total));
    for (const [kind, list] of Object.entries(measured.samples) as [ChangeKind, Latency[]][]) {
      (samples[kind] ??= []).push(...list);
    }
    options.log(
      `  changes ${session + 1}/${options.sessions}: ${own.length} measured, p95 of work ${sessionP95Ms.work.at(-1)?.toFixed(1) ?? '-'} ms`,
    );
    // Last, in the last page: the decoder's copies of the data would otherwise count in the
    // heap figures.
    if (session === options.sessions - 1) {
      decodeMs = await measureDecodeInPage(page, options.decodeRuns);
    }
    await context.close();
  }
  if (heapAfterLoad === null || heapAfterChanges === null || decodeMs === null) {
    throw new Error('No page measured the filter changes (sessions must be at least 1)');
  }
  return { samples, sessionP95Ms, missed, heapAfterLoad, heapAfterChanges, decodeMs };
}

export async function measureBrowser(
  baseUrl: string,
  options: {
    pageLoads: number;
    /** Page loads on SLOW_LINK (0 for none). */
    slowLinkLoads: number;
    changesPerKind: number;
    /** Fresh pages the changes are measured in, one after the other. */
    sessions: number;
    decodeRuns: number;
    log(line: string): void;
  },
): Promise<BrowserResult> {
  const { log } = options;
  const browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    // No internet here: every host but 127.0.0.1 fails at once (map tiles), with no routing
    // layer in front of the local requests.
    args: [
      // A desktop browser runs its pages in their own processes; single-process mode (made for
      // serverless hosts) would also end the browser with the first closed context.
      ...chromium.args.filter((arg) => arg !== '--single-process'),
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
    headless: true,
  });
  const consoleErrors: string[] = [];
  try {
    // Not measured: the browser's own first start (processes, code caches) is not the page's.
    const warmUp = await loadOnce(browser, `${baseUrl}/`, consoleErrors);
    await warmUp.context.close();
    const interactive: number[] = [];
    const dcl: number[] = [];
    let transfer: BrowserResult['transfer'] | null = null;
    for (let i = 0; i < options.pageLoads; i++) {
      // A new context each time: an empty HTTP cache, as for a first visit.
      const { context, timing, transfers } = await loadOnce(browser, `${baseUrl}/`, consoleErrors);
      interactive.push(timing.readyAt);
      dcl.push(timing.domContentLoaded);
      transfer ??= transferSummary(transfers);
      log(`  load ${i + 1}/${options.pageLoads}: interactive at ${timing.readyAt.toFixed(0)} ms`);
      await context.close();
    }
    const slowLink: number[] = [];
    for (let i = 0; i < options.slowLinkLoads; i++) {
      const { context, timing } = await loadOnce(browser, `${baseUrl}/`, consoleErrors, SLOW_LINK);
      slowLink.push(timing.readyAt);
      log(
        `  load ${i + 1}/${options.slowLinkLoads} on a ${SLOW_LINK.downloadMbps} Mbit/s link: interactive at ${timing.readyAt.toFixed(0)} ms`,
      );
      await context.close();
    }
    const { samples, sessionP95Ms, missed, heapAfterLoad, heapAfterChanges, decodeMs } =
      await measureSessions(browser, baseUrl, options, consoleErrors);

    const changesMs: BrowserResult['changesMs'] = {};
    const changesTotalMs: BrowserResult['changesTotalMs'] = {};
    const changesScriptMs: BrowserResult['changesScriptMs'] = {};
    const changesInputDelayMs: BrowserResult['changesInputDelayMs'] = {};
    for (const kind of CHANGE_KINDS) {
      const list = samples[kind];
      if (!list || list.length === 0) continue;
      changesMs[kind] = summarise(list.map((l) => l.work));
      changesTotalMs[kind] = summarise(list.map((l) => l.total));
      changesScriptMs[kind] = summarise(list.map((l) => l.script));
      changesInputDelayMs[kind] = summarise(list.map((l) => l.inputDelay));
    }
    const all = Object.values(samples).flat();
    if (all.length === 0) throw new Error('No filter change was redrawn');
    const result: BrowserResult = {
      chromium: browser.version(),
      pageLoads: options.pageLoads,
      interactiveMs: summarise(interactive),
      slowLink:
        slowLink.length === 0 ? null : { link: SLOW_LINK, interactiveMs: summarise(slowLink) },
      domContentLoadedMs: summarise(dcl),
      heapAfterLoad,
      heapAfterChanges,
      sessions: options.sessions,
      sessionP95Ms,
      transfer: transfer ?? { mapData: 0, wardShapes: 0, scripts: 0, total: 0 },
      changesMs,
      allChangesMs: summarise(all.map((l) => l.work)),
      changesTotalMs,
      allChangesTotalMs: summarise(all.map((l) => l.total)),
      changesScriptMs,
      changesInputDelayMs,
      allChangesInputDelayMs: summarise(all.map((l) => l.inputDelay)),
      missedUpdates: missed,
      consoleErrors,
      decodeMs,
    };
    const f = (s: Summary) =>
      `median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms (min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)}, n=${s.n})`;
    log(
      `  interactive  median ${result.interactiveMs.median.toFixed(0)} ms (min ${result.interactiveMs.min.toFixed(0)}, max ${result.interactiveMs.max.toFixed(0)}, n=${result.interactiveMs.n})`,
    );
    if (result.slowLink !== null) {
      const { link, interactiveMs: slow } = result.slowLink;
      log(
        `  interactive  median ${slow.median.toFixed(0)} ms (min ${slow.min.toFixed(0)}, max ${slow.max.toFixed(0)}, n=${slow.n}) ` +
          `on a ${link.downloadMbps} Mbit/s link with ${link.latencyMs} ms latency`,
      );
    }
    const h = (x: Heap) =>
      `${x.totalMB.toFixed(1)} MB (JS ${x.jsMB.toFixed(1)} + array buffers ${x.arrayBuffersMB.toFixed(1)})`;
    log(`  decode       ${f(decodeMs)} (gunzip + decode of the map data in the page)`);
    log(`  heap         ${h(heapAfterLoad)} after load, ${h(heapAfterChanges)} after the changes`);
    log(
      `  transferred  map data ${(result.transfer.mapData / 1000).toFixed(1)} kB, ward shapes ${(result.transfer.wardShapes / 1000).toFixed(1)} kB, scripts ${(result.transfer.scripts / 1000).toFixed(1)} kB, page total ${(result.transfer.total / 1000).toFixed(1)} kB`,
    );
    log(
      '  filter changes, work (input event to the frame rendered, idle wait for the frame left out):',
    );
    for (const kind of CHANGE_KINDS) {
      const work = changesMs[kind];
      const total = changesTotalMs[kind];
      const script = changesScriptMs[kind];
      const delay = changesInputDelayMs[kind];
      if (work && total && script && delay) {
        log(
          `    ${kind.padEnd(16)} ${f(work)}; script median ${script.median.toFixed(1)} ms, ` +
            `total median ${total.median.toFixed(1)} ms, input delay p95 ${delay.p95.toFixed(1)} ms`,
        );
      }
    }
    log(`    ${'all changes'.padEnd(16)} ${f(result.allChangesMs)}`);
    log(
      `    p95 of each session's changes: ${sessionP95Ms.work.map((p) => p?.toFixed(1) ?? '-').join(', ')} ms`,
    );
    log(
      `    input to painted frame (the wait for the next frame included): ${f(result.allChangesTotalMs)}`,
    );
    log(
      `    input delay (input event to its dispatch in the page, in both): ${f(result.allChangesInputDelayMs)}`,
    );
    if (missed > 0) log(`  ${missed} change(s) were not redrawn within ${UPDATE_TIMEOUT_MS} ms`);
    if (consoleErrors.length > 0) log(`  console errors: ${consoleErrors.slice(0, 5).join(' | ')}`);
    return result;
  } finally {
    await browser.close();
  }
}
