// Crime IDs are unique across months: a row whose Crime ID an earlier month already lists is
// dropped as a duplicate and counted, by the rule that a crime belongs to the first month that
// lists it, whether the months were processed now (in workers) or read from the cache.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, StepError, type CliOptions } from '../../pipeline/cli.ts';
import type { ArchiveEntry } from '../../pipeline/archive.ts';
import { idPrefixes, prefixOf } from '../../pipeline/crime-id-sidecar.ts';
import { dropRepeatsAcrossMonths, type MonthRows } from '../../pipeline/crime-ids.ts';
import { InputError } from '../../pipeline/input-error.ts';
import { readCsv } from '../../pipeline/csv.ts';
import { MASTER_HEADER, masterLine } from '../../pipeline/master-row.ts';
import type { MonthPlan } from '../../pipeline/merge.ts';
import { createMemoryReporter, DropTally } from '../../pipeline/report.ts';
import { MASTER_COLUMNS } from '../../src/shared/constants.ts';
import {
  DROP_REASONS,
  siteDataSchema,
  type EnrichedCrime,
  type MonthSummary,
} from '../../src/shared/schema.ts';
import { relistedIn, sampleCrimeLines } from '../support/police-fixtures.ts';

const SAMPLE = path.join('data', 'sample', 'archive');

let tmp: string;
let input: string;
/** The Crime ID of a 2024-03 row, listed again in 2025-02. */
let repeated: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'crime-ids-'));
  input = path.join(tmp, 'archive');
  await cp(SAMPLE, input, { recursive: true });
  // A row with a Crime ID, inside Leeds (the first with one that the sample keeps: Leeds rows).
  const row = sampleCrimeLines('2024-03')[0]!;
  repeated = row.slice(0, 64);
  const febFile = path.join(input, '2025-02', '2025-02-west-yorkshire-street.csv');
  const feb = await readFile(febFile, 'utf8');
  await writeFile(febFile, `${feb.trimEnd()}\n${relistedIn(row, '2025-02')}\n`);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function options(archiveDir: string, out: string): CliOptions {
  return { help: false, list: false, offline: true, archiveDir, out };
}

async function run(archiveDir: string, out: string) {
  const record = await runPipeline(options(archiveDir, out), {
    reporter: createMemoryReporter(),
    threads: 2,
    generatedAt: '2025-06-01T00:00:00.000Z',
  });
  const siteData = siteDataSchema.parse(
    JSON.parse(await readFile(path.join(out, 'site-data.json'), 'utf8')),
  );
  return { record, siteData };
}

async function idsInMasterCsv(out: string): Promise<string[]> {
  const file = path.join(out, 'leeds_street_combined.csv');
  const ids: string[] = [];
  for await (const { values } of readCsv(createReadStream(file), file, MASTER_COLUMNS)) {
    ids.push(values['Crime ID'] ?? '');
  }
  return ids;
}

describe('runPipeline with a Crime ID listed in two months', () => {
  it('keeps the crime in the first month, drops and counts the later row, and says by which rule', async () => {
    const clean = await run(SAMPLE, path.join(tmp, 'clean'));
    const out = path.join(tmp, 'out');
    const { record, siteData } = await run(input, out);
    const feb = record.months?.find((m) => m.plan.month === '2025-02');
    const cleanFeb = clean.record.months?.find((m) => m.plan.month === '2025-02');
    expect(feb?.summary.read).toBe((cleanFeb?.summary.read ?? 0) + 1);
    expect(feb?.summary.kept).toBe(cleanFeb?.summary.kept);
    expect(feb?.summary.dropped.duplicate).toBe((cleanFeb?.summary.dropped.duplicate ?? 0) + 1);
    expect(siteData.counts).toEqual(clean.siteData.counts);
    expect(siteData.provenance.map((p) => p.rows)).toEqual(
      clean.siteData.provenance.map((p) => p.rows),
    );
    // The month recounted without the repeat keeps its rows' estimated postcode districts.
    expect(cleanFeb?.summary.postcodeDistrictApproximate).toBeGreaterThan(0);
    expect(feb?.summary.postcodeDistrictApproximate).toBe(
      cleanFeb?.summary.postcodeDistrictApproximate,
    );
    expect(siteData.postcodeDistricts).toEqual(clean.siteData.postcodeDistricts);
    expect(record.notes).toContainEqual(
      '2025-02: 1 row(s) dropped as duplicates, their Crime ID already in 2024-03 (a crime belongs to the first month that lists it; a later row with the same Crime ID is dropped)',
    );
    expect(feb?.drops.examples.duplicate?.[0]?.detail).toContain(
      `Crime ID ${repeated} is already in 2024-03`,
    );
    expect((await idsInMasterCsv(out)).filter((id) => id === repeated)).toHaveLength(1);

    // Again from the cache: the same result.
    const again = await run(input, out);
    expect(again.record.months?.every((m) => m.cached)).toBe(true);
    expect(again.siteData.counts).toEqual(clean.siteData.counts);
    expect((await idsInMasterCsv(out)).filter((id) => id === repeated)).toHaveLength(1);
  }, 120_000);
});

describe('runPipeline with a Crime ID listed again in a later month on a row that differs', () => {
  it("drops the later row, keeps the first month's, and reports the disagreement naming the columns, from nothing and from the cache", async () => {
    const archive = path.join(tmp, 'differing-archive');
    await cp(input, archive, { recursive: true });
    // A second crime of 2024-03, other than the identical repeat already in 2025-02.
    const row = sampleCrimeLines('2024-03').find((line) => !line.startsWith(repeated))!;
    const id = row.slice(0, 64);
    const fields = row.split(',');
    // Crime type is the 10th column, Location the 7th (STREET_COLUMNS).
    const otherType = fields[9] === 'Robbery' ? 'Shoplifting' : 'Robbery';
    const changed = relistedIn(row, '2025-03').split(',');
    changed[6] = 'On or near Somewhere Else';
    changed[9] = otherType;
    const marchFile = path.join(archive, '2025-03', '2025-03-west-yorkshire-street.csv');
    const text = await readFile(marchFile, 'utf8');
    await writeFile(marchFile, `${text.trimEnd()}\n${changed.join(',')}\n`);

    const out = path.join(tmp, 'differing');
    const file = path.join(archive, '2025-03', '2025-03-west-yorkshire-street.csv');
    for (const pass of ['from nothing', 'from the cache']) {
      const printed: string[] = [];
      const record = await runPipeline(options(archive, out), {
        reporter: createMemoryReporter(),
        threads: 2,
        generatedAt: '2025-06-01T00:00:00.000Z',
        result: (line) => printed.push(line),
      });
      const summary = JSON.parse(await readFile(path.join(out, 'run-summary.json'), 'utf8'));
      // The identical repeat of 2025-02 is a duplicate and no disagreement; this one is both.
      expect(summary.disagreements, pass).toEqual({
        'duplicate-differing': 0,
        'outcome-before-crime': 0,
        'cross-month-differing': 1,
      });
      expect(summary.disagreementExamples['cross-month-differing'], pass).toEqual([
        {
          where: file,
          detail:
            `Crime ID ${id} is already in 2024-03, on a row with another Location, Crime type: ` +
            'the row of 2024-03 stands (a crime belongs to the first month that lists it; a ' +
            'later row with the same Crime ID is dropped; police.uk gives no way to tell which ' +
            'is right)',
        },
      ]);
      const later = record.months?.find((m) => m.plan.month === '2025-03');
      expect(later?.cached, pass).toBe(pass === 'from the cache');
      expect(printed.join('\n'), pass).toContain('disagreements settled: 1 cross-month-differing');
      // The crime stays as the first month has it, once.
      const kept: Record<string, string>[] = [];
      const master = path.join(out, 'leeds_street_combined.csv');
      for await (const { values } of readCsv(createReadStream(master), master, MASTER_COLUMNS)) {
        if (values['Crime ID'] === id) kept.push(values);
      }
      expect(
        kept.map((v) => [v['Month'], v['Location'], v['Crime type']]),
        pass,
      ).toEqual([['2024-03', fields[6], fields[9]]]);
    }
  }, 120_000);
});

describe('the example of a row dropped as a repeat across months', () => {
  it('names the input file the row was read from and its Crime ID, from nothing and from the cache, not a line of the month cache', async () => {
    const out = path.join(tmp, 'example');
    const file = path.join(input, '2025-02', '2025-02-west-yorkshire-street.csv');
    const examples: unknown[] = [];
    for (const pass of ['from nothing', 'from the cache']) {
      const { record } = await run(input, out);
      const feb = record.months?.find((m) => m.plan.month === '2025-02');
      expect(feb?.cached, pass).toBe(pass === 'from the cache');
      examples.push(feb?.drops.examples.duplicate);
    }
    expect(examples[0]).toEqual([
      {
        where: file,
        detail:
          `Crime ID ${repeated} is already in 2024-03 (a crime belongs to the first month that ` +
          'lists it; a later row with the same Crime ID is dropped); the line is not known ' +
          '(months are compared after they are read): search for the Crime ID',
      },
    ]);
    expect(examples[1]).toEqual(examples[0]);
    const summary = JSON.parse(await readFile(path.join(out, 'run-summary.json'), 'utf8'));
    expect(summary.dropExamples.duplicate.map((e: { where: string }) => e.where)).toEqual([file]);
  }, 120_000);
});

describe('runPipeline with the repeat in a month added after the earlier months were checked', () => {
  it('drops and counts the same row as a run of all the months at once', async () => {
    const partial = path.join(tmp, 'partial-archive');
    await cp(input, partial, { recursive: true });
    const later = ['2025-02', '2025-03'];
    for (const month of later) await rm(path.join(partial, month), { recursive: true });
    const out = path.join(tmp, 'partial');
    await run(partial, out);
    await expect(stat(path.join(out, 'cache', 'crime-id-index.bin'))).resolves.toBeTruthy();
    for (const month of later) {
      await cp(path.join(input, month), path.join(partial, month), { recursive: true });
    }
    const added = await run(partial, out);
    expect(added.record.months?.filter((m) => !m.cached).map((m) => m.plan.month)).toEqual(later);
    const whole = await run(input, path.join(tmp, 'whole'));
    expect(added.siteData.counts).toEqual(whole.siteData.counts);
    const duplicates = (notes: string[]) => notes.filter((note) => note.includes('as duplicates'));
    expect(duplicates(added.record.notes)).toEqual(duplicates(whole.record.notes));
    expect(duplicates(added.record.notes)).toEqual([
      expect.stringMatching(
        /^2025-02: 1 row\(s\) dropped as duplicates, their Crime ID already in 2024-03/,
      ),
    ]);
    expect(await idsInMasterCsv(out)).toEqual(await idsInMasterCsv(path.join(tmp, 'whole')));
  }, 120_000);
});

/** The pipeline run as a command whose files can grow to `blocks` × 512 bytes (ulimit -f). */
function runLimited(archiveDir: string, out: string, blocks: number) {
  const child = spawn('sh', [
    '-c',
    `ulimit -f ${blocks} && exec "$0" "$@"`,
    process.execPath,
    'pipeline/cli.ts',
    '--offline',
    '--archive-dir',
    archiveDir,
    '--out',
    out,
  ]);
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
}

/** Every file under `dir` but the caches, as bytes. */
async function filesOutsideCache(dir: string): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const name = path.relative(dir, path.join(entry.parentPath, entry.name));
    if (entry.isFile() && !name.startsWith(`cache${path.sep}`)) {
      files[name] = await readFile(path.join(dir, name));
    }
  }
  return files;
}

// A write past the file size limit fails (EFBIG) for any user, root too: a real write failure
// without filling a disk. From the cache, 2025-02 rewritten without its repeat (about 2.4 MB)
// is the first file of the run larger than 1 MB.
describe.skipIf(process.platform === 'win32')(
  'runPipeline when the month rewritten without its repeats cannot be written',
  () => {
    it('fails naming the file and what to do, the previous outputs untouched and no part of it left', async () => {
      const out = path.join(tmp, 'rewrite-fails');
      await run(input, out);
      const before = await filesOutsideCache(out);
      const failed = await runLimited(input, out, 2048);
      const file = path.join(out, 'cache', 'cross-month', '2025-02.csv');
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain(
        `step 3 (months) failed: ${file} could not be written (EFBIG: file too large, write): ` +
          'raise the limit on the size of a file (ulimit -f) and run again. No output was changed',
      );
      expect(await filesOutsideCache(out)).toEqual(before);
      expect(await readdir(path.dirname(file))).toEqual([]);
    }, 120_000);
  },
);

describe('the Crime ID sidecars a run writes as it processes each month', () => {
  it('are the sidecars made by reading the cached rows back, byte for byte', async () => {
    const out = path.join(tmp, 'sidecars');
    await run(SAMPLE, out);
    const dir = path.join(out, 'cache', 'months');
    const sidecars = (await readdir(dir)).filter((f) => f.endsWith('.csv.ids')).sort();
    expect(sidecars.length).toBeGreaterThanOrEqual(3);
    for (const sidecar of sidecars) {
      const written = await readFile(path.join(dir, sidecar), 'utf8');
      await rm(path.join(dir, sidecar));
      const csv = path.join(dir, sidecar.replace(/\.ids$/, ''));
      const prefixes = await idPrefixes(csv);
      expect(await readFile(path.join(dir, sidecar), 'utf8'), sidecar).toBe(written);
      // The stamp, one line a prefix, and the closing count.
      expect(prefixes.length).toBe(written.trimEnd().split('\n').length - 2);
      expect(written.trimEnd().split('\n').at(-1)).toBe(`count:${prefixes.length}`);
      // Read from the sidecar just made: the prefixes of the rows' IDs, in their order.
      const lines = written.trimEnd().split('\n').slice(1, -1);
      expect([...(await idPrefixes(csv))]).toEqual(lines.map((line) => Number.parseInt(line, 16)));
      expect([...prefixes]).toEqual(lines.map((line) => Number.parseInt(line, 16)));
    }
  }, 120_000);
});

describe('dropRepeatsAcrossMonths(months, workDir)', () => {
  /** A crime of `month` as a cached month's rows hold it, with `changes`. */
  function crime(id: string, month: string, changes: Partial<EnrichedCrime> = {}): EnrichedCrime {
    return {
      crimeId: id,
      month,
      reportedBy: 'West Yorkshire Police',
      fallsWithin: 'West Yorkshire Police',
      longitude: -1.548567,
      latitude: 53.801277,
      location: 'On or near Park Row',
      lsoaCode: 'E01033015',
      lsoa21Code: 'E01033015',
      lsoaName: 'Leeds 111B',
      crimeType: 'Shoplifting',
      lastOutcome: 'Under investigation',
      context: '',
      wardName: 'Little London & Woodhouse',
      wardCode: 'E05011403',
      postcodeDistrict: 'LS1',
      postcodeDistrictEstimated: false,
      pollingDistrict: '',
      outcome: 'Under investigation',
      ...changes,
    };
  }

  /** A crime listed in `month` alone: its Crime ID made of the month's digits. */
  function ownCrime(month: string): EnrichedCrime {
    return crime(month.replace('-', '').padEnd(64, 'e'), month);
  }

  /**
   * A cached month whose rows are these crimes, or crimes with these Crime IDs: the first
   * `territorialKept` the territorial force's file's (all of them unless told).
   */
  async function month(
    name: string,
    rows: (string | EnrichedCrime)[],
    source: MonthPlan['source'] = 'archive',
    territorialKept = rows.length,
  ): Promise<MonthRows> {
    const csv = path.join(tmp, 'unit', `${name}.csv`);
    await mkdir(path.dirname(csv), { recursive: true });
    const lines = rows.map((row) => masterLine(typeof row === 'string' ? crime(row, name) : row));
    await writeFile(csv, MASTER_HEADER + lines.join(''));
    const snapshot = `${source}:${name}`;
    const plan: MonthPlan =
      source === 'archive'
        ? { month: name, source, snapshot, entries: [], notUsed: [] }
        : {
            month: name,
            source,
            snapshot,
            file: {
              month: name,
              path: path.join(tmp, 'unit', `${name}.json`),
              snapshot,
              fetchedAt: '2025-06-01T00:00:00.000Z',
              size: 0,
              fingerprint: '',
            },
            reportedBy: 'West Yorkshire Police',
            notUsed: [],
          };
    const summary = {
      month: name,
      source,
      snapshot,
      fetchedAt: '2025-06-01T00:00:00.000Z',
      read: rows.length,
      territorialKept,
      dropped: Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])),
    } as MonthSummary;
    return { summary, drops: new DropTally(), csv, plan };
  }

  /** The disagreements of the months that lost rows, by month: counts and details. */
  function disagreementsOf(result: Awaited<ReturnType<typeof dropRepeatsAcrossMonths>>) {
    return result.dropped.map(({ month, rows, recounted }) => ({
      month,
      rows,
      duplicates: recounted.summary.dropped.duplicate,
      kept: recounted.summary.kept,
      differing: recounted.drops.disagreements.counts['cross-month-differing'],
      details: (recounted.drops.disagreements.examples['cross-month-differing'] ?? []).map(
        (example) => example.detail,
      ),
    }));
  }

  it("counts a repeat exactly like the first month's row as a duplicate and no disagreement", async () => {
    const id = 'a1'.repeat(32);
    const a = await month('2021-01', [crime(id, '2021-01'), crime('b1'.repeat(32), '2021-01')]);
    const b = await month('2021-02', [crime(id, '2021-02'), crime('c1'.repeat(32), '2021-02')]);
    const result = await dropRepeatsAcrossMonths([a, b], path.join(tmp, 'unit'));
    expect(disagreementsOf(result)).toEqual([
      { month: '2021-02', rows: 1, duplicates: 1, kept: 1, differing: 0, details: [] },
    ]);
  });

  const RULE =
    'a crime belongs to the first month that lists it; a later row with the same Crime ID is ' +
    'dropped; police.uk gives no way to tell which is right';

  it("counts each repeat whose place, crime type, context or force differs from the first month's row as a disagreement, naming the columns, in whichever later month", async () => {
    const moved = 'a2'.repeat(32);
    const recategorised = 'b2'.repeat(32);
    const otherForce = 'c2'.repeat(32);
    const same = 'd2'.repeat(32);
    // Each later month lists a crime of its own too: a month of repeats alone is another
    // month's file, which stops the run (tested below).
    const a = await month('2021-03', [
      crime(moved, '2021-03'),
      crime(recategorised, '2021-03'),
      crime(otherForce, '2021-03'),
      crime(same, '2021-03'),
    ]);
    const b = await month('2021-04', [
      crime(moved, '2021-04', {
        longitude: -1.5486,
        latitude: 53.8013,
        location: 'On or near Boar Lane',
      }),
      crime(same, '2021-04'),
      ownCrime('2021-04'),
    ]);
    // A month later still: compared with the first month that lists them, not the one between.
    const c = await month('2021-05', [
      crime(recategorised, '2021-05', { crimeType: 'Robbery', context: 'Recorded again' }),
      crime(otherForce, '2021-05', { reportedBy: 'British Transport Police' }),
      crime(moved, '2021-05'),
      ownCrime('2021-05'),
    ]);
    const result = await dropRepeatsAcrossMonths([a, b, c], path.join(tmp, 'unit'));
    expect(disagreementsOf(result)).toEqual([
      {
        month: '2021-04',
        rows: 2,
        duplicates: 2,
        kept: 1,
        differing: 1,
        details: [
          `Crime ID ${moved} is already in 2021-03, on a row with another Longitude, Latitude, ` +
            `Location: the row of 2021-03 stands (${RULE})`,
        ],
      },
      {
        month: '2021-05',
        rows: 3,
        duplicates: 3,
        kept: 1,
        differing: 2,
        details: [
          `Crime ID ${recategorised} is already in 2021-03, on a row with another Crime type, ` +
            `Context: the row of 2021-03 stands (${RULE})`,
          `Crime ID ${otherForce} is already in 2021-03, on a row with another Reported by: the ` +
            `row of 2021-03 stands (${RULE})`,
        ],
      },
    ]);
  });

  it('counts no disagreement for what a later release or the API gives otherwise by its own making: the LSOA, an updated outcome, the force of an API row', async () => {
    const lsoa = 'a3'.repeat(32);
    const outcome = 'b3'.repeat(32);
    const apiForce = 'c3'.repeat(32);
    const apiMoved = 'd3'.repeat(32);
    // Each later month lists a crime of its own too (see above).
    const btp = { reportedBy: 'British Transport Police', fallsWithin: 'British Transport Police' };
    const a = await month('2021-06', [
      crime(lsoa, '2021-06', { lsoaCode: 'E01011364', lsoaName: 'Leeds 063A' }),
      crime(outcome, '2021-06'),
      crime(apiForce, '2021-06', btp),
      crime(apiMoved, '2021-06', btp),
    ]);
    // A later release with 2021 LSOA codes and an outcome brought up to date.
    const b = await month('2021-07', [
      crime(lsoa, '2021-07'),
      crime(outcome, '2021-07', {
        lastOutcome: 'Unable to prosecute suspect',
        outcome: 'Unable to prosecute suspect',
      }),
      ownCrime('2021-07'),
    ]);
    // A month from the API, whose rows name the district's force.
    const c = await month(
      '2021-08',
      [
        crime(apiForce, '2021-08'),
        crime(apiMoved, '2021-08', { location: 'On or near Boar Lane' }),
        ownCrime('2021-08'),
      ],
      'api',
    );
    const result = await dropRepeatsAcrossMonths([a, b, c], path.join(tmp, 'unit'));
    expect(disagreementsOf(result)).toEqual([
      { month: '2021-07', rows: 2, duplicates: 2, kept: 1, differing: 0, details: [] },
      {
        month: '2021-08',
        rows: 2,
        duplicates: 2,
        kept: 1,
        differing: 1,
        details: [
          `Crime ID ${apiMoved} is already in 2021-06, on a row with another Location: the row ` +
            `of 2021-06 stands (${RULE})`,
        ],
      },
    ]);
  });

  it('keeps two different IDs that share their first 16 hex digits, from cold and from sidecars', async () => {
    const shared = '0123456789abcdef';
    const a = await month('2024-01', [`${shared}${'1'.repeat(48)}`]);
    const b = await month('2024-02', [`${shared}${'2'.repeat(48)}`, 'f'.repeat(64)]);
    for (const pass of ['cold', 'from sidecars']) {
      const result = await dropRepeatsAcrossMonths([a, b], path.join(tmp, 'unit'));
      expect(result.dropped, pass).toEqual([]);
      expect(result.months, pass).toEqual([a, b]);
    }
  });

  it('does not trust a sidecar of another format, even with a matching stamp', async () => {
    const a = await month('2023-01', ['a'.repeat(64)]);
    const b = await month('2023-02', ['b'.repeat(64)]);
    const info = await stat(b.csv);
    // The earlier format: no format tag, 16 digits, here claiming 2023-02 repeats 2023-01.
    await writeFile(
      `${b.csv}.ids`,
      `${info.size}:${Math.trunc(info.mtimeMs)}\n${'a'.repeat(16)}\n`,
    );
    const result = await dropRepeatsAcrossMonths([a, b], path.join(tmp, 'unit'));
    expect(result.dropped).toEqual([]);
    await expect(readFile(`${b.csv}.ids`, 'utf8')).resolves.toMatch(
      /^prefix13-counted:.*\nbbbbbbbbbbbbb\ncount:1\n$/,
    );
  });

  it('idPrefixes(csv) does not trust a sidecar cut short after its stamp, and rebuilds it', async () => {
    const ids = ['c', 'd', 'e'].map((digit) => digit.repeat(64));
    const { csv } = await month('2022-02', ids);
    await idPrefixes(csv);
    const whole = await readFile(`${csv}.ids`, 'utf8');
    // A run killed while writing: the stamp (still matching the rows) and the first prefix.
    const [stamp, first] = whole.split('\n');
    await writeFile(`${csv}.ids`, `${stamp}\n${first}\n`);
    expect(Array.from(await idPrefixes(csv))).toEqual(ids.map(prefixOf));
    await expect(readFile(`${csv}.ids`, 'utf8')).resolves.toBe(whole);
  });

  describe("a month whose territorial force's file lists only crimes of earlier months", () => {
    /** `m` read from the territorial force's street file `where` (and BTP's after it). */
    function from(m: MonthRows, where: string): MonthRows {
      const entry = { where } as ArchiveEntry;
      return m.plan.source === 'archive' ? { ...m, plan: { ...m.plan, entries: [entry] } } : m;
    }
    const WEST_YORKSHIRE = (name: string) =>
      path.join('archive', name, `${name}-west-yorkshire-street.csv`);
    const asb = (name: string) => crime('', name, { crimeType: 'Anti-social behaviour' });

    it('stops the run naming the file, how many crimes repeat which months, an example and what to do, and writes no rows for it', async () => {
      const [x, y, z] = ['1a', '1b', '1c'].map((digits) => digits.repeat(32));
      const a = await month('2020-01', [crime(x!, '2020-01'), crime(y!, '2020-01')]);
      const b = await month('2020-02', [crime(z!, '2020-02'), ownCrime('2020-02')]);
      // Two crimes of January and one of February, and an anti-social behaviour row.
      const c = from(
        await month('2020-03', [
          crime(y!, '2020-03'),
          asb('2020-03'),
          crime(x!, '2020-03'),
          crime(z!, '2020-03'),
        ]),
        WEST_YORKSHIRE('2020-03'),
      );
      const work = path.join(tmp, 'unit');
      const failed = dropRepeatsAcrossMonths([a, b, c], work);
      await expect(failed).rejects.toBeInstanceOf(InputError);
      await expect(failed).rejects.toThrow(
        `${WEST_YORKSHIRE('2020-03')}: holds only crimes of earlier months for 2020-03: all 3 ` +
          `crimes kept from it are already listed (2 in 2020-01, 1 in 2020-02; e.g. Crime ID ` +
          `${y}, in 2020-01); its 1 row(s) without a Crime ID (anti-social behaviour), which ` +
          'cannot be matched across months, would be published as the month alone, counted in ' +
          'two months. police.uk lists a crime again in a later month only now and then, never ' +
          "a whole month's, so this is probably another month's file (or the earlier month's " +
          'is): check that it is the 2020-03 file, and download it again (or remove the month ' +
          'folder: the month is then a gap)',
      );
      expect(await readdir(path.join(work, 'cross-month'))).toEqual([]);
    });

    it("stops the run whatever the rows of another force's file after them", async () => {
      const x = '2a'.repeat(32);
      const a = await month('2020-04', [crime(x, '2020-04')]);
      // The territorial file's one crime, then British Transport Police's own crime.
      const b = from(
        await month('2020-05', [crime(x, '2020-05'), ownCrime('2020-05')], 'archive', 1),
        WEST_YORKSHIRE('2020-05'),
      );
      await expect(dropRepeatsAcrossMonths([a, b], path.join(tmp, 'unit'))).rejects.toThrow(
        `${WEST_YORKSHIRE('2020-05')}: holds only crimes of earlier months for 2020-05: all 1 ` +
          'crimes kept from it are already listed (1 in 2020-04; e.g. Crime ID ' +
          `${x}, in 2020-04). police.uk lists`,
      );
    });

    it('stops the run on an API month of crimes of earlier months, saying to fetch it again', async () => {
      const x = '3a'.repeat(32);
      const a = await month('2020-06', [crime(x, '2020-06')]);
      const b = await month('2020-07', [crime(x, '2020-07')], 'api');
      const snapshot = b.plan.source === 'api' ? b.plan.file.path : '';
      await expect(dropRepeatsAcrossMonths([a, b], path.join(tmp, 'unit'))).rejects.toThrow(
        `${snapshot}: holds only crimes of earlier months for 2020-07: all 1 crimes kept from ` +
          `it are already listed (1 in 2020-06; e.g. Crime ID ${x}, in 2020-06). police.uk ` +
          "lists a crime again in a later month only now and then, never a whole month's, so " +
          "this is probably another month's file (or the earlier month's is): check that it is " +
          'the 2020-07 file, and delete the snapshot and fetch the month again',
      );
    });

    it("keeps a month whose territorial file lists one crime of its own, or whose repeats are all another force's, recounting the territorial file's rows", async () => {
      const [x, y] = ['4a', '4b'].map((digits) => digits.repeat(32));
      const a = await month('2020-08', [crime(x!, '2020-08'), crime(y!, '2020-08')]);
      // Every crime but one a repeat: police.uk re-lists a few.
      const b = await month('2020-09', [
        crime(x!, '2020-09'),
        ownCrime('2020-09'),
        crime(y!, '2020-09'),
      ]);
      // The territorial file's own crime, then British Transport Police's repeat.
      const c = await month(
        '2020-10',
        [ownCrime('2020-10'), asb('2020-10'), crime(x!, '2020-10')],
        'archive',
        2,
      );
      const result = await dropRepeatsAcrossMonths([a, b, c], path.join(tmp, 'unit'));
      expect(
        result.dropped.map(({ month: name, rows, recounted }) => ({
          month: name,
          rows,
          kept: recounted.summary.kept,
          territorialKept: recounted.summary.territorialKept,
        })),
      ).toEqual([
        { month: '2020-09', rows: 2, kept: 1, territorialKept: 1 },
        { month: '2020-10', rows: 1, kept: 2, territorialKept: 2 },
      ]);
    });
  });
});

describe("runPipeline with a month whose street file lists only crimes of earlier months (another month's file)", () => {
  const SLICE = path.join('tests', 'fixtures', 'pipeline', 'slice', 'archive');

  /** The slice in a folder of its own, run into an --out of its own: the previous outputs. */
  async function sliceRun(name: string, threads: number) {
    const archive = path.join(tmp, name, 'archive');
    const out = path.join(tmp, name, 'out');
    await cp(SLICE, archive, { recursive: true });
    await runSlice(archive, out, threads);
    return { archive, out };
  }

  function runSlice(archive: string, out: string, threads: number) {
    const reporter = createMemoryReporter();
    return runPipeline(options(archive, out), { reporter, threads }).then(
      (record) => ({ record, lines: reporter.lines, error: undefined }),
      (error: unknown) => ({ record: undefined, lines: reporter.lines, error }),
    );
  }

  /**
   * The slice's 2024-03 West Yorkshire file copied as 2024-04's, its Month changed, `change`
   * applied to its lines; beside it the slice's BTP file of 2025-03 as 2024-04's.
   */
  async function addApril(archive: string, change: (lines: string[]) => string[] = (l) => l) {
    const dir = path.join(archive, '2024-04');
    await mkdir(dir, { recursive: true });
    const march = await readFile(
      path.join(SLICE, '2024-03', '2024-03-west-yorkshire-street.csv'),
      'utf8',
    );
    const [header, ...rows] = march.trimEnd().split('\n');
    const file = path.join(dir, '2024-04-west-yorkshire-street.csv');
    const moved = rows.map((row) => relistedIn(row, '2024-04'));
    await writeFile(file, `${[header, ...change(moved)].join('\n')}\n`);
    const btp = await readFile(path.join(SLICE, '2025-03', '2025-03-btp-street.csv'), 'utf8');
    await writeFile(
      path.join(dir, '2024-04-btp-street.csv'),
      btp.replaceAll(',2025-03,', ',2024-04,'),
    );
    return file;
  }

  it.each([1, 2])(
    'stops the run naming the file and the month its crimes repeat, the outputs untouched, again when the month comes from the cache (%i thread(s))',
    async (threads) => {
      const { archive, out } = await sliceRun(`misplaced-${threads}`, threads);
      const before = await filesOutsideCache(out);
      const file = await addApril(archive);
      // The 8 crimes of the slice's 2024-03 (tests/fixtures/pipeline/README.md: 13 rows, 5
      // anti-social behaviour, all kept), the first at Allanfield Grove.
      const message =
        `step 3 (months) failed: ${file}: holds only crimes of earlier months for 2024-04: all ` +
        '8 crimes kept from it are already listed (8 in 2024-03; e.g. Crime ID ' +
        'a14fe0fa4c921c8585a723a4cb7092095aa474291d7343f31d6b6efe2b1dd55c, in 2024-03); its 5 ' +
        'row(s) without a Crime ID (anti-social behaviour), which cannot be matched across ' +
        'months, would be published as the month alone, counted in two months. police.uk ' +
        'lists a crime again in a later month only now and then';
      const first = await runSlice(archive, out, threads);
      expect(first.error).toBeInstanceOf(StepError);
      expect((first.error as Error).message).toContain(message);
      expect(await filesOutsideCache(out)).toEqual(before);
      const again = await runSlice(archive, out, threads);
      expect(again.lines.some((line) => /^ {2}2024-04: archive .*\(cached\)$/.test(line))).toBe(
        true,
      );
      expect((again.error as Error).message).toContain(message);
      expect(await filesOutsideCache(out)).toEqual(before);
    },
    120_000,
  );

  it('publishes a month of which only some crimes repeat earlier months, dropping those', async () => {
    const { archive, out } = await sliceRun('relisted-some', 2);
    // The first crime (Allanfield Grove) under a Crime ID of its own: its digits reversed.
    await addApril(archive, ([first, ...rest]) => [
      `${[...first!.slice(0, 64)].reverse().join('')}${first!.slice(64)}`,
      ...rest,
    ]);
    const { record, error } = await runSlice(archive, out, 2);
    expect(error).toBeUndefined();
    const april = record!.months?.find((m) => m.plan.month === '2024-04');
    // 13 rows and BTP's 2 (its Leeds station row kept), less the 7 crimes of 2024-03.
    expect([april?.summary.read, april?.summary.kept]).toEqual([15, 7]);
    expect(record!.notes).toContainEqual(
      expect.stringMatching(
        /^2024-04: 7 row\(s\) dropped as duplicates, their Crime ID already in 2024-03 /,
      ),
    );
  }, 120_000);
});
