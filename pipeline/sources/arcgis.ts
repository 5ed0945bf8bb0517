// ArcGIS REST feature-layer queries (`<layer>/query`), as the ONS Open Geography Portal's
// FeatureServers answer them: GeoJSON in WGS84 (`f=geojson`, `outSR=4326`), paged with
// resultOffset/resultRecordCount until the server stops saying `exceededTransferLimit`.
import type { Feature, Geometry } from 'geojson';
import { z } from 'zod';
import { cutText } from '../../src/shared/cut-text.ts';
import { quoteOutside } from '../log-safe.ts';
import type { HttpClient, Log } from './http.ts';
import { HttpPassingFault, shapeProblems, shortUrl, transientStatus } from './http-errors.ts';

/** ONS layers allow 2,000 features a page; 1,000 keeps a page of detailed polygons a few MB. */
export const ARCGIS_PAGE_SIZE = 1000;
/** More pages than this for one query means the paging is not advancing. */
const MAX_PAGES = 500;
/** Values per `IN (...)` clause: keeps a GET's URL under the 8 KB many servers accept. */
export const IN_CLAUSE_MAX = 100;
/** Enough of a server's error message to recognise it, never a whole page. */
const QUOTED_ERROR_CHARS = 200;
/** Enough of a filter to say what was asked in a log line. */
const WHERE_LOGGED_MAX = 60;

/**
 * ArcGIS reports errors as HTTP 200 with an `error` object, whose code is an HTTP status: one
 * that is transient (a 500 "Error performing query operation" from a busy server, a 503, a
 * 429) is thrown as a passing fault, for the client to ask again (read inside its attempt,
 * `client.json(url, {}, (body) => arcgisAnswer(body, url))`); any other fails at once. A page
 * of no features that says more remain (emptyButMore) is a passing fault too.
 */
export function arcgisAnswer(body: unknown, where: string): unknown {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (error) {
    const code =
      typeof error.code === 'number' ? String(error.code) : quoteOutside(String(error.code), 40);
    const message = `${where} answered an ArcGIS error ${code}: ${quoteOutside(String(error.message), QUOTED_ERROR_CHARS)}`;
    throw transientStatus(Number(error.code)) ? new HttpPassingFault(message) : new Error(message);
  }
  if (emptyButMore(body)) {
    throw new HttpPassingFault(
      `${where} answered no features but says more remain (exceededTransferLimit): the server ` +
        'failed to page',
    );
  }
  return body;
}

const pageSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      properties: z.record(z.string(), z.unknown()).nullable(),
      geometry: z.unknown(),
    }),
  ),
  // A GeoJSON answer says it under `properties`; some servers put it at the top, as f=json does.
  exceededTransferLimit: z.boolean().optional(),
  properties: z.object({ exceededTransferLimit: z.boolean().optional() }).optional(),
});

export interface LayerQuery {
  /** SQL-92 filter, e.g. "LAD24CD = 'E08000039'". */
  where: string;
  outFields: readonly string[];
  /** A field that orders the features, so that pages neither overlap nor skip. */
  orderByField: string;
  returnGeometry: boolean;
}

export interface QueryOptions {
  pageSize?: number;
  log?: Log;
}

/** A feature as a layer answered it: the fields asked for, and its geometry (null without). */
export type LayerFeature = Feature<Geometry | null, Record<string, unknown>>;

/** Every feature `query` matches on the layer at `queryUrl` (".../FeatureServer/0/query"). */
export async function queryLayer(
  client: HttpClient,
  queryUrl: URL,
  query: LayerQuery,
  options: QueryOptions = {},
): Promise<LayerFeature[]> {
  const pageSize = options.pageSize ?? ARCGIS_PAGE_SIZE;
  const features: LayerFeature[] = [];
  for (let page = 0; ; page += 1) {
    if (page >= MAX_PAGES) {
      throw new Error(
        `${queryUrl.href}: still more features after ${MAX_PAGES} pages for ${query.where}; ` +
          'the paging is not advancing: try again later',
      );
    }
    const target = new URL(queryUrl);
    target.search = new URLSearchParams({
      where: query.where,
      outFields: query.outFields.join(','),
      orderByFields: query.orderByField,
      returnGeometry: String(query.returnGeometry),
      outSR: '4326',
      // The server may cap a page below what was asked: continue from what actually arrived.
      resultOffset: String(features.length),
      resultRecordCount: String(pageSize),
      f: 'geojson',
    }).toString();
    const parsed = pageSchema.safeParse(
      await client.json(target, {}, (body) => arcgisAnswer(body, target.href)),
    );
    if (!parsed.success) {
      throw new Error(
        `${target.href} did not answer a GeoJSON FeatureCollection: ${shapeProblems(parsed.error)}. ` +
          'Check the service name and that it is a feature layer.',
      );
    }
    for (const feature of parsed.data.features) {
      features.push({
        type: 'Feature',
        properties: feature.properties ?? {},
        geometry: (feature.geometry ?? null) as Geometry | null,
      });
    }
    // Esri: rely on the flag, not the page's length (a page may be short mid-way; an empty one
    // that says more remain was asked again: arcgisAnswer).
    const more =
      parsed.data.exceededTransferLimit ?? parsed.data.properties?.exceededTransferLimit ?? false;
    if (!more) break;
  }
  options.log?.(
    `${shortUrl(queryUrl.href)}: ${features.length} features for ${shortWhere(query.where)}`,
  );
  return features;
}

/**
 * Whether an ArcGIS page (GeoJSON or f=json) holds no features but says more remain: a server
 * failing to page. Asked on from the same offset, the page would come again and again.
 */
function emptyButMore(body: unknown): boolean {
  const page = body as {
    features?: unknown;
    exceededTransferLimit?: unknown;
    properties?: { exceededTransferLimit?: unknown } | null;
  } | null;
  return (
    Array.isArray(page?.features) &&
    page.features.length === 0 &&
    (page.exceededTransferLimit === true || page.properties?.exceededTransferLimit === true)
  );
}

/** A filter as logged: an IN list of a hundred codes is cut to its start. */
function shortWhere(where: string): string {
  return cutText(where, WHERE_LOGGED_MAX + 1);
}

/** `field IN ('a','b')`, quoting each value as SQL does. */
export function inClause(field: string, values: readonly string[]): string {
  return `${field} IN (${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(',')})`;
}
