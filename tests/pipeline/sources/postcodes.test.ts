import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../../../pipeline/sources/http.ts';
import {
  MAX_GEOLOCATIONS_PER_REQUEST,
  REFUSED_DISTRICT_REASONS,
  WIDE_RADIUS_METRES,
  reverseGeocode,
  type Coordinate,
  type RefusedDistrictReason,
} from '../../../pipeline/sources/postcodes.ts';
import { runPostcodesStep } from '../../../pipeline/sources/postcodes-step.ts';
import { coordinateKey } from '../../../src/shared/coordinates.ts';
import { sampleRows } from '../../support/police-fixtures.ts';
import { ReplayServer, type RecordedRequest } from '../../support/replay-server.ts';
import { replayPerTest, replaySources } from '../../support/replay-sources.ts';

const POSTCODES = (await readFile(path.join('data', 'reference', 'postcodes-ls.csv'), 'utf8'))
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(','))
  .filter(([, lat]) => lat !== '99.999999')
  .map(([postcode = '', lat = '', lon = '']) => ({ postcode, lat: Number(lat), lon: Number(lon) }));

/** Distinct snap points of the 2025-03 sample. */
const POINTS: Coordinate[] = [
  ...new Map(
    sampleRows('2025-03').map((row) => {
      const point = { lon: Number(row.Longitude), lat: Number(row.Latitude) };
      return [coordinateKey(point.lon, point.lat), point] as const;
    }),
  ).values(),
].slice(0, 230);

function metres(a: Coordinate, b: Coordinate): number {
  const x = (b.lon - a.lon) * Math.cos(((a.lat + b.lat) / 2) * (Math.PI / 180));
  return Math.hypot(x, b.lat - a.lat) * 111_320;
}

/** postcodes.io's bulk reverse geocoding, answered from the LS postcode list. */
function bulkReverse(request: RecordedRequest) {
  const { geolocations } = JSON.parse(request.body) as {
    geolocations: { longitude: number; latitude: number; radius: number; limit: number }[];
  };
  if (geolocations.length > MAX_GEOLOCATIONS_PER_REQUEST)
    return { status: 400, body: { status: 400 } };
  return {
    body: {
      status: 200,
      result: geolocations.map((query) => {
        const here = { lon: query.longitude, lat: query.latitude };
        let best: { postcode: string; distance: number } | undefined;
        for (const p of POSTCODES) {
          const distance = metres(here, p);
          if (distance <= query.radius && (!best || distance < best.distance))
            best = { postcode: p.postcode, distance };
        }
        return {
          query,
          result: best
            ? [
                {
                  postcode: best.postcode,
                  outcode: best.postcode.split(' ')[0],
                  distance: best.distance,
                  longitude: 0,
                  latitude: 0,
                },
              ]
            : null,
        };
      }),
    },
  };
}

let server: ReplayServer;
let dir: string;
replayPerTest('postcodes-', (s, d) => {
  server = s;
  dir = d;
  server.route('POST', '/postcodes', bulkReverse);
});

describe('reverseGeocode(points) against a postcodes.io replay', () => {
  it('asks 100 points a request, then again within 2,000 m only for those still unplaced', async () => {
    const client = new HttpClient({ minBackoffMs: 1 });
    // A first radius small enough that some snap points are left for the wide pass.
    const result = await reverseGeocode(POINTS, {
      client,
      postcodesBaseUrl: server.url,
      cacheFile: path.join(dir, 'cache.json'),
      radii: [40, WIDE_RADIUS_METRES],
    });
    const bodies = server.requests.map(
      (r) => (JSON.parse(r.body) as { geolocations: { radius: number }[] }).geolocations,
    );
    const first = bodies.filter((g) => g[0]?.radius === 40).flat();
    const second = bodies.filter((g) => g[0]?.radius === WIDE_RADIUS_METRES).flat();
    expect(bodies.every((g) => g.length <= MAX_GEOLOCATIONS_PER_REQUEST)).toBe(true);
    expect(first).toHaveLength(POINTS.length);
    expect(second.length).toBeGreaterThan(0);
    expect(second.length).toBeLessThan(POINTS.length);
    expect(result.requests).toBe(Math.ceil(POINTS.length / 100) + Math.ceil(second.length / 100));
    for (const point of POINTS) {
      const place = result.places.get(coordinateKey(point.lon, point.lat));
      expect(place?.postcode).toMatch(/^LS\d+ \d[A-Z]{2}$/);
      expect(place?.district).toBe(place?.postcode.split(' ')[0]);
    }
  });

  it('refuses an answer whose results are not for the points asked, in their order, and caches none of it', async () => {
    // The right number of results, in another order: matched by position, each point would
    // take another's postcode.
    server.route('POST', '/postcodes', (request) => {
      const answer = bulkReverse(request) as { body: { result: unknown[] } };
      return { body: { ...answer.body, result: [...answer.body.result].reverse() } };
    });
    const cacheFile = path.join(dir, 'cache.json');
    const error = (await reverseGeocode(POINTS.slice(0, 3), {
      client: new HttpClient({ minBackoffMs: 1 }),
      postcodesBaseUrl: server.url,
      cacheFile,
    }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    const [first, , third] = POINTS as [Coordinate, Coordinate, Coordinate];
    expect(error.message).toContain(
      `result 1 of 3 is for ${coordinateKey(third.lon, third.lat)}, asked about ${coordinateKey(first.lon, first.lat)}`,
    );
    await expect(readFile(cacheFile)).rejects.toThrow(/ENOENT/);
  });

  it('asks again about an HTTP 200 whose body says status 500, then refuses it, with the error text inert in a log line, and caches none of its nulls', async () => {
    // A postcodes.io fault seen in the wild: HTTP 200, the failure in the body, and a result
    // of nulls that would read as "no postcode within 2 km" for every point.
    server.route('POST', '/postcodes', (request) => ({
      body: {
        status: 500,
        error: 'Internal \x1b[31mserver\nerror ##[error]',
        result: (JSON.parse(request.body) as { geolocations: unknown[] }).geolocations.map(
          (query) => ({ query, result: null }),
        ),
      },
    }));
    const cacheFile = path.join(dir, 'cache.json');
    const error = (await reverseGeocode(POINTS.slice(0, 3), {
      client: new HttpClient({ minBackoffMs: 1 }),
      postcodesBaseUrl: server.url,
      cacheFile,
    }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe(
      `POST ${server.url}postcodes failed after 6 attempts: ` +
        `POST ${server.url}postcodes answered, but its body says status 500: ` +
        '"Internal \\u001b[31mserver\\nerror #\\u0023[error]"; nothing of it was used',
    );
    // The first request and the client's five retries.
    expect(server.requestsTo('/postcodes')).toHaveLength(6);
    await expect(readFile(cacheFile)).rejects.toThrow(/ENOENT/);
  });

  it('keeps the answers before a request whose body keeps saying status 503, and none of that one', async () => {
    const cacheFile = path.join(dir, 'cache.json');
    let posts = 0;
    server.route('POST', '/postcodes', (request) =>
      (posts += 1) >= 2
        ? { body: { status: 503, error: 'Service Unavailable' } }
        : bulkReverse(request),
    );
    const options = {
      client: new HttpClient({ minBackoffMs: 1 }),
      postcodesBaseUrl: server.url,
      cacheFile,
      radii: [WIDE_RADIUS_METRES],
    };
    await expect(reverseGeocode(POINTS, options)).rejects.toThrow(
      `POST ${server.url}postcodes failed after 6 attempts: ` +
        `POST ${server.url}postcodes answered, but its body says status 503: ` +
        '"Service Unavailable"; nothing of it was used',
    );
    const kept = JSON.parse(await readFile(cacheFile, 'utf8')) as { entries: object };
    expect(Object.keys(kept.entries)).toEqual(
      POINTS.slice(0, MAX_GEOLOCATIONS_PER_REQUEST).map((p) => coordinateKey(p.lon, p.lat)),
    );
  });

  it.each([
    [503, 'Service Unavailable'],
    [500, 'Internal server error'],
    [429, 'Too many requests'],
  ])(
    'asks again about an HTTP 200 whose body says status %i once, and places every point',
    async (status, text) => {
      const cacheFile = path.join(dir, 'cache.json');
      const logs: string[] = [];
      let posts = 0;
      server.route('POST', '/postcodes', (request) =>
        (posts += 1) === 2 ? { body: { status, error: text } } : bulkReverse(request),
      );
      const options = {
        client: new HttpClient({ minBackoffMs: 1, log: (line: string) => logs.push(line) }),
        postcodesBaseUrl: server.url,
        cacheFile,
        radii: [WIDE_RADIUS_METRES],
      };
      const result = await reverseGeocode(POINTS, options);
      expect(result.places.size).toBe(POINTS.length);
      const requests = server.requestsTo('/postcodes');
      expect(requests).toHaveLength(Math.ceil(POINTS.length / MAX_GEOLOCATIONS_PER_REQUEST) + 1);
      // The one answered with a fault is asked again as it was.
      expect(requests[2]?.body).toBe(requests[1]?.body);
      expect(logs).toEqual([
        expect.stringMatching(
          new RegExp(`^retry 1/5 POST .*postcodes: .*body says status ${status}: "${text}"`),
        ),
      ]);
      const kept = JSON.parse(await readFile(cacheFile, 'utf8')) as { entries: object };
      expect(Object.keys(kept.entries)).toHaveLength(POINTS.length);
    },
  );

  it('refuses an HTTP 200 whose body says status 400 at once, without asking again', async () => {
    server.route('POST', '/postcodes', [{ body: { status: 400, error: 'Invalid JSON query' } }]);
    await expect(
      reverseGeocode(POINTS.slice(0, 3), {
        client: new HttpClient({ minBackoffMs: 1 }),
        postcodesBaseUrl: server.url,
        cacheFile: path.join(dir, 'cache.json'),
      }),
    ).rejects.toThrow(/body says status 400: "Invalid JSON query"; nothing of it was used$/);
    expect(server.requestsTo('/postcodes')).toHaveLength(1);
  });

  it('keeps the answers of the requests before one that fails, and asks only about the rest next time', async () => {
    const cacheFile = path.join(dir, 'cache.json');
    // The third request fails for good (postcodes.io answers 400).
    let posts = 0;
    server.route('POST', '/postcodes', (request) =>
      (posts += 1) === 3 ? { status: 400, body: { status: 400 } } : bulkReverse(request),
    );
    // One pass, so every point answered is cached, placed or not.
    const options = {
      client: new HttpClient({ minBackoffMs: 1 }),
      postcodesBaseUrl: server.url,
      cacheFile,
      radii: [WIDE_RADIUS_METRES],
    };
    await expect(reverseGeocode(POINTS, options)).rejects.toThrow(/HTTP 400/);
    const kept = JSON.parse(await readFile(cacheFile, 'utf8')) as { entries: object };
    expect(Object.keys(kept.entries)).toHaveLength(2 * MAX_GEOLOCATIONS_PER_REQUEST);

    server.route('POST', '/postcodes', bulkReverse);
    const before = server.requests.length;
    const again = await reverseGeocode(POINTS, options);
    const asked = server.requests
      .slice(before)
      .flatMap(
        (r) =>
          (JSON.parse(r.body) as { geolocations: { longitude: number; latitude: number }[] })
            .geolocations,
      );
    expect(again.fromCache).toBe(2 * MAX_GEOLOCATIONS_PER_REQUEST);
    expect(asked.map((g) => coordinateKey(g.longitude, g.latitude))).toEqual(
      POINTS.slice(2 * MAX_GEOLOCATIONS_PER_REQUEST).map((p) => coordinateKey(p.lon, p.lat)),
    );
  });

  it('asks only about snap points the disk cache holds no postcode for', async () => {
    const client = new HttpClient({ minBackoffMs: 1 });
    const cacheFile = path.join(dir, 'cache.json');
    const options = { client, postcodesBaseUrl: server.url, cacheFile };
    await reverseGeocode(POINTS.slice(0, 200), options);
    const before = server.requests.length;
    const again = await reverseGeocode(POINTS, options);
    const asked = server.requests
      .slice(before)
      .flatMap(
        (r) =>
          (JSON.parse(r.body) as { geolocations: { longitude: number; latitude: number }[] })
            .geolocations,
      );
    expect(again.fromCache).toBe(200);
    expect(asked.map((g) => coordinateKey(g.longitude, g.latitude))).toEqual(
      POINTS.slice(200).map((p) => coordinateKey(p.lon, p.lat)),
    );
    expect(again.places.size).toBe(POINTS.length);
  });

  it('asks again on every run about the points cached as "none within 2 km", and uses the postcode it answers then', async () => {
    const cacheFile = path.join(dir, 'cache.json');
    const [faulty, placed] = [POINTS.slice(0, 30), POINTS.slice(30, 130)];
    const keys = (points: readonly Coordinate[]) => points.map((p) => coordinateKey(p.lon, p.lat));
    // A postcodes.io fault: a well-formed answer of nulls (no postcode within the radius) for
    // the first 30 points, which each lie within a few hundred metres of an LS postcode.
    const fault = new Set(keys(faulty));
    server.route('POST', '/postcodes', (request) => {
      const answer = bulkReverse(request) as {
        body: { result: { query: { longitude: number; latitude: number } }[] };
      };
      const result = answer.body.result.map((r) =>
        fault.has(coordinateKey(r.query.longitude, r.query.latitude)) ? { ...r, result: null } : r,
      );
      return { body: { ...answer.body, result } };
    });
    const options = () => {
      const lines: string[] = [];
      return {
        lines,
        client: new HttpClient({ minBackoffMs: 1 }),
        postcodesBaseUrl: server.url,
        cacheFile,
        log: (line: string) => lines.push(line),
      };
    };
    const first = await reverseGeocode([...faulty, ...placed], options());
    expect(keys(faulty).map((key) => first.places.get(key))).toEqual(faulty.map(() => null));
    const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as {
      entries: Record<string, { place: unknown; radius: number }>;
    };
    expect(keys(faulty).map((key) => cached.entries[key])).toEqual(
      faulty.map(() => ({ place: null, radius: WIDE_RADIUS_METRES })),
    );

    // The fault persists: the next run asks about those 30 again (not about the 100 placed),
    // and they stay "none within 2 km".
    const askedSince = (from: number) =>
      server.requests
        .slice(from)
        .flatMap(
          (r) =>
            (JSON.parse(r.body) as { geolocations: { longitude: number; latitude: number }[] })
              .geolocations,
        )
        .map((g) => coordinateKey(g.longitude, g.latitude));
    let before = server.requests.length;
    const stillFaulty = options();
    const second = await reverseGeocode([...faulty, ...placed], stillFaulty);
    // Both passes, as for a new point.
    expect(askedSince(before)).toEqual([...keys(faulty), ...keys(faulty)]);
    expect(second).toMatchObject({ asked: 30, askedAgain: 30, fromCache: 100, requests: 2 });
    expect(stillFaulty.lines[0]).toBe(
      'postcodes.io: asking again about 30 snap point(s) it answered no postcode near before ' +
        '(a postcodes.io fault can give that answer too, so it is not kept for good)',
    );
    expect(JSON.parse(await readFile(cacheFile, 'utf8'))).toEqual(cached);

    // postcodes.io answers properly again: the 30 get their LS postcodes, in the run and in
    // the cache; the 100 placed before are still not asked.
    fault.clear();
    before = server.requests.length;
    const third = await reverseGeocode([...faulty, ...placed], options());
    expect(askedSince(before)).toEqual(keys(faulty));
    expect(third).toMatchObject({ asked: 30, askedAgain: 30, fromCache: 100, requests: 1 });
    const now = JSON.parse(await readFile(cacheFile, 'utf8')) as typeof cached;
    for (const key of keys(faulty)) {
      const place = third.places.get(key);
      expect(place?.postcode, key).toMatch(/^LS\d+ \d[A-Z]{2}$/);
      expect(place?.distanceMetres, key).toBeLessThanOrEqual(250);
      expect(now.entries[key], key).toEqual({ place, radius: 250 });
    }
    for (const key of keys(placed)) expect(now.entries[key], key).toEqual(cached.entries[key]);

    // Every point placed now: nothing is asked.
    before = server.requests.length;
    const fourth = await reverseGeocode([...faulty, ...placed], options());
    expect(server.requests.length).toBe(before);
    expect(fourth).toMatchObject({ asked: 0, askedAgain: 0, fromCache: 130, requests: 0 });
  });
});

describe('reverseGeocode(points): postcode districts that are not outward codes', () => {
  /** Answers as bulkReverse does, with `outcodes` in place of the outward code of those points. */
  function withOutcodes(outcodes: ReadonlyMap<string, string>) {
    return (request: RecordedRequest) => {
      const answer = bulkReverse(request) as {
        body: {
          result: {
            query: { longitude: number; latitude: number };
            result: { outcode: string }[] | null;
          }[];
        };
      };
      const result = answer.body.result.map((r) => {
        const outcode = outcodes.get(coordinateKey(r.query.longitude, r.query.latitude));
        return outcode === undefined || r.result === null
          ? r
          : { ...r, result: r.result.map((p) => ({ ...p, outcode })) };
      });
      return { body: { ...answer.body, result } };
    };
  }
  const keyOf = (p: Coordinate) => coordinateKey(p.lon, p.lat);
  const BAD: [string, RefusedDistrictReason][] = [
    ['', 'empty'],
    ['LS 6', 'not-an-outward-code'],
    ['<b>', 'not-an-outward-code'],
    ['ls6', 'not-an-outward-code'],
    ['LS6LS6LS6LS6', 'too-long'],
    ['LS\ud8006', 'unreadable-characters'],
    ['LS6\n::error::x', 'control-characters'],
    ['LS\u001b6', 'control-characters'],
  ];

  it('refuses each for its point, counted by reason with an inert example, asks again at the wide radius, and keeps none of them', async () => {
    const bad = POINTS.slice(0, BAD.length);
    const good = POINTS.slice(BAD.length, BAD.length + 20);
    server.route(
      'POST',
      '/postcodes',
      withOutcodes(new Map(bad.map((p, i) => [keyOf(p), BAD[i]![0]]))),
    );
    const cacheFile = path.join(dir, 'cache.json');
    const result = await reverseGeocode([...bad, ...good], {
      client: new HttpClient({ minBackoffMs: 1 }),
      postcodesBaseUrl: server.url,
      cacheFile,
    });
    const expected = Object.fromEntries(REFUSED_DISTRICT_REASONS.map((r) => [r, 0]));
    for (const [, reason] of BAD) expected[reason]! += 1;
    expect(result.refused.counts).toEqual(expected);
    expect(result.refused.total).toBe(bad.length);
    const examples = Object.values(result.refused.examples).flat();
    expect(examples.map((e) => e.where).sort()).toEqual(bad.map(keyOf).sort());
    for (const { detail } of examples) {
      expect(detail).toMatch(/^postcodes\.io gave the postcode district "/);
      // Inert in a log line: on one line, with no control character and no half character.
      expect(detail).not.toMatch(/[\p{Cc}\p{Cs}]/u);
    }
    expect(examples.find((e) => e.where === keyOf(bad[5]!))?.detail).toContain('"LS\\ud8006"');
    // Each refused point was asked again within 2 km.
    const wide = server.requests
      .flatMap(
        (r) =>
          (
            JSON.parse(r.body) as {
              geolocations: { longitude: number; latitude: number; radius: number }[];
            }
          ).geolocations,
      )
      .filter((g) => g.radius === WIDE_RADIUS_METRES)
      .map((g) => coordinateKey(g.longitude, g.latitude));
    expect(wide.sort()).toEqual(bad.map(keyOf).sort());
    const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as {
      entries: Record<string, unknown>;
    };
    for (const point of bad) {
      expect(result.places.has(keyOf(point))).toBe(false);
      expect(Object.hasOwn(cached.entries, keyOf(point))).toBe(false);
    }
    for (const point of good) {
      expect(result.places.get(keyOf(point))?.district).toMatch(/^LS\d+$/);
    }
  });

  it("asks again about a cached district that is not one, and replaces it with postcodes.io's good answer", async () => {
    const [point] = POINTS as [Coordinate];
    const cacheFile = path.join(dir, 'cache.json');
    const kept = { postcode: 'LS6 1AA', district: '<b>', distanceMetres: 10 };
    await writeFile(
      cacheFile,
      JSON.stringify({ version: 1, entries: { [keyOf(point)]: { place: kept, radius: 250 } } }),
    );
    const result = await reverseGeocode([point], {
      client: new HttpClient({ minBackoffMs: 1 }),
      postcodesBaseUrl: server.url,
      cacheFile,
    });
    expect(result.fromCache).toBe(0);
    expect(result.asked).toBe(1);
    const place = result.places.get(keyOf(point));
    expect(place?.district).toBe(place?.postcode.split(' ')[0]);
    expect(place?.district).toMatch(/^LS\d+$/);
  });

  it('runPostcodesStep names the refused answers by reason, with an example, in its summary line', async () => {
    const bad = POINTS.slice(0, 3);
    server.route(
      'POST',
      '/postcodes-io/postcodes',
      withOutcodes(
        new Map([
          [keyOf(bad[0]!), ''],
          [keyOf(bad[1]!), '<b>'],
          [keyOf(bad[2]!), '<i>'],
        ]),
      ),
    );
    const { summary } = await runPostcodesStep(
      POINTS.slice(0, 10),
      { overrides: replaySources(server), http: { minBackoffMs: 1 } },
      { cacheFile: path.join(dir, 'cache.json'), log: () => {} },
    );
    expect(summary).toContain('3 answer(s) refused, their postcode district not an outward code');
    expect(summary).toContain(
      `1 empty, e.g. ${keyOf(bad[0]!)}: postcodes.io gave the postcode district ""`,
    );
    expect(summary).toMatch(
      /2 not-an-outward-code, e\.g\. [^:]+: postcodes\.io gave the postcode district "<[bi]>"/,
    );
  });
});
