// Module preloads for the built pages. A page with an island (the map) finds the island's
// modules only as it goes: the island's inline script asks for its component and renderer once
// the page's stylesheets are in, and each module names the chunks it imports only once it has
// arrived. Each step waits for the one before. A <link rel="modulepreload"> in the head for
// every module the page runs as it loads (the components and renderers of the islands hydrated
// at once, its module scripts, and every module they import, however deep) lets the browser
// ask for them all at once, as soon as it reads the head. What is meant to wait is left out:
// dynamic imports, and islands hydrated later (client:idle, client:visible, client:media).
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { ImportType, init, parse } from 'es-module-lexer';
import { escapeXml } from './atom.ts';

const ISLAND_TAG = /<astro-island\b[^>]*>/g;
const MODULE_SCRIPT_TAG = /<script\b[^>]*\stype="module"[^>]*>/g;
const PRELOAD_LINK = /<link\b[^>]*\srel="modulepreload"[^>]*\shref="([^"]*)"/g;
/**
 * The islands Astro hydrates as soon as the page loads (client:load, client:only). The others
 * (client:idle, client:visible, client:media) wait on purpose, maybe for ever: not preloaded.
 */
const HYDRATED_AT_ONCE = new Set(['load', 'only']);

/** An attribute's value as the page means it: the entities Astro writes decoded (& as &amp;). */
function decodeEntities(raw: string): string {
  return raw
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

/** The value of attribute `name` in `tag`, decoded; undefined when the tag has none. */
function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match === null ? undefined : decodeEntities(match[1] ?? '');
}

/**
 * The modules a page starts by itself as it loads, in the order it names them, each once: the
 * component and renderer of each island hydrated at once, then the src of each module script.
 * (Astro inlines a script only when it imports nothing, so an inline one names no module.)
 * Throws naming the page when an island names no component it can read: the build's pages are
 * not what this was written for.
 */
export function pageEntryModules(html: string, page: string): string[] {
  const urls: string[] = [];
  for (const [tag] of html.matchAll(ISLAND_TAG)) {
    const component = attribute(tag, 'component-url');
    if (component === undefined || component === '') {
      throw new Error(
        `${page} has an island without a component-url: update src/lib/module-preloads.ts ` +
          'to the way this version of Astro writes its islands',
      );
    }
    if (!HYDRATED_AT_ONCE.has(attribute(tag, 'client') ?? '')) continue;
    urls.push(component);
    const renderer = attribute(tag, 'renderer-url');
    if (renderer !== undefined && renderer !== '') urls.push(renderer);
  }
  for (const [tag] of html.matchAll(MODULE_SCRIPT_TAG)) {
    const src = attribute(tag, 'src');
    if (src !== undefined && src !== '') urls.push(src);
  }
  return [...new Set(urls)];
}

/**
 * The specifiers of a module's static imports and re-exports (import ... from, import "...",
 * export ... from), in source order: what the browser loads before the module runs. Dynamic
 * imports, import.meta and the source and defer phases of imports are not among them.
 */
export async function staticImports(source: string, where: string): Promise<string[]> {
  await init;
  try {
    const [imports] = parse(source, where);
    return imports.flatMap((i) => (i.t === ImportType.Static && i.n !== undefined ? [i.n] : []));
  } catch (error) {
    throw new Error(
      `${where} could not be read as a JavaScript module: check what the build wrote there`,
      { cause: error },
    );
  }
}

/** Where every module URL is resolved: a stand-in origin for the site's own paths. */
const SITE = 'http://site.invalid';

/**
 * A module's URL as the browser keys it (path and query) when `specifier` is resolved against
 * `from` (a URL path of the site); null for another host's module or a bare name, which the
 * site's own build never leaves in what it serves.
 */
function resolveModule(specifier: string, from: string): string | null {
  if (!specifier.startsWith('/') && !specifier.startsWith('.')) return null;
  const url = new URL(specifier, new URL(from, SITE));
  return url.origin === SITE ? url.pathname + url.search : null;
}

/**
 * Every module `entries` load before they run: the entries, then each module they import the
 * first time it is named (breadth first), each once, as URL paths of the site (with any query).
 * Entries are resolved against `page` (the URL path of the page naming them), imports against
 * the module importing them. `read(url)` gives a module's source from its URL.
 */
export async function moduleClosure(
  entries: readonly string[],
  read: (url: string) => Promise<string>,
  page = '/',
): Promise<string[]> {
  const queue: string[] = [];
  const seen = new Set<string>();
  const add = (url: string | null) => {
    if (url === null || seen.has(url)) return;
    seen.add(url);
    queue.push(url);
  };
  for (const entry of entries) add(resolveModule(entry, page));
  for (const url of queue) {
    for (const specifier of await staticImports(await read(url), url)) {
      add(resolveModule(specifier, url));
    }
  }
  return queue;
}

/**
 * `html` with a modulepreload link for each of `modules` the page does not link yet, at the
 * end of its head. Throws when the page has no head end to put them in.
 */
export function withModulePreloads(html: string, modules: readonly string[], page: string): string {
  const linked = new Set([...html.matchAll(PRELOAD_LINK)].map((m) => decodeEntities(m[1] ?? '')));
  const missing = modules.filter((url) => !linked.has(url));
  if (missing.length === 0) return html;
  const headEnd = html.indexOf('</head>');
  if (headEnd < 0) {
    throw new Error(
      `${page} has no </head> to put its module preloads in: check the page's layout`,
    );
  }
  const links = missing
    .map((url) => `<link rel="modulepreload" href="${escapeXml(url)}">`)
    .join('');
  return html.slice(0, headEnd) + links + html.slice(headEnd);
}

/** Every .html file under `dir`, in a stable order. */
async function htmlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/**
 * Add the module preloads to every built page under `dir`, served at `base` ("/" or
 * "/repository/"); the number of pages changed. A module a page loads that is not a file of
 * the build is an error naming both: the page would fail to load it too.
 */
export async function addModulePreloads(dir: string, base: string): Promise<number> {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  const sources = new Map<string, Promise<string>>();
  const read = (page: string) => (url: string) => {
    const { pathname } = new URL(url, SITE);
    if (!pathname.startsWith(prefix)) {
      throw new Error(
        `${page} loads ${url}, outside the site's base ${prefix}: check SITE_BASE and the ` +
          "build's output",
      );
    }
    let source = sources.get(pathname);
    if (source === undefined) {
      const notWritten = (error: unknown, file: string) =>
        new Error(
          `${page} loads ${url}, which the build did not write (${file}): build the site ` +
            'again from a clean dist/',
          { cause: error },
        );
      let file: string;
      try {
        file = path.join(dir, ...pathname.slice(prefix.length).split('/').map(decodeURIComponent));
      } catch (error) {
        // A %-escape that is not UTF-8 names no file the build can have written.
        throw notWritten(error, pathname);
      }
      source = readFile(file, 'utf8').catch((error: unknown) => {
        throw notWritten(error, file);
      });
      sources.set(pathname, source);
    }
    return source;
  };
  let changed = 0;
  for (const file of await htmlFiles(dir)) {
    const page = path.relative(dir, file);
    const html = await readFile(file, 'utf8');
    const entries = pageEntryModules(html, page);
    if (entries.length === 0) continue;
    const folders = path.relative(dir, path.dirname(file)).split(path.sep).filter(Boolean);
    const pageUrl = prefix + folders.map((folder) => `${folder}/`).join('');
    const modules = await moduleClosure(entries, read(page), pageUrl);
    const updated = withModulePreloads(html, modules, page);
    if (updated === html) continue;
    await writeFile(file, updated);
    changed += 1;
  }
  return changed;
}

/** The Astro integration: module preloads added to the pages once the build has written them. */
export function modulePreloads(): AstroIntegration {
  let base = '/';
  return {
    name: 'module-preloads',
    hooks: {
      'astro:config:done': ({ config }) => {
        base = config.base;
      },
      'astro:build:done': async ({ dir, logger }) => {
        const pages = await addModulePreloads(fileURLToPath(dir), base);
        logger.info(`module preloads added to ${pages} page(s)`);
      },
    },
  };
}
