// An ArcGIS page of no features that says more remain (exceededTransferLimit) is a server
// failing to page: asked on from the same offset, it would come again and again. It is asked
// again, as a passing fault, and fails naming the page when it keeps coming.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../../../pipeline/sources/http.ts';
import { fetchWardList } from '../../../pipeline/sources/ons-geography.ts';
import { fetchPollingDistricts } from '../../../pipeline/sources/polling-districts.ts';
import {
  answerQuery,
  layerPath,
  LEEDS,
  onsWorld,
  readCollection,
  servicesFor,
} from '../../support/ons-replay.ts';
import type { RecordedRequest, ReplayServer } from '../../support/replay-server.ts';
import { replayPerTest } from '../../support/replay-sources.ts';

let server: ReplayServer;
let dir: string;
let logs: string[];
replayPerTest('arcgis-paging-', (s, d) => {
  server = s;
  dir = d;
  logs = [];
});

const client = (): HttpClient =>
  new HttpClient({ minBackoffMs: 1, maxBackoffMs: 2, retries: 3, log: (m) => logs.push(m) });

/** Leeds's ward lookup, ten rows a page. */
const LOOKUP = onsWorld([LEEDS], 10).layers.get(LEEDS.services.wardLookup)!;
const LEEDS_WARDS = readCollection(LEEDS.wards).features.length;

/** The ward lookup, answered from `offset` with `empties` empty pages that say more remain first. */
function serveLookupEmptyAt(offset: number, empties: number): void {
  let left = empties;
  server.route('GET', layerPath(LEEDS.services.wardLookup), (request) => {
    if (Number(request.query.get('resultOffset')) === offset && left > 0) {
      left -= 1;
      return {
        body: {
          type: 'FeatureCollection',
          features: [],
          properties: { exceededTransferLimit: true },
        },
      };
    }
    return answerQuery(LOOKUP, request);
  });
}

const source = () => ({
  client: client(),
  baseUrl: `${server.url}ons/`,
  services: servicesFor(LEEDS),
});

describe('queryLayer() on an empty page that says more remain', () => {
  it('asks the page again and returns every feature', async () => {
    serveLookupEmptyAt(10, 2);
    const wards = await fetchWardList(source(), LEEDS.code);
    expect(wards).toHaveLength(LEEDS_WARDS);
    expect(new Set(wards.map((w) => w.code)).size).toBe(LEEDS_WARDS);
    expect(logs).toEqual([
      expect.stringMatching(
        /^retry 1\/3 GET .*resultOffset=10.* answered no features but says more remain \(exceededTransferLimit\): the server failed to page; trying again/,
      ),
      expect.stringMatching(/^retry 2\/3 /),
    ]);
  });

  it('fails after its retries naming the page, not after hundreds of the same request', async () => {
    serveLookupEmptyAt(10, Infinity);
    const error = (await fetchWardList(source(), LEEDS.code).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      /^GET \S+… \(\d+ chars\) failed after 4 attempts: \S+&resultOffset=10&\S+ answered no features but says more remain \(exceededTransferLimit\): the server failed to page$/,
    );
    // The first page, then the empty one and its three retries.
    expect(server.requests).toHaveLength(5);
  });
});

describe('fetchPollingDistricts() on an empty page that says more remain', () => {
  const DISTRICT = (i: number) => ({
    attributes: { POLLING_DI: `ADL${i}`, WARD: 'Adel & Wharfedale' },
    geometry: {
      rings: [
        [
          [-1.6 + i / 100, 53.85],
          [-1.6 + i / 100, 53.86],
          [-1.59 + i / 100, 53.86],
          [-1.6 + i / 100, 53.85],
        ],
      ],
    },
  });
  const ALL = [1, 2, 3, 4].map(DISTRICT);

  it('asks the page again and fetches every district', async () => {
    let empties = 1;
    server.route('GET', '/mapserver/query', (request: RecordedRequest) => {
      if (request.query.get('returnCountOnly') === 'true') return { body: { count: ALL.length } };
      const offset = Number(request.query.get('resultOffset'));
      if (offset === 2 && empties-- > 0)
        return { body: { features: [], exceededTransferLimit: true } };
      const page = ALL.slice(offset, offset + 2);
      return {
        body: {
          features: page,
          ...(offset + 2 < ALL.length ? { exceededTransferLimit: true } : {}),
        },
      };
    });
    const districts = await fetchPollingDistricts({
      client: client(),
      mapServerUrl: `${server.url}mapserver`,
      cacheFile: path.join(dir, 'polling-districts.geojson'),
      pageSize: 2,
    });
    expect(districts.features.map((f) => f.properties.pollingDistrict)).toEqual([
      'ADL1',
      'ADL2',
      'ADL3',
      'ADL4',
    ]);
    expect(logs).toEqual([expect.stringMatching(/answered no features but says more remain/)]);
  });
});
