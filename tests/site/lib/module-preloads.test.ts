// Module preloads added to the built pages (src/lib/module-preloads.ts): which modules a page
// starts, which modules those load before they run, and the links written for them. The modules
// here are written as the build writes its chunks (minified, relative imports); the browser
// test (tests/browser/module-preloads.test.ts) checks the real build in Chromium.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addModulePreloads,
  moduleClosure,
  pageEntryModules,
  staticImports,
  withModulePreloads,
} from '../../../src/lib/module-preloads.ts';

const ISLAND =
  '<astro-island uid="Z1" component-url="/_astro/CrimeMap.A1.js" component-export="default" ' +
  'renderer-url="/_astro/client.B2.js" props="{}" ssr client="only"></astro-island>';

/** A page as the build writes it: stylesheets in the head, the island in the body. */
function page(body: string, head = ''): string {
  return (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">' +
    `<link rel="stylesheet" href="/_astro/index.C3.css">${head}</head><body>${body}</body></html>`
  );
}

/** Chunks shaped like the build's: the island, its renderer, shared chunks, a lazy one. */
const CHUNKS: Record<string, string> = {
  'CrimeMap.A1.js':
    'import{a as e,i as t}from"./hooks.module.D4.js";import{s as o}from"./preload-helper.E5.js";' +
    'const h=()=>o(()=>import(`./leaflet-heat.F6.js`),[]);export{h as default};',
  'client.B2.js': 'import{t as r}from"./preload-helper.E5.js";export default r;',
  'hooks.module.D4.js': 'import{s as e}from"./preload-helper.E5.js";export*from"./signals.G7.js";',
  'preload-helper.E5.js': 'const s=(f)=>f();export{s};',
  'signals.G7.js': 'import"./hooks.module.D4.js";const n=1;export{n};',
  'leaflet-heat.F6.js': 'import"./preload-helper.E5.js";export const heat=1;',
};

describe('pageEntryModules(html, page)', () => {
  it("names each island's component and renderer, then each module script's src, once each", () => {
    const html = page(
      `${ISLAND}<astro-island component-url="/_astro/Other.H8.js" renderer-url="/_astro/client.B2.js" client="load"></astro-island>` +
        '<script type="module" src="/_astro/page.J9.js"></script>',
    );
    expect(pageEntryModules(html, 'index.html')).toEqual([
      '/_astro/CrimeMap.A1.js',
      '/_astro/client.B2.js',
      '/_astro/Other.H8.js',
      '/_astro/page.J9.js',
    ]);
  });

  it('names no inline module script, no classic script and nothing on a page without islands', () => {
    const html = page(
      '<script type="module">import("/_astro/x.js")</script><script src="/_astro/classic.js"></script>',
    );
    expect(pageEntryModules(html, 'index.html')).toEqual([]);
    expect(pageEntryModules(page('<p>No island</p>'), 'index.html')).toEqual([]);
  });

  it.each(['idle', 'visible', 'media'])(
    'names no module of an island hydrated later (client:%s)',
    (client) => {
      const html = page(
        `<astro-island component-url="/_astro/Later.K1.js" renderer-url="/_astro/client.B2.js" client="${client}"></astro-island>`,
      );
      expect(pageEntryModules(html, 'index.html')).toEqual([]);
    },
  );

  it('fails naming the page when an island names no component', () => {
    const html = page(
      '<astro-island renderer-url="/_astro/client.B2.js" client="load"></astro-island>',
    );
    expect(() => pageEntryModules(html, 'wards/a/index.html')).toThrow(
      'wards/a/index.html has an island without a component-url',
    );
  });

  it('does not take another attribute ending in the same name for the one it reads', () => {
    const html = page(
      '<script type="module" data-src="/_astro/not-this.js" src="/_astro/this.js"></script>',
    );
    expect(pageEntryModules(html, 'index.html')).toEqual(['/_astro/this.js']);
  });

  it('reads the URL as the page means it: entities in the attribute decoded', () => {
    const html = page(
      '<astro-island component-url="/_astro/a.js?x=1&amp;y=2" renderer-url="/_astro/r.js" client="only"></astro-island>',
    );
    expect(pageEntryModules(html, 'index.html')).toEqual(['/_astro/a.js?x=1&y=2', '/_astro/r.js']);
  });
});

describe('staticImports(source)', () => {
  it('lists imports and re-exports in source order, not dynamic imports', async () => {
    expect(await staticImports(CHUNKS['CrimeMap.A1.js'] ?? '', 'CrimeMap.A1.js')).toEqual([
      './hooks.module.D4.js',
      './preload-helper.E5.js',
    ]);
    expect(await staticImports(CHUNKS['hooks.module.D4.js'] ?? '', 'hooks')).toEqual([
      './preload-helper.E5.js',
      './signals.G7.js',
    ]);
  });

  it('fails naming the module when it is not JavaScript', async () => {
    await expect(staticImports('import{a from"./x.js"', '/_astro/bad.js')).rejects.toThrow(
      '/_astro/bad.js could not be read as a JavaScript module',
    );
  });
});

describe('moduleClosure(entries, read)', () => {
  const read = (url: string) => {
    const source = CHUNKS[url.replace('/_astro/', '')];
    if (source === undefined) throw new Error(`no module ${url}`);
    return Promise.resolve(source);
  };

  it('gives the entries, then every module they import however deep, each once (cycles too)', async () => {
    expect(await moduleClosure(['/_astro/CrimeMap.A1.js', '/_astro/client.B2.js'], read)).toEqual([
      '/_astro/CrimeMap.A1.js',
      '/_astro/client.B2.js',
      '/_astro/hooks.module.D4.js',
      '/_astro/preload-helper.E5.js',
      '/_astro/signals.G7.js',
    ]);
  });

  it('leaves out what is only imported dynamically', async () => {
    const closure = await moduleClosure(['/_astro/CrimeMap.A1.js'], read);
    expect(closure).not.toContain('/_astro/leaflet-heat.F6.js');
  });

  it('resolves imports against the importing module, and follows no other host or bare name', async () => {
    const modules: Record<string, string> = {
      '/site/_astro/a.js':
        'import"../shared/b.js";import"/site/c.js";import"https://cdn.example/x.js";' +
        'import"//cdn.example/z.js";import"preact";',
      '/site/shared/b.js': 'export const b=1;',
      '/site/c.js': 'export const c=1;',
    };
    const closure = await moduleClosure(['/site/_astro/a.js', '//cdn.example/y.js'], (url) =>
      Promise.resolve(modules[url] ?? ''),
    );
    expect(closure).toEqual(['/site/_astro/a.js', '/site/shared/b.js', '/site/c.js']);
  });

  it("keeps a module's query, as the browser keys the module by it, and names a repeat once", async () => {
    const modules: Record<string, string> = {
      '/_astro/a.js': 'import"./b.js?v=2";import"./b.js?v=2";',
      '/_astro/b.js?v=2': 'export const b=1;',
    };
    const closure = await moduleClosure(['/_astro/a.js', '/_astro/a.js'], (url) =>
      Promise.resolve(modules[url] ?? ''),
    );
    expect(closure).toEqual(['/_astro/a.js', '/_astro/b.js?v=2']);
  });

  it('resolves an entry against the page that names it', async () => {
    const closure = await moduleClosure(
      ['./island.js'],
      () => Promise.resolve('export const a=1;'),
      '/wards/a/',
    );
    expect(closure).toEqual(['/wards/a/island.js']);
  });
});

describe('withModulePreloads(html, modules, page)', () => {
  it('links each module at the end of the head, in the order given', () => {
    const html = page(ISLAND);
    const out = withModulePreloads(html, ['/_astro/a.js', '/_astro/b.js'], 'index.html');
    expect(out).toBe(
      html.replace(
        '</head>',
        '<link rel="modulepreload" href="/_astro/a.js">' +
          '<link rel="modulepreload" href="/_astro/b.js"></head>',
      ),
    );
  });

  it('leaves a module the page already preloads, and the page as it is when all are', () => {
    const html = page(ISLAND, '<link rel="modulepreload" href="/_astro/a.js">');
    expect(withModulePreloads(html, ['/_astro/a.js'], 'index.html')).toBe(html);
    const out = withModulePreloads(html, ['/_astro/a.js', '/_astro/b.js'], 'index.html');
    expect(out.match(/rel="modulepreload"/g)).toHaveLength(2);
  });

  it('escapes the URL in the attribute', () => {
    const out = withModulePreloads(page(''), ['/_astro/a.js?x="1"&y=<2>'], 'index.html');
    expect(out).toContain(
      '<link rel="modulepreload" href="/_astro/a.js?x=&quot;1&quot;&amp;y=&lt;2&gt;">',
    );
  });

  it('fails naming the page when it has no head end', () => {
    expect(() => withModulePreloads('<p>x</p>', ['/_astro/a.js'], 'odd/index.html')).toThrow(
      'odd/index.html has no </head> to put its module preloads in',
    );
  });
});

describe('addModulePreloads(dir, base)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'module-preloads-'));
    await mkdir(path.join(dir, '_astro'));
    await mkdir(path.join(dir, 'wards', 'a'), { recursive: true });
    for (const [name, source] of Object.entries(CHUNKS)) {
      await writeFile(path.join(dir, '_astro', name), source);
    }
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const withBase = (html: string, base: string) => html.replaceAll('"/_astro/', `"${base}_astro/`);

  it.each(['/', '/repository/'])(
    'links every module of the island pages served at %s and leaves the other pages as they are',
    async (base) => {
      const map = withBase(page(ISLAND), base);
      const ward = page('<p>A ward</p>');
      await writeFile(path.join(dir, 'index.html'), map);
      await writeFile(path.join(dir, 'wards', 'a', 'index.html'), ward);
      expect(await addModulePreloads(dir, base)).toBe(1);
      const links = (await readFile(path.join(dir, 'index.html'), 'utf8')).match(
        /<link rel="modulepreload" href="[^"]*">/g,
      );
      expect(links).toEqual(
        ['CrimeMap.A1', 'client.B2', 'hooks.module.D4', 'preload-helper.E5', 'signals.G7'].map(
          (name) => `<link rel="modulepreload" href="${base}_astro/${name}.js">`,
        ),
      );
      expect(await readFile(path.join(dir, 'wards', 'a', 'index.html'), 'utf8')).toBe(ward);
    },
  );

  it('changes nothing the second time', async () => {
    await writeFile(path.join(dir, 'index.html'), page(ISLAND));
    expect(await addModulePreloads(dir, '/')).toBe(1);
    const once = await readFile(path.join(dir, 'index.html'), 'utf8');
    expect(await addModulePreloads(dir, '/')).toBe(0);
    expect(await readFile(path.join(dir, 'index.html'), 'utf8')).toBe(once);
  });

  it('reads a module named with a query or with escaped characters from its file', async () => {
    await writeFile(path.join(dir, '_astro', 'Crime Map.L2.js'), 'import"./client.B2.js";');
    const island =
      '<astro-island component-url="/_astro/Crime%20Map.L2.js?v=1" client="only"></astro-island>';
    await writeFile(path.join(dir, 'index.html'), page(island));
    expect(await addModulePreloads(dir, '/')).toBe(1);
    const html = await readFile(path.join(dir, 'index.html'), 'utf8');
    expect(html.match(/<link rel="modulepreload" href="[^"]*">/g)).toEqual([
      '<link rel="modulepreload" href="/_astro/Crime%20Map.L2.js?v=1">',
      '<link rel="modulepreload" href="/_astro/client.B2.js">',
      '<link rel="modulepreload" href="/_astro/preload-helper.E5.js">',
    ]);
  });

  it('fails naming the page and the module when the build did not write a module it loads', async () => {
    await rm(path.join(dir, '_astro', 'signals.G7.js'));
    await writeFile(path.join(dir, 'index.html'), page(ISLAND));
    await expect(addModulePreloads(dir, '/')).rejects.toThrow(
      'index.html loads /_astro/signals.G7.js, which the build did not write',
    );
  });

  it('fails naming the page and the module when an escape in its name is not UTF-8', async () => {
    const island = '<astro-island component-url="/_astro/bad%E0.js" client="only"></astro-island>';
    await writeFile(path.join(dir, 'index.html'), page(island));
    await expect(addModulePreloads(dir, '/')).rejects.toThrow(
      'index.html loads /_astro/bad%E0.js, which the build did not write',
    );
  });

  it("fails naming the page when it loads a module outside the site's base", async () => {
    await writeFile(path.join(dir, 'index.html'), page(ISLAND));
    await expect(addModulePreloads(dir, '/repository/')).rejects.toThrow(
      "index.html loads /_astro/CrimeMap.A1.js, outside the site's base /repository/",
    );
  });
});
