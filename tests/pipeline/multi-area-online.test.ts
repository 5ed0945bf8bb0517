// `npm run pipeline -- --area leeds --area sheffield` online: the districts' fetch steps share
// what the run downloads, so each byte range of a police.uk archive and each API request is
// asked for once, where runs for each district alone ask for the files they share (British
// Transport Police's, or all of them for two districts of one force) once each. Each district
// still fills its own cache, and its outputs are byte for byte those of a run for it alone.
// Against a replay of police.uk on 127.0.0.1 serving the committed samples' rows.
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import * as turf from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { forceFileLine, runAreas, type AreasRun, type CliOptions } from '../../pipeline/cli.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import {
  asBtp,
  BTP_ROWS_PER_DISTRICT,
  streetLines,
  writeLeedsTwin,
} from '../support/multi-area.ts';
import { outputFiles } from '../support/output-files.ts';
import { pointOf, sampleRows, sampleStopSearchIn, toApiCrime } from '../support/police-fixtures.ts';
import type { RecordedRequest, ReplayServer } from '../support/replay-server.ts';
import {
  cachePollingDistricts,
  replayPerTest,
  replaySources,
  servePostcodesWithNoAnswer,
} from '../support/replay-sources.ts';
import { buildZip } from '../support/zip-writer.ts';

const FAST_HTTP = { minBackoffMs: 1, maxBackoffMs: 5, retries: 2, timeoutMs: 5000 };
const GENERATED_AT = '2026-12-01T00:00:00.000Z';
/** The newest archive: it holds the month both samples have. */
const ARCHIVE_MONTH = '2024-03';
/** A month only the API serves (the 2025-03 sample's rows as crimes-street answers). */
const API_MONTH = '2024-04';
const CRIMES = sampleRows('2025-03').map((row, i) => toApiCrime(row, 80_000_000 + i));
const RUN_TIMEOUT_MS = 240_000;

let server: ReplayServer;
let dir: string;

replayPerTest('multi-area-online-', async (s, d) => {
  server = s;
  dir = d;
  await mkdir(path.join(dir, 'fetched-only'));
  const month = ARCHIVE_MONTH;
  const leeds = streetLines(`data/sample/archive/${month}/${month}-west-yorkshire-street.csv`);
  const sheffield = streetLines(
    `data/areas/sheffield/sample/archive/${month}/${month}-south-yorkshire-street.csv`,
  );
  const btp = [
    ...leeds.rows.slice(0, BTP_ROWS_PER_DISTRICT),
    ...sheffield.rows.filter((row) => row.includes(',Sheffield ')).slice(0, BTP_ROWS_PER_DISTRICT),
  ].map(asBtp);
  const file = (force: string, lines: string[]) => ({
    name: `${month}/${month}-${force}-street.csv`,
    data: Buffer.from(`${lines.join('\n')}\n`),
  });
  const zip = await buildZip([
    file('west-yorkshire', [leeds.header, ...leeds.rows]),
    file('south-yorkshire', [sheffield.header, ...sheffield.rows]),
    file('btp', [leeds.header, ...btp]),
    {
      name: `${month}/${month}-btp-stop-and-search.csv`,
      data: Buffer.from(sampleStopSearchIn(month)),
    },
  ]);
  server.file(`/data/archive/${month}.zip`, zip);
  const redirect = { status: 302, headers: { location: `/data/archive/${month}.zip` } };
  server.route('HEAD', '/data/archive/latest.zip', () => redirect);
  server.route('GET', '/api/crimes-street-dates', () => ({
    body: [{ date: API_MONTH }, { date: ARCHIVE_MONTH }],
  }));
  const crimesStreet = (request: RecordedRequest) => {
    const params = request.method === 'POST' ? new URLSearchParams(request.body) : request.query;
    const date = params.get('date') ?? '';
    if (date !== API_MONTH) return { status: 404, body: '' };
    const ring = (params.get('poly') ?? '').split(':').map((pair) => {
      const [lat, lng] = pair.split(',').map(Number) as [number, number];
      return [lng, lat];
    });
    const polygon = turf.polygon([[...ring, ring[0] as number[]]]);
    const inside = CRIMES.filter((c) => turf.booleanPointInPolygon(pointOf(c), polygon));
    if (inside.length > 3000) return { status: 503, body: '' };
    return { body: inside.map((crime) => ({ ...crime, month: date })) };
  };
  server.route('GET', '/api/crimes-street/all-crime', crimesStreet);
  server.route('POST', '/api/crimes-street/all-crime', crimesStreet);
  servePostcodesWithNoAnswer(server);
});

function options(extra: Partial<CliOptions>, fetch: CliOptions['fetch']): CliOptions {
  return {
    help: false,
    list: false,
    offline: false,
    // No local input: every month comes from the replayed police.uk.
    archiveDir: path.join(dir, 'fetched-only'),
    fetch: { ...fetch, overrides: replaySources(server), http: FAST_HTTP },
    ...extra,
  };
}

/** Runs the pipeline online; `districts` are the folders whose polling districts are cached. */
async function run(
  opts: CliOptions,
  districts: readonly string[],
  root?: string,
  result?: (line: string) => void,
) {
  for (const out of districts) await cachePollingDistricts(out);
  return runAreas(opts, {
    result,
    reporter: createMemoryReporter(),
    threads: 1,
    generatedAt: GENERATED_AT,
    root,
  });
}

/**
 * Every output file under `out`, the cache and the run summary aside, by relative path; when
 * each month was fetched (the site data's provenance) is the one thing two runs cannot share.
 */
async function outputs(out: string): Promise<Record<string, string>> {
  return outputFiles(out, (bytes) =>
    bytes.toString('latin1').replaceAll(/"fetchedAt":"[^"]*"/g, '"fetchedAt":"<when fetched>"'),
  );
}

/** The police.uk requests (archives and API) since request `from`, one line each. */
function policeRequests(from: number): string[] {
  return server.requests
    .slice(from)
    .filter((r) => r.path.startsWith('/data/archive/') || r.path.startsWith('/api/'))
    .map((r) => `${r.method} ${r.url} ${r.headers.range ?? ''} ${r.body}`.trimEnd());
}

function repeated(requests: readonly string[]): string[] {
  return [...new Set(requests.filter((r, i) => requests.indexOf(r) !== i))];
}

/**
 * Runs for `areas` together and for each alone (fetching `fetch`) against the replay server:
 * the requests each made, and where each district's outputs are.
 */
async function togetherAndAlone(
  areas: readonly string[],
  fetch: CliOptions['fetch'],
  root?: string,
) {
  const together = path.join(dir, 'together');
  const start = server.requests.length;
  const lines: string[] = [];
  const result = await run(
    options({ areas, out: together }, fetch),
    areas.filter((a) => a.startsWith('leeds')).map((a) => path.join(together, a)),
    root,
    (line) => lines.push(line),
  );
  const togetherRequests = policeRequests(start);
  const aloneRequests: string[] = [];
  for (const area of areas) {
    const out = path.join(dir, 'alone', area);
    const from = server.requests.length;
    await run(options({ area, out }, fetch), area.startsWith('leeds') ? [out] : [], root);
    aloneRequests.push(...policeRequests(from));
  }
  return { run: result, together, togetherRequests, aloneRequests, lastLine: lines.at(-1) };
}

async function expectSameOutputs(areas: readonly string[], together: string) {
  for (const area of areas) {
    const files = await outputs(path.join(together, area));
    const single = await outputs(path.join(dir, 'alone', area));
    expect(Object.keys(files).length, area).toBeGreaterThanOrEqual(7);
    expect(Object.keys(files).sort(), area).toEqual(Object.keys(single).sort());
    expect(Object.keys(files).filter((file) => files[file] !== single[file])).toEqual([]);
  }
}

/** Each district's cache holds its month's files (its own copy of a shared one), as alone. */
async function expectOwnCaches(result: AreasRun, files: Record<string, readonly string[]>) {
  for (const { area, paths } of result.areas) {
    const cached = await readdir(path.join(paths.sources.archiveDir, ARCHIVE_MONTH));
    expect(cached.sort(), area).toEqual([...files[area]!].sort());
    for (const name of cached) {
      const own = await readFile(path.join(paths.sources.archiveDir, ARCHIVE_MONTH, name));
      const alone = await readFile(
        path.join(dir, 'alone', area, 'cache', 'archive', ARCHIVE_MONTH, name),
      );
      expect(own.equals(alone), `${area}: ${name}`).toBe(true);
    }
  }
}

describe('runAreas online for Leeds and Sheffield (their BTP files shared)', () => {
  it(
    "asks police.uk for each byte range once, fills each district's cache, and writes each district's outputs as a run for it alone",
    async () => {
      const areas = ['leeds', 'sheffield'];
      const {
        run: result,
        together,
        togetherRequests,
        aloneRequests,
        lastLine,
      } = await togetherAndAlone(areas, { selection: { month: ARCHIVE_MONTH } });
      expect(repeated(togetherRequests)).toEqual([]);
      // Runs alone ask for the shared files (and the archive's directory) twice.
      expect(repeated(aloneRequests).length).toBeGreaterThan(0);
      expect(togetherRequests.length).toBeLessThan(aloneRequests.length);

      await expectSameOutputs(areas, together);
      const btp = [`${ARCHIVE_MONTH}-btp-stop-and-search.csv`, `${ARCHIVE_MONTH}-btp-street.csv`];
      await expectOwnCaches(result, {
        leeds: [`${ARCHIVE_MONTH}-west-yorkshire-street.csv`, ...btp],
        sheffield: [`${ARCHIVE_MONTH}-south-yorkshire-street.csv`, ...btp],
      });
      const entry = (force: string, kind: string) =>
        `${ARCHIVE_MONTH}.zip:${ARCHIVE_MONTH}/${ARCHIVE_MONTH}-${force}-${kind}.csv`;
      const downloaded = [
        entry('btp', 'stop-and-search'),
        entry('btp', 'street'),
        entry('south-yorkshire', 'street'),
        entry('west-yorkshire', 'street'),
      ].map((file) => ({ file, downloads: 1 }));
      expect(result.downloads).toEqual(downloaded);
      const summary = JSON.parse(
        await readFile(path.join(together, 'sheffield', 'run-summary.json'), 'utf8'),
      ) as { forceFileDownloads: unknown };
      expect(summary.forceFileDownloads).toEqual(downloaded);
      // The districts' caches hold one download by hard links, read once for both; Leeds's
      // postcodes step reads the street files of its months not cached yet (all of them in
      // this first run) once more, to find the points to ask postcodes.io about: the
      // closing line says so.
      expect(lastLine).toBe(
        '\nforce files: 4 read for leeds, sheffield, 2 more than once ' +
          `(${ARCHIVE_MONTH}-btp-street.csv: 2, ` +
          `${ARCHIVE_MONTH}-west-yorkshire-street.csv: 2); 4 downloaded, each once`,
      );
    },
    RUN_TIMEOUT_MS,
  );
});

describe('runAreas online for two districts of one force (and one outline)', () => {
  it(
    'asks police.uk for each byte range and each API request once, reads each street file once for both in the postcodes step, and writes both outputs as runs alone',
    async () => {
      const root = path.join(dir, 'repository');
      await writeLeedsTwin(root);
      const areas = ['leeds', 'leeds-twin'];
      const {
        run: result,
        together,
        togetherRequests,
        aloneRequests,
        lastLine,
      } = await togetherAndAlone(
        areas,
        { selection: { from: ARCHIVE_MONTH, to: API_MONTH } },
        root,
      );
      // Both districts have a postcode list: their postcodes step reads the street files of
      // the months not cached once for both, the months step once more.
      expect(lastLine).toBe(
        '\nforce files: 3 read for leeds, leeds-twin, 2 more than once ' +
          `(${ARCHIVE_MONTH}-btp-street.csv: 2, ` +
          `${ARCHIVE_MONTH}-west-yorkshire-street.csv: 2); 3 downloaded, each once`,
      );
      const api = togetherRequests.filter((r) => r.includes('/api/crimes-street/'));
      expect(api.length).toBeGreaterThan(0);
      expect(repeated(togetherRequests)).toEqual([]);
      // Alone, the second district asks every question again.
      expect(new Set(aloneRequests)).toEqual(new Set(togetherRequests));
      expect(aloneRequests.length).toBeGreaterThan(togetherRequests.length);

      await expectSameOutputs(areas, together);
      const files = [
        `${ARCHIVE_MONTH}-west-yorkshire-street.csv`,
        `${ARCHIVE_MONTH}-btp-street.csv`,
      ];
      await expectOwnCaches(result, {
        leeds: [...files, `${ARCHIVE_MONTH}-btp-stop-and-search.csv`],
        'leeds-twin': [...files, `${ARCHIVE_MONTH}-btp-stop-and-search.csv`],
      });
      for (const { area, paths } of result.areas) {
        const cached = await readFile(path.join(paths.sources.apiDir, `${API_MONTH}.json`));
        const alone = await readFile(
          path.join(dir, 'alone', area, 'cache', 'api', `${API_MONTH}.json`),
        );
        expect(cached.equals(alone), area).toBe(true);
      }
    },
    RUN_TIMEOUT_MS,
  );
});

describe('forceFileLine(reads, downloads, districts)', () => {
  it('counts two copies of one police.uk file (one in each cache) as one file read twice', () => {
    const line = forceFileLine(
      [
        { file: '/out/leeds/cache/archive/2024-03/2024-03-btp-street.csv', reads: 1 },
        { file: '/out/leeds/cache/archive/2024-03/2024-03-west-yorkshire-street.csv', reads: 1 },
        { file: '/out/sheffield/cache/archive/2024-03/2024-03-btp-street.csv', reads: 1 },
      ],
      [{ file: '2024-03.zip:2024-03/2024-03-btp-street.csv', downloads: 1 }],
      ['leeds', 'sheffield'],
    );
    expect(line).toBe(
      '\nforce files: 2 read for leeds, sheffield, 1 more than once ' +
        '(2024-03-btp-street.csv: 2 (2 copies)); 1 downloaded, each once',
    );
  });

  it('says each once when every file was read and downloaded once', () => {
    expect(
      forceFileLine(
        [{ file: '/archive/2024-03/2024-03-btp-street.csv', reads: 1 }],
        [],
        ['leeds', 'sheffield'],
      ),
    ).toBe('\nforce files: 1 read for leeds, sheffield, each once');
  });
});
