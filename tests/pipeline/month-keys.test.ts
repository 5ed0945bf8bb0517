import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, type CliOptions } from '../../pipeline/cli.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';

const SLICE = 'tests/fixtures/pipeline/slice/archive';
const OUTCOMES_FILE = '2024-03/2024-03-west-yorkshire-outcomes.csv';
const HEADER =
  'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type';
/**
 * The slice's first 2025-03 row (Kings Meadow Mews, tests/fixtures/pipeline/README.md) as a
 * 2024-03 outcomes file would list it: an outcome dated a year before the crime's month.
 */
const EARLIER_OUTCOME =
  'e1d4b30df04c1eb4a41740fad3d45ea62f70f9862caba25d1481d63d7e62364a,2024-03,West Yorkshire Police,' +
  'West Yorkshire Police,-1.397255,53.937899,On or near Kings Meadow Mews,E01011699,Leeds 001B,' +
  'Offender given a caution';
/** The slice's first 2024-03 row (Allanfield Grove), with an outcome in its own month. */
const OWN_MONTH_OUTCOME =
  'a14fe0fa4c921c8585a723a4cb7092095aa474291d7343f31d6b6efe2b1dd55c,2024-03,West Yorkshire Police,' +
  'West Yorkshire Police,-1.387994,53.939973,On or near Allanfield Grove,E01011699,Leeds 001B,' +
  'Unable to prosecute suspect';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'month-keys-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function options(archiveDir: string, out: string): CliOptions {
  return { help: false, list: false, offline: true, archiveDir, out };
}

describe("a month's cache key and the outcomes files of earlier months", () => {
  it('processes a month again when an earlier outcomes file no longer dates its crime before it', async () => {
    const archive = path.join(tmp, 'archive');
    const out = path.join(tmp, 'out');
    await cp(SLICE, archive, { recursive: true });
    await mkdir(path.join(archive, '2024-03'), { recursive: true });
    const outcomes = path.join(archive, OUTCOMES_FILE);
    await writeFile(outcomes, `${HEADER}\n${EARLIER_OUTCOME}\n${OWN_MONTH_OUTCOME}\n`);
    const summary = async () => {
      await runPipeline(options(archive, out), { reporter: createMemoryReporter() });
      return JSON.parse(await readFile(path.join(out, 'run-summary.json'), 'utf8'));
    };

    const first = await summary();
    expect(first.disagreements['outcome-before-crime']).toBe(1);
    expect(first.disagreementExamples['outcome-before-crime'][0].where).toBe(
      `${archive}/2025-03/2025-03-west-yorkshire-street.csv:2`,
    );

    // The 2024-03 outcomes file now lists only its own month's crime: no crime of 2025-03 has
    // an outcome dated before it, whichever months' keys name that file.
    await writeFile(outcomes, `${HEADER}\n${OWN_MONTH_OUTCOME}\n`);
    const second = await summary();
    expect(second.disagreements['outcome-before-crime']).toBe(0);
    expect(second.disagreementExamples['outcome-before-crime']).toBeUndefined();
    expect(second.months.map((m: { month: string; fromCache: boolean }) => m)).toMatchObject([
      { month: '2024-03', fromCache: false },
      { month: '2025-03', fromCache: false },
    ]);
  });
});
