// An answer without Content-Length and not chunked ends where its connection closes (HTTP/1.1
// allows it): cut short, it reads as whole. A JSON body that then does not parse is taken for a
// connection cut short and asked again, not for a server that answers something else.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Feature, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../../../pipeline/sources/http.ts';
import { fetchLsoaResidents } from '../../../pipeline/sources/nomis.ts';
import { fetchMonthCrimes } from '../../../pipeline/sources/police-api.ts';
import { reverseGeocode } from '../../../pipeline/sources/postcodes.ts';
import { districtQueryPolygons } from '../../../pipeline/sources/query-polygons.ts';
import { answerNomis, LEEDS, NOMIS_PATH, onsWorld } from '../../support/ons-replay.ts';
import { sampleRows, toApiCrime } from '../../support/police-fixtures.ts';
import type { ReplayServer } from '../../support/replay-server.ts';
import { replayPerTest } from '../../support/replay-sources.ts';

let server: ReplayServer;
let dir: string;
let logs: string[];
replayPerTest('unframed-', (s, d) => {
  server = s;
  dir = d;
  logs = [];
});

const client = (): HttpClient =>
  new HttpClient({ minBackoffMs: 1, maxBackoffMs: 2, retries: 2, log: (m) => logs.push(m) });

/** police.uk's crimes-street-dates, as the API answers it. */
const DATES = [
  { date: '2025-03', 'stop-and-search': ['west-yorkshire'] },
  { date: '2025-02', 'stop-and-search': ['west-yorkshire'] },
];
const CRIMES = sampleRows('2025-03')
  .slice(0, 40)
  .map((row, i) => toApiCrime(row, 90_000_000 + i));
const OUTLINE = JSON.parse(
  readFileSync(path.join('data', 'reference', 'leeds-outline.geojson'), 'utf8'),
) as { features: Feature<Polygon>[] };

describe('HttpClient.json() on an answer that ends where its connection closes', () => {
  it('asks again when the body is cut short, and returns the whole answer', async () => {
    const body = JSON.stringify(DATES);
    server.route('GET', '/api/crimes-street-dates', [
      { body, unframed: true, cutAfterBytes: 30 },
      { body, unframed: true },
    ]);
    expect(await client().json(`${server.url}api/crimes-street-dates`)).toEqual(DATES);
    expect(server.requests).toHaveLength(2);
    expect(logs).toEqual([
      expect.stringMatching(
        /^retry 1\/2 GET \S+crimes-street-dates: .* answered HTTP 200 with 30 bytes that are not JSON \(.*\) and no Content-Length, so they end where the connection closed: most likely it was cut short\./,
      ),
    ]);
  });

  it('fails after its retries, naming the URL, the attempts and the cut, on one line', async () => {
    server.route('GET', '/api/crimes-street-dates', [
      { body: JSON.stringify(DATES), unframed: true, cutAfterBytes: 12 },
    ]);
    const url = `${server.url}api/crimes-street-dates`;
    const error = (await client()
      .json(url)
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      new RegExp(
        `^GET ${url} failed after 3 attempts: GET ${url} answered HTTP 200 with 12 bytes that ` +
          'are not JSON \\("\\[\\{"date":"20"\\) and no Content-Length, so they end where the ' +
          'connection closed: most likely it was cut short\\. Run again later; if it fails the ' +
          'same way, the server answers something else than JSON there',
      ),
    );
    expect(error.message).not.toContain('\n');
    expect(server.requests).toHaveLength(3);
  });

  it('still fails at once on a body that is not JSON and gives its length', async () => {
    server.route('GET', '/api/crimes-street-dates', [{ body: '<html>maintenance</html>' }]);
    const error = (await client()
      .json(`${server.url}api/crimes-street-dates`)
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('with a body that is not JSON: "<html>maintenance</html>"');
    expect(server.requests).toHaveLength(1);
  });

  it('postcodes.io: asks again about a bulk answer cut short, and places the point', async () => {
    const point = { lon: -1.5491, lat: 53.8008 };
    const answer = {
      status: 200,
      result: [
        {
          query: { longitude: point.lon, latitude: point.lat },
          result: [{ postcode: 'LS1 4DY', outcode: 'LS1', distance: 12 }],
        },
      ],
    };
    server.route('POST', '/postcodes', [
      { body: answer, unframed: true, cutAfterBytes: 60 },
      { body: answer, unframed: true },
    ]);
    const result = await reverseGeocode([point], {
      client: client(),
      postcodesBaseUrl: server.url,
      cacheFile: path.join(dir, 'postcodes.json'),
      radii: [250],
    });
    expect([...result.places.values()]).toEqual([
      { postcode: 'LS1 4DY', district: 'LS1', distanceMetres: 12 },
    ]);
    expect(server.requests).toHaveLength(2);
  });
});

describe('fetchMonthCrimes() on a crimes answer that ends where its connection closes', () => {
  it('asks the piece again when its answer is cut short, and keeps every crime', async () => {
    const body = JSON.stringify(CRIMES);
    server.route('GET', '/api/crimes-street/all-crime', [
      { body, unframed: true, cutAfterBytes: Math.floor(body.length / 2) },
      { body, unframed: true },
    ]);
    const area = districtQueryPolygons(OUTLINE.features[0] as Feature<Polygon>);
    const result = await fetchMonthCrimes({
      client: client(),
      apiBaseUrl: `${server.url}api/`,
      month: '2025-03',
      area: area.slice(0, 1),
    });
    expect(result.crimes.map((c) => (c as { id: number }).id)).toEqual(CRIMES.map((c) => c.id));
    expect(server.requests).toHaveLength(2);
    expect(logs[0]).toMatch(/\(1\) answered HTTP 200 with \d+ bytes that are not JSON .*cut short/);
  });
});

describe('fetchLsoaResidents() on a Nomis answer that ends where its connection closes', () => {
  const { residents } = onsWorld([LEEDS]);
  const codes = [...residents.keys()].slice(0, 30);

  /** Nomis's answer for `codes`, its connection cut `cut` bytes before the end (none: whole). */
  function nomisAnswers(cuts: (number | undefined)[]): void {
    const left = [...cuts];
    server.route('GET', NOMIS_PATH, (request) => {
      const reply = answerNomis(residents, request);
      const cut = left.length > 1 ? left.shift() : left[0];
      const length = Buffer.byteLength(String(reply.body));
      return {
        ...reply,
        unframed: true,
        ...(cut === undefined ? {} : { cutAfterBytes: length - cut }),
      };
    });
  }

  it('asks again when the table is cut short mid-row, and reads every LSOA', async () => {
    // 12 bytes before the end: within the last row's residents, leaving it short of columns.
    nomisAnswers([12, undefined]);
    const rows = await fetchLsoaResidents(
      { client: client(), baseUrl: `${server.url}nomis/api/v01/` },
      codes,
    );
    expect(rows.map((r) => [r.code, r.residents])).toEqual(
      codes.map((code) => [code, residents.get(code)![1]]),
    );
    expect(server.requests).toHaveLength(2);
    expect(logs).toEqual([
      expect.stringMatching(
        /do not read as TS001's CSV table and no Content-Length, so they end where the connection closed/,
      ),
    ]);
  });

  it('fails after its retries naming the URL and the cut', async () => {
    nomisAnswers([12]);
    const error = (await fetchLsoaResidents(
      { client: client(), baseUrl: `${server.url}nomis/api/v01/` },
      codes,
    ).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      /^GET \S+NM_2021_1\.data\.csv\S*… \(\d+ chars\) failed after 3 attempts: GET \S+… \(\d+ chars\) answered HTTP 200 with \d+ bytes that do not read as TS001's CSV table and no Content-Length, so they end where the connection closed: most likely it was cut short\. Run again later; if it fails the same way, the server answers something else than that table there \(.*Invalid Record Length/,
    );
    expect(error.message).not.toContain('\n');
  });
});
