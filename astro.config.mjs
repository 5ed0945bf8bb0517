// @ts-check
import { defineConfig } from 'astro/config';
import preact from '@astrojs/preact';
import sitemap from '@astrojs/sitemap';

// Where the site is served: canonical URLs, Open Graph images, feeds, the sitemap and
// robots.txt are absolute URLs built from these. The deploy workflow sets both from GitHub
// Pages (e.g. SITE_URL=https://owner.github.io, SITE_BASE=/repository/). Without them the
// build is for `astro preview` on this machine, whose address is the default below, so
// every absolute URL in a local build works where it is served.
const site = process.env.SITE_URL || 'http://localhost:4321';
const base = process.env.SITE_BASE || '/';

export default defineConfig({
  site,
  base,
  trailingSlash: 'always',
  output: 'static',
  integrations: [preact(), sitemap({ filter: (page) => !/\/404\/?$/.test(page) })],
  build: { format: 'directory' },
  devToolbar: { enabled: false },
});
