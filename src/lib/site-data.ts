// The site's data, validated once when the build first imports it. Every page reads it here.
import { areaDataFile } from './area.ts';
import { yearsWithData } from './figures.ts';
import { parseOrThrow, siteDataSchema, type SiteData } from '../shared/schema.ts';

const raw = areaDataFile('site-data.json');

export const siteData: SiteData = parseOrThrow(siteDataSchema, raw.value, raw.source);

/** The routes of a page per ward (/wards/<slug>/...): its slug, and its index as the prop. */
export function wardPaths(): { params: { slug: string }; props: { index: number } }[] {
  return siteData.wards.map((ward, index) => ({ params: { slug: ward.slug }, props: { index } }));
}

/** The routes of a page per year with data (/years/<year>/...): the year, as the prop too. */
export function yearPaths(): { params: { year: string }; props: { year: number } }[] {
  return yearsWithData(siteData).map((year) => ({
    params: { year: String(year) },
    props: { year },
  }));
}
