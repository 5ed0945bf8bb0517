import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as turf from '@turf/turf';
import type { Feature, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import {
  emptyHistory,
  recordMonth,
  type LeafHistory,
} from '../../../pipeline/sources/api-leaf-history.ts';
import { readMonthManifest, sourcePaths } from '../../../pipeline/sources/cache.ts';
import { resolveSourceConfig } from '../../../pipeline/sources/config.ts';
import { HttpClient } from '../../../pipeline/sources/http.ts';
import { fetchSources, type FetchSourcesOptions } from '../../../pipeline/sources/index.ts';
import {
  MAX_CRIMES_PER_ANSWER,
  MAX_GET_URL_CHARS,
  fetchCrimeDates,
  fetchMonthCrimes,
} from '../../../pipeline/sources/police-api.ts';
import { districtQueryPolygons } from '../../../pipeline/sources/query-polygons.ts';
import { buildArchive, pointOf, sampleRows, toApiCrime } from '../../support/police-fixtures.ts';
import { ReplayServer, type Handler, type RecordedRequest } from '../../support/replay-server.ts';
import { replayPerTest, replaySources } from '../../support/replay-sources.ts';
import { LONE_SURROGATE } from '../../support/lone-surrogate.ts';

const FAST_HTTP = { minBackoffMs: 1, maxBackoffMs: 5, retries: 3, timeoutMs: 2000 };
/** The replay server's stand-in for police.uk's 10,000: low enough that real Leeds months must be split. */
const TEST_MAX_CRIMES = 3000;
const OUTLINE = JSON.parse(
  await readFile(path.join('data', 'reference', 'leeds-outline.geojson'), 'utf8'),
) as {
  features: Feature<Polygon>[];
};
const CRIMES = sampleRows('2025-03').map((row, i) => toApiCrime(row, 90_000_000 + i));

/** The `poly` parameter as police.uk reads it: "lat,lng:lat,lng:…", closed automatically. */
function parsePoly(poly: string): Feature<Polygon> {
  const ring = poly.split(':').map((pair) => {
    const [lat, lng] = pair.split(',').map(Number) as [number, number];
    return [lng, lat];
  });
  return turf.polygon([[...ring, ring[0] as number[]]]);
}

/** Crimes police.uk returns for a polygon: inside it, boundary included. */
function crimesIn(polygon: Feature<Polygon>): Record<string, unknown>[] {
  return CRIMES.filter((crime) => turf.booleanPointInPolygon(pointOf(crime), polygon));
}

let server: ReplayServer;
let cacheRoot: string;
let logs: string[];

/**
 * A crimes-street/all-crime stand-in: 400 for long GETs, 404 for unpublished months, 503 when
 * over-full. Returns its handler, for a test that answers otherwise first.
 */
function serveCrimesStreet(published: readonly string[]): Handler {
  const handler = (request: RecordedRequest) => {
    if (
      request.method === 'GET' &&
      `${server.url.slice(0, -1)}${request.url}`.length > MAX_GET_URL_CHARS
    ) {
      return { status: 400, body: 'Request-URI Too Long' };
    }
    const params = request.method === 'POST' ? new URLSearchParams(request.body) : request.query;
    const date = params.get('date') ?? '';
    if (!published.includes(date)) return { status: 404, body: '' };
    const inside = crimesIn(parsePoly(params.get('poly') ?? ''));
    if (inside.length > TEST_MAX_CRIMES) return { status: 503, body: '' };
    return { body: inside.map((crime) => ({ ...crime, month: date })) };
  };
  server.route('GET', '/api/crimes-street/all-crime', handler);
  server.route('POST', '/api/crimes-street/all-crime', handler);
  return handler;
}

replayPerTest('sources-api-', (s, d) => {
  server = s;
  cacheRoot = d;
  logs = [];
});

/** 2025-03 fetched over two pieces of the district (the same one twice): two requests. */
function fetchTwoPieces(): ReturnType<typeof fetchMonthCrimes> {
  const area = districtQueryPolygons(OUTLINE.features[0] as Feature<Polygon>);
  const pieces = [area[0], area[0]].filter((p): p is Feature<Polygon> => p !== undefined);
  return fetchMonthCrimes({
    client: new HttpClient(FAST_HTTP),
    apiBaseUrl: `${server.url}api/`,
    month: '2025-03',
    area: pieces,
  });
}

describe('fetchMonthCrimes() against a crimes-street replay', () => {
  it('splits an over-full polygon (503) into clipped quadrants and returns every crime once', async () => {
    serveCrimesStreet(['2025-03']);
    const client = new HttpClient(FAST_HTTP);
    const area = districtQueryPolygons(OUTLINE.features[0] as Feature<Polygon>);
    const result = await fetchMonthCrimes({
      client,
      apiBaseUrl: `${server.url}api/`,
      month: '2025-03',
      area,
      log: (m) => logs.push(m),
    });

    const first = server.requests[0] as RecordedRequest;
    expect(first.status).toBe(503);
    const expected = crimesIn(parsePoly(first.query.get('poly') ?? '')).map((c) => c.id);
    const ids = result.crimes.map((c) => (c as { id: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(expected));
    // Nearly every Leeds crime of the sample lies inside the query polygon.
    expect(ids.length).toBeGreaterThan(CRIMES.length * 0.99);
    expect(server.requests.filter((r) => r.status === 503).length).toBeGreaterThan(0);
    expect(result.requests).toBe(server.requests.length);
    expect(result.requests).toBeLessThan(20);
    expect(
      logs.some((l) => /polygon 1 holds over 10,000 crimes; asking its \d quadrants/.test(l)),
    ).toBe(true);
  });

  it('sends a polygon too long for a GET by POST', async () => {
    serveCrimesStreet(['2025-03']);
    // The unsimplified outline: 839 points, far over 4,094 characters as a GET.
    const detailed = turf.polygon((OUTLINE.features[0] as Feature<Polygon>).geometry.coordinates);
    const result = await fetchMonthCrimes({
      client: new HttpClient(FAST_HTTP),
      apiBaseUrl: `${server.url}api/`,
      month: '2025-03',
      area: [detailed],
    });
    const first = server.requests[0] as RecordedRequest;
    expect(first.method).toBe('POST');
    expect(first.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(first.body).get('date')).toBe('2025-03');
    expect(server.requests.every((r) => r.status !== 400)).toBe(true);
    const expected = crimesIn(parsePoly(new URLSearchParams(first.body).get('poly') ?? '')).map(
      (c) => c.id,
    );
    expect(new Set(result.crimes.map((c) => (c as { id: number }).id))).toEqual(new Set(expected));
  });

  it('returns a crime that two polygons both answer with only once (dedupe by id)', async () => {
    const edgeCrime = CRIMES[0] as Record<string, unknown>;
    server.route('GET', '/api/crimes-street/all-crime', [{ body: [edgeCrime, CRIMES[1]] }]);
    const result = await fetchTwoPieces();
    expect(server.requests).toHaveLength(2);
    expect(result.crimes.map((c) => (c as { id: number }).id)).toEqual([
      edgeCrime.id,
      CRIMES[1]?.id,
    ]);
  });
});

describe('fetchMonthCrimes() against a server that cuts a full answer short instead of answering 503', () => {
  /**
   * The sample's crimes and a copy of its first 3,000 under other ids: over 12,000 crimes in
   * the district, more than the API gives for one area.
   */
  const MANY = [
    ...CRIMES,
    ...CRIMES.slice(0, 3000).map((crime, i) => ({ ...crime, id: 95_000_000 + i })),
  ];

  /** The crimes of `crimes` inside `polygon`, boundary included; its box tried first, for speed. */
  function within(crimes: typeof MANY, polygon: Feature<Polygon>): typeof MANY {
    const [west, south, east, north] = turf.bbox(polygon);
    return crimes.filter((crime) => {
      const [x, y] = pointOf(crime);
      return (
        x >= west &&
        x <= east &&
        y >= south &&
        y <= north &&
        turf.booleanPointInPolygon([x, y], polygon)
      );
    });
  }

  it.each([
    ['cut to the first 10,000', (inside: unknown[]) => inside.slice(0, MAX_CRIMES_PER_ANSWER)],
    [
      'cut to the first 10,000 and one',
      (inside: unknown[]) => inside.slice(0, MAX_CRIMES_PER_ANSWER + 1),
    ],
  ])('splits a piece whose answer is %s, and returns every crime once', async (_what, cut) => {
    const answered: number[] = [];
    server.route('GET', '/api/crimes-street/all-crime', (request) => {
      const inside = within(MANY, parsePoly(request.query.get('poly') ?? ''));
      const body = inside.length > MAX_CRIMES_PER_ANSWER ? cut(inside) : inside;
      answered.push(body.length);
      return { body };
    });
    const area = districtQueryPolygons(OUTLINE.features[0] as Feature<Polygon>);
    const whole = new Set(area.flatMap((piece) => within(MANY, piece)));
    expect(whole.size).toBeGreaterThan(MAX_CRIMES_PER_ANSWER);
    const result = await fetchMonthCrimes({
      client: new HttpClient(FAST_HTTP),
      apiBaseUrl: `${server.url}api/`,
      month: '2025-03',
      area,
      log: (m) => logs.push(m),
    });
    const ids = result.crimes.map((c) => (c as { id: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set([...whole].map((c) => c.id)));
    expect(answered[0]).toBeGreaterThanOrEqual(MAX_CRIMES_PER_ANSWER);
    expect(logs[0]).toMatch(
      /^police\.uk API 2025-03: piece 1 answered 1000[01] crimes, as many as the API gives for one area or more: the list may have been cut there, so it is split$/,
    );
  });
});

describe('fetchMonthCrimes() on an HTTP 200 whose JSON is not a list of crimes', () => {
  it.each([
    ['the number 503', '503'],
    ['an object', '{"crimes":[]}'],
    ['null', 'null'],
  ])('refuses %s at once, naming the piece, without splitting it', async (_what, body) => {
    server.route('GET', '/api/crimes-street/all-crime', [{ body }]);
    const area = districtQueryPolygons(OUTLINE.features[0] as Feature<Polygon>);
    const error = (await fetchMonthCrimes({
      client: new HttpClient(FAST_HTTP),
      apiBaseUrl: `${server.url}api/`,
      month: '2025-03',
      area: area.slice(0, 1),
      log: (m) => logs.push(m),
    }).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      `police.uk API month 2025-03 could not be fetched: GET ${server.url}api/crimes-street/all-crime ` +
        '(1) did not answer a JSON array of crimes',
    );
    expect(server.requests).toHaveLength(1);
    expect(logs).toEqual([]);
  });
});

describe('fetchMonthCrimes() when an answer is cut short on the way', () => {
  it('asks the piece again after a gzip body cut short (which fetch takes for whole), and returns every crime', async () => {
    const handler = serveCrimesStreet(['2025-03']);
    let answered = 0;
    server.route('GET', '/api/crimes-street/all-crime', async (request) => {
      const reply = await handler(request);
      if (reply.status !== undefined) return reply;
      answered += 1;
      if (answered > 1) return reply;
      const whole = gzipSync(JSON.stringify(reply.body));
      return {
        body: whole.subarray(0, whole.length >> 1),
        headers: { 'content-encoding': 'gzip', 'content-type': 'application/json' },
      };
    });
    const area = districtQueryPolygons(OUTLINE.features[0] as Feature<Polygon>);
    const piece = area[0] as Feature<Polygon>;
    const result = await fetchMonthCrimes({
      client: new HttpClient({ ...FAST_HTTP, log: (m) => logs.push(m) }),
      apiBaseUrl: `${server.url}api/`,
      month: '2025-03',
      area: [piece],
    });
    const ids = result.crimes.map((c) => (c as { id: number }).id);
    expect(new Set(ids)).toEqual(new Set(crimesIn(piece).map((c) => c.id)));
    expect(ids.length).toBeGreaterThan(0);
    expect(
      logs.some((l) =>
        /^retry 1\/3 GET .*crimes-street\/all-crime\?poly=.*: GET \S+ \(1[.\d]*\) answered HTTP 200 with a body that is not JSON: .*it ends before its JSON does/.test(
          l,
        ),
      ),
    ).toBe(true);
  });
});

describe('fetchMonthCrimes() when one crime is answered twice with different content', () => {
  it('refuses the month, naming both pieces and the crime, rather than keeping either copy', async () => {
    const crime = CRIMES[0] as Record<string, unknown>;
    // Re-coded between the two requests: the month's data changed while it was asked.
    const recoded = { ...crime, category: 'burglary' };
    expect(crime['category']).not.toBe('burglary');
    server.route('GET', '/api/crimes-street/all-crime', [
      { body: [crime, CRIMES[1]] },
      { body: [recoded] },
    ]);
    const error = (await fetchTwoPieces().catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      new RegExp(
        `^police\\.uk API month 2025-03 could not be fetched: pieces 1 and 2 answered crime id ` +
          `${String(crime['id'])} twice with different content \\(.*"category":"${String(crime['category'])}".* ` +
          `against .*"category":"burglary".*\\): police\\.uk changed the month's data while it was ` +
          'asked, so the answers mix two versions of it\\. Nothing was written for it; try again later\\.$',
      ),
    );
  });

  // One of the two offsets puts a code-unit cut inside an emoji.
  it.each(['', 'x'])(
    'quotes both copies cut between characters, marking the cut, when a street name has emoji (%j before)',
    async (before) => {
      const { location, ...rest } = CRIMES[0] as { location: { street: object } };
      // The location first, so that the cut falls inside the street's name.
      const named = (name: string, category: string) => ({
        location: { ...location, street: { ...location.street, name } },
        ...rest,
        category,
      });
      const first = named(`${before}${'😀'.repeat(300)}`, 'robbery');
      const second = named(`${before}${'😀'.repeat(300)}`, 'burglary');
      server.route('GET', '/api/crimes-street/all-crime', [{ body: [first] }, { body: [second] }]);
      const error = (await fetchTwoPieces().catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(/twice with different content \(.+… against .+…\)/u);
      expect(error.message).not.toMatch(LONE_SURROGATE);
    },
  );

  it('says the month itself holds two versions when one answer repeats a crime with other content', async () => {
    const crime = CRIMES[0] as Record<string, unknown>;
    const recoded = { ...crime, category: 'burglary' };
    expect(crime['category']).not.toBe('burglary');
    // Piece 1's single answer holds the crime twice: nothing changed between two requests.
    server.route('GET', '/api/crimes-street/all-crime', [
      { body: [crime, CRIMES[1], recoded] },
      { body: [] },
    ]);
    const error = (await fetchTwoPieces().catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      new RegExp(
        `^police\\.uk API month 2025-03 could not be fetched: piece 1 answered crime id ` +
          `${String(crime['id'])} twice with different content \\(.*\\): both came in one answer, so ` +
          "police\\.uk's data for the month holds two versions of the crime",
      ),
    );
    expect(error.message).not.toMatch(
      /changed the month's data while it was asked|try again later/,
    );
  });

  it('still keeps one copy of a crime two pieces answer alike', async () => {
    const crime = CRIMES[0] as Record<string, unknown>;
    server.route('GET', '/api/crimes-street/all-crime', [
      { body: [crime, CRIMES[1]] },
      { body: [{ ...crime }] },
    ]);
    const result = await fetchTwoPieces();
    expect(result.crimes.map((c) => (c as { id: number }).id)).toEqual([crime.id, CRIMES[1]?.id]);
  });
});

describe('fetchMonthCrimes() with crimes the API gives no id', () => {
  /** Two crimes without an id (and so nothing to tell them apart by but their content). */
  const withoutId = (crime: Record<string, unknown> | undefined): Record<string, unknown> => {
    const { id: _id, ...rest } = crime as Record<string, unknown>;
    return rest;
  };

  it('keeps an id-less crime of each of two pieces: they are different crimes', async () => {
    const first = withoutId(CRIMES[0]);
    const second = withoutId(CRIMES[1]);
    server.route('GET', '/api/crimes-street/all-crime', [{ body: [first] }, { body: [second] }]);
    const result = await fetchTwoPieces();
    expect(server.requests).toHaveLength(2);
    expect(result.crimes).toEqual([first, second]);
  });

  /** Piece 1 of the district held 20 crimes in 2025-02. */
  const history = () => recordMonth(emptyHistory('test-area'), '2025-02', new Map([['1', 20]]));
  const fetchPiece = () =>
    fetchMonthCrimes({
      client: new HttpClient(FAST_HTTP),
      apiBaseUrl: `${server.url}api/`,
      month: '2025-03',
      area: districtQueryPolygons(OUTLINE.features[0] as Feature<Polygon>).slice(0, 1),
      history: history(),
    });
  /** 20 id-less crimes, the last two identical (two reports at one snap point). */
  const whole = [...CRIMES.slice(0, 19).map(withoutId), withoutId(CRIMES[18])];

  it('does not count an id-less crime again when a short piece is asked again', async () => {
    // Short (8 of 20) every time it is asked: the piece must fail, not add up its answers.
    server.route('GET', '/api/crimes-street/all-crime', [{ body: whole.slice(0, 8) }]);
    const error = (await fetchPiece().catch((e: unknown) => e)) as Error;
    expect(server.requests).toHaveLength(3);
    expect(error.message).toMatch(
      /piece 1 answered 8 crimes after 3 attempts, where the same area held 20/,
    );
  });

  it('keeps the union of the answers of a piece asked again, identical id-less crimes included', async () => {
    server.route('GET', '/api/crimes-street/all-crime', [
      { body: whole.slice(10, 18) },
      { body: whole },
    ]);
    const result = await fetchPiece();
    expect(server.requests).toHaveLength(2);
    expect(result.crimes).toHaveLength(20);
    expect(new Set(result.crimes)).toEqual(new Set(whole));
    expect(result.pieces.get('1')).toBe(20);
  });
});

describe('fetchSources() for a month only the API has', () => {
  function options(): FetchSourcesOptions {
    return {
      selection: { month: '2025-03' },
      cacheRoot,
      config: resolveSourceConfig({}, replaySources(server)),
      http: FAST_HTTP,
      log: (m) => logs.push(m),
    };
  }
  async function serveArchiveUpTo(month: string): Promise<void> {
    const redirect = { status: 302, headers: { location: `/data/archive/${month}.zip` } };
    server.route('HEAD', '/data/archive/latest.zip', [redirect]);
    server.file(`/data/archive/${month}.zip`, await buildArchive(month));
    server.route('GET', '/api/crimes-street-dates', [
      { body: [{ date: '2025-03', 'stop-and-search': [] }, { date: '2025-02' }] },
    ]);
  }

  it('saves the month as crimes-street JSON with a manifest naming the API snapshot', async () => {
    await serveArchiveUpTo('2025-02');
    serveCrimesStreet(['2025-02', '2025-03']);
    const result = await fetchSources(options());
    expect(result.months).toEqual([
      { month: '2025-03', source: 'api', snapshot: 'api:2025-03', status: 'fetched' },
    ]);
    const paths = sourcePaths(cacheRoot);
    const saved = JSON.parse(
      await readFile(path.join(paths.apiDir, '2025-03.json'), 'utf8'),
    ) as unknown[];
    expect(saved.length).toBeGreaterThan(CRIMES.length * 0.99);
    const manifest = await readMonthManifest(paths, '2025-03');
    expect(manifest).toMatchObject({
      source: 'api',
      snapshot: 'api:2025-03',
      api: { crimes: saved.length },
    });
    // Archives were not read: the archive does not hold 2025-03.
    expect(server.requests.some((r) => r.method === 'GET' && r.path.endsWith('.zip'))).toBe(false);
  });

  it('stops before any API or archive request when the territorial force has no police.uk name', async () => {
    await serveArchiveUpTo('2025-02');
    serveCrimesStreet(['2025-02', '2025-03']);
    const error = (await fetchSources({ ...options(), forces: ['gwent', 'btp'] }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toMatch(
      /No police\.uk force name for "gwent": add it to POLICE_FORCE_NAMES/,
    );
    // Only the archive's probe and the API's month list: no crimes asked for, no archive read.
    const fetched = server.requests.filter(
      (r) =>
        r.path.startsWith('/api/crimes-street/') || (r.method === 'GET' && r.path.endsWith('.zip')),
    );
    expect(fetched).toEqual([]);
  });

  it('refuses a month whose answer holds something that is not a crime, and writes nothing', async () => {
    await serveArchiveUpTo('2025-02');
    server.route('GET', '/api/crimes-street/all-crime', [{ body: [CRIMES[0], null, CRIMES[1]] }]);
    const error = (await fetchSources(options()).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(
      /police\.uk API month 2025-03 answered 1 element that is not a crimes-street object \(element \[1\] of 3: null\)\. Nothing was written/,
    );
    const paths = sourcePaths(cacheRoot);
    await expect(stat(path.join(paths.apiDir, '2025-03.json'))).rejects.toThrow(/ENOENT/);
    expect(await readMonthManifest(paths, '2025-03')).toBeUndefined();
  });

  /** crimes-street answering every question with the crimes of `dated(crime, i)`'s months. */
  function serveCrimesDated(dated: (i: number) => string): void {
    const handler = (request: RecordedRequest) => {
      const params = request.method === 'POST' ? new URLSearchParams(request.body) : request.query;
      const inside = crimesIn(parsePoly(params.get('poly') ?? ''));
      if (inside.length > TEST_MAX_CRIMES) return { status: 503, body: '' };
      return { body: inside.map((crime, i) => ({ ...crime, month: dated(i) })) };
    };
    server.route('GET', '/api/crimes-street/all-crime', handler);
    server.route('POST', '/api/crimes-street/all-crime', handler);
  }

  async function refusedAndNothingWritten(): Promise<Error> {
    const error = (await fetchSources(options()).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    const paths = sourcePaths(cacheRoot);
    await expect(stat(path.join(paths.apiDir, '2025-03.json'))).rejects.toThrow(/ENOENT/);
    expect(await readMonthManifest(paths, '2025-03')).toBeUndefined();
    return error;
  }

  it('refuses a month the API answers with the crimes of another month, and writes nothing', async () => {
    await serveArchiveUpTo('2025-02');
    serveCrimesDated(() => '2025-02');
    const error = await refusedAndNothingWritten();
    const total = CRIMES.length;
    expect(error.message).toMatch(
      new RegExp(
        `police\\.uk API month 2025-03 answered ${total} of its ${total} crimes dated in another ` +
          'month \\(' +
          `${total} of 2025-02\\): the API did not answer the month asked\\. Nothing was written`,
      ),
    );
  });

  it('refuses a month whose answer mixes its own crimes with those of other months, counting each', async () => {
    await serveArchiveUpTo('2025-02');
    // Every 50th crime of each answer dated a month earlier, every 70th a month later.
    serveCrimesDated((i) => (i % 50 === 1 ? '2025-02' : i % 70 === 2 ? '2025-04' : '2025-03'));
    const error = await refusedAndNothingWritten();
    const counts =
      /answered (\d+) of its (\d+) crimes dated in another month \((\d+) of 2025-02, (\d+) of 2025-04\)/.exec(
        error.message,
      );
    expect(counts, error.message).not.toBeNull();
    const [, other, all, earlier, later] = counts!.map(Number);
    expect(all).toBe(CRIMES.length);
    expect(earlier).toBeGreaterThan(0);
    expect(later).toBeGreaterThan(0);
    expect(other).toBe(earlier! + later!);
  });

  it('saves a month whose crimes with a malformed month are left to be dropped and counted', async () => {
    await serveArchiveUpTo('2025-02');
    serveCrimesDated((i) => (i % 100 === 3 ? '03/2025' : '2025-03'));
    const result = await fetchSources(options());
    expect(result.months).toMatchObject([{ month: '2025-03', status: 'fetched' }]);
    expect(logs.join('\n')).toMatch(/normalisation will drop \d+ malformed-month/);
  });

  it('takes the month from the archive once an archive holds it, and drops the API copy', async () => {
    await serveArchiveUpTo('2025-02');
    serveCrimesStreet(['2025-02', '2025-03']);
    await fetchSources(options());
    await server.close();
    server = await ReplayServer.start();
    await serveArchiveUpTo('2025-03');
    const result = await fetchSources(options());
    expect(result.months).toEqual([
      { month: '2025-03', source: 'archive', snapshot: '2025-03.zip', status: 'fetched' },
    ]);
    const paths = sourcePaths(cacheRoot);
    expect((await readMonthManifest(paths, '2025-03'))?.source).toBe('archive');
    await expect(stat(path.join(paths.apiDir, '2025-03.json'))).rejects.toThrow(/ENOENT/);
    expect((await readdir(path.join(paths.archiveDir, '2025-03'))).length).toBeGreaterThan(1);
  });

  it('fails with the month and the cause when requests still fail after retries, and writes nothing', async () => {
    await serveArchiveUpTo('2025-02');
    server.route('GET', '/api/crimes-street/all-crime', [{ status: 500 }]);
    const error = await fetchSources(options()).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /police\.uk API month 2025-03 could not be fetched: .*failed after 4 attempts: .*HTTP 500/,
    );
    expect(logs.filter((l) => l.startsWith('retry '))).toHaveLength(3);
    await expect(stat(path.join(sourcePaths(cacheRoot).apiDir, '2025-03.json'))).rejects.toThrow(
      /ENOENT/,
    );
    expect(await readMonthManifest(sourcePaths(cacheRoot), '2025-03')).toBeUndefined();
  });

  it('fails a first API month whose piece answers nothing, compared with the archive month before it, and writes nothing for it', async () => {
    await serveArchiveUpTo('2025-02');
    // No piece history yet: the piece holding the first sample crime always answers [].
    const fault = pointOf(CRIMES[0] as Record<string, unknown>);
    server.route('GET', '/api/crimes-street/all-crime', (request) => {
      const polygon = parsePoly(request.query.get('poly') ?? '');
      const inside = crimesIn(polygon);
      if (inside.length > TEST_MAX_CRIMES) return { status: 503, body: '' };
      return { body: turf.booleanPointInPolygon(fault, polygon) ? [] : inside };
    });
    const error = (await fetchSources({
      ...options(),
      selection: { from: '2025-02', to: '2025-03' },
    }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      /^police\.uk API month 2025-03 could not be fetched: piece [\d.]+ answered 0 crimes after 3 attempts, where the same area held \d+ in 2025-02: the answer is empty.*counted from the earlier months' crimes inside the piece/,
    );
    const paths = sourcePaths(cacheRoot);
    await expect(stat(path.join(paths.apiDir, '2025-03.json'))).rejects.toThrow(/ENOENT/);
    expect(await readMonthManifest(paths, '2025-03')).toBeUndefined();
    expect((await readMonthManifest(paths, '2025-02'))?.source).toBe('archive');
  });

  it('refuses an empty month rather than recording zero crimes', async () => {
    await serveArchiveUpTo('2025-02');
    server.route('GET', '/api/crimes-street/all-crime', [{ body: [] }]);
    const error = await fetchSources(options()).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /month 2025-03 returned no crimes at all .* Nothing was written/,
    );
    await expect(stat(path.join(sourcePaths(cacheRoot).apiDir, '2025-03.json'))).rejects.toThrow(
      /ENOENT/,
    );
  });
});

describe('fetchMonthCrimes() when a piece of the split answers too little', () => {
  const MONTH = '2025-03';
  const api = () => `${server.url}api/`;
  const area = () => districtQueryPolygons(OUTLINE.features[0] as Feature<Polygon>);
  /** The point whose piece misbehaves: the first sample crime's snap point. */
  const FAULT_POINT = pointOf(CRIMES[0] as Record<string, unknown>);

  /**
   * The crimes-street replay, with `fault` deciding what the piece holding FAULT_POINT answers
   * (its `asked`-th request, from 1); other pieces answer in full.
   */
  function serveWithFault(
    fault: (inside: Record<string, unknown>[], asked: number) => Record<string, unknown>[],
  ): void {
    let asked = 0;
    server.route('GET', '/api/crimes-street/all-crime', (request) => {
      const polygon = parsePoly(request.query.get('poly') ?? '');
      const inside = crimesIn(polygon);
      if (inside.length > TEST_MAX_CRIMES) return { status: 503, body: '' };
      const date = request.query.get('date') ?? '';
      const answer = turf.booleanPointInPolygon(FAULT_POINT, polygon)
        ? fault(inside, (asked += 1))
        : inside;
      return { body: answer.map((crime) => ({ ...crime, month: date })) };
    });
  }

  /** The history after one good month, 2025-02, over the same area. */
  async function historyOfGoodMonth() {
    serveCrimesStreet(['2025-02']);
    const good = await fetchMonthCrimes({
      client: new HttpClient(FAST_HTTP),
      apiBaseUrl: api(),
      month: '2025-02',
      area: area(),
    });
    server.requests.length = 0;
    return recordMonth(emptyHistory('test-area'), '2025-02', good.pieces);
  }

  function fetchMarch(history: LeafHistory) {
    return fetchMonthCrimes({
      client: new HttpClient(FAST_HTTP),
      apiBaseUrl: api(),
      month: MONTH,
      area: area(),
      history,
      historyFile: 'data/cache/sources/api-leaf-history.json',
      log: (m) => logs.push(m),
    });
  }

  it('asks an empty piece again and returns every crime when the second answer is whole', async () => {
    const history = await historyOfGoodMonth();
    serveWithFault((inside, asked) => (asked === 1 ? [] : inside));
    const result = await fetchMarch(history);
    const expected = crimesIn(area()[0] as Feature<Polygon>).map((c) => c.id);
    expect(new Set(result.crimes.map((c) => (c as { id: number }).id))).toEqual(new Set(expected));
    expect(
      logs.some((l) =>
        /piece [\d.]+ answered 0 crimes \(it held \d+ in 2025-02\); asking again/.test(l),
      ),
    ).toBe(true);
  });

  it('fails the month naming the piece and its counts when a piece that held crimes stays empty', async () => {
    const history = await historyOfGoodMonth();
    serveWithFault(() => []);
    const error = (await fetchMarch(history).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      /^police\.uk API month 2025-03 could not be fetched: piece [\d.]+ answered 0 crimes after 3 attempts, where the same area held \d+ in 2025-02: the answer is empty/,
    );
    expect(error.message).toContain('delete data/cache/sources/api-leaf-history.json to accept it');
  });

  it('asks a short piece again and keeps the union of its answers', async () => {
    const history = await historyOfGoodMonth();
    // The first answer lacks two thirds of the piece; the second holds the rest.
    serveWithFault((inside, asked) =>
      asked === 1 ? inside.filter((_, i) => i % 3 === 0) : inside.filter((_, i) => i % 3 !== 0),
    );
    const result = await fetchMarch(history);
    const expected = crimesIn(area()[0] as Feature<Polygon>).map((c) => c.id);
    expect(new Set(result.crimes.map((c) => (c as { id: number }).id))).toEqual(new Set(expected));
    expect(
      logs.some((l) =>
        /piece [\d.]+ answered \d+ crimes \(it held \d+ in 2025-02\); asking again/.test(l),
      ),
    ).toBe(true);
  });

  it('refuses the month when a piece asked again answers one of its crimes with other content', async () => {
    const history = await historyOfGoodMonth();
    const first = CRIMES[0] as Record<string, unknown>;
    expect(first['category']).not.toBe('burglary');
    // The first answer is short; the second holds the whole piece, the first crime re-coded.
    serveWithFault((inside, asked) =>
      asked === 1
        ? inside.filter((_, i) => i % 3 === 0)
        : inside.map((crime) => (crime === first ? { ...crime, category: 'burglary' } : crime)),
    );
    const error = (await fetchMarch(history).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      new RegExp(
        `^police\\.uk API month 2025-03 could not be fetched: piece [\\d.]+ answered crime id ` +
          `${String(first['id'])} twice with different content .*: police\\.uk changed the month's data`,
      ),
    );
  });

  it('fails the month when a piece stays short against what it held', async () => {
    const history = await historyOfGoodMonth();
    serveWithFault((inside) => inside.filter((_, i) => i % 3 === 0));
    const error = (await fetchMarch(history).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      /month 2025-03 could not be fetched: piece [\d.]+ answered (\d+) crimes after 3 attempts, where the same area held (\d+) in 2025-02: the answer is short/,
    );
  });

  it('accepts an empty piece that was empty before too (a moor holds no crimes)', async () => {
    serveWithFault(() => []);
    const first = await fetchMarch(emptyHistory('test-area'));
    const emptied = [...first.pieces].filter(([, n]) => n === 0).map(([label]) => label);
    expect(emptied.length).toBeGreaterThan(0);
    logs.length = 0;
    const again = await fetchMonthCrimes({
      client: new HttpClient(FAST_HTTP),
      apiBaseUrl: api(),
      month: '2025-04',
      area: area(),
      history: recordMonth(emptyHistory('test-area'), MONTH, first.pieces),
    });
    expect(again.crimes.length).toBe(first.crimes.length);
  });
});

describe('fetchMonthCrimes() when the server keeps answering 503', () => {
  it('splits deeper than a district usually needs, says so, and still returns every crime', async () => {
    // So low a limit that the densest snap points need seven or more splits.
    const limit = 70;
    server.route('GET', '/api/crimes-street/all-crime', (request) => {
      const inside = crimesIn(parsePoly(request.query.get('poly') ?? ''));
      return inside.length > limit ? { status: 503, body: '' } : { body: inside };
    });
    const area = districtQueryPolygons(OUTLINE.features[0] as Feature<Polygon>);
    const result = await fetchMonthCrimes({
      client: new HttpClient(FAST_HTTP),
      apiBaseUrl: `${server.url}api/`,
      month: '2025-03',
      area,
      log: (m) => logs.push(m),
    });
    const expected = crimesIn(area[0] as Feature<Polygon>).map((c) => c.id);
    expect(new Set(result.crimes.map((c) => (c as { id: number }).id))).toEqual(new Set(expected));
    expect(
      logs.some((l) =>
        /piece [\d.]+ \(about [\d.]+ (km²|m²)\) still answers 503 at split depth [6-9], deeper than a district usually needs/.test(
          l,
        ),
      ),
    ).toBe(true);
  });

  it('fails naming the month and the piece when a tiny piece still answers 503', async () => {
    const hot = pointOf(CRIMES[0] as Record<string, unknown>);
    server.route('GET', '/api/crimes-street/all-crime', (request) => {
      const polygon = parsePoly(request.query.get('poly') ?? '');
      return turf.booleanPointInPolygon(hot, polygon)
        ? { status: 503, body: '' }
        : { body: crimesIn(polygon) };
    });
    const error = (await fetchMonthCrimes({
      client: new HttpClient(FAST_HTTP),
      apiBaseUrl: `${server.url}api/`,
      month: '2025-03',
      area: districtQueryPolygons(OUTLINE.features[0] as Feature<Polygon>),
    }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      /^police\.uk API month 2025-03 could not be fetched: piece 1(\.\d){10} still answers 503 after 10 splits \(about \d+ m²\): .*the server is failing/,
    );
  });
});

describe('fetchMonthCrimes() when a 503 carries Retry-After (the server unavailable, not over-full)', () => {
  /** crimes-street answering 503 with `headers()` to its first `count` requests, then as police.uk does. */
  function serveOutage(count: number, headers: () => Record<string, string>) {
    const usual = serveCrimesStreet(['2025-03']);
    let answered = 0;
    server.route('GET', '/api/crimes-street/all-crime', (request) =>
      (answered += 1) <= count ? { status: 503, headers: headers(), body: '' } : usual(request),
    );
  }

  async function fetchWhole() {
    const area = districtQueryPolygons(OUTLINE.features[0] as Feature<Polygon>);
    return {
      area,
      result: await fetchMonthCrimes({
        client: new HttpClient({ ...FAST_HTTP, log: (m) => logs.push(m) }),
        apiBaseUrl: `${server.url}api/`,
        month: '2025-03',
        area,
        log: (m) => logs.push(m),
      }),
    };
  }

  for (const [what, retryAfter] of [
    ['in seconds', () => '1'],
    // A date names whole seconds: two seconds ahead is at least one second's wait.
    ['as an HTTP date', () => new Date(Date.now() + 2000).toUTCString()],
  ] as const) {
    it(`waits and asks the same polygon again on a Retry-After ${what}, and returns every crime`, async () => {
      serveOutage(2, () => ({ 'retry-after': retryAfter() }));
      const { area, result } = await fetchWhole();
      const [first, second, third] = server.requests as [RecordedRequest, ...RecordedRequest[]];
      // Asked again whole, not cut into quadrants as an over-full answer would be.
      expect(second?.query.get('poly')).toBe(first.query.get('poly'));
      expect(third?.query.get('poly')).toBe(first.query.get('poly'));
      expect(
        logs.filter((l) => /^retry \d\/3 GET .* HTTP 503; .*\(Retry-After\)$/.test(l)),
      ).toHaveLength(2);
      const expected = crimesIn(area[0] as Feature<Polygon>).map((c) => c.id);
      expect(new Set(result.crimes.map((c) => (c as { id: number }).id))).toEqual(
        new Set(expected),
      );
    });
  }

  it('takes a 503 with Retry-After that outlasts its retries for a full area, and splits it', async () => {
    // The whole district answers 503 with a Retry-After to every ask (as police.uk's answer
    // for over 10,000 crimes might); its quadrants answer as police.uk does.
    const usual = serveCrimesStreet(['2025-03']);
    let whole: string | null = null;
    server.route('GET', '/api/crimes-street/all-crime', (request) => {
      const poly = request.query.get('poly');
      whole ??= poly;
      return poly === whole
        ? { status: 503, headers: { 'retry-after': '0' }, body: '' }
        : usual(request);
    });
    const { area, result } = await fetchWhole();
    const asked = server.requests.map((r) => r.query.get('poly'));
    // Asked whole on every attempt (FAST_HTTP: 3 retries), then cut into quadrants.
    expect(asked.slice(0, 4)).toEqual(Array<string | null>(4).fill(whole));
    expect(asked.slice(4).every((poly) => poly !== whole)).toBe(true);
    expect(logs.some((l) => /still answers 503 with a Retry-After after its retries/.test(l))).toBe(
      true,
    );
    const expected = crimesIn(area[0] as Feature<Polygon>).map((c) => c.id);
    expect(new Set(result.crimes.map((c) => (c as { id: number }).id))).toEqual(new Set(expected));
  });

  it('fails naming the month when the server answers 503 with Retry-After at every depth', async () => {
    serveOutage(Number.POSITIVE_INFINITY, () => ({ 'retry-after': '0' }));
    const error = (await fetchWhole().catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      /^police\.uk API month 2025-03 could not be fetched: .*still answers 503 after 10 splits .*: no place that small holds 10,000 crimes in a month/,
    );
    // Said of any district the API is asked about, not of Leeds alone.
    expect(error.message).not.toContain('Leeds');
    // Depth first: the whole district and the first piece of each of the 10 splits, each asked
    // on every attempt (4), before the piece past the last split fails the month.
    expect(server.requests).toHaveLength((1 + 10) * 4);
  });

  it('still splits a 503 without Retry-After (over 10,000 crimes), as police.uk answers it', async () => {
    serveOutage(1, () => ({}));
    const { area, result } = await fetchWhole();
    const [first, second] = server.requests as [RecordedRequest, RecordedRequest];
    expect(second.query.get('poly')).not.toBe(first.query.get('poly'));
    const expected = crimesIn(area[0] as Feature<Polygon>).map((c) => c.id);
    expect(new Set(result.crimes.map((c) => (c as { id: number }).id))).toEqual(new Set(expected));
  });
});

describe('fetchCrimeDates() when crimes-street-dates answers JSON of another shape', () => {
  it.each([
    [
      'an object',
      { message: 'Not found' },
      /\(body\): Invalid input: expected array, received object/,
    ],
    ['a month not YYYY-MM', [{ date: '2025-03' }, { date: '2025-3' }], /^[^;]*1\.date: /],
    ['a month as a number', [{ date: 202503 }], /0\.date: Invalid input: expected string/],
    [
      'fifty bad months',
      Array.from({ length: 50 }, () => ({ date: 'March' })),
      /0\.date: [^;]+; 1\.date: [^;]+; 2\.date: [^;]+ and 47 more\./,
    ],
  ])(
    'fails on %s in one line, naming the URL, the field and what to check',
    async (_, body, field) => {
      server.route('GET', '/api/crimes-street-dates', [{ body }]);
      const error = (await fetchCrimeDates(new HttpClient(FAST_HTTP), `${server.url}api/`).catch(
        (e: unknown) => e,
      )) as Error;
      expect(
        error.message.startsWith(
          `${server.url}api/crimes-street-dates did not answer a list of {date: "YYYY-MM"} objects: `,
        ),
      ).toBe(true);
      expect(error.message).toMatch(field);
      expect(error.message).toMatch(
        /Check POLICE_API_BASE_URL; if it is the API, run again later\.$/,
      );
      expect(error.message).not.toContain('\n');
    },
  );
});
