// Smoke test of the whole benchmark on a tiny synthetic input, so the harness cannot rot.
// It checks what the benchmark reports, never how fast anything was.
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, generateArchive, longHistoryOf, type Manifest } from '../../bench/generate.ts';
import { SLOW_LINK } from '../../bench/browser.ts';
import { OUTCOMES_SCENARIO } from '../../bench/outcomes-files.ts';
import { runBenchmarks, SECTIONS, type Results } from '../../bench/run.ts';
import { markdownSummary } from '../../bench/summary.ts';
import { TARGETS } from '../../bench/targets.ts';

let tmp: string;
let manifest: Manifest;
let results: Results;
let written: unknown;
let archiveDir: string;
const lines: string[] = [];

/**
 * The one run of a section as its log line prints it ("  run 1/1: 0.84 s, 97 MiB"; the
 * yardstick's "  yardstick 1/1: 0.12 s, ..."), from the section whose title starts `section`:
 * wall seconds to 2 decimals and peak MiB to whole numbers, as the raw records were logged.
 */
function loggedRun(section: string, what: 'run' | 'yardstick'): { wallS: number; rssMiB: number } {
  const start = lines.findIndex((line) => line.startsWith(`\n== ${section}`));
  const pattern = new RegExp(`^  ${what} 1/1: (\\d+\\.\\d\\d) s, (\\d+) (MiB|rows)$`);
  const match = lines
    .slice(start + 1)
    .map((line) => pattern.exec(line))
    .find((m) => m !== null);
  if (start < 0 || !match)
    throw new Error(`no "${what} 1/1" line in the log's "${section}" section`);
  return { wallS: Number(match[1]), rssMiB: Number(match[2]) };
}

/** The range of a / b when both were rounded to within ± `half`. */
function ratioRange(a: number, b: number, half: number): [number, number] {
  return [(a - half) / (b + half), (a + half) / (b - half)];
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bench-run-'));
  const generate = {
    ...DEFAULTS,
    outDir: (archiveDir = path.join(tmp, 'archive')),
    // 13 months: the fewest that allow the 12-month window change.
    firstMonth: '2024-12',
    lastMonth: '2025-12',
    leedsRowsPerMonth: 80,
    outsideShare: 0.05,
    malformedShare: 0.05,
    duplicateShare: 0.02,
  };
  manifest = await generateArchive(generate);
  results = await runBenchmarks({
    generate,
    longHistory: longHistoryOf(generate),
    sections: SECTIONS,
    pipelineRuns: 1,
    incrementalRuns: 1,
    buildRuns: 1,
    pageLoads: 1,
    changesPerKind: 2,
    changeSessions: 2,
    decodeRuns: 2,
    resultsFile: path.join(tmp, 'results.json'),
    log: (line) => lines.push(line),
  });
  written = JSON.parse(await readFile(path.join(tmp, 'results.json'), 'utf8'));
}, 600_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('runBenchmarks on a tiny synthetic archive', () => {
  it('runs every section without an error', () => {
    expect(results.errors).toEqual({});
  });

  it('reports the pipeline keeping exactly the generated Leeds rows and dropping the rest by reason', () => {
    const p = results.pipeline;
    const t = manifest.totals;
    expect(p?.read).toBe(t.rows);
    expect(p?.kept).toBe(t.leeds);
    expect(p?.expectedKept).toBe(t.leeds);
    expect(p?.dropped).toMatchObject({
      'outside-district': t.outside,
      'no-coordinates': t.malformed['no-coordinates'],
      'malformed-coordinates': t.malformed['malformed-coordinates'],
      'malformed-month': t.malformed['malformed-month'],
      'malformed-crime-type': t.malformed['malformed-crime-type'],
      duplicate: t.duplicates,
    });
    expect(Object.keys(p?.stagesMs ?? {}).length).toBeGreaterThan(0);
  });

  it("records the machine's steal beside each measured run, and says it in the summary", () => {
    const steal = results.pipeline?.stealMs;
    if (process.platform !== 'linux') {
      expect(steal).toBeNull();
      return;
    }
    expect(steal?.n).toBe(results.pipeline?.runs);
    expect(steal?.min).toBeGreaterThanOrEqual(0);
    expect(results.yardstick?.stealMs?.n).toBe(results.yardstick?.runs);
    expect(results.longHistory?.pipeline.stealMs?.n).toBe(results.longHistory?.pipeline.runs);
    const incremental = Object.values(results.incremental?.scenarios ?? {});
    expect(incremental).toHaveLength(3);
    for (const scenario of incremental) expect(scenario.stealMs?.n).toBe(scenario.runs);
    const areas = results.areas!;
    expect(areas.together.stealMs?.n).toBe(areas.together.runs);
    expect(areas.alone.stealMs?.n).toBe(areas.alone.runs);
    expect(markdownSummary(results)).toContain(
      `during the full runs (steal, \`bench/steal.ts\`): ${(steal!.median / 1000).toFixed(1)} s`,
    );
  });

  it('times the one-thread read-and-split of the same files beside the pipeline', async () => {
    const y = results.yardstick;
    expect(y?.rows).toBe(manifest.totals.rows);
    // Every <month>/*.csv the generator wrote, as the folder lists them.
    let files = 0;
    let bytes = 0;
    for (const month of (await readdir(archiveDir)).filter((m) => /^\d{4}-\d{2}$/.test(m))) {
      for (const file of (await readdir(path.join(archiveDir, month))).filter((f) =>
        f.endsWith('.csv'),
      )) {
        files += 1;
        bytes += (await stat(path.join(archiveDir, month, file))).size;
      }
    }
    expect(files).toBeGreaterThan(manifest.months.length);
    expect(y?.files).toBe(files);
    expect(y?.bytes).toBe(bytes);
    expect(y?.runs).toBe(1);
    // The ratio of the two wall times the runs logged (rounded to 10 ms), not the summaries'.
    const [low, high] = ratioRange(
      loggedRun('Full offline pipeline', 'run').wallS,
      loggedRun('Full offline pipeline', 'yardstick').wallS,
      0.005,
    );
    expect(y?.pipelineRatio).toBeGreaterThan(0);
    expect(y?.pipelineRatio).toBeGreaterThanOrEqual(low);
    expect(y?.pipelineRatio).toBeLessThanOrEqual(high);
    expect((written as Results).yardstick?.pipelineRatio).toBe(y?.pipelineRatio);
  });

  it('runs the pipeline on twice the months and compares its peak memory', () => {
    const long = results.longHistory;
    expect(long?.months).toBe(26);
    expect(long?.pipeline.months).toBe(26);
    expect(long?.pipeline.kept).toBeGreaterThan(manifest.totals.leeds);
    // From the peak memory each run logged (whole MiB), not from the summaries.
    const [low, high] = ratioRange(
      loggedRun('Full offline pipeline, twice the months', 'run').rssMiB,
      loggedRun('Full offline pipeline', 'run').rssMiB,
      0.5,
    );
    expect(long?.memoryGrowthPercent).toBeGreaterThanOrEqual((low - 1) * 100);
    expect(long?.memoryGrowthPercent).toBeLessThanOrEqual((high - 1) * 100);
    expect((written as Results).longHistory?.memoryGrowthPercent).toBe(long?.memoryGrowthPercent);
  });

  it('measures adding the last month to a build of the others, in both folder layouts and with outcomes files', () => {
    const incremental = results.incremental;
    expect(incremental?.addedMonth).toBe('2025-12');
    expect(incremental?.baseMonths).toBe(12);
    for (const scenario of ['same folder', 'separate input', OUTCOMES_SCENARIO]) {
      const run = incremental?.scenarios[scenario];
      expect(run?.months).toBe(13);
      expect(run?.kept).toBe(manifest.totals.leeds);
    }
    // The added month's outcomes file revises crimes of the 11 months before it (2025-01 on):
    // only 2024-12 comes from the cache, against all 12 without outcomes files.
    expect(incremental?.scenarios['same folder']?.monthsFromCache).toBe(12);
    expect(incremental?.scenarios[OUTCOMES_SCENARIO]?.monthsFromCache).toBe(1);
    expect(incremental?.outcomeRows).toBeGreaterThan(0);
    const withOutcomes = incremental!.scenarios[OUTCOMES_SCENARIO]!;
    expect(markdownSummary(results)).toContain(
      `Incremental month with an outcomes file a month (not judged: the targets' input has none; ` +
        `\`bench/outcomes-files.ts\`, ${incremental!.outcomeRows!.toLocaleString('en-GB')} outcome rows in all): ` +
        `${(withOutcomes.wallMs.median / 1000).toFixed(2)} s`,
    );
  });

  it('finds every output of the incremental runs identical to a run of the 13 months from nothing on the same folders', () => {
    // Rows the pipeline drops (repeats, malformed, outside) are in the added month too.
    const added = manifest.months.at(-1)!;
    expect(added.month).toBe('2025-12');
    expect(added.duplicates).toBeGreaterThan(0);
    expect(added.outside).toBeGreaterThan(0);
    expect(Object.values(added.malformed).some((n) => n > 0)).toBe(true);
    expect(results.incremental?.differingFromFull).toEqual({
      'same folder': [],
      'separate input': [],
      [OUTCOMES_SCENARIO]: [],
    });
    expect(results.targets.find((t) => t.id === 'incrementalDiffering')).toMatchObject({
      value: 0,
      met: true,
    });
    expect(lines.join('\n')).toMatch(
      /outputs {5}the same as a full run's on the same folders, byte for byte \([1-9]\d* files\)/,
    );
  });

  it('sizes the map data of all 13 months and the ward pages of the built site', () => {
    const payload = results.payload;
    expect(payload?.mapData.months).toBe(13);
    expect(payload?.mapData.points).toBeGreaterThan(0);
    expect(payload?.mapData.raw).toBeGreaterThan(payload?.mapData.transferred ?? Infinity);
    expect(payload?.wardPage?.pages).toBe(33);
    expect(payload?.wardPage?.largest).toMatch(/^\/wards\/[a-z0-9-]+\/$/);
  });

  it('drives the map page in Chromium: interactive, every kind of filter change redrawn in every session', () => {
    const b = results.browser;
    expect(b?.missedUpdates).toBe(0);
    expect(Object.keys(b?.changesMs ?? {}).sort()).toEqual([
      '12-month window',
      'city centre',
      'crime type',
      'full range',
      'slider drag',
      'slider key',
    ]);
    // 2 of each of the 6 kinds in each of 2 fresh pages, pooled; each page's own p95 kept.
    expect(b?.allChangesMs.n).toBe(24);
    expect(b?.sessions).toBe(2);
    expect(b?.sessionP95Ms.work).toHaveLength(2);
    expect(b?.sessionP95Ms.total).toHaveLength(2);
    // 12 changes a page: each page's p95 is its slowest change, so the slowest of the pooled
    // changes is the larger of the two, and the pooled p95 (the 23rd of 24) is at most that.
    const pageP95 = (b?.sessionP95Ms.work ?? []).map((p) => p ?? NaN);
    expect(b?.allChangesMs.max).toBe(Math.max(...pageP95));
    expect(b?.allChangesMs.p95).toBeLessThanOrEqual(Math.max(...pageP95));
    expect(b?.allChangesMs.p95).toBeGreaterThanOrEqual(Math.min(...pageP95));
    expect(b?.transfer.mapData).toBeGreaterThan(0);
    expect(b?.heapAfterLoad.totalMB).toBeGreaterThan(0);
    expect(b?.consoleErrors).toEqual([]);
  });

  it('loads the map page on an emulated slower link too, each request held back by its latency', () => {
    const slow = results.browser!.slowLink;
    expect(slow?.link).toEqual(SLOW_LINK);
    expect(slow?.interactiveMs.n).toBe(1);
    // The page, then the island's script it names: two requests one after the other, each
    // answered no sooner than the emulated latency.
    expect(slow!.interactiveMs.min).toBeGreaterThanOrEqual(2 * SLOW_LINK.latencyMs);
    expect(markdownSummary(results)).toContain(
      `Map page interactive on a 10 Mbit/s link with 60 ms latency (Chromium's network emulation): ${slow!.interactiveMs.median.toFixed(0)} ms`,
    );
  });

  it("summarises the filter changes for the README with each page's own p95 beside the pooled one", () => {
    const b = results.browser!;
    const text = markdownSummary(results);
    expect(text).toContain(`Filter changes on the map page: 24 in 2 fresh page(s)`);
    expect(text).toContain(`p95 of work ${b.allChangesMs.p95.toFixed(1)} ms`);
    expect(text).toContain(
      `work ${b.sessionP95Ms.work.map((p) => p?.toFixed(1)).join(', ')} ms, input to painted frame`,
    );
  });

  it("reports the browser's wait before each change reaches the page, which its work holds", () => {
    const b = results.browser!;
    const delay = b.allChangesInputDelayMs;
    expect(Object.keys(b.changesInputDelayMs).sort()).toEqual(Object.keys(b.changesMs).sort());
    expect(delay.n).toBe(b.allChangesMs.n);
    expect(delay.min).toBeGreaterThanOrEqual(0);
    // Measured, not left at zero: the page never sees an event at the instant it is made.
    expect(delay.max).toBeGreaterThan(0);
    // Work runs from the input event through the dispatch: no wait is longer than a change.
    expect(delay.max).toBeLessThanOrEqual(b.allChangesMs.max);
    expect(markdownSummary(results)).toContain(
      `median ${delay.median.toFixed(1)} ms, p95 ${delay.p95.toFixed(1)} ms, max ${delay.max.toFixed(1)} ms.`,
    );
  });

  it('reports two districts in one run reading each force file once, against a run for each', () => {
    const a = results.areas;
    expect(a?.areas).toEqual(['leeds', 'sheffield']);
    expect(a?.together.maxReadsPerFile).toBe(1);
    expect(a?.together.forceFiles).toBeGreaterThan(0);
    // Each file was read once by each run alone that reads it: the files read by both are the
    // reads alone beyond the files read together.
    expect(a?.alone.reads).toBe(a!.together.forceFiles + a!.alone.filesReadTwice);
    expect(a?.together.kept).toEqual(a?.alone.kept);
    expect(a?.wallRatio).toBeCloseTo(a!.together.wallMs.median / a!.alone.wallMs.median, 6);
    expect(a?.cpuRatio).toBeCloseTo(a!.together.cpuMs.median / a!.alone.cpuMs.median, 6);
  });

  it('judges every target and writes the same results, with the machine, to results.json', () => {
    expect(results.targets.map((t) => t.id)).toEqual(TARGETS.map((t) => t.id));
    expect(results.targets.every((t) => t.value !== null && typeof t.met === 'boolean')).toBe(true);
    expect(written).toEqual(JSON.parse(JSON.stringify(results)));
    expect(results.machine.cores).toBe(os.cpus().length);
    expect(results.machine.load.start).toHaveLength(3);
    expect(results.machine.load.end).toHaveLength(3);
    expect(results.input).toMatchObject({
      synthetic: true,
      months: 13,
      rows: manifest.totals.rows,
    });
    const printed = lines.join('\n');
    for (const t of TARGETS) expect(printed).toContain(t.label);
  });
});
