// The data workflow's steps (`npm run refresh-data -- all`, the same code the workflow's
// pipeline, validate and commit steps call) run on a clone of this repository: a new month
// makes exactly one data commit, a run with nothing new makes none, and a refused run leaves
// the published data untouched.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocator, loadGeography, type Locator } from '../../pipeline/geo.ts';
import { formatCsvRow } from '../../pipeline/csv.ts';
import { changeLogSchema } from '../../src/shared/change-log.ts';
import { STREET_COLUMNS } from '../../src/shared/constants.ts';
import { siteDataSchema } from '../../src/shared/schema.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLE = path.join(REPO, 'data', 'sample', 'archive');
/** One pipeline run over the sample months takes a few seconds; four runs, with margin. */
const RUN_TIMEOUT_MS = 120_000;

let work: string;
let clone: string;
let input: string;
let locator: Locator | undefined;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: clone, encoding: 'utf8' }).trim();
}

/** The refresh as the workflow runs it, with generatedAt fixed to `day` (SOURCE_DATE_EPOCH). */
function refresh(day: string): { status: number | null; output: string } {
  const run = spawnSync(
    'npm',
    ['run', '--silent', 'refresh-data', '--', 'all', '--archive-dir', input],
    {
      cwd: clone,
      encoding: 'utf8',
      env: { ...process.env, SOURCE_DATE_EPOCH: String(Date.parse(`${day}T06:17:00Z`) / 1000) },
    },
  );
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
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
  locator ??= createLocator(await loadGeography(path.join(REPO, 'data', 'reference')));
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

async function publishMonth(month: string): Promise<void> {
  mkdirSync(path.join(input, month), { recursive: true });
  writeFileSync(
    path.join(input, month, `${month}-west-yorkshire-street.csv`),
    `${await placedRows(month)}\n`,
  );
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'refresh-'));
  clone = path.join(work, 'repo');
  input = path.join(work, 'police-uk');
  execFileSync('git', ['clone', '--quiet', REPO, clone]);
  symlinkSync(path.join(REPO, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  git('config', 'user.name', 'Data refresh test');
  git('config', 'user.email', 'refresh@example.invalid');
  // Start from a repository that has published no data yet, so the test does not depend on
  // what the committed data holds today.
  git('rm', '--quiet', '--ignore-unmatch', 'src/data/site-data.json', 'src/data/changes.json');
  git('commit', '--quiet', '--allow-empty', '-m', 'Start with no published data');
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm run refresh-data -- all (the data workflow steps)', () => {
  it(
    'publishes new months in one commit, then nothing when nothing is new, and refuses a lost month',
    async () => {
      // April: police.uk has published up to February 2025.
      await publishMonth('2024-03');
      await publishMonth('2025-02');
      const start = commitCount();
      const first = refresh('2025-04-03');
      expect(first.status, first.output).toBe(0);
      expect(commitCount()).toBe(start + 1);
      expect(git('log', '-1', '--format=%s')).toBe('Data to 2025-02: add 2024-03, 2025-02');
      expect(publishedData().months).toEqual(['2024-03', '2025-02']);

      // May: March 2025 appears. Exactly one commit, naming the month added.
      await publishMonth('2025-03');
      const second = refresh('2025-05-03');
      expect(second.status, second.output).toBe(0);
      expect(commitCount()).toBe(start + 2);
      expect(git('log', '-1', '--format=%s')).toBe('Data to 2025-03: add 2025-03');
      expect(git('show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual(
        expect.arrayContaining(['src/data/changes.json', 'src/data/site-data.json']),
      );
      const published = publishedData();
      expect(published.months).toEqual(['2024-03', '2025-02', '2025-03']);
      expect(published.generatedAt).toBe('2025-05-03T06:17:00.000Z');
      const log = changeLogSchema.parse(
        JSON.parse(readFileSync(path.join(clone, 'src/data/changes.json'), 'utf8')),
      );
      expect(log.entries.map((e) => [e.dataTo, e.added.map((a) => a.month)])).toEqual([
        ['2025-03', ['2025-03']],
        ['2025-02', ['2024-03', '2025-02']],
      ]);

      // June: nothing new. No commit, and the working tree is as committed.
      const head = git('rev-parse', 'HEAD');
      const third = refresh('2025-06-03');
      expect(third.status, third.output).toBe(0);
      expect(third.output).toContain('Nothing new since the committed data: no commit.');
      expect(git('rev-parse', 'HEAD')).toBe(head);
      expect(git('status', '--porcelain', '--untracked-files=no')).toBe('');

      // A run that lost February (say, a failed download): refused, nothing committed or changed.
      rmSync(path.join(input, '2025-02'), { recursive: true });
      const before = readFileSync(path.join(clone, 'src/data/site-data.json'), 'utf8');
      const fourth = refresh('2025-07-03');
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
