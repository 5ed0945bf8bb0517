// Which source each month is taken from, and de-duplication by Crime ID within a month. Pure.
//
// A month is always taken from ONE source: anti-social behaviour rows have no Crime ID, so
// rows of the same month from the archive and the API could not be matched and would be
// counted twice.
import { FORCES } from '../src/shared/constants.ts';
import { policeForceName } from '../src/shared/police-forces.ts';
import type { CrimeRecord, SourceKind } from '../src/shared/schema.ts';
import type { ArchiveEntry } from './archive.ts';
import type { ApiMonthFile } from './api-months.ts';
import { normaliseStreetFields } from './normalise.ts';

export type MonthPlan =
  | {
      month: string;
      source: 'archive';
      snapshot: string;
      /** The month's street files of FORCES, West Yorkshire first. */
      entries: ArchiveEntry[];
      /** Other sources that also had the month and were not used. */
      notUsed: SourceKind[];
    }
  | {
      month: string;
      source: 'api';
      snapshot: string;
      file: ApiMonthFile;
      /** Whom its crimes are reported by: the territorial force, as police.uk names it. */
      reportedBy: string;
      notUsed: SourceKind[];
    };

export interface MonthChoice {
  months: MonthPlan[];
  /** Street files not used: other forces, or BTP for a month without a West Yorkshire file. */
  skipped: { entry: ArchiveEntry; why: string }[];
}

/**
 * One plan per month, ascending: the archive when it has the month's West Yorkshire street
 * file (it is the published record, with outcomes), else the API snapshot.
 */
export function chooseMonthSources(
  streetEntries: readonly ArchiveEntry[],
  apiMonths: readonly ApiMonthFile[] = [],
  forces: readonly string[] = FORCES,
): MonthChoice {
  // The territorial force (the first) makes a month complete; BTP's file only adds to it.
  const primaryForce = forces[0];
  const forceOrder = new Map<string, number>(forces.map((force, i) => [force, i]));
  const archiveByMonth = new Map<string, ArchiveEntry[]>();
  const skipped: MonthChoice['skipped'] = [];
  for (const entry of streetEntries) {
    if (entry.kind !== 'street') continue;
    if (!forceOrder.has(entry.force)) {
      skipped.push({
        entry,
        why: `force "${entry.force}" is not read (only ${forces.join(', ')})`,
      });
      continue;
    }
    const list = archiveByMonth.get(entry.month) ?? [];
    list.push(entry);
    archiveByMonth.set(entry.month, list);
  }

  const plans = new Map<string, MonthPlan>();
  for (const [month, entries] of archiveByMonth) {
    if (!entries.some((e) => e.force === primaryForce)) {
      for (const entry of entries) {
        skipped.push({
          entry,
          why: `no ${primaryForce} street file for ${month} in the same input set`,
        });
      }
      continue;
    }
    entries.sort((a, b) => (forceOrder.get(a.force) ?? 0) - (forceOrder.get(b.force) ?? 0));
    const primary = entries.find((e) => e.force === primaryForce) as ArchiveEntry;
    plans.set(month, {
      month,
      source: 'archive',
      snapshot: primary.snapshot,
      entries,
      notUsed: [],
    });
  }
  for (const file of apiMonths) {
    const existing = plans.get(file.month);
    if (existing) existing.notUsed.push('api');
    else
      plans.set(file.month, {
        month: file.month,
        source: 'api',
        snapshot: file.snapshot,
        file,
        reportedBy: policeForceName(primaryForce ?? ''),
        notUsed: [],
      });
  }
  const months = [...plans.values()].sort((a, b) => a.month.localeCompare(b.month));
  return { months, skipped };
}

/**
 * The fields two rows with one Crime ID are compared on, by the street file's column names:
 * every field but the Crime ID (the same by definition) and the month (within a month, a row
 * dated otherwise than its file is dropped before the check; across months, the months differ).
 */
export const COMPARED_FIELDS = [
  ['reportedBy', 'Reported by'],
  ['fallsWithin', 'Falls within'],
  ['longitude', 'Longitude'],
  ['latitude', 'Latitude'],
  ['location', 'Location'],
  ['lsoaCode', 'LSOA code'],
  ['lsoaName', 'LSOA name'],
  ['crimeType', 'Crime type'],
  ['lastOutcome', 'Last outcome category'],
  ['context', 'Context'],
] as const satisfies readonly ComparedField[];

/** A field of a record, and the street file's name for its column. */
export type ComparedField = readonly [keyof CrimeRecord, string];

/** No columns: a repeat identical to the first row. */
const IDENTICAL: readonly string[] = [];

/**
 * A per-month duplicate check. repeatOf(record, streetColumns) is undefined for the first row
 * with its Crime ID, and for a later row the street file columns in which it differs from
 * that first row (IDENTICAL, empty, when it repeats it exactly). A blank Crime ID
 * (anti-social behaviour) is never a repeat.
 *
 * Each Crime ID keeps its first row's street columns as the master CSV writes them
 * (Normalised.streetColumns, mostly slices of the text read, so the month's text stays in
 * memory until the month is done: a few MB) or, for a row without them (quoted fields, an
 * API crime), its record. Two rows whose street columns are the same text are the same row;
 * otherwise the first row is read back from its text and compared field by field, which
 * only repeats pay for. A hash of every field of every row, kept instead, cost about 0.3 s
 * of each month worker at full scale and missed a difference once in 2^32.
 */
export function createDeduper(): {
  repeatOf(record: CrimeRecord, streetColumns?: string): readonly string[] | undefined;
} {
  const firsts = new Map<string, string | CrimeRecord>();
  return {
    repeatOf(record, streetColumns) {
      const { crimeId } = record;
      if (crimeId === '') return undefined;
      const first = firsts.get(crimeId);
      if (first === undefined) {
        firsts.set(crimeId, streetColumns ?? record);
        return undefined;
      }
      if (streetColumns !== undefined && first === streetColumns) return IDENTICAL;
      const earlier = typeof first === 'string' ? recordOfStreetColumns(first) : first;
      return differingColumns(earlier, record);
    },
  };
}

/**
 * The street file columns of `fields` (by default every field but the Crime ID and the month)
 * in which two rows with one Crime ID differ: empty when they are the same row. The duplicate
 * check of a month compares them so, and the check across months (crime-ids.ts) on fewer.
 */
export function differingColumns(
  earlier: CrimeRecord,
  later: CrimeRecord,
  fields: readonly ComparedField[] = COMPARED_FIELDS,
): readonly string[] {
  let differing: string[] | undefined;
  for (const [field, column] of fields) {
    if (!Object.is(earlier[field], later[field])) (differing ??= []).push(column);
  }
  return differing ?? IDENTICAL;
}

/** The record whose Normalised.streetColumns are `text`: its fields hold no comma or quote. */
function recordOfStreetColumns(text: string): CrimeRecord {
  const result = normaliseStreetFields(text.split(','));
  if (!result.ok) throw new Error(`a row kept as read does not read back (${result.detail})`);
  return result.record;
}
