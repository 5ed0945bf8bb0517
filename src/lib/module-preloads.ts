// Module preloads for the built pages. A page with an island (the map) finds the island's
// modules only as it goes: the island's inline script asks for its component and renderer once
// the page's stylesheets are in, and each module names the chunks it imports only once it has
// arrived. Each step waits for the one before. A <link rel="modulepreload"> in the head for
// every module the page starts with (its islands' components and renderers, its module
// scripts, and every module they import, however deep) lets the browser ask for them all at
// once, as soon as it reads the head. Dynamic imports are left out: they are loaded when the
// code asks for them, as intended.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { init, parse } from 'es-module-lexer';

/** A module named in a page: an island's component or renderer, or a module script's src. */
const ISLAND_TAG = /<astro-island\b[^>]*>/g;
const MODULE_SCRIPT_TAG = /<script\b[^>]*\btype="module"[^>]*>/g;
const MODULE_ATTRIBUTE = /\b(component-url|renderer-url|src)="([^"]*)"/g;
const PRELOAD_LINK = /<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]*)"/g;

/** The entities Astro writes in attribute values, decoded: a URL's & is written &amp;. */
function attributeValue(raw: string): string {
  return raw
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

function escapeAttribute(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('"', '&quot;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}

/**
 * The modules a page starts by itself, in the order it names them, each once: the component and
 * renderer of each island, then the src of each module script. Inline module scripts name none.
 */
export function pageEntryModules(html: string): string[] {
  const urls: string[] = [];
  for (const tag of [...html.matchAll(ISLAND_TAG), ...html.matchAll(MODULE_SCRIPT_TAG)]) {
    const isIsland = tag[0].startsWith('<astro-island');
    for (const [, name, value] of tag[0].matchAll(MODULE_ATTRIBUTE)) {
      if (isIsland === (name !== 'src') && value !== undefined && value !== '') {
        urls.push(attributeValue(value));
      }
    }
  }
  return [...new Set(urls)];
}

/**
 * The specifiers of a module's static imports and re-exports (import ... from, import "...",
 * export ... from), in source order: what the browser loads before the module runs. Dynamic
 * imports and import.meta are not among them.
 */
export async function staticImports(source: string, where: string): Promise<string[]> {
  await init;
  let imports;
  try {
    [imports] = parse(source, where);
  } catch (error) {
    throw new Error(`${where} could not be read as a JavaScript module`, { cause: error });
  }
  return imports.filter((i) => i.d === -1 && i.n !== undefined).map((i) => i.n as string);
}

/**
 * Every module `entries` load before they run, entries first, then each import the first time
 * it is named (breadth first). `read(url)` gives a module's source from its URL path; URLs on
 * another host and bare names are not followed (the site bundles everything it serves).
 */
export async function moduleClosure(
  entries: readonly string[],
  read: (urlPath: string) => Promise<string>,
): Promise<string[]> {
  const seen = new Set<string>();
  const queue = entries.filter(isLocalPath);
  for (const url of queue) seen.add(url);
  for (let i = 0; i < queue.length; i++) {
    const url = queue[i] as string;
    for (const specifier of await staticImports(await read(url), url)) {
      if (!specifier.startsWith('/') && !specifier.startsWith('.')) continue;
      const imported = new URL(specifier, `http://site${url}`).pathname;
      if (seen.has(imported)) continue;
      seen.add(imported);
      queue.push(imported);
    }
  }
  return queue;
}

/** A URL path on the site itself ("/_astro/x.js"), not another host's ("//cdn/...", "https:"). */
function isLocalPath(url: string): boolean {
  return url.startsWith('/') && !url.startsWith('//');
}

/**
 * `html` with a modulepreload link for each of `modules` the page does not link yet, at the
 * end of its head. Throws when the page has no head end to put them in.
 */
export function withModulePreloads(html: string, modules: readonly string[], page: string): string {
  const linked = new Set([...html.matchAll(PRELOAD_LINK)].map((m) => attributeValue(m[1] ?? '')));
  const missing = modules.filter((url) => !linked.has(url));
  if (missing.length === 0) return html;
  const headEnd = html.indexOf('</head>');
  if (headEnd < 0) {
    throw new Error(`${page} has no </head> to put its module preloads in`);
  }
  const links = missing
    .map((url) => `<link rel="modulepreload" href="${escapeAttribute(url)}">`)
    .join('');
  return html.slice(0, headEnd) + links + html.slice(headEnd);
}

async function htmlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/**
 * Add the module preloads to every built page under `dir`, served at `base` ("/" or
 * "/repository/"). A page's module that is not a file of the build is an error naming both:
 * the page would fail to load it too.
 */
export async function addModulePreloads(dir: string, base: string): Promise<number> {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  const sources = new Map<string, Promise<string>>();
  const read = (page: string) => (url: string) => {
    if (!url.startsWith(prefix)) {
      throw new Error(`${page} loads ${url}, outside the site's base ${prefix}`);
    }
    let source = sources.get(url);
    if (source === undefined) {
      const file = path.join(dir, ...url.slice(prefix.length).split('/'));
      source = readFile(file, 'utf8').catch((error: unknown) => {
        throw new Error(`${page} loads ${url}, which the build did not write (${file})`, {
          cause: error,
        });
      });
      sources.set(url, source);
    }
    return source;
  };
  let changed = 0;
  for (const file of await htmlFiles(dir)) {
    const page = path.relative(dir, file);
    const html = await readFile(file, 'utf8');
    const entries = pageEntryModules(html);
    if (entries.length === 0) continue;
    const modules = await moduleClosure(entries, read(page));
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
