// A whole run of the sample, its months processed in the month workers and folded in as they
// come back (their points handed over in columns, the streets of months before the latest 12
// left out), one of them losing rows to an earlier month: its site data and map data are those
// the all-at-once aggregation and encoder (tests/support/all-at-once/) give from the run's
// final month summaries.
import { appendFile, cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline/cli.ts';
import { dropRepeatsAcrossMonths } from '../../pipeline/crime-ids.ts';
import { readMonthCache, type CachedMonth } from '../../pipeline/month-cache.ts';
import { pipelinePaths } from '../../pipeline/paths.ts';
import { LEEDS_CENTRE } from '../../pipeline/population.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import type { MonthOutcome, RunRecord } from '../../pipeline/run-context.ts';
import { centreTest } from '../../src/shared/area.ts';
import type { SiteData, Ward } from '../../src/shared/schema.ts';
import { aggregateSiteData as allAtOnceSiteData } from '../support/all-at-once/aggregate.ts';
import { encodeMapData as allAtOnceMapData } from '../support/all-at-once/map-data-encoder.ts';
import { relistedIn, sampleCrimeLines } from '../support/police-fixtures.ts';

const GENERATED_AT = '2025-06-01T00:00:00.000Z';
/** Rows of 2025-02 listed again in 2025-03, where they are dropped as repeats. */
const REPEATED = 40;

let dir: string;
let out: string;
let record: RunRecord;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'month-folds-run-'));
  const archive = path.join(dir, 'archive');
  await cp(path.resolve('data/sample/archive'), archive, { recursive: true });
  const repeats = sampleCrimeLines('2025-02')
    .slice(0, REPEATED)
    .map((line) => relistedIn(line, '2025-03'));
  await appendFile(
    path.join(archive, '2025-03', '2025-03-west-yorkshire-street.csv'),
    `${repeats.join('\n')}\n`,
  );
  out = path.join(dir, 'out');
  record = await runPipeline(
    { help: false, list: false, offline: true, archiveDir: archive, out },
    { reporter: createMemoryReporter(), threads: 2, generatedAt: GENERATED_AT },
  );
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The run's final month summaries: its cached months, with the repeats dropped as the run drops them. */
async function finalMonths(): Promise<CachedMonth[]> {
  const { monthsCacheDir } = pipelinePaths({ out });
  const months: (CachedMonth & Pick<MonthOutcome, 'plan'>)[] = [];
  for (const month of ['2024-03', '2025-02', '2025-03']) {
    const file = path.join(monthsCacheDir, `${month}.summary.json`);
    const { cacheKey } = JSON.parse(await readFile(file, 'utf8')) as { cacheKey: string };
    const { plan } = record.months!.find((m) => m.plan.month === month)!;
    months.push({ ...(await readMonthCache(monthsCacheDir, month, cacheKey, new Map()))!, plan });
  }
  return (await dropRepeatsAcrossMonths(months, path.join(dir, 'oracle'))).months;
}

describe('a run of the sample with a month that loses rows to an earlier one', () => {
  it('drops the repeated rows from the later month', () => {
    expect(record.notes.join('\n')).toMatch(
      new RegExp(`2025-03: ${REPEATED} row\\(s\\) dropped as duplicates`),
    );
  });

  it('writes the site data and map data of its final months folded all at once', async () => {
    const paths = pipelinePaths({ out });
    const summaries = (await finalMonths()).map((m) => m.summary);
    const { wards } = JSON.parse(await readFile(paths.wardsCache, 'utf8')) as { wards: Ward[] };
    const { builtFrom, ...siteData } = JSON.parse(
      await readFile(paths.siteData, 'utf8'),
    ) as SiteData;
    expect(siteData).toEqual(allAtOnceSiteData(summaries, wards, GENERATED_AT));
    // The step adds the area configuration the data was built from (not the fold's).
    expect(builtFrom?.['slug']).toBe('leeds');
    const mapData = gunzipSync(await readFile(paths.mapData));
    const expected = allAtOnceMapData(summaries, wards, centreTest(LEEDS_CENTRE));
    expect(Buffer.compare(mapData, Buffer.from(expected))).toBe(0);
  });
});
