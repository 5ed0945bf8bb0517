// The master CSV's record of the month files it was written from: it answers only for the
// published file it describes, and only while those months come first, unchanged.
import { appendFile, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sizeAndTime, sizeAndTimeIfThere } from '../../pipeline/files.ts';
import {
  partStamp,
  masterCsvPartsHeld,
  recordMasterCsvParts,
} from '../../pipeline/master-csv-parts.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'master-csv-parts-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Month files and a master CSV written from the first `held` of them, recorded. */
async function setUp(name: string, months: number, held: number) {
  const monthFiles: string[] = [];
  await mkdir(path.join(dir, name, 'months'), { recursive: true });
  for (let i = 1; i <= months; i++) {
    const file = path.join(dir, name, 'months', `2024-0${i}.csv`);
    await writeFile(file, `rows of month ${i}\n`);
    await utimes(file, 1_700_000_000 + i, 1_700_000_000 + i);
    monthFiles.push(file);
  }
  const master = path.join(dir, name, 'master.csv');
  await writeFile(master, 'header\n');
  const record = path.join(dir, name, 'parts.json');
  const parts = await Promise.all(monthFiles.map((file) => partStamp(file)));
  await recordMasterCsvParts(record, await sizeAndTime(master), parts.slice(0, held));
  return { monthFiles, master, record, parts };
}

/** masterCsvPartsHeld of the file at `master` as it is now. */
async function heldBy(record: string, master: string, parts: readonly string[]) {
  return masterCsvPartsHeld(record, await sizeAndTimeIfThere(master), parts);
}

describe('masterCsvPartsHeld(recordFile, published, parts)', () => {
  it('is the number of months recorded when they come first, unchanged, before the new ones', async () => {
    const { master, record, parts } = await setUp('held', 4, 3);
    expect(await heldBy(record, master, parts)).toBe(3);
    expect(await heldBy(record, master, parts.slice(0, 3))).toBe(3);
  });

  it('is 0 when the published file is not the one recorded (changed, replaced or missing)', async () => {
    const a = await setUp('appended', 3, 2);
    await appendFile(a.master, 'more\n');
    expect(await heldBy(a.record, a.master, a.parts)).toBe(0);
    const b = await setUp('touched', 3, 2);
    await utimes(b.master, 1_600_000_000, 1_600_000_000);
    expect(await heldBy(b.record, b.master, b.parts)).toBe(0);
    const c = await setUp('missing', 3, 2);
    await rm(c.master);
    expect(await heldBy(c.record, c.master, c.parts)).toBe(0);
  });

  it('is 0 when a recorded month changed, is gone, or other months come first', async () => {
    const a = await setUp('changed', 4, 3);
    await utimes(a.monthFiles[1]!, 1_650_000_000, 1_650_000_000);
    const changed = await Promise.all(a.monthFiles.map((file) => partStamp(file)));
    expect(await heldBy(a.record, a.master, changed)).toBe(0);
    const b = await setUp('gone', 4, 3);
    expect(await heldBy(b.record, b.master, b.parts.slice(0, 2))).toBe(0);
    expect(await heldBy(b.record, b.master, [...b.parts.slice(1), b.parts[0]!])).toBe(0);
  });

  it('is 0 without a record, or with one that cannot be read', async () => {
    const { master, record, parts } = await setUp('damaged', 2, 2);
    for (const text of [
      '{"format":"master-csv-parts-1"',
      '{"format":"other","master":{},"parts":[]}',
    ]) {
      await writeFile(record, text);
      expect(await heldBy(record, master, parts)).toBe(0);
    }
    expect(await heldBy(path.join(dir, 'no-record.json'), master, parts)).toBe(0);
  });
});

describe('partStamp(file, rewritten)', () => {
  it('knows a rewritten file by its content: the same rows written again, not other rows of its size', async () => {
    const file = path.join(dir, 'cross-month', '2024-05.csv');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, 'rows a\n');
    await utimes(file, 1_700_000_000, 1_700_000_000);
    const before = await partStamp(file, true);
    const byTime = await partStamp(file);
    // Written again, the same rows: another time, the same stamp.
    await writeFile(file, 'rows a\n');
    await utimes(file, 1_700_000_500, 1_700_000_500);
    expect(await partStamp(file, true)).toBe(before);
    expect(await partStamp(file)).not.toBe(byTime);
    // Other rows of the same size, at the time it had: another stamp.
    await writeFile(file, 'rows b\n');
    await utimes(file, 1_700_000_500, 1_700_000_500);
    expect(await partStamp(file, true)).not.toBe(before);
    expect(before).toMatch(/^cross-month\/2024-05\.csv:7:sha256-[0-9a-f]{64}$/);
  });
});
