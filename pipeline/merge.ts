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
 * The fields two rows with one Crime ID in one month are compared on, by the street file's
 * column names: every field but the Crime ID (the same by definition) and the month (a row
 * dated otherwise than its file is dropped before the check).
 */
const COMPARED_FIELDS = [
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
] as const satisfies readonly (readonly [keyof CrimeRecord, string])[];

const FIELDS = COMPARED_FIELDS.length;
/** No columns: a repeat identical to the first row. */
const IDENTICAL: readonly string[] = [];

/**
 * A per-month duplicate check. repeatOf(record) is undefined for the first row with its Crime
 * ID, and for a later row the street file columns in which it differs from that first row
 * (IDENTICAL, empty, when it repeats it exactly). A blank Crime ID (anti-social behaviour) is
 * never a repeat. Each Crime ID keeps a 32-bit hash of each compared field rather than its row
 * (40 bytes a crime): a field whose hashes agree is taken as equal, which misses a difference
 * once in 2^32.
 */
export function createDeduper(): {
  repeatOf(record: CrimeRecord): readonly string[] | undefined;
} {
  /** Crime ID -> its slot in `hashes` (FIELDS hashes a crime, in COMPARED_FIELDS order). */
  const slots = new Map<string, number>();
  let hashes = new Uint32Array(FIELDS * 1024);
  return {
    repeatOf(record) {
      const { crimeId } = record;
      if (crimeId === '') return undefined;
      const slot = slots.get(crimeId);
      if (slot === undefined) {
        const next = slots.size;
        if ((next + 1) * FIELDS > hashes.length) {
          const grown = new Uint32Array(hashes.length * 2);
          grown.set(hashes);
          hashes = grown;
        }
        slots.set(crimeId, next);
        for (let f = 0; f < FIELDS; f++) {
          hashes[next * FIELDS + f] = fieldHash(record[COMPARED_FIELDS[f]![0]]);
        }
        return undefined;
      }
      let differing: string[] | undefined;
      for (let f = 0; f < FIELDS; f++) {
        const [field, column] = COMPARED_FIELDS[f]!;
        if (hashes[slot * FIELDS + f] !== fieldHash(record[field])) (differing ??= []).push(column);
      }
      return differing ?? IDENTICAL;
    },
  };
}

/** Scratch for a coordinate's bits: numbers are hashed exactly, with no string made per row. */
const float = new Float64Array(1);
const floatWords = new Uint32Array(float.buffer);

/** A 32-bit hash (FNV-1a, a word at a time for a number) of a string's UTF-16 code units, or of a number's 64 bits. */
function fieldHash(value: string | number): number {
  let h = 0x811c9dc5;
  if (typeof value === 'number') {
    float[0] = value;
    h = Math.imul(h ^ floatWords[0]!, 0x01000193);
    h = Math.imul(h ^ floatWords[1]!, 0x01000193);
  } else {
    for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}
