// One month, from its chosen source to enriched rows and a MonthSummary, its stages in order:
// read the street files (or the API snapshot) row by row, normalise, de-duplicate by Crime
// ID, locate in the district and enrich, attach the latest outcome, write each kept row and
// count it (processMonth); then commit it to the month cache (processMonthIntoCache). The
// same code runs in the main thread and in the month workers (month-worker.ts), so a month's
// cache files do not depend on where it ran. Memory is bounded by the month's distinct
// Crime IDs and summary, never by its rows.
import { createReadStream } from 'node:fs';
import { MASTER_COLUMNS, STREET_COLUMNS } from '../src/shared/constants.ts';
import { coordinateKey } from '../src/shared/coordinates.ts';
import {
  DROP_REASONS,
  type CrimeRecord,
  type DropReason,
  type EnrichedCrime,
  type MonthSummary,
} from '../src/shared/schema.ts';
import { readApiMonth } from './api-months.ts';
import type { ArchiveEntry } from './archive.ts';
import { createIdSidecarWriter } from './crime-id-sidecar.ts';
import { CACHE_DAMAGED, readCsv } from './csv.ts';
import { addLsoaHint, enrich, type LsoaHints } from './enrich.ts';
import type { Locator, Place } from './geo.ts';
import { InputError } from './input-error.ts';
import { MASTER_HEADER, masterLineFor } from './master-row.ts';
import { createDeduper, type MonthPlan } from './merge.ts';
import { openMonthCacheWriter, postcodeAnswersUsed, type PostcodeAnswers } from './month-cache.ts';
import {
  normaliseApiCrime,
  normaliseArchiveRow,
  normaliseStreetFields,
  type Normalised,
} from './normalise.ts';
import { applyLatestOutcome, readOutcomesOnce, type OutcomeReadStats } from './outcomes.ts';
import { OutcomeIndex, type LatestOutcome, type OutcomeLookup } from './outcome-index.ts';
import { inAnotherDistrict, outsideReason, type OutsideRule } from './outside.ts';
import { readEachOnce } from './read-once.ts';
import { DropTally, formatTallyExamples, ReasonTally } from './report.ts';
import { formatCount } from '../src/shared/format-count.ts';
import { createMonthSummariser } from './summarise.ts';

export interface MonthDeps {
  /**
   * The record enriched with its place in the district (enrich.ts), and the place; null when
   * it lies outside the district.
   */
  enrich(record: CrimeRecord): { crime: EnrichedCrime; place: Place } | null;
  /** The district's name and its force's districts, for the rows outside it (see outside.ts). */
  district: DistrictRule;
  /** Latest outcomes from the outcomes files, when there are any. */
  outcomes?: OutcomeLookup | undefined;
  /** Progress: bytes of input read. */
  onBytes?: ((n: number) => void) | undefined;
  /** Told each kept crime's Crime ID, in the order of the rows written. */
  onKept?: ((crimeId: string) => void) | undefined;
}

export interface MonthResult {
  summary: MonthSummary;
  drops: DropTally;
}

/** What of the district a month's cache key holds: its name and its force's districts. */
export interface DistrictKey extends OutsideRule {
  name: string;
}

/** The district a month is processed for: its name and how rows outside it are told apart. */
export interface DistrictRule extends DistrictKey {
  /** The districts its own LSOAs' names start with (outside.ts ownLsoaDistricts). */
  lsoaDistricts: readonly string[];
}

/**
 * Kept rows are written in batches of about this many characters: one write per row (some
 * 200 bytes) spends more time in the stream's bookkeeping than in the disk.
 */
const WRITE_BATCH_CHARS = 1 << 16;

/** Where the month's data was published and when it was fetched, for its provenance. */
export interface MonthProvenanceInfo {
  snapshot: string;
  fetchedAt: string;
}

/**
 * Process one month: write its header and kept rows (MASTER_COLUMNS) to `out` and return its
 * summary and drop tally.
 */
export async function processMonth(
  plan: MonthPlan,
  provenance: MonthProvenanceInfo,
  deps: MonthDeps,
  out: { write(chunk: string): Promise<void> },
): Promise<MonthResult> {
  const month = monthProcessor(plan, provenance, deps, out);
  await feedMonth([plan], [month], { onBytes: deps.onBytes });
  return month.finish();
}

/** A month being processed: its rows are given one by one (row), then finish. */
export interface MonthProcessor {
  /**
   * A promise only when the row made it write (a row at a time costs no promise).
   * `file`: the index of the row's file in the month's files (planFiles): 0 is the territorial
   * force's street file, the others another force's (British Transport Police's); an API
   * month's rows are all of its snapshot, 0.
   */
  row(where: string, result: Normalised, file: number): Promise<void> | undefined;
  /**
   * Writes what is left and returns the month's summary; throws when the territorial force's
   * file (an API month: its snapshot) held no row, or when every row of it was dropped: the
   * other forces' rows are a small part of a month and make no month without it.
   */
  finish(): Promise<MonthResult>;
}

/**
 * The stages of processMonth, fed row by row: a run for several districts reads a force file
 * once and gives each row to the month of every district that reads that force
 * (processMonthIntoCache).
 */
export function monthProcessor(
  plan: MonthPlan,
  provenance: MonthProvenanceInfo,
  deps: Omit<MonthDeps, 'onBytes'>,
  out: { write(chunk: string): Promise<void> },
): MonthProcessor {
  const summariser = createMonthSummariser({
    month: plan.month,
    source: plan.source,
    snapshot: provenance.snapshot,
    fetchedAt: provenance.fetchedAt,
  });
  const drops = new DropTally();
  const deduper = createDeduper();
  let read = 0;
  /** The rows of the territorial force's file read (finish; the summary counts those kept). */
  let ownRead = 0;
  /**
   * The territorial force's file's drops, for finish's message: its rows come first (its
   * entry leads the plan), so they are the month's drops as they stand when another force's
   * first row comes, copied then; null until then (the month's drops are its file's).
   */
  let ownDrops: ReasonTally<DropReason> | null = null;
  const dropRow = (reason: DropReason, where: string, detail: string): void => {
    summariser.drop(reason);
    drops.add(reason, where, detail);
  };
  let batch = MASTER_HEADER;
  /** Where the row being processed came from, for onEarlier (made once, not once a row). */
  let at = '';
  const onEarlier = (record: EnrichedCrime, latest: LatestOutcome): void => {
    drops.disagreements.add(
      'outcome-before-crime',
      at,
      `Crime ID ${record.crimeId} is listed for ${record.month}, and its latest outcome in ` +
        `the outcomes files, "${latest.outcome}", is dated ${latest.month}, before it: the ` +
        `street file's Last outcome category "${record.lastOutcome}" stands`,
    );
  };

  const row = (where: string, result: Normalised, file: number): Promise<void> | undefined => {
    const territorial = file === 0;
    read += 1;
    if (territorial) ownRead += 1;
    else if (ownDrops === null) {
      ownDrops = new ReasonTally(DROP_REASONS);
      ownDrops.merge(drops);
    }
    at = where;
    summariser.read();
    const normalised = dropIfOtherMonth(result, plan.month);
    if (!normalised.ok) {
      dropRow(normalised.reason, where, normalised.detail);
      return undefined;
    }
    const record = normalised.record;
    const { streetColumns } = normalised;
    const differing = deduper.repeatOf(record, streetColumns);
    if (record.crimeId !== '') summariser.crimeId(file, differing !== undefined);
    if (differing !== undefined) {
      dropRow('duplicate', where, `Crime ID ${record.crimeId} was already read this month`);
      if (differing.length > 0) {
        drops.disagreements.add(
          'duplicate-differing',
          where,
          `Crime ID ${record.crimeId} was already read this month, on a row with another ` +
            `${differing.join(', ')}: the first row read stands (police.uk gives no way to ` +
            'tell which is right; the same rule as across months)',
        );
      }
      return undefined;
    }
    const located = deps.enrich(record);
    if (located === null) {
      const why = outsideReason(record.lsoaName, deps.district);
      dropRow(
        'outside-district',
        where,
        `${record.longitude}, ${record.latitude} (${record.location}) is outside the ` +
          `${deps.district.name} district (${why}: LSOA "${record.lsoaName}")`,
      );
      drops.outside[why] += 1;
      return undefined;
    }
    const { crime, place } = located;
    const enriched = deps.outcomes ? applyLatestOutcome(crime, deps.outcomes, onEarlier) : crime;
    summariser.add(enriched, territorial);
    if (normalised.repairs) {
      for (const { reason, detail } of normalised.repairs)
        drops.repaired.add(reason, where, detail);
    }
    deps.onKept?.(enriched.crimeId);
    batch += masterLineFor(enriched, record, streetColumns, place);
    if (batch.length < WRITE_BATCH_CHARS) return undefined;
    const full = batch;
    batch = '';
    return out.write(full);
  };

  const finish = async (): Promise<MonthResult> => {
    await out.write(batch);
    // The other forces' rows (British Transport Police's: a few dozen a month) read or kept
    // without the territorial force's would make a month of theirs alone, shown as the
    // district's month.
    const others =
      read > ownRead
        ? ` (the ${formatCount(read - ownRead)} rows of another force's file, ` +
          `${planSources(plan, 1)}, make no month without it)`
        : '';
    if (ownRead === 0) {
      throw new InputError(
        territorialSource(plan),
        `holds no crimes for ${plan.month}${others}. police.uk never publishes an empty month, ` +
          `so the file is probably truncated: ${whatToDo(plan)}`,
      );
    }
    const summary = summariser.finish();
    if (summary.territorialKept === 0) {
      throw new InputError(
        territorialSource(plan),
        `holds no usable crimes for ${plan.month}: all ${formatCount(ownRead)} rows read were ` +
          `dropped (${formatTallyExamples(ownDrops ?? drops)})${summary.kept > 0 ? others : ''}. police.uk ` +
          `never publishes a month without crimes in ${deps.district.name}, so this is not a ` +
          `month of zero crimes: check that the file is the ${plan.month} file of a force ` +
          `that covers ${deps.district.name}, and ${whatToDo(plan)}`,
      );
    }
    return { summary, drops };
  };
  return { row, finish };
}

/** What to do about a month whose territorial force's file cannot make the month. */
export function whatToDo(plan: MonthPlan): string {
  return plan.source === 'archive'
    ? 'download it again (or remove the month folder: the month is then a gap)'
    : 'delete the snapshot and fetch the month again';
}

/**
 * The files a month's rows come from, in the order it reads them: an archive month's street
 * files (the territorial force's first), or its API snapshot.
 */
export function planFiles(plan: MonthPlan): string[] {
  return plan.source === 'archive' ? plan.entries.map((e) => e.where) : [plan.file.path];
}

/** Where a month's rows come from, for messages (an archive month's files from `from` on). */
export function planSources(plan: MonthPlan, from = 0): string {
  return planFiles(plan).slice(from).join(', ');
}

/** The territorial force's street file of a month (its first), or its API snapshot. */
export function territorialSource(plan: MonthPlan): string {
  return plan.source === 'archive' ? (plan.entries[0]?.where ?? '') : plan.file.path;
}

/** A row dated in another month than its file is as unusable as an unreadable month. */
function dropIfOtherMonth(result: Normalised, month: string): Normalised {
  if (!result.ok || result.record.month === month) return result;
  return {
    ok: false,
    reason: 'malformed-month',
    detail: `Month "${result.record.month}" in a file for ${month}`,
  };
}

/**
 * A month's rows from its chosen source, normalised, with where each came from. Also read by
 * the postcodes step (pipeline/steps/postcodes.ts) for the coordinates the months step will
 * locate.
 */
export async function* monthRows(
  plan: MonthPlan,
  onBytes: ((n: number) => void) | undefined,
): AsyncGenerator<{ where: string; result: Normalised }> {
  if (plan.source === 'api') {
    for await (const { index, crime } of readApiMonth(plan.file)) {
      yield {
        where: `${plan.file.path} [${index}]`,
        result: normaliseApiCrime(crime, plan.reportedBy),
      };
    }
    onBytes?.(plan.file.size);
    return;
  }
  for (const entry of plan.entries) {
    const rows = readCsv(
      await entry.open(),
      entry.where,
      STREET_COLUMNS,
      // A byte that is not UTF-8 is read as U+FFFD, and its row counted (normalise.ts).
      { ...(onBytes ? { onBytes } : {}), replaceInvalidUtf8: true },
    );
    for await (const { line, values } of rows) {
      yield { where: `${entry.where}:${line}`, result: normaliseArchiveRow(values) };
    }
  }
}

export interface MonthTaskDeps {
  locator: Locator;
  /** The postcodes.io answers `locator` was given: the month's cache entry keeps those it used. */
  postcodeAnswers: PostcodeAnswers;
  district: DistrictRule;
  /** Latest outcomes from the outcomes files, when there are any. */
  outcomes?: OutcomeLookup | undefined;
  /** For API months: the LSOA police.uk gave each coordinate in the archive months. */
  hints?: LsoaHints | undefined;
  monthsCacheDir: string;
}

export interface MonthTaskResult extends MonthResult {
  /** The month's cached rows (MASTER_COLUMNS, with header). */
  csv: string;
  /**
   * Coordinate keys of kept rows whose postcode district is only approximate (no LS
   * postcode within POSTCODE_RADIUS_M and no postcodes.io answer).
   */
  approximate: string[];
}

/** One district's share of a month: what it is processed with and cached under. */
export interface MonthTask {
  plan: MonthPlan;
  provenance: MonthProvenanceInfo;
  key: string;
  deps: MonthTaskDeps;
}

export interface MonthReadOptions {
  /** Progress: bytes of input read. */
  onBytes?: ((n: number) => void) | undefined;
}

/**
 * Process a month for one district or several (one task each) and commit each district's
 * month to its month cache under its key; on failure no cache keeps a half month. Each
 * street file is read and parsed once, and each of its rows goes to every task whose plan
 * holds the file, in that plan's order (read-once.ts): a district's month is the same as when
 * it is processed alone. An API month is one district's and is processed alone.
 */
export async function processMonthIntoCache(
  tasks: readonly MonthTask[],
  options: MonthReadOptions = {},
): Promise<MonthTaskResult[]> {
  const opened: OpenedMonthTask[] = [];
  let finished = 0;
  try {
    for (const task of tasks) opened.push(await openMonthTask(task));
    await feedMonth(
      tasks.map((task) => task.plan),
      opened.map((task) => task.processor),
      options,
    );
    const results: MonthTaskResult[] = [];
    for (const task of opened) {
      results.push(await task.finish());
      finished += 1;
    }
    return results;
  } catch (error) {
    // A month already committed is a good cache entry of its district; the others are dropped.
    for (const task of opened.slice(finished)) await task.abort();
    throw error;
  }
}

/**
 * The rows of one month's plans (one per district), each given to its district's processor:
 * an API month's snapshot (one district's), or every street file of the archive plans read
 * once, its rows given to each processor whose plan holds it.
 */
async function feedMonth(
  plans: readonly MonthPlan[],
  processors: readonly MonthProcessor[],
  options: MonthReadOptions,
): Promise<void> {
  const [first] = plans;
  if (first?.source === 'api') {
    if (plans.length > 1) throw new Error(`${first.month}: an API month is one district's`);
    for await (const { where, result } of monthRows(first, options.onBytes)) {
      await processors[0]!.row(where, result, 0);
    }
    return;
  }
  const lists = plans.map((plan) => {
    if (plan.source !== 'archive') throw new Error(`${plan.month}: an API month is one district's`);
    return plan.entries;
  });
  await readEachOnce(
    lists,
    STREET_COLUMNS,
    (readers, entries, row) => {
      const { line, text } = row;
      // A plain row (CsvRow.text) of a file whose header is STREET_COLUMNS in order is read by
      // position; any other row by column name.
      const result =
        text === undefined
          ? normaliseArchiveRow(row.values)
          : normaliseStreetFields(row.fields, text);
      let writes: Promise<void>[] | undefined;
      for (const i of readers) {
        const entry = entries[i]!;
        const file = lists[i]!.indexOf(entry);
        const written = processors[i]!.row(`${entry.where}:${line}`, result, file);
        if (written) (writes ??= []).push(written);
      }
      return writes && Promise.all(writes).then(() => undefined);
    },
    options,
  );
}

/**
 * Where a row lies in the district, or null when it is not the district's: outside the
 * outline's tolerance, or within OUTLINE_TOLERANCE_M of its edge, inside or out, where
 * police.uk's LSOA puts it in another district of the force. Near the edge the generalised
 * outlines (about 20 m) cannot tell two districts apart and police.uk's LSOA can, so the same
 * rule on both sides of a border gives each such row to one of them: two districts of a force
 * built side by side never both keep it (a point a few metres inside Bradford that police.uk
 * puts in Leeds, which Leeds keeps as just outside its edge), nor both leave it.
 */
export function placeInDistrict(
  locator: Pick<Locator, 'locate' | 'nearOutlineEdge'>,
  record: Pick<CrimeRecord, 'longitude' | 'latitude' | 'lsoaName'>,
  district: DistrictRule,
): Place | null {
  const place = locator.locate(record.longitude, record.latitude);
  if (place === null) return null;
  const leftToAnother =
    inAnotherDistrict(record.lsoaName, district, district.lsoaDistricts) &&
    (place.nearBoundary || locator.nearOutlineEdge(record.longitude, record.latitude));
  return leftToAnother ? null : place;
}

interface OpenedMonthTask {
  processor: MonthProcessor;
  finish(): Promise<MonthTaskResult>;
  abort(): Promise<void>;
}

/** A task's month cache writer and processor, ready for its rows. */
async function openMonthTask({ plan, provenance, key, deps }: MonthTask): Promise<OpenedMonthTask> {
  const { locator, hints, district } = deps;
  const source = plan.source;
  const approximate = new Set<string>();
  /** The month's snap points no listed postcode is near: its rows depend on their answers. */
  const gaps = new Set<string>();
  const ids = createIdSidecarWriter();
  const writer = await openMonthCacheWriter(deps.monthsCacheDir, plan.month);
  const processor = monthProcessor(
    plan,
    provenance,
    {
      enrich: (record) => {
        const place = placeInDistrict(locator, record, district);
        if (place === null) return null;
        if (place.postcodeGap) {
          const key = coordinateKey(record.longitude, record.latitude);
          gaps.add(key);
          if (place.postcodeApproximate) approximate.add(key);
        }
        return { crime: enrich(record, place, source, hints), place };
      },
      district,
      outcomes: deps.outcomes,
      onKept: (crimeId) => ids.add(crimeId),
    },
    writer.rows,
  );
  return {
    processor,
    finish: async () => {
      const result = await processor.finish();
      const answers = postcodeAnswersUsed(gaps, deps.postcodeAnswers);
      await writer.commit(result.summary, result.drops, key, answers);
      // The Crime ID sidecar from the IDs at hand, rather than by reading the rows back.
      await ids.write(writer.rows.finalPath);
      return { ...result, csv: writer.rows.finalPath, approximate: [...approximate] };
    },
    abort: () => writer.abort(),
  };
}

/**
 * The latest outcome of each crime located in each district (or without coordinates), from
 * its outcomes files, each file read once for all of them: built once by the main thread
 * (shared with the workers, outcome-index.ts). Throws when an outcomes file of a district's
 * territorial force holds no outcome (outcomes.ts readOutcomesOnce).
 */
export async function districtOutcomeIndexes(
  districts: readonly {
    entries: readonly ArchiveEntry[];
    locator: Locator;
    /** The district's territorial force (its area's first), whose files must hold outcomes. */
    territorialForce: string;
    /** An index to add the rows to (a saved one, outcome-index-cache.ts), with its counts. */
    start?: { index: OutcomeIndex; stats: OutcomeReadStats } | undefined;
  }[],
  options: Parameters<typeof readOutcomesOnce>[1] = {},
): Promise<{ index: OutcomeIndex; stats: OutcomeReadStats }[]> {
  const readers = districts.map(({ entries, locator, territorialForce, start }) => ({
    entries,
    territorialForce,
    index: start?.index ?? new OutcomeIndex(),
    stats: start?.stats,
    keep: (lon: number, lat: number) => locator.locate(lon, lat) !== null,
  }));
  const stats = await readOutcomesOnce(readers, options);
  for (const { index } of readers) index.fit();
  return readers.map(({ index }, i) => ({ index, stats: stats[i]! }));
}

/**
 * The LSOA police.uk gave each coordinate, from the archive months' cached rows `csvs`
 * (ascending: newest wins).
 */
export async function lsoaHintsFromCsvs(csvs: readonly string[]): Promise<LsoaHints> {
  const hints: LsoaHints = new Map();
  for (const csv of csvs) {
    for await (const { values } of readCsv(createReadStream(csv), csv, MASTER_COLUMNS, {
      damaged: CACHE_DAMAGED,
    })) {
      addLsoaHint(hints, {
        longitude: Number(values['Longitude']),
        latitude: Number(values['Latitude']),
        lsoaCode: values['LSOA code'] ?? '',
        lsoaName: values['LSOA name'] ?? '',
      });
    }
  }
  return hints;
}
