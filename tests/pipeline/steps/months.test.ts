// The months step runs archive and API months the same way: each wave in the month workers
// when it has several months, else inline, with the same results either way.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, type CliOptions } from '../../../pipeline/cli.ts';
import { PROGRESS_BATCH_BYTES } from '../../../pipeline/progress-batches.ts';
import { createMemoryReporter, type Reporter } from '../../../pipeline/report.ts';
import type { RunRecord } from '../../../pipeline/run-context.ts';
import { outputFiles } from '../../support/output-files.ts';
import { sampleRows, toApiCrime } from '../../support/police-fixtures.ts';

/** Months after the sample's newest, served only by police.uk's API. */
const API_MONTHS = ['2025-04', '2025-05'];

const SAVED_AT = new Date('2025-06-01T00:00:00Z');

let dir: string;

/** The sample's archive with a 2025-05 outcomes file revising some 2025-03 crimes. */
let archive: string;
const REVISED = 'Offender given a caution';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'months-step-'));
  archive = path.join(dir, 'archive');
  await cp(path.resolve('data/sample/archive'), archive, { recursive: true });
  const header =
    'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type';
  const rows = sampleRows('2025-03')
    .filter((row, i) => row['Crime ID'] !== '' && i % 4 === 0)
    .map((row) =>
      [
        row['Crime ID'],
        '2025-05',
        row['Reported by'],
        row['Falls within'],
        row['Longitude'],
        row['Latitude'],
        row['Location'],
        row['LSOA code'],
        row['LSOA name'],
        REVISED,
      ].join(','),
    );
  await mkdir(path.join(archive, '2025-05'));
  await writeFile(
    path.join(archive, '2025-05', '2025-05-west-yorkshire-outcomes.csv'),
    `${[header, ...rows].join('\n')}\n`,
  );
  for (const entry of await readdir(archive, { recursive: true, withFileTypes: true })) {
    await utimes(path.join(entry.parentPath, entry.name), SAVED_AT, SAVED_AT);
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A run of the sample with API_MONTHS as saved API snapshots, in `threads` threads, into `name`. */
async function run(
  threads: number,
  {
    name = `threads-${threads}`,
    reporter = createMemoryReporter(),
  }: { name?: string; reporter?: Reporter & { lines: string[] } } = {},
): Promise<{ out: string; record: RunRecord; lines: string[] }> {
  const out = path.join(dir, name);
  const apiDir = path.join(out, 'cache', 'api');
  await mkdir(apiDir, { recursive: true });
  const rows = sampleRows('2025-03');
  for (const month of API_MONTHS) {
    // March's crimes as another month's: each with a Crime ID of its own, as police.uk's API
    // gives a month's crimes (a month of March's IDs would be refused as March's file again).
    const crimes = rows.map((row, i) => {
      const crimeId = row['Crime ID'] ?? '';
      const persistent_id =
        crimeId === '' ? '' : createHash('sha256').update(`${month} ${crimeId}`).digest('hex');
      return { ...toApiCrime(row, 80_000_000 + i), month, persistent_id };
    });
    const file = path.join(apiDir, `${month}.json`);
    await writeFile(file, JSON.stringify(crimes));
    // A snapshot's mtime is when it was fetched, which the outputs show: the same in both runs.
    await utimes(file, SAVED_AT, SAVED_AT);
  }
  const options: CliOptions = {
    help: false,
    list: false,
    offline: true,
    archiveDir: archive,
    out,
  };
  const record = await runPipeline(options, {
    reporter,
    threads,
    generatedAt: '2025-06-01T00:00:00.000Z',
  });
  return { out, record, lines: reporter.lines };
}

describe('the months step with archive and API months and outcomes files', () => {
  it('processes the API months in the month workers too, with the same outputs and outcomes as inline', async () => {
    const inline = await run(1);
    const workers = await run(2);
    const apiMonths = workers.record.months?.filter((m) => m.plan.source === 'api') ?? [];
    expect(apiMonths.map((m) => m.plan.month)).toEqual(API_MONTHS);
    // Their LSOA codes come from the archive months' rows (enrich.ts).
    for (const m of apiMonths) expect(m.summary.coverage.lsoa).toBe(m.summary.kept);
    expect(workers.lines).toContainEqual(`  ${API_MONTHS.length} month(s) in 2 threads`);
    expect(inline.lines.some((line) => / month\(s\) in \d threads/.test(line))).toBe(false);
    const [a, b] = [await outputFiles(inline.out), await outputFiles(workers.out)];
    expect(Object.keys(b).length).toBeGreaterThan(3);
    expect(b).toEqual(a);
    // The outcomes file revised the crimes it lists, in the workers as inline.
    const csv = await readFile(path.join(workers.out, 'leeds_street_combined.csv'), 'utf8');
    expect(csv.split(REVISED).length - 1).toBeGreaterThan(1000);
  });
});

describe("the months step's progress from the month workers", () => {
  it('adds up to every byte of the months read, told in batches rather than a read at a time', async () => {
    const memory = createMemoryReporter();
    const told: { label: string; total: number; advances: number[] }[] = [];
    const reporter = {
      ...memory,
      progress: (label: string, total: number) => {
        const shown = memory.progress(label, total);
        const progress = { label, total, advances: [] as number[] };
        told.push(progress);
        return {
          advance: (n: number) => {
            progress.advances.push(n);
            shown.advance(n);
          },
          done: shown.done,
        };
      },
    };
    await run(2, { name: 'progress', reporter });
    const inWorkers = told.filter(({ label }) => / month\(s\) in 2 threads$/.test(label));
    expect(inWorkers.length).toBeGreaterThan(0);
    for (const { label, total, advances } of inWorkers) {
      const months = Number(/^(\d+) month/.exec(label)![1]);
      expect({ label, told: advances.reduce((a, b) => a + b, 0) }).toEqual({ label, told: total });
      // At most one report for each full batch, and one more for the rest of each month.
      expect(advances.length).toBeLessThanOrEqual(
        Math.floor(total / PROGRESS_BATCH_BYTES) + months,
      );
    }
    // The archive months' street files are read in many chunks each (about 2 MB a month).
    expect(Math.max(...inWorkers.map(({ total }) => total))).toBeGreaterThan(PROGRESS_BATCH_BYTES);
  });
});

describe('the months step when the postcodes.io answers change during the run', () => {
  it('stops with an error when a month worker loads other postcodes.io answers than the main thread', async () => {
    const name = 'answers-changed';
    const answersFile = path.join(dir, name, 'cache', 'sources', 'postcodes-io.json');
    const answers = (district: string) =>
      JSON.stringify({ version: 1, entries: { '-1.500000,53.800000': { place: { district } } } });
    await mkdir(path.dirname(answersFile), { recursive: true });
    await writeFile(answersFile, answers('LS1'));
    // The main thread has loaded the geography and the answers; the workers load them as
    // they start their first month, after the months step has started its progress line.
    let changed = false;
    const memory = createMemoryReporter();
    const reporter = {
      ...memory,
      progress: (label: string, total: number) => {
        if (!changed && / month\(s\) in 2 threads/.test(label)) {
          writeFileSync(answersFile, answers('WF1'));
          changed = true;
        }
        return memory.progress(label, total);
      },
    };
    await expect(run(2, { name, reporter })).rejects.toThrow(
      /the reference geography or the postcodes\.io answers changed while the pipeline was running: run it again/,
    );
    expect(changed).toBe(true);
  });
});
