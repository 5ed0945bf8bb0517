import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import {
  copyFile,
  cp,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CRIME_TYPES, MASTER_COLUMNS, STREET_COLUMNS } from '../../src/shared/constants.ts';
import { siteDataSchema, type SiteData } from '../../src/shared/schema.ts';
import {
  EXIT,
  parseCliArgs,
  printRunSummaries,
  runPipeline,
  selectSteps,
  StepError,
  UsageError,
  type CliOptions,
} from '../../pipeline/cli.ts';
import { readCsv } from '../../pipeline/csv.ts';
import { pipelinePaths } from '../../pipeline/paths.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import { STEPS } from '../../pipeline/steps.ts';
import { tempPathFor } from '../../pipeline/write.ts';
import { zipFolder } from './zip-folder.ts';

const SAMPLE = 'data/sample/archive';
const SLICE = 'tests/fixtures/pipeline/slice/archive';
const SLICE_EXPECTED = 'tests/fixtures/pipeline/slice/expected/leeds_street_combined.csv';
/** An outcomes file for the slice's March 2025, a rule a row (tests/fixtures/pipeline/README.md). */
const SLICE_OUTCOMES = 'tests/fixtures/pipeline/outcomes/archive';
/** Everything a run writes except run-summary.json (which records timings and paths). */
const OUTPUTS = [
  'leeds_street_combined.csv',
  'leeds_stop_and_search.csv',
  'site-data.json',
  'map-data.bin.gz',
  'wards.geojson',
];

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'cli-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function options(archiveDir: string, out: string, extra: Partial<CliOptions> = {}): CliOptions {
  return { help: false, list: false, offline: true, archiveDir, out, ...extra };
}

function stepNumber(name: string): number {
  return STEPS.findIndex((s) => s.name === name) + 1;
}

async function rowsOf(file: string, columns: readonly string[] = STREET_COLUMNS) {
  const rows = [];
  for await (const { values } of readCsv(createReadStream(file), file, columns)) rows.push(values);
  return rows;
}

/** month -> crime type -> count, from CSV rows. */
function totalsByMonthAndType(rows: readonly Readonly<Record<string, string>>[]) {
  const totals: Record<string, Record<string, number>> = {};
  for (const row of rows) {
    const month = (totals[row['Month'] ?? ''] ??= {});
    const type = row['Crime type'] ?? '';
    month[type] = (month[type] ?? 0) + 1;
  }
  return totals;
}

/** The same totals from the site data (summed over wards). */
function siteTotals(site: SiteData) {
  const totals: Record<string, Record<string, number>> = {};
  site.months.forEach((month, m) => {
    const byType: Record<string, number> = {};
    site.crimeTypes.forEach((type, t) => {
      const n = site.counts.reduce((sum, ward) => sum + (ward[m]?.[t] ?? 0), 0);
      if (n > 0) byType[type] = n;
    });
    totals[month] = byType;
  });
  return totals;
}

/** SHA-256 of each output: equal hashes = byte-identical files. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of OUTPUTS) {
    files[name] = createHash('sha256')
      .update(await readFile(path.join(dir, name)))
      .digest('hex');
  }
  return files;
}

describe('parseCliArgs and selectSteps', () => {
  it('reads the step options', () => {
    expect(
      parseCliArgs(['--offline', '--step', '2', '--archive-dir', 'x.zip', '--out', 'o']),
    ).toMatchObject({
      offline: true,
      step: 2,
      archiveDir: 'x.zip',
      out: 'o',
    });
    expect(selectSteps({ from: 2, to: 3 }).map((s) => s.number)).toEqual([2, 3]);
    expect(selectSteps({ step: 1 }).map((s) => s.step.name)).toEqual([STEPS[0]?.name]);
    expect(selectSteps({}).length).toBe(STEPS.length);
  });

  it('rejects unknown options, step numbers out of range and --step with --from', () => {
    expect(() => parseCliArgs(['--bogus'])).toThrow(UsageError);
    expect(() => parseCliArgs(['--step', '0'])).toThrow(/expected a step number from 1 to/);
    expect(() => parseCliArgs(['--step', String(STEPS.length + 1)])).toThrow(UsageError);
    expect(() => parseCliArgs(['--step', '2', '--from', '1'])).toThrow(/not both/);
    expect(() => parseCliArgs(['--from', '3', '--to', '2'])).toThrow(/after --to/);
  });
});

describe('runPipeline on a small real slice', () => {
  let out: string;
  let reporter: ReturnType<typeof createMemoryReporter>;
  beforeAll(async () => {
    out = path.join(tmp, 'slice');
    reporter = createMemoryReporter();
    await runPipeline(options(SLICE, out), { reporter });
  });

  it('writes the master CSV checked by hand in tests/fixtures/pipeline/README.md', async () => {
    expect(await readFile(path.join(out, 'leeds_street_combined.csv'), 'utf8')).toBe(
      await readFile(SLICE_EXPECTED, 'utf8'),
    );
  });

  it('reports rows read, kept and dropped by reason with file:line, and each month source', async () => {
    const summary = JSON.parse(await readFile(path.join(out, 'run-summary.json'), 'utf8'));
    expect(summary.totals).toMatchObject({
      read: 47,
      kept: 41,
      dropped: {
        'outside-district': 3,
        'no-coordinates': 1,
        'malformed-coordinates': 0,
        'malformed-month': 1,
        'malformed-crime-type': 0,
        duplicate: 1,
      },
    });
    expect(
      summary.months.map((m: { month: string; source: string }) => [m.month, m.source]),
    ).toEqual([
      ['2024-03', 'archive'],
      ['2025-03', 'archive'],
    ]);
    expect(summary.dropExamples['malformed-month'][0].where).toMatch(
      /slice\/archive\/2025-03\/2025-03-west-yorkshire-street\.csv:33$/,
    );
    expect(reporter.lines.join('\n')).toMatch(
      /rows dropped: 3 outside-district, 1 no-coordinates, 1 malformed-month, 1 duplicate/,
    );
    expect(
      reporter.lines.filter((l) => l.includes('polling districts are not available')),
    ).toHaveLength(1);
  });

  it('gives site data whose monthly totals by crime type equal the expected rows', async () => {
    const site = siteDataSchema.parse(
      JSON.parse(await readFile(path.join(out, 'site-data.json'), 'utf8')),
    );
    expect(siteTotals(site)).toEqual(totalsByMonthAndType(await rowsOf(SLICE_EXPECTED)));
  });

  it("gives each month's rows by force, which add up to the month, as the expected rows have them", async () => {
    const site = siteDataSchema.parse(
      JSON.parse(await readFile(path.join(out, 'site-data.json'), 'utf8')),
    );
    const expected: Record<string, Record<string, number>> = {};
    for (const row of await rowsOf(SLICE_EXPECTED)) {
      const month = (expected[row['Month'] ?? ''] ??= {});
      const force = `${row['Reported by']} / ${row['Falls within']}`;
      month[force] = (month[force] ?? 0) + 1;
    }
    const byForce = Object.fromEntries(
      site.provenance.map((p) => [
        p.month,
        Object.fromEntries(p.forces.map((f) => [`${f.reportedBy} / ${f.fallsWithin}`, f.count])),
      ]),
    );
    expect(byForce).toEqual(expected);
    expect(Object.keys(expected['2025-03'] ?? {})).toContain(
      'British Transport Police / British Transport Police',
    );
    for (const p of site.provenance) {
      expect(p.forces.reduce((sum, f) => sum + f.count, 0)).toBe(p.rows);
    }
  });

  it('takes unchanged months from the cache on the next run, with the same outputs', async () => {
    const before = await snapshot(out);
    const record = await runPipeline(options(SLICE, out), { reporter: createMemoryReporter() });
    expect(record.months?.map((m) => m.cached)).toEqual([true, true]);
    expect(await snapshot(out)).toEqual(before);
  });

  it('processes only a newly added month, relabelling the cached ones, with the outputs of a full run', async () => {
    const growing = path.join(tmp, 'growing');
    const growingOut = path.join(tmp, 'growing-out');
    await cp(path.join(SLICE, '2024-03'), path.join(growing, '2024-03'), {
      recursive: true,
      preserveTimestamps: true,
    });
    await runPipeline(options(growing, growingOut), { reporter: createMemoryReporter() });
    await cp(path.join(SLICE, '2025-03'), path.join(growing, '2025-03'), {
      recursive: true,
      preserveTimestamps: true,
    });
    const record = await runPipeline(options(growing, growingOut), {
      reporter: createMemoryReporter(),
    });
    expect(record.months?.map((m) => [m.plan.month, m.cached])).toEqual([
      ['2024-03', true],
      ['2025-03', false],
    ]);
    const site = siteDataSchema.parse(
      JSON.parse(await readFile(path.join(growingOut, 'site-data.json'), 'utf8')),
    );
    // Both months now come from an input whose newest month is 2025-03.
    expect(site.provenance.map((p) => [p.month, p.snapshot])).toEqual([
      ['2024-03', 'archive:2025-03'],
      ['2025-03', 'archive:2025-03'],
    ]);
    expect(await snapshot(growingOut)).toEqual(await snapshot(out));
  });

  it('runs a later step alone from the cache, and refuses when the months were never processed', async () => {
    const site = stepNumber('site-data');
    const record = await runPipeline(options(SLICE, out, { step: site }), {
      reporter: createMemoryReporter(),
    });
    expect(record.steps.map((s) => s.name)).toEqual(['site-data']);

    const fresh = path.join(tmp, 'never-processed');
    const error = await runPipeline(options(SLICE, fresh, { step: site }), {
      reporter: createMemoryReporter(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepError);
    expect((error as Error).message).toMatch(
      /step \d+ \(site-data\) failed: 2024-03 has not been processed/,
    );
    expect((error as Error).message).toMatch(/run the "months" step first/);
  });
});

describe('runPipeline on the slice with an outcomes file holding bad rows', () => {
  let archive: string;
  let out: string;
  let lines: string[];
  let outcomesFile: string;
  /** run-summary.json's outcomes section as the run from nothing wrote it. */
  let firstOutcomes: unknown;
  beforeAll(async () => {
    archive = path.join(tmp, 'slice-outcomes');
    await cp(SLICE, archive, { recursive: true });
    await cp(SLICE_OUTCOMES, archive, { recursive: true });
    outcomesFile = path.join(archive, '2025-03', '2025-03-west-yorkshire-outcomes.csv');
    out = path.join(tmp, 'slice-outcomes-out');
    const reporter = createMemoryReporter();
    await runPipeline(options(archive, out), { reporter });
    lines = reporter.lines;
    firstOutcomes = await outcomesSummary();
  });

  async function outcomesSummary() {
    return JSON.parse(await readFile(path.join(out, 'run-summary.json'), 'utf8')).outcomes;
  }

  /** The printed summary's "outcomes files" line and the lines under it. */
  function outcomesLines(printed: readonly string[]): string[] {
    const start = printed.findIndex((l) => l.startsWith('  outcomes files: '));
    const end = printed.findIndex((l, i) => i > start && !l.startsWith('    '));
    return printed.slice(start, end);
  }

  /** A run into the same --out, every month of which must come from the cache. */
  async function cachedRun(extra: Partial<CliOptions> = {}) {
    const reporter = createMemoryReporter();
    await runPipeline(options(archive, out, extra), { reporter });
    const { months } = JSON.parse(await readFile(path.join(out, 'run-summary.json'), 'utf8'));
    expect(months.map((m: { fromCache: boolean }) => m.fromCache)).toEqual([true, true]);
    return reporter.lines;
  }

  it('reports the outcomes rows it cannot use by reason with file:line in run-summary.json, apart from the street drops', async () => {
    const outcomes = await outcomesSummary();
    expect(outcomes).toMatchObject({
      files: 1,
      readThisRun: true,
      read: 12,
      indexed: 7,
      outsideDistrict: 1,
      unusable: {
        'no-crime-id': 1,
        'malformed-month': 1,
        'other-month': 1,
        'no-outcome-type': 1,
      },
      indexedWithoutCoordinates: { 'no-coordinates': 1, 'malformed-coordinates': 1 },
      conflicts: 1,
      // The 7 rows indexed are the outcomes of 5 crimes, each a crime the slice keeps: the
      // Allanfield Grove crime (line 13) is listed in 2024-03, the slice's first month.
      join: {
        crimeIds: 5,
        joined: 5,
        outcomeBeforeCrime: 0,
        matchNoCrime: 0,
        notPoliceForm: 0,
      },
    });
    expect(outcomes.unusableExamples['other-month']).toEqual([
      {
        where: `${outcomesFile}:6`,
        detail:
          'Month "2026-09" in the outcomes file for 2025-03 (Crime ID ' +
          '09d0cb9833c095d597aa3f4e68d192b458ea5d417e64b33749470198796ac9b5)',
      },
    ]);
    expect(outcomes.conflictExamples.map((e: { where: string }) => e.where)).toEqual([
      `${outcomesFile}:3`,
    ]);
    // The street rows' accounting, which the site's quality figures count, is the slice's own.
    const summary = JSON.parse(await readFile(path.join(out, 'run-summary.json'), 'utf8'));
    expect([summary.totals.read, summary.totals.kept]).toEqual([47, 41]);
  });

  it('prints the outcomes rows it cannot use, those indexed without coordinates, what the Crime IDs join and the conflicts in the summary', () => {
    const text = lines.join('\n');
    expect(text).toContain(
      '  outcomes files: 1, read 12 rows, indexed 7 for 5 Crime IDs, 1 outside the district ' +
        '(not needed), unusable 1 no-crime-id, 1 malformed-month, 1 other-month, 1 no-outcome-type',
    );
    expect(text).toMatch(
      /^ {4}of the 5 Crime IDs indexed: 5 joined to a crime the run keeps \(.*\), 0 joined to a crime listed after their latest outcome's month \(outcome-before-crime: .*\), 0 match no crime the run keeps \(crimes listed before its first month .*\)$/m,
    );
    for (const [reason, line] of [
      ['no-crime-id', 4],
      ['malformed-month', 5],
      ['other-month', 6],
      ['no-outcome-type', 7],
      ['malformed-coordinates', 8],
      ['no-coordinates', 9],
      ['conflicting-outcome', 3],
    ] as const) {
      expect(text).toContain(`    ${reason}: ${outcomesFile}:${line}: `);
    }
    expect(text).toMatch(
      /indexed without coordinates \(an outcome joins its crime by Crime ID\): 1 no-coordinates, 1 malformed-coordinates/,
    );
    expect(text).toMatch(/conflicting outcomes: 1 row\(s\) .* the later row's is used/);
  });

  it('gives each crime the outcome of the rows it uses, the later of two for one month, and none from a row it cannot use', async () => {
    const outcomeOf = new Map(
      (await rowsOf(path.join(out, 'leeds_street_combined.csv'), MASTER_COLUMNS)).map((row) => [
        row['Crime ID'],
        row['Outcome'],
      ]),
    );
    expect(
      [
        '2600c16eaf362db26c8eea398b4f974dace13d0d67c18c6ba20712475d16b538', // two in one month
        '6a14910fe4d0cd252fdb91e7c498a2311cdbbd3495e818d68d6b6858b567cdae', // Month "March"
        '09d0cb9833c095d597aa3f4e68d192b458ea5d417e64b33749470198796ac9b5', // Month 2026-09
        '3904398a0da931ff13adccda21253719a936f0ff4e6b41a8d864668d8d23081c', // no outcome type
        '922ff7d5c7451226d75d141698ac56d60c36d8413230486f0eb91c858ab11866', // abc, xyz
        'f35bf42735e88968ec89f5358f6ad2d0188c7143ccc3416ddbf78700d6d94089', // no coordinates
        'a14fe0fa4c921c8585a723a4cb7092095aa474291d7343f31d6b6efe2b1dd55c', // listed in 2024-03
      ].map((id) => outcomeOf.get(id)),
    ).toEqual([
      'Suspect charged',
      'Under investigation',
      'Under investigation',
      'Under investigation',
      'Local resolution',
      'Offender given a caution',
      'Unable to prosecute suspect',
    ]);
  });

  it('reports the same outcomes counts and examples when every month comes from the cache, saying who counted them', async () => {
    const printed = await cachedRun();
    expect(await outcomesSummary()).toEqual({
      ...(firstOutcomes as object),
      readThisRun: false,
    });
    expect(outcomesLines(printed)).toEqual([
      ...outcomesLines(lines),
      '    (counted by the run that read them: every month came from the cache, made with ' +
        'these outcomes files)',
    ]);
  });

  it('reports the same outcomes counts when a later step runs alone from the cache', async () => {
    await cachedRun({ from: stepNumber('master-csv') });
    expect(await outcomesSummary()).toEqual({
      ...(firstOutcomes as object),
      readThisRun: false,
    });
  });

  it.each([
    ['from the saved outcome index, reading none', false],
    ['by reading them, without the saved outcome index', true],
  ])(
    "counts the outcomes files' rows again (%s) when the cache holds every month but not their counts",
    async (_, withoutIndex) => {
      await rm(pipelinePaths({ out }).outcomeCounts);
      if (withoutIndex) await rm(pipelinePaths({ out }).outcomeIndex);
      const printed = await cachedRun();
      expect(await outcomesSummary()).toEqual(firstOutcomes);
      expect(outcomesLines(printed)).toEqual(outcomesLines(lines));
      const summary = JSON.parse(await readFile(path.join(out, 'run-summary.json'), 'utf8')) as {
        forceFileReads: { file: string }[];
      };
      const outcomesRead = summary.forceFileReads.filter((r) => r.file.endsWith('-outcomes.csv'));
      expect(outcomesRead.length > 0).toBe(withoutIndex);
    },
  );

  // Last: it takes the slice's 2024-03 out of the archive.
  it('counts the outcome of a crime listed before the first month as matching no crime the run keeps, not the counts saved for other months', async () => {
    await rm(path.join(archive, '2024-03'), { recursive: true });
    const reporter = createMemoryReporter();
    await runPipeline(options(archive, out), { reporter });
    const summary = JSON.parse(await readFile(path.join(out, 'run-summary.json'), 'utf8'));
    // 2025-03 comes from the cache: its rows are those of the runs before.
    expect(summary.months.map((m: { month: string; fromCache: boolean }) => m)).toMatchObject([
      { month: '2025-03', fromCache: true },
    ]);
    const { join, readThisRun, read, indexed } = summary.outcomes;
    expect([readThisRun, read, indexed]).toEqual([true, 12, 7]);
    // The Allanfield Grove crime (line 13) is listed in 2024-03, before the run's first month.
    expect(join).toEqual({
      crimeIds: 5,
      joined: 4,
      outcomeBeforeCrime: 0,
      matchNoCrime: 1,
      notPoliceForm: 0,
    });
    expect(reporter.lines.join('\n')).toMatch(
      /^ {4}of the 5 Crime IDs indexed: 4 joined to a crime the run keeps .*, 1 match no crime the run keeps \(crimes listed before its first month/m,
    );
  });
});

describe('runPipeline on the sample months, from the folder and from a zip of it', () => {
  let folderOut: string;
  let zipOut: string;
  let zipPath: string;
  const folderReporter = createMemoryReporter();
  beforeAll(async () => {
    folderOut = path.join(tmp, 'sample-folder');
    zipOut = path.join(tmp, 'sample-zip');
    zipPath = path.join(tmp, 'sample-archive.zip');
    await zipFolder(SAMPLE, zipPath, { prefix: 'archive' });
    await runPipeline(options(SAMPLE, folderOut), { reporter: folderReporter });
    await runPipeline(options(zipPath, zipOut), { reporter: createMemoryReporter() });
  }, 120_000);

  it('states how many postcode districts are nearest-district estimates, as the site data counts them', async () => {
    const site = siteDataSchema.parse(
      JSON.parse(await readFile(path.join(folderOut, 'site-data.json'), 'utf8')),
    );
    const { exact, approximate, none } = site.postcodeDistricts;
    const kept = exact + approximate + none;
    expect(kept).toBe(26_721);
    expect(approximate).toBeGreaterThan(0);
    const pct = (n: number) => `${((n / kept) * 100).toFixed(2)}%`;
    expect(folderReporter.lines.join('\n')).toContain(
      `(exact ${pct(exact)}, nearest-district estimate ${pct(approximate)})`,
    );
  });

  it('keeps all 26,721 sample rows, each with a ward', async () => {
    const rows = await rowsOf(path.join(folderOut, 'leeds_street_combined.csv'), [
      ...STREET_COLUMNS,
      'Ward Code',
    ]);
    expect(rows).toHaveLength(26_721);
    expect(rows.filter((r) => !/^E05\d{6}$/.test(r['Ward Code'] ?? ''))).toEqual([]);
  });

  it('keeps monthly totals by crime type equal to the input files', async () => {
    const input = [];
    for (const month of ['2024-03', '2025-02', '2025-03']) {
      input.push(...(await rowsOf(`${SAMPLE}/${month}/${month}-west-yorkshire-street.csv`)));
    }
    const expected = totalsByMonthAndType(input);
    expect(
      totalsByMonthAndType(await rowsOf(path.join(folderOut, 'leeds_street_combined.csv'))),
    ).toEqual(expected);
    const site = siteDataSchema.parse(
      JSON.parse(await readFile(path.join(folderOut, 'site-data.json'), 'utf8')),
    );
    expect(siteTotals(site)).toEqual(expected);
    expect(site.crimeTypes).toEqual([...CRIME_TYPES]);
  });

  it('gives byte-identical outputs from the zip and from the folder', async () => {
    expect(await snapshot(zipOut)).toEqual(await snapshot(folderOut));
  });

  it('a truncated zip fails the months step naming the file, and leaves previous outputs untouched', async () => {
    const broken = path.join(tmp, 'broken.zip');
    await copyFile(zipPath, broken);
    await truncate(broken, Math.floor((await stat(broken)).size * 0.6));
    const before = await snapshot(zipOut);
    const error = await runPipeline(options(broken, zipOut), {
      reporter: createMemoryReporter(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepError);
    expect((error as Error).message).toMatch(
      /^step \d+ \(months\) failed: .*broken\.zip: cannot be read as a zip archive/,
    );
    expect(await snapshot(zipOut)).toEqual(before);
    expect((await readdir(zipOut)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a month whose every row is dated another month fails naming the month, the file and the drops, outputs untouched', async () => {
    const bad = path.join(tmp, 'month-of-drops');
    await cp(SAMPLE, bad, { recursive: true });
    const file = path.join(bad, '2025-03/2025-03-west-yorkshire-street.csv');
    const [header, ...rows] = (await readFile(file, 'utf8')).trimEnd().split('\n');
    await writeFile(
      file,
      `${[header, ...rows.map((row) => row.replace(',2025-03,', ',2025-01,'))].join('\n')}\n`,
    );
    const before = await snapshot(folderOut);
    const error = await runPipeline(options(bad, folderOut), {
      reporter: createMemoryReporter(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepError);
    expect((error as Error).message).toContain(
      `step ${stepNumber('months')} (months) failed: ${file}: holds no usable crimes for ` +
        `2025-03: all 9,304 rows read were dropped (9,304 malformed-month, e.g. ${file}:2: ` +
        'Month "2025-01" in a file for 2025-03)',
    );
    expect(await snapshot(folderOut)).toEqual(before);
  });

  it.skipIf(!existsSync('/dev/full'))(
    'a full disk fails the run naming the output it could not write, outputs untouched',
    async () => {
      const diskFull = (file: string) =>
        `${file} could not be written (ENOSPC: no space left on device, write): free some ` +
        `space on the disk that holds ${folderOut} and run again`;
      // The master CSV is a stream written as the later steps run (from the slice, other
      // months than those published: all of it); the site data one write.
      for (const [output, failure] of [
        ['leeds_street_combined.csv', 'the master-csv step failed: '],
        ['site-data.json', `step ${stepNumber('site-data')} (site-data) failed: `],
      ] as const) {
        const file = path.join(folderOut, output);
        const before = await snapshot(folderOut);
        // /dev/full answers every write with ENOSPC; the run writes to "<file>.tmp-<its pid>".
        await symlink('/dev/full', tempPathFor(file));
        const error = await runPipeline(options(SLICE, folderOut), {
          reporter: createMemoryReporter(),
        }).catch((e: unknown) => e);
        expect((error as Error).message, output).toBe(`${failure}${diskFull(file)}`);
        expect(await snapshot(folderOut), output).toEqual(before);
        expect((await readdir(folderOut)).filter((f) => f.includes('.tmp-'))).toEqual([]);
      }
    },
  );

  it('a street file with a wrong header fails naming the file and the missing columns, outputs untouched', async () => {
    const bad = path.join(tmp, 'bad-header');
    await mkdir(path.join(bad, '2025-03'), { recursive: true });
    const file = path.join(bad, '2025-03/2025-03-west-yorkshire-street.csv');
    const text = await readFile(`${SAMPLE}/2025-03/2025-03-west-yorkshire-street.csv`, 'utf8');
    await writeFile(
      file,
      text.replace('Crime type,Last outcome category', 'Crime,Last outcome category'),
    );
    const before = await snapshot(folderOut);
    const error = await runPipeline(options(bad, folderOut), {
      reporter: createMemoryReporter(),
    }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`${file}: the header lacks column(s) "Crime type"`);
    expect(await snapshot(folderOut)).toEqual(before);
  });
});

describe('printRunSummaries (--json after a run that published)', () => {
  /** What `run` prints on stdout and stderr, and the exit code it returns. */
  async function printed(run: () => Promise<number>) {
    let stdout = '';
    let stderr = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    const err = vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      stderr += `${String(line)}\n`;
    });
    try {
      return { code: await run(), stdout, stderr };
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  }

  async function summaryIn(dir: string, text: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'run-summary.json'), text);
  }

  it("prints one district's run summary as it is, and several districts' by slug", async () => {
    const one = path.join(tmp, 'summaries-one');
    await summaryIn(one, '{"kept": 12}\n');
    const single = await printed(() => printRunSummaries({ out: one }));
    expect(single).toEqual({ code: 0, stdout: '{"kept": 12}\n', stderr: '' });

    const several = path.join(tmp, 'summaries-several');
    await summaryIn(path.join(several, 'leeds'), '{"kept": 12}\n');
    await summaryIn(path.join(several, 'sheffield'), '{"kept": 7}\n');
    const both = await printed(() =>
      printRunSummaries({ out: several, areas: ['leeds', 'sheffield'] }),
    );
    expect(both.code).toBe(0);
    expect(JSON.parse(both.stdout)).toEqual({ leeds: { kept: 12 }, sheffield: { kept: 7 } });
  });

  it.each([
    ['is missing', [['leeds', null]], 'leeds', /run-summary\.json: ENOENT/],
    ['of the one district is not JSON', [['leeds', '{"kept": ']], 'leeds', /JSON/],
    [
      'of one of several districts is not JSON',
      [
        ['leeds', '{"kept": 12}\n'],
        ['sheffield', '{"kept": '],
      ],
      'sheffield',
      /JSON/,
    ],
  ] as const)(
    'says the outputs were written, names the file, and exits 3 rather than 1 (a failed step), when the summary %s',
    async (_, districts, named, reason) => {
      const out = await mkdtemp(path.join(tmp, 'summaries-'));
      const several = districts.length > 1;
      for (const [slug, text] of districts) {
        if (text !== null) await summaryIn(several ? path.join(out, slug) : out, text);
      }
      const options = several ? { out, areas: districts.map(([slug]) => slug) } : { out };
      const { code, stdout, stderr } = await printed(() => printRunSummaries(options));
      expect(code).toBe(EXIT.summaryUnread);
      expect(code).not.toBe(EXIT.failed);
      expect(stdout).toBe('');
      expect(stderr).toMatch(
        /^pipeline: every output was written, but the run summary could not be read back for --json: /,
      );
      expect(stderr).toMatch(reason);
      const file = path.join(several ? path.join(out, named) : out, 'run-summary.json');
      expect(stderr).toContain(`--json: ${file}: `);
    },
  );
});
