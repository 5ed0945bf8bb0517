// A month's street file read twice (a doubled file: police.uk's, or a download gone wrong), in
// a run for two districts of one force (Leeds, and a twin of it that reads the same West
// Yorkshire files): its crimes are dropped as repeats of their Crime IDs, while its
// anti-social behaviour rows, which have none, are counted twice and the month grows inside
// its season. Each district's run summary records the repeats by file, and the gate
// (validate-data's runGate) refuses the month in each district, as a new month and as an
// archive month replacing the API month published before, an approval given or not.
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAreas, type AreasRun } from '../../pipeline/cli.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import { runGate } from '../../pipeline/validate-cli.ts';
import { siteDataSchema } from '../../src/shared/schema.ts';
import { writeLeedsTwin } from '../support/multi-area.ts';
import { committedSiteData, copy, monthIndex, withoutMonth } from '../support/site-data.ts';

const SAMPLE = path.resolve('data/sample/archive');
const MONTH = '2025-03';
const STREET = `${MONTH}/${MONTH}-west-yorkshire-street.csv`;
const AREAS = ['leeds', 'leeds-twin'] as const;

/** The committed month's rows with a Crime ID (anti-social behaviour's have none). */
const withId = (
  parse(readFileSync(path.join(SAMPLE, STREET)), { columns: true }) as Record<string, string>[]
).filter((row) => row['Crime ID'] !== '').length;

let dir: string;
let root: string;
let doubledFile: string;
let run: AreasRun;
/** The published data the gate compares with: before March 2025, and with March from the API. */
let beforeMarch: string;
let marchFromApi: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'repeated-rows-'));
  const archive = path.join(dir, 'archive');
  await cp(SAMPLE, archive, { recursive: true });
  // The committed file, its rows (not its header) written out a second time.
  doubledFile = path.join(archive, STREET);
  const text = await readFile(path.join(SAMPLE, STREET), 'utf8');
  const rows = text.slice(text.indexOf('\n') + 1);
  await writeFile(doubledFile, text + rows);

  root = path.join(dir, 'repository');
  await writeLeedsTwin(root);
  run = await runAreas(
    {
      help: false,
      list: false,
      offline: true,
      archiveDir: archive,
      areas: [...AREAS],
      out: path.join(dir, 'out'),
    },
    { reporter: createMemoryReporter(), threads: 2, root },
  );

  const published = committedSiteData();
  beforeMarch = path.join(dir, 'before-march.json');
  await writeFile(beforeMarch, JSON.stringify(withoutMonth(published, MONTH)));
  const fromApi = copy(published);
  const p = fromApi.provenance[monthIndex(fromApi, MONTH)]!;
  p.source = 'api';
  p.snapshot = `api:${MONTH}`;
  marchFromApi = path.join(dir, 'march-from-api.json');
  await writeFile(marchFromApi, JSON.stringify(fromApi));
}, 180_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function outputs(area: string) {
  const paths = run.areas.find((a) => a.area === area)!.paths;
  return { candidate: paths.siteData, runSummary: paths.runSummary };
}

describe('a run for two districts of one force with a street file read twice', () => {
  it.each(AREAS)(
    "%s: counts the month's anti-social behaviour twice, and its run summary the repeats by file",
    async (area) => {
      const { candidate, runSummary } = outputs(area);
      const data = siteDataSchema.parse(JSON.parse(await readFile(candidate, 'utf8')));
      const published = committedSiteData();
      const antisocial = (d: typeof data) => {
        const m = monthIndex(d, MONTH);
        const t = d.crimeTypes.indexOf('Anti-social behaviour');
        return d.counts.reduce((sum, byMonth) => sum + (byMonth[m]?.[t] ?? 0), 0);
      };
      expect(antisocial(data)).toBe(2 * antisocial(published));
      const rowsOf = (d: typeof data) => d.provenance[monthIndex(d, MONTH)]!.rows;
      expect(rowsOf(data)).toBe(rowsOf(published) + antisocial(published));

      const summary = JSON.parse(await readFile(runSummary, 'utf8')) as {
        months: { month: string; crimeIdsByFile: unknown }[];
      };
      expect(summary.months.map((m) => [m.month, m.crimeIdsByFile])).toEqual(
        ['2024-03', '2025-02', MONTH].map((month) => [
          month,
          [
            {
              file: path.join(
                path.dirname(path.dirname(doubledFile)),
                month,
                `${month}-west-yorkshire-street.csv`,
              ),
              rows: month === MONTH ? 2 * withId : expect.any(Number),
              repeated: month === MONTH ? withId : 0,
            },
          ],
        ]),
      );
    },
  );

  it.each(AREAS)(
    '%s: the gate refuses the new month, naming it, the file and the repeats',
    async (area) => {
      const report = await runGate(
        { area, ...outputs(area), previous: { file: beforeMarch } },
        root,
      );
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([
        {
          check: 'repeated-rows',
          message: expect.stringContaining(
            `${MONTH}: ${withId} of ${2 * withId} rows with a Crime ID repeat a Crime ID read ` +
              `before in the month (50.0%, threshold 1.0%), in ${doubledFile} (${withId} of its ` +
              `${2 * withId}, 50.0%)`,
          ),
        },
      ]);
      expect(report.problems[0]?.message).toContain(
        'anti-social behaviour rows, which have no Crime ID to find them by, would be counted twice',
      );
    },
  );

  it.each(AREAS)(
    '%s: the gate refuses it replacing the API month published before, with an approval of the month given',
    async (area) => {
      const report = await runGate(
        {
          area,
          ...outputs(area),
          previous: { file: marchFromApi },
          approve: `${MONTH}: the archive month is police.uk's revision of the API month`,
        },
        root,
      );
      // The month grew beyond a routine revision: that finding the approval lets through.
      expect(report.approved.map((a) => a.month)).toEqual([MONTH]);
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([
        {
          check: 'repeated-rows',
          message: expect.stringMatching(new RegExp(`^${MONTH}: ${withId} of ${2 * withId} rows`)),
        },
      ]);
    },
  );
});
