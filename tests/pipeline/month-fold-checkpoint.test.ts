// The months step's saved folds (month-fold-checkpoint.ts): a run that adds a month after the
// months of the run before starts from that run's folds, and writes what a run from nothing
// writes; a changed month, context or cache entry is never served from them.
import { createHash } from 'node:crypto';
import { appendFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serialize } from 'node:v8';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline/cli.ts';
import { importGraph } from '../../pipeline/code-fingerprint.ts';
import {
  checkpointContext,
  FOLD_CHECKPOINT_ENTRIES,
  restoreFoldCheckpoint,
  type CheckpointMonth,
} from '../../pipeline/month-fold-checkpoint.ts';
import {
  monthCacheFiles,
  readMonthCacheStamp,
  type PostcodeAnswers,
} from '../../pipeline/month-cache.ts';
import { pipelinePaths } from '../../pipeline/paths.ts';
import { loadArea } from '../../pipeline/area.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import type { RunRecord } from '../../pipeline/run-context.ts';
import { relistedIn, sampleCrimeLines } from '../support/police-fixtures.ts';

const GENERATED_AT = '2025-06-01T00:00:00.000Z';
const SAMPLE = path.resolve('data/sample/archive');
/** Rows of 2025-02 listed again in 2025-03, where they are dropped as repeats. */
const REPEATED = 25;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'month-fold-checkpoint-'));
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(archive: string, out: string): Promise<RunRecord> {
  return runPipeline(
    { help: false, list: false, offline: true, archiveDir: archive, out },
    { reporter: createMemoryReporter(), threads: 2, generatedAt: GENERATED_AT },
  );
}

/** The sample's months `months` (and its stop and search month) in a new archive folder. */
async function archiveOf(name: string, months: readonly string[]): Promise<string> {
  const archive = path.join(dir, name);
  for (const month of ['2021-08', ...months]) {
    await cp(path.join(SAMPLE, month), path.join(archive, month), { recursive: true });
  }
  return archive;
}

/** Add `month` of the sample to `archive`, with rows of 2025-02 repeated in it when it is 2025-03. */
async function addMonth(archive: string, month: string): Promise<void> {
  await cp(path.join(SAMPLE, month), path.join(archive, month), { recursive: true });
  if (month !== '2025-03') return;
  const repeats = sampleCrimeLines('2025-02')
    .slice(0, REPEATED)
    .map((line) => relistedIn(line, '2025-03'));
  await appendFile(
    path.join(archive, month, `${month}-west-yorkshire-street.csv`),
    `${repeats.join('\n')}\n`,
  );
}

/** What a run publishes, the map data decompressed. */
async function outputs(out: string): Promise<Record<string, string>> {
  const paths = pipelinePaths({ out });
  return {
    siteData: await readFile(paths.siteData, 'utf8'),
    mapData: gunzipSync(await readFile(paths.mapData)).toString('base64'),
    masterCsv: await readFile(paths.masterCsv, 'utf8'),
  };
}

/**
 * A run of 2024-03 and 2025-02 into a new folder `name`, then `change` (to the archive or the
 * output folder), then a run with 2025-03 added: that run's record, and its folders.
 */
async function runAddingMarch(
  name: string,
  change: (archive: string, out: string) => Promise<void> = async () => {},
): Promise<{ record: RunRecord; archive: string; out: string }> {
  const archive = await archiveOf(name, ['2024-03', '2025-02']);
  const out = path.join(dir, `${name}-out`);
  await run(archive, out);
  await change(archive, out);
  await addMonth(archive, '2025-03');
  return { record: await run(archive, out), archive, out };
}

/** Each month of the run and whether it came from the month cache. */
function cachedMonths(record: RunRecord): [string, boolean][] {
  return record.months!.map((m) => [m.plan.month, m.cached]);
}

/** What a run from nothing of `archive` publishes, into a new folder `name`. */
async function freshOutputs(archive: string, name: string): Promise<Record<string, string>> {
  const fresh = path.join(dir, name);
  await run(archive, fresh);
  return outputs(fresh);
}

describe('a run that adds a month after the months of the run before', () => {
  it('starts from the saved folds and writes what a run from nothing writes', async () => {
    const { record, archive, out } = await runAddingMarch('added');
    expect(cachedMonths(record)).toEqual([
      ['2024-03', true],
      ['2025-02', true],
      ['2025-03', false],
    ]);
    expect(record.notes.join('\n')).toMatch(`2025-03: ${REPEATED} row(s) dropped as duplicates`);
    // The earlier months came with the folds: their summaries were not read (nor relabelled).
    const summary = await readFile(
      monthCacheFiles(pipelinePaths({ out }).monthsCacheDir, '2024-03').summary,
      'utf8',
    );
    expect(summary).toContain('"snapshot":"archive:2025-02"');
    expect(await outputs(out)).toEqual(await freshOutputs(archive, 'added-fresh'));
  }, 120_000);

  it('does not start from them when an earlier month changed: its new rows are counted', async () => {
    const { record, archive, out } = await runAddingMarch('changed', async (archive) => {
      // A row of 2025-02 changes type: its cache key changes, the saved folds no longer hold it.
      const file = path.join(archive, '2025-02', '2025-02-west-yorkshire-street.csv');
      const text = await readFile(file, 'utf8');
      const changed = text.replace(/,Burglary,/, ',Robbery,');
      expect(changed).not.toBe(text);
      await writeFile(file, changed);
    });
    expect(cachedMonths(record)).toEqual([
      ['2024-03', true],
      ['2025-02', false],
      ['2025-03', false],
    ]);
    expect(await outputs(out)).toEqual(await freshOutputs(archive, 'changed-fresh'));
  }, 120_000);

  it('processes a month again whose cached rows file was cut short since, every row kept', async () => {
    let csv = '';
    let rows = Buffer.alloc(0);
    const { record, archive, out } = await runAddingMarch('cut', async (_archive, out) => {
      csv = monthCacheFiles(pipelinePaths({ out }).monthsCacheDir, '2024-03').csv;
      rows = await readFile(csv);
      await writeFile(csv, rows.subarray(0, rows.length - 500));
    });
    expect(cachedMonths(record)).toEqual([
      ['2024-03', false],
      ['2025-02', true],
      ['2025-03', false],
    ]);
    expect((await readFile(csv)).equals(rows)).toBe(true);
    expect(await outputs(out)).toEqual(await freshOutputs(archive, 'cut-fresh'));
  }, 120_000);
});

describe('restoreFoldCheckpoint(file, context, months, labels, monthsCacheDir, answers)', () => {
  const labels = (n: number) =>
    Array.from({ length: n }, () => ({ snapshot: 'archive:2026-01', fetchedAt: GENERATED_AT }));
  let out: string;
  let months: CheckpointMonth[];
  /** The context of a Leeds run: its code and the centre of its area.json. */
  let leeds: string;

  beforeAll(async () => {
    const archive = await archiveOf('restore', ['2024-03', '2025-02']);
    leeds = checkpointContext((await loadArea('leeds')).config.centre, []);
    out = path.join(dir, 'restore-out');
    await run(archive, out);
    const { monthsCacheDir } = pipelinePaths({ out });
    months = [];
    for (const month of ['2024-03', '2025-02']) {
      const text = await readFile(monthCacheFiles(monthsCacheDir, month).summary, 'utf8');
      months.push({ month, key: (JSON.parse(text) as { cacheKey: string }).cacheKey });
    }
  }, 120_000);

  const restore = (
    ms: readonly CheckpointMonth[],
    context = leeds,
    answers: PostcodeAnswers = new Map(),
  ) => {
    const paths = pipelinePaths({ out });
    return restoreFoldCheckpoint(
      paths.monthFoldsCheckpoint,
      context,
      ms,
      labels(ms.length),
      paths.monthsCacheDir,
      answers,
    );
  };

  it('returns the saved months, relabelled, for the same months or more after them', async () => {
    const same = await restore(months);
    expect(same?.months.map((m) => [m.totals.month, m.totals.snapshot])).toEqual([
      ['2024-03', 'archive:2026-01'],
      ['2025-02', 'archive:2026-01'],
    ]);
    expect(same?.folds.siteData.totals.map((t) => t.snapshot)).toEqual([
      'archive:2026-01',
      'archive:2026-01',
    ]);
    const more = await restore([...months, { month: '2025-03', key: 'b'.repeat(64) }]);
    expect(more?.months).toHaveLength(2);
  });

  it('returns null when a month has another key, is missing or the months start elsewhere', async () => {
    expect(await restore([months[0]!, { ...months[1]!, key: 'a'.repeat(64) }])).toBeNull();
    expect(await restore([months[0]!])).toBeNull();
    expect(await restore([{ month: '2024-02', key: 'c'.repeat(64) }, ...months])).toBeNull();
  });

  it('returns null in another context (code, centre or outcomes files)', async () => {
    const context = checkpointContext(
      { kind: 'postcode-districts', label: 'city centre', districts: ['LS1'] },
      [],
    );
    expect(context).not.toBe(leeds);
    expect(await restore(months, context)).toBeNull();
    const withOutcomes = checkpointContext((await loadArea('leeds')).config.centre, [
      '2025-03/west-yorkshire:size:10,mtime:1',
    ]);
    expect(withOutcomes).not.toBe(leeds);
    expect(await restore(months, withOutcomes)).toBeNull();
  });

  /** Run `check` with `file` holding `bytes`, then put the file back as it was. */
  async function whileHolding(file: string, bytes: string | Buffer, check: () => Promise<void>) {
    const before = await readFile(file);
    await writeFile(file, bytes);
    try {
      await check();
    } finally {
      await writeFile(file, before);
    }
  }

  it('returns null when a month is no longer in the cache under its key', async () => {
    const { monthsCacheDir } = pipelinePaths({ out });
    const summary = monthCacheFiles(monthsCacheDir, '2025-02').summary;
    const text = await readFile(summary, 'utf8');
    await whileHolding(summary, text.replace(months[1]!.key, 'd'.repeat(64)), async () => {
      expect(await restore(months)).toBeNull();
    });
    expect(await restore(months)).not.toBeNull();
  });

  it('returns null when a month was processed again, under the same key, to other figures', async () => {
    const { monthsCacheDir } = pipelinePaths({ out });
    const summary = monthCacheFiles(monthsCacheDir, '2025-02').summary;
    const text = await readFile(summary, 'utf8');
    const bodyHash = /"sha256":"([0-9a-f]{64})"/.exec(text)![1]!;
    await whileHolding(summary, text.replace(bodyHash, 'e'.repeat(64)), async () => {
      expect(await restore(months)).toBeNull();
    });
    expect(await restore(months)).not.toBeNull();
  });

  it('returns null when the rows file of a month was cut short or is gone', async () => {
    const { monthsCacheDir } = pipelinePaths({ out });
    const csv = monthCacheFiles(monthsCacheDir, '2024-03').csv;
    const rows = await readFile(csv);
    await whileHolding(csv, rows.subarray(0, rows.length - 200), async () => {
      expect(await restore(months)).toBeNull();
    });
    await rm(csv);
    try {
      expect(await restore(months)).toBeNull();
    } finally {
      await writeFile(csv, rows);
    }
    expect(await restore(months)).not.toBeNull();
  });

  it('returns null when a month was processed again to the same figures but other rows', async () => {
    // Its summary the same but for the rows file's size (a postcodes.io answer can change a
    // row's postcode district and no figure): the month cache serves it, the folds may not.
    const { monthsCacheDir } = pipelinePaths({ out });
    const files = monthCacheFiles(monthsCacheDir, '2025-02');
    const summary = await readFile(files.summary, 'utf8');
    const rows = await readFile(files.csv);
    const more = Buffer.concat([rows, rows.subarray(rows.indexOf(10) + 1, rows.indexOf(10) + 200)]);
    const resized = summary.replace(`"csvBytes":${rows.length},`, `"csvBytes":${more.length},`);
    expect(resized).not.toBe(summary);
    await whileHolding(files.csv, more, () =>
      whileHolding(files.summary, resized, async () => {
        expect(await readMonthCacheStamp(monthsCacheDir, '2025-02')).toMatchObject({
          csvBytes: more.length,
        });
        expect(await restore(months)).toBeNull();
      }),
    );
    expect(await restore(months)).not.toBeNull();
  });

  it('returns null when the run has another postcodes.io answer for a point of a month', async () => {
    const { monthsCacheDir } = pipelinePaths({ out });
    const used = JSON.parse(
      await readFile(monthCacheFiles(monthsCacheDir, '2025-02').postcodes, 'utf8'),
    ) as { answers: Record<string, string | null> };
    const [point] = Object.keys(used.answers);
    expect(point).toBeDefined();
    expect(await restore(months, leeds, new Map([[point!, { district: 'LS99' }]]))).toBeNull();
    // An answer for a point that no month holds changes nothing.
    expect(
      await restore(months, leeds, new Map([['-1.5,53.8', { district: 'LS1' }]])),
    ).not.toBeNull();
  });

  it('returns null for a whole file that holds no saved folds', async () => {
    const file = pipelinePaths({ out }).monthFoldsCheckpoint;
    for (const value of [null, 42, { context: leeds }]) {
      const body = serialize(value);
      const whole = Buffer.concat([createHash('sha256').update(body).digest(), body]);
      await whileHolding(file, whole, async () => {
        expect(await restore(months)).toBeNull();
      });
    }
  });

  it('returns null when the file is damaged', async () => {
    const file = pipelinePaths({ out }).monthFoldsCheckpoint;
    const bytes = await readFile(file);
    const damaged = Buffer.from(bytes);
    damaged[damaged.length - 10] = damaged.at(-10)! ^ 0xff;
    await whileHolding(file, damaged, async () => {
      expect(await restore(months)).toBeNull();
    });
    expect(await restore(months)).not.toBeNull();
  });
});

describe('FOLD_CHECKPOINT_ENTRIES', () => {
  it('covers the code that decides what the folds hold, the centre flags included', () => {
    const graph = importGraph(FOLD_CHECKPOINT_ENTRIES);
    for (const module of [
      'pipeline/month-folds.ts',
      'pipeline/aggregate.ts',
      'src/shared/map-data-encoder.ts',
      'pipeline/centre.ts',
      'pipeline/steps/months.ts',
    ]) {
      expect(graph).toContain(module);
    }
  });

  it("leaves out the published files' words and the rates, which no fold holds", () => {
    // Changing a column's description or a rate's wording must not fold every month again.
    const graph = importGraph(FOLD_CHECKPOINT_ENTRIES);
    for (const module of ['src/shared/open-data.ts', 'src/shared/rates.ts']) {
      expect(graph).not.toContain(module);
    }
  });
});
