// `npm run pipeline -- --area leeds --area sheffield`: one run for two districts reads each
// police.uk file once and gives its rows to every district whose forces include it, and
// each district's outputs are byte for byte those of a run for it alone. The input holds both
// committed samples (West Yorkshire and South Yorkshire) and British Transport Police files
// (street, outcomes, stop and search) that both districts read, made of sample rows marked
// "TEST DATA".
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseCliArgs,
  runAreas,
  StepError,
  type AreasRun,
  type CliOptions,
} from '../../pipeline/cli.ts';
import { InputError } from '../../pipeline/input-error.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import type { Step } from '../../pipeline/run-context.ts';
import { STEPS } from '../../pipeline/steps.ts';
import {
  asBtp,
  BTP_ROWS_PER_DISTRICT,
  streetLines,
  writeLeedsTwin,
} from '../support/multi-area.ts';
import { outputFiles } from '../support/output-files.ts';
import { sampleStopSearchIn } from '../support/police-fixtures.ts';

const LEEDS_SAMPLE = path.resolve('data/sample/archive');
const SHEFFIELD_SAMPLE = path.resolve('data/areas/sheffield/sample/archive');
const SAVED_AT = new Date('2026-12-01T00:00:00Z');
/** The month both samples hold, and the British Transport Police files made for it. */
const SHARED_MONTH = '2024-03';
const BTP_STREET = `${SHARED_MONTH}/${SHARED_MONTH}-btp-street.csv`;

let dir: string;
let archive: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'multi-area-'));
  archive = path.join(dir, 'archive');
  await cp(LEEDS_SAMPLE, archive, { recursive: true });
  await cp(SHEFFIELD_SAMPLE, archive, { recursive: true });
  const leeds = streetLines(
    path.join(LEEDS_SAMPLE, SHARED_MONTH, `${SHARED_MONTH}-west-yorkshire-street.csv`),
  );
  const sheffield = streetLines(
    path.join(SHEFFIELD_SAMPLE, SHARED_MONTH, `${SHARED_MONTH}-south-yorkshire-street.csv`),
  );
  const inSheffield = sheffield.rows.filter((row) => row.includes(',Sheffield '));
  const btp = [
    ...leeds.rows.slice(0, BTP_ROWS_PER_DISTRICT),
    ...inSheffield.slice(0, BTP_ROWS_PER_DISTRICT),
  ].map(asBtp);
  await writeFile(path.join(archive, BTP_STREET), `${[leeds.header, ...btp].join('\n')}\n`);
  // The next month's outcomes file revises the BTP crimes of both districts.
  const outcomes = btp
    .map((row) => row.split(','))
    .filter(([id]) => id !== '')
    .map(([id, , by, within, lon, lat, location, code, name]) =>
      [id, '2024-04', by, within, lon, lat, location, code, name, 'Offender given a caution'].join(
        ',',
      ),
    );
  await writeFile(
    path.join(archive, '2024-04', '2024-04-btp-outcomes.csv'),
    'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\n' +
      `${outcomes.join('\n')}\n`,
  );
  // Stop and search: West Yorkshire's sample rows, as BTP's for the shared month.
  await writeFile(
    path.join(archive, SHARED_MONTH, `${SHARED_MONTH}-btp-stop-and-search.csv`),
    sampleStopSearchIn(SHARED_MONTH),
  );
  for (const entry of await readdir(archive, { recursive: true, withFileTypes: true })) {
    await utimes(path.join(entry.parentPath, entry.name), SAVED_AT, SAVED_AT);
  }
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function options(extra: Partial<CliOptions>): CliOptions {
  return { help: false, list: false, offline: true, archiveDir: archive, ...extra };
}

async function run(extra: Partial<CliOptions>, threads: number, root?: string): Promise<AreasRun> {
  return runAreas(options(extra), { reporter: createMemoryReporter(), threads, root });
}

/** The run summary without what differs between two runs: timings, paths, the run's reads. */
async function summary(out: string): Promise<unknown> {
  const text = (await readFile(path.join(out, 'run-summary.json'), 'utf8')).replaceAll(
    out,
    '<out>',
  );
  const {
    steps,
    forceFileReads: _reads,
    ...rest
  } = JSON.parse(text) as {
    steps: { name: string; result: string }[];
    forceFileReads: unknown;
  };
  return { ...rest, steps: steps.map(({ name, result }) => ({ name, result })) };
}

/** Every police.uk file of the input, by path. */
async function inputFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.csv'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

function rowCount(file: string): number {
  return (parse(readFileSync(file), { columns: true, bom: true }) as unknown[]).length;
}

describe('runAreas({ areas: ["leeds", "sheffield"] }) on both samples and shared BTP files', () => {
  let together: AreasRun;
  let inline: AreasRun;
  const alone: Record<string, AreasRun> = {};

  beforeAll(async () => {
    together = await run({ areas: ['leeds', 'sheffield'], out: path.join(dir, 'together') }, 2);
    inline = await run({ areas: ['leeds', 'sheffield'], out: path.join(dir, 'inline') }, 1);
    for (const area of ['leeds', 'sheffield']) {
      alone[area] = await run({ area, out: path.join(dir, 'alone', area) }, 2);
    }
  }, 240_000);

  it("writes each district's outputs, byte for byte, as a run for it alone", async () => {
    for (const out of ['together', 'inline']) {
      for (const area of ['leeds', 'sheffield']) {
        const own = path.join(dir, out, area);
        const single = path.join(dir, 'alone', area);
        const files = await outputFiles(own);
        expect(Object.keys(files).length, `${out}/${area}`).toBeGreaterThanOrEqual(7);
        expect(files, `${out}/${area}`).toEqual(await outputFiles(single));
        expect(await summary(own), `${out}/${area}`).toEqual(await summary(single));
      }
    }
  });

  it('reads each police.uk file of the input once, where two runs alone read the BTP files twice', async () => {
    const every = (await inputFiles(archive)).map((file) => ({ file, reads: 1 }));
    expect(together.forceFiles).toEqual(every);
    expect(inline.forceFiles).toEqual(every);
    const alone2 = [...alone['leeds']!.forceFiles, ...alone['sheffield']!.forceFiles];
    const btp = alone2.filter((f) => f.file.includes('-btp-'));
    expect(btp.map((f) => path.basename(f.file)).sort()).toEqual([
      '2024-03-btp-stop-and-search.csv',
      '2024-03-btp-stop-and-search.csv',
      '2024-03-btp-street.csv',
      '2024-03-btp-street.csv',
      '2024-04-btp-outcomes.csv',
      '2024-04-btp-outcomes.csv',
    ]);
    const written = JSON.parse(
      await readFile(path.join(dir, 'together', 'sheffield', 'run-summary.json'), 'utf8'),
    ) as { forceFileReads: unknown };
    expect(written.forceFileReads).toEqual(every);
  });

  it("gives the shared file's rows to both districts: each reads its own force's rows and BTP's", () => {
    const btpRows = rowCount(path.join(archive, BTP_STREET));
    expect(btpRows).toBe(2 * BTP_ROWS_PER_DISTRICT);
    for (const [area, force] of [
      ['leeds', 'west-yorkshire'],
      ['sheffield', 'south-yorkshire'],
    ] as const) {
      const record = together.areas.find((a) => a.area === area)!.record;
      const month = record.months!.find((m) => m.plan.month === SHARED_MONTH)!;
      const own = rowCount(path.join(archive, SHARED_MONTH, `${SHARED_MONTH}-${force}-street.csv`));
      expect(month.summary.read, area).toBe(own + btpRows);
      expect(record.stopSearch!.read, area).toBeGreaterThan(0);
    }
  });

  it('revises the BTP crimes of both districts from the one outcomes file', async () => {
    for (const area of ['leeds', 'sheffield']) {
      const csv = await readFile(
        path.join(dir, 'together', area, `${area}_street_combined.csv`),
        'utf8',
      );
      const btp = csv.split('\n').filter((l) => l.includes(',British Transport Police,'));
      const withId = btp.filter((line) => !line.startsWith(','));
      expect(withId.length, area).toBeGreaterThan(0);
      expect(
        withId.filter((line) => !line.includes('Offender given a caution')),
        area,
      ).toEqual([]);
    }
  });

  it("accounts for the one outcomes file's rows in each district: its own indexed, the other's outside it", () => {
    const [leeds, sheffield] = ['leeds', 'sheffield'].map(
      (area) => together.areas.find((a) => a.area === area)!.record.outcomes!,
    );
    for (const outcomes of [leeds!, sheffield!]) {
      const rows = outcomes.counts!.rows;
      expect(outcomes.files).toBe(1);
      expect(rows.indexed).toBeGreaterThan(0);
      expect(rows.indexed + rows.elsewhere).toBe(rows.read);
      expect([rows.unusable.total, rows.unlocated.total, rows.conflicts.total]).toEqual([0, 0, 0]);
    }
    expect(leeds!.counts!.rows.read).toBe(
      leeds!.counts!.rows.indexed + sheffield!.counts!.rows.indexed,
    );
  });
});

describe('runAreas for two districts of one force', () => {
  let root: string;
  let result: AreasRun;

  beforeAll(async () => {
    // A repository with Leeds and a second district made from Leeds's configuration: both
    // read the West Yorkshire files.
    root = path.join(dir, 'repository');
    await writeLeedsTwin(root);
    result = await run(
      { areas: ['leeds', 'leeds-twin'], archiveDir: LEEDS_SAMPLE, out: path.join(dir, 'twin') },
      2,
      root,
    );
  }, 120_000);

  it('reads each West Yorkshire file once and gives every row to both', async () => {
    expect(result.forceFiles).toEqual(
      (await inputFiles(LEEDS_SAMPLE)).map((file) => ({ file, reads: 1 })),
    );
    const [leeds, twin] = result.areas;
    expect(twin!.record.months).toHaveLength(3);
    expect(twin!.record.months!.map((m) => m.summary.read)).toEqual(
      leeds!.record.months!.map((m) => m.summary.read),
    );
    const master = (area: string) =>
      readFile(path.join(dir, 'twin', area, `${area}_street_combined.csv`));
    expect((await master('leeds-twin')).equals(await master('leeds'))).toBe(true);
    const stops = (area: string) =>
      readFile(path.join(dir, 'twin', area, `${area}_stop_and_search.csv`));
    expect((await stops('leeds-twin')).equals(await stops('leeds'))).toBe(true);
  });

  it('names the district in what the postcodes step (run for both at once) logs, and the one whose part failed', async () => {
    const out = path.join(dir, 'twin-postcodes');
    const answers = path.join(out, 'leeds-twin', 'cache', 'sources', 'postcodes-io.json');
    await mkdir(path.dirname(answers), { recursive: true });
    await writeFile(answers, '{"version":1,"entries":');
    const postcodes = STEPS.findIndex((step) => step.name === 'postcodes') + 1;
    const reporter = createMemoryReporter();
    const error = await runAreas(
      options({
        areas: ['leeds', 'leeds-twin'],
        archiveDir: LEEDS_SAMPLE,
        out,
        offline: false,
        step: postcodes,
      }),
      { reporter, threads: 1, root },
    ).catch((e: unknown) => e);
    // Leeds's part, before leeds-twin's failed, says whose months it counts.
    expect(reporter.lines).toContain('  leeds: 0 month(s) from the month cache, 3 to read');
    expect(error).toBeInstanceOf(StepError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^step ${postcodes} \\(postcodes\\) failed for leeds-twin: .*postcodes-io\\.json.* is not valid JSON`,
      ),
    );
    expect((error as Error).cause).toBeInstanceOf(InputError);
  });
});

describe('runAreas when a step fails for one district', () => {
  it('publishes no district (all or nothing) and names the district that failed', async () => {
    const out = path.join(dir, 'failed');
    const previous = path.join(out, 'leeds', 'site-data.json');
    await mkdir(path.dirname(previous), { recursive: true });
    await writeFile(previous, 'the previous good site data\n');
    const check: Step = {
      name: 'check',
      description: 'fails for Sheffield',
      run: (local) => {
        if (local.area.config.slug === 'sheffield') throw new Error('Sheffield is not ready');
        return Promise.resolve('ok');
      },
    };
    const failed = runAreas(options({ areas: ['leeds', 'sheffield'], out }), {
      reporter: createMemoryReporter(),
      threads: 2,
      steps: [...STEPS, check],
    });
    await expect(failed).rejects.toThrow(StepError);
    await expect(failed).rejects.toThrow(
      /step 9 \(check\) failed for sheffield: Sheffield is not ready/,
    );
    expect(await readFile(previous, 'utf8')).toBe('the previous good site data\n');
    // No file of either district was published (folders made for staging may stay, empty).
    for (const area of ['leeds', 'sheffield']) {
      const entries = await readdir(path.join(out, area), { recursive: true, withFileTypes: true });
      const files = entries
        .filter((e) => e.isFile())
        .map((e) => path.relative(path.join(out, area), path.join(e.parentPath, e.name)))
        .filter((file) => !file.startsWith('cache'));
      expect(files, area).toEqual(area === 'leeds' ? ['site-data.json'] : []);
    }
  });
});

describe('parseCliArgs --area', () => {
  it('takes several districts as repeated options or a comma list', () => {
    for (const argv of [
      ['--area', 'leeds', '--area', 'sheffield'],
      ['--area', 'leeds,sheffield'],
    ]) {
      const parsed = parseCliArgs(argv);
      expect(parsed.areas).toEqual(['leeds', 'sheffield']);
      expect(parsed.area).toBe('leeds');
    }
    expect(parseCliArgs(['--area', 'sheffield']).areas).toBeUndefined();
    expect(parseCliArgs(['--area', 'sheffield']).area).toBe('sheffield');
  });

  it('refuses a district given twice or an empty one', () => {
    expect(() => parseCliArgs(['--area', 'leeds,leeds'])).toThrow('--area leeds is given twice');
    expect(() => parseCliArgs(['--area', 'leeds,'])).toThrow('--area: an empty value');
  });
});
