// Crime IDs are unique across all months, not only within one. police.uk sometimes lists a
// crime again in a later month's file (a re-issue, or an API month beside an archive month);
// counted twice, it would inflate both months. The rule: a crime belongs to the first month
// that lists it; a later row with the same Crime ID is dropped as a duplicate and counted
// (with an example naming both months). A dropped row that differs from the first month's in
// its place, crime type, context or force is also counted as a disagreement
// ('cross-month-differing', naming the columns; see crossMonthFields): the first month's row
// stands, and the report says so. Anti-social behaviour rows have no Crime ID and are never
// matched. A month whose territorial force's file has every crime kept from it listed in an
// earlier month stops the run (withoutRows): police.uk re-lists a few crimes, never a whole
// month, so the file is another month's, and the month would be published with its
// anti-social behaviour alone, those incidents counted in both months.
//
// Months are processed in parallel workers and cached, so this runs after the months step over
// the cached month files. Each month's IDs are kept beside its cached rows (<month>.csv.ids,
// valid while the rows file is unchanged; written as the month is processed, or made here
// from the rows, see crime-id-sidecar.ts), so a run reads 13 hex digits per crime, not
// every month's rows; a repeated prefix is confirmed on the full IDs before anything is
// dropped. Only a month that loses rows is rewritten, into <cacheDir>/cross-month/.
//
// The prefixes are held as numbers: a substring would keep the whole text it was cut from
// alive (V8 sliced strings), which held every month file in memory at once. Which prefixes
// repeat, and in which months, comes from an index of all months' prefixes kept in the cache
// folder (crime-id-index.ts), so a monthly run reads only the new month's sidecar.
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { MASTER_COLUMNS } from '../src/shared/constants.ts';
import type { EnrichedCrime, MonthSummary } from '../src/shared/schema.ts';
import { monthsPrefixIndex, type PrefixIndex } from './crime-id-index.ts';
import { idPrefixes, prefixOf } from './crime-id-sidecar.ts';
import { CACHE_DAMAGED, readCsv } from './csv.ts';
import type { CachedMonth } from './month-cache.ts';
import { MASTER_HEADER, masterLine, masterRowCrime } from './master-row.ts';
import { COMPARED_FIELDS, differingColumns, type ComparedField, type MonthPlan } from './merge.ts';
import { InputError } from './input-error.ts';
import { planSources, territorialSource, whatToDo } from './process-month.ts';
import { DropTally } from './report.ts';
import { formatCount } from '../src/shared/format-count.ts';
import { createMonthSummariser } from './summarise.ts';
import { createAtomicWriteStream } from './write.ts';

/** The saved prefix index (crime-id-index.ts), in the run's cache folder. */
const CRIME_ID_INDEX_FILE = 'crime-id-index.bin';

export const CROSS_MONTH_RULE =
  'a crime belongs to the first month that lists it; a later row with the same Crime ID is dropped';

/**
 * A month as its rows are checked: its rows file, drop tally and the figures a recount starts
 * from, and its plan: the input files its rows were read from, which a dropped row's example
 * names.
 */
export interface MonthRows {
  summary: Pick<
    MonthSummary,
    | 'month'
    | 'source'
    | 'snapshot'
    | 'fetchedAt'
    | 'read'
    | 'territorialKept'
    | 'dropped'
    | 'crimeIdsByFile'
  >;
  drops: DropTally;
  csv: string;
  plan: MonthPlan;
}

export interface RepeatsDropped<T extends MonthRows> {
  /** The months, each one that lost rows in place of its old self (its new rows and recount). */
  months: T[];
  /** Rows dropped, by the month that lost them, with its new rows and summary. */
  dropped: { month: string; rows: number; firstSeenIn: string[]; recounted: CachedMonth }[];
}

/**
 * `months` (ascending) with every row whose Crime ID an earlier month already holds taken out
 * of its month's rows and summary. Months without such rows are returned as they were. Throws
 * when every crime kept from a month's territorial force's file is such a row (withoutRows).
 * `withIndex` is given the index of every month's Crime ID prefixes (crime-id-index.ts) and
 * must be done with it when it returns.
 */
export async function dropRepeatsAcrossMonths<T extends MonthRows>(
  months: readonly T[],
  workDir: string,
  withIndex?: (index: PrefixIndex) => void,
): Promise<RepeatsDropped<T>> {
  // Only the repeats are needed: the index of every prefix is let go while months are read.
  const { repeated } = await monthsPrefixIndex(
    path.join(workDir, CRIME_ID_INDEX_FILE),
    months.map((m) => m.csv),
    idPrefixes,
  ).then((index) => {
    withIndex?.(index);
    return index;
  });
  /** Repeated prefix -> the first month (index) that has it. */
  const firstMonth = new Map<number, number>();
  /** Month index -> prefixes also seen in an earlier month (candidates). */
  const candidates = new Map<number, Set<number>>();
  for (const [prefix, monthsOf] of repeated) {
    const first = monthsOf[0]!;
    firstMonth.set(prefix, first);
    for (const i of monthsOf) {
      if (i === first) continue;
      const set = candidates.get(i) ?? new Set<number>();
      set.add(prefix);
      candidates.set(i, set);
    }
  }
  await rm(path.join(workDir, 'cross-month'), { recursive: true, force: true });
  if (candidates.size === 0) return { months: [...months], dropped: [] };

  const result = [...months];
  const dropped: RepeatsDropped<T>['dropped'] = [];
  /** Month index -> its rows whose Crime ID has a repeated prefix, by full ID. */
  const rowsByMonth = new Map<number, Map<string, EnrichedCrime>>();
  const rowsOf = async (i: number) => {
    let rows = rowsByMonth.get(i);
    if (!rows) {
      rows = await rowsWithPrefixes((months[i] as T).csv, firstMonth);
      rowsByMonth.set(i, rows);
    }
    return rows;
  };
  for (const [i, prefixes] of [...candidates].sort(([a], [b]) => a - b)) {
    const month = months[i] as T;
    const repeats = new Map<string, FirstRow>();
    for (const id of (await rowsOf(i)).keys()) {
      const prefix = prefixOf(id);
      if (!prefixes.has(prefix)) continue;
      const first = firstMonth.get(prefix) as number;
      const row = (await rowsOf(first)).get(id);
      if (row !== undefined) {
        const { summary, plan } = months[first] as T;
        repeats.set(id, { month: summary.month, source: plan.source, row });
      }
    }
    if (repeats.size === 0) continue;
    const rows = await withoutRows(month, repeats, path.join(workDir, 'cross-month'));
    result[i] = { ...month, ...rows };
    dropped.push({
      month: month.summary.month,
      rows: repeats.size,
      firstSeenIn: [...new Set([...repeats.values()].map((first) => first.month))].sort(),
      recounted: rows,
    });
  }
  return { months: result, dropped };
}

/** The row of a repeated Crime ID in the first month that lists it, that month and its source. */
interface FirstRow {
  month: string;
  source: MonthPlan['source'];
  row: EnrichedCrime;
}

/**
 * The columns a repeat is compared on with its first month's row: those of a month's own
 * duplicate check (merge.ts COMPARED_FIELDS) but
 * - the LSOA code and name: police.uk's follow from the point, in the LSOA vintage of each
 *   release (it moved from 2011 to 2021 codes), and a blank one is filled in from the point
 *   (enrich.ts), so two releases can give one point two codes;
 * - the Last outcome category: a later release brings a crime's outcome up to date, which is
 *   no disagreement (the site's outcomes come from the outcomes files when they list it).
 */
const ACROSS_MONTHS = COMPARED_FIELDS.filter(
  ([, column]) => !['LSOA code', 'LSOA name', 'Last outcome category'].includes(column),
);

/**
 * ACROSS_MONTHS but Reported by and Falls within, for a month from the API on either side: an
 * API row is given the district's force, whichever force recorded the crime (normalise.ts
 * normaliseApiCrime).
 */
const ACROSS_MONTHS_WITH_API = ACROSS_MONTHS.filter(
  ([, column]) => column !== 'Reported by' && column !== 'Falls within',
);

/** The columns a repeat is compared on, by the sources of its first month and its own. */
export function crossMonthFields(
  first: MonthPlan['source'],
  later: MonthPlan['source'],
): readonly ComparedField[] {
  return first === 'api' || later === 'api' ? ACROSS_MONTHS_WITH_API : ACROSS_MONTHS;
}

/**
 * The rows of the month file `csv` whose Crime ID's prefix is one of `prefixes` (the repeated
 * ones), by Crime ID: few, whatever the month's size.
 */
async function rowsWithPrefixes(
  csv: string,
  prefixes: ReadonlyMap<number, unknown>,
): Promise<Map<string, EnrichedCrime>> {
  const rows = new Map<string, EnrichedCrime>();
  for await (const { line, values } of readCsv(createReadStream(csv), csv, MASTER_COLUMNS, {
    damaged: CACHE_DAMAGED,
  })) {
    const id = values['Crime ID'] ?? '';
    if (id === '' || !prefixes.has(prefixOf(id)) || rows.has(id)) continue;
    rows.set(id, masterRowCrime(values, `${csv}:${line}`));
  }
  return rows;
}

/**
 * The month without the rows of `repeats` (Crime ID -> its first month's row): its rows
 * rewritten into `dir`, its summary recounted, and each dropped row that differs from its
 * first month's counted as a disagreement. A dropped row's example names the input files of
 * the month (its plan) and the Crime ID, without a line: the cached rows keep no input line
 * numbers, and a line of the cached rows file is not one the user can open in the input.
 * Throws, writing nothing, when the rows of the territorial force's file (the first
 * `territorialKept` rows) have a Crime ID and every one of them is a repeat (allRepeated).
 */
async function withoutRows(
  month: MonthRows,
  repeats: ReadonlyMap<string, FirstRow>,
  dir: string,
): Promise<CachedMonth> {
  const { summary: before, csv, drops: beforeDrops } = month;
  const sources = planSources(month.plan);
  const summariser = createMonthSummariser({
    month: before.month,
    source: before.source,
    snapshot: before.snapshot,
    fetchedAt: before.fetchedAt,
  });
  summariser.read(before.read);
  for (const [reason, n] of Object.entries(before.dropped) as [
    keyof MonthSummary['dropped'],
    number,
  ][]) {
    for (let k = 0; k < n; k += 1) summariser.drop(reason);
  }
  const drops = new DropTally();
  drops.merge(beforeDrops);
  /**
   * The rows of the territorial force's file (the first `territorialKept`), those with a Crime
   * ID, and their repeats.
   */
  let ownRows = 0;
  let ownCrimes = 0;
  const ownRepeats: [crimeId: string, first: FirstRow][] = [];
  // Written whole or not at all: a write that fails (a full disk) rejects naming the file.
  const out = await createAtomicWriteStream(path.join(dir, `${before.month}.csv`));
  try {
    await out.write(MASTER_HEADER);
    for await (const { line, values } of readCsv(createReadStream(csv), csv, MASTER_COLUMNS, {
      damaged: CACHE_DAMAGED,
    })) {
      const crime = masterRowCrime(values, `${csv}:${line}`);
      const first = repeats.get(crime.crimeId);
      const own = ownRows < before.territorialKept;
      if (own) {
        ownRows += 1;
        if (crime.crimeId !== '') ownCrimes += 1;
        if (first !== undefined) ownRepeats.push([crime.crimeId, first]);
      }
      if (first !== undefined) {
        summariser.drop('duplicate');
        drops.add(
          'duplicate',
          sources,
          `Crime ID ${crime.crimeId} is already in ${first.month} (${CROSS_MONTH_RULE}); the ` +
            'line is not known (months are compared after they are read): search for the Crime ID',
        );
        const fields = crossMonthFields(first.source, month.plan.source);
        const differing = differingColumns(first.row, crime, fields);
        if (differing.length > 0) {
          drops.disagreements.add(
            'cross-month-differing',
            sources,
            `Crime ID ${crime.crimeId} is already in ${first.month}, on a row with another ` +
              `${differing.join(', ')}: the row of ${first.month} stands (${CROSS_MONTH_RULE}; ` +
              'police.uk gives no way to tell which is right)',
          );
        }
        continue;
      }
      summariser.add(crime, own);
      await out.write(masterLine(crime));
    }
    if (ownCrimes > 0 && ownRepeats.length === ownCrimes) {
      throw allRepeated(month, ownRepeats, ownRows - ownCrimes);
    }
    await out.commit();
  } catch (error) {
    await out.abort();
    throw error;
  }
  // The repeats within the month were counted as it was read; these are of earlier months.
  const summary = { ...summariser.finish(), crimeIdsByFile: before.crimeIdsByFile };
  return { summary, drops, csv: out.finalPath };
}

/**
 * A month whose territorial force's file has each of its crimes kept (`repeats`, each with the
 * first month that lists it) listed in an earlier month, and `withoutId` rows without a Crime
 * ID: police.uk re-lists a few crimes in a later month, never a whole month's.
 */
function allRepeated(
  month: MonthRows,
  repeats: readonly [crimeId: string, first: FirstRow][],
  withoutId: number,
): InputError {
  const byMonth = new Map<string, number>();
  for (const [, first] of repeats) byMonth.set(first.month, (byMonth.get(first.month) ?? 0) + 1);
  const earlier = [...byMonth]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, n]) => `${formatCount(n)} in ${name}`)
    .join(', ');
  const [id, first] = repeats[0]!;
  const { month: name } = month.summary;
  const alone =
    withoutId > 0
      ? `; its ${formatCount(withoutId)} row(s) without a Crime ID (anti-social behaviour), ` +
        'which cannot be matched across months, would be published as the month alone, ' +
        'counted in two months'
      : '';
  return new InputError(
    territorialSource(month.plan),
    `holds only crimes of earlier months for ${name}: all ${formatCount(repeats.length)} ` +
      `crimes kept from it are already listed (${earlier}; e.g. Crime ID ${id}, in ` +
      `${first.month})${alone}. police.uk lists a crime again in a later month only now and ` +
      `then, never a whole month's, so this is probably another month's file (or the ` +
      `earlier month's is): check that it is the ${name} file, and ${whatToDo(month.plan)}`,
  );
}
