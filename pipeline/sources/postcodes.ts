// postcodes.io bulk reverse geocoding, for the snap points the local postcode list cannot
// place. Asked at a modest radius first, then at the widest radius postcodes.io allows for
// those still unplaced. Every answer is cached on disk by coordinate. A postcode is kept for
// good, so a monthly run asks about the snap points it has not placed before. "None within
// 2 km" is not: a postcodes.io fault can answer nulls too, and kept, those points would keep
// an estimated postcode district for good. So they are asked again on every run that asks
// postcodes.io (they are few: a point in a district is nearly always within 2 km of a
// postcode). An offline run asks nothing: it uses the cache as it is, nulls included.
// The postcode district of an answer goes into every output's Postcode District column, so
// it must be an outward code ("LS6"): an answer whose district is not is refused for its
// point, counted by reason with an example, neither used nor kept. The point is asked again
// at the wider radius and on the next run; until then it has the district an offline run
// gives a point postcodes.io has not placed.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { POSTCODE_DISTRICT } from '../../src/shared/area.ts';
import { coordinateKey } from '../../src/shared/coordinates.ts';
import { cutText } from '../../src/shared/cut-text.ts';
import { formatCount } from '../../src/shared/format-count.ts';
import { logSafeJson } from '../log-safe.ts';
import { ReasonTally } from '../report.ts';
import { writeJsonAtomic } from './cache.ts';
import { sourceUrl } from './config.ts';
import type { HttpClient, Log } from './http.ts';
import { HttpPassingFault, shapeProblems, transientStatus } from './http-errors.ts';

/** postcodes.io takes at most 100 geolocations per bulk request. */
export const MAX_GEOLOCATIONS_PER_REQUEST = 100;
/** First pass: a police.uk snap point on a street is nearly always within 250 m of a postcode. */
export const FIRST_PASS_RADIUS_METRES = 250;
/** Second pass: the widest radius postcodes.io accepts. */
export const WIDE_RADIUS_METRES = 2000;

export interface Coordinate {
  lon: number;
  lat: number;
}

export interface PostcodePlace {
  postcode: string;
  /** The outward code, e.g. "LS6": the postcode district. */
  district: string;
  distanceMetres: number;
}

const cachedSchema = z.object({
  place: z
    .object({ postcode: z.string(), district: z.string(), distanceMetres: z.number() })
    .nullable(),
  /** The widest radius asked; a null place means none within it. */
  radius: z.number(),
});
const cacheFileSchema = z.object({
  version: z.literal(1),
  entries: z.record(z.string(), cachedSchema),
});
type CacheFile = z.infer<typeof cacheFileSchema>;

/**
 * postcodes.io repeats the HTTP status in the body, and a fault can answer HTTP 200 with
 * another status there (and a result of nulls, which would read as "no postcode near").
 */
const bodyStatusSchema = z.object({ status: z.number(), error: z.unknown().optional() });
/** Error text quoted in a message: enough to recognise, never a whole page. */
const QUOTED_ERROR_MAX = 200;
/** The longest outward code ("EC1A"); longer text is refused as too long. */
const OUTWARD_CODE_MAX = 4;
/** A refused district or postcode quoted in an example: enough to recognise it. */
const QUOTED_ANSWER_MAX = 40;

/**
 * Why an answer's postcode district was refused: empty; half a character (a lone UTF-16
 * surrogate); a control character (a line break, a NUL, an escape); longer than any outward
 * code; or other text that is not one ("LS 6", "ls6", "<b>").
 */
export const REFUSED_DISTRICT_REASONS = [
  'empty',
  'unreadable-characters',
  'control-characters',
  'too-long',
  'not-an-outward-code',
] as const;
export type RefusedDistrictReason = (typeof REFUSED_DISTRICT_REASONS)[number];

const bulkAnswerSchema = z.object({
  status: z.number(),
  result: z.array(
    z.object({
      query: z.object({ longitude: z.coerce.number(), latitude: z.coerce.number() }),
      result: z
        .array(z.object({ postcode: z.string(), outcode: z.string(), distance: z.number() }))
        .nullable(),
    }),
  ),
});

export interface ReverseGeocodeOptions {
  client: HttpClient;
  postcodesBaseUrl: string;
  cacheFile: string;
  radii?: readonly number[];
  log?: Log;
}

export interface ReverseGeocodeResult {
  /** coordinateKey -> nearest postcode, or null when none lies within the widest radius. */
  places: Map<string, PostcodePlace | null>;
  /** Points sent to postcodes.io: those not in the cache, and those it placed nowhere before. */
  asked: number;
  /** Of `asked`, the points the cache held as "none within the widest radius". */
  askedAgain: number;
  /** Points whose postcode came from the cache. */
  fromCache: number;
  /**
   * Points whose last answer was refused, its postcode district not an outward code, by
   * reason; they are in neither `places` nor the cache.
   */
  refused: ReasonTally<RefusedDistrictReason>;
  requests: number;
}

/** The nearest postcode of each coordinate (deduplicated), from the cache or postcodes.io. */
export async function reverseGeocode(
  points: readonly Coordinate[],
  options: ReverseGeocodeOptions,
): Promise<ReverseGeocodeResult> {
  const { client, log = () => {} } = options;
  const radii = options.radii ?? [FIRST_PASS_RADIUS_METRES, WIDE_RADIUS_METRES];
  const cache = await readCache(options.cacheFile);
  const places = new Map<string, PostcodePlace | null>();
  let pending = new Map<string, Coordinate>();
  for (const point of points) {
    const key = coordinateKey(point.lon, point.lat);
    // A cached null ("none within the widest radius") is asked again: see the header.
    // So is a postcode district an earlier run kept unchecked that is not one.
    const place = cache.entries[key]?.place;
    if (place && refusedDistrict(place.district) === null) places.set(key, place);
    else pending.set(key, point);
  }
  const fromCache = places.size;
  const asked = pending.size;
  const askedAgain = [...pending.keys()].filter((key) => cache.entries[key]?.place === null).length;
  if (askedAgain > 0) {
    log(
      `postcodes.io: asking again about ${askedAgain} snap point(s) it answered no postcode ` +
        'near before (a postcodes.io fault can give that answer too, so it is not kept for good)',
    );
  }
  const requestsBefore = client.stats.requests;
  /** By coordinate key: why its latest answer was refused, until an answer is used. */
  const refusals = new Map<string, { reason: RefusedDistrictReason; detail: string }>();
  const url = sourceUrl(options.postcodesBaseUrl, 'postcodes');

  for (const [pass, radius] of radii.entries()) {
    if (pending.size === 0) break;
    log(
      `postcodes.io: asking about ${pending.size} snap points within ${radius} m (pass ${pass + 1})`,
    );
    const unplaced = new Map<string, Coordinate>();
    const batch = [...pending.entries()];
    for (let start = 0; start < batch.length; start += MAX_GEOLOCATIONS_PER_REQUEST) {
      const chunk = batch.slice(start, start + MAX_GEOLOCATIONS_PER_REQUEST);
      const body = {
        geolocations: chunk.map(([, p]) => ({
          longitude: p.lon,
          latitude: p.lat,
          radius,
          limit: 1,
        })),
      };
      const answer = await client.json(
        url,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        },
        (answered) => {
          const bodyStatus = bodyStatusSchema.safeParse(answered);
          if (bodyStatus.success && bodyStatus.data.status !== 200) {
            const { status, error } = bodyStatus.data;
            const message =
              `POST ${url.href} answered, but its body says status ${status}` +
              `${quotedError(error)}; nothing of it was used`;
            // A fault the body reports is retried as the same status would be.
            throw transientStatus(status) ? new HttpPassingFault(message) : new Error(message);
          }
          return answered;
        },
      );
      const parsed = bulkAnswerSchema.safeParse(answer);
      if (!parsed.success || parsed.data.result.length !== chunk.length) {
        throw new Error(
          `POST ${url.href} did not answer one result per geolocation (${chunk.length} asked)` +
            (parsed.success
              ? `, got ${parsed.data.result.length}`
              : `: ${shapeProblems(parsed.error)}`),
        );
      }
      // Matched by position: an answer in another order would give points each other's postcodes.
      for (const [index, [key]] of chunk.entries()) {
        const { query } = parsed.data.result[index]!;
        const answeredFor = coordinateKey(query.longitude, query.latitude);
        if (answeredFor !== key) {
          throw new Error(
            `POST ${url.href} did not answer the points in the order asked: result ${index + 1} of ` +
              `${chunk.length} is for ${answeredFor}, asked about ${key}; nothing of it was used`,
          );
        }
      }
      for (const [index, [key, point]] of chunk.entries()) {
        const nearest = parsed.data.result[index]?.result?.[0];
        const refusal = nearest ? refusedDistrict(nearest.outcode) : null;
        if (nearest && refusal !== null) {
          refusals.set(key, {
            reason: refusal,
            detail:
              `postcodes.io gave the postcode district ${quotedAnswer(nearest.outcode)} ` +
              `(postcode ${quotedAnswer(nearest.postcode)}) within ${formatCount(radius)} m`,
          });
          unplaced.set(key, point);
          // Not kept, nor an earlier run's answer for the point: neither is known good.
          if (pass === radii.length - 1) delete cache.entries[key];
        } else if (nearest) {
          refusals.delete(key);
          const place = {
            postcode: nearest.postcode,
            district: nearest.outcode,
            distanceMetres: nearest.distance,
          };
          places.set(key, place);
          cache.entries[key] = { place, radius };
        } else {
          refusals.delete(key);
          unplaced.set(key, point);
          if (pass === radii.length - 1) {
            places.set(key, null);
            cache.entries[key] = { place: null, radius };
          }
        }
      }
      // Saved after every answer, so a run that fails or is stopped later keeps what it
      // learnt: the next run asks only about the rest.
      await writeJsonAtomic(options.cacheFile, cache);
    }
    pending = unplaced;
  }
  const refused = new ReasonTally(REFUSED_DISTRICT_REASONS);
  for (const [key, { reason, detail }] of refusals) refused.add(reason, key, detail);
  return {
    places,
    asked,
    askedAgain,
    fromCache,
    refused,
    requests: client.stats.requests - requestsBefore,
  };
}

/** Why `district` is not an outward code ("LS6", "EC1A"), or null when it is one. */
export function refusedDistrict(district: string): RefusedDistrictReason | null {
  if (POSTCODE_DISTRICT.test(district)) return null;
  if (district === '') return 'empty';
  if (/\p{Cs}/u.test(district)) return 'unreadable-characters';
  if (/\p{Cc}/u.test(district)) return 'control-characters';
  if (district.length > OUTWARD_CODE_MAX) return 'too-long';
  return 'not-an-outward-code';
}

/** Text of an answer, quoted and inert in a log line (JSON escapes, cut short). */
function quotedAnswer(text: string): string {
  return logSafeJson(JSON.stringify(cutText(text, QUOTED_ANSWER_MAX)));
}

/** postcodes.io's error text, quoted and inert in a log line; empty when it gave none. */
function quotedError(error: unknown): string {
  if (error === undefined) return '';
  const text = typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
  return `: ${logSafeJson(JSON.stringify(cutText(text, QUOTED_ERROR_MAX)))}`;
}

async function readCache(file: string): Promise<CacheFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { version: 1, entries: {} };
  }
  let parsed: ReturnType<typeof cacheFileSchema.safeParse>;
  try {
    parsed = cacheFileSchema.safeParse(JSON.parse(text));
  } catch (cause) {
    throw new Error(`${file} is not JSON; delete it to rebuild the postcodes.io cache`, { cause });
  }
  if (!parsed.success) {
    throw new Error(
      `${file} is not a postcodes.io cache (${parsed.error.message}); delete it to rebuild it`,
    );
  }
  return parsed.data;
}
