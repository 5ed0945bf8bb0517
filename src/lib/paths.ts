// Site-relative links that respect the configured base path (GitHub Pages serves the
// site under /<repository>/). Pure apart from reading Vite's BASE_URL.

/** "wards/adel-and-wharfedale/" -> "/base/wards/adel-and-wharfedale/" */
export function sitePath(path: string): string {
  const base = import.meta.env.BASE_URL.replace(/\/?$/, '/');
  return base + path.replace(/^\//, '');
}

export function wardPath(slug: string): string {
  return sitePath(`wards/${slug}/`);
}

export function yearPath(year: number): string {
  return sitePath(`years/${year}/`);
}

/**
 * The map opened on one ward, over `months` (YYYY-MM, first and last) when given: a report's
 * window, so the map's figures are the report's. The map page keeps its view in the query
 * string (src/lib/map-state.ts), where `ward` holds the ward's slug; `excludeCentre` opens it
 * with the district's centre left out (`cc=1`).
 */
export function mapWardPath(
  slug: string,
  months?: { from: string; to: string },
  options: { excludeCentre?: boolean } = {},
): string {
  const window = months === undefined ? '' : `&from=${months.from}&to=${months.to}`;
  const centre = options.excludeCentre === true ? '&cc=1' : '';
  return `${sitePath('')}?ward=${encodeURIComponent(slug)}${window}${centre}`;
}

/** The absolute URL of a site path, for canonical links, feeds and share images. */
export function absoluteUrl(
  path: string,
  site: URL | string | undefined = import.meta.env.SITE,
): string {
  if (site === undefined) throw new Error('The site URL is not set (astro.config.mjs `site`).');
  return new URL(sitePath(path), site).href;
}
