// @ts-check
import { defineConfig } from 'astro/config';
import preact from '@astrojs/preact';

// SITE_URL is set by the deploy workflow (GitHub Pages); canonical URLs and the
// sitemap-free static build work the same locally.
const site = process.env.SITE_URL ?? 'https://leeds-crime.example.org';
const base = process.env.SITE_BASE ?? '/';

export default defineConfig({
  site,
  base,
  trailingSlash: 'always',
  output: 'static',
  integrations: [preact()],
  build: { format: 'directory' },
  devToolbar: { enabled: false },
});
