// The pipeline without --offline asks postcodes.io about the snap points no LS postcode is
// near, before the months are located, and uses the answers in the same run. Runs against a
// replay of police.uk (an API month), the council's ArcGIS layer and postcodes.io on
// 127.0.0.1, on real sample rows: an archive month (2024-03, local input) and an API month
// (2025-03, fetched), each holding every sample row of that month farther than 1 km from an
// LS postcode plus some ordinary rows. A run a month later reads only the new month and keeps
// every other month cached: a month depends only on the answers for its own points.
import { createReadStream } from 'node:fs';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { runAreas, runPipeline, StepError, type CliOptions } from '../../../pipeline/cli.ts';
import { formatCsvRow, readCsv } from '../../../pipeline/csv.ts';
import { createMemoryReporter } from '../../../pipeline/report.ts';
import {
  FIRST_PASS_RADIUS_METRES,
  MAX_GEOLOCATIONS_PER_REQUEST,
  WIDE_RADIUS_METRES,
} from '../../../pipeline/sources/postcodes.ts';
import { coordinateKey } from '../../../src/shared/coordinates.ts';
import { MASTER_COLUMNS, STREET_COLUMNS } from '../../../src/shared/constants.ts';
import { monthRange } from '../../../src/shared/months.ts';
import { outputFiles } from '../../support/output-files.ts';
import { sampleRows, toApiCrime } from '../../support/police-fixtures.ts';
import { ReplayServer, type RecordedRequest } from '../../support/replay-server.ts';
import {
  replayPerTest,
  replaySources,
  servePostcodesWithNoAnswer,
} from '../../support/replay-sources.ts';
import { buildZip } from '../../support/zip-writer.ts';

const FAST_HTTP = { minBackoffMs: 1, maxBackoffMs: 5, retries: 2, timeoutMs: 5000 };
/** Local input: an archive month. */
const ARCHIVE_MONTH = '2024-03';
/** Fetched from the replayed police.uk API (the replayed archive stops at ARCHIVE_MONTH). */
const API_MONTH = '2025-03';
/** Ordinary rows (an LS postcode near) taken into each month besides the far ones. */
const ORDINARY_ROWS = 150;
/** The radius within which the locator trusts the nearest LS postcode (pipeline/geo.ts). */
const LS_RADIUS_M = 1000;
/** Rows this close to LS_RADIUS_M are left out: the answer would hang on the projection used. */
const RADIUS_MARGIN_M = 5;
const MAP_SERVER = 'arcgis/rest/services/Public/Boundary/MapServer/7';

/**
 * The replay's postcodes.io answers: the district of each ward's non-LS part (Tingley and
 * East Ardsley WF3, Drighlington BD11, Allerton Bywater WF10). The replay knows no postcode
 * near the Pudsey points, so they show postcodes.io answering "none within the radius".
 * Postcodes are invented; the pipeline uses only their outward code.
 */
const OUTCODE_BY_WARD: Readonly<Record<string, string>> = {
  'Ardsley & Robin Hood': 'WF3',
  'Morley South': 'WF3',
  'Morley North': 'BD11',
  'Kippax & Methley': 'WF10',
};

interface Point {
  lon: number;
  lat: number;
}

const LS_POSTCODES: Point[] = (
  await readFile(path.join('data', 'reference', 'postcodes-ls.csv'), 'utf8')
)
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(','))
  // No grid reference, or a non-geographic district (PO boxes): never a place's postcode.
  .filter(([postcode = '', lat]) => lat !== '99.999999' && !/^LS(88|98|99) /.test(postcode))
  .map(([, lat = '', lon = '']) => ({ lat: Number(lat), lon: Number(lon) }));

const WARDS = JSON.parse(
  await readFile(path.join('data', 'reference', 'wards.geojson'), 'utf8'),
) as { features: Feature<Polygon | MultiPolygon, { WD25NM: string }>[] };

function metres(a: Point, b: Point): number {
  const x = (b.lon - a.lon) * Math.cos(((a.lat + b.lat) / 2) * (Math.PI / 180));
  return Math.hypot(x, b.lat - a.lat) * 111_320;
}

/**
 * LS postcodes by grid cell. A cell is over 1,040 m across both ways at Leeds' latitudes, so
 * the 3 x 3 cells around a point hold every postcode within LS_RADIUS_M + RADIUS_MARGIN_M.
 */
const CELL_DEGREES = { lon: 0.016, lat: 0.01 };
const cellKey = (i: number, j: number) => `${i}:${j}`;
const cellOf = (point: Point): [number, number] => [
  Math.floor(point.lon / CELL_DEGREES.lon),
  Math.floor(point.lat / CELL_DEGREES.lat),
];
const GRID = new Map<string, Point[]>();
for (const postcode of LS_POSTCODES) {
  const key = cellKey(...cellOf(postcode));
  GRID.set(key, [...(GRID.get(key) ?? []), postcode]);
}

/** Metres to the nearest LS postcode; Infinity when none lies within the 3 x 3 cells. */
function nearestLsPostcodeMetres(point: Point): number {
  const [i, j] = cellOf(point);
  let nearest = Infinity;
  for (let di = -1; di <= 1; di += 1) {
    for (let dj = -1; dj <= 1; dj += 1) {
      for (const p of GRID.get(cellKey(i + di, j + dj)) ?? []) {
        nearest = Math.min(nearest, metres(point, p));
      }
    }
  }
  return nearest;
}

const pointOf = (row: Record<string, string>): Point => ({
  lon: Number(row['Longitude']),
  lat: Number(row['Latitude']),
});
const keyOf = (point: Point): string => coordinateKey(point.lon, point.lat);

/** A month's slice: its far rows (no LS postcode within 1 km) and ORDINARY_ROWS others. */
function slice(month: string): { rows: Record<string, string>[]; far: Set<string> } {
  const rows: Record<string, string>[] = [];
  const far = new Set<string>();
  let ordinary = 0;
  for (const row of sampleRows(month)) {
    const distance = nearestLsPostcodeMetres(pointOf(row));
    if (Math.abs(distance - LS_RADIUS_M) < RADIUS_MARGIN_M) continue;
    if (distance > LS_RADIUS_M) {
      far.add(keyOf(pointOf(row)));
      rows.push(row);
    } else if (ordinary < ORDINARY_ROWS) {
      ordinary += 1;
      rows.push(row);
    }
  }
  return { rows, far };
}

const ARCHIVE_SLICE = slice(ARCHIVE_MONTH);
const API_SLICE = slice(API_MONTH);
const API_CRIMES = API_SLICE.rows.map((row, i) => toApiCrime(row, 80_000_000 + i));
const FAR_POINTS = new Set([...ARCHIVE_SLICE.far, ...API_SLICE.far]);

function wardOf(point: Point): string | undefined {
  return WARDS.features.find((ward) => turf.booleanPointInPolygon([point.lon, point.lat], ward))
    ?.properties.WD25NM;
}

interface Geolocation {
  longitude: number;
  latitude: number;
  radius: number;
  limit: number;
}

const geolocationsOf = (request: RecordedRequest): Geolocation[] =>
  (JSON.parse(request.body) as { geolocations: Geolocation[] }).geolocations;

let server: ReplayServer;
let dir: string;
/** What the postcodes.io replay answered, by coordinate key (null: no postcode). */
let answered: Map<string, string | null>;

/** postcodes.io's bulk reverse geocoding (POST /postcodes), answered from OUTCODE_BY_WARD. */
function servePostcodesIo(): void {
  server.route('POST', '/postcodes-io/postcodes', (request) => {
    const geolocations = geolocationsOf(request);
    if (geolocations.length > MAX_GEOLOCATIONS_PER_REQUEST) {
      return { status: 400, body: { status: 400, error: 'too many geolocations' } };
    }
    return {
      body: {
        status: 200,
        result: geolocations.map((query) => {
          const point = { lon: query.longitude, lat: query.latitude };
          const outcode = OUTCODE_BY_WARD[wardOf(point) ?? ''];
          answered.set(keyOf(point), outcode ?? null);
          return {
            query,
            result: outcode
              ? [{ postcode: `${outcode} 1AA`, outcode, distance: 40, ...query }]
              : null,
          };
        }),
      },
    };
  });
}

/** police.uk: the latest archive is ARCHIVE_MONTH, the API has API_MONTH besides. */
async function servePoliceUk(): Promise<void> {
  const name = `${ARCHIVE_MONTH}/${ARCHIVE_MONTH}-west-yorkshire-street.csv`;
  server.file(
    `/data/archive/${ARCHIVE_MONTH}.zip`,
    await buildZip([{ name, data: Buffer.from(csvOf(ARCHIVE_SLICE.rows)) }]),
  );
  const redirect = { status: 302, headers: { location: `/data/archive/${ARCHIVE_MONTH}.zip` } };
  server.route('HEAD', '/data/archive/latest.zip', [redirect]);
  server.route('GET', '/data/archive/latest.zip', [redirect]);
  // Every month from the archive's to the API's, as police.uk lists them (newest first).
  server.route('GET', '/api/crimes-street-dates', [
    {
      body: monthRange(ARCHIVE_MONTH, API_MONTH)
        .reverse()
        .map((date) => ({ date })),
    },
  ]);
  // The crimes inside the polygon asked about, as police.uk answers (GET or POST).
  const crimesStreet = (request: RecordedRequest) => {
    const params = request.method === 'POST' ? new URLSearchParams(request.body) : request.query;
    if (params.get('date') !== API_MONTH) return { status: 404, body: '' };
    const ring = (params.get('poly') ?? '').split(':').map((pair) => {
      const [lat, lng] = pair.split(',').map(Number) as [number, number];
      return [lng, lat];
    });
    const polygon = turf.polygon([[...ring, ring[0] as number[]]]);
    return {
      body: API_CRIMES.filter((crime) => {
        const { longitude, latitude } = crime['location'] as {
          longitude: string;
          latitude: string;
        };
        return turf.booleanPointInPolygon([Number(longitude), Number(latitude)], polygon);
      }),
    };
  };
  server.route('GET', '/api/crimes-street/all-crime', crimesStreet);
  server.route('POST', '/api/crimes-street/all-crime', crimesStreet);
}

/** The council's polling districts: here one per ward, from the council's 2018 ward shapes. */
async function servePollingDistricts(): Promise<void> {
  const wards = JSON.parse(
    await readFile(path.join('tests', 'fixtures', 'boundaries', 'lcc-wards-2018.geojson'), 'utf8'),
  ) as { features: Feature<Polygon | MultiPolygon, { WARD_NAME: string }>[] };
  const features = wards.features.map((ward, i) => ({
    attributes: { POLLING_DI: `PD${i + 1}`, WARD: ward.properties.WARD_NAME },
    geometry: { rings: arcgisRings(ward.geometry) },
  }));
  server.route('GET', `/${MAP_SERVER}/query`, (request) =>
    request.query.get('returnCountOnly') === 'true'
      ? { body: { count: features.length } }
      : { body: { geometryType: 'esriGeometryPolygon', features } },
  );
}

/** GeoJSON rings as ArcGIS writes them: outer rings clockwise, holes counter-clockwise. */
function arcgisRings(geometry: Polygon | MultiPolygon): Position[][] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.flatMap((rings) =>
    rings.map((ring, i) =>
      (i === 0) === turf.booleanClockwise(ring) ? ring : [...ring].reverse(),
    ),
  );
}

function csvOf(rows: readonly Record<string, string>[]): string {
  return [STREET_COLUMNS, ...rows.map((row) => STREET_COLUMNS.map((c) => row[c] ?? ''))]
    .map((values) => formatCsvRow(values))
    .join('');
}

function onlineOptions(out: string): CliOptions {
  return {
    help: false,
    list: false,
    offline: false,
    archiveDir: path.join(dir, 'archive'),
    out,
    fetch: {
      selection: { latest: true },
      overrides: replaySources(server, MAP_SERVER),
      http: FAST_HTTP,
    },
  };
}

async function masterRows(out: string) {
  const file = path.join(out, 'leeds_street_combined.csv');
  const rows = [];
  for await (const { values } of readCsv(createReadStream(file), file, MASTER_COLUMNS)) {
    rows.push(values);
  }
  return rows;
}

const postcodeRequests = () => server.requestsTo('/postcodes-io/postcodes');

replayPerTest('postcodes-pipeline-', async (s, d) => {
  server = s;
  dir = d;
  await servePoliceUk();
  await servePollingDistricts();
  answered = new Map();
  const monthDir = path.join(dir, 'archive', ARCHIVE_MONTH);
  await mkdir(monthDir, { recursive: true });
  await writeFile(
    path.join(monthDir, `${ARCHIVE_MONTH}-west-yorkshire-street.csv`),
    csvOf(ARCHIVE_SLICE.rows),
  );
});

describe('runPipeline without --offline: the postcodes step', () => {
  it('asks postcodes.io only about snap points no LS postcode is near, and the months use the answers', async () => {
    servePostcodesIo();
    const out = path.join(dir, 'out');
    const record = await runPipeline(onlineOptions(out), { reporter: createMemoryReporter() });

    // Both months, one from each source; both hold far points.
    expect(record.months?.map((m) => [m.plan.month, m.plan.source])).toEqual([
      [ARCHIVE_MONTH, 'archive'],
      [API_MONTH, 'api'],
    ]);
    expect(ARCHIVE_SLICE.far.size).toBeGreaterThan(0);
    expect(API_SLICE.far.size).toBeGreaterThan(0);

    // First pass: every far point once, no other point; at most 100 a request.
    const bodies = postcodeRequests().map(geolocationsOf);
    expect(bodies.every((g) => g.length <= MAX_GEOLOCATIONS_PER_REQUEST)).toBe(true);
    const first = bodies.flat().filter((g) => g.radius === FIRST_PASS_RADIUS_METRES);
    const firstKeys = first.map((g) => keyOf({ lon: g.longitude, lat: g.latitude }));
    expect(new Set(firstKeys).size).toBe(firstKeys.length);
    expect(new Set(firstKeys)).toEqual(FAR_POINTS);
    // Second pass, at the widest radius: only the points the first pass left unplaced.
    const second = bodies.flat().filter((g) => g.radius === WIDE_RADIUS_METRES);
    const unplaced = [...answered].filter(([, outcode]) => outcode === null).map(([key]) => key);
    expect(unplaced.length).toBeGreaterThan(0);
    expect(second.map((g) => keyOf({ lon: g.longitude, lat: g.latitude })).sort()).toEqual(
      unplaced.sort(),
    );
    expect(bodies.length).toBe(
      Math.ceil(FAR_POINTS.size / MAX_GEOLOCATIONS_PER_REQUEST) +
        Math.ceil(unplaced.length / MAX_GEOLOCATIONS_PER_REQUEST),
    );

    // The master CSV: a far row has the district postcodes.io answered; without an answer,
    // an LS district (the nearest, approximate); every other row an LS district.
    const rows = await masterRows(out);
    const placedByMonth = new Map<string, number>();
    for (const row of rows) {
      const key = keyOf(pointOf(row));
      const district = row['Postcode District'];
      const answer = answered.get(key);
      if (answer) {
        expect(district, key).toBe(answer);
        const month = row['Month'] ?? '';
        placedByMonth.set(month, (placedByMonth.get(month) ?? 0) + 1);
      } else {
        expect(district, key).toMatch(/^LS\d+$/);
      }
    }
    expect(rows.length).toBe(ARCHIVE_SLICE.rows.length + API_SLICE.rows.length);
    expect(placedByMonth.get(ARCHIVE_MONTH)).toBeGreaterThan(0);
    expect(placedByMonth.get(API_MONTH)).toBeGreaterThan(0);
    expect(record.notes.some((n) => n.includes('postcodes.io knows none near them'))).toBe(true);
    expect(record.notes.some((n) => n.includes('no postcodes.io answer'))).toBe(false);

    // A second run asks again about the points postcodes.io placed nowhere (a fault can give
    // that answer too), in both passes, and about no point it placed. The answers are the
    // same, so the answer cache and every month stay as they were.
    const answersFile = path.join(out, 'cache', 'sources', 'postcodes-io.json');
    const answers = await readFile(answersFile);
    const before = postcodeRequests().length;
    const again = await runPipeline(onlineOptions(out), { reporter: createMemoryReporter() });
    const askedAgain = postcodeRequests().slice(before).map(geolocationsOf).flat();
    for (const radius of [FIRST_PASS_RADIUS_METRES, WIDE_RADIUS_METRES]) {
      const keys = askedAgain
        .filter((g) => g.radius === radius)
        .map((g) => keyOf({ lon: g.longitude, lat: g.latitude }));
      expect(keys.sort(), `${radius} m`).toEqual(unplaced.sort());
    }
    expect(again.steps.find((step) => step.name === 'postcodes')?.result).toBe(
      `${FAR_POINTS.size} snap point(s) with no listed postcode near: ` +
        `${FAR_POINTS.size - unplaced.length} placed before, ${unplaced.length} asked ` +
        `(${unplaced.length} again: no postcode near before) in 2 request(s); ` +
        `${unplaced.length} with no postcode within 2,000 m`,
    );
    expect(await readFile(answersFile)).toEqual(answers);
    expect(again.months?.every((m) => m.cached)).toBe(true);
    expect(await masterRows(out)).toEqual(rows);
  }, 60_000);

  it('asks again on the next run about the points a faulty postcodes.io placed nowhere, processes again the months holding them, and offline uses the answers, nulls included, asking nothing', async () => {
    // A postcodes.io fault: every point answered "no postcode within the radius".
    servePostcodesWithNoAnswer(server);
    const out = path.join(dir, 'out');
    const faulty = await runPipeline(onlineOptions(out), { reporter: createMemoryReporter() });
    expect(faulty.months?.map((m) => m.cached)).toEqual([false, false]);
    const answersFile = path.join(out, 'cache', 'sources', 'postcodes-io.json');
    const cached = JSON.parse(await readFile(answersFile, 'utf8')) as {
      entries: Record<string, { place: { district: string } | null }>;
    };
    expect(Object.keys(cached.entries).sort()).toEqual([...FAR_POINTS].sort());
    expect(Object.values(cached.entries).every((entry) => entry.place === null)).toBe(true);
    const estimated = await masterRows(out);
    const far = (row: Record<string, string>) => FAR_POINTS.has(keyOf(pointOf(row)));
    for (const row of estimated.filter(far)) {
      expect(row['Postcode District'], keyOf(pointOf(row))).toMatch(/^LS\d+$/);
      expect(row['Postcode District Estimated'], keyOf(pointOf(row))).toBe('true');
    }

    // postcodes.io answers properly again: the next run asks about every far point again and
    // both months, each holding far points it now places, are processed again with them.
    servePostcodesIo();
    const before = postcodeRequests().length;
    const reporter = createMemoryReporter();
    const fixed = await runPipeline(onlineOptions(out), { reporter });
    const firstPass = postcodeRequests()
      .slice(before)
      .flatMap(geolocationsOf)
      .filter((g) => g.radius === FIRST_PASS_RADIUS_METRES)
      .map((g) => keyOf({ lon: g.longitude, lat: g.latitude }));
    expect(firstPass.sort()).toEqual([...FAR_POINTS].sort());
    expect(reporter.lines).toContain(
      `  postcodes.io: asking again about ${FAR_POINTS.size} snap point(s) it answered no ` +
        'postcode near before (a postcodes.io fault can give that answer too, so it is not ' +
        'kept for good)',
    );
    expect(fixed.months?.map((m) => [m.plan.month, m.cached])).toEqual([
      [ARCHIVE_MONTH, false],
      [API_MONTH, false],
    ]);
    const rows = await masterRows(out);
    expect(rows.length).toBe(estimated.length);
    const placedByMonth = new Map<string, number>();
    for (const row of rows.filter(far)) {
      const key = keyOf(pointOf(row));
      const answer = answered.get(key);
      if (answer) {
        expect(row['Postcode District'], key).toBe(answer);
        expect(row['Postcode District Estimated'], key).toBe('false');
        placedByMonth.set(row['Month']!, (placedByMonth.get(row['Month']!) ?? 0) + 1);
      } else {
        expect(answer, key).toBeNull();
        expect(row['Postcode District'], key).toMatch(/^LS\d+$/);
        expect(row['Postcode District Estimated'], key).toBe('true');
      }
    }
    expect(placedByMonth.get(ARCHIVE_MONTH)).toBeGreaterThan(0);
    expect(placedByMonth.get(API_MONTH)).toBeGreaterThan(0);
    const answers = await readFile(answersFile);
    const entries = (JSON.parse(answers.toString('utf8')) as typeof cached).entries;
    for (const [key, district] of answered) {
      expect(entries[key]?.place?.district ?? null, key).toBe(district);
    }

    // Offline: nothing asked, the answers (the nulls among them) used as they are, so every
    // month stays cached with the same rows.
    const requests = server.requests.length;
    const offline = await runPipeline(
      { help: false, list: false, offline: true, archiveDir: path.join(dir, 'archive'), out },
      { reporter: createMemoryReporter() },
    );
    expect(server.requests.length).toBe(requests);
    expect(offline.steps.map((step) => step.name)).not.toContain('postcodes');
    expect(offline.months?.map((m) => [m.plan.month, m.cached])).toEqual([
      [ARCHIVE_MONTH, true],
      [API_MONTH, true],
    ]);
    expect(await masterRows(out)).toEqual(rows);
    expect(await readFile(answersFile)).toEqual(answers);
  }, 60_000);

  it('fails the run with the cause when postcodes.io keeps failing, leaving previous outputs as they were', async () => {
    server.route('POST', '/postcodes-io/postcodes', [{ status: 500, body: 'Internal error' }]);
    const out = path.join(dir, 'out');
    await runPipeline(
      { help: false, list: false, offline: true, archiveDir: path.join(dir, 'archive'), out },
      { reporter: createMemoryReporter() },
    );
    const outputs = ['leeds_street_combined.csv', 'site-data.json', 'run-summary.json'];
    const previous = await Promise.all(outputs.map((f) => readFile(path.join(out, f))));

    const error = await runPipeline(onlineOptions(out), {
      reporter: createMemoryReporter(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepError);
    expect((error as StepError).step).toBe('postcodes');
    expect((error as Error).message).toMatch(
      /postcodes\.io could not place the \d+ snap point\(s\) that no listed postcode is near: POST http:\/\/127\.0\.0\.1:\d+\/postcodes-io\/postcodes failed after 3 attempts: .*HTTP 500/,
    );
    expect(postcodeRequests()).toHaveLength(1 + FAST_HTTP.retries);
    for (const [i, file] of outputs.entries()) {
      expect(await readFile(path.join(out, file))).toEqual(previous[i]);
    }
    await expect(readFile(path.join(out, 'cache', 'sources', 'postcodes-io.json'))).rejects.toThrow(
      /ENOENT/,
    );
  }, 60_000);
});

describe('runAreas online, a month later: the postcodes step and the month cache', () => {
  /** Local input, not fetched: the oldest month. */
  const LOCAL_MONTH = ARCHIVE_MONTH;
  /** The newest month police.uk publishes at the first run. */
  const FETCHED_MONTH = '2025-02';
  /** The month police.uk publishes between the two runs (its archive holds FETCHED_MONTH too). */
  const NEW_MONTH = '2025-03';
  const SLICES = new Map([
    [LOCAL_MONTH, ARCHIVE_SLICE],
    [FETCHED_MONTH, slice(FETCHED_MONTH)],
    [NEW_MONTH, API_SLICE],
  ]);
  const streetFile = (month: string) => `${month}/${month}-west-yorkshire-street.csv`;
  const GENERATED_AT = '2026-12-01T00:00:00.000Z';

  /** police.uk with `latest` as its newest archive, holding `months`; no API month besides. */
  async function publish(latest: string, months: readonly string[]): Promise<void> {
    const zip = await buildZip(
      months.map((month) => ({
        name: streetFile(month),
        data: Buffer.from(csvOf(SLICES.get(month)!.rows)),
      })),
    );
    server.file(`/data/archive/${latest}.zip`, zip);
    const redirect = { status: 302, headers: { location: `/data/archive/${latest}.zip` } };
    server.route('HEAD', '/data/archive/latest.zip', () => redirect);
    server.route('GET', '/data/archive/latest.zip', () => redirect);
    server.route('GET', '/api/crimes-street-dates', () => ({ body: [{ date: latest }] }));
  }

  /** The latest month fetched into `out`'s cache, LOCAL_MONTH from a local folder. */
  async function run(out: string, threads: number) {
    const started = postcodeRequests().length;
    const result = await runAreas(
      {
        help: false,
        list: false,
        offline: false,
        archiveDir: path.join(dir, 'local'),
        out,
        fetch: {
          selection: { latest: true },
          overrides: replaySources(server, MAP_SERVER),
          http: FAST_HTTP,
        },
      },
      { reporter: createMemoryReporter(), threads, generatedAt: GENERATED_AT },
    );
    const asked = postcodeRequests()
      .slice(started)
      .flatMap(geolocationsOf)
      .filter((g) => g.radius === FIRST_PASS_RADIUS_METRES)
      .map((g) => keyOf({ lon: g.longitude, lat: g.latitude }));
    const { record } = result.areas[0]!;
    return {
      cached: Object.fromEntries(record.months!.map((m) => [m.plan.month, m.cached])),
      // Each police.uk file read, as "<month>: <reads>".
      reads: result.forceFiles.map(({ file, reads }) => `${path.basename(file)}: ${reads}`),
      asked: new Set(asked),
    };
  }

  it("reads only the new month's files, asks only about its new points and those placed nowhere before, and keeps every other month cached, with a cold run's outputs; a changed answer processes again only the months holding its point", async () => {
    servePostcodesIo();
    await servePollingDistricts();
    const local = path.join(dir, 'local', LOCAL_MONTH);
    await mkdir(local, { recursive: true });
    await writeFile(
      path.join(local, `${LOCAL_MONTH}-west-yorkshire-street.csv`),
      csvOf(SLICES.get(LOCAL_MONTH)!.rows),
    );
    const out = path.join(dir, 'out');
    await publish(FETCHED_MONTH, [FETCHED_MONTH]);
    const first = await run(out, 1);
    expect(first.cached).toEqual({ [LOCAL_MONTH]: false, [FETCHED_MONTH]: false });

    // A month later: police.uk's newest archive holds NEW_MONTH, with snap points no LS
    // postcode is near that the earlier months do not have.
    await publish(NEW_MONTH, [FETCHED_MONTH, NEW_MONTH]);
    const before = new Set([...answered.keys()]);
    const newPoints = [...SLICES.get(NEW_MONTH)!.far].filter((key) => !before.has(key));
    expect(newPoints.length).toBeGreaterThan(0);
    // The first run saved an answer for each point it asked about, and none for these.
    const saved = JSON.parse(
      await readFile(path.join(out, 'cache', 'sources', 'postcodes-io.json'), 'utf8'),
    ) as { entries: Record<string, unknown> };
    expect(Object.keys(saved.entries).sort()).toEqual([...before].sort());
    expect(newPoints.filter((key) => key in saved.entries)).toEqual([]);
    // The points postcodes.io placed nowhere: asked again by every online run.
    const nowhere = () => [...answered].filter(([, outcode]) => outcode === null).map(([k]) => k);
    const placedNowhere = nowhere();
    expect(placedNowhere.length).toBeGreaterThan(0);
    const second = await run(out, 1);
    // postcodes.io is asked about the new points and those it placed nowhere, and places some
    // of the new ones.
    expect([...second.asked].sort()).toEqual([...newPoints, ...placedNowhere].sort());
    expect(newPoints.some((key) => answered.get(key) !== null)).toBe(true);
    // The earlier months come from the month cache, their files unread; the new month's file
    // is read by the postcodes step and by the months step.
    expect(second.cached).toEqual({
      [LOCAL_MONTH]: true,
      [FETCHED_MONTH]: true,
      [NEW_MONTH]: false,
    });
    expect(second.reads).toEqual([`${NEW_MONTH}-west-yorkshire-street.csv: 2`]);

    // Cold: the same sources (fetched months, manifests, answers) and no month cache, in the
    // month workers. The outputs are the same bytes.
    const cold = path.join(dir, 'cold');
    const months = path.join(out, 'cache', 'months');
    await cp(path.join(out, 'cache'), path.join(cold, 'cache'), {
      recursive: true,
      preserveTimestamps: true,
      filter: (file) => file !== months,
    });
    const coldRun = await run(cold, 2);
    expect([...coldRun.asked].sort()).toEqual(nowhere().sort());
    expect(Object.values(coldRun.cached)).toEqual([false, false, false]);
    const [warm, fresh] = [await outputFiles(out), await outputFiles(cold)];
    expect(Object.keys(warm).length).toBeGreaterThanOrEqual(7);
    expect(Object.keys(warm).sort()).toEqual(Object.keys(fresh).sort());
    expect(Object.keys(warm).filter((file) => warm[file] !== fresh[file])).toEqual([]);

    // The months the workers cached are served as they are: nothing read, nothing asked but
    // the points placed nowhere, which are placed nowhere again.
    const third = await run(cold, 1);
    expect(third.reads).toEqual([]);
    expect([...third.asked].sort()).toEqual(nowhere().sort());
    expect(Object.values(third.cached)).toEqual([true, true, true]);

    // postcodes.io's answer for a point of LOCAL_MONTH alone changes: that month alone is
    // processed again (its points taken from the cache, so its file is read once), and its
    // rows there get the new district.
    const point = [...SLICES.get(LOCAL_MONTH)!.far].find(
      (key) =>
        typeof answered.get(key) === 'string' &&
        !SLICES.get(FETCHED_MONTH)!.far.has(key) &&
        !SLICES.get(NEW_MONTH)!.far.has(key),
    )!;
    expect(point).toBeDefined();
    const answersFile = path.join(cold, 'cache', 'sources', 'postcodes-io.json');
    const answers = JSON.parse(await readFile(answersFile, 'utf8')) as {
      entries: Record<string, { place: { district: string } }>;
    };
    answers.entries[point]!.place.district = 'WF99';
    await writeFile(answersFile, JSON.stringify(answers));
    const fourth = await run(cold, 1);
    expect(fourth.cached).toEqual({
      [LOCAL_MONTH]: false,
      [FETCHED_MONTH]: true,
      [NEW_MONTH]: true,
    });
    expect(fourth.reads).toEqual([`${LOCAL_MONTH}-west-yorkshire-street.csv: 1`]);
    const atPoint = (await masterRows(cold)).filter((row) => keyOf(pointOf(row)) === point);
    expect(atPoint.length).toBeGreaterThan(0);
    expect(atPoint.map((row) => row['Postcode District'])).toEqual(atPoint.map(() => 'WF99'));
  }, 120_000);
});
