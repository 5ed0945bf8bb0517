// The police.uk API, for months no archive holds yet: crimes-street-dates says which months
// are published; crimes-street/all-crime by polygon returns a month's crimes over the district.
// A polygon holding more than 10,000 crimes answers 503, so it is cut into quadrants (clipped
// to the district) and each is asked again. A dozen requests cover Leeds where a grid of
// one-mile circles needs hundreds.
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { z } from 'zod';
import { monthSchema } from '../../src/shared/schema.ts';
import { sourceUrl } from './config.ts';
import { HttpStatusError, type HttpClient, type Log } from './http.ts';

/** police.uk answers 400 to a GET longer than this; longer polygons go by POST. */
export const MAX_GET_URL_CHARS = 4094;
/** The API's status for "more than 10,000 crimes in this area". */
const OVER_FULL_STATUS = 503;
/** Six levels of quadrants = up to 4,096 pieces; no area of Leeds is that dense, so deeper means a fault. */
const MAX_SPLIT_DEPTH = 6;
/**
 * The query polygon is the district outline grown by this much and then simplified by less,
 * so it stays a superset of the district (police.uk snap points on the boundary included)
 * while holding ~100 vertices instead of ~800.
 */
const OUTLINE_BUFFER_METRES = 250;
const SIMPLIFY_TOLERANCE_DEGREES = 0.0015;
/** Coordinates are sent with 5 decimals (~1 m), far below the buffer. */
const COORDINATE_DECIMALS = 5;

const crimeDatesSchema = z.array(
  z.object({ date: monthSchema, 'stop-and-search': z.array(z.string()).optional() }),
);

/** The months crimes-street can answer for, newest first. */
export async function fetchCrimeDates(client: HttpClient, apiBaseUrl: string): Promise<string[]> {
  const url = sourceUrl(apiBaseUrl, 'crimes-street-dates');
  const body = await client.json(url);
  const parsed = crimeDatesSchema.safeParse(body);
  if (!parsed.success) {
    throw new Error(
      `${url} did not answer a list of {date: "YYYY-MM"} objects: ${parsed.error.message}`,
    );
  }
  return parsed.data
    .map((d) => d.date)
    .sort()
    .reverse();
}

export type QueryPolygon = Feature<Polygon>;

/** The polygon(s) to ask for: the district, buffered and simplified (one per part of a multipolygon). */
export function districtQueryPolygons(outline: Feature<Polygon | MultiPolygon>): QueryPolygon[] {
  const grown = turf.buffer(outline, OUTLINE_BUFFER_METRES, { units: 'meters' });
  if (!grown)
    throw new Error('the district outline could not be buffered: is it an empty polygon?');
  const simple = turf.simplify(grown, { tolerance: SIMPLIFY_TOLERANCE_DEGREES, highQuality: true });
  return polygonsOf(simple);
}

function polygonsOf(feature: Feature<Polygon | MultiPolygon>): QueryPolygon[] {
  const geometry = feature.geometry;
  const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return parts.filter((rings) => (rings[0]?.length ?? 0) >= 4).map((rings) => turf.polygon(rings));
}

/** The `poly` parameter: "lat,lng:lat,lng:…" of the outer ring (police.uk closes it itself). */
export function polyParameter(polygon: QueryPolygon): string {
  const ring = polygon.geometry.coordinates[0] ?? [];
  return ring
    .slice(0, -1)
    .map(([lng, lat]) => `${round(lat)},${round(lng)}`)
    .join(':');
}

function round(value: number | undefined): string {
  return String(Number((value ?? Number.NaN).toFixed(COORDINATE_DECIMALS)));
}

/** The four quadrants of the polygon's bounding box, each clipped to the polygon. */
export function splitPolygon(polygon: QueryPolygon): QueryPolygon[] {
  const [west, south, east, north] = turf.bbox(polygon);
  const midX = (west + east) / 2;
  const midY = (south + north) / 2;
  const boxes: [number, number, number, number][] = [
    [west, south, midX, midY],
    [midX, south, east, midY],
    [west, midY, midX, north],
    [midX, midY, east, north],
  ];
  return boxes.flatMap((box) => {
    const piece = turf.intersect(turf.featureCollection([polygon, turf.bboxPolygon(box)]));
    return piece ? polygonsOf(piece).filter((p) => turf.area(p) > 0) : [];
  });
}

export interface MonthCrimes {
  month: string;
  /** Deduplicated by API id, in the order first seen. */
  crimes: unknown[];
  requests: number;
  /** Polygons that answered (leaves of the split). */
  polygons: number;
}

export interface FetchMonthOptions {
  client: HttpClient;
  apiBaseUrl: string;
  month: string;
  area: readonly QueryPolygon[];
  log?: Log;
}

/**
 * Every street-level crime of `month` inside `area`, deduplicated by id (a crime on a
 * quadrant edge is returned by both quadrants). Throws, naming the month, when any request
 * still fails after its retries; then nothing of the month is returned.
 */
export async function fetchMonthCrimes(options: FetchMonthOptions): Promise<MonthCrimes> {
  const { client, month, log = () => {} } = options;
  const url = sourceUrl(options.apiBaseUrl, 'crimes-street/all-crime');
  const byId = new Map<string, unknown>();
  let requests = 0;
  let polygons = 0;

  const ask = async (polygon: QueryPolygon, depth: number, label: string): Promise<void> => {
    const poly = polyParameter(polygon);
    const getUrl = `${url.href}?poly=${poly}&date=${month}`;
    const usePost = getUrl.length > MAX_GET_URL_CHARS;
    const target = usePost ? url.href : getUrl;
    const method = usePost ? 'POST' : 'GET';
    const requestsBefore = client.stats.requests;
    let answer: unknown;
    try {
      answer = await client.retrying(method, target, async () => {
        const exchange = await client.send(target, {
          method,
          accept: [OVER_FULL_STATUS],
          ...(usePost
            ? {
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: new URLSearchParams({ poly, date: month }).toString(),
              }
            : {}),
        });
        if (exchange.response.status === OVER_FULL_STATUS) {
          await exchange.discard();
          return OVER_FULL_STATUS;
        }
        const body = await exchange.bytes();
        try {
          return JSON.parse(body.toString('utf8')) as unknown;
        } catch (cause) {
          throw new Error(
            `${method} ${url.href} (${label}) answered with a body that is not JSON`,
            { cause },
          );
        }
      });
    } finally {
      requests += client.stats.requests - requestsBefore;
    }
    if (answer === OVER_FULL_STATUS) {
      if (depth >= MAX_SPLIT_DEPTH) {
        throw new HttpStatusError(method, target, OVER_FULL_STATUS, undefined);
      }
      const pieces = splitPolygon(polygon);
      log(
        `police.uk API ${month}: polygon ${label} holds over 10,000 crimes; asking its ${pieces.length} quadrants`,
      );
      for (const [index, piece] of pieces.entries())
        await ask(piece, depth + 1, `${label}.${index + 1}`);
      return;
    }
    if (!Array.isArray(answer)) {
      throw new Error(`${method} ${url.href} (${label}) did not answer a JSON array of crimes`);
    }
    polygons += 1;
    for (const crime of answer) {
      const id = (crime as { id?: unknown } | null)?.id;
      // A crime without an id cannot be deduplicated; keep it, normalisation will judge it.
      byId.set(id === undefined || id === null ? `no-id-${byId.size}` : String(id), crime);
    }
  };

  try {
    for (const [index, polygon] of options.area.entries()) await ask(polygon, 0, String(index + 1));
  } catch (error) {
    throw new Error(
      `police.uk API month ${month} could not be fetched: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return { month, crimes: [...byId.values()], requests, polygons };
}
