// The pipeline's steps, in order, and the run context they share. Each step reads what it
// needs through the context (inputs, geography, month results: loaded once, on first use)
// and stages its outputs; the CLI renames every staged output into place only after the
// last selected step succeeded.
import { createReadStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { FORCES, MASTER_COLUMNS } from '../src/shared/constants.ts';
import type { MonthSummary, Ward } from '../src/shared/schema.ts';
import { aggregateSiteData, qualityTotals } from './aggregate.ts';
import { listApiMonths, type ApiMonthFile } from './api-months.ts';
import {
  openArchiveInputs,
  selectEntries,
  type ArchiveEntry,
  type ArchiveInput,
  type SelectedEntries,
} from './archive.ts';
import { readCsv } from './csv.ts';
import type { LsoaHints } from './enrich.ts';
import {
  coordinateKey,
  createLocator,
  loadGeography,
  type Geography,
  type Locator,
} from './geo.ts';
import { exists, loadGeoContext, type GeoContext, type GeoFiles } from './geo-context.ts';
import { InputError } from './input-error.ts';
import { buildMapData, buildWardShapes } from './map-data.ts';
import { chooseMonthSources, type MonthChoice, type MonthPlan } from './merge.ts';
import { monthCacheKey, readMonthCache, type CachedMonth } from './month-cache.ts';
import { processMonthsInWorkers, type EntryRef, type MonthJob } from './month-pool.ts';
import { processMonthIntoCache, type MonthTaskResult } from './month-task.ts';
import { OutcomeIndex, readOutcomes } from './outcomes.ts';
import type { PipelinePaths } from './paths.ts';
import { MASTER_HEADER, monthRows, type MonthProvenanceInfo } from './process-month.ts';
import {
  DropTally,
  formatCount,
  formatDropCounts,
  type DropExample,
  type Reporter,
} from './report.ts';
import { readMonthManifest } from './sources/cache.ts';
import { runFetchStep, type FetchStepOptions } from './sources/fetch-step.ts';
import { runPostcodesStep } from './sources/postcodes-step.ts';
import { writeLeedsStopSearch } from './stop-search.ts';
import { sharePointStrings } from './summarise.ts';
import { cachedWards, wardCacheKey } from './ward-cache.ts';
import { buildWards } from './wards.ts';
import { Staging } from './write.ts';
import { monthCsvRows, writeYearlyDownloads } from './downloads.ts';

export interface Step {
  name: string;
  description: string;
  /** Needs the network; skipped with --offline. */
  network?: boolean;
  /** Runs the step; returns a one-line account of what it did (counts). */
  run(ctx: RunContext): Promise<string>;
}

export interface RunOptions {
  paths: PipelinePaths;
  /** Input in archive layout: a folder (of month folders and/or zips) or a .zip. */
  archiveDir: string;
  offline: boolean;
  /** What the fetch step downloads and where the sources are (when not offline). */
  fetch?: FetchStepOptions | undefined;
  reporter: Reporter;
  /** Threads for processing months (default: the machine's available parallelism; 1: no workers). */
  threads?: number | undefined;
  /** Fixed generatedAt (e.g. from SOURCE_DATE_EPOCH); default: the newest month's fetchedAt. */
  generatedAt?: string | undefined;
}

export interface Inputs {
  archives: ArchiveInput[];
  selected: SelectedEntries;
  apiMonths: ApiMonthFile[];
  choice: MonthChoice;
  outcomes: ArchiveEntry[];
  stopSearch: ArchiveEntry[];
}

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
  readonly staging = new Staging();
  readonly record: RunRecord = { steps: [], notes: [] };
  private inputsLoaded: Promise<Inputs> | undefined;
  private referenceLoaded: Promise<Geography> | undefined;
  private geoLoaded: Promise<GeoContext> | undefined;
  private wardsBuilt: Promise<Ward[]> | undefined;
  private monthsDone: MonthOutcome[] | undefined;
  /** Each month's key, computed once per geography. */
  private readonly monthKeys = new Map<
    MonthPlan,
    Promise<{ key: string; provenance: MonthProvenanceInfo }>
  >();

  readonly options: RunOptions;

  constructor(options: RunOptions) {
    this.options = options;
  }

  get paths(): PipelinePaths {
    return this.options.paths;
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

  /** The reference geography alone (wards, LSOAs, outline, LS postcodes). */
  reference(): Promise<Geography> {
    this.referenceLoaded ??= loadGeography(this.paths.referenceDir);
    return this.referenceLoaded;
  }

  /** The reference geography with the cached polling districts and postcodes.io answers. */
  geography(): Promise<GeoContext> {
    this.geoLoaded ??= this.reference().then((reference) =>
      loadGeoContext(geoFiles(this.paths), { note: (text) => this.note(text), reference }),
    );
    return this.geoLoaded;
  }

  /** The postcodes.io answer cache changed: the next geography() reads it again. */
  postcodeAnswersChanged(): void {
    this.geoLoaded = undefined;
    this.monthKeys.clear();
    this.wardsBuilt = undefined;
  }

  wards(): Promise<Ward[]> {
    this.wardsBuilt ??= this.geography().then(({ geo, fingerprint }) =>
      cachedWards(this.paths.wardsCache, wardCacheKey(fingerprint), () => buildWards(geo)),
    );
    return this.wardsBuilt;
  }

  setMonths(months: MonthOutcome[]): void {
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
    this.setMonths(found);
    return found;
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

/**
 * The steps, in order. The steps that download (network: true) come first: they save new
 * months into paths.sources (archive layout, API snapshots, manifests), polling districts
 * and postcodes.io answers, which the steps below then read like any local input.
 */
export const STEPS: readonly Step[] = [
  {
    name: 'fetch',
    description:
      'download new or revised months (police.uk archives, else API) and polling districts',
    network: true,
    run: (ctx) =>
      runFetchStep(ctx.options.fetch ?? {}, {
        sources: ctx.paths.sources,
        referenceDir: ctx.paths.referenceDir,
        log: (message) => ctx.reporter.info(`  ${message}`),
      }),
  },
  {
    name: 'postcodes',
    description:
      'ask postcodes.io about snap points no LS postcode is near (the WF and BD parts of Leeds)',
    network: true,
    run: runPostcodes,
  },
  {
    name: MONTHS_STEP,
    description:
      'read each month from one source, normalise, locate in Leeds, de-duplicate; cache per month',
    run: runMonths,
  },
  {
    name: 'stop-search',
    description: 'stop-and-search rows located in Leeds, with their ward',
    run: runStopSearch,
  },
  {
    name: 'master-csv',
    description: 'the master dataset of every kept crime (leeds_street_combined.csv)',
    run: runMasterCsv,
  },
  {
    name: 'downloads',
    description: 'the records as one compressed CSV per year, with checksums (downloads/)',
    run: async (ctx) => {
      const months = (await ctx.months()).map((m) => ({
        month: m.plan.month,
        csv: m.csv,
        rows: m.summary.kept,
      }));
      const { downloads, publishedDownloads } = ctx.paths;
      const { files } = await writeYearlyDownloads(months, ctx.staging, downloads, [
        downloads,
        publishedDownloads,
      ]);
      return `${files.length} yearly file(s), ${formatCount(files.reduce((n, f) => n + f.bytes, 0))} bytes`;
    },
  },
  {
    name: 'site-data',
    description: "the site's aggregated data (site-data.json)",
    run: runSiteData,
  },
  {
    name: 'map-data',
    description: "the map's data and simplified ward outlines",
    run: runMapData,
  },
];

/** The files the geography is loaded from. */
export function geoFiles(paths: PipelinePaths): GeoFiles {
  return {
    referenceDir: paths.referenceDir,
    pollingDistrictsCache: paths.sources.pollingDistrictsCache,
    postcodesCache: paths.sources.postcodesCache,
  };
}

async function loadInputs(ctx: RunContext): Promise<Inputs> {
  const roots = [ctx.options.archiveDir];
  const fetched = ctx.paths.sources.archiveDir;
  if (path.resolve(fetched) !== path.resolve(ctx.options.archiveDir) && (await exists(fetched))) {
    roots.push(fetched);
  }
  const archives: ArchiveInput[] = [];
  try {
    for (const root of roots) archives.push(...(await openArchiveInputs(root)));
  } catch (error) {
    for (const archive of archives) archive.close();
    throw error;
  }
  const selected = selectEntries(archives);
  const apiMonths = await listApiMonths(ctx.paths.sources.apiDir);
  const choice = chooseMonthSources(
    selected.entries.filter((e) => e.kind === 'street'),
    apiMonths,
  );
  const forces: ReadonlySet<string> = new Set(FORCES);
  const ofKind = (kind: ArchiveEntry['kind']) =>
    selected.entries.filter((e) => e.kind === kind && forces.has(e.force));
  const inputs: Inputs = {
    archives,
    selected,
    apiMonths,
    choice,
    outcomes: ofKind('outcomes'),
    stopSearch: ofKind('stop-and-search'),
  };

  const r = ctx.reporter;
  for (const archive of archives) {
    r.info(
      `input: ${archive.path} (${archive.type}, ${archive.entries.length} police.uk files, newest month ${archive.latestMonth})`,
    );
  }
  const ignored = archives.flatMap((a) => a.ignored);
  if (ignored.length > 0) {
    ctx.note(
      `${ignored.length} file(s) that are not police.uk files were skipped, e.g. ${ignored[0]}`,
    );
  }
  for (const { entry, usedInstead } of selected.shadowed) {
    ctx.note(`${entry.where} is also in ${usedInstead.input}; the newer input's copy is used`);
  }
  const skippedForces = new Set(choice.skipped.map((s) => s.why));
  for (const why of skippedForces) ctx.note(`street files skipped: ${why}`);
  if (choice.months.length === 0) {
    throw new InputError(
      ctx.options.archiveDir,
      'holds no West Yorkshire street-level files (YYYY-MM/YYYY-MM-west-yorkshire-street.csv): nothing to process',
    );
  }
  return inputs;
}

/**
 * Locate the coordinates of every month to be processed (archive and API months) with the
 * LS postcode list alone, and ask postcodes.io about those it cannot place. Months already
 * cached are read too: an offline run may have cached them with approximate districts.
 */
async function runPostcodes(ctx: RunContext): Promise<string> {
  const { choice } = await ctx.inputs();
  const locator = createLocator(await ctx.reference());
  const progress = ctx.reporter.progress(
    `coordinates of ${choice.months.length} month(s)`,
    choice.months.reduce((sum, plan) => sum + planBytes(plan), 0),
  );
  for (const plan of choice.months) {
    // Unusable rows are dropped and counted by the months step; here they are only skipped.
    for await (const { result } of monthRows(plan, (n) => progress.advance(n))) {
      if (result.ok) locator.locate(result.record.longitude, result.record.latitude);
    }
  }
  progress.done(`${formatCount(locator.cacheStats().size)} distinct coordinates`);
  const { asked, summary } = await runPostcodesStep(
    locator.postcodeGaps(),
    ctx.options.fetch ?? {},
    {
      cacheFile: ctx.paths.sources.postcodesCache,
      log: (message) => ctx.reporter.info(`  ${message}`),
    },
  );
  if (asked > 0) ctx.postcodeAnswersChanged();
  return summary;
}

function planBytes(plan: MonthPlan): number {
  return plan.source === 'archive'
    ? plan.entries.reduce((sum, e) => sum + e.size, 0)
    : plan.file.size;
}

async function runMonths(ctx: RunContext): Promise<string> {
  const inputs = await ctx.inputs();
  const geo = await ctx.geography();
  const { locator, postcodeAnswers } = geo;
  const results: MonthOutcome[] = [];
  const toProcess: MonthPlan[] = [];
  const strings = new Map<string, string>();
  for (const plan of inputs.choice.months) {
    const cached = await ctx.cachedMonth(plan);
    if (cached) {
      sharePointStrings(cached.summary, strings);
      results.push({ ...cached, plan, cached: true });
      ctx.reporter.info(`  ${plan.month}: ${describeMonth(plan, cached.summary)} (cached)`);
    } else {
      toProcess.push(plan);
    }
  }
  /** Coordinates of kept rows whose postcode district is only approximate. */
  const approximate = new Set<string>();
  const processed = (plan: MonthPlan, result: MonthTaskResult) => {
    for (const key of result.approximate) approximate.add(key);
    results.push({ ...result, plan, cached: false });
  };

  // Archive months are independent of each other: in parallel when there are several.
  // API months take LSOA codes from the archive months (see enrich.ts), so they come after.
  const archivePlans = toProcess.filter((plan) => plan.source === 'archive');
  const threads = Math.min(ctx.options.threads ?? availableParallelism(), archivePlans.length);
  const inline = threads >= 2 ? toProcess.filter((plan) => plan.source === 'api') : toProcess;
  if (threads >= 2) {
    // The main thread mostly waits for the workers: build the wards meanwhile (the later steps
    // need them; a first build works out neighbours, about 0.8 s at full scale). A failure
    // is reported by the step that awaits them.
    ctx.wards().catch(() => undefined);
    for (const [i, result] of (
      await processArchiveMonthsInWorkers(ctx, archivePlans, threads)
    ).entries()) {
      processed(archivePlans[i]!, result);
    }
  }

  let outcomeIndex: OutcomeIndex | undefined;
  let hints: LsoaHints | undefined;
  for (const plan of inline) {
    if (outcomeIndex === undefined && inputs.outcomes.length > 0) {
      outcomeIndex = await buildOutcomeIndex(ctx, inputs.outcomes, locator);
    }
    if (plan.source === 'api') hints ??= await lsoaHintsFromArchiveMonths(results);
    const { key, provenance } = await ctx.monthKey(plan);
    const progress = ctx.reporter.progress(plan.month, planBytes(plan));
    try {
      const result = await processMonthIntoCache(plan, provenance, key, {
        locator,
        outcomes: outcomeIndex,
        hints,
        monthsCacheDir: ctx.paths.monthsCacheDir,
        onBytes: (n) => progress.advance(n),
      });
      progress.done(describeMonth(plan, result.summary));
      processed(plan, result);
    } catch (error) {
      progress.done('failed');
      throw error;
    }
  }
  results.sort((a, b) => a.plan.month.localeCompare(b.plan.month));
  ctx.setMonths(results);
  const unasked = [...approximate].filter((key) => !postcodeAnswers.has(key)).length;
  if (unasked > 0) {
    ctx.note(
      `${formatCount(unasked)} snap point(s) of the months processed now have no LS postcode ` +
        'within 1 km (the WF and BD parts of Leeds) and no postcodes.io answer: their Postcode ' +
        'District is the nearest LS one, approximate; an online run asks postcodes.io about them',
    );
  }
  if (approximate.size > unasked) {
    ctx.note(
      `${formatCount(approximate.size - unasked)} snap point(s) of the months processed now ` +
        'have no LS postcode within 1 km and postcodes.io knows none near them either: their ' +
        'Postcode District is the nearest LS one, approximate',
    );
  }
  const totals = qualityTotals(results.map((r) => r.summary));
  const fromCache = results.filter((r) => r.cached).length;
  return (
    `${results.length} month(s) (${fromCache} from cache): read ${formatCount(totals.read)}, ` +
    `kept ${formatCount(totals.kept)}, dropped ${formatCount(totals.read - totals.kept)}`
  );
}

/** The archive months `plans`, processed by `threads` month workers (see month-pool.ts). */
async function processArchiveMonthsInWorkers(
  ctx: RunContext,
  plans: readonly MonthPlan[],
  threads: number,
): Promise<MonthTaskResult[]> {
  const inputs = await ctx.inputs();
  const geo = await ctx.geography();
  const ref = (e: ArchiveEntry): EntryRef => ({
    input: e.input,
    where: e.where,
    fingerprint: e.fingerprint,
  });
  const jobs: MonthJob[] = [];
  for (const plan of plans) {
    if (plan.source !== 'archive') continue;
    const { key, provenance } = await ctx.monthKey(plan);
    jobs.push({
      month: plan.month,
      snapshot: plan.snapshot,
      entries: plan.entries.map(ref),
      provenance,
      key,
    });
  }
  const byMonth = new Map(plans.map((plan) => [plan.month, plan]));
  const progress = ctx.reporter.progress(
    `${jobs.length} month(s) in ${threads} threads`,
    plans.reduce((sum, plan) => sum + planBytes(plan), 0),
  );
  try {
    const results = await processMonthsInWorkers(
      jobs,
      {
        geoFiles: geoFiles(ctx.paths),
        geoFingerprint: geo.fingerprint,
        inputs: inputs.archives.map((a) => ({ path: a.path, type: a.type })),
        outcomes: inputs.outcomes.map(ref),
        monthsCacheDir: ctx.paths.monthsCacheDir,
      },
      { threads, onBytes: (n) => progress.advance(n) },
    );
    progress.done();
    results.forEach((result, i) => {
      const plan = byMonth.get(jobs[i]!.month)!;
      ctx.reporter.info(`  ${plan.month}: ${describeMonth(plan, result.summary)}`);
    });
    return results;
  } catch (error) {
    progress.done('failed');
    throw error;
  }
}

function describeMonth(plan: MonthPlan, summary: MonthSummary): string {
  const also = plan.notUsed.length > 0 ? `; also in ${plan.notUsed.join(', ')}, not used` : '';
  return (
    `${plan.source} (${summary.snapshot}${also}): read ${formatCount(summary.read)}, ` +
    `kept ${formatCount(summary.kept)}, dropped ${formatDropCounts(summary.dropped)}`
  );
}

async function buildOutcomeIndex(
  ctx: RunContext,
  entries: readonly ArchiveEntry[],
  locator: Locator,
): Promise<OutcomeIndex> {
  const index = new OutcomeIndex();
  const progress = ctx.reporter.progress(
    `outcomes (${entries.length} file(s))`,
    entries.reduce((sum, e) => sum + e.size, 0),
  );
  const stats = await readOutcomes(entries, index, {
    keep: (lon, lat) => locator.locate(lon, lat) !== null,
    onBytes: (n) => progress.advance(n),
  });
  progress.done(
    `${formatCount(stats.read)} rows, latest outcome of ${formatCount(index.size)} crimes` +
      (stats.unusable > 0
        ? `, ${formatCount(stats.unusable)} rows without Crime ID/month/outcome`
        : ''),
  );
  return index;
}

/** The LSOA police.uk gave each coordinate, from the archive months (ascending: newest wins). */
async function lsoaHintsFromArchiveMonths(months: readonly MonthOutcome[]): Promise<LsoaHints> {
  const hints: LsoaHints = new Map();
  const archiveMonths = months
    .filter((m) => m.plan.source === 'archive')
    .sort((a, b) => a.plan.month.localeCompare(b.plan.month));
  for (const month of archiveMonths) {
    for await (const { values } of readCsv(
      createReadStream(month.csv),
      month.csv,
      MASTER_COLUMNS,
    )) {
      const code = values['LSOA code'] ?? '';
      if (code === '') continue;
      const key = coordinateKey(Number(values['Longitude']), Number(values['Latitude']));
      hints.set(key, { code, name: values['LSOA name'] ?? '' });
    }
  }
  return hints;
}

async function runStopSearch(ctx: RunContext): Promise<string> {
  const { stopSearch } = await ctx.inputs();
  const { locator } = await ctx.geography();
  const out = await ctx.staging.createWriteStream(ctx.paths.stopSearchCsv);
  if (stopSearch.length === 0) ctx.note('the input has no stop-and-search files');
  const progress = ctx.reporter.progress(
    `stop and search (${stopSearch.length} file(s))`,
    stopSearch.reduce((sum, e) => sum + e.size, 0),
  );
  const result = await writeLeedsStopSearch(stopSearch, locator, out, {
    onBytes: (n) => progress.advance(n),
  });
  await out.close();
  progress.done();
  ctx.record.stopSearch = result;
  return (
    `read ${formatCount(result.read)}, kept ${formatCount(result.kept)} in Leeds, ` +
    `dropped ${formatDropCounts(result.dropped.counts)}`
  );
}

async function runMasterCsv(ctx: RunContext): Promise<string> {
  const months = await ctx.months();
  const out = await ctx.staging.createWriteStream(ctx.paths.masterCsv);
  await out.write(MASTER_HEADER);
  let rows = 0;
  for (const month of months) {
    await out.write(await monthCsvRows(month.csv));
    rows += month.summary.kept;
  }
  await out.close();
  return `${formatCount(rows)} rows from ${months.length} month(s)`;
}

async function runSiteData(ctx: RunContext): Promise<string> {
  const summaries = (await ctx.months()).map((m) => m.summary);
  const wards = await ctx.wards();
  const generatedAt = ctx.options.generatedAt ?? newestFetchedAt(summaries);
  const siteData = aggregateSiteData(summaries, wards, generatedAt);
  await ctx.staging.writeFile(ctx.paths.siteData, `${JSON.stringify(siteData)}\n`);
  return `${siteData.months.length} month(s), ${siteData.wards.length} wards, generatedAt ${generatedAt}`;
}

/**
 * The default generatedAt: the newest fetchedAt among the months, so the same inputs always
 * give the same site data and a monthly run that changes nothing commits nothing.
 */
function newestFetchedAt(summaries: readonly MonthSummary[]): string {
  return summaries.reduce((newest, s) => (s.fetchedAt > newest ? s.fetchedAt : newest), '');
}

async function runMapData(ctx: RunContext): Promise<string> {
  const summaries = (await ctx.months()).map((m) => m.summary);
  const wards = await ctx.wards();
  const { geo } = await ctx.geography();
  const { mapData } = buildMapData(summaries, wards);
  const shapes = buildWardShapes(geo.wards, wards);
  await ctx.staging.writeFile(ctx.paths.mapData, mapData);
  await ctx.staging.writeFile(ctx.paths.wardShapes, shapes);
  return `${formatCount(mapData.length)} bytes of map data, ${wards.length} ward outlines`;
}

/** The run summary as written to run-summary.json. */
export function runSummaryJson(ctx: RunContext): unknown {
  const months = ctx.record.months ?? [];
  const examples = new DropTally();
  for (const m of months) examples.merge(m.drops);
  return {
    archiveDir: ctx.options.archiveDir,
    offline: ctx.options.offline,
    steps: ctx.record.steps,
    months: months.map((m) => ({
      month: m.plan.month,
      source: m.plan.source,
      snapshot: m.summary.snapshot,
      fetchedAt: m.summary.fetchedAt,
      alsoAvailableFrom: m.plan.notUsed,
      read: m.summary.read,
      kept: m.summary.kept,
      dropped: m.summary.dropped,
      coverage: m.summary.coverage,
      fromCache: m.cached,
    })),
    totals: qualityTotals(months.map((m) => m.summary)),
    dropExamples: examples.examples satisfies Partial<Record<string, DropExample[]>>,
    stopSearch: ctx.record.stopSearch && {
      read: ctx.record.stopSearch.read,
      kept: ctx.record.stopSearch.kept,
      dropped: ctx.record.stopSearch.dropped.counts,
      dropExamples: ctx.record.stopSearch.dropped.examples,
    },
    notes: ctx.record.notes,
  };
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(path.resolve(dir), path.resolve(file));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
