// The master-csv step: a run after a new month appends it to the published master CSV when
// it can, and the file is the same, byte for byte, as one written from every month.
import {
  appendFile,
  cp,
  link,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../../pipeline/cli.ts';
import { createMemoryReporter } from '../../../pipeline/report.ts';
import { relistedIn, sampleCrimeLines } from '../../support/police-fixtures.ts';

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

/** A full write's result line, as it reads when months followed the `held` published. */
function appendedResult(full: string, held: number): string {
  const appended = monthsIn(full) - held;
  return full.replace(
    ', written as',
    `, ${appended} appended to the ${held} of the published file, written as`,
  );
}

/**
 * A copy of `archive` without its last month (2025-03), run into a new output folder, then
 * the month put back and run again (after `between`, given the published master CSV): the
 * copy, the output folder, the months of the first run, the published file's inode before
 * the second run and the second run's result.
 */
async function addLastMonth(
  archive: string,
  name: string,
  between: (master: string) => Promise<void> = async () => {},
) {
  const partial = path.join(tmp, `${name}-archive`);
  await cp(archive, partial, { recursive: true });
  await rm(path.join(partial, '2025-03'), { recursive: true });
  const out = path.join(tmp, `${name}-out`);
  const before = monthsIn(await run(partial, out));
  await cp(path.join(archive, '2025-03'), path.join(partial, '2025-03'), { recursive: true });
  const master = path.join(out, MASTER);
  await between(master);
  const { ino } = await stat(master);
  return { partial, out, before, ino, result: await run(partial, out) };
}

describe('the master-csv step', () => {
  it('appends a new month to the published file, and writes anything else in full', async () => {
    const whole = path.join(tmp, 'whole');
    const wholeResult = await run(SAMPLE, whole);
    expect(wholeResult).not.toMatch(/appended/);
    const expected = await readFile(path.join(whole, MASTER));

    const { partial: archive, out, before, ino, result } = await addLastMonth(SAMPLE, 'added');
    expect(before).toBeGreaterThan(1);
    expect(result).toBe(appendedResult(wholeResult, before));
    expect((await readFile(path.join(out, MASTER))).equals(expected)).toBe(true);
    // Appended to in place, not replaced.
    expect((await stat(path.join(out, MASTER))).ino).toBe(ino);

    // The published file changed since it was written: not trusted, written again in full.
    await appendFile(path.join(out, MASTER), 'a line that is no crime\n');
    expect(await run(archive, out)).not.toMatch(/appended/);
    expect((await readFile(path.join(out, MASTER))).equals(expected)).toBe(true);
    // Nothing changed since: every month already there, nothing appended.
    expect(await run(archive, out)).toBe(appendedResult(wholeResult, monthsIn(wholeResult)));
    expect((await readFile(path.join(out, MASTER))).equals(expected)).toBe(true);
  }, 120_000);

  it('writes the file anew when the published one has another link, which keeps its bytes', async () => {
    const whole = path.join(tmp, 'linked-whole');
    const wholeResult = await run(SAMPLE, whole);
    const expected = await readFile(path.join(whole, MASTER));
    // A backup made with hard links (cp -al, rsync --link-dest) shares the published file.
    const backup = path.join(tmp, 'linked-backup.csv');
    const { out, ino, result } = await addLastMonth(SAMPLE, 'linked', (master) =>
      link(master, backup),
    );
    expect(result).toBe(wholeResult);
    expect((await readFile(path.join(out, MASTER))).equals(expected)).toBe(true);
    expect((await stat(path.join(out, MASTER))).ino).not.toBe(ino);
    const kept = await readFile(backup, 'utf8');
    expect(kept.length).toBeGreaterThan(0);
    expect(expected.toString('utf8').startsWith(kept)).toBe(true);
    expect(kept).not.toMatch(/,2025-03,/);
  }, 120_000);

  it('appends after a month that lost rows to the cross-month check, written again by every run, when its rows are the same', async () => {
    // The first Crime ID row of 2024-03 listed again in 2025-02: the cross-month check drops
    // it and writes 2025-02 again, in every run.
    const archive = path.join(tmp, 'repeat-archive');
    await cp(SAMPLE, archive, { recursive: true });
    const row = sampleCrimeLines('2024-03')[0]!;
    const febFile = path.join(archive, '2025-02', '2025-02-west-yorkshire-street.csv');
    const feb = await readFile(febFile, 'utf8');
    await writeFile(febFile, `${feb.trimEnd()}\n${relistedIn(row, '2025-02')}\n`);
    const whole = path.join(tmp, 'repeat-whole');
    const wholeResult = await run(archive, whole);
    const expected = await readFile(path.join(whole, MASTER));

    const { out, before, result } = await addLastMonth(archive, 'repeat-added');
    expect(result).toBe(appendedResult(wholeResult, before));
    expect((await readFile(path.join(out, MASTER))).equals(expected)).toBe(true);
    expect(await readdir(path.join(out, 'cache', 'cross-month'))).toEqual(['2025-02.csv']);
  }, 120_000);
});
