// A cached month and the outcomes files: used again while no outcomes file it was made with
// changed or went and no file added since lists one of its crimes; else processed again. Each
// incremental run's outputs are compared, byte for byte, with a run of the same input from
// nothing.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differingOutputs, outputHashes } from '../../bench/output-compare.ts';
import { runPipeline, type CliOptions } from '../../pipeline/cli.ts';
import { formatCsvRow, readCsv } from '../../pipeline/csv.ts';
import {
  addedSince,
  holdsWith,
  listedIdsCollector,
  readMonthOutcomes,
  writeMonthOutcomes,
} from '../../pipeline/month-outcomes.ts';
import type { ArchiveEntry } from '../../pipeline/archive.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import { MASTER_COLUMNS, OUTCOME_COLUMNS, STREET_COLUMNS } from '../../src/shared/constants.ts';

const SLICE = 'tests/fixtures/pipeline/slice/archive';
const STREET = (month: string) => `${month}/${month}-west-yorkshire-street.csv`;
const OUTCOMES = (month: string) => `${month}/${month}-west-yorkshire-outcomes.csv`;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'month-outcomes-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('addedSince(recorded, current)', () => {
  it('gives the files added since, none when the same, and null when one it was made with went', () => {
    expect(addedSince(['a', 'b'], ['b', 'a'])).toEqual([]);
    expect(addedSince(['a'], ['a', 'c', 'b'])).toEqual(['c', 'b']);
    expect(addedSince([], ['a'])).toEqual(['a']);
    expect(addedSince(['a', 'b'], ['a', 'c'])).toBeNull();
    expect(addedSince(['a'], [])).toBeNull();
  });
});

describe('a month record of its outcomes files', () => {
  it('reads back under its key only, whole', async () => {
    const dir = path.join(tmp, 'records');
    await mkdir(dir, { recursive: true });
    const key = 'a'.repeat(64);
    await writeMonthOutcomes(dir, '2025-03', key, ['2025-03/west-yorkshire:x', '2024-03/btp:y']);
    expect(await readMonthOutcomes(dir, '2025-03', key)).toEqual([
      '2024-03/btp:y',
      '2025-03/west-yorkshire:x',
    ]);
    expect(await readMonthOutcomes(dir, '2025-03', 'b'.repeat(64))).toBeNull();
    expect(await readMonthOutcomes(dir, '2025-02', key)).toBeNull();
    await writeMonthOutcomes(dir, '2025-02', key, []);
    expect(await readMonthOutcomes(dir, '2025-02', key)).toEqual([]);
    // Cut short (a run killed while writing it would leave none, but a disk may): not trusted.
    const file = path.join(dir, '2025-03.outcomes');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, -1));
    expect(await readMonthOutcomes(dir, '2025-03', key)).toBeNull();
  });
});

describe('listedIdsCollector(names)', () => {
  const entry = (month: string, fingerprint: string) =>
    ({ month, force: 'west-yorkshire', fingerprint }) as ArchiveEntry;
  it("keeps the 13 hex digits of the named files' police.uk Crime IDs, and notes any other form", () => {
    const added = entry('2025-04', 'size:1,mtime:1');
    const { lists, onCrimeId } = listedIdsCollector(['2025-04/west-yorkshire:size:1,mtime:1']);
    const id = 'e1d4b30df04c1eb4a41740fad3d45ea62f70f9862caba25d1481d63d7e62364a';
    onCrimeId(added, id);
    onCrimeId(entry('2025-03', 'size:2,mtime:2'), 'f'.repeat(64));
    const listed = lists.get('2025-04/west-yorkshire:size:1,mtime:1')!;
    expect([...listed.prefixes]).toEqual([Number.parseInt(id.slice(0, 13), 16)]);
    expect(listed.otherForm).toBe(false);
    onCrimeId(added, 'WY-2025-123');
    expect(listed.otherForm).toBe(true);
    expect(lists.size).toBe(1);
  });

  it('gives no list for a named file none of whose Crime IDs was read: holdsWith then revises the month', async () => {
    const dir = path.join(tmp, 'holds');
    await mkdir(dir, { recursive: true });
    const csv = path.join(dir, '2025-03.csv');
    const row = MASTER_COLUMNS.map((c) => (c === 'Crime ID' ? 'a'.repeat(64) : ''));
    await writeFile(csv, formatCsvRow(MASTER_COLUMNS) + formatCsvRow(row));
    const unread = '2025-04/west-yorkshire:size:1,mtime:1';
    const read = '2025-05/west-yorkshire:size:1,mtime:1';
    const { lists, onCrimeId } = listedIdsCollector([unread, read]);
    onCrimeId(entry('2025-05', 'size:1,mtime:1'), 'b'.repeat(64));
    expect(lists.has(unread)).toBe(false);
    expect(await holdsWith(csv, [read], lists)).toBe(true);
    expect(await holdsWith(csv, [unread], lists)).toBe(false);
    onCrimeId(entry('2025-05', 'size:1,mtime:1'), 'a'.repeat(64));
    expect(await holdsWith(csv, [read], lists)).toBe(false);
  });
});

/** The rows of a CSV file, each row's values by column. */
async function csvRows(
  file: string,
  columns: readonly string[],
): Promise<Record<string, string>[]> {
  const rows: Record<string, string>[] = [];
  for await (const { values } of readCsv(createReadStream(file), file, columns)) {
    rows.push({ ...values } as Record<string, string>);
  }
  return rows;
}

/** The crimes (with a Crime ID) of `month` a run into `out` kept, as its master CSV has them. */
async function keptCrimes(out: string, month: string): Promise<Record<string, string>[]> {
  const rows = await csvRows(path.join(out, 'leeds_street_combined.csv'), MASTER_COLUMNS);
  return rows.filter((r) => r['Month'] === month && r['Crime ID'] !== '');
}

/** An outcomes file for `month` listing `outcomes` for the crimes of those street rows. */
async function writeOutcomes(
  archive: string,
  month: string,
  outcomes: readonly { crime: Record<string, string>; outcome: string; crimeId?: string }[],
): Promise<void> {
  const rows = outcomes.map(({ crime, outcome, crimeId }) =>
    OUTCOME_COLUMNS.map((column) =>
      column === 'Crime ID'
        ? (crimeId ?? crime['Crime ID']!)
        : column === 'Month'
          ? month
          : column === 'Outcome type'
            ? outcome
            : (crime[column] ?? ''),
    ),
  );
  await mkdir(path.join(archive, month), { recursive: true });
  await writeFile(
    path.join(archive, OUTCOMES(month)),
    [OUTCOME_COLUMNS, ...rows].map(formatCsvRow).join(''),
  );
}

/**
 * A 2025-04 street file made from the slice's 2025-03 one: each row moved to 2025-04, each
 * Crime ID replaced by another of police.uk's form (a new month's crimes are other crimes).
 */
async function writeApril(archive: string): Promise<void> {
  const march = await csvRows(path.join(archive, STREET('2025-03')), STREET_COLUMNS);
  const april = march.map((row) => {
    const id = row['Crime ID']!;
    const moved: Record<string, string> = {
      ...row,
      'Crime ID': id === '' ? '' : createHash('sha256').update(`${id}2025-04`).digest('hex'),
      Month: '2025-04',
    };
    return STREET_COLUMNS.map((column) => moved[column] ?? '');
  });
  await mkdir(path.join(archive, '2025-04'), { recursive: true });
  await writeFile(
    path.join(archive, STREET('2025-04')),
    [STREET_COLUMNS, ...april].map(formatCsvRow).join(''),
  );
}

/** The crimes of the 2025-04 street file writeApril made. */
async function aprilCrimes(archive: string): Promise<Record<string, string>[]> {
  const rows = await csvRows(path.join(archive, STREET('2025-04')), STREET_COLUMNS);
  return rows.filter((r) => r['Crime ID'] !== '');
}

function options(archiveDir: string, out: string): CliOptions {
  return { help: false, list: false, offline: true, archiveDir, out };
}

interface Summary {
  months: { month: string; fromCache: boolean }[];
  outcomes: { readThisRun: boolean; [figure: string]: unknown };
  forceFileReads: { file: string; reads: number }[];
}

async function run(archive: string, out: string, threads?: number): Promise<Summary> {
  await runPipeline(options(archive, out), { reporter: createMemoryReporter(), threads });
  return JSON.parse(await readFile(path.join(out, 'run-summary.json'), 'utf8')) as Summary;
}

/** Which months a run took from the cache. */
const fromCache = (summary: Summary) =>
  Object.fromEntries(summary.months.map((m) => [m.month, m.fromCache]));

/**
 * `archive` run into `out` (its cache kept), then into a new folder from nothing: the outputs
 * must be the same bytes, and the outcomes files counted alike. The incremental run's summary.
 */
async function runAndCompare(archive: string, out: string): Promise<Summary> {
  const summary = await run(archive, out);
  const fresh = `${out}-fresh`;
  await rm(fresh, { recursive: true, force: true });
  const reference = await run(archive, fresh);
  expect(await differingOutputs(await outputHashes(fresh), out)).toEqual([]);
  // Counted alike, whether this run read the outcomes files or took the counts saved.
  const { readThisRun: _, ...counted } = summary.outcomes;
  const { readThisRun: __, ...countedFresh } = reference.outcomes;
  expect(counted).toEqual(countedFresh);
  expect(Object.values(fromCache(reference)).every((cached) => !cached)).toBe(true);
  return summary;
}

/** The master CSV's Outcome of the crime `crimeId`. */
async function outcomeOf(out: string, crimeId: string): Promise<string | undefined> {
  const rows = await csvRows(path.join(out, 'leeds_street_combined.csv'), MASTER_COLUMNS);
  return rows.find((r) => r['Crime ID'] === crimeId)?.['Outcome'];
}

describe('a cached month and the outcomes files added since it was made', () => {
  /** The slice with an outcomes file for 2025-03 (one of its crimes), run into `out`. */
  async function firstRun(name: string): Promise<{ archive: string; out: string }> {
    const archive = path.join(tmp, name, 'archive');
    const out = path.join(tmp, name, 'out');
    await cp(SLICE, archive, { recursive: true });
    const street = await csvRows(path.join(archive, STREET('2025-03')), STREET_COLUMNS);
    const march = street.find((r) => r['Crime ID'] !== '');
    await writeOutcomes(archive, '2025-03', [{ crime: march!, outcome: 'Suspect charged' }]);
    const first = await run(archive, out);
    expect(fromCache(first)).toEqual({ '2024-03': false, '2025-03': false });
    return { archive, out };
  }

  it("is used again when the new month's outcomes file lists none of its crimes", async () => {
    const { archive, out } = await firstRun('none-listed');
    await writeApril(archive);
    const [april] = await aprilCrimes(archive);
    await writeOutcomes(archive, '2025-04', [{ crime: april!, outcome: 'Offender fined' }]);
    const second = await runAndCompare(archive, out);
    expect(fromCache(second)).toEqual({ '2024-03': true, '2025-03': true, '2025-04': false });
    expect(await outcomeOf(out, april!['Crime ID']!)).toBe('Offender fined');
    // Only the new outcomes file is read: the index of the others is the one the last run saved.
    const read = second.forceFileReads.map((r) => path.relative(archive, r.file));
    expect(read).toContain(OUTCOMES('2025-04'));
    expect(read).not.toContain(OUTCOMES('2025-03'));
    // The records now name the new file too: a run with nothing new takes every month as it is.
    const third = await runAndCompare(archive, out);
    expect(fromCache(third)).toEqual({ '2024-03': true, '2025-03': true, '2025-04': true });
  });

  it.each([
    ['2025-03', { '2024-03': true, '2025-03': false, '2025-04': false }],
    ['2024-03', { '2024-03': false, '2025-03': true, '2025-04': false }],
  ] as const)(
    'is processed again when a new outcomes file revises one of its crimes (%s), and only then',
    async (revised, cached) => {
      const { archive, out } = await firstRun(`revises-${revised}`);
      await writeApril(archive);
      const [crime] = (await keptCrimes(out, revised)).slice(-1);
      await writeOutcomes(archive, '2025-04', [
        { crime: crime!, outcome: 'Offender sent to prison' },
      ]);
      const second = await runAndCompare(archive, out);
      expect(fromCache(second)).toEqual(cached);
      expect(await outcomeOf(out, crime!['Crime ID']!)).toBe('Offender sent to prison');
    },
  );

  it("is processed again, every month, when a new outcomes file holds a Crime ID not in police.uk's form", async () => {
    const { archive, out } = await firstRun('other-form');
    await writeApril(archive);
    const [april] = await aprilCrimes(archive);
    await writeOutcomes(archive, '2025-04', [
      { crime: april!, outcome: 'Offender fined', crimeId: 'WY-2025-04-0001' },
    ]);
    const second = await runAndCompare(archive, out);
    expect(fromCache(second)).toEqual({ '2024-03': false, '2025-03': false, '2025-04': false });
  });

  /**
   * A run of `archive` with a 2025-04 outcomes file giving the crimes of `revised` their
   * outcome, that fails on its last month, 2025-05, which holds no crimes: the months before it
   * are processed (one after another) and in the cache by then. Then the 2025-04 outcomes file
   * and 2025-05 taken away, as a user mending the input might: the next run's outputs must be
   * a run's from nothing.
   */
  async function failedRunThenWithout(
    archive: string,
    out: string,
    revised: readonly { crime: Record<string, string>; outcome: string }[],
  ): Promise<Summary> {
    await writeApril(archive);
    await writeOutcomes(archive, '2025-04', revised);
    await mkdir(path.join(archive, '2025-05'), { recursive: true });
    await writeFile(path.join(archive, STREET('2025-05')), formatCsvRow(STREET_COLUMNS));
    // One thread: the months one after another, the failing one last.
    await expect(run(archive, out, 1)).rejects.toThrow(/holds no crimes for 2025-05/);
    await rm(path.join(archive, OUTCOMES('2025-04')));
    await rm(path.join(archive, '2025-05'), { recursive: true });
    return runAndCompare(archive, out);
  }

  it('is processed again after a run that processed it again failed before it recorded its outcomes files', async () => {
    const { archive, out } = await firstRun('failed-run');
    const [crime] = await keptCrimes(out, '2024-03');
    const outcome = 'Offender sent to prison';
    expect(crime!['Outcome']).not.toBe(outcome);
    const third = await failedRunThenWithout(archive, out, [{ crime: crime!, outcome }]);
    // 2025-03 held with the 2025-04 outcomes file, and is recorded as made with it: gone since.
    expect(fromCache(third)).toEqual({ '2024-03': false, '2025-03': false, '2025-04': false });
    expect(await outcomeOf(out, crime!['Crime ID']!)).toBe(crime!['Outcome']);
  });

  it("is not taken from the months step's saved folds after a run that processed it again failed before it recorded its outcomes files", async () => {
    const { archive, out } = await firstRun('failed-run-folds');
    // Two crimes of one ward with different outcomes, each given the other's: the month's
    // summary (its ward outcome tallies) stays the same bytes, its rows do not.
    const march = await keptCrimes(out, '2025-03');
    const [x, y] = march.flatMap((a) =>
      march
        .filter((b) => b['Ward Code'] === a['Ward Code'] && b['Outcome'] !== a['Outcome'])
        .map((b) => [a, b] as const),
    )[0]!;
    const third = await failedRunThenWithout(archive, out, [
      { crime: x, outcome: y['Outcome']! },
      { crime: y, outcome: x['Outcome']! },
    ]);
    // 2024-03 held with the 2025-04 outcomes file, and is recorded as made with it: gone since.
    expect(fromCache(third)).toEqual({ '2024-03': false, '2025-03': false, '2025-04': false });
    expect(await outcomeOf(out, x['Crime ID']!)).toBe(x['Outcome']);
  });

  it.each([
    ['changed', 'Offender given a caution'],
    ['gone', null],
  ] as const)(
    'is processed again, every month, when an outcomes file it was made with is %s',
    async (_, outcome) => {
      const { archive, out } = await firstRun(`made-with-${outcome ?? 'gone'}`);
      const file = path.join(archive, OUTCOMES('2025-03'));
      const [march] = await keptCrimes(out, '2025-03');
      if (outcome === null) await rm(file);
      else await writeOutcomes(archive, '2025-03', [{ crime: march!, outcome }]);
      const second = await runAndCompare(archive, out);
      expect(fromCache(second)).toEqual({ '2024-03': false, '2025-03': false });
      expect(await outcomeOf(out, march!['Crime ID']!)).toBe(
        outcome ?? march!['Last outcome category'],
      );
    },
  );
});
