// The police.uk API, for months no archive holds yet: crimes-street-dates says which months
// are published; crimes-street/all-crime by polygon returns a month's crimes over the district.
// A polygon holding more than 10,000 crimes answers 503, so it is cut into quadrants (clipped
// to the district) and each is asked again. A dozen requests cover Leeds where a grid of
// one-mile circles needs hundreds.
import { z } from 'zod';
import { monthSchema } from '../../src/shared/schema.ts';
import { sourceUrl } from './config.ts';
import {
  describePrior,
  isLoss,
  judgeLeaf,
  priorCounts,
  priorFromEarlierMonths,
  type EarlierMonth,
  type LeafHistory,
  type PriorCounts,
} from './api-leaf-history.ts';
import { parseJsonBody, type HttpClient, type Log } from './http.ts';
import { HttpRequestFailed, HttpStatusError, shapeProblems, statusError } from './http-errors.ts';
import { formatArea, polyParameter, splitPolygon, type QueryPolygon } from './query-polygons.ts';
import { errorMessage } from '../../src/shared/error-message.ts';
import { cutText } from '../../src/shared/cut-text.ts';

/** police.uk answers 400 to a GET longer than this; longer polygons go by POST. */
export const MAX_GET_URL_CHARS = 4094;
/**
 * The API's status for "more than 10,000 crimes in this area". The same status with a
 * Retry-After is taken first for the server unavailable for a while (RFC 9110 10.2.3): it is
 * retried like any 503. One that outlasts the retries is taken for a full area after all and
 * split (nothing says police.uk's own answer for a full area never carries a Retry-After); a
 * server failing at every depth still ends at MAX_SPLIT_DEPTH.
 */
const OVER_FULL_STATUS = 503;
/**
 * The most crimes the API answers for one area: for more it answers OVER_FULL_STATUS. An answer
 * of this many or more may be a list cut short at the limit (by a change of the API's, or a
 * proxy), which would lose crimes without a word, so the piece is split as an over-full one is;
 * an area that really holds exactly this many costs a few requests more.
 */
export const MAX_CRIMES_PER_ANSWER = 10_000;
/** Leeds months need up to four levels of quadrants; beyond six the log says the server may be failing. */
const USUAL_SPLIT_DEPTH = 6;
/**
 * A piece after ten splits is about 1/1,000,000 of the district (well under 1,000 m²): no such
 * place holds 10,000 crimes in a month, so a 503 there is the server failing, not being full.
 */
const MAX_SPLIT_DEPTH = 10;
/** Whether `error` is a request's last 503 with a Retry-After, its retries spent (see OVER_FULL_STATUS). */
function outlastedRetryAfter(error: unknown): boolean {
  if (!(error instanceof HttpRequestFailed)) return false;
  const cause = error.cause;
  return (
    cause instanceof HttpStatusError &&
    cause.status === OVER_FULL_STATUS &&
    cause.retryAfterMs !== undefined
  );
}

/** Asks of a piece whose answer looks incomplete (empty, or short against its history). */
const LEAF_ATTEMPTS = 3;
/** Enough of each of two copies of a crime, as JSON, to see where they differ. */
const QUOTED_COPY_CHARS = 200;

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
      `${url} did not answer a list of {date: "YYYY-MM"} objects: ${shapeProblems(parsed.error)}. ` +
        'Check POLICE_API_BASE_URL; if it is the API, run again later.',
    );
  }
  return parsed.data
    .map((d) => d.date)
    .sort()
    .reverse();
}

/**
 * The key of a crime without an id (normalisation judges it; it is kept): its content and how
 * many identical ones came before it in the same answer (`seen`). Another answer holding it
 * (the piece asked again, or a neighbouring piece, for a crime on their edge) gives it the
 * same key, so it counts once; two identical ones in one answer are two crimes, and count twice.
 */
function idlessKey(crime: unknown, seen: Map<string, number>): string {
  const content = JSON.stringify(crime) ?? String(crime);
  const occurrence = seen.get(content) ?? 0;
  seen.set(content, occurrence + 1);
  return `no-id:${occurrence}:${content}`;
}

/**
 * A crime answered twice (by two pieces, on their edge, or by a piece asked again) is the same
 * crime with the same content; other content means police.uk changed the month while it was
 * asked, and the answers mix two versions of it: the month is refused, never settled by
 * taking one of them. `oneAnswer`: both copies came in one answer, so the month's data itself
 * holds two versions of the crime, and asking again is no remedy.
 */
function sameCrime(
  key: string,
  earlier: unknown,
  again: unknown,
  where: string,
  oneAnswer = false,
): void {
  const before = String(JSON.stringify(earlier));
  const after = String(JSON.stringify(again));
  if (before === after) return;
  throw new Error(
    `${where} answered crime ${key.replace(/^id:/, 'id ')} twice with different content ` +
      `(${cutText(before, QUOTED_COPY_CHARS)} against ${cutText(after, QUOTED_COPY_CHARS)}): ` +
      (oneAnswer
        ? "both came in one answer, so police.uk's data for the month holds two versions of " +
          'the crime, and which is right cannot be told. Nothing was written for it; take the ' +
          'month from its archive once published, or report the crime to police.uk.'
        : "police.uk changed the month's data while it was asked, so the answers mix two " +
          'versions of it. Nothing was written for it; try again later.'),
  );
}

export interface MonthCrimes {
  month: string;
  /** Deduplicated by API id, in the order first seen. */
  crimes: unknown[];
  requests: number;
  /** Polygons that answered (leaves of the split). */
  polygons: number;
  /** Crimes answered per piece ("1", "1.3", ...; a split piece counts its quadrants'): for the piece history. */
  pieces: Map<string, number>;
}

export interface FetchMonthOptions {
  client: HttpClient;
  apiBaseUrl: string;
  month: string;
  area: readonly QueryPolygon[];
  /** What each piece held in earlier months (see api-leaf-history.ts); none: nothing to compare. */
  history?: LeafHistory | undefined;
  /** Earlier months' crimes, counted inside a piece that has no history of its own. */
  earlier?: readonly EarlierMonth[] | undefined;
  /** Where that history is kept, for the message that says how to accept a real fall. */
  historyFile?: string | undefined;
  log?: Log;
}

/**
 * Every street-level crime of `month` inside `area`, deduplicated by id (a crime on a
 * quadrant edge is returned by both quadrants). Throws, naming the month, when any request
 * still fails after its retries, or when a piece that held crimes in earlier months still
 * answers nothing (or far less) after being asked again; then nothing of the month is returned.
 */
export async function fetchMonthCrimes(options: FetchMonthOptions): Promise<MonthCrimes> {
  const { client, month, log = () => {} } = options;
  const url = sourceUrl(options.apiBaseUrl, 'crimes-street/all-crime');
  const byId = new Map<string, unknown>();
  /** The piece that first answered each crime, for a conflict's message. */
  const answeredBy = new Map<string, string>();
  const pieces = new Map<string, number>();
  let requests = 0;
  let polygons = 0;

  /** One crimes-street request for `polygon`: its crimes, or OVER_FULL_STATUS. */
  const request = async (polygon: QueryPolygon, label: string): Promise<unknown[] | 503> => {
    const poly = polyParameter(polygon);
    const getUrl = `${url.href}?poly=${poly}&date=${month}`;
    const usePost = getUrl.length > MAX_GET_URL_CHARS;
    const target = usePost ? url.href : getUrl;
    const method = usePost ? 'POST' : 'GET';
    const requestsBefore = client.stats.requests;
    // The body in a box: a body of 503 (JSON's number) is not the status.
    let answer: { body: unknown } | typeof OVER_FULL_STATUS;
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
          if (exchange.response.headers.has('retry-after')) {
            throw statusError(method, target, exchange.response);
          }
          return OVER_FULL_STATUS;
        }
        const body = await exchange.bytes();
        return { body: parseJsonBody(`${method} ${url.href} (${label})`, exchange.response, body) };
      });
    } catch (error) {
      if (!outlastedRetryAfter(error)) throw error;
      log(
        `police.uk API ${month}: piece ${label} still answers 503 with a Retry-After after its ` +
          'retries: taken for an area of over 10,000 crimes, as a 503 without one is',
      );
      answer = OVER_FULL_STATUS;
    } finally {
      requests += client.stats.requests - requestsBefore;
    }
    if (answer === OVER_FULL_STATUS) return OVER_FULL_STATUS;
    const crimes = answer.body;
    if (!Array.isArray(crimes)) {
      throw new Error(`${method} ${url.href} (${label}) did not answer a JSON array of crimes`);
    }
    if (crimes.length >= MAX_CRIMES_PER_ANSWER) {
      log(
        `police.uk API ${month}: piece ${label} answered ${crimes.length} crimes, as many as the ` +
          'API gives for one area or more: the list may have been cut there, so it is split',
      );
      return OVER_FULL_STATUS;
    }
    return crimes;
  };

  const split = async (polygon: QueryPolygon, depth: number, label: string): Promise<number> => {
    if (depth >= MAX_SPLIT_DEPTH) {
      throw new Error(
        `piece ${label} still answers 503 after ${depth} splits (about ${formatArea(polygon)}): ` +
          'no place that small holds 10,000 crimes in a month, so the server is failing, ' +
          'not over-full. Try again later.',
      );
    }
    const quadrants = splitPolygon(polygon);
    log(
      depth < USUAL_SPLIT_DEPTH
        ? `police.uk API ${month}: polygon ${label} holds over 10,000 crimes; asking its ${quadrants.length} quadrants`
        : `police.uk API ${month}: piece ${label} (about ${formatArea(polygon)}) still answers 503 at split depth ${depth}, ` +
            `deeper than a district usually needs (${USUAL_SPLIT_DEPTH}, for Leeds): the server may be failing; asking its ${quadrants.length} quadrants ` +
            `(at most ${MAX_SPLIT_DEPTH} splits)`,
    );
    let total = 0;
    for (const [index, piece] of quadrants.entries()) {
      total += await ask(piece, depth + 1, `${label}.${index + 1}`);
    }
    return total;
  };

  /** The crimes of one piece, asked again while its answer looks incomplete. Returns its count. */
  const ask = async (polygon: QueryPolygon, depth: number, label: string): Promise<number> => {
    const prior =
      (options.history ? priorCounts(options.history, label, month) : undefined) ??
      priorFromEarlierMonths(options.earlier ?? [], polygon);
    const first = await request(polygon, label);
    if (first === OVER_FULL_STATUS) return record(label, await split(polygon, depth, label), prior);
    const answer = new Map<string, unknown>();
    const take = (crimes: readonly unknown[]) => {
      const seen = new Map<string, number>();
      /** The keys of this answer: a crime it repeats is not one the month changed. */
      const inThisAnswer = new Set<string>();
      for (const crime of crimes) {
        const id = (crime as { id?: unknown } | null)?.id;
        const key = id === undefined || id === null ? idlessKey(crime, seen) : `id:${String(id)}`;
        const earlier = answer.get(key);
        if (earlier !== undefined)
          sameCrime(key, earlier, crime, `piece ${label}`, inThisAnswer.has(key));
        answer.set(key, crime);
        inThisAnswer.add(key);
      }
    };
    take(first);
    let verdict = judgeLeaf(answer.size, prior);
    for (let attempt = 2; verdict !== 'ok' && attempt <= LEAF_ATTEMPTS; attempt += 1) {
      log(
        `police.uk API ${month}: piece ${label} answered ${answer.size} crimes` +
          (prior ? ` (it held ${describePrior(prior)})` : '') +
          `; asking again (attempt ${attempt} of ${LEAF_ATTEMPTS})`,
      );
      const again = await request(polygon, label);
      if (again === OVER_FULL_STATUS)
        return record(label, await split(polygon, depth, label), prior);
      take(again);
      verdict = judgeLeaf(answer.size, prior);
    }
    if (prior && isLoss(verdict, prior)) {
      throw new Error(
        `piece ${label} answered ${answer.size} crimes after ${LEAF_ATTEMPTS} attempts, where the same ` +
          `area held ${describePrior(prior)}: the answer is ${verdict === 'empty' ? 'empty' : 'short'}, and ` +
          'publishing it would show a fall in crime that did not happen. Try again later' +
          (prior.from === 'history' && options.historyFile
            ? `; if police.uk really holds fewer crimes there, delete ${options.historyFile} to accept it.`
            : prior.from === 'earlier-months'
              ? ` (counted from the earlier months' crimes inside the piece); if police.uk really holds fewer crimes there, take the month from its archive once published.`
              : '.'),
      );
    }
    polygons += 1;
    for (const [id, crime] of answer) {
      const earlier = byId.get(id);
      if (earlier === undefined) {
        byId.set(id, crime);
        answeredBy.set(id, label);
      } else {
        sameCrime(id, earlier, crime, `pieces ${answeredBy.get(id)} and ${label}`);
      }
    }
    pieces.set(label, answer.size);
    return answer.size;
  };

  /** A split piece's total, checked against what the piece held when it was answered whole. */
  const record = (label: string, count: number, prior: PriorCounts | undefined): number => {
    if (prior && isLoss(judgeLeaf(count, prior), prior)) {
      throw new Error(
        `piece ${label} (answered by its quadrants) holds ${count} crimes, where it held ` +
          `${describePrior(prior)}: part of the answer is missing. Try again later.`,
      );
    }
    pieces.set(label, count);
    return count;
  };

  try {
    for (const [index, polygon] of options.area.entries()) await ask(polygon, 0, String(index + 1));
  } catch (error) {
    throw new Error(`police.uk API month ${month} could not be fetched: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  return { month, crimes: [...byId.values()], requests, polygons, pieces };
}
