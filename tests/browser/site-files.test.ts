// The files every well-kept site has, in the built site (dist/, built by global-setup.ts):
// Atom feeds, the sitemap, robots.txt, share images, the favicon, and the 404 page as
// `astro preview` serves it for a path the site does not have.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parse, type HTMLElement } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { AREA_WORDS } from '../../src/lib/area.ts';
import { DIST_DIR } from './global-setup.ts';
import { pngTexts } from '../support/png-chunks.ts';

const data = JSON.parse(readFileSync('src/data/site-data.json', 'utf8')) as {
  months: string[];
  wards: { slug: string; name: string }[];
};
const years = [...new Set(data.months.map((m) => Number(m.slice(0, 4))))];
const dist = (...parts: string[]) => path.join(DIST_DIR, ...parts);
const xml = new XMLParser({
  ignoreAttributes: false,
  isArray: (name) => ['entry', 'link', 'url', 'sitemap'].includes(name),
});

function html(urlPath: string): HTMLElement {
  return parse(readFileSync(dist(urlPath, 'index.html'), 'utf8'));
}
/** An absolute URL of the built site -> its file in dist/. */
function fileOf(url: string): string {
  const { pathname } = new URL(url);
  const file = dist(pathname);
  return pathname.endsWith('/') ? path.join(file, 'index.html') : file;
}

function pagesIn(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return pagesIn(path.join(dir, entry.name), `${prefix}${entry.name}/`);
    return entry.name === 'index.html' ? [prefix] : [];
  });
}

describe('Atom feeds', () => {
  const feeds = ['feed.xml', ...data.wards.map((w) => `wards/${w.slug}/feed.xml`)];

  it('every feed is well-formed Atom with the elements RFC 4287 requires', () => {
    for (const file of feeds) {
      const text = readFileSync(dist(file), 'utf8');
      expect(XMLValidator.validate(text), file).toBe(true);
      const { feed } = xml.parse(text) as {
        feed: Record<string, unknown> & { entry?: Record<string, unknown>[] };
      };
      expect(feed['@_xmlns'], file).toBe('http://www.w3.org/2005/Atom');
      for (const name of ['id', 'title', 'updated', 'author'])
        expect(feed[name], `${file} ${name}`).toBeTruthy();
      expect(Number.isNaN(Date.parse(String(feed['updated'])))).toBe(false);
      for (const entry of feed.entry ?? []) {
        for (const name of ['id', 'title', 'updated', 'link'])
          expect(entry[name], `${file} entry ${name}`).toBeTruthy();
      }
    }
  });

  it("a ward's feed gives the latest month's total its page shows, and the page links to it", () => {
    const latest = data.months.at(-1) as string;
    for (const ward of data.wards) {
      const page = html(`wards/${ward.slug}/`);
      const shown = page
        .querySelector(`table.month-grid td[data-month="${latest}"]`)
        ?.getAttribute('data-value');
      const { feed } = xml.parse(readFileSync(dist('wards', ward.slug, 'feed.xml'), 'utf8')) as {
        feed: { entry: { title: string }[] };
      };
      expect(feed.entry).toHaveLength(1);
      expect(feed.entry[0]?.title.replace(/,/g, '')).toContain(`: ${shown} crimes`);
      const alternate = page.querySelectorAll('link[rel="alternate"][type="application/atom+xml"]');
      expect(alternate.map((l) => l.getAttribute('href'))).toContain(
        `/wards/${ward.slug}/feed.xml`,
      );
    }
  });
});

describe('credits', () => {
  it("every page's footer credits the postcode list the figures and the place search use", () => {
    const pages = pagesIn(DIST_DIR);
    expect(pages.length).toBeGreaterThan(40);
    for (const urlPath of pages) {
      const footer = html(urlPath).querySelector('footer')?.text.replace(/\s+/g, ' ') ?? '';
      expect(footer, urlPath).toContain('ONS Postcode Directory');
      expect(footer, urlPath).toContain(
        `Contains Royal Mail data © Royal Mail copyright and database right ${AREA_WORDS.postcodeYear}.`,
      );
    }
  });
});

describe('sitemap and robots.txt', () => {
  it('the sitemap lists every page of the site, and only pages', () => {
    const index = xml.parse(readFileSync(dist('sitemap-index.xml'), 'utf8')) as {
      sitemapindex: { sitemap: { loc: string }[] };
    };
    const listed = index.sitemapindex.sitemap.flatMap((s) => {
      const part = xml.parse(readFileSync(fileOf(s.loc), 'utf8')) as {
        urlset: { url: { loc: string }[] };
      };
      return part.urlset.url.map((u) => new URL(u.loc).pathname.replace(/^\//, ''));
    });
    const pages = pagesIn(DIST_DIR);
    expect(pages.length).toBeGreaterThan(data.wards.length + years.length);
    expect([...listed].sort()).toEqual([...pages].sort());
  });

  it('robots.txt points to the sitemap', () => {
    const robots = readFileSync(dist('robots.txt'), 'utf8');
    const sitemap = /^Sitemap: (\S+)$/m.exec(robots)?.[1] ?? '';
    expect(sitemap).toMatch(/\/sitemap-index\.xml$/);
    expect(existsSync(fileOf(sitemap))).toBe(true);
  });
});

describe('share images and favicon', () => {
  const pages = [
    ...data.wards.map((w) => ({ path: `wards/${w.slug}/`, name: w.name })),
    ...years.map((y) => ({ path: `years/${y}/`, name: String(y) })),
  ];

  it('every ward and year page has its own PNG share image under 100 KB, with alt text', () => {
    const images = new Set<string>();
    for (const { path: urlPath, name } of pages) {
      const page = html(urlPath);
      const url = page.querySelector('meta[property="og:image"]')?.getAttribute('content') ?? '';
      const file = fileOf(url);
      expect(existsSync(file), `${urlPath}: ${url}`).toBe(true);
      const png = readFileSync(file);
      expect(png.subarray(1, 4).toString('latin1'), url).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 630]);
      expect(statSync(file).size, url).toBeLessThan(100 * 1024);
      // A card shared on its own keeps the data's attribution and licence in the file.
      const copyright = pngTexts(png).get('Copyright') ?? '';
      expect(copyright, url).toContain('Crime records: police.uk (https://data.police.uk/)');
      expect(copyright, url).toContain('Open Government Licence v3.0 (https://');
      expect(
        page.querySelector('meta[property="og:image:alt"]')?.getAttribute('content'),
      ).toContain(name);
      images.add(url);
    }
    expect(images.size).toBe(pages.length);
  });

  it('every page links the favicon, which is in the build', () => {
    const built = pagesIn(DIST_DIR);
    // The home page, About, the indexes, every ward and every year at least.
    expect(built.length).toBeGreaterThan(data.wards.length + years.length);
    for (const urlPath of built) {
      // A page without the link must fail here, not look up dist('') (the folder itself).
      const href = html(urlPath).querySelector('link[rel="icon"]')?.getAttribute('href');
      expect(href, `${urlPath}: the favicon link`).toMatch(/\.svg$/);
      expect(existsSync(dist(href ?? '')), `${urlPath}: ${href}`).toBe(true);
    }
  });
});

/** A port nobody listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the 404 page', () => {
  it('astro preview serves it, with status 404 and a way back, for a path the site lacks', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        'node_modules/astro/bin/astro.mjs',
        'preview',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(
          () => reject(new Error(`astro preview did not start:\n${output}`)),
          20_000,
        );
        const seen = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes(String(port))) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout.on('data', seen);
        child.stderr.on('data', seen);
        child.on('exit', (code) => reject(new Error(`astro preview exited (${code}):\n${output}`)));
      });
      const response = await fetch(`http://127.0.0.1:${port}/no-such-page/`);
      expect(response.status).toBe(404);
      const page = parse(await response.text());
      expect(page.querySelector('h1')?.text).toBe('Page not found');
      expect(page.querySelectorAll('main a').map((a) => a.getAttribute('href'))).toContain('/');
      expect(page.querySelector('footer')?.text).toContain('Open Government Licence');
      // It has no address of its own: nothing names one, and it is not to be indexed.
      expect(page.querySelector('link[rel="canonical"]')).toBeNull();
      expect(page.querySelector('meta[property="og:url"]')).toBeNull();
      expect(page.querySelector('meta[name="robots"]')?.getAttribute('content')).toBe('noindex');
    } finally {
      child.kill();
    }
  });
});
