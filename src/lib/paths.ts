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

/** What the map opens on (src/lib/map-state.ts keeps its view in the query string). */
export interface MapLink {
  /** A ward's slug: the map opened on that ward. */
  ward?: string;
  /** First and last month (YYYY-MM): a report's window, so the map's figures are the report's. */
  months?: { from: string; to: string };
  /** The wards coloured by their rate per resident (`view=wards&measure=rate`). */
  wardRates?: boolean;
  /** The district's centre left out, crimes and residents together (`cc=1`). */
  excludeCentre?: boolean;
}

/** The map's address for `link`: "/base/?from=2024-04&to=2025-03&view=wards&measure=rate&cc=1". */
export function mapPath(link: MapLink): string {
  const params = [
    ...(link.ward === undefined ? [] : [`ward=${encodeURIComponent(link.ward)}`]),
    ...(link.months === undefined ? [] : [`from=${link.months.from}`, `to=${link.months.to}`]),
    ...(link.wardRates === true ? ['view=wards', 'measure=rate'] : []),
    ...(link.excludeCentre === true ? ['cc=1'] : []),
  ];
  return `${sitePath('')}${params.length === 0 ? '' : `?${params.join('&')}`}`;
}

/**
 * The map of every ward's rate with the district's centre left out, over `months`: where a
 * table of wards' rates sends readers for the rates without the centre (CentreCaveat).
 */
export function mapRatesWithoutCentrePath(months: { from: string; to: string }): string {
  return mapPath({ months, wardRates: true, excludeCentre: true });
}

/** The map opened on one ward, over `months` when given (mapPath). */
export function mapWardPath(
  slug: string,
  months?: { from: string; to: string },
  options: { excludeCentre?: boolean } = {},
): string {
  return mapPath({ ward: slug, months, ...options });
}

/** The absolute URL of a site path, for canonical links, feeds and share images. */
export function absoluteUrl(
  path: string,
  site: URL | string | undefined = import.meta.env.SITE,
): string {
  if (site === undefined) throw new Error('The site URL is not set (astro.config.mjs `site`).');
  return new URL(sitePath(path), site).href;
}
