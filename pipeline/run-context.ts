// The run context every step reads: the run's options, its inputs, geography, wards and
// month results (loaded once, on first use), the staged outputs and the run record.
// What a step reads cannot be changed by a later one: the options and paths are frozen, the
// month results are settled once, and a step that saves local inputs (the fetch step's
// months, the postcodes step's answers) fails if a step before it has already read them.
import type { Ward } from '../src/shared/schema.ts';
import { CROSS_MONTH_RULE, dropRepeatsAcrossMonths } from './crime-ids.ts';
import { isInside } from './files.ts';
import { loadGeography, type Geography } from './geo.ts';
import type { LoadedArea } from './area.ts';
import { loadGeoContext, type GeoContext, type GeoFiles } from './geo-context.ts';
import { loadInputs, type Inputs } from './inputs.ts';
import type { ReferenceFiles } from './load-geography.ts';
import type { MonthPlan } from './merge.ts';
import { monthCacheKey, readMonthCache, type CachedMonth } from './month-cache.ts';
import type { PipelinePaths } from './paths.ts';
import type { DistrictRule, MonthProvenanceInfo } from './process-month.ts';
import type { DropTally, Reporter } from './report.ts';
import { readMonthManifest } from './sources/cache.ts';
import type { FetchStepOptions } from './sources/fetch-step.ts';
import { cachedWards, wardCacheKey } from './ward-cache.ts';
import { buildWards } from './wards.ts';
import { Staging } from './write.ts';

export interface Step {
  name: string;
  description: string;
  /** Needs the network; skipped with --offline. */
  network?: boolean;
  /** Runs the step; returns a one-line account of what it did (counts). */
  run(ctx: RunContext): Promise<string>;
}

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
}

/**
 * The local inputs a step reads through the context and a network step saves: `inputs`, the
 * months found under the archive folder and the fetch step's cache; `geography`, the
 * reference with the fetched polling districts and postcodes.io answers.
 */
export type LocalInput = 'inputs' | 'geography';

export interface MonthOutcome extends CachedMonth {
  plan: MonthPlan;
  cached: boolean;
}

/** What the run summary (run-summary.json and the closing lines) is made of. */
export interface RunRecord {
  steps: { number: number; name: string; ms: number; result: string }[];
  months?: MonthOutcome[];
  stopSearch?: { read: number; kept: number; dropped: DropTally };
  notes: string[];
}

export class RunContext {
  readonly staging: Staging;
  readonly record: RunRecord = { steps: [], notes: [] };
  private inputsLoaded: Promise<Inputs> | undefined;
  private referenceLoaded: Promise<Geography> | undefined;
  private geoLoaded: Promise<GeoContext> | undefined;
  private wardsBuilt: Promise<Ward[]> | undefined;
  private monthsDone: MonthOutcome[] | undefined;
  /** Each month's key, computed once. */
  private readonly monthKeys = new Map<
    MonthPlan,
    Promise<{ key: string; provenance: MonthProvenanceInfo }>
  >();

  readonly options: RunOptions;

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

  /**
   * Called by a step before it saves `what`: fails when an earlier step has already read it,
   * since that step (and every later one reading the same memo) would not see what is saved.
   */
  beforeSaving(what: LocalInput, step: string): void {
    const read = what === 'inputs' ? this.inputsLoaded : this.geoLoaded;
    if (read === undefined) return;
    throw new Error(
      `the ${step} step would change the ${what} an earlier step has already read; ` +
        'the steps that download (fetch, postcodes) must come before every step that reads them ' +
        '(pipeline/steps.ts)',
    );
  }

  get paths(): PipelinePaths {
    return this.options.paths;
  }

  get area(): LoadedArea {
    return this.options.area;
  }

  /** The district's name and its force's districts, for the rows outside it. */
  district(): DistrictRule {
    const { localAuthority, forceDistricts } = this.area.config;
    return { name: localAuthority.name, forceDistricts };
  }

  get reporter(): Reporter {
    return this.options.reporter;
  }

  /** A note for the user, printed once and kept in the run summary. */
  note(text: string): void {
    if (this.record.notes.includes(text)) return;
    this.record.notes.push(text);
    this.reporter.info(`note: ${text}`);
  }

  inputs(): Promise<Inputs> {
    this.inputsLoaded ??= loadInputs(this);
    return this.inputsLoaded;
  }

  /** The reference geography alone (wards, LSOAs, outline, postcodes when the area has them). */
  reference(): Promise<Geography> {
    this.referenceLoaded ??= loadGeography(referenceFiles(this.area));
    return this.referenceLoaded;
  }

  /**
   * The reference geography with the cached polling districts and postcodes.io answers.
   * Loaded once, on first use, and never again: the steps that save those answers (fetch,
   * postcodes) come before every step that reads the geography, so no step changes what
   * another has read.
   */
  geography(): Promise<GeoContext> {
    this.geoLoaded ??= this.reference().then((reference) =>
      loadGeoContext(geoFiles(this.paths, this.area), {
        note: (text) => this.note(text),
        reference,
      }),
    );
    return this.geoLoaded;
  }

  wards(): Promise<Ward[]> {
    this.wardsBuilt ??= this.geography().then(({ geo, fingerprint }) =>
      cachedWards(this.paths.wardsCache, wardCacheKey(fingerprint, this.area.config.centre), () =>
        buildWards(geo, this.area.config.centre),
      ),
    );
    return this.wardsBuilt;
  }

  /** The month results of this run; settled once, so every later step reads the same. */
  setMonths(months: MonthOutcome[]): void {
    if (this.monthsDone !== undefined) {
      throw new Error('the month results of this run are already settled: they are set once');
    }
    this.monthsDone = months;
    this.record.months = months;
  }

  /** The month results: from the months step of this run, else from the cache (all must be current). */
  async months(): Promise<MonthOutcome[]> {
    if (this.monthsDone) return this.monthsDone;
    const { choice } = await this.inputs();
    const found: MonthOutcome[] = [];
    for (const plan of choice.months) {
      const cached = await this.cachedMonth(plan);
      if (cached === null) {
        throw new Error(
          `${plan.month} has not been processed from the current inputs (no current entry in ` +
            `${this.paths.monthsCacheDir}): run the "${MONTHS_STEP}" step first.`,
        );
      }
      found.push({ ...cached, plan, cached: true });
    }
    const months = await dropRepeatedCrimeIds(this, found);
    this.setMonths(months);
    return months;
  }

  /** The month from the cache when it is current, with this run's provenance labels; else null. */
  async cachedMonth(plan: MonthPlan): Promise<CachedMonth | null> {
    const { key, provenance } = await this.monthKey(plan);
    return readMonthCache(this.paths.monthsCacheDir, plan.month, key, provenance);
  }

  /** Snapshot and fetchedAt of a month: from the fetch step's manifest when the month came from it. */
  async provenance(plan: MonthPlan): Promise<MonthProvenanceInfo> {
    const sources = this.paths.sources;
    const fetched =
      plan.source === 'archive'
        ? plan.entries.every((e) => isInside(e.input, sources.archiveDir))
        : isInside(plan.file.path, sources.apiDir);
    const manifest = fetched ? await readMonthManifest(sources, plan.month) : undefined;
    if (manifest && manifest.source === plan.source) {
      return { snapshot: manifest.snapshot, fetchedAt: manifest.fetchedAt };
    }
    if (plan.source === 'api') return { snapshot: plan.snapshot, fetchedAt: plan.file.fetchedAt };
    // Not fetched by this pipeline: the files' own modification time is when they were saved.
    const newest = Math.max(...plan.entries.map((e) => e.modifiedAt.getTime()));
    return { snapshot: plan.snapshot, fetchedAt: new Date(newest).toISOString() };
  }

  /**
   * A month's cache key: its input files, the outcomes files that can revise it, the
   * geography and the code; with the month's provenance labels, which are not part of it.
   */
  monthKey(plan: MonthPlan): Promise<{ key: string; provenance: MonthProvenanceInfo }> {
    let key = this.monthKeys.get(plan);
    if (key === undefined) {
      key = this.computeMonthKey(plan);
      this.monthKeys.set(plan, key);
    }
    return key;
  }

  private async computeMonthKey(
    plan: MonthPlan,
  ): Promise<{ key: string; provenance: MonthProvenanceInfo }> {
    const inputs = await this.inputs();
    const geo = await this.geography();
    const provenance = await this.provenance(plan);
    const sources =
      plan.source === 'archive'
        ? plan.entries.map((e) => `${e.force}:${e.fingerprint}`)
        : [plan.file.fingerprint];
    if (plan.source === 'api') {
      // API months take LSOA codes from the archive months (see enrich.ts).
      for (const other of inputs.choice.months) {
        if (other.source === 'archive') sources.push((await this.monthKey(other)).key);
      }
    }
    const key = monthCacheKey({
      month: plan.month,
      source: plan.source,
      inputs: sources,
      outcomes: inputs.outcomes.filter((e) => e.month >= plan.month).map((e) => e.fingerprint),
      geography: geo.fingerprint,
    });
    return { key, provenance };
  }

  async close(): Promise<void> {
    if (this.inputsLoaded) {
      const inputs = await this.inputsLoaded.catch(() => undefined);
      for (const archive of inputs?.archives ?? []) archive.close();
    }
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
      postcodes === null || area.files.postcodes === null ? null : { file: area.files.postcodes },
    population: { ...population, file: area.files.population },
  };
}

/** The files the geography is loaded from. */
export function geoFiles(paths: PipelinePaths, area: LoadedArea): GeoFiles {
  return {
    reference: referenceFiles(area),
    pollingDistrictsCache:
      area.config.pollingDistricts === null ? null : paths.sources.pollingDistrictsCache,
    postcodesCache: paths.sources.postcodesCache,
  };
}

/** The months without rows whose Crime ID an earlier month holds (see crime-ids.ts), noted. */
export async function dropRepeatedCrimeIds(
  ctx: RunContext,
  months: MonthOutcome[],
): Promise<MonthOutcome[]> {
  const result = await dropRepeatsAcrossMonths(months, ctx.paths.cacheDir);
  for (const d of result.dropped) {
    ctx.note(
      `${d.month}: ${d.rows} row(s) dropped as duplicates, their Crime ID already in ` +
        `${d.firstSeenIn.join(', ')} (${CROSS_MONTH_RULE})`,
    );
  }
  return result.months;
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
