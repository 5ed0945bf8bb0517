// The data workflow's steps (`npm run refresh-data -- all`, the same code the workflow's
// pipeline, validate and commit steps call) run on a clone of this repository against a
// replay of police.uk and the council's ArcGIS server on 127.0.0.1: a new month makes exactly
// one data commit, a run with nothing new makes none, and a refused run leaves the published
// data untouched.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { booleanClockwise } from '@turf/turf';
import { parse } from 'csv-parse/sync';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as GeoModuleType from '../../pipeline/geo.ts';
import type { Locator } from '../../pipeline/geo.ts';
import { formatCsvRow } from '../../pipeline/csv.ts';
import { changeLogSchema } from '../../src/shared/change-log.ts';
import { STREET_COLUMNS } from '../../src/shared/constants.ts';
import { siteDataSchema } from '../../src/shared/schema.ts';
import { ReplayServer } from '../support/replay-server.ts';
import { buildZip } from '../support/zip-writer.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLE = path.join(REPO, 'data', 'sample', 'archive');
/** One pipeline run over the sample months takes a few seconds; four runs, with margin. */
const RUN_TIMEOUT_MS = 120_000;

let work: string;
let clone: string;
let server: ReplayServer;
let locator: Locator | undefined;
type GeoModule = typeof GeoModuleType;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: clone, encoding: 'utf8' }).trim();
}

/**
 * The refresh as the workflow runs it (`--latest`, the default), with the sources pointed at
 * the replay server and generatedAt fixed to `day` (SOURCE_DATE_EPOCH).
 */
async function refresh(day: string): Promise<{ status: number | null; output: string }> {
  const child = spawn('npm', ['run', '--silent', 'refresh-data', '--', 'all', '--latest'], {
    cwd: clone,
    env: {
      ...process.env,
      SOURCE_DATE_EPOCH: String(Date.parse(`${day}T06:17:00Z`) / 1000),
      POLICE_ARCHIVE_BASE_URL: `${server.url}data/archive/`,
      POLICE_API_BASE_URL: `${server.url}api/`,
      POSTCODES_BASE_URL: `${server.url}postcodes-io/`,
      LEEDS_MAPSERVER_URL: `${server.url}${MAP_SERVER}`,
    },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { status, output };
}

function commitCount(): number {
  return Number(git('rev-list', '--count', 'HEAD'));
}

function publishedData() {
  return siteDataSchema.parse(
    JSON.parse(readFileSync(path.join(clone, 'src/data/site-data.json'), 'utf8')),
  );
}

/**
 * Real sample rows of `month` that the local reference data places completely (ward, LSOA
 * and postcode district). The rest (about 1.5%, on the district's WF and BD edges) need
 * postcodes.io, which an offline run cannot ask; the gate would rightly refuse them.
 */
async function placedRows(month: string): Promise<string> {
  // The clone's own geography code, so the rows chosen are the ones the refresh places.
  const geo = (await import(pathToFileURL(path.join(clone, 'pipeline/geo.ts')).href)) as GeoModule;
  locator ??= geo.createLocator(await geo.loadGeography(path.join(clone, 'data', 'reference')));
  const located: Locator = locator;
  const file = path.join(SAMPLE, month, `${month}-west-yorkshire-street.csv`);
  const rows = parse(readFileSync(file), { columns: true }) as Record<string, string>[];
  const kept = rows.filter((row) => {
    const found = located.locate(Number(row['Longitude']), Number(row['Latitude']));
    return found !== null && found.postcodeDistrict !== '' && found.lsoaCode !== '';
  });
  expect(kept.length).toBeGreaterThan(rows.length * 0.9);
  return [STREET_COLUMNS, ...kept.map((row) => STREET_COLUMNS.map((c) => row[c] ?? ''))]
    .map((values) => formatCsvRow(values))
    .join('');
}

const MAP_SERVER = 'arcgis/rest/services/Public/Boundary/MapServer/7';

/** police.uk publishes `<newest>.zip` holding `months`; latest.zip redirects to it. */
async function publishArchive(newest: string, months: readonly string[]): Promise<void> {
  const entries = [];
  for (const month of months) {
    const name = `${month}/${month}-west-yorkshire-street.csv`;
    entries.push({ name, data: Buffer.from(await placedRows(month)) });
  }
  server.file(`/data/archive/${newest}.zip`, buildZip(entries));
  const redirect = { status: 302, headers: { location: `/data/archive/${newest}.zip` } };
  server.route('HEAD', '/data/archive/latest.zip', [redirect]);
  server.route('GET', '/data/archive/latest.zip', [redirect]);
  server.route('GET', '/api/crimes-street-dates', [{ body: [{ date: newest }] }]);
}

/** The council's polling districts: here one per ward, from the council's 2018 ward shapes. */
function servePollingDistricts(): void {
  const wards = JSON.parse(
    readFileSync(path.join(REPO, 'tests/fixtures/boundaries/lcc-wards-2018.geojson'), 'utf8'),
  ) as { features: { properties: { WARD_NAME: string }; geometry: Polygon | MultiPolygon }[] };
  const features = wards.features.map((ward, i) => ({
    attributes: { POLLING_DI: `PD${i + 1}`, WARD: ward.properties.WARD_NAME },
    geometry: { rings: arcgisRings(ward.geometry) },
  }));
  server.route('GET', `/${MAP_SERVER}/query`, (request) => {
    if (request.query.get('returnCountOnly') === 'true')
      return { body: { count: features.length } };
    const offset = Number(request.query.get('resultOffset') ?? 0);
    const count = Number(request.query.get('resultRecordCount') ?? features.length);
    return {
      body: {
        geometryType: 'esriGeometryPolygon',
        spatialReference: { wkid: 4326, latestWkid: 4326 },
        features: features.slice(offset, offset + count),
        ...(offset + count < features.length ? { exceededTransferLimit: true } : {}),
      },
    };
  });
}

/** GeoJSON rings as ArcGIS writes them: outer rings clockwise, holes counter-clockwise. */
function arcgisRings(geometry: Polygon | MultiPolygon): Position[][] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.flatMap((rings) =>
    rings.map((ring, i) => ((i === 0) === booleanClockwise(ring) ? ring : [...ring].reverse())),
  );
}

beforeAll(async () => {
  server = await ReplayServer.start();
  servePollingDistricts();
  work = mkdtempSync(path.join(tmpdir(), 'refresh-'));
  clone = path.join(work, 'repo');
  execFileSync('git', ['clone', '--quiet', REPO, clone]);
  symlinkSync(path.join(REPO, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  git('config', 'user.name', 'Data refresh test');
  git('config', 'user.email', 'refresh@example.invalid');
  // Start from a repository that has published no data yet, so the test does not depend on
  // what the committed data holds today.
  git('rm', '--quiet', '--ignore-unmatch', 'src/data/site-data.json', 'src/data/changes.json');
  git('commit', '--quiet', '--allow-empty', '-m', 'Start with no published data');
});

afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm run refresh-data -- all (the data workflow steps)', () => {
  it(
    'publishes new months in one commit, then nothing when nothing is new, and refuses a lost month',
    async () => {
      // April: police.uk's newest month is February 2025.
      await publishArchive('2025-02', ['2025-02']);
      const start = commitCount();
      const first = await refresh('2025-04-03');
      expect(first.status, first.output).toBe(0);
      expect(commitCount()).toBe(start + 1);
      expect(git('log', '-1', '--format=%s')).toBe('Data to 2025-02: add 2025-02');
      expect(publishedData().months).toEqual(['2025-02']);

      // May: the March archive appears. Exactly one commit, naming the month added; February
      // comes from the (restored) cache.
      await publishArchive('2025-03', ['2025-02', '2025-03']);
      const second = await refresh('2025-05-03');
      expect(second.status, second.output).toBe(0);
      expect(commitCount()).toBe(start + 2);
      expect(git('log', '-1', '--format=%s')).toBe('Data to 2025-03: add 2025-03');
      expect(git('show', '--name-only', '--format=', 'HEAD').split('\n')).toEqual(
        expect.arrayContaining(['src/data/changes.json', 'src/data/site-data.json']),
      );
      const published = publishedData();
      expect(published.months).toEqual(['2025-02', '2025-03']);
      expect(published.provenance.map((p) => [p.month, p.source, p.snapshot])).toEqual([
        ['2025-02', 'archive', '2025-02.zip'],
        ['2025-03', 'archive', '2025-03.zip'],
      ]);
      expect(published.generatedAt).toBe('2025-05-03T06:17:00.000Z');
      const log = changeLogSchema.parse(
        JSON.parse(readFileSync(path.join(clone, 'src/data/changes.json'), 'utf8')),
      );
      expect(log.entries.map((e) => [e.dataTo, e.added.map((a) => a.month)])).toEqual([
        ['2025-03', ['2025-03']],
        ['2025-02', ['2025-02']],
      ]);

      // June: nothing new. No commit, and the working tree is as committed.
      const head = git('rev-parse', 'HEAD');
      const third = await refresh('2025-06-03');
      expect(third.status, third.output).toBe(0);
      expect(third.output).toContain('Nothing new since the committed data: no commit.');
      expect(git('rev-parse', 'HEAD')).toBe(head);
      expect(git('status', '--porcelain', '--untracked-files=no')).toBe('');

      // July: the cache lost February (say, it was not restored) and only March is fetched:
      // refused, nothing committed, the published data unchanged.
      rmSync(path.join(clone, 'data/refresh/cache/archive/2025-02'), { recursive: true });
      rmSync(path.join(clone, 'data/refresh/cache/sources/manifest/2025-02.json'), { force: true });
      const before = readFileSync(path.join(clone, 'src/data/site-data.json'), 'utf8');
      const fourth = await refresh('2025-07-03');
      expect(fourth.status).not.toBe(0);
      expect(fourth.output).toContain(
        '[missing-month] 2025-02 was published before and is missing now',
      );
      expect(fourth.output).toContain('Validation refused the new data; nothing was committed.');
      expect(git('rev-parse', 'HEAD')).toBe(head);
      expect(readFileSync(path.join(clone, 'src/data/site-data.json'), 'utf8')).toBe(before);
    },
    RUN_TIMEOUT_MS,
  );
});
