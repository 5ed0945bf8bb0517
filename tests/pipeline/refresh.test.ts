// The data workflow's steps (`npm run refresh-data -- all`, the same code the workflow's
// pipeline, validate and commit steps call) run on a clone of this repository against a
// replay of police.uk, postcodes.io and the council's ArcGIS server on 127.0.0.1. The clone
// keeps the site data committed here (built from the sample months), as a first live run finds
// it: a cold cache republishes those months and adds what is new in exactly one data commit;
// a run with nothing new makes none; a warm-cache run reads only the new month; a manual
// --latest run on a cold cache is refused and leaves the published data untouched, and so is
// a run whose newest archive lacks the street file of the month before its newest.
import { createHash } from 'node:crypto';
import { downloadsManifestSchema, yearlyFileName } from '../../src/shared/open-data.ts';
import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { booleanClockwise, distance } from '@turf/turf';
import { parse } from 'csv-parse/sync';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCsvRow } from '../../pipeline/csv.ts';
import { addMonths, monthRange } from '../../src/shared/months.ts';
import { changeLogSchema } from '../../src/shared/change-log.ts';
import { STREET_COLUMNS } from '../../src/shared/constants.ts';
import { siteDataSchema, type SiteData } from '../../src/shared/schema.ts';
import { ReplayServer, type RecordedRequest } from '../support/replay-server.ts';
import { committedSiteData } from '../support/site-data.ts';
import { buildZip } from '../support/zip-writer.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLE = path.join(REPO, 'data', 'sample', 'archive');
const SAMPLE_FIRST_MONTH = '2024-03';
const MAP_SERVER = 'arcgis/rest/services/Public/Boundary/MapServer/7';
/** Four refreshes of up to 14 whole months (about 25 s each on a busy 2-core machine), with margin. */
const RUN_TIMEOUT_MS = 300_000;
/**
 * Months the sample lacks (between its months, and the new ones) are stood in for by the real
 * rows of the newest sample month, relabelled (month and Crime IDs): a whole month, so the
 * gate finds each new month within its season.
 */

let work: string;
let clone: string;
let server: ReplayServer;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: clone, encoding: 'utf8' }).trim();
}

/**
 * The refresh as the workflow runs it (by default, with no month arguments), with the sources
 * pointed at the replay server and generatedAt fixed to `day` (SOURCE_DATE_EPOCH).
 */
async function refresh(
  day: string,
  monthArgs: string[] = [],
): Promise<{ status: number | null; output: string }> {
  const args = ['run', '--silent', 'refresh-data', '--', 'all', ...monthArgs];
  const child = spawn('npm', args, {
    cwd: clone,
    env: {
      ...process.env,
      SOURCE_DATE_EPOCH: String(Date.parse(`${day}T06:17:00Z`) / 1000),
      // The replayed archives start at the sample's first month
      // (tests/pipeline/sources/backfill.test.ts covers the backfill from older archives).
      REFRESH_FIRST_MONTH: SAMPLE_FIRST_MONTH,
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

function publishedData(): SiteData {
  return siteDataSchema.parse(
    JSON.parse(readFileSync(path.join(clone, 'src/data/site-data.json'), 'utf8')),
  );
}

function sampleFile(month: string): string {
  return path.join(SAMPLE, month, `${month}-west-yorkshire-street.csv`);
}

/** A month's West Yorkshire street file: the sample's own bytes, or a relabelled stand-in. */
function streetFile(month: string, standInFrom: string): Buffer {
  if (existsSync(sampleFile(month))) return readFileSync(sampleFile(month));
  const rows = parse(readFileSync(sampleFile(standInFrom)), { columns: true }) as Record<
    string,
    string
  >[];
  // A stand-in's crimes are its own: new Crime IDs (a repeated ID is dropped across months).
  const relabel = (column: string, value: string) =>
    column === 'Month'
      ? month
      : column === 'Crime ID' && value !== ''
        ? createHash('sha256').update(`${month}:${value}`).digest('hex')
        : value;
  const lines = rows.map((row) => STREET_COLUMNS.map((c) => relabel(c, row[c] ?? '')));
  return Buffer.from([STREET_COLUMNS, ...lines].map((values) => formatCsvRow(values)).join(''));
}

/**
 * police.uk publishes `<newest>.zip` holding every month from `first` to `newest` (a real
 * archive holds 36; these hold what the test needs), but the West Yorkshire street file of the
 * months `withoutStreetFile`, and latest.zip redirects to it.
 */
async function publishArchive(
  first: string,
  newest: string,
  standInFrom: string,
  withoutStreetFile: readonly string[] = [],
): Promise<Buffer> {
  const zip = await buildZip(
    monthRange(first, newest)
      .filter((month) => !withoutStreetFile.includes(month))
      .map((month) => ({
        name: `${month}/${month}-west-yorkshire-street.csv`,
        data: streetFile(month, standInFrom),
      })),
  );
  server.file(`/data/archive/${newest}.zip`, zip);
  const redirect = { status: 302, headers: { location: `/data/archive/${newest}.zip` } };
  server.route('HEAD', '/data/archive/latest.zip', [redirect]);
  server.route('GET', '/data/archive/latest.zip', [redirect]);
  server.route('GET', '/api/crimes-street-dates', () => ({ body: [{ date: newest }] }));
  return zip;
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

/**
 * postcodes.io's bulk reverse geocoding, answered from the LS postcodes in data/reference
 * (the nearest within the radius asked, or none): the WF and BD edges of Leeds get no answer.
 */
function servePostcodes(): void {
  const postcodes = (
    parse(readFileSync(path.join(REPO, 'data/reference/postcodes-ls.csv')), {
      columns: true,
    }) as Record<string, string>[]
  )
    .map((row) => ({
      postcode: row['postcode_clean'] ?? '',
      at: [Number(row['long']), Number(row['lat'])],
    }))
    .filter((p) => Math.abs(p.at[1] ?? 99) <= 90);
  server.route('POST', '/postcodes-io/postcodes', (request: RecordedRequest) => {
    const { geolocations } = JSON.parse(request.body) as {
      geolocations: { longitude: number; latitude: number; radius: number }[];
    };
    const result = geolocations.map((query) => {
      let best: { postcode: string; distance: number } | undefined;
      for (const p of postcodes) {
        const metres = distance([query.longitude, query.latitude], p.at, { units: 'meters' });
        if (metres <= query.radius && (!best || metres < best.distance))
          best = { postcode: p.postcode, distance: metres };
      }
      const answer = best && { ...best, outcode: best.postcode.split(' ')[0] };
      return { query, result: answer ? [answer] : null };
    });
    return { body: { status: 200, result } };
  });
}

function archiveBytesSent(name: string): number {
  return server.bytesSent(`/data/archive/${name}`);
}

beforeAll(async () => {
  server = await ReplayServer.start();
  servePollingDistricts();
  servePostcodes();
  work = mkdtempSync(path.join(tmpdir(), 'refresh-'));
  clone = path.join(work, 'repo');
  execFileSync('git', ['clone', '--quiet', REPO, clone]);
  symlinkSync(path.join(REPO, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  git('config', 'user.name', 'Data refresh test');
  git('config', 'user.email', 'refresh@example.invalid');
  // The code and data under test are the working tree's, committed in the clone as one commit.
  const files = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { cwd: REPO, encoding: 'utf8' },
  ).split('\0');
  for (const file of files.filter(Boolean)) {
    const from = path.join(REPO, file);
    const to = path.join(clone, file);
    if (!existsSync(from)) {
      rmSync(to, { force: true });
      continue;
    }
    if (!lstatSync(from).isFile()) continue; // e.g. a node_modules link
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(from, to);
  }
  git('add', '--all');
  git('commit', '--quiet', '--allow-empty', '-m', 'The working tree under test');
});

afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm run refresh-data -- all (the data workflow steps)', () => {
  it(
    'republishes the published months from a cold cache in one commit, then commits only what is new',
    async () => {
      const before = publishedData();
      const [first, last] = [before.months[0] as string, before.months.at(-1) as string];
      for (const month of before.months) {
        expect(existsSync(sampleFile(month)), `published month ${month} is a sample month`).toBe(
          true,
        );
      }
      const april = addMonths(last, 1);
      const may = addMonths(last, 2);

      // First live run, cold cache: police.uk's newest archive is one month past the published
      // data. Every month from the first published one is fetched; one commit publishes them.
      await publishArchive(first, april, last);
      const start = commitCount();
      const run1 = await refresh('2025-05-03');
      expect(run1.status, run1.output).toBe(0);
      expect(commitCount()).toBe(start + 1);
      expect(git('show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual(
        expect.arrayContaining(['src/data/changes.json', 'src/data/site-data.json']),
      );
      const afterFirst = publishedData();
      expect(afterFirst.months).toEqual(monthRange(first, april));
      // The published months are the same police.uk rows as before, now from the live archive.
      for (const month of before.months) {
        const was = before.provenance.find((p) => p.month === month);
        const now = afterFirst.provenance.find((p) => p.month === month);
        expect(now?.rows, month).toBe(was?.rows);
        expect(now?.snapshot, month).toBe(`${april}.zip`);
      }
      const added = monthRange(first, april).filter((m) => !before.months.includes(m));
      expect(added).toContain(april);
      const log = changeLogSchema.parse(
        JSON.parse(readFileSync(path.join(clone, 'src/data/changes.json'), 'utf8')),
      );
      expect(log.entries[0]?.added.map((a) => a.month)).toEqual(added);
      expect(git('log', '-1', '--format=%s')).toMatch(new RegExp(`^Data to ${april}: add `));

      // A month later, nothing new: no commit, nothing read from the archive, a clean tree.
      const head = git('rev-parse', 'HEAD');
      const aprilBytes = archiveBytesSent(`${april}.zip`);
      const run2 = await refresh('2025-06-03');
      expect(run2.status, run2.output).toBe(0);
      expect(run2.output).toContain('Nothing new since the committed data: no commit.');
      expect(git('rev-parse', 'HEAD')).toBe(head);
      expect(git('status', '--porcelain', '--untracked-files=no')).toBe('');
      expect(archiveBytesSent(`${april}.zip`)).toBe(aprilBytes);

      // The next archive adds May and repeats every earlier month unchanged: the warm cache
      // reads only May's entry (and the archive's directory), and one commit adds May.
      const mayZip = await publishArchive(first, may, last);
      const run3 = await refresh('2025-07-03');
      expect(run3.status, run3.output).toBe(0);
      expect(commitCount()).toBe(start + 2);
      expect(git('log', '-1', '--format=%s')).toBe(`Data to ${may}: add ${may}`);
      expect(publishedData().months).toEqual(monthRange(first, may));
      // The yearly record files and their manifest are published by the same commit.
      const downloads = downloadsManifestSchema.parse(
        JSON.parse(readFileSync(path.join(clone, 'src/data/downloads.json'), 'utf8')),
      );
      expect(downloads.files.flatMap((f) => f.months)).toEqual(monthRange(first, may));
      expect(git('show', '--name-only', '--format=', 'HEAD')).toContain(
        `public/downloads/${yearlyFileName(Number(may.slice(0, 4)))}`,
      );
      expect(archiveBytesSent(`${may}.zip`)).toBeLessThan(mayZip.length / 4);

      // A manual --latest run on a runner that lost its cache fetches May alone: refused,
      // nothing committed, the published data unchanged.
      rmSync(path.join(clone, 'data/refresh/cache'), { recursive: true, force: true });
      const published = readFileSync(path.join(clone, 'src/data/site-data.json'), 'utf8');
      const mayHead = git('rev-parse', 'HEAD');
      const run4 = await refresh('2025-07-04', ['--latest']);
      expect(run4.status).not.toBe(0);
      expect(run4.output).toContain(
        `[missing-month] ${first} was published before and is missing now`,
      );
      expect(run4.output).toContain('Validation refused the new data; nothing was committed.');
      expect(git('rev-parse', 'HEAD')).toBe(mayHead);
      expect(readFileSync(path.join(clone, 'src/data/site-data.json'), 'utf8')).toBe(published);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'refuses a newer month while the month before it, after the published ones, lacks its street file',
    async () => {
      const before = publishedData();
      const [first, last] = [before.months[0] as string, before.months.at(-1) as string];
      const missing = addMonths(last, 1);
      const newest = addMonths(last, 2);
      // police.uk's newest archive holds the newest month, but not the month before it.
      // The months stood in for as the first test's archives did: by the committed data's newest.
      const standIn = committedSiteData().months.at(-1) as string;
      await publishArchive(first, newest, standIn, [missing]);
      const head = git('rev-parse', 'HEAD');
      const published = readFileSync(path.join(clone, 'src/data/site-data.json'), 'utf8');
      const run = await refresh('2025-09-03');
      expect(run.status, run.output).not.toBe(0);
      expect(run.output).toContain(`${missing} is a gap`);
      expect(run.output).toContain(
        `[missing-month] ${missing} has no data, though the new data goes on to ${newest}`,
      );
      expect(run.output).toContain('Validation refused the new data; nothing was committed.');
      expect(git('rev-parse', 'HEAD')).toBe(head);
      expect(readFileSync(path.join(clone, 'src/data/site-data.json'), 'utf8')).toBe(published);
    },
    RUN_TIMEOUT_MS,
  );
});
