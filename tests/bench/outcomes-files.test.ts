import { readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, generateArchive, monthsBetween } from '../../bench/generate.ts';
import { outcomesFile, streetFile, writeOutcomesFiles } from '../../bench/outcomes-files.ts';
import { OUTCOME_COLUMNS } from '../../src/shared/constants.ts';

type Row = Record<string, string>;

/** The outcome columns that describe the crime (its place, its force): those of its street row. */
const PLACE_COLUMNS = OUTCOME_COLUMNS.filter(
  (c) => c !== 'Crime ID' && c !== 'Month' && c !== 'Outcome type',
);

let tmp: string;
let archive: string;
const MONTHS = monthsBetween('2024-01', '2025-02');
let written: number[];

async function rowsOf(file: string): Promise<Row[]> {
  return parse(await readFile(file, 'utf8'), { columns: true }) as Row[];
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bench-outcomes-'));
  archive = path.join(tmp, 'archive');
  await generateArchive({
    ...DEFAULTS,
    outDir: archive,
    firstMonth: MONTHS[0]!,
    lastMonth: MONTHS.at(-1)!,
    leedsRowsPerMonth: 300,
  });
  written = await writeOutcomesFiles(archive, MONTHS, path.join(tmp, 'outcomes'));
}, 120_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('writeOutcomesFiles(archiveDir, months, outDir)', () => {
  it("writes police.uk's outcomes columns, each row an outcome dated its file's month of a crime of that month or the 11 before, with the crime's own place", async () => {
    const crimes = new Map<string, { month: string; row: Row }>();
    for (const month of MONTHS) {
      for (const row of await rowsOf(streetFile(archive, month))) {
        if (/^[0-9a-f]{64}$/.test(row['Crime ID']!)) crimes.set(row['Crime ID']!, { month, row });
      }
    }
    let total = 0;
    for (const [m, month] of MONTHS.entries()) {
      const file = outcomesFile(path.join(tmp, 'outcomes'), month);
      const text = await readFile(file, 'utf8');
      expect(text.slice(0, text.indexOf('\n'))).toBe(OUTCOME_COLUMNS.join(','));
      const rows = await rowsOf(file);
      expect(rows.length).toBe(written[m]);
      total += rows.length;
      const reached = new Set(MONTHS.slice(Math.max(0, m - 11), m + 1));
      const monthsListed = new Set<string>();
      for (const row of rows) {
        expect(row['Month']).toBe(month);
        expect(row['Outcome type']).not.toBe('');
        const crime = crimes.get(row['Crime ID']!);
        expect(crime, row['Crime ID']).toBeDefined();
        expect(reached.has(crime!.month)).toBe(true);
        monthsListed.add(crime!.month);
        for (const column of PLACE_COLUMNS) expect(row[column]).toBe(crime!.row[column]);
      }
      // Every month it reaches, not its own alone: a new file revises earlier months.
      expect(monthsListed).toEqual(reached);
    }
    expect(written).toHaveLength(MONTHS.length);
    expect(total).toBeGreaterThan(0);
  });

  it('gives about 9% of the crimes of each month it reaches an outcome', async () => {
    const last = MONTHS.at(-1)!;
    const rows = await rowsOf(outcomesFile(path.join(tmp, 'outcomes'), last));
    let crimes = 0;
    for (const month of MONTHS.slice(-12)) {
      crimes += (await rowsOf(streetFile(archive, month))).filter((r) =>
        /^[0-9a-f]{64}$/.test(r['Crime ID']!),
      ).length;
    }
    expect(rows.length / crimes).toBeGreaterThan(0.07);
    expect(rows.length / crimes).toBeLessThan(0.11);
  });

  it('writes the same bytes every time', async () => {
    const again = path.join(tmp, 'again');
    expect(await writeOutcomesFiles(archive, MONTHS, again)).toEqual(written);
    for (const month of MONTHS) {
      expect(await readFile(outcomesFile(again, month), 'utf8')).toBe(
        await readFile(outcomesFile(path.join(tmp, 'outcomes'), month), 'utf8'),
      );
    }
  });
});
