// The first live run, end to end: the refresh's months (REFRESH_FIRST_MONTH=2018-01 to the
// newest month) given to the pipeline CLI online (`npm run pipeline`, not --offline) against
// a replay of police.uk that serves the older 36-month archives the backfill needs. Every
// month is published with exactly the rows served, each month is downloaded once (and none
// again when nothing changed), and a month no archive holds is reported as a gap.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { formatCsvRow } from '../../../pipeline/csv.ts';
import { monthArguments } from '../../../pipeline/refresh-months.ts';
import { archiveMonths } from '../../../pipeline/sources/months.ts';
import { STREET_COLUMNS } from '../../../src/shared/constants.ts';
import { monthRange } from '../../../src/shared/months.ts';
import { siteDataSchema } from '../../../src/shared/schema.ts';
import { sampleRows } from '../../support/police-fixtures.ts';
import type { ReplayServer } from '../../support/replay-server.ts';
import {
  cachePollingDistricts,
  replayPerTest,
  servePostcodesWithNoAnswer,
} from '../../support/replay-sources.ts';
import { buildZip } from '../../support/zip-writer.ts';

const FIRST_MONTH = '2018-01';
const LATEST = '2025-03';
/** The archives the plan reads (each holds the 36 months ending at its name; planArchives). */
const NEEDED = ['2020-12', '2023-12', LATEST];
/** Also served, and never needed: it holds only months a newer archive holds too. */
const NOT_NEEDED = '2019-06';
/** Left out of every archive. */
const GAP = '2022-06';
const ROWS_PER_MONTH = 3;
const RUN_TIMEOUT_MS = 120_000;

/** Real rows of the sample inside Leeds, relabelled per month (small, so 87 months run fast). */
const LEEDS_ROWS = sampleRows('2025-03').filter(
  (row) => row['LSOA name']?.startsWith('Leeds ') && row['Crime ID'] !== '',
);

/** The West Yorkshire street file of `month`: ROWS_PER_MONTH rows with their own Crime IDs. */
function streetFile(month: string): Buffer {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const offset = ((year * 12 + mon) * ROWS_PER_MONTH) % LEEDS_ROWS.length;
  const rows = Array.from(
    { length: ROWS_PER_MONTH },
    (_, i) => LEEDS_ROWS[(offset + i) % LEEDS_ROWS.length] as Record<string, string>,
  );
  const relabel = (row: Record<string, string>, column: string) =>
    column === 'Month'
      ? month
      : column === 'Crime ID'
        ? createHash('sha256').update(`${month}:${row[column]}`).digest('hex')
        : (row[column] ?? '');
  const lines = [STREET_COLUMNS, ...rows.map((row) => STREET_COLUMNS.map((c) => relabel(row, c)))];
  return Buffer.from(lines.map((values) => formatCsvRow(values)).join(''));
}

let server: ReplayServer;
let dir: string;
/** Each served archive's size. */
const sizes = new Map<string, number>();

replayPerTest('backfill-run-', async (s, d) => {
  server = s;
  dir = d;
  for (const archive of [...NEEDED, NOT_NEEDED]) {
    const months = archiveMonths(archive).filter((month) => month !== GAP);
    const zip = await buildZip(
      months.map((month) => ({
        name: `${month}/${month}-west-yorkshire-street.csv`,
        data: streetFile(month),
      })),
    );
    server.file(`/data/archive/${archive}.zip`, zip);
    sizes.set(archive, zip.length);
  }
  const redirect = { status: 302, headers: { location: `/data/archive/${LATEST}.zip` } };
  server.route('HEAD', '/data/archive/latest.zip', [redirect]);
  server.route('GET', '/api/crimes-street-dates', () => ({ body: [{ date: LATEST }] }));
  servePostcodesWithNoAnswer(server);
});

const sources = () => ({
  POLICE_ARCHIVE_BASE_URL: `${server.url}data/archive/`,
  POLICE_API_BASE_URL: `${server.url}api/`,
  POSTCODES_BASE_URL: `${server.url}postcodes-io/`,
});

/** `npm run pipeline` online, as the refresh runs it: outputs and caches in `out`. */
async function pipeline(out: string, months: readonly string[]) {
  const args = ['--out', out, '--archive-dir', path.join(out, 'cache', 'archive'), ...months];
  const child = spawn('npm', ['run', '--silent', 'pipeline', '--', ...args], {
    env: { ...process.env, ...sources(), SOURCE_DATE_EPOCH: '1748736000' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

/** The archive the plan takes `month` from: the first of NEEDED that holds it. */
function planned(month: string): string {
  return NEEDED.find((archive) => archiveMonths(archive).includes(month)) ?? 'none';
}

/** The archives read (GET) since request `from`, by name. */
function archivesRead(from: number): string[] {
  const names = server.requests
    .slice(from)
    .filter((r) => r.method === 'GET' && r.path.startsWith('/data/archive/'))
    .map((r) => path.basename(r.path, '.zip'));
  return [...new Set(names)].sort();
}

describe('the first live run (REFRESH_FIRST_MONTH=2018-01), end to end', () => {
  it(
    'publishes every month from the first month to the newest, each with the rows served, reads each archive once, and reports a month no archive holds as a gap',
    async () => {
      const months = await monthArguments({
        root: '.',
        ref: 'HEAD',
        pipelineArgs: [],
        env: { ...sources(), REFRESH_FIRST_MONTH: FIRST_MONTH },
        log: () => {},
      });
      expect(months).toEqual(['--range', FIRST_MONTH, LATEST]);
      const out = path.join(dir, 'out');
      await mkdir(out);
      await cachePollingDistricts(out);

      const first = await pipeline(out, months);
      expect(first.code, first.stderr).toBe(0);

      const published = monthRange(FIRST_MONTH, LATEST).filter((month) => month !== GAP);
      const siteData = siteDataSchema.parse(
        JSON.parse(await readFile(path.join(out, 'site-data.json'), 'utf8')),
      );
      expect(siteData.months).toEqual(published);
      // The master CSV holds exactly the rows served, month by month.
      const master = parse(await readFile(path.join(out, 'leeds_street_combined.csv')), {
        columns: true,
      }) as Record<string, string>[];
      const perMonth = new Map<string, number>();
      for (const row of master)
        perMonth.set(row['Month'] ?? '', (perMonth.get(row['Month'] ?? '') ?? 0) + 1);
      expect(Object.fromEntries(perMonth)).toEqual(
        Object.fromEntries(published.map((month) => [month, ROWS_PER_MONTH])),
      );
      expect(siteData.quality.kept).toBe(published.length * ROWS_PER_MONTH);

      // The gap is said, in the output and the run summary, never passed over.
      const summary = JSON.parse(await readFile(path.join(out, 'run-summary.json'), 'utf8')) as {
        notes: string[];
      };
      const gapNote = new RegExp(`${GAP} is a gap: police\\.uk's 2023-12\\.zip`);
      expect(summary.notes.some((note) => gapNote.test(note))).toBe(true);
      expect(first.stderr).toMatch(gapNote);
      expect(first.stderr).toMatch(new RegExp(`1 gap\\(s\\): ${GAP}`));

      // Only the archives the plan needs were read; each month was taken once, from the
      // archive the plan chose for it, and no byte range of an archive was asked for twice.
      expect(archivesRead(0)).toEqual(NEEDED);
      for (const month of published) {
        const taken = first.stderr.match(
          new RegExp(`^ +${month}: new, .* from (\\S+)\\.zip`, 'gm'),
        );
        expect(taken, month).toEqual([
          expect.stringMatching(new RegExp(`from ${planned(month)}\\.zip`)),
        ]);
      }
      for (const archive of NEEDED) {
        const ranges = server
          .requestsTo(`/data/archive/${archive}.zip`)
          .filter((r) => r.method === 'GET')
          .map((r) => r.headers.range);
        expect(new Set(ranges).size, archive).toBe(ranges.length);
      }

      // Run again with nothing new: no month is downloaded again. Only the gap's archive is
      // looked into (its directory), in case police.uk has added the month since.
      const before = server.requests.length;
      const again = await pipeline(out, months);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toMatch(
        new RegExp(`nothing new, ${published.length} month\\(s\\) unchanged, 1 gap\\(s\\): ${GAP}`),
      );
      expect(again.stderr).not.toMatch(/^ +\d{4}-\d{2}: (new|revised), /m);
      const reads = server.requests.slice(before).filter((r) => r.method === 'GET');
      // One request: the archive's tail, which holds the directory (and, this small, all of it).
      expect(reads.map((r) => r.path)).toEqual(['/data/archive/2023-12.zip']);
      const againData = JSON.parse(await readFile(path.join(out, 'site-data.json'), 'utf8'));
      expect(againData.months).toEqual(published);
    },
    RUN_TIMEOUT_MS,
  );
});
