// The master-csv step: a run after a new month starts from the published master CSV when it
// can, and the file is the same, byte for byte, as one written from every month.
import { appendFile, cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadArea } from '../../../pipeline/area.ts';
import { runPipeline } from '../../../pipeline/cli.ts';
import { pipelinePaths } from '../../../pipeline/paths.ts';
import { createMemoryReporter } from '../../../pipeline/report.ts';
import { RunContext } from '../../../pipeline/run-context.ts';
import { masterCsvStep } from '../../../pipeline/steps/master-csv.ts';
import { tempPathFor } from '../../../pipeline/write.ts';

const SAMPLE = path.join('data', 'sample', 'archive');
const MASTER = 'leeds_street_combined.csv';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'master-csv-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Run the offline pipeline; the master-csv step's result line. */
async function run(archiveDir: string, out: string): Promise<string> {
  const record = await runPipeline(
    { help: false, list: false, offline: true, archiveDir, out },
    { reporter: createMemoryReporter(), threads: 2, generatedAt: '2025-06-01T00:00:00.000Z' },
  );
  return record.steps.find((s) => s.name === 'master-csv')!.result;
}

/** The number of months a result line names ("N rows from M month(s)..."). */
function monthsIn(result: string): number {
  return Number(/ from (\d+) month\(s\)/.exec(result)?.[1]);
}

/** A full write's result line, as it reads when the first `held` months were copied. */
function copiedResult(full: string, held: number): string {
  return full.replace(
    ', written as',
    `, the first ${held} copied from the previous file, written as`,
  );
}

/**
 * A copy of `archive` without its last month (2025-03), run into a new output folder, then
 * the month put back and run again: the copy, the output folder, the months of the first run
 * and the second run's result.
 */
async function addLastMonth(archive: string, name: string) {
  const partial = path.join(tmp, `${name}-archive`);
  await cp(archive, partial, { recursive: true });
  await rm(path.join(partial, '2025-03'), { recursive: true });
  const out = path.join(tmp, `${name}-out`);
  const before = monthsIn(await run(partial, out));
  await cp(path.join(archive, '2025-03'), path.join(partial, '2025-03'), { recursive: true });
  return { partial, out, before, result: await run(partial, out) };
}

describe('the master-csv step', () => {
  it('appends a new month to a copy of the published file, and writes anything else in full', async () => {
    const whole = path.join(tmp, 'whole');
    const wholeResult = await run(SAMPLE, whole);
    expect(wholeResult).not.toMatch(/copied/);
    const expected = await readFile(path.join(whole, MASTER));

    const { partial: archive, out, before, result } = await addLastMonth(SAMPLE, 'added');
    expect(before).toBeGreaterThan(1);
    expect(result).toBe(copiedResult(wholeResult, before));
    expect((await readFile(path.join(out, MASTER))).equals(expected)).toBe(true);

    // The published file changed since it was written: not trusted, written again in full.
    await appendFile(path.join(out, MASTER), 'a line that is no crime\n');
    expect(await run(archive, out)).not.toMatch(/copied/);
    expect((await readFile(path.join(out, MASTER))).equals(expected)).toBe(true);
    // Nothing changed since: every month copied, nothing appended.
    expect(await run(archive, out)).toBe(copiedResult(wholeResult, monthsIn(wholeResult)));
    expect((await readFile(path.join(out, MASTER))).equals(expected)).toBe(true);
  }, 120_000);

  it('prepares, as a run begins, a copy of the published file its record describes (masterCsvRecorded)', async () => {
    const out = path.join(tmp, 'prepared');
    await run(SAMPLE, out);
    const published = await readFile(path.join(out, MASTER));
    const ctx = new RunContext({
      area: await loadArea('leeds'),
      paths: pipelinePaths({ out }),
      archiveDir: path.resolve(SAMPLE),
      offline: true,
      reporter: createMemoryReporter(),
      threads: 1,
    });
    masterCsvStep.prepare!(ctx);
    const copy = tempPathFor(path.join(out, MASTER));
    await vi.waitFor(async () =>
      expect((await readFile(copy).catch(() => Buffer.alloc(0))).equals(published)).toBe(true),
    );
    await ctx.staging.abort();
    await expect(readFile(copy)).rejects.toThrow(/ENOENT/);
  }, 120_000);

  it('copies a month that lost rows to the cross-month check, written again by every run, when its rows are the same', async () => {
    // The first Crime ID row of 2024-03 listed again in 2025-02: the cross-month check drops
    // it and writes 2025-02 again, in every run.
    const archive = path.join(tmp, 'repeat-archive');
    await cp(SAMPLE, archive, { recursive: true });
    const march = await readFile(
      path.join(archive, '2024-03', '2024-03-west-yorkshire-street.csv'),
      'utf8',
    );
    const row = march.split('\n').find((line) => /^[0-9a-f]{64},2024-03,/.test(line))!;
    const febFile = path.join(archive, '2025-02', '2025-02-west-yorkshire-street.csv');
    const feb = await readFile(febFile, 'utf8');
    await writeFile(febFile, `${feb.trimEnd()}\n${row.replace(',2024-03,', ',2025-02,')}\n`);
    const whole = path.join(tmp, 'repeat-whole');
    const wholeResult = await run(archive, whole);
    const expected = await readFile(path.join(whole, MASTER));

    const { out, before, result } = await addLastMonth(archive, 'repeat-added');
    expect(result).toBe(copiedResult(wholeResult, before));
    expect((await readFile(path.join(out, MASTER))).equals(expected)).toBe(true);
    expect(await readdir(path.join(out, 'cache', 'cross-month'))).toEqual(['2025-02.csv']);
  }, 120_000);
});
