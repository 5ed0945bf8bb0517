// @ts-check
import { defineConfig } from 'astro/config';
import preact from '@astrojs/preact';
import sitemap from '@astrojs/sitemap';
import { areaPublicDir, defaultPublicDir } from './src/lib/area-public.ts';
import { areaDataDir, areaSlug, mapArea } from './src/lib/area.ts';
import { modulePreloads } from './src/lib/module-preloads.ts';

// Where the site is served: canonical URLs, Open Graph images, feeds, the sitemap and
// robots.txt are absolute URLs built from these. The deploy workflow sets both from GitHub
// Pages (e.g. SITE_URL=https://owner.github.io, SITE_BASE=/repository/). Without them the
// build is for `astro preview` on this machine, whose address is the default below, so
// every absolute URL in a local build works where it is served.
const site = process.env.SITE_URL || 'http://localhost:4321';
const base = process.env.SITE_BASE || '/';

// The district the site is for: AREA (default leeds), see src/lib/area.ts. Leeds serves the
// repository's public/; another area serves public/'s own files with its data folder's.
const slug = areaSlug();
const dataDir = areaDataDir(slug);

export default defineConfig({
  site,
  base,
  publicDir: dataDir === null ? defaultPublicDir() : areaPublicDir(slug, dataDir),
  vite: {
    define: { 'import.meta.env.PUBLIC_MAP_AREA': JSON.stringify(JSON.stringify(mapArea())) },
  },
  trailingSlash: 'always',
  output: 'static',
  integrations: [
    preact(),
    sitemap({ filter: (page) => !/\/404\/?$/.test(page) }),
    modulePreloads(),
  ],
  build: { format: 'directory' },
  devToolbar: { enabled: false },
});
