// One month's crimes -> its MonthSummary, accumulated row by row so a month is never held
// in memory. The pipeline caches the summary per month; aggregate.ts merges the months.
import { sum } from 'd3-array';
import { CRIME_TYPES, type CrimeType } from '../src/shared/constants.ts';
import {
  DROP_REASONS,
  monthProvenanceSchema,
  parseOrThrow,
  type DropCounts,
  type DropReason,
  type EnrichedCrime,
  type MonthSummary,
  type SourceKind,
} from '../src/shared/schema.ts';
import { PointIndex } from './geo/point-index.ts';

/** A crime without a known outcome: police.uk gives none (always for anti-social behaviour). */
export const NO_OUTCOME = 'No outcome recorded';

export interface MonthMeta {
  month: string;
  source: SourceKind;
  snapshot: string;
  fetchedAt: string;
}

export interface MonthSummariser {
  /** Count `n` rows read from the source (kept or not). */
  read(n?: number): void;
  /** Count one row that was not kept, under its reason. */
  drop(reason: DropReason): void;
  /**
   * Count one row with a Crime ID, of the month's file `file` (its index in the month's files),
   * and whether it repeats a Crime ID read before in the month (MonthSummary.crimeIdsByFile).
   */
  crimeId(file: number, repeated: boolean): void;
  /**
   * Add one kept, enriched crime; `territorial`: whether it is of the territorial force's file
   * (MonthSummary.territorialKept), not of another force's.
   */
  add(record: EnrichedCrime, territorial?: boolean): void;
  /** The month's summary; checks that every row read was either kept or dropped. */
  finish(): MonthSummary;
}

const TYPE_INDEX: ReadonlyMap<CrimeType, number> = new Map(CRIME_TYPES.map((t, i) => [t, i]));

interface Point {
  lon: number;
  lat: number;
  ward: string;
  postcodeDistrict: string;
  counts: number[];
}

/** A count kept in a box: a repeated key costs one lookup (get), not two (get and set). */
interface Tally {
  n: number;
}

/** One ward's figures, found by one lookup of its code for each row. */
interface WardTallies {
  types: number[];
  outcomes: Map<string, Tally>;
  streets: Map<string, Tally>;
}

/**
 * A place's ward and street name as its last row gave them, with their tallies. A place's
 * rows nearly always repeat both (police.uk names each snap point once, and the ward is
 * located from the point), so a comparison of the names finds the tallies: no lookup of the
 * ward's code or the street name, a string made anew for every row that the lookup hashed.
 */
interface PlaceTallies {
  ward: string;
  tallies: WardTallies;
  street: string;
  streetTally: Tally;
}

/**
 * What the summary takes from outside: its month and provenance labels, checked once. The
 * figures are counted here, so they are whole and non-negative by construction; checking the
 * finished summary against the schema as well cost about a tenth of a month's processing.
 */
const monthMetaSchema = monthProvenanceSchema.omit({ rows: true, forces: true });

export function createMonthSummariser(meta: MonthMeta): MonthSummariser {
  parseOrThrow(monthMetaSchema, meta, `Summary of ${meta.month}`);
  let read = 0;
  let kept = 0;
  let territorialKept = 0;
  const dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as DropCounts;
  const crimeIdsByFile: MonthSummary['crimeIdsByFile'] = [];
  const coverage = { lsoa: 0, ward: 0, postcodeDistrict: 0, pollingDistrict: 0 };
  let postcodeDistrictApproximate = 0;
  /** reportedBy -> fallsWithin -> rows. */
  const forces = new Map<string, Map<string, Tally>>();
  const wards = new Map<string, WardTallies>();
  // The last row's force pair: nearly every row of a month repeats it, so a comparison of
  // the two names finds its tally.
  let lastReportedBy: string | null = null;
  let lastFallsWithin: string | null = null;
  let lastForce: Tally = { n: 0 };
  /** points[pointIndex.add(lon, lat)]: no key string to build for every row. */
  const pointIndex = new PointIndex();
  const points: Point[] = [];
  /** placeTallies[pointIndex.add(lon, lat)]: set by the place's first row with a ward. */
  const placeTallies: (PlaceTallies | undefined)[] = [];

  return {
    read(n = 1) {
      if (!Number.isInteger(n) || n < 0) {
        throw new RangeError(`read(n): n must be a non-negative integer, got ${n}`);
      }
      read += n;
    },

    drop(reason) {
      if (!(reason in dropped)) throw new RangeError(`drop(reason): unknown reason "${reason}"`);
      dropped[reason] += 1;
    },

    crimeId(file, repeated) {
      if (!Number.isInteger(file) || file < 0) {
        throw new RangeError(`crimeId(file): file must be a non-negative integer, got ${file}`);
      }
      while (crimeIdsByFile.length <= file) crimeIdsByFile.push({ rows: 0, repeated: 0 });
      const counts = crimeIdsByFile[file]!;
      counts.rows += 1;
      if (repeated) counts.repeated += 1;
    },

    add(record, territorial = true) {
      if (record.month !== meta.month) {
        throw new Error(
          `A ${record.month} crime (Crime ID "${record.crimeId}") was added to the summary of ${meta.month}; ` +
            'each month must be summarised on its own.',
        );
      }
      const typeIndex = TYPE_INDEX.get(record.crimeType);
      if (typeIndex === undefined) {
        throw new Error(`Unknown crime type "${record.crimeType}" (Crime ID "${record.crimeId}")`);
      }
      kept += 1;
      if (territorial) territorialKept += 1;
      if (record.reportedBy !== lastReportedBy || record.fallsWithin !== lastFallsWithin) {
        lastReportedBy = record.reportedBy;
        lastFallsWithin = record.fallsWithin;
        lastForce = tally(getOrCreate(forces, lastReportedBy, newCounter), lastFallsWithin);
      }
      lastForce.n += 1;
      if (record.lsoaCode !== '') coverage.lsoa += 1;
      if (record.postcodeDistrict !== '') {
        coverage.postcodeDistrict += 1;
        if (record.postcodeDistrictEstimated) postcodeDistrictApproximate += 1;
      }
      if (record.pollingDistrict !== '') coverage.pollingDistrict += 1;

      const at = pointIndex.add(record.longitude, record.latitude);
      let point = points[at];
      if (point === undefined) {
        point = {
          lon: record.longitude,
          lat: record.latitude,
          ward: record.wardCode,
          postcodeDistrict: record.postcodeDistrict,
          counts: zeros(),
        };
        points[at] = point;
      }
      increment(point.counts, typeIndex);

      // A row without a ward still counts in `kept` and in its point; coverage.ward < kept
      // is how the validation gate sees it. It cannot be credited to a ward's figures.
      const ward = record.wardCode;
      if (ward === '') return;
      coverage.ward += 1;
      const street = record.location;
      let place = placeTallies[at];
      if (place === undefined || place.ward !== ward) {
        const tallies = getOrCreate(wards, ward, newWardTallies);
        place = { ward, tallies, street, streetTally: tally(tallies.streets, street) };
        placeTallies[at] = place;
      } else if (place.street !== street) {
        place.street = street;
        place.streetTally = tally(place.tallies.streets, street);
      }
      increment(place.tallies.types, typeIndex);
      tally(place.tallies.outcomes, record.outcome || NO_OUTCOME).n += 1;
      place.streetTally.n += 1;
    },

    finish() {
      const droppedTotal = sum(Object.values(dropped));
      if (read !== kept + droppedTotal) {
        throw new Error(
          `${meta.month}: ${read} rows were read but ${kept} kept + ${droppedTotal} dropped = ` +
            `${kept + droppedTotal}; every row read must be either kept or dropped with a reason.`,
        );
      }
      const summary: MonthSummary = {
        month: meta.month,
        source: meta.source,
        snapshot: meta.snapshot,
        fetchedAt: meta.fetchedAt,
        rows: kept,
        read,
        kept,
        territorialKept,
        dropped,
        crimeIdsByFile,
        coverage,
        postcodeDistrictApproximate,
        forces: [...forces]
          .flatMap(([reportedBy, within]) =>
            [...within].map(([fallsWithin, { n: count }]) => ({ reportedBy, fallsWithin, count })),
          )
          .sort(
            (a, b) =>
              a.reportedBy.localeCompare(b.reportedBy) ||
              a.fallsWithin.localeCompare(b.fallsWithin),
          ),
        wardType: sortedRecord(wards, (w) => w.types),
        wardOutcome: sortedRecord(wards, (w) => recordOf(w.outcomes, (t) => t.n)),
        wardStreet: sortedRecord(wards, (w) => recordOf(w.streets, (t) => t.n)),
        // Sorted so the same input always gives byte-identical cached summaries.
        points: points.slice().sort((a, b) => a.lon - b.lon || a.lat - b.lat),
      };
      return summary;
    },
  };
}

function zeros(): number[] {
  return CRIME_TYPES.map(() => 0);
}

function newCounter(): Map<string, Tally> {
  return new Map();
}

function newWardTallies(): WardTallies {
  return { types: zeros(), outcomes: new Map(), streets: new Map() };
}

function increment(counts: number[], index: number): void {
  counts[index] = (counts[index] ?? 0) + 1;
}

/** The tally of `key` in `counter`, made (at zero) when it has none. */
function tally(counter: Map<string, Tally>, key: string): Tally {
  return getOrCreate(counter, key, newTally);
}

function newTally(): Tally {
  return { n: 0 };
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/**
 * `map` as a record with its keys in sorted order. Filled key by key, not by Object.fromEntries,
 * which keeps an object's properties fast by making a hidden class for each key added: with a
 * month's thousands of street names as keys, a different set each month, that took 320-380 ms
 * against 195-225 ms over a synthetic 48 months. No prototype: a street called "__proto__" is
 * a key like any other.
 */
function sortedRecord<V, R>(map: Map<string, V>, convert: (value: V) => R): Record<string, R> {
  const record = Object.create(null) as Record<string, R>;
  for (const key of [...map.keys()].sort()) record[key] = convert(map.get(key) as V);
  return record;
}

/**
 * `map` as a record (as sortedRecord, no prototype) with its keys in the order the month's rows
 * first gave them (but for keys that read as array indexes, "12", which an object lists first,
 * in numeric order), which the same rows always give: a month's cached summary is still the
 * same bytes for the same input, and what reads a ward's outcomes and streets orders them
 * itself (aggregate.ts: outcome categories sorted, top streets by count then name). Sorting
 * every ward's streets and outcomes each month took each month worker about 0.3 s at full scale.
 */
function recordOf<V, R>(map: Map<string, V>, convert: (value: V) => R): Record<string, R> {
  const record = Object.create(null) as Record<string, R>;
  for (const [key, value] of map) record[key] = convert(value);
  return record;
}
