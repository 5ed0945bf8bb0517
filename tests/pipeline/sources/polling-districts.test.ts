import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { beforeEach, describe, expect, it } from 'vitest';
import { runPipeline, type CliOptions } from '../../../pipeline/cli.ts';
import { parseOutline, parsePollingDistricts } from '../../../pipeline/reference.ts';
import { createMemoryReporter } from '../../../pipeline/report.ts';
import { HttpClient } from '../../../pipeline/sources/http.ts';
import {
  dissolveWards,
  fetchPollingDistricts,
  ringsToGeometry,
  type PollingDistricts,
} from '../../../pipeline/sources/polling-districts.ts';
import { ReplayServer, type RecordedRequest } from '../../support/replay-server.ts';
import { cachePollingDistricts, replayPerTest } from '../../support/replay-sources.ts';

const WARDS = JSON.parse(
  await readFile(path.join('tests', 'fixtures', 'boundaries', 'lcc-wards-2018.geojson'), 'utf8'),
) as {
  features: Feature<Polygon | MultiPolygon, { WARD_NAME: string }>[];
};

/** GeoJSON -> ArcGIS rings: outer rings clockwise, holes counter-clockwise. */
function toArcgisRings(geometry: Polygon | MultiPolygon): Position[][] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.flatMap((rings) =>
    rings.map((ring, i) => {
      const clockwise = turf.booleanClockwise(ring);
      return (i === 0) === clockwise ? ring : [...ring].reverse();
    }),
  );
}

/**
 * A ward cut into quadrant pieces, as a council's polling districts tile a ward: the `index`th ward
 * of the layer, its districts coded by two letters of `index` (AA1 to AA4, AB1...), unique in the
 * layer, as a council's codes are.
 */
function pollingDistrictsOf(ward: Feature<Polygon | MultiPolygon>, council: string, index: number) {
  const prefix = String.fromCharCode(65 + Math.floor(index / 26), 65 + (index % 26));
  const [w, s, e, n] = turf.bbox(ward);
  const mx = (w + e) / 2;
  const my = (s + n) / 2;
  const boxes: [number, number, number, number][] = [
    [w, s, mx, my],
    [mx, s, e, my],
    [w, my, mx, n],
    [mx, my, e, n],
  ];
  return boxes.flatMap((box, i) => {
    const piece = turf.intersect(turf.featureCollection([ward, turf.bboxPolygon(box)]));
    return piece
      ? [
          {
            attributes: {
              POLLING_DI: `${prefix}${i + 1}`,
              WARD: council,
            },
            geometry: { rings: toArcgisRings(piece.geometry) },
          },
        ]
      : [];
  });
}

/** Leeds City Council's layer: its 2018 wards (dissolved from its polling districts), cut. */
const DISTRICTS = WARDS.features.flatMap((ward, n) =>
  pollingDistrictsOf(
    ward,
    ward.properties.WARD_NAME === 'Cross Gates & Whinmoor'
      ? 'Crossgates & Whinmoor'
      : ward.properties.WARD_NAME,
    n,
  ),
);

/** Sheffield City Council's layer, as Leeds's is made: its wards (WD20NM), cut. */
const SHEFFIELD_DISTRICTS = (
  JSON.parse(await readFile('data/areas/sheffield/wards.geojson', 'utf8')) as {
    features: Feature<Polygon | MultiPolygon, { WD20NM: string }>[];
  }
).features.flatMap((ward, n) => pollingDistrictsOf(ward, ward.properties.WD20NM, n));

/** The layer's answer to `request`: `layer`'s districts (default Leeds's), paged. */
function layerQuery(request: RecordedRequest, layer: typeof DISTRICTS = DISTRICTS) {
  const q = request.query;
  if (q.get('returnCountOnly') === 'true') return { body: { count: layer.length } };
  const offset = Number(q.get('resultOffset'));
  const count = Math.min(Number(q.get('resultRecordCount')), 25); // the server's own page cap
  const page = layer.slice(offset, offset + count);
  return {
    body: {
      displayFieldName: 'POLLING_DI',
      geometryType: 'esriGeometryPolygon',
      spatialReference: { wkid: 4326, latestWkid: 4326 },
      fields: [
        { name: 'POLLING_DI', type: 'esriFieldTypeString' },
        { name: 'WARD', type: 'esriFieldTypeString' },
      ],
      features: page,
      ...(offset + count < layer.length ? { exceededTransferLimit: true } : {}),
    },
  };
}

let server: ReplayServer;
let dir: string;
replayPerTest('polling-', (s, d) => {
  server = s;
  dir = d;
  server.route('GET', '/arcgis/rest/services/Public/Boundary/MapServer/7/query', layerQuery);
});

describe('fetchPollingDistricts() against an ArcGIS replay', () => {
  it('pages until exceededTransferLimit is false, then serves the disk cache', async () => {
    const options = {
      client: new HttpClient({ minBackoffMs: 1 }),
      mapServerUrl: `${server.url}arcgis/rest/services/Public/Boundary/MapServer/7`,
      cacheFile: path.join(dir, 'polling-districts.geojson'),
      pageSize: 25,
    };
    const districts = await fetchPollingDistricts(options);
    expect(districts.features).toHaveLength(DISTRICTS.length);
    const pages = server.requests.filter((r) => r.query.has('resultOffset'));
    expect(pages.map((r) => Number(r.query.get('resultOffset')))).toEqual(
      Array.from({ length: Math.ceil(DISTRICTS.length / 25) }, (_, i) => i * 25),
    );
    expect(
      pages.every(
        (r) => r.query.get('outSR') === '4326' && r.query.get('outFields') === 'POLLING_DI,WARD',
      ),
    ).toBe(true);
    const before = server.requests.length;
    expect((await fetchPollingDistricts(options)).features).toHaveLength(DISTRICTS.length);
    expect(server.requests.length).toBe(before);
  });

  it('refuses pages that repeat a district (paging in an unstable order) and caches nothing', async () => {
    // The layer in another order for page 2 (no orderByFields): as many districts as the
    // layer counts, one of page 1 again in place of one never sent.
    server.route('GET', '/arcgis/rest/services/Public/Boundary/MapServer/7/query', (request) => {
      const answer = layerQuery(request) as { body: { features?: unknown[] } };
      if (request.query.get('resultOffset') !== '25') return answer;
      const features = [DISTRICTS[24], ...(answer.body.features ?? []).slice(1)];
      return { body: { ...answer.body, features } };
    });
    const cacheFile = path.join(dir, 'polling-districts.geojson');
    const error = (await fetchPollingDistricts({
      client: new HttpClient({ minBackoffMs: 1 }),
      mapServerUrl: `${server.url}arcgis/rest/services/Public/Boundary/MapServer/7`,
      cacheFile,
      pageSize: 25,
    }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    const repeated = DISTRICTS[24]!.attributes.POLLING_DI;
    expect(error.message).toMatch(
      new RegExp(`polling district "${repeated}" \\(ward "[^)]+"\\) came twice.*try again`),
    );
    await expect(readFile(cacheFile)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a layer that counts and answers no polling district, and caches nothing', async () => {
    server.route('GET', '/arcgis/rest/services/Public/Boundary/MapServer/7/query', (request) =>
      request.query.get('returnCountOnly') === 'true'
        ? { body: { count: 0 } }
        : { body: { features: [] } },
    );
    const cacheFile = path.join(dir, 'polling-districts.geojson');
    const error = (await fetchPollingDistricts({
      client: new HttpClient({ minBackoffMs: 1 }),
      mapServerUrl: `${server.url}arcgis/rest/services/Public/Boundary/MapServer/7`,
      cacheFile,
    }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/the layer counts no polling districts.*nothing was cached/);
    await expect(readFile(cacheFile)).rejects.toThrow(/ENOENT/);
  });

  it.each([
    ['the count', 500, 'Error performing query operation', 0],
    ['a page', 503, 'Service unavailable', 2],
    // Request 0 is the count, request k the page k: the last is the layer's page count.
    ['the last page', 429, 'Too many requests', Math.ceil(DISTRICTS.length / 25)],
  ])(
    'asks again for %s answered with an ArcGIS error %i (HTTP 200), and fetches every district',
    async (_what, code, text, at) => {
      let answered = 0;
      server.route('GET', '/arcgis/rest/services/Public/Boundary/MapServer/7/query', (request) =>
        answered++ === at
          ? { body: { error: { code, message: text, details: [] } } }
          : layerQuery(request),
      );
      const logs: string[] = [];
      const districts = await fetchPollingDistricts({
        client: new HttpClient({ minBackoffMs: 1, log: (line) => logs.push(line) }),
        mapServerUrl: `${server.url}arcgis/rest/services/Public/Boundary/MapServer/7`,
        cacheFile: path.join(dir, 'polling-districts.geojson'),
        pageSize: 25,
      });
      expect(districts.features).toHaveLength(DISTRICTS.length);
      expect(server.requests[at + 1]?.url).toBe(server.requests[at]?.url);
      expect(logs).toEqual([
        expect.stringMatching(
          new RegExp(`^retry 1/5 GET .*answered an ArcGIS error ${code}: "${text}"`),
        ),
      ]);
    },
  );

  it('fails at once on an ArcGIS error 400 (a query the layer refuses), and caches nothing', async () => {
    server.route('GET', '/arcgis/rest/services/Public/Boundary/MapServer/7/query', [
      { body: { error: { code: 400, message: 'Invalid or missing input parameters.' } } },
    ]);
    const cacheFile = path.join(dir, 'polling-districts.geojson');
    await expect(
      fetchPollingDistricts({
        client: new HttpClient({ minBackoffMs: 1 }),
        mapServerUrl: `${server.url}arcgis/rest/services/Public/Boundary/MapServer/7`,
        cacheFile,
      }),
    ).rejects.toThrow(/answered an ArcGIS error 400: "Invalid or missing input parameters\."$/);
    expect(server.requests).toHaveLength(1);
    await expect(readFile(cacheFile)).rejects.toThrow(/ENOENT/);
  });

  it.each([
    ['features in place of a count (a server that ignores returnCountOnly)', { features: [] }],
    ['a count given as text', { count: '304' }],
    ['a negative count', { count: -1 }],
    ['an array', []],
  ])(
    'refuses a count answered as %s, naming the query and the field in one line, and caches nothing',
    async (_what, answer) => {
      server.route('GET', '/arcgis/rest/services/Public/Boundary/MapServer/7/query', (request) =>
        request.query.get('returnCountOnly') === 'true' ? { body: answer } : layerQuery(request),
      );
      const cacheFile = path.join(dir, 'polling-districts.geojson');
      const error = (await fetchPollingDistricts({
        client: new HttpClient({ minBackoffMs: 1 }),
        mapServerUrl: `${server.url}arcgis/rest/services/Public/Boundary/MapServer/7`,
        cacheFile,
      }).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(Error);
      const asked = `${server.url}${(server.requests[0] as RecordedRequest).url.slice(1)}`;
      expect(error.message).toMatch(/^\S+ did not answer a count of polling districts/);
      expect(error.message.startsWith(`${asked} `)).toBe(true);
      expect(error.message).toMatch(/\((body|count)\): |count: /);
      expect(error.message).toMatch(/pollingDistricts\.url.*nothing was cached$/);
      expect(error.message).not.toContain('\n');
      await expect(readFile(cacheFile)).rejects.toThrow(/ENOENT/);
    },
  );

  it('refuses a page of features without WARD, naming the page and the field in one line', async () => {
    server.route('GET', '/arcgis/rest/services/Public/Boundary/MapServer/7/query', (request) => {
      const answer = structuredClone(layerQuery(request)) as {
        body: { features?: { attributes: Record<string, string> }[] };
      };
      for (const feature of answer.body.features ?? []) delete feature.attributes.WARD;
      return answer;
    });
    const cacheFile = path.join(dir, 'polling-districts.geojson');
    const error = (await fetchPollingDistricts({
      client: new HttpClient({ minBackoffMs: 1 }),
      mapServerUrl: `${server.url}arcgis/rest/services/Public/Boundary/MapServer/7`,
      cacheFile,
    }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      /resultOffset=0.* did not answer features with POLLING_DI, WARD and polygon rings: features\.0\.attributes\.WARD: [^;]+; features\.1\.attributes\.WARD: [^;]+; features\.2\.attributes\.WARD: [^;]+ and 22 more\. .*pollingDistricts\.url.*nothing was cached$/,
    );
    expect(error.message).not.toContain('\n');
    await expect(readFile(cacheFile)).rejects.toThrow(/ENOENT/);
  });

  it.each([
    ['holds no polling district', () => []],
    ['holds a polling district twice', (features: unknown[]) => [...features, features[3]]],
    [
      'holds a polling district without a code (written before such features were left out)',
      (features: unknown[]) => [
        ...features.slice(1),
        { ...(features[0] as object), properties: { pollingDistrict: '', ward: 'Armley' } },
      ],
    ],
  ])(
    'fetches again, saying why, instead of serving a cache that %s',
    async (problem, damage: (features: unknown[]) => unknown[]) => {
      const options = {
        client: new HttpClient({ minBackoffMs: 1 }),
        mapServerUrl: `${server.url}arcgis/rest/services/Public/Boundary/MapServer/7`,
        cacheFile: path.join(dir, 'polling-districts.geojson'),
        log: (line: string) => logs.push(line),
      };
      const logs: string[] = [];
      const good = await fetchPollingDistricts(options);
      await writeFile(
        options.cacheFile,
        JSON.stringify({ type: 'FeatureCollection', features: damage(good.features) }),
      );
      const before = server.requests.length;
      const again = await fetchPollingDistricts(options);
      expect(server.requests.length).toBeGreaterThan(before);
      expect(again).toEqual(good);
      expect(JSON.parse(await readFile(options.cacheFile, 'utf8'))).toEqual({
        ...good,
        layer: options.mapServerUrl,
        fields: { code: 'POLLING_DI', ward: 'WARD' },
      });
      expect(logs).toContain(
        `council polling districts: the cached ${options.cacheFile} ${problem}; fetching them again`,
      );
    },
  );

  it('fetches again, saying so, when area.json names another layer than the cached one', async () => {
    server.route('GET', '/arcgis/rest/services/Public/Boundary/MapServer/8/query', layerQuery);
    const logs: string[] = [];
    const layer = (n: number) => `${server.url}arcgis/rest/services/Public/Boundary/MapServer/${n}`;
    const options = {
      client: new HttpClient({ minBackoffMs: 1 }),
      cacheFile: path.join(dir, 'polling-districts.geojson'),
      log: (line: string) => logs.push(line),
    };
    await fetchPollingDistricts({ ...options, mapServerUrl: layer(7) });
    const asked = () => server.requests.filter((r) => r.url.includes('/MapServer/8/')).length;
    // The same layer: served from the cache.
    await fetchPollingDistricts({ ...options, mapServerUrl: layer(7) });
    expect(asked()).toBe(0);
    const again = await fetchPollingDistricts({ ...options, mapServerUrl: layer(8) });
    expect(asked()).toBeGreaterThan(0);
    expect(again.features).toHaveLength(DISTRICTS.length);
    expect(logs).toContain(
      `council polling districts: the cached ${options.cacheFile} is of the layer ` +
        `"${layer(7)}", not ${layer(8)}; fetching them again`,
    );
    expect(JSON.parse(await readFile(options.cacheFile, 'utf8'))).toMatchObject({
      layer: layer(8),
    });
  });

  it('dissolveWards() rebuilds the 33 wards, with the official "Cross Gates & Whinmoor" spelling', async () => {
    const districts = await fetchPollingDistricts({
      client: new HttpClient({ minBackoffMs: 1 }),
      mapServerUrl: `${server.url}arcgis/rest/services/Public/Boundary/MapServer/7`,
      cacheFile: path.join(dir, 'polling-districts.geojson'),
    });
    const wards = dissolveWards(districts);
    expect(wards.features).toHaveLength(33);
    const names = wards.features.map((f) => f.properties.ward);
    expect(names).toContain('Cross Gates & Whinmoor');
    expect(names).not.toContain('Crossgates & Whinmoor');
    for (const original of WARDS.features) {
      const rebuilt = wards.features.find(
        (f) => f.properties.ward === original.properties.WARD_NAME,
      );
      expect(rebuilt, original.properties.WARD_NAME).toBeDefined();
      const ratio = turf.area(rebuilt as Feature) / turf.area(original);
      expect(Math.abs(ratio - 1), original.properties.WARD_NAME).toBeLessThan(0.001);
    }
  });
});

describe('fetchPollingDistricts() on a layer with features that have no code, ward or usable shape', () => {
  type Attributes = { POLLING_DI: unknown; WARD: unknown; OBJECTID?: number };
  /** Leeds's layer with an OBJECTID on each feature, as a council's server sends, then `change`d. */
  function layerWith(change: (attributes: Attributes, i: number) => void, objectIds = true) {
    return DISTRICTS.map((d, i) => {
      const attributes: Attributes = { ...d.attributes, ...(objectIds ? { OBJECTID: i + 1 } : {}) };
      change(attributes, i);
      return { ...d, attributes };
    });
  }
  const serve = (layer: unknown[]) =>
    server.route('GET', '/arcgis/rest/services/Public/Boundary/MapServer/7/query', (request) =>
      layerQuery(request, layer as typeof DISTRICTS),
    );
  const logs: string[] = [];
  const options = () => ({
    client: new HttpClient({ minBackoffMs: 1 }),
    mapServerUrl: `${server.url}arcgis/rest/services/Public/Boundary/MapServer/7`,
    cacheFile: path.join(dir, 'polling-districts.geojson'),
    pageSize: 25,
    log: (line: string) => logs.push(line),
  });
  const cached = async () =>
    JSON.parse(await readFile(path.join(dir, 'polling-districts.geojson'), 'utf8')) as unknown;
  beforeEach(() => {
    logs.length = 0;
  });
  /** Three features far apart in the layer (on different pages). */
  const AT = [3, 40, 77];

  it.each([
    ['null', null, 'null'],
    ['empty', '', '""'],
    ['blank', ' \t ', '" \\t "'],
  ])(
    'leaves out the features whose POLLING_DI is %s, counts them by their OBJECTID, and caches the others',
    async (_what, value, shown) => {
      serve(
        layerWith((a, i) => {
          if (AT.includes(i)) a.POLLING_DI = value;
        }),
      );
      const districts = await fetchPollingDistricts(options());
      const kept = DISTRICTS.filter((_, i) => !AT.includes(i));
      expect(districts.features.map((f) => f.properties.pollingDistrict)).toEqual(
        kept.map((d) => d.attributes.POLLING_DI),
      );
      const problems = {
        counts: {
          'no-shape': 0,
          'unusable-shape': 0,
          'no-code': 3,
          'code-in-several-wards': 0,
          'no-ward': 0,
        },
        examples: {
          'no-code': AT.map((i) => ({
            where: `OBJECTID ${i + 1}`,
            detail: `POLLING_DI is ${shown}`,
          })),
        },
      };
      expect(districts.problems).toEqual(problems);
      // Recorded beside the layer, and the months step locates crimes with it.
      expect(await cached()).toMatchObject({ problems });
      expect(parsePollingDistricts(await cached(), 'cache')).toHaveLength(kept.length);
      expect(logs).toContain(
        "council polling districts: 3 polling-district shape(s) of the council's layer were " +
          'left out, so the crimes in them have no polling district: 3 without a code (e.g. ' +
          AT.map((i) => `OBJECTID ${i + 1}: POLLING_DI is ${shown}`).join('; ') +
          ')',
      );
      // Served from the cache afterwards, with what was left out.
      const before = server.requests.length;
      expect(await fetchPollingDistricts(options())).toEqual(districts);
      expect(server.requests.length).toBe(before);
    },
  );

  it('names a feature without an OBJECTID by its place in the layer', async () => {
    serve(
      layerWith((a, i) => {
        if (i === 30) a.POLLING_DI = null;
      }, false),
    );
    const districts = await fetchPollingDistricts(options());
    expect(districts.features).toHaveLength(DISTRICTS.length - 1);
    expect(districts.problems?.examples['no-code']).toEqual([
      { where: 'feature 31 as sent', detail: 'POLLING_DI is null' },
    ]);
  });

  it.each([
    ['null', null],
    ['empty', ''],
  ])('keeps a feature whose WARD is %s by its code, and counts it', async (_what, value) => {
    serve(
      layerWith((a, i) => {
        if (i === 7 || i === 90) a.WARD = value;
      }),
    );
    const districts = await fetchPollingDistricts(options());
    expect(districts.features).toHaveLength(DISTRICTS.length);
    expect(districts.features[7]?.properties).toEqual({
      pollingDistrict: DISTRICTS[7]!.attributes.POLLING_DI,
      ward: '',
    });
    expect(districts.problems?.counts).toEqual({
      'no-shape': 0,
      'unusable-shape': 0,
      'no-code': 0,
      'code-in-several-wards': 0,
      'no-ward': 2,
    });
    expect(districts.problems?.examples['no-ward']?.map((e) => e.where)).toEqual([
      'OBJECTID 8',
      'OBJECTID 91',
    ]);
    expect(logs.some((line) => /kept by their code: 2 without a ward/.test(line))).toBe(true);
  });

  it('leaves out every feature of a code the layer gives to two wards, naming both, and keeps a district drawn in two parts', async () => {
    const taken = DISTRICTS[50]!.attributes;
    expect(DISTRICTS[5]!.attributes.WARD).not.toBe(taken.WARD);
    expect(DISTRICTS[1]!.attributes.WARD).toBe(DISTRICTS[0]!.attributes.WARD);
    serve(
      layerWith((a, i) => {
        if (i === 5) a.POLLING_DI = taken.POLLING_DI; // another ward's code
        if (i === 1) a.POLLING_DI = DISTRICTS[0]!.attributes.POLLING_DI; // its own ward's
      }),
    );
    const districts = await fetchPollingDistricts(options());
    const codes = districts.features.map((f) => f.properties.pollingDistrict);
    expect(codes).not.toContain(taken.POLLING_DI);
    expect(codes.filter((c) => c === DISTRICTS[0]!.attributes.POLLING_DI)).toHaveLength(2);
    expect(districts.features).toHaveLength(DISTRICTS.length - 2);
    expect(districts.problems?.counts['code-in-several-wards']).toBe(2);
    expect(districts.problems?.examples['code-in-several-wards']).toEqual([
      {
        where: 'OBJECTID 6',
        detail: `POLLING_DI "${taken.POLLING_DI}" in ward "${DISTRICTS[5]!.attributes.WARD}", also in "${taken.WARD}"`,
      },
      {
        where: 'OBJECTID 51',
        detail: `POLLING_DI "${taken.POLLING_DI}" in ward "${taken.WARD}", also in "${DISTRICTS[5]!.attributes.WARD}"`,
      },
    ]);
  });

  // 10% of the layer's 132 features is 13.2.
  it.each([
    ['every POLLING_DI null', (a: Attributes) => (a.POLLING_DI = null), DISTRICTS.length],
    ['every WARD null', (a: Attributes) => (a.WARD = null), DISTRICTS.length],
    ['14 POLLING_DI empty', (a: Attributes, i: number) => i < 14 && (a.POLLING_DI = ''), 14],
  ])(
    'refuses a layer with %s, naming the fields and the settings, and caches nothing',
    async (_what, change, unusable) => {
      expect(DISTRICTS).toHaveLength(132);
      serve(layerWith(change));
      const error = (await fetchPollingDistricts(options()).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(
        new RegExp(
          `/query: ${unusable} of the layer's 132 features cannot be used as they came \\(${unusable} without a (code|ward) \\(e\\.g\\. OBJECTID 1: (POLLING_DI|WARD) is .*more than 10% of them: .*POLLING_DI and WARD may not be its fields.*pollingDistricts\\.codeField and wardField.*nothing was cached`,
        ),
      );
      await expect(readFile(path.join(dir, 'polling-districts.geojson'))).rejects.toThrow(/ENOENT/);
    },
  );

  it('takes a layer with 13 of its 132 features unusable (not over 10%)', async () => {
    serve(layerWith((a, i) => i < 13 && (a.POLLING_DI = null)));
    expect((await fetchPollingDistricts(options())).features).toHaveLength(132 - 13);
  });

  type Rings = Position[][];
  /** Leeds's layer with an OBJECTID on each feature, its geometry at `at` replaced by `change`'s. */
  function shapedWith(at: readonly number[], change: (rings: Rings) => unknown) {
    return layerWith(() => {}).map((d, i) =>
      at.includes(i) ? { ...d, geometry: change(structuredClone(d.geometry.rings)) } : d,
    );
  }
  /** A position in British National Grid metres, as a server that ignores outSR=4326 sends. */
  const GRID: Position = [430123, 433456];

  // What ArcGIS sends for a feature without a shape (null, or a geometry without rings), and
  // shapes that make no polygon: each detail written as the feature's answer reads.
  it.each([
    ['geometry: null', 'no-shape', () => null, () => 'geometry is null'],
    ['geometry: {}', 'no-shape', () => ({}), () => 'geometry has no rings'],
    ['rings: []', 'no-shape', () => ({ rings: [] }), () => 'geometry has no rings'],
    [
      'every ring of fewer than 4 positions',
      'unusable-shape',
      (rings: Rings) => ({ rings: rings.map((ring) => ring.slice(0, 3)) }),
      (rings: Rings) =>
        `geometry.rings holds no ring of 4 positions or more (${rings.length} ring(s) of ` +
        `${rings.map(() => 3).join(', ')})`,
    ],
    [
      'a ring not closed',
      'unusable-shape',
      (rings: Rings) => ({ rings: [rings[0]!.slice(0, -1), ...rings.slice(1)] }),
      (rings: Rings) =>
        `geometry.rings.0 is a ring that is not closed: it starts at [${rings[0]![0]!.join(', ')}] ` +
        `and ends at [${rings[0]!.at(-2)!.join(', ')}]`,
    ],
    [
      'a position in grid metres',
      'unusable-shape',
      (rings: Rings) => ({ rings: [rings[0]!.toSpliced(2, 1, GRID), ...rings.slice(1)] }),
      () =>
        `geometry.rings.0.2 is [${GRID.join(', ')}]: not a longitude and latitude (British ` +
        'National Grid metres? GeoJSON is in WGS84)',
    ],
  ] as const)(
    'leaves out the features with %s, counts them by their OBJECTID and code, and caches the others',
    async (_what, kind, change, detail) => {
      serve(shapedWith(AT, change));
      const districts = await fetchPollingDistricts(options());
      const kept = DISTRICTS.filter((_, i) => !AT.includes(i));
      expect(districts.features.map((f) => f.properties.pollingDistrict)).toEqual(
        kept.map((d) => d.attributes.POLLING_DI),
      );
      const examples = AT.map((i) => ({
        where: `OBJECTID ${i + 1}`,
        detail: `${detail(DISTRICTS[i]!.geometry.rings)} (POLLING_DI "${DISTRICTS[i]!.attributes.POLLING_DI}")`,
      }));
      expect(districts.problems?.counts[kind]).toBe(3);
      expect(districts.problems?.examples).toEqual({ [kind]: examples });
      // Nothing to record as a shape left out: there is none the pipeline can use.
      expect(districts.leftOut).toBeUndefined();
      expect(logs).toContain(
        "council polling districts: 3 polling-district shape(s) of the council's layer were " +
          'left out, so the crimes in them have no polling district: 3 ' +
          (kind === 'no-shape'
            ? 'without a shape'
            : 'with a shape that is not a polygon the pipeline can use') +
          ` (e.g. ${examples.map((e) => `${e.where}: ${e.detail}`).join('; ')})`,
      );
      // The months step locates crimes with the cache, and the wards still dissolve.
      expect(parsePollingDistricts(await cached(), 'cache')).toHaveLength(kept.length);
      expect(dissolveWards(districts).features).toHaveLength(33);
      const before = server.requests.length;
      expect(await fetchPollingDistricts(options())).toEqual(districts);
      expect(server.requests.length).toBe(before);
    },
  );

  it('names a feature without a shape, an OBJECTID or a code by its place in the layer', async () => {
    const layer = shapedWith([30], () => null).map((d, i) =>
      i === 30 ? { ...d, attributes: { POLLING_DI: null, WARD: d.attributes.WARD } } : d,
    );
    serve(layer);
    const districts = await fetchPollingDistricts(options());
    expect(districts.features).toHaveLength(DISTRICTS.length - 1);
    expect(districts.problems?.examples).toEqual({
      'no-shape': [{ where: 'feature 31 as sent', detail: 'geometry is null' }],
    });
  });

  it.each([
    ['without a shape', 'without a shape', () => null, 'geometry is null'],
    [
      'answered in grid metres (outSR=4326 ignored)',
      'with a shape that is not a polygon the pipeline can use',
      (rings: Rings) => ({
        rings: rings.map((ring) => ring.map(([x, y]) => [x! * 1e5, y! * 1e5])),
      }),
      'geometry.rings.0.0 is',
    ],
  ] as const)(
    'refuses a layer with every feature %s, naming the shapes, the fields and the settings, and caches nothing',
    async (_what, words, change, detail) => {
      serve(
        shapedWith(
          DISTRICTS.map((_, i) => i),
          change,
        ),
      );
      const error = (await fetchPollingDistricts(options()).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toContain(
        `/query: 132 of the layer's 132 features cannot be used as they came (132 ${words} ` +
          `(e.g. OBJECTID 1: ${detail}`,
      );
      expect(error.message).toMatch(
        /more than 10% of them: .*may not be a layer of polygons \(or its server may not answer them in longitude and latitude, outSR=4326\), or POLLING_DI and WARD may not be its fields.*pollingDistricts\.codeField and wardField.*nothing was cached/,
      );
      await expect(readFile(path.join(dir, 'polling-districts.geojson'))).rejects.toThrow(/ENOENT/);
    },
  );

  it('counts features without a shape with the others against the 10%: 7 without a code and 7 without a shape are 14 of 132', async () => {
    serve(
      shapedWith([0, 1, 2, 3, 4, 5, 6], () => null).map((d, i) =>
        i >= 7 && i < 14 ? { ...d, attributes: { ...d.attributes, POLLING_DI: null } } : d,
      ),
    );
    const error = (await fetchPollingDistricts(options()).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      /14 of the layer's 132 features cannot be used as they came \(7 without a shape \(e\.g\. OBJECTID 1: .*\), 7 without a code \(e\.g\. OBJECTID 8: /,
    );
  });
});

describe("fetchPollingDistricts({ fields }): another council's layer, read by area.json's fields", () => {
  /**
   * Sheffield's districts as a council that names its fields otherwise serves them: the code a
   * number in PD_NO, the ward in Ward_Name (and a field of its own beside them).
   */
  const RENAMED = SHEFFIELD_DISTRICTS.map((d, i) => ({
    attributes: { PD_NO: 1000 + i, Ward_Name: d.attributes.WARD, OBJECTID: i + 1 },
    geometry: d.geometry,
  }));
  const url = () => `${server.url}arcgis/rest/services/Public/Boundary/MapServer/7`;
  const cacheFile = () => path.join(dir, 'polling-districts.geojson');
  const sheffield = async () => ({
    name: 'Sheffield',
    outline: parseOutline(
      await readFile('data/areas/sheffield/outline.geojson', 'utf8'),
      'data/areas/sheffield/outline.geojson',
    ),
    outlineFile: 'data/areas/sheffield/outline.geojson',
  });

  beforeEach(() => {
    server.route('GET', '/arcgis/rest/services/Public/Boundary/MapServer/7/query', (request) => {
      const answer = layerQuery(request, RENAMED as unknown as typeof DISTRICTS);
      // Each feature carries only the fields asked for, as an ArcGIS server sends them.
      const asked = (request.query.get('outFields') ?? '').split(',');
      const body = answer.body as { features?: { attributes: Record<string, unknown> }[] };
      for (const feature of body.features ?? []) {
        feature.attributes = Object.fromEntries(
          Object.entries(feature.attributes).filter(([name]) => asked.includes(name)),
        );
      }
      return answer;
    });
  });

  it('asks for the fields named and reads each code and ward from them, a number as its digits', async () => {
    const districts = await fetchPollingDistricts({
      client: new HttpClient({ minBackoffMs: 1 }),
      mapServerUrl: url(),
      cacheFile: cacheFile(),
      pageSize: 25,
      fields: { code: 'PD_NO', ward: 'Ward_Name' },
      district: await sheffield(),
    });
    expect(districts.features.map((f) => f.properties)).toEqual(
      RENAMED.map((d) => ({
        pollingDistrict: String(d.attributes.PD_NO),
        ward: d.attributes.Ward_Name,
      })),
    );
    const pages = server.requests.filter((r) => r.query.has('resultOffset'));
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.every((r) => r.query.get('outFields') === 'PD_NO,Ward_Name')).toBe(true);
  });

  it('caches the fields read beside the districts: the run locates by the codes, and other fields fetch again', async () => {
    const logs: string[] = [];
    const options = {
      client: new HttpClient({ minBackoffMs: 1 }),
      mapServerUrl: url(),
      cacheFile: cacheFile(),
      fields: { code: 'PD_NO', ward: 'Ward_Name' },
      district: await sheffield(),
      log: (line: string) => logs.push(line),
    };
    const fetched = await fetchPollingDistricts(options);
    const cached = JSON.parse(await readFile(cacheFile(), 'utf8')) as unknown;
    expect(cached).toMatchObject({ fields: { code: 'PD_NO', ward: 'Ward_Name' } });
    // What the months step reads (geo-context.ts, through the locator): the codes, as numbers' digits.
    expect(parsePollingDistricts(cached, cacheFile()).map((d) => d.code)).toEqual(
      RENAMED.map((d) => String(d.attributes.PD_NO)),
    );
    // Served from the cache while the fields are the same...
    const before = server.requests.length;
    expect(await fetchPollingDistricts(options)).toEqual(fetched);
    expect(server.requests.length).toBe(before);
    // ...and fetched again once area.json names others.
    server.route('GET', '/arcgis/rest/services/Public/Boundary/MapServer/7/query', (request) =>
      layerQuery(request, SHEFFIELD_DISTRICTS),
    );
    const again = await fetchPollingDistricts({ ...options, fields: undefined });
    expect(server.requests.length).toBeGreaterThan(before);
    expect(again.features.map((f) => f.properties.pollingDistrict)).toEqual(
      SHEFFIELD_DISTRICTS.map((d) => d.attributes.POLLING_DI),
    );
    expect(logs).toContain(
      `council polling districts: the cached ${cacheFile()} was read by the fields "PD_NO" and ` +
        '"Ward_Name", not POLLING_DI and WARD; fetching them again',
    );
  });

  it("refuses the layer read by Leeds's fields, naming them and area.json's settings, and caches nothing", async () => {
    const error = (await fetchPollingDistricts({
      client: new HttpClient({ minBackoffMs: 1 }),
      mapServerUrl: url(),
      cacheFile: cacheFile(),
      district: await sheffield(),
    }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(
      /did not answer features with POLLING_DI, WARD and polygon rings: features\.0\.attributes\.POLLING_DI: .*and that its fields are those area\.json's pollingDistricts\.codeField and wardField name \(left out: POLLING_DI and WARD\); nothing was cached$/,
    );
    await expect(readFile(cacheFile())).rejects.toThrow(/ENOENT/);
  });
});

describe("fetchPollingDistricts({ district }): the layer is the district's council's", () => {
  /** A district as the fetch step gives it: its name and area.json's outline. */
  async function districtOf(name: string, outlineFile: string) {
    const text = await readFile(outlineFile, 'utf8');
    return { name, outline: parseOutline(text, outlineFile), outlineFile };
  }
  const leeds = () => districtOf('Leeds', 'data/reference/leeds-outline.geojson');
  const sheffield = () => districtOf('Sheffield', 'data/areas/sheffield/outline.geojson');
  const url = () => `${server.url}arcgis/rest/services/Public/Boundary/MapServer/7`;
  const cacheFile = () => path.join(dir, 'polling-districts.geojson');

  it("fetches and caches Leeds's layer for Leeds", async () => {
    const districts = await fetchPollingDistricts({
      client: new HttpClient({ minBackoffMs: 1 }),
      mapServerUrl: url(),
      cacheFile: cacheFile(),
      district: await leeds(),
    });
    expect(districts.features).toHaveLength(DISTRICTS.length);
    await expect(readFile(cacheFile(), 'utf8')).resolves.toContain('"FeatureCollection"');
  });

  it.each([
    ['Sheffield', 'Leeds', SHEFFIELD_DISTRICTS, leeds],
    ['Leeds', 'Sheffield', DISTRICTS, sheffield],
  ] as const)(
    "refuses %s's layer fetched for %s, naming the districts outside, and caches nothing",
    async (whose, forName, layer, district) => {
      server.route('GET', '/arcgis/rest/services/Public/Boundary/MapServer/7/query', (request) =>
        layerQuery(request, layer),
      );
      const { outlineFile } = await district();
      const first = layer[0]!.attributes;
      const error = (await fetchPollingDistricts({
        client: new HttpClient({ minBackoffMs: 1 }),
        mapServerUrl: url(),
        cacheFile: cacheFile(),
        pageSize: 25,
        district: await district(),
      }).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toBe(
        `${url()}/query: ${layer.length} of its ${layer.length} polling districts lie outside ` +
          `${forName}'s outline (${outlineFile}), e.g. "${first.POLLING_DI}" (ward "${first.WARD}"), ` +
          `${layer
            .slice(1, 3)
            .map((d) => `"${d.attributes.POLLING_DI}" (ward "${d.attributes.WARD}")`)
            .join(
              ', ',
            )}, so it is not ${forName}'s layer; nothing was cached. Check that the URL ` +
          "is the polling districts' layer (the area's pollingDistricts.url, or " +
          `LEEDS_MAPSERVER_URL): it must be ${forName}'s council's`,
      );
      expect(whose).not.toBe(forName);
      await expect(readFile(cacheFile())).rejects.toThrow(/ENOENT/);
    },
  );

  it("fetches Leeds's layer again over a cached layer of Sheffield's council", async () => {
    const sheffieldLayer: PollingDistricts = {
      type: 'FeatureCollection',
      features: SHEFFIELD_DISTRICTS.map((d) => ({
        type: 'Feature',
        properties: { pollingDistrict: d.attributes.POLLING_DI, ward: d.attributes.WARD },
        geometry: ringsToGeometry(d.geometry.rings),
      })),
    };
    await writeFile(cacheFile(), JSON.stringify(sheffieldLayer));
    const logs: string[] = [];
    const districts = await fetchPollingDistricts({
      client: new HttpClient({ minBackoffMs: 1 }),
      mapServerUrl: url(),
      cacheFile: cacheFile(),
      district: await leeds(),
      log: (line) => logs.push(line),
    });
    expect(districts.features).toHaveLength(DISTRICTS.length);
    expect(logs[0]).toMatch(
      new RegExp(
        `^council polling districts: the cached .*polling-districts\\.geojson: ` +
          `${SHEFFIELD_DISTRICTS.length} of its ${SHEFFIELD_DISTRICTS.length} polling districts ` +
          "lie outside Leeds's outline .*; fetching them again$",
      ),
    );
  });
});

describe('runPipeline with a cached layer of another council, the fetch step not run', () => {
  const sheffieldLayer = (): PollingDistricts => ({
    type: 'FeatureCollection',
    features: SHEFFIELD_DISTRICTS.map((d) => ({
      type: 'Feature',
      properties: { pollingDistrict: d.attributes.POLLING_DI, ward: d.attributes.WARD },
      geometry: ringsToGeometry(d.geometry.rings),
    })),
  });
  const options = (out: string, more: Partial<CliOptions>): CliOptions => ({
    help: false,
    list: false,
    offline: true,
    archiveDir: path.join('data', 'sample', 'archive'),
    out,
    ...more,
  });

  it.each([
    ['--offline', { offline: true }],
    ['online from the months step (after fetch and postcodes)', { offline: false, from: 3 }],
  ] as const)(
    'refuses it %s, naming the file, the districts outside and what to do, and writes nothing',
    async (_how, more) => {
      const out = path.join(dir, 'out');
      const cached = path.join(out, 'cache', 'sources', 'polling-districts.geojson');
      await mkdir(path.dirname(cached), { recursive: true });
      await writeFile(cached, JSON.stringify(sheffieldLayer()));
      const error = await runPipeline(options(out, more), {
        reporter: createMemoryReporter(),
        threads: 1,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      const message = (error as Error).message;
      expect(message).toContain(cached);
      expect(message).toContain(
        `${SHEFFIELD_DISTRICTS.length} of its ${SHEFFIELD_DISTRICTS.length} polling districts ` +
          "lie outside Leeds's outline",
      );
      expect(message).toMatch(/Delete it and run the pipeline online with the fetch step/);
      await expect(readFile(path.join(out, 'site-data.json'))).rejects.toThrow(/ENOENT/);
    },
  );

  it("uses a cached layer of the district's own council offline, as before", async () => {
    const out = path.join(dir, 'out');
    await cachePollingDistricts(out);
    const record = await runPipeline(options(out, {}), {
      reporter: createMemoryReporter(),
      threads: 1,
    });
    const kept = record.months?.reduce((n, m) => n + m.summary.kept, 0) ?? 0;
    const located = record.months?.reduce((n, m) => n + m.summary.coverage.pollingDistrict, 0);
    expect(kept).toBeGreaterThan(0);
    expect(located).toBe(kept);
  });
});

describe('runPipeline with a cached layer that left a shape out', () => {
  it('gives the crimes in it no polling district, counted as such, and says so in the run summary', async () => {
    // Leeds's 2025 wards as a council's layer of one district each, as cachePollingDistricts
    // caches them, the first without a code.
    const wards = JSON.parse(await readFile('data/reference/wards.geojson', 'utf8')) as {
      features: Feature<Polygon | MultiPolygon, { WD25CD: string; WD25NM: string }>[];
    };
    const [first] = wards.features;
    const layer = wards.features.map((ward, i) => ({
      attributes: {
        POLLING_DI: i === 0 ? null : ward.properties.WD25CD,
        WARD: ward.properties.WD25NM,
        OBJECTID: i + 1,
      },
      geometry: { rings: toArcgisRings(ward.geometry) },
    }));
    server.route('GET', '/arcgis/rest/services/Public/Boundary/MapServer/7/query', (request) =>
      layerQuery(request, layer as unknown as typeof DISTRICTS),
    );
    const out = path.join(dir, 'out');
    await fetchPollingDistricts({
      client: new HttpClient({ minBackoffMs: 1 }),
      mapServerUrl: `${server.url}arcgis/rest/services/Public/Boundary/MapServer/7`,
      cacheFile: path.join(out, 'cache', 'sources', 'polling-districts.geojson'),
    });
    const record = await runPipeline(
      {
        help: false,
        list: false,
        offline: true,
        archiveDir: path.join('data', 'sample', 'archive'),
        out,
      },
      { reporter: createMemoryReporter(), threads: 1 },
    );
    const months = record.months ?? [];
    const kept = months.reduce((n, m) => n + m.summary.kept, 0);
    const located = months.reduce((n, m) => n + m.summary.coverage.pollingDistrict, 0);
    const inFirst = months.reduce(
      (n, m) => n + (m.summary.wardType[first!.properties.WD25CD] ?? []).reduce((a, b) => a + b, 0),
      0,
    );
    expect(inFirst).toBeGreaterThan(0);
    expect(located).toBe(kept - inFirst);
    expect(record.notes).toContain(
      "1 polling-district shape(s) of the council's layer were left out, so the crimes in " +
        'them have no polling district: 1 without a code (e.g. OBJECTID 1: POLLING_DI is ' +
        `null) (${path.join(out, 'cache', 'sources', 'polling-districts.geojson')})`,
    );
    const summary = JSON.parse(await readFile(path.join(out, 'run-summary.json'), 'utf8')) as {
      notes: string[];
    };
    expect(summary.notes).toEqual(record.notes);
  });
});

/** Leeds's 2025 wards (the reference file the pipeline locates crimes with). */
const WARDS_2025 = JSON.parse(await readFile('data/reference/wards.geojson', 'utf8')) as {
  features: Feature<Polygon | MultiPolygon, { WD25CD: string; WD25NM: string }>[];
};

describe('runPipeline with a cached layer of features without a usable shape', () => {
  /** Leeds's 2025 wards as a council's layer of one district each, the first's geometry `first`. */
  const layerWithFirst = (first: unknown) =>
    WARDS_2025.features.map((ward, i) => ({
      attributes: {
        POLLING_DI: ward.properties.WD25CD,
        WARD: ward.properties.WD25NM,
        OBJECTID: i + 1,
      },
      geometry: i === 0 ? first : { rings: toArcgisRings(ward.geometry) },
    }));
  const out = () => path.join(dir, 'out');
  const cacheFile = () => path.join(out(), 'cache', 'sources', 'polling-districts.geojson');
  const fetchOptions = (logs: string[] = []) => ({
    client: new HttpClient({ minBackoffMs: 1 }),
    mapServerUrl: `${server.url}arcgis/rest/services/Public/Boundary/MapServer/7`,
    cacheFile: cacheFile(),
    log: (line: string) => logs.push(line),
  });
  const serve = (layer: unknown[]) =>
    server.route('GET', '/arcgis/rest/services/Public/Boundary/MapServer/7/query', (request) =>
      layerQuery(request, layer as typeof DISTRICTS),
    );
  const runOffline = () =>
    runPipeline(
      {
        help: false,
        list: false,
        offline: true,
        archiveDir: path.join('data', 'sample', 'archive'),
        out: out(),
      },
      { reporter: createMemoryReporter(), threads: 1 },
    );
  const [first] = WARDS_2025.features;
  const firstCode = first!.properties.WD25CD;

  it.each([
    ['geometry: null', null, 'without a shape (e.g. OBJECTID 1: geometry is null'],
    ['rings: []', { rings: [] }, 'without a shape (e.g. OBJECTID 1: geometry has no rings'],
    [
      'a ring not closed',
      { rings: [toArcgisRings(first!.geometry)[0]!.slice(0, -1)] },
      'with a shape that is not a polygon the pipeline can use (e.g. OBJECTID 1: ' +
        'geometry.rings.0 is a ring that is not closed',
    ],
  ])(
    'locates the crimes with the others, gives none the shape left out, and says so (%s)',
    async (_what, geometry, said) => {
      serve(layerWithFirst(geometry));
      await fetchPollingDistricts(fetchOptions());
      const record = await runOffline();
      const months = record.months ?? [];
      const kept = months.reduce((n, m) => n + m.summary.kept, 0);
      const located = months.reduce((n, m) => n + m.summary.coverage.pollingDistrict, 0);
      const inFirst = months.reduce(
        (n, m) => n + (m.summary.wardType[firstCode] ?? []).reduce((a, b) => a + b, 0),
        0,
      );
      expect(inFirst).toBeGreaterThan(0);
      // With no shape to tell where the district is, a crime of it within the edge tolerance
      // (50 m) of a neighbour's district is given that one: a few at most.
      expect(kept - located).toBeLessThanOrEqual(inFirst);
      expect(kept - located).toBeGreaterThan(inFirst * 0.9);
      const note = record.notes.find((n) => n.startsWith('1 polling-district shape(s)'));
      expect(note).toContain(
        "1 polling-district shape(s) of the council's layer were left out, so the crimes in " +
          `them have no polling district: 1 ${said}`,
      );
      expect(note).toContain(`(POLLING_DI "${firstCode}")) (${cacheFile()})`);
    },
  );

  it('reads a cache written before shapes were counted: its problems name no shape kind', async () => {
    serve(
      layerWithFirst({ rings: toArcgisRings(first!.geometry) }).map((d, i) =>
        i === 0 ? { ...d, attributes: { ...d.attributes, POLLING_DI: null } } : d,
      ),
    );
    const fetched = await fetchPollingDistricts(fetchOptions());
    const saved = JSON.parse(await readFile(cacheFile(), 'utf8')) as {
      problems: { counts: Record<string, number> };
    };
    delete saved.problems.counts['no-shape'];
    delete saved.problems.counts['unusable-shape'];
    await writeFile(cacheFile(), JSON.stringify(saved));
    const before = server.requests.length;
    expect(await fetchPollingDistricts(fetchOptions())).toEqual(fetched);
    expect(server.requests.length).toBe(before);
    const record = await runOffline();
    expect(record.notes).toContain(
      "1 polling-district shape(s) of the council's layer were left out, so the crimes in " +
        'them have no polling district: 1 without a code (e.g. OBJECTID 1: POLLING_DI is ' +
        `null) (${cacheFile()})`,
    );
  });

  describe('a cache that took a shape the pipeline cannot use, as the fetch did before', () => {
    /** The fetched cache with the ring of `member`[0] not closed, as earlier code cached it. */
    async function cacheUnclosed(member: 'features' | 'leftOut') {
      const layer = layerWithFirst({ rings: toArcgisRings(first!.geometry) });
      // A feature without a code: its shape is recorded as left out.
      serve(
        layer.map((d, i) =>
          i === 1 ? { ...d, attributes: { ...d.attributes, POLLING_DI: null } } : d,
        ),
      );
      await fetchPollingDistricts(fetchOptions());
      const saved = JSON.parse(await readFile(cacheFile(), 'utf8')) as Record<
        typeof member,
        { geometry: Polygon }[]
      >;
      const ring = saved[member][0]!.geometry.coordinates[0]!;
      ring.pop();
      await writeFile(cacheFile(), JSON.stringify(saved));
      return { start: ring[0]!, end: ring.at(-1)! };
    }
    const named = { features: `"${firstCode}"`, leftOut: '"OBJECTID 2"' };

    it.each(['features', 'leftOut'] as const)(
      'is fetched again, saying why, when its %s hold one',
      async (member) => {
        const { start, end } = await cacheUnclosed(member);
        const logs: string[] = [];
        const before = server.requests.length;
        await fetchPollingDistricts(fetchOptions(logs));
        expect(server.requests.length).toBeGreaterThan(before);
        expect(logs[0]).toBe(
          `council polling districts: the cached ${cacheFile()} holds 1 shape(s) that are not ` +
            `polygons the pipeline can use: ${member}.0 (${named[member]}): geometry.coordinates.0 ` +
            `is a ring that is not closed: it starts at [${start.join(', ')}] and ends at ` +
            `[${end.join(', ')}] (written before such features were left out); fetching them again`,
        );
        // The cache fetched again is one the months step locates crimes with.
        expect((await runOffline()).months?.length).toBeGreaterThan(0);
      },
    );

    it.each(['features', 'leftOut'] as const)(
      'is refused by a run that does not fetch, naming the file, the shape and what to do (%s)',
      async (member) => {
        await cacheUnclosed(member);
        const error = (await runOffline().catch((e: unknown) => e)) as Error;
        expect(error).toBeInstanceOf(Error);
        expect(error.message).toMatch(
          new RegExp(
            `^step 3 \\(months\\) failed: ${cacheFile().replace(/[.\\]/g, '\\$&')}: holds 1 shape\\(s\\) that are not polygons the pipeline can use: ` +
              `${member}\\.0 \\(${named[member]}\\): geometry\\.coordinates\\.0 is a ring that is not closed: .*` +
              'delete it and run the fetch step to download it again$',
          ),
        );
        await expect(readFile(path.join(out(), 'site-data.json'))).rejects.toThrow(/ENOENT/);
      },
    );
  });
});

describe('ringsToGeometry(rings)', () => {
  it('turns a clockwise outer ring and its counter-clockwise hole into a GeoJSON polygon with a hole', () => {
    const outer = [
      [0, 0],
      [0, 10],
      [10, 10],
      [10, 0],
      [0, 0],
    ]; // clockwise (ArcGIS outer)
    const hole = [
      [2, 2],
      [4, 2],
      [4, 4],
      [2, 4],
      [2, 2],
    ]; // counter-clockwise (ArcGIS hole)
    const island = [
      [20, 0],
      [20, 5],
      [25, 5],
      [25, 0],
      [20, 0],
    ];
    const single = ringsToGeometry([outer, hole]);
    expect(single.type).toBe('Polygon');
    expect(single.coordinates).toHaveLength(2);
    expect(turf.booleanClockwise((single as Polygon).coordinates[0] as Position[])).toBe(false);
    expect(turf.booleanClockwise((single as Polygon).coordinates[1] as Position[])).toBe(true);
    expect(turf.area(turf.feature(single))).toBeCloseTo(
      turf.area(turf.polygon([[...outer].reverse()])) - turf.area(turf.polygon([hole])),
      -3,
    );
    const multi = ringsToGeometry([outer, hole, island]);
    expect(multi.type).toBe('MultiPolygon');
    expect((multi as MultiPolygon).coordinates.map((p) => p.length)).toEqual([2, 1]);
  });
});
