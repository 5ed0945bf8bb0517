// A district's postcodes from the ONS Postcode Directory's feature service on the Open
// Geography Portal (ONSPD centroids: one point per postcode with PCDS, LAT, LONG, DOTERM and
// the local-authority district code), asked for by the district code and paged like the other
// ArcGIS queries (arcgis.ts). Only live postcodes are kept (DOTERM, the date a postcode was
// terminated, empty). The answer becomes the area's postcode file, in the format of
// data/reference/postcodes-ls.csv (reference.ts parsePostcodes reads both).
import { queryLayer, type QueryOptions } from './arcgis.ts';
import { sourceUrl } from './config.ts';
import type { HttpClient } from './http.ts';
import { ONSPD_NO_LOCATION_LATITUDE, POSTCODE_PATTERN } from '../reference.ts';
import { compareCodeUnits } from '../../src/shared/compare.ts';
import { cutText } from '../../src/shared/cut-text.ts';

/**
 * The directory's service and the field holding each postcode's local-authority district.
 * The Portal renames both with each release (the field carries the vintage of the district
 * codes: LAD25CD), so an area command names them.
 */
export interface PostcodeSource {
  service: string;
  districtField: string;
}

/** The service's field names: the postcode in its "LS1 1AA" form, its centroid in WGS84, its termination date. */
const FIELDS = { postcode: 'PCDS', lat: 'LAT', lon: 'LONG', terminated: 'DOTERM' } as const;

/** A postcode as written to the area's file: no grid reference is kept as ONSPD writes it. */
export interface DirectoryPostcode {
  postcode: string;
  lat: number;
  lon: number;
}

/** Quoted values in messages stay short. */
const QUOTED_MAX = 40;

export interface PostcodeQuery {
  client: HttpClient;
  /** The Portal's services root (ONS_GEOGRAPHY_BASE_URL). */
  baseUrl: string;
  source: PostcodeSource;
  query?: QueryOptions;
}

/** `where` of the query: the district's live postcodes. */
export function postcodeWhere(source: PostcodeSource, districtCode: string): string {
  return `${source.districtField} = '${districtCode}' AND ${FIELDS.terminated} IS NULL`;
}

/**
 * The district's live postcodes, sorted. Stops, naming the service, on a row that is not a
 * postcode with a latitude and longitude in the UK (or ONSPD's no-location mark), on a
 * postcode answered twice, and on no postcodes at all.
 */
export async function fetchDistrictPostcodes(
  request: PostcodeQuery,
  districtCode: string,
): Promise<DirectoryPostcode[]> {
  const { source } = request;
  const where = postcodeWhere(source, districtCode);
  const rows = await queryLayer(
    request.client,
    sourceUrl(request.baseUrl, `${source.service}/FeatureServer/0/query`),
    {
      where,
      outFields: [FIELDS.postcode, FIELDS.lat, FIELDS.lon],
      orderByField: FIELDS.postcode,
      returnGeometry: false,
    },
    request.query,
  );
  if (rows.length === 0) {
    throw new Error(
      `${source.service}: no live postcodes for ${where}. Check the district code and that ` +
        `${source.districtField} is the service's district field (it names the vintage, e.g. LAD25CD)`,
    );
  }
  const postcodes = new Map<string, DirectoryPostcode>();
  rows.forEach((row, index) => {
    const postcode = postcodeOf(row.properties[FIELDS.postcode]);
    const lat = row.properties[FIELDS.lat];
    const lon = row.properties[FIELDS.lon];
    const where = `${source.service}: row ${index + 1} of ${rows.length} for ${districtCode}`;
    if (postcode === null) {
      throw new Error(
        `${where}: ${FIELDS.postcode} ${quote(row.properties[FIELDS.postcode])} is not a postcode; ` +
          'check that the service is the ONS Postcode Directory',
      );
    }
    if (!located(lat, lon)) {
      throw new Error(
        `${where}: ${postcode} has ${FIELDS.lat} ${quote(lat)}, ${FIELDS.lon} ${quote(lon)}, not ` +
          'a place in the UK; check that the service answers WGS84 latitude and longitude',
      );
    }
    if (postcodes.has(postcode)) {
      throw new Error(
        `${where}: ${postcode} is answered twice; the paging may have moved: try again`,
      );
    }
    postcodes.set(postcode, { postcode, lat: lat as number, lon: lon as number });
  });
  return [...postcodes.values()].sort((a, b) => compareCodeUnits(a.postcode, b.postcode));
}

/** "LS1 1AA" from PCDS ("LS1 1AA"; an upper-cased, single-spaced form of other spellings), or null. */
function postcodeOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = POSTCODE_PATTERN.exec(value.toUpperCase().replace(/\s+/g, ''));
  return match === null ? null : `${match[1]} ${match[2]}`;
}

/** A latitude and longitude in and around the UK, or ONSPD's mark for no grid reference. */
function located(lat: unknown, lon: unknown): boolean {
  if (typeof lat !== 'number' || typeof lon !== 'number') return false;
  if (lat === ONSPD_NO_LOCATION_LATITUDE) return true;
  return lat >= 49 && lat <= 61 && lon >= -9 && lon <= 2;
}

function quote(value: unknown): string {
  return cutText(JSON.stringify(value) ?? String(value), QUOTED_MAX);
}

/** The header of an area's postcode file: as data/reference/postcodes-ls.csv's. */
export const POSTCODE_COLUMNS = ['postcode_clean', 'lat', 'long', 'oslaua'] as const;

/** The area's postcode file: one row per postcode, with the district's code. */
export function postcodesCsv(
  postcodes: readonly DirectoryPostcode[],
  districtCode: string,
): string {
  const lines = postcodes.map((p) => `${p.postcode},${p.lat},${p.lon},${districtCode}`);
  return `${[POSTCODE_COLUMNS.join(','), ...lines].join('\n')}\n`;
}
