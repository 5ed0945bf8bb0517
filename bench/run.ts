// `npm run bench`: the full-scale benchmark. Generates the synthetic input if absent, then
// measures the offline pipeline, an incremental month, the site's payload, the site build
// and the map page in headless Chromium; prints medians (min-max) against the targets and
// writes bench/results.json. Each section reports its own failure and the others still run.
import { execFileSync } from 'node:child_process';
import { link, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { printFailure } from '../pipeline/command-failure.ts';
import { pipelinePaths } from '../pipeline/paths.ts';
import { measureBrowser, type BrowserResult } from './browser.ts';
import type { ChildMeasurement } from './child.ts';
import { differingOutputs, outputHashes } from './output-compare.ts';
import {
  DEFAULTS,
  generateArchive,
  longHistoryOf,
  monthsBetween,
  readManifest,
  type GenerateOptions,
  type Manifest,
} from './generate.ts';
import { OUTCOMES_SCENARIO, outcomesFile, writeOutcomesFiles } from './outcomes-files.ts';
import { REPO_ROOT } from './paths.ts';
import { fileSizes, measureDecode, type DecodeResult, type Sizes } from './payload.ts';
import {
  addMonthFolders,
  linkMonths,
  runAreasPipeline,
  runPipeline,
  type PipelineRun,
} from './pipeline-run.ts';
import { runReadSplit, type ReadSplitRun } from './read-split-run.ts';
import { sectionError, sectionFailureLine } from './section-failure.ts';
import { serveStatic } from './serve.ts';
import { cleanBuild, prepareWorkingCopy, siteWeight, timeBuild } from './site-build.ts';
import { summarise, type Summary } from './stats.ts';
import { judge, type TargetId, type Verdict } from './targets.ts';
import { errorMessage } from '../src/shared/error-message.ts';
import { formatCount } from '../src/shared/format-count.ts';

export const SECTIONS = [
  'pipeline',
  'incremental',
  'areas',
  'payload',
  'build',
  'browser',
] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchConfig {
  generate: GenerateOptions;
  /**
   * The same input over a history twice as long (the months of `generate` and as many
   * before them), for peak memory against the number of months; null = not measured.
   */
  longHistory: GenerateOptions | null;
  sections: readonly Section[];
  pipelineRuns: number;
  incrementalRuns: number;
  buildRuns: number;
  pageLoads: number;
  /** Filter changes measured per kind of control in each session (at least 20 in all). */
  changesPerKind: number;
  /** Fresh map pages the filter changes are measured in (bench/browser.ts). */
  changeSessions: number;
  decodeRuns: number;
  /** Where results.json goes; null = not written. */
  resultsFile: string | null;
  log(line: string): void;
}

export interface PipelineResult {
  runs: number;
  wallMs: Summary;
  cpuMs: Summary;
  maxRssMiB: Summary;
  recordsPerSecond: Summary;
  /** The machine's steal during the runs (steal.ts); null where it is not known. */
  stealMs: Summary | null;
  read: number;
  kept: number;
  dropped: Record<string, number>;
  /** Months the last run took from the month cache, of all months. */
  monthsFromCache: number;
  months: number;
  /** The manifest's Leeds rows: what a correct pipeline keeps. */
  expectedKept: number;
  stagesMs: Record<string, Summary>;
}

export interface AreasResult {
  areas: string[];
  /** Months each district processed. */
  months: Record<string, number>;
  /** One run for both districts. */
  together: {
    runs: number;
    wallMs: Summary;
    cpuMs: Summary;
    maxRssMiB: Summary;
    stealMs: Summary | null;
    /** The police.uk files the run read, and the most times one of them was read. */
    forceFiles: number;
    maxReadsPerFile: number;
    kept: Record<string, number>;
  };
  /** A run for each district, one after the other: wall and CPU are the two runs' sums. */
  alone: {
    runs: number;
    wallMs: Summary;
    cpuMs: Summary;
    stealMs: Summary | null;
    /** Reads of police.uk files by the two runs, and the files both read. */
    reads: number;
    filesReadTwice: number;
    kept: Record<string, number>;
  };
  /** Median wall time together over alone. */
  wallRatio: number;
  /** Median CPU time together over alone (less swayed by other work on a shared machine). */
  cpuRatio: number;
}

export interface Results {
  benchmark: string;
  date: string;
  commit: string | null;
  machine: {
    os: string;
    cpu: string;
    cores: number;
    memoryGiB: number;
    node: string;
    /** 1-, 5- and 15-minute load averages when the benchmark started and ended (a shared machine). */
    load: { start: number[]; end: number[] | null };
  };
  input: { synthetic: true; archiveDir: string; months: number; rows: number; leeds: number };
  pipeline?: PipelineResult;
  /**
   * The plainest one-thread read-and-split of the same files (bench/read-split.ts), run in
   * turn with the pipeline runs, and the pipeline's wall time as a multiple of it.
   */
  yardstick?: {
    runs: number;
    wallMs: Summary;
    cpuMs: Summary;
    stealMs: Summary | null;
    files: number;
    bytes: number;
    rows: number;
    pipelineRatio: number;
  };
  /** The pipeline on twice the months; peak memory against the main input's. */
  longHistory?: {
    archiveDir: string;
    months: number;
    rows: number;
    pipeline: PipelineResult;
    /** Median peak memory here over the main input's, in percent (0 = flat). */
    memoryGrowthPercent: number;
  };
  incremental?: {
    addedMonth: string;
    baseMonths: number;
    /** Rows of the outcomes files of OUTCOMES_SCENARIO's input, all months. */
    outcomeRows?: number;
    scenarios: Record<string, PipelineResult>;
    /**
     * Each scenario's output files (all but the caches and the run summary) that differ, byte
     * for byte, from a run of all the months from nothing on the same folders, over all its
     * runs: empty when the incremental runs published exactly what a full run does.
     */
    differingFromFull: Record<string, string[]>;
  };
  /** Two districts in one run against a run for each, on the input plus Sheffield's sample. */
  areas?: AreasResult;
  payload?: {
    mapData: Sizes & DecodeResult;
    wardShapes: Sizes;
    wardPage?: { pages: number; largest: string; largestSizes: Sizes; medianRaw: number };
  };
  build?: { runs: number; wallMs: Summary };
  /** The built site with full-scale data: all files, and the largest one (GitHub Pages limits). */
  siteWeight?: { bytes: number; files: number; largest: { file: string; bytes: number } };
  browser?: BrowserResult;
  targets: Verdict[];
  errors: Record<string, string>;
  totalSeconds: number;
}

/**
 * Where the added month's files go, relative to the archive folder of the existing build:
 * next to the other months (what a person does by hand), or as an input of its own beside
 * them (a folder holding one new month, as a fresh download would be).
 */
const INCREMENTAL_SCENARIOS: Record<string, (month: string) => string> = {
  'same folder': (month) => month,
  'separate input': (month) => path.join(`added-${month}`, month),
};
/** The target is judged on the plain case: a new month folder beside the others. */
const JUDGED_INCREMENTAL_SCENARIO = 'same folder';

/** The districts of the two-district run: Leeds reads the input, Sheffield its own sample too. */
const AREAS = ['leeds', 'sheffield'] as const;
const SHEFFIELD_SAMPLE = path.join(REPO_ROOT, 'data/areas/sheffield/sample/archive');

const MS_PER_S = 1000;
const BYTES_PER_MB = 1_000_000;

function loadAverage(): number[] {
  return os.loadavg().map((l) => Math.round(l * 100) / 100);
}

function machine(): Results['machine'] {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    load: { start: loadAverage(), end: null },
  };
}

/** The manifest of `options`' archive, generating it first when absent or out of date. */
async function ensureInput(
  options: GenerateOptions,
  log: (line: string) => void,
): Promise<Manifest> {
  const existing = await readManifest(options);
  if (existing !== null) {
    log(`Using the synthetic archive in ${options.outDir} (${existing.totals.rows} rows)`);
    return existing;
  }
  log(`Generating the synthetic archive in ${options.outDir} ...`);
  const manifest = await generateArchive(options);
  log(`  ${manifest.totals.rows} rows in ${(manifest.generatedInMs / MS_PER_S).toFixed(1)} s`);
  return manifest;
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    }).trim();
  } catch {
    return null;
  }
}

export function fmtSummary(s: Summary, unit: string, scale = 1, digits = 1): string {
  const f = (v: number) => (v / scale).toFixed(digits);
  return `${f(s.median)} ${unit} (min ${f(s.min)}, max ${f(s.max)}, n=${s.n})`;
}

function kB(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}

function summariseRuns(runs: readonly PipelineRun[], expectedKept: number): PipelineResult {
  const last = runs.at(-1) as PipelineRun;
  const stageNames = [...new Set(runs.flatMap((r) => r.stages.map((s) => s.name)))];
  return {
    runs: runs.length,
    wallMs: summarise(runs.map((r) => r.wallMs)),
    cpuMs: summarise(runs.map((r) => r.cpuMs)),
    maxRssMiB: summarise(runs.map((r) => r.maxRssMiB)),
    recordsPerSecond: summarise(runs.map((r) => r.read / (r.wallMs / MS_PER_S))),
    stealMs: stealSummary(runs.map((r) => r.stealMs)),
    read: last.read,
    kept: last.kept,
    dropped: last.dropped,
    monthsFromCache: last.monthsFromCache,
    months: last.months,
    expectedKept,
    stagesMs: Object.fromEntries(
      stageNames.map((name) => [
        name,
        summarise(runs.flatMap((r) => r.stages.filter((s) => s.name === name).map((s) => s.ms))),
      ]),
    ),
  };
}

/** The runs' steal together, unless one of them has none known. */
function summedSteal(runs: readonly ChildMeasurement[]): number | null {
  let sum = 0;
  for (const { stealMs } of runs) {
    if (stealMs === null) return null;
    sum += stealMs;
  }
  return sum;
}

/** The steals of several runs (stealMs), unless one of them is not known. */
function stealSummary(steals: readonly (number | null)[]): Summary | null {
  return steals.every((ms): ms is number => ms !== null) ? summarise(steals) : null;
}

function logSteal(log: (line: string) => void, steal: Summary | null): void {
  if (steal !== null) {
    log(`  steal       ${fmtSummary(steal, 's', MS_PER_S, 2)} (CPU time the hypervisor took)`);
  }
}

function logPipeline(log: (line: string) => void, title: string, p: PipelineResult): void {
  log(`${title}`);
  log(`  wall        ${fmtSummary(p.wallMs, 's', MS_PER_S, 2)}`);
  log(`  CPU         ${fmtSummary(p.cpuMs, 's', MS_PER_S, 2)} (user + system)`);
  log(`  peak memory ${fmtSummary(p.maxRssMiB, 'MiB', 1, 0)}`);
  logSteal(log, p.stealMs);
  log(`  records/s   ${fmtSummary(p.recordsPerSecond, '', 1, 0)}`);
  log(`  cache       ${p.monthsFromCache} of ${p.months} months from the month cache`);
  log(
    `  rows        read ${p.read}, kept ${p.kept} (expected ${p.expectedKept}), dropped ${JSON.stringify(p.dropped)}`,
  );
  for (const [name, s] of Object.entries(p.stagesMs)) {
    log(`  step ${name.padEnd(22)} ${fmtSummary(s, 's', MS_PER_S, 2)}`);
  }
}

/** Run every configured section; a failing section is recorded in `errors` and the rest go on. */
export async function runBenchmarks(config: BenchConfig): Promise<Results> {
  const started = performance.now();
  const { log } = config;
  const errors: Record<string, string> = {};
  const values: Partial<Record<TargetId, number>> = {};
  const wants = (s: Section) => config.sections.includes(s);
  const section = async (name: string, body: () => Promise<void>): Promise<void> => {
    const t = performance.now();
    log(`\n== ${name}`);
    try {
      await body();
      log(`   (${name}: ${((performance.now() - t) / MS_PER_S).toFixed(0)} s)`);
    } catch (error) {
      const message = sectionError(error);
      errors[name] = message;
      log(sectionFailureLine(name, message));
    }
  };

  const manifest = await ensureInput(config.generate, log);
  const { totals } = manifest;
  const results: Results = {
    benchmark: 'Leeds crime site at full scale (synthetic input)',
    date: new Date().toISOString(),
    commit: gitCommit(),
    machine: machine(),
    input: {
      synthetic: true,
      archiveDir: path.relative(REPO_ROOT, config.generate.outDir) || config.generate.outDir,
      months: manifest.months.length,
      rows: totals.rows,
      leeds: totals.leeds,
    },
    targets: [],
    errors,
    totalSeconds: 0,
  };

  const work = await mkdtemp(path.join(os.tmpdir(), 'leeds-bench-'));
  /** The last full build: its outputs feed the payload, build and browser sections. */
  let fullOut: string | null = null;
  let siteDir: string | null = null;
  try {
    if (wants('pipeline') || wants('payload') || wants('build') || wants('browser')) {
      await section('Full offline pipeline', async () => {
        const runs: PipelineRun[] = [];
        const yardsticks: ReadSplitRun[] = [];
        const count = wants('pipeline') ? config.pipelineRuns : 1;
        for (let i = 0; i < count; i++) {
          if (wants('pipeline')) {
            // In turn with the pipeline runs, so both see the same load on a shared machine.
            const yardstick = await runReadSplit(config.generate.outDir);
            log(
              `  yardstick ${i + 1}/${count}: ${(yardstick.wallMs / MS_PER_S).toFixed(2)} s, ${yardstick.rows} rows`,
            );
            yardsticks.push(yardstick);
          }
          const out = path.join(work, `full-${i}`);
          const run = await runPipeline(config.generate.outDir, out);
          log(
            `  run ${i + 1}/${count}: ${(run.wallMs / MS_PER_S).toFixed(2)} s, ${run.maxRssMiB.toFixed(0)} MiB`,
          );
          runs.push(run);
          if (fullOut !== null) await rm(fullOut, { recursive: true, force: true });
          fullOut = out;
        }
        if (!wants('pipeline')) return;
        const p = summariseRuns(runs, totals.leeds);
        results.pipeline = p;
        values.pipelineWall = p.wallMs.median / MS_PER_S;
        values.pipelineCpu = p.cpuMs.median / MS_PER_S;
        values.pipelineMemory = p.maxRssMiB.median;
        logPipeline(log, 'Full pipeline (fresh cache each run)', p);
        const y = yardsticks.at(-1) as ReadSplitRun;
        const wallMs = summarise(yardsticks.map((r) => r.wallMs));
        results.yardstick = {
          runs: yardsticks.length,
          wallMs,
          cpuMs: summarise(yardsticks.map((r) => r.cpuMs)),
          stealMs: stealSummary(yardsticks.map((r) => r.stealMs)),
          files: y.files,
          bytes: y.bytes,
          rows: y.rows,
          pipelineRatio: p.wallMs.median / wallMs.median,
        };
        values.pipelineRatio = results.yardstick.pipelineRatio;
        log('Yardstick: one thread reads and splits the same files (bench/read-split.ts)');
        log(`  wall        ${fmtSummary(wallMs, 's', MS_PER_S, 2)}`);
        log(`  CPU         ${fmtSummary(results.yardstick.cpuMs, 's', MS_PER_S, 2)}`);
        logSteal(log, results.yardstick.stealMs);
        log(
          `  input       ${y.files} files, ${(y.bytes / BYTES_PER_MB).toFixed(0)} MB, ${y.rows} rows`,
        );
        log(
          `  pipeline    ${results.yardstick.pipelineRatio.toFixed(2)} x the yardstick (medians)`,
        );
      });
    }

    const longHistory = config.longHistory;
    if (wants('pipeline') && longHistory !== null) {
      await section('Full offline pipeline, twice the months', async () => {
        const long = await ensureInput(longHistory, log);
        const runs: PipelineRun[] = [];
        for (let i = 0; i < config.pipelineRuns; i++) {
          const out = path.join(work, `long-${i}`);
          const run = await runPipeline(longHistory.outDir, out);
          log(
            `  run ${i + 1}/${config.pipelineRuns}: ${(run.wallMs / MS_PER_S).toFixed(2)} s, ${run.maxRssMiB.toFixed(0)} MiB`,
          );
          runs.push(run);
          await rm(out, { recursive: true, force: true });
        }
        const p = summariseRuns(runs, long.totals.leeds);
        logPipeline(log, `Full pipeline, ${long.months.length} months`, p);
        const base = results.pipeline?.maxRssMiB.median;
        const growth = base === undefined ? null : (p.maxRssMiB.median / base - 1) * 100;
        if (growth !== null) {
          values.pipelineMemoryGrowth = growth;
          log(
            `  peak memory ${growth.toFixed(1)}% above the ${manifest.months.length}-month run's`,
          );
        }
        results.longHistory = {
          archiveDir: path.relative(REPO_ROOT, longHistory.outDir) || longHistory.outDir,
          months: long.months.length,
          rows: long.totals.rows,
          pipeline: p,
          memoryGrowthPercent: growth ?? Number.NaN,
        };
      });
    }

    if (wants('incremental')) {
      await section('Incremental month', async () => {
        const months = monthsBetween(config.generate.firstMonth, config.generate.lastMonth);
        const added = months.at(-1) as string;
        const base = months.slice(0, -1);
        const scenarios: Record<string, PipelineResult> = {};
        const differingFromFull: Record<string, string[]> = {};
        /**
         * The incremental runs of one scenario: `archive` holds the base months and `baseOut`
         * a build of them; `addMonth` puts the added month's files in the archive and
         * `removeMonth` takes them out again. Each run starts from a copy of the base build.
         */
        const measureScenario = async (
          scenario: string,
          archive: string,
          baseOut: string,
          addMonth: () => Promise<void>,
          removeMonth: () => Promise<void>,
        ): Promise<void> => {
          // What a run of all the months from nothing publishes, on the same folders: the
          // provenance names each month's archive, so the layout is part of the input.
          await addMonth();
          const referenceOut = path.join(work, 'incremental-full');
          await runPipeline(archive, referenceOut);
          const full = await outputHashes(referenceOut);
          await rm(referenceOut, { recursive: true, force: true });
          // A comparison with nothing would find nothing differing: the reference must hold
          // what every run publishes.
          const published = pipelinePaths({ out: referenceOut });
          for (const file of [published.masterCsv, published.siteData, published.mapData]) {
            if (!full.has(path.relative(referenceOut, file).split(path.sep).join('/'))) {
              throw new Error(
                `The full run for the incremental comparison (${scenario}) wrote no ${path.basename(file)}`,
              );
            }
          }
          await removeMonth();
          const runs: PipelineRun[] = [];
          const differing = new Set<string>();
          for (let i = 0; i < config.incrementalRuns; i++) {
            const out = path.join(work, `incremental-${i}`);
            // Times kept to the nanosecond (`cp -a`, as rsync or a cache restore keeps them): the
            // Crime ID sidecars and gzip members are stamped with their rows file's time in
            // whole milliseconds. fs.cp's preserveTimestamps rounds a time to the nearest
            // millisecond, so about half the files looked replaced and were read or compressed
            // again, and the measure depended on where each time fell within its millisecond.
            execFileSync('cp', ['-a', baseOut, out]);
            // On disk before the run, as the last run's outputs are when a month comes: the
            // copy leaves its 700 MB in dirty pages, and the run's own fsync of the master CSV
            // it appends to would flush the whole copy (about 0.3 s here), a cost of the copy,
            // not of the run. `sync -f` flushes the file system that holds the copy.
            execFileSync('sync', ['-f', out]);
            await addMonth();
            const run = await runPipeline(archive, out);
            log(
              `  ${scenario}, run ${i + 1}/${config.incrementalRuns}: ${(run.wallMs / MS_PER_S).toFixed(2)} s, ` +
                `${run.monthsFromCache} of ${run.months} months from the cache`,
            );
            runs.push(run);
            for (const file of await differingOutputs(full, out)) differing.add(file);
            await removeMonth();
            await rm(out, { recursive: true, force: true });
          }
          const p = summariseRuns(runs, totals.leeds);
          scenarios[scenario] = p;
          differingFromFull[scenario] = [...differing].sort();
          logPipeline(
            log,
            `Incremental (${scenario}): add ${added} to a build of ${base.length} months`,
            p,
          );
          log(
            differing.size === 0
              ? `  outputs     the same as a full run's on the same folders, byte for byte (${full.size} files)`
              : `  outputs     DIFFER from a full run's on the same folders: ${[...differing].sort().join(', ')}`,
          );
        };

        /**
         * `archive` made of the base months (with their outcomes files from `outcomes`, when
         * given) and built into `baseOut`, the cache kept for the incremental runs.
         */
        const buildBase = async (archive: string, baseOut: string, outcomes?: string) => {
          await linkMonths(config.generate.outDir, archive, base);
          if (outcomes !== undefined) {
            for (const month of base) {
              await link(outcomesFile(outcomes, month), outcomesFile(archive, month));
            }
          }
          return runPipeline(archive, baseOut);
        };
        /** The added month's files linked into a folder of their own (its outcomes file too). */
        const stageAdded = async (outcomes?: string): Promise<string> => {
          const staged = path.join(work, 'added');
          await linkMonths(config.generate.outDir, staged, [added]);
          if (outcomes !== undefined) {
            await link(outcomesFile(outcomes, added), outcomesFile(staged, added));
          }
          return path.join(staged, added);
        };

        const archive = path.join(work, 'incremental-archive');
        const baseOut = path.join(work, 'incremental-base');
        const first = await buildBase(archive, baseOut);
        log(`  base build of ${base.length} months: ${(first.wallMs / MS_PER_S).toFixed(2)} s`);
        for (const [scenario, folder] of Object.entries(INCREMENTAL_SCENARIOS)) {
          // The added month's files in `archive`, where `folder` puts them.
          const destination = path.join(archive, folder(added));
          await measureScenario(
            scenario,
            archive,
            baseOut,
            async () => {
              await mkdir(path.dirname(destination), { recursive: true });
              await rename(await stageAdded(), destination);
            },
            () =>
              rm(path.join(archive, folder(added).split(path.sep)[0] as string), {
                recursive: true,
              }),
          );
        }
        await rm(baseOut, { recursive: true, force: true });

        // The same folder, with an outcomes file a month (bench/outcomes-files.ts): the added
        // month brings its own, which revises crimes of the months before it.
        const outcomes = path.join(work, 'outcomes-files');
        const rowsPerMonth = await writeOutcomesFiles(config.generate.outDir, months, outcomes);
        const outcomeRows = rowsPerMonth.reduce((sum, n) => sum + n, 0);
        const baseOutcomeRows = outcomeRows - (rowsPerMonth.at(-1) ?? 0);
        const withOutcomes = path.join(work, 'incremental-outcomes-archive');
        const withOutcomesBase = path.join(work, 'incremental-outcomes-base');
        const firstWith = await buildBase(withOutcomes, withOutcomesBase, outcomes);
        log(
          `  base build of ${base.length} months with their ${formatCount(baseOutcomeRows)} ` +
            `outcome rows: ${(firstWith.wallMs / MS_PER_S).toFixed(2)} s`,
        );
        await measureScenario(
          OUTCOMES_SCENARIO,
          withOutcomes,
          withOutcomesBase,
          async () => rename(await stageAdded(outcomes), path.join(withOutcomes, added)),
          () => rm(path.join(withOutcomes, added), { recursive: true }),
        );
        await rm(withOutcomesBase, { recursive: true, force: true });

        results.incremental = {
          addedMonth: added,
          baseMonths: base.length,
          outcomeRows,
          scenarios,
          differingFromFull,
        };
        values.incrementalDiffering = Object.values(differingFromFull).reduce(
          (sum, files) => sum + files.length,
          0,
        );
        const judged = scenarios[JUDGED_INCREMENTAL_SCENARIO];
        if (judged) values.incrementalWall = judged.wallMs.median / MS_PER_S;
      });
    }

    if (wants('areas')) {
      await section('Two districts in one run', async () => {
        const archive = path.join(work, 'areas-archive');
        const months = monthsBetween(config.generate.firstMonth, config.generate.lastMonth);
        await linkMonths(config.generate.outDir, archive, months);
        await addMonthFolders(SHEFFIELD_SAMPLE, archive);
        const together: PipelineRun[][] = [];
        const alone: PipelineRun[][] = [];
        for (let i = 0; i < config.pipelineRuns; i++) {
          const pair: PipelineRun[] = [];
          const runAlone = async () => {
            for (const area of AREAS) {
              const out = path.join(work, `areas-${area}-${i}`);
              pair.push(await runPipeline(archive, out, area));
              await rm(out, { recursive: true, force: true });
            }
          };
          const runTogether = async () => {
            const out = path.join(work, `areas-together-${i}`);
            together.push(await runAreasPipeline(archive, out, AREAS));
            await rm(out, { recursive: true, force: true });
          };
          // In turn, the first one changing each repetition, so neither always runs first.
          if (i % 2 === 0) {
            await runAlone();
            await runTogether();
          } else {
            await runTogether();
            await runAlone();
          }
          alone.push(pair);
          const sum = pair.reduce((ms, run) => ms + run.wallMs, 0);
          log(
            `  run ${i + 1}/${config.pipelineRuns}: together ${(together[i]![0]!.wallMs / MS_PER_S).toFixed(2)} s, ` +
              `alone ${(sum / MS_PER_S).toFixed(2)} s (${pair.map((r) => (r.wallMs / MS_PER_S).toFixed(2)).join(' + ')})`,
          );
        }
        const last = together.at(-1)!;
        const lastAlone = alone.at(-1)!;
        const files = last[0]!.forceFiles;
        const aloneReads = lastAlone.flatMap((run) => run.forceFiles);
        const byFile = new Map<string, number>();
        for (const { file, reads } of aloneReads) byFile.set(file, (byFile.get(file) ?? 0) + reads);
        const kept = (runs: readonly PipelineRun[]) =>
          Object.fromEntries(AREAS.map((area, i) => [area, runs[i]!.kept]));
        const result: AreasResult = {
          areas: [...AREAS],
          months: Object.fromEntries(AREAS.map((area, i) => [area, last[i]!.months])),
          together: {
            runs: together.length,
            wallMs: summarise(together.map((runs) => runs[0]!.wallMs)),
            cpuMs: summarise(together.map((runs) => runs[0]!.cpuMs)),
            maxRssMiB: summarise(together.map((runs) => runs[0]!.maxRssMiB)),
            stealMs: stealSummary(together.map((runs) => runs[0]!.stealMs)),
            forceFiles: files.length,
            maxReadsPerFile: Math.max(
              ...together.flatMap((runs) => runs[0]!.forceFiles.map((f) => f.reads)),
            ),
            kept: kept(last),
          },
          alone: {
            runs: alone.length,
            wallMs: summarise(alone.map((pair) => pair.reduce((ms, run) => ms + run.wallMs, 0))),
            cpuMs: summarise(alone.map((pair) => pair.reduce((ms, run) => ms + run.cpuMs, 0))),
            stealMs: stealSummary(alone.map(summedSteal)),
            reads: aloneReads.reduce((sum, f) => sum + f.reads, 0),
            filesReadTwice: [...byFile.values()].filter((reads) => reads > 1).length,
            kept: kept(lastAlone),
          },
          wallRatio: 0,
          cpuRatio: 0,
        };
        result.wallRatio = result.together.wallMs.median / result.alone.wallMs.median;
        result.cpuRatio = result.together.cpuMs.median / result.alone.cpuMs.median;
        results.areas = result;
        values.areasReadsPerFile = result.together.maxReadsPerFile;
        values.areasWallRatio = result.wallRatio;
        const t = result.together;
        const a = result.alone;
        log(`Two districts (${AREAS.join(', ')}) on the input plus Sheffield's sample months`);
        log(`  months      ${AREAS.map((area) => `${area} ${result.months[area]}`).join(', ')}`);
        log(
          `  together    ${fmtSummary(t.wallMs, 's', MS_PER_S, 2)}, CPU ${fmtSummary(t.cpuMs, 's', MS_PER_S, 2)}, peak ${fmtSummary(t.maxRssMiB, 'MiB', 1, 0)}`,
        );
        logSteal(log, t.stealMs);
        log(
          `              ${t.forceFiles} force files read, at most ${t.maxReadsPerFile} time(s) each`,
        );
        log(
          `  alone       ${fmtSummary(a.wallMs, 's', MS_PER_S, 2)}, CPU ${fmtSummary(a.cpuMs, 's', MS_PER_S, 2)} (the two runs' sums)`,
        );
        logSteal(log, a.stealMs);
        log(
          `              ${a.reads} reads of force files, ${a.filesReadTwice} file(s) read by both runs`,
        );
        log(`  kept        together ${JSON.stringify(t.kept)}, alone ${JSON.stringify(a.kept)}`);
        log(
          `  together    ${result.wallRatio.toFixed(2)} x the two runs alone in wall time, ` +
            `${result.cpuRatio.toFixed(2)} x in CPU time (medians)`,
        );
      });
    }

    const outputs = fullOut === null ? null : pipelinePaths({ out: fullOut });

    if (wants('payload') && outputs) {
      await section('Map data', async () => {
        const mapData = {
          ...(await fileSizes(outputs.mapData)),
          ...(await measureDecode(outputs.mapData, config.decodeRuns)),
        };
        const wardShapes = await fileSizes(outputs.wardShapes);
        results.payload = { mapData, wardShapes };
        values.mapDataTransferred = mapData.transferred / BYTES_PER_MB;
        values.mapDataDecode = mapData.decodeMs.median;
        log(
          `  map data     ${kB(mapData.transferred)} as transferred (raw ${kB(mapData.raw)}, brotli-11 ${kB(mapData.brotli)}, gzip-9 ${kB(mapData.gzip)})`,
        );
        log(
          `               ${mapData.points} points, ${mapData.entries} entries, ${mapData.months} months`,
        );
        log(`  decode (Node) ${fmtSummary(mapData.decodeMs, 'ms', 1, 1)}`);
        log(
          `  ward shapes  ${kB(wardShapes.transferred)} as transferred (raw ${kB(wardShapes.raw)})`,
        );
      });
    }

    if ((wants('build') || wants('browser')) && outputs) {
      await section('Site build (full-scale data, working copy)', async () => {
        const dir = path.join(work, 'site');
        await prepareWorkingCopy(dir, {
          siteData: outputs.siteData,
          publicData: [outputs.mapData, outputs.wardShapes],
          downloads: outputs.downloads,
        });
        const samples: number[] = [];
        const count = wants('build') ? config.buildRuns : 1;
        for (let i = 0; i < count; i++) {
          await cleanBuild(dir);
          const ms = await timeBuild(dir);
          log(`  build ${i + 1}/${count}: ${(ms / MS_PER_S).toFixed(1)} s`);
          samples.push(ms);
        }
        siteDir = dir;
        if (wants('build')) {
          results.build = { runs: samples.length, wallMs: summarise(samples) };
          values.build = results.build.wallMs.median / MS_PER_S;
          log(`  npm run build ${fmtSummary(results.build.wallMs, 's', MS_PER_S, 1)}`);
        }
        const weight = await siteWeight(path.join(dir, 'dist'));
        results.siteWeight = weight;
        log(
          `  site weight  ${(weight.bytes / BYTES_PER_MB).toFixed(1)} MB in ${weight.files} files; largest ${weight.largest.file}: ${(weight.largest.bytes / BYTES_PER_MB).toFixed(1)} MB (GitHub Pages: 1 GB site, 100 MB per file)`,
        );
        if (results.payload) {
          results.payload.wardPage = await wardPageSizes(path.join(dir, 'dist'));
          const w = results.payload.wardPage;
          log(
            `  ward pages   ${w.pages}; largest ${w.largest}: ${kB(w.largestSizes.raw)} raw, ${kB(w.largestSizes.transferred)} as transferred; median ${kB(w.medianRaw)} raw`,
          );
        }
      });
    }

    if (wants('browser') && siteDir !== null) {
      const dist = path.join(siteDir, 'dist');
      await section('Map page in headless Chromium', async () => {
        const server = await serveStatic(dist);
        try {
          const b = await measureBrowser(server.url, {
            pageLoads: config.pageLoads,
            slowLinkLoads: config.pageLoads,
            changesPerKind: config.changesPerKind,
            sessions: config.changeSessions,
            decodeRuns: config.decodeRuns,
            log,
          });
          results.browser = b;
          values.interactive = b.interactiveMs.median;
          values.heap = Math.max(b.heapAfterLoad.totalMB, b.heapAfterChanges.totalMB);
          values.filterP95 = b.allChangesMs.p95;
          values.filterPaintP95 = b.allChangesTotalMs.p95;
          // Judged in the browser, where the island decodes; the Node figure stays in the results.
          values.mapDataDecode = b.decodeMs.median;
        } finally {
          await server.close();
        }
      });
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  results.targets = judge(values);
  results.machine.load.end = loadAverage();
  results.totalSeconds = Math.round((performance.now() - started) / MS_PER_S);
  log('\n== Targets');
  for (const v of results.targets) {
    const value = v.value === null ? '-' : `${v.value} ${v.unit}`;
    log(`  ${v.label.padEnd(52)} ${value.padStart(12)}   target ${v.target.padEnd(10)} ${v.text}`);
  }
  log(
    `\nTotal ${results.totalSeconds} s on ${results.machine.cpu} (${results.machine.cores} cores), Node ${results.machine.node}; ` +
      `load average ${results.machine.load.start.join(' ')} at the start, ${results.machine.load.end.join(' ')} at the end`,
  );
  if (config.resultsFile !== null) {
    const temp = `${config.resultsFile}.tmp-${process.pid}`;
    await writeFile(temp, `${JSON.stringify(results, null, 2)}\n`);
    await rename(temp, config.resultsFile);
    log(`Results written to ${path.relative(REPO_ROOT, config.resultsFile)}`);
  }
  return results;
}

async function wardPageSizes(
  dist: string,
): Promise<NonNullable<NonNullable<Results['payload']>['wardPage']>> {
  const root = path.join(dist, 'wards');
  const slugs = (await readdir(root, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  if (slugs.length === 0) throw new Error(`No ward pages under ${root}`);
  const sized = await Promise.all(
    slugs.map(async (slug) => ({
      slug,
      sizes: await fileSizes(path.join(root, slug, 'index.html')),
    })),
  );
  sized.sort((a, b) => b.sizes.raw - a.sizes.raw);
  const largest = sized[0] as (typeof sized)[number];
  return {
    pages: sized.length,
    largest: `/wards/${largest.slug}/`,
    largestSizes: largest.sizes,
    medianRaw: summarise(sized.map((s) => s.sizes.raw)).median,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    allowNegative: true,
    options: {
      archive: { type: 'string', default: DEFAULTS.outDir },
      only: { type: 'string' },
      // The 192-month run doubles the pipeline section's time; --no-long-history skips it.
      'long-history': { type: 'boolean', default: true },
      runs: { type: 'string', default: '3' },
      'build-runs': { type: 'string', default: '2' },
      'page-loads': { type: 'string', default: '5' },
      changes: { type: 'string', default: '20' },
      sessions: { type: 'string', default: '3' },
      results: { type: 'string', default: path.join(REPO_ROOT, 'bench/results.json') },
    },
  });
  const count = (name: string, text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`--${name} must be a positive integer, got "${text}"`);
    return n;
  };
  const sections = values.only === undefined ? SECTIONS : (values.only.split(',') as Section[]);
  const unknown = sections.filter((s) => !SECTIONS.includes(s));
  if (unknown.length > 0)
    throw new Error(`--only: unknown section(s) ${unknown.join(', ')}; use ${SECTIONS.join(', ')}`);
  await mkdir(path.dirname(values.results), { recursive: true });
  const generate = { ...DEFAULTS, outDir: path.resolve(values.archive) };
  const results = await runBenchmarks({
    generate,
    longHistory: values['long-history'] ? longHistoryOf(generate) : null,
    sections,
    pipelineRuns: count('runs', values.runs),
    incrementalRuns: count('runs', values.runs),
    buildRuns: count('build-runs', values['build-runs']),
    pageLoads: count('page-loads', values['page-loads']),
    changesPerKind: count('changes', values.changes),
    changeSessions: count('sessions', values.sessions),
    decodeRuns: 20,
    resultsFile: values.results,
    log: (line) => console.log(line),
  });
  if (Object.keys(results.errors).length > 0) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    printFailure(`bench: ${errorMessage(error)}`, error);
    process.exit(1);
  });
}
