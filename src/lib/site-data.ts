// The site's data, validated once when the build first imports it. Every page reads it here.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { area, areaDataFile, AREA_FILE, REBUILD } from './area.ts';
import { yearsWithData } from './figures.ts';
import { areaMismatch } from '../shared/area.ts';
import { MapDataFormatError, readMapDataHeader, type MapDataHeader } from '../shared/map-data.ts';
import { monthsDifference } from '../shared/months.ts';
import { parseOrThrow, siteDataSchema, type SiteData } from '../shared/schema.ts';

const raw = areaDataFile('site-data.json');

export const siteData: SiteData = parseOrThrow(siteDataSchema, raw.value, raw.source);

// Data built from another configuration than area.json (a centre or boundaries changed since)
// would be shown in the words of the new one: refused, with what differs.
const differing = areaMismatch(area, siteData.builtFrom);
if (differing.length > 0) {
  throw new Error(
    `The site data ${raw.file} was built from another configuration of the area than ` +
      `${AREA_FILE} has now (${differing.join(', ')} differ). ${REBUILD}`,
  );
}

/**
 * The header of the map data `file` (gzipped; its `bytes` when already read) the build serves.
 * A file the map cannot read (of an older format: version 1 carried no licence or attribution)
 * stops the build, naming the file and the command that makes it again, rather than being
 * served to a map that refuses it.
 */
export function requireMapDataHeader(
  file: string,
  bytes: Uint8Array = readFileSync(file),
): MapDataHeader {
  try {
    return readMapDataHeader(gunzipSync(bytes)).header;
  } catch (error) {
    if (!(error instanceof MapDataFormatError)) throw error;
    throw new Error(`${error.message} (${file}). ${REBUILD}`, { cause: error });
  }
}

/**
 * Throws unless `months` (the months with data of `what`, the pipeline's file `file` the build
 * serves beside the site data: the downloads manifest, the map data) are the site data's. Of
 * another run, the Data page's files or the map would tell another story than the pages.
 */
export function requireSiteDataMonths(what: string, file: string, months: readonly string[]): void {
  const difference = monthsDifference(siteData.months, months);
  if (difference === null) return;
  throw new Error(
    `${what} ${file} ${difference}: it is not of the run that made the site data ${raw.file}. ` +
      `The pipeline writes them together: ${REBUILD}`,
  );
}

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
