// The run's inputs as one frozen value, built once after the network steps (fetch, postcodes)
// have saved what they download: the months found, the geography (the reference files as the
// run read them before its first step, RunContext.geography) with the polling districts and
// postcodes.io answers, the area, options and paths. Every local step reads this value and
// no other copy, so no step can change what another has read. What is derived from it (the
// wards, each month's cache key) is worked out once, on first use; the month results are
// settled once, by the months step or from the cache, and folded in as they are (month-folds.ts).
import type { Ward } from '../src/shared/schema.ts';
import type { LoadedArea } from './area.ts';
import { inCentrePolygon } from './centre.ts';
import { CROSS_MONTH_RULE, dropRepeatsAcrossMonths } from './crime-ids.ts';
import { isInside } from './files.ts';
import { loadGeoContext, type GeoContext } from './geo-context.ts';
import { loadInputs, type Inputs } from './inputs.ts';
import type { MonthPlan } from './merge.ts';
import { MonthFolds, settledMonth, type MonthFoldsState } from './month-folds.ts';
import { readMonthCache, type CachedMonth } from './month-cache.ts';
import { monthKeys } from './month-keys.ts';
import {
  addedSince,
  outcomesFileName,
  readMonthOutcomes,
  writeMonthOutcomes,
} from './month-outcomes.ts';
import { unlistedForceDistrictsNote } from './outside.ts';
import {
  outcomeCountsKey,
  readOutcomeCounts,
  saveOutcomeCounts,
  type OutcomeCounts,
} from './outcome-counts.ts';
import { joinOutcomes, type OutcomeJoin } from './outcome-join.ts';
import type { OutcomeIndex } from './outcome-index.ts';
import type { OutcomeReadStats } from './outcomes.ts';
import {
  outcomeIndexKey,
  saveOutcomeIndex,
  startOutcomeIndex,
  type OutcomeIndexStart,
} from './outcome-index-cache.ts';
import type { PipelinePaths } from './paths.ts';
import type { DistrictRule, MonthProvenanceInfo } from './process-month.ts';
import type { Reporter } from './report.ts';
import {
  geoFiles,
  MONTHS_STEP,
  type MonthOutcome,
  type RunContext,
  type RunOptions,
  type RunRecord,
} from './run-context.ts';
import { readMonthManifest } from './sources/cache.ts';
import { cachedWards, wardCacheKey } from './ward-cache.ts';
import { buildWards } from './wards.ts';
import type { Staging } from './write.ts';

type MonthKey = { key: string; provenance: MonthProvenanceInfo };

/** Read the run's inputs and geography; call after the network steps. Close it when done. */
export async function buildLocalRun(ctx: RunContext): Promise<LocalRun> {
  const inputs = await loadInputs(ctx);
  try {
    const { geography: reference, lsoaDistricts: own } = await ctx.geography();
    const geography = await loadGeoContext(geoFiles(ctx.paths, ctx.area), {
      note: (text) => ctx.note(text),
      reference,
    });
    const unlisted = unlistedForceDistrictsNote(ctx.area.config, ctx.area.source, own);
    if (unlisted !== null) ctx.note(unlisted);
    return new LocalRun(ctx, inputs, geography, own);
  } catch (error) {
    for (const archive of inputs.archives) archive.close();
    throw error;
  }
}

export class LocalRun {
  readonly options: RunOptions;
  readonly staging: Staging;
  readonly record: RunRecord;
  readonly inputs: Readonly<Inputs>;
  readonly geography: Readonly<GeoContext>;
  private readonly ctx: RunContext;
  /** The districts the area's own LSOAs' names start with (outside.ts ownLsoaDistricts). */
  private readonly lsoaDistricts: readonly string[];
  /** What is worked out from the inputs once, on first use; never what they are. */
  private readonly derived: {
    wards?: Promise<Ward[]>;
    monthKeys: Map<MonthPlan, Promise<MonthKey>>;
    keyOf?: (plan: MonthPlan) => string;
    months?: { outcomes: MonthOutcome[]; folds: MonthFolds };
  } = { monthKeys: new Map() };

  /** `lsoaDistricts`: ownLsoaDistricts of the geography's LSOAs, worked out as it was checked. */
  constructor(
    ctx: RunContext,
    inputs: Inputs,
    geography: GeoContext,
    lsoaDistricts: readonly string[],
  ) {
    this.ctx = ctx;
    this.options = ctx.options;
    this.staging = ctx.staging;
    this.record = ctx.record;
    this.inputs = Object.freeze({ ...inputs, choice: Object.freeze({ ...inputs.choice }) });
    this.geography = Object.freeze({ ...geography });
    this.lsoaDistricts = Object.freeze([...lsoaDistricts]);
    Object.freeze(this);
  }

  get paths(): PipelinePaths {
    return this.options.paths;
  }

  get area(): LoadedArea {
    return this.options.area;
  }

  get reporter(): Reporter {
    return this.options.reporter;
  }

  district(): DistrictRule {
    return { ...this.ctx.district(), lsoaDistricts: this.lsoaDistricts };
  }

  note(text: string): void {
    this.ctx.note(text);
  }

  /** The wards, from the geography (built once; cached across runs). */
  wards(): Promise<Ward[]> {
    const { geo, fingerprint } = this.geography;
    const centre = this.area.config.centre;
    this.derived.wards ??= cachedWards(
      this.paths.wardsCache,
      wardCacheKey(fingerprint, centre),
      () => buildWards(geo, centre),
    );
    return this.derived.wards;
  }

  /**
   * Where the months of this run are folded in as they are settled; `state`: saved folds to
   * start from (see month-fold-checkpoint.ts).
   */
  monthFolds(state?: MonthFoldsState): MonthFolds {
    return new MonthFolds(this.area.config.centre, inCentrePolygon(this.geography.geo), state);
  }

  /**
   * The month results of this run and the folds they went into; settled once, so every later
   * step reads the same.
   */
  setMonths(months: MonthOutcome[], folds: MonthFolds): void {
    if (this.derived.months !== undefined) {
      throw new Error('the month results of this run are already settled: they are set once');
    }
    this.derived.months = { outcomes: months, folds };
    this.record.months = months;
  }

  /** The month results: from the months step of this run, else from the cache (all must be current). */
  async months(): Promise<MonthOutcome[]> {
    return (await this.settled()).outcomes;
  }

  /** The months folded into what the site data and map data need (see month-folds.ts). */
  async folded(): Promise<MonthFolds> {
    return (await this.settled()).folds;
  }

  private async settled(): Promise<{ outcomes: MonthOutcome[]; folds: MonthFolds }> {
    if (this.derived.months) return this.derived.months;
    const folds = this.monthFolds();
    const found: MonthOutcome[] = [];
    for (const plan of this.inputs.choice.months) {
      const cached = await this.cachedMonth(plan);
      if (cached === null) {
        throw new Error(
          `${plan.month} has not been processed from the current inputs (no current entry in ` +
            `${this.paths.monthsCacheDir}): run the "${MONTHS_STEP}" step first.`,
        );
      }
      found.push(folds.add(settledMonth(cached), plan, true));
    }
    const { months: outcomes } = await dropRepeatedCrimeIds(this, found, folds);
    this.setMonths(outcomes, folds);
    if (this.record.outcomes === undefined)
      this.noteOutcomes(await this.savedOutcomeCounts(), false);
    return { outcomes, folds };
  }

  /**
   * The outcomes files' counts for the run summary: counted this run (`readThisRun`), or as
   * the run that read them saved them (savedOutcomeCounts); null when neither.
   */
  noteOutcomes(counts: OutcomeCounts | null, readThisRun: boolean): void {
    this.record.outcomes = { files: this.inputs.outcomes.length, counts, readThisRun };
  }

  /**
   * What the outcomes files' rows were and what they join among this run's crimes, as the
   * last run that read these files for these months saved it (outcome-counts.ts); null when
   * there are no files or no such counts.
   */
  async savedOutcomeCounts(): Promise<OutcomeCounts | null> {
    if (this.inputs.outcomes.length === 0) return null;
    return readOutcomeCounts(this.paths.outcomeCounts, await this.outcomeCountsKey());
  }

  /** Save the outcomes files' counts, for a later run of the same months that does not read them. */
  async saveOutcomeCounts(counts: OutcomeCounts): Promise<void> {
    await saveOutcomeCounts(this.paths.outcomeCounts, await this.outcomeCountsKey(), counts);
  }

  /**
   * Where this run's outcome index starts: the one the last run saved, when it can be added to
   * (outcome-index-cache.ts), else an empty one; `mustSee` names files this run must read.
   */
  startOutcomeIndex(mustSee?: ReadonlySet<string>): Promise<OutcomeIndexStart> {
    return startOutcomeIndex(
      this.paths.outcomeIndex,
      outcomeIndexKey(this.geography.fingerprint),
      this.inputs.outcomes,
      mustSee,
    );
  }

  /** Save the outcome index built from every outcomes file of this run, for the next run. */
  async saveOutcomeIndex(index: OutcomeIndex, stats: OutcomeReadStats): Promise<void> {
    await saveOutcomeIndex(
      this.paths.outcomeIndex,
      outcomeIndexKey(this.geography.fingerprint),
      this.inputs.outcomes,
      index,
      stats,
    );
  }

  private async outcomeCountsKey(): Promise<string> {
    const months = await Promise.all(
      this.inputs.choice.months.map(async (plan) => ({
        month: plan.month,
        key: (await this.monthKey(plan)).key,
      })),
    );
    return outcomeCountsKey(this.inputs.outcomes, this.geography.fingerprint, months);
  }

  /**
   * The month from the cache when it is current (its key, the postcodes.io answers for its
   * points, and the outcomes files it was made with: this run's, month-outcomes.ts), with this
   * run's provenance labels; else null.
   */
  async cachedMonth(plan: MonthPlan): Promise<CachedMonth | null> {
    const found = await this.cachedMonthBeforeOutcomes(plan);
    return found !== null && found.added.length === 0 ? found.cached : null;
  }

  /**
   * The month from the cache as cachedMonth finds it, with the outcomes files of this run it
   * was not made with (`added`): it holds only if none lists one of its crimes
   * (month-outcomes.ts holdsWith). Null when it is not current, or an outcomes file it was
   * made with changed or is gone.
   */
  async cachedMonthBeforeOutcomes(
    plan: MonthPlan,
  ): Promise<{ cached: CachedMonth; added: string[] } | null> {
    const added = await this.outcomesFilesAdded(plan);
    if (added === null) return null;
    const { key, provenance } = await this.monthKey(plan);
    const cached = await readMonthCache(
      this.paths.monthsCacheDir,
      plan.month,
      key,
      this.geography.postcodeAnswers,
      provenance,
    );
    return cached === null ? null : { cached, added };
  }

  /**
   * The outcomes files of this run that the cached `plan` was not made with, by its record
   * (month-outcomes.ts); null without a record under its key, or when a file it was made with
   * changed or is gone.
   */
  async outcomesFilesAdded(plan: MonthPlan): Promise<string[] | null> {
    const { key } = await this.monthKey(plan);
    const recorded = await readMonthOutcomes(this.paths.monthsCacheDir, plan.month, key);
    return recorded === null ? null : addedSince(recorded, this.outcomesFiles());
  }

  /** The run's outcomes files, as the month cache's records name them (month-outcomes.ts). */
  outcomesFiles(): string[] {
    return this.inputs.outcomes.map(outcomesFileName);
  }

  /** Record that the cached `plan` is made with this run's outcomes files (month-outcomes.ts). */
  async recordOutcomesFiles(plan: MonthPlan): Promise<void> {
    const { key } = await this.monthKey(plan);
    await writeMonthOutcomes(this.paths.monthsCacheDir, plan.month, key, this.outcomesFiles());
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
   * A month's cache key: its input files (month-keys.ts), the geography and the code; with
   * the month's provenance labels, which are not part of it.
   */
  monthKey(plan: MonthPlan): Promise<MonthKey> {
    let key = this.derived.monthKeys.get(plan);
    if (key === undefined) {
      key = this.computeMonthKey(plan);
      this.derived.monthKeys.set(plan, key);
    }
    return key;
  }

  private async computeMonthKey(plan: MonthPlan): Promise<MonthKey> {
    this.derived.keyOf ??= monthKeys(this.inputs, this.geography.fingerprint, this.district());
    return { key: this.derived.keyOf(plan), provenance: await this.provenance(plan) };
  }

  close(): void {
    for (const archive of this.inputs.archives) archive.close();
  }
}

/**
 * The months (ascending) without rows whose Crime ID an earlier month holds (see
 * crime-ids.ts), noted; a month that lost rows is folded in again, its new summary in place of
 * its old one. With the run's outcome index `outcomes`, also what its Crime IDs join among the
 * crimes the months keep (outcome-join.ts), else null.
 */
export async function dropRepeatedCrimeIds(
  run: LocalRun,
  months: MonthOutcome[],
  folds: MonthFolds,
  outcomes?: OutcomeIndex,
): Promise<{ months: MonthOutcome[]; join: OutcomeJoin | null }> {
  let join: OutcomeJoin | null = null;
  const names = months.map((m) => m.plan.month);
  const result = await dropRepeatsAcrossMonths(months, run.paths.cacheDir, (index) => {
    if (outcomes) join = joinOutcomes(outcomes, index, names);
  });
  const recounted = new Map<string, CachedMonth>();
  for (const d of result.dropped) {
    run.note(
      `${d.month}: ${d.rows} row(s) dropped as duplicates, their Crime ID already in ` +
        `${d.firstSeenIn.join(', ')} (${CROSS_MONTH_RULE})`,
    );
    recounted.set(d.month, d.recounted);
  }
  return {
    months: months.map((outcome) => {
      const month = recounted.get(outcome.plan.month);
      return month === undefined ? outcome : folds.replace(outcome, settledMonth(month));
    }),
    join,
  };
}
