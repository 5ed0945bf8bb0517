import { cp, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchiveInputs, type ArchiveEntry } from '../../pipeline/archive.ts';
import { formatCsvRow } from '../../pipeline/csv.ts';
import { outcomesFileName } from '../../pipeline/month-outcomes.ts';
import {
  outcomeIndexKey,
  saveOutcomeIndex,
  startOutcomeIndex,
  type OutcomeIndexStart,
} from '../../pipeline/outcome-index-cache.ts';
import { OutcomeIndex } from '../../pipeline/outcome-index.ts';
import { readOutcomesOnce, type OutcomeReadStats } from '../../pipeline/outcomes.ts';
import { OUTCOME_COLUMNS } from '../../src/shared/constants.ts';
import { sampleRows } from '../support/police-fixtures.ts';

const MONTHS = ['2025-03', '2025-04', '2025-05', '2025-06'] as const;
const OUTCOMES = ['Suspect charged', 'Local resolution', 'Offender fined', 'Unable to prosecute'];
/** Rows west of this are taken to lie outside the district: the saved counts hold them apart. */
const WEST_EDGE = -1.6;
const keep = (lon: number) => lon >= WEST_EDGE;

let tmp: string;
let archive: string;
/** The Crime IDs the files list, to compare indexes by. */
let crimeIds: string[];

/**
 * An outcomes file a month, each giving outcomes to crimes of the sample's March 2025 (a
 * later month revises what an earlier gave), with rows no index takes: a blank Crime ID, a row
 * dated in another month, and a crime given two outcomes in one month (a conflict).
 */
async function writeArchive(dir: string): Promise<void> {
  const crimes = sampleRows('2025-03').filter((row) => row['Crime ID'] !== '');
  crimeIds = crimes.map((row) => row['Crime ID']!);
  for (const [m, month] of MONTHS.entries()) {
    const rows = crimes
      .filter((_, i) => (i + m) % 3 !== 0)
      .map((crime, i) => ({
        crime,
        month: month as string,
        outcome: OUTCOMES[(i + m) % OUTCOMES.length]!,
      }));
    rows.push({ crime: { ...crimes[m]!, 'Crime ID': '' }, month, outcome: 'Suspect charged' });
    rows.push({ crime: crimes[m + 1]!, month: '2024-01', outcome: 'Suspect charged' });
    rows.push({ crime: crimes[m + 2]!, month, outcome: 'Offender sent to prison' });
    rows.push({ crime: crimes[m + 2]!, month, outcome: 'Awaiting court outcome' });
    const lines = rows.map(({ crime, month: dated, outcome }) =>
      OUTCOME_COLUMNS.map((column) =>
        column === 'Month' ? dated : column === 'Outcome type' ? outcome : (crime[column] ?? ''),
      ),
    );
    await mkdir(path.join(dir, month), { recursive: true });
    await writeFile(
      path.join(dir, month, `${month}-west-yorkshire-outcomes.csv`),
      [OUTCOME_COLUMNS, ...lines].map(formatCsvRow).join(''),
    );
  }
}

async function outcomesFiles(dir: string): Promise<ArchiveEntry[]> {
  const inputs = await openArchiveInputs(dir);
  return inputs
    .flatMap((input) => input.entries)
    .filter((entry) => entry.kind === 'outcomes')
    .sort((a, b) => a.month.localeCompare(b.month));
}

/** Read `start.toRead` into the start's index and counts (none: from nothing), as a run does. */
async function readOn(
  start: Omit<OutcomeIndexStart, 'stats'> & { stats?: OutcomeReadStats },
): Promise<{
  index: OutcomeIndex;
  stats: OutcomeReadStats;
}> {
  const [stats] = await readOutcomesOnce([
    { entries: start.toRead, index: start.index, stats: start.stats, keep },
  ]);
  return { index: start.index, stats: stats! };
}

/** Every file read into a new index. */
async function readAll(files: readonly ArchiveEntry[]) {
  return readOn({ index: new OutcomeIndex(), toRead: [...files] });
}

/** The two indexes answer alike for every Crime ID, and the counts (with examples) are equal. */
function expectSame(
  got: { index: OutcomeIndex; stats: OutcomeReadStats },
  want: { index: OutcomeIndex; stats: OutcomeReadStats },
): void {
  expect(got.index.size).toBe(want.index.size);
  for (const id of crimeIds) expect(got.index.get(id)).toEqual(want.index.get(id));
  expect(JSON.parse(JSON.stringify(got.stats))).toEqual(JSON.parse(JSON.stringify(want.stats)));
}

const KEY = outcomeIndexKey('geography');

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'outcome-index-cache-test-'));
  archive = path.join(tmp, 'archive');
  await writeArchive(archive);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('startOutcomeIndex(file, key, files) after saveOutcomeIndex of the first files', () => {
  it('reads only the files after those saved, to the same index and counts as reading every file', async () => {
    const files = await outcomesFiles(archive);
    expect(files.map((f) => f.month)).toEqual([...MONTHS]);
    const file = path.join(tmp, 'first-two.v8');
    const first = await readAll(files.slice(0, 2));
    await saveOutcomeIndex(file, KEY, files.slice(0, 2), first.index, first.stats);
    const start = await startOutcomeIndex(file, KEY, files);
    expect(start.toRead.map((f) => f.month)).toEqual(MONTHS.slice(2));
    const all = await readAll(files);
    // The files hold what the counts must carry over: every kind of row and a conflict.
    expect(all.stats.elsewhere).toBeGreaterThan(0);
    expect(all.stats.unusable.counts['no-crime-id']).toBe(MONTHS.length);
    expect(all.stats.unusable.counts['other-month']).toBe(MONTHS.length);
    expect(all.stats.conflicts.total).toBeGreaterThanOrEqual(MONTHS.length);
    expectSame(await readOn(start), all);
  });

  it('reads nothing when the saved index holds every file, and gives the same index and counts', async () => {
    const files = await outcomesFiles(archive);
    const file = path.join(tmp, 'all.v8');
    const all = await readAll(files);
    await saveOutcomeIndex(file, KEY, files, all.index, all.stats);
    const start = await startOutcomeIndex(file, KEY, files);
    expect(start.toRead).toEqual([]);
    expectSame(await readOn(start), await readAll(files));
  });

  it('reads a file it must see (one a cached month was not made with) when the saved index does not hold it', async () => {
    const files = await outcomesFiles(archive);
    const file = path.join(tmp, 'must-see-unheld.v8');
    const first = await readAll(files.slice(0, 3));
    await saveOutcomeIndex(file, KEY, files.slice(0, 3), first.index, first.stats);
    const start = await startOutcomeIndex(file, KEY, files, new Set([outcomesFileName(files[3]!)]));
    expect(start.toRead).toEqual([files[3]]);
  });

  /**
   * Each way the saved index cannot be added to: the run's files as `change` leaves them (the
   * archive and the saved file as the first three files left them), then the index it starts
   * from must be empty with every file to read, and reading them must give a run's from nothing.
   */
  it.each<
    [
      string,
      (
        files: ArchiveEntry[],
        saved: string,
      ) => Promise<{ files: ArchiveEntry[]; key?: string; mustSee?: Set<string> }>,
    ]
  >([
    [
      'a file it holds has changed',
      async (files) => {
        const changed = files[1]!.where;
        await writeFile(changed, `${await readFile(changed, 'utf8')}\n`);
        return { files: await outcomesFiles(path.dirname(path.dirname(changed))) };
      },
    ],
    ['a file it holds is gone', async (files) => ({ files: files.filter((_, i) => i !== 0) })],
    [
      'a file comes before the last it holds',
      async (files) => ({ files: [files[0]!, files[3]!, files[1]!, files[2]!] }),
    ],
    ['the run has fewer files than it holds', async (files) => ({ files: files.slice(0, 2) })],
    [
      'its files were moved (the same bytes and times elsewhere)',
      async (files) => {
        const from = path.dirname(path.dirname(files[0]!.where));
        const moved = path.join(from, '..', 'moved');
        await cp(from, moved, { recursive: true });
        for (const entry of files) {
          const time = new Date(Number(/mtime:(\d+)/.exec(entry.fingerprint)![1]));
          await utimes(path.join(moved, path.relative(from, entry.where)), time, time);
        }
        const movedFiles = await outcomesFiles(moved);
        expect(movedFiles.map((f) => f.fingerprint)).toEqual(files.map((f) => f.fingerprint));
        return { files: movedFiles };
      },
    ],
    [
      'the code or geography changed (another key)',
      async (files) => ({ files, key: outcomeIndexKey('other geography') }),
    ],
    [
      'it holds a file the run must see',
      async (files) => ({ files, mustSee: new Set([outcomesFileName(files[2]!)]) }),
    ],
    [
      'the saved file is damaged',
      async (files, saved) => {
        const bytes = await readFile(saved);
        bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
        await writeFile(saved, bytes);
        return { files };
      },
    ],
    [
      'the saved file is cut short',
      async (files, saved) => {
        const bytes = await readFile(saved);
        await writeFile(saved, bytes.subarray(0, bytes.length - 1));
        return { files };
      },
    ],
    ['there is no saved file', async (files, saved) => (await rm(saved), { files })],
  ])('starts from nothing when %s', async (name, change) => {
    const dir = path.join(tmp, name.replace(/\W+/g, '-'));
    await cp(archive, path.join(dir, 'archive'), { recursive: true });
    const files = await outcomesFiles(path.join(dir, 'archive'));
    const saved = path.join(dir, 'index.v8');
    const first = await readAll(files.slice(0, 3));
    await saveOutcomeIndex(saved, KEY, files.slice(0, 3), first.index, first.stats);
    const run = await change(files, saved);
    const start = await startOutcomeIndex(saved, run.key ?? KEY, run.files, run.mustSee);
    expect(start.toRead).toEqual(run.files);
    expect(start.index.size).toBe(0);
    expect(start.stats.read).toBe(0);
    expectSame(await readOn(start), await readAll(run.files));
  });
});
