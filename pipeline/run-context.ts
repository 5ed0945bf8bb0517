// What a run is given and what it keeps: the options (frozen), the staged outputs, the notes
// and the run record. The network steps (fetch, postcodes) get this alone; every later step
// gets the run's inputs as one frozen value built after them (pipeline/local-run.ts), so no
// step changes what another step reads.
import { areaProjection } from '../src/shared/area.ts';
import type { LoadedArea } from './area.ts';
import { loadAreaGeography, type AreaGeography } from './area-geography.ts';
import type { ForceFileReads } from './force-file-reads.ts';
import type { RunDownloads } from './sources/run-downloads.ts';
import type { GeoFiles } from './geo-context.ts';
import type { LocalRun } from './local-run.ts';
import type { ReferenceFiles } from './load-geography.ts';
import type { MonthPlan } from './merge.ts';
import type { CachedMonth } from './month-cache.ts';
import type { MonthTotals } from './month-parts.ts';
import type { OutcomeCounts } from './outcome-counts.ts';
import type { PipelinePaths } from './paths.ts';
import type { DistrictKey } from './process-month.ts';
import type { Reporter } from './report.ts';
import type { StopSearchResult } from './stop-search.ts';
import type { FetchStepOptions } from './sources/fetch-step.ts';
import { Staging } from './write.ts';
import { errorMessage } from '../src/shared/error-message.ts';

interface StepInfo {
  name: string;
  description: string;
}

/** A step that downloads: skipped with --offline; it runs before the run's inputs are read. */
export interface NetworkStep extends StepInfo {
  network: true;
  /** Runs the step; returns a one-line account of what it did (counts). */
  run(ctx: RunContext): Promise<string>;
  /**
   * Runs the step for the districts of a run for several at once (sharing what they read);
   * one account per district, in their order. Without it, `run` runs for each in turn. A
   * failure of one district's part is a DistrictError naming it.
   */
  runTogether?(contexts: readonly RunContext[]): Promise<string[]>;
}

/**
 * A failure of one district's part of a step run for several districts at once: the run
 * names that district (cli.ts), not every district of the run.
 */
export class DistrictError extends Error {
  override name = 'DistrictError';
  readonly area: string;

  constructor(area: string, cause: unknown) {
    super(`${area}: ${errorMessage(cause)}`, { cause });
    this.area = area;
  }
}

/** A step on local inputs: it reads the run's inputs, built once after the network steps. */
export interface LocalStep extends StepInfo {
  network?: false;
  /** Runs the step; returns a one-line account of what it did (counts). */
  run(run: LocalRun): Promise<string>;
  /**
   * Runs the step for the districts of a run for several at once (sharing what they read);
   * one account per district, in their order. Without it, `run` runs for each in turn.
   */
  runTogether?(runs: readonly LocalRun[]): Promise<string[]>;
}

export type Step = NetworkStep | LocalStep;

export interface RunOptions {
  /** The district the run is for: its reference files, forces, centre and sources. */
  readonly area: LoadedArea;
  readonly paths: PipelinePaths;
  /** Input in archive layout: a folder (of month folders and/or zips) or a .zip. */
  readonly archiveDir: string;
  readonly offline: boolean;
  /** What the fetch step downloads and where the sources are (when not offline). */
  readonly fetch?: FetchStepOptions | undefined;
  readonly reporter: Reporter;
  /** Threads for processing months (default: the machine's available parallelism; 1: no workers). */
  readonly threads?: number | undefined;
  /** Fixed generatedAt (e.g. from SOURCE_DATE_EPOCH); default: the newest month's fetchedAt. */
  readonly generatedAt?: string | undefined;
  /** Counts each police.uk file's reads: shared by the districts of one run. */
  readonly reads?: ForceFileReads | undefined;
  /** What the fetch step downloaded: shared by the districts of one run, each fetched once. */
  readonly downloads?: RunDownloads | undefined;
}

/** A settled month as the run keeps it: its totals, not its summary (see month-folds.ts). */
export interface MonthOutcome extends Omit<CachedMonth, 'summary'> {
  summary: MonthTotals;
  plan: MonthPlan;
  cached: boolean;
}

/** What the run summary (run-summary.json and the closing lines) is made of. */
export interface RunRecord {
  steps: { number: number; name: string; ms: number; result: string }[];
  months?: MonthOutcome[];
  stopSearch?: StopSearchResult;
  /**
   * The input's outcomes files, what their rows were (outcomes.ts) and what the Crime IDs they
   * index join among the crimes the run keeps (outcome-join.ts). A run whose every month comes
   * from the cache as made with the outcomes files as they are now (month-outcomes.ts) does
   * not read them: `counts` are then those of the run that read them for the same months
   * (outcome-counts.ts), and null when there are no files or no such counts.
   */
  outcomes?: { files: number; counts: OutcomeCounts | null; readThisRun: boolean };
  notes: string[];
}

export class RunContext {
  readonly staging: Staging;
  readonly record: RunRecord = { steps: [], notes: [] };
  readonly options: RunOptions;
  private loaded: Promise<AreaGeography> | undefined;

  constructor(options: RunOptions) {
    // Frozen copies of the plain data; the reporter and the fetch step's HTTP settings (a
    // clock, a fetch function, as tests give them) keep their own state and stay as given.
    const fetch = options.fetch;
    this.options = Object.freeze({
      ...options,
      paths: deepFreeze(structuredClone(options.paths)),
      fetch:
        fetch === undefined
          ? undefined
          : Object.freeze({
              ...fetch,
              selection: deepFreeze(structuredClone(fetch.selection)),
              overrides: deepFreeze(structuredClone(fetch.overrides)),
            }),
    });
    this.staging = new Staging(options.paths.publishJournal);
  }

  get paths(): PipelinePaths {
    return this.options.paths;
  }

  get area(): LoadedArea {
    return this.options.area;
  }

  /** The district's name and its force's districts, for the rows outside it. */
  district(): DistrictKey {
    const { localAuthority, forceDistricts } = this.area.config;
    return { name: localAuthority.name, forceDistricts };
  }

  get reporter(): Reporter {
    return this.options.reporter;
  }

  /**
   * The area's reference geography, checked against its area.json (area-geography.ts): read
   * on the first call, which the run makes before its first step, and shared by every step.
   */
  geography(): Promise<AreaGeography> {
    this.loaded ??= loadAreaGeography(this.area, referenceFiles(this.area));
    return this.loaded;
  }

  /** A note for the user, printed once and kept in the run summary. */
  note(text: string): void {
    if (this.record.notes.includes(text)) return;
    this.record.notes.push(text);
    this.reporter.info(`note: ${text}`);
  }
}

export const MONTHS_STEP = 'months';

/** The files an area's geography is read from. */
export function referenceFiles(area: LoadedArea): ReferenceFiles {
  const { boundaries, population, postcodes } = area.config;
  return {
    wards: { ...boundaries.wards, file: area.files.wards },
    lsoas: { file: area.files.lsoas },
    outline: { file: area.files.outline },
    postcodes:
      postcodes === null || area.files.postcodes === null
        ? null
        : { file: area.files.postcodes, nonGeographicDistricts: postcodes.nonGeographicDistricts },
    population: { ...population, file: area.files.population },
    centre: area.files.centre === null ? null : { file: area.files.centre },
    projection: {
      latitude: areaProjection(area.config).latitude,
      source: `${area.source} map.centre`,
    },
  };
}

/** The files the geography is loaded from. */
export function geoFiles(paths: PipelinePaths, area: LoadedArea): GeoFiles {
  return {
    reference: referenceFiles(area),
    pollingDistrictsCache:
      area.config.pollingDistricts === null ? null : paths.sources.pollingDistrictsCache,
    districtName: area.config.localAuthority.name,
    postcodesCache: paths.sources.postcodesCache,
  };
}

/** Freezes plain data (objects and arrays of strings, numbers, booleans) all the way down. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export function planBytes(plan: MonthPlan): number {
  return plan.source === 'archive'
    ? plan.entries.reduce((sum, e) => sum + e.size, 0)
    : plan.file.size;
}
