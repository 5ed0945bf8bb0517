// The map page asks for its island's modules at once, from its head (src/lib/module-preloads.ts),
// rather than one after another as each arrives and names the next. Told by how Chromium
// says each module request began: "parser" for a link in the page, "script" for a module asked
// for by code (the island's inline script, or an import in a module that had to arrive first).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { DIST_DIR } from './global-setup.ts';
import { waitForMap } from './map-page.ts';
import { browserPages, siteUrl } from './support.ts';

const pages = browserPages();

/**
 * The built modules some module imports dynamically (`import("./x.js")`): loaded when code asks
 * for them, so no page preloads them. Read from the built files by a plain search, not by the
 * code under test.
 */
function dynamicallyImported(): Set<string> {
  const dir = path.join(DIST_DIR, '_astro');
  const names = new Set<string>();
  // The minifier writes the specifier in any of the three quotes.
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    const source = readFileSync(path.join(dir, file), 'utf8');
    for (const [, name] of source.matchAll(/\bimport\(\s*["'`]\.\/([^"'`]+\.js)["'`]\s*\)/g)) {
      if (name !== undefined) names.add(`/_astro/${name}`);
    }
  }
  return names;
}

/** The parts of CDP's Network.requestWillBeSent read here. */
interface RequestWillBeSent {
  request: { url: string };
  initiator: { type: string };
}

interface ModuleRequest {
  path: string;
  initiator: string;
}

describe('the map page loading its modules', () => {
  it('asks for every module the island needs from its head, each once', async () => {
    const requests: ModuleRequest[] = [];
    const { page } = await pages.open('/', {
      beforeLoad: async (context) => {
        const opened = context.pages()[0];
        if (opened === undefined) throw new Error('the page is opened before it loads');
        const cdp = await context.newCDPSession(opened);
        await cdp.send('Network.enable');
        cdp.on('Network.requestWillBeSent', (event: RequestWillBeSent) => {
          const url = new URL(event.request.url);
          if (url.origin !== new URL(siteUrl()).origin || !url.pathname.endsWith('.js')) return;
          requests.push({ path: url.pathname, initiator: event.initiator.type });
        });
      },
    });
    await waitForMap(page);
    const island = await page.$eval('astro-island', (el) => [
      el.getAttribute('component-url'),
      el.getAttribute('renderer-url'),
    ]);
    // As built: at run time a module may add links of its own for what it imports lazily.
    const preloaded = parse(readFileSync(path.join(DIST_DIR, 'index.html'), 'utf8'))
      .querySelectorAll('head link[rel="modulepreload"]')
      .map((link) => new URL(link.getAttribute('href') ?? '', siteUrl()).pathname);
    const lazy = dynamicallyImported();

    expect(preloaded).toEqual(expect.arrayContaining(island));
    // What is loaded when code asks for it is not fetched before.
    expect(preloaded.filter((p) => lazy.has(p))).toEqual([]);
    expect(lazy.size).toBeGreaterThan(0);
    // Each module once: a preloaded module is not asked for again when it is imported.
    const paths = requests.map((r) => r.path);
    expect(paths).toEqual([...new Set(paths)]);
    // Every module but the lazy ones came from a link in the page; each link was used.
    const askedByCode = requests.filter((r) => r.initiator !== 'parser' && !lazy.has(r.path));
    expect(askedByCode).toEqual([]);
    expect(requests.filter((r) => r.initiator === 'parser').map((r) => r.path)).toEqual(
      expect.arrayContaining(preloaded),
    );
  });
});
