// Where each Crime ID prefix (crime-id-sidecar.ts) first appears among a run of months, kept
// for the next run. The cross-month check (crime-ids.ts) needs, for every prefix listed more
// than once, the month of each of its rows; found from scratch, that means reading every
// month's sidecar and passing some 900,000 prefixes through one table, most of a monthly
// run's check. Saved with the months it was made from, the index answers for them: a later
// run whose months start with the same months (same names, rows files of the same size and
// time) reads only the sidecars of the months after them, looks each of their prefixes up
// (a binary search) and merges them in. Any other change of the months builds it again.
//
// Saved as saved-state.ts keeps state: a damaged file is ignored.
import { endianness } from 'node:os';
import { fileStamp } from './files.ts';
import { readState, saveState } from './saved-state.ts';

/** Starts the saved index; changed whenever what it holds or means changes. */
const INDEX_FORMAT = 'crime-id-index-3';

/**
 * The prefixes of a run of months (indexed 0.. in the order given, ascending months). Held in
 * one array of 8 bytes a prefix, and built in the array it is sorted in: at 192 months, the
 * prefixes, their first months and the sorted rows as arrays of their own (28 bytes a crime
 * at once, some 50 MB with the copies saved) raised the run's peak memory above the month
 * workers', so that it grew with the months.
 */
export interface PrefixIndex {
  /**
   * Every prefix of the months, ascending, each once, with the month of its first row: the
   * prefix (52 bits) above the month (MONTH_BITS). Read with prefixAt and firstMonthAt.
   */
  entries: BigUint64Array;
  /**
   * Each prefix with more than one row among the months (in one month or several), and the
   * month of each of its rows, in order: the first, then the later ones.
   */
  repeated: Map<number, number[]>;
}

/** The first number past a prefix's 13 hex digits (52 bits). */
const PREFIX_LIMIT = 2 ** 52;
/** Months an index can hold: a row's month takes MONTH_BITS bits beside its prefix's 52. */
const MONTH_BITS = 12;
const MONTH_LIMIT = 2 ** MONTH_BITS;
/** The low word's share of a prefix: the bits beside the month. */
const LOW_PREFIX_BITS = 32 - MONTH_BITS;
const LOW_PREFIX_LIMIT = 2 ** LOW_PREFIX_BITS;
/** Where a 64-bit integer's low and high 32-bit words are, in the machine's byte order. */
const LOW = endianness() === 'LE' ? 0 : 1;
const HIGH = 1 - LOW;

/** The 32-bit words of `entries`, two an entry (LOW and HIGH), over the same memory. */
function wordsOf(entries: BigUint64Array): Uint32Array {
  return new Uint32Array(entries.buffer, entries.byteOffset, entries.length * 2);
}

function prefixOfWords(words: Uint32Array, entry: number): number {
  const low = words[2 * entry + LOW]!;
  return words[2 * entry + HIGH]! * LOW_PREFIX_LIMIT + Math.floor(low / MONTH_LIMIT);
}

function monthOfWords(words: Uint32Array, entry: number): number {
  return words[2 * entry + LOW]! % MONTH_LIMIT;
}

function setEntry(words: Uint32Array, entry: number, prefix: number, month: number): void {
  words[2 * entry + LOW] = (prefix % LOW_PREFIX_LIMIT) * MONTH_LIMIT + month;
  words[2 * entry + HIGH] = Math.floor(prefix / LOW_PREFIX_LIMIT);
}

/** The prefix of the index's `i`th entry (ascending). */
export function prefixAt(index: PrefixIndex, i: number): number {
  return prefixOfWords(wordsOf(index.entries), i);
}

/** The month of the first row of the index's `i`th prefix. */
export function firstMonthAt(index: PrefixIndex, i: number): number {
  return monthOfWords(wordsOf(index.entries), i);
}

/** The most buckets firstMonthLookup sorts the prefixes into: 4 MiB of starts. */
const MAX_BUCKET_BITS = 20;

/**
 * The month (index) of the first row of each prefix of `index`; -1 for a prefix the index
 * does not hold. Made once for many look-ups (every Crime ID of the outcome index, some
 * 550,000 at 96 months): the entries are cut into buckets by their prefixes' top bits, about
 * one entry a bucket, and a look-up searches its own bucket alone. A binary search over every
 * entry took 20 steps a look-up, each a likely cache miss: 0.45 s of a monthly run with
 * outcomes files, against some 0.05 s. No allocation a call.
 */
export function firstMonthLookup(index: PrefixIndex): (prefix: number) => number {
  const words = wordsOf(index.entries);
  const size = index.entries.length;
  const bits = Math.min(MAX_BUCKET_BITS, Math.ceil(Math.log2(Math.max(2, size))));
  const width = PREFIX_LIMIT / 2 ** bits;
  // starts[b]: the first entry whose prefix is in bucket b or a later one (entries ascend).
  const starts = new Int32Array(2 ** bits + 1);
  let entry = 0;
  for (let bucket = 0; bucket <= 2 ** bits; bucket++) {
    while (entry < size && Math.floor(prefixOfWords(words, entry) / width) < bucket) entry++;
    starts[bucket] = entry;
  }
  return (prefix) => {
    const bucket = Math.floor(prefix / width);
    if (!(bucket >= 0 && bucket < 2 ** bits)) return -1;
    let low = starts[bucket]!;
    let high = starts[bucket + 1]! - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const value = prefixOfWords(words, mid);
      if (value < prefix) low = mid + 1;
      else if (value > prefix) high = mid - 1;
      else return monthOfWords(words, mid);
    }
    return -1;
  };
}

/** The index of `perMonth` (each month's prefixes, months in order), built from scratch. */
export function buildPrefixIndex(perMonth: readonly Float64Array[]): PrefixIndex {
  if (perMonth.length > MONTH_LIMIT) {
    throw new RangeError(`buildPrefixIndex: at most ${MONTH_LIMIT} months, got ${perMonth.length}`);
  }
  // Every row as one 64-bit integer, its prefix (52 bits) above its month (12 bits), sorted
  // natively: a prefix's rows are then next to each other, in month order. Sorting the
  // prefixes alone and finding each row's by binary search took about six times as long.
  const total = perMonth.reduce((n, p) => n + p.length, 0);
  const rows = new BigUint64Array(total);
  const words = wordsOf(rows);
  let at = 0;
  for (let month = 0; month < perMonth.length; month++) {
    const ofMonth = perMonth[month]!;
    for (let i = 0; i < ofMonth.length; i++, at++) {
      const prefix = ofMonth[i]!;
      if (!(Number.isInteger(prefix) && prefix >= 0 && prefix < PREFIX_LIMIT)) {
        throw new RangeError(
          `buildPrefixIndex: a prefix must be a whole number from 0 to 2^52 - 1 (13 hex digits), ` +
            `got ${prefix} in month ${month}`,
        );
      }
      setEntry(words, at, prefix, month);
    }
  }
  rows.sort();
  // Each prefix's first row (its first month: the rows of a prefix are in month order) moved
  // to the front, in place; the rows after it are noted as repeats.
  const repeated = new Map<number, number[]>();
  let unique = 0;
  let last = -1;
  for (let row = 0; row < total; row++) {
    const prefix = prefixOfWords(words, row);
    const month = monthOfWords(words, row);
    if (prefix !== last) {
      words[2 * unique + LOW] = words[2 * row + LOW]!;
      words[2 * unique + HIGH] = words[2 * row + HIGH]!;
      unique += 1;
      last = prefix;
      continue;
    }
    const months = repeated.get(prefix);
    if (months === undefined) repeated.set(prefix, [monthOfWords(words, unique - 1), month]);
    else months.push(month);
  }
  // A view, not a copy: the rows after `unique` are the repeats, a few in a thousand.
  return { entries: rows.subarray(0, unique), repeated };
}

/**
 * `index` (of months 0..n-1) with the months of `later` after them (months n, n+1, ...):
 * the same index as buildPrefixIndex of all the months. `index` is left as it was.
 */
export function extendPrefixIndex(
  index: PrefixIndex,
  later: readonly Float64Array[],
  firstLater: number,
): PrefixIndex {
  if (firstLater + later.length > MONTH_LIMIT) {
    throw new RangeError(
      `extendPrefixIndex: at most ${MONTH_LIMIT} months, got ${firstLater + later.length}`,
    );
  }
  const repeated = new Map([...index.repeated].map(([p, months]) => [p, [...months]]));
  const words = wordsOf(index.entries);
  const size = index.entries.length;
  /** Prefixes new to the index -> the month of their first row. */
  const fresh = new Map<number, number>();
  for (const [i, prefixes] of later.entries()) {
    const month = firstLater + i;
    for (const prefix of prefixes) {
      const months = repeated.get(prefix);
      if (months !== undefined) {
        months.push(month);
        continue;
      }
      const at = entryOf(words, size, prefix);
      const first = at >= 0 ? monthOfWords(words, at) : fresh.get(prefix);
      if (first !== undefined) repeated.set(prefix, [first, month]);
      else fresh.set(prefix, month);
    }
  }
  // Merge the new prefixes (ascending) into the index's.
  const added = Float64Array.from(fresh.keys()).sort();
  const entries = new BigUint64Array(size + added.length);
  const out = wordsOf(entries);
  for (let i = 0, a = 0, o = 0; o < entries.length; o++) {
    if (a < added.length && (i >= size || added[a]! < prefixOfWords(words, i))) {
      setEntry(out, o, added[a]!, fresh.get(added[a]!)!);
      a++;
    } else {
      out[2 * o + LOW] = words[2 * i + LOW]!;
      out[2 * o + HIGH] = words[2 * i + HIGH]!;
      i++;
    }
  }
  return { entries, repeated };
}

/** The entry of `prefix` among the first `size` entries' `words` (ascending), or -1. */
function entryOf(words: Uint32Array, size: number, prefix: number): number {
  let low = 0;
  let high = size - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const value = prefixOfWords(words, mid);
    if (value < prefix) low = mid + 1;
    else if (value > prefix) high = mid - 1;
    else return mid;
  }
  return -1;
}

interface SavedIndex {
  format: typeof INDEX_FORMAT;
  months: string[];
  entries: BigUint64Array;
  repeated: [number, number[]][];
}

/**
 * The index of the months whose rows files are `csvs` (in order), from the one saved in
 * `file` when it was made from the first of them, extended by the sidecars of the rest
 * (`prefixesOf`); else built from every month's sidecar. Saved again when it changed.
 */
export async function monthsPrefixIndex(
  file: string,
  csvs: readonly string[],
  prefixesOf: (csv: string) => Promise<Float64Array>,
): Promise<PrefixIndex> {
  const stamps = await Promise.all(csvs.map((csv) => fileStamp(csv)));
  const saved = await readSavedIndex(file);
  const from =
    saved !== null &&
    saved.months.length <= stamps.length &&
    saved.months.every((stamp, i) => stamp === stamps[i])
      ? saved
      : null;
  if (from !== null && from.months.length === stamps.length) return from.index;
  const start = from?.months.length ?? 0;
  const later: Float64Array[] = [];
  for (const csv of csvs.slice(start)) later.push(await prefixesOf(csv));
  const index =
    from === null ? buildPrefixIndex(later) : extendPrefixIndex(from.index, later, start);
  // Let go of the months' prefixes before the index is copied to be saved.
  later.length = 0;
  await saveIndex(file, stamps, index);
  return index;
}

async function readSavedIndex(
  file: string,
): Promise<{ months: string[]; index: PrefixIndex } | null> {
  const saved = (await readState(file)) as SavedIndex | null;
  const whole =
    saved !== null &&
    typeof saved === 'object' &&
    saved.format === INDEX_FORMAT &&
    Array.isArray(saved.months) &&
    saved.entries instanceof BigUint64Array &&
    Array.isArray(saved.repeated);
  if (!whole) return null;
  return {
    months: saved.months,
    index: { entries: saved.entries, repeated: new Map(saved.repeated) },
  };
}

/** Save the index for the next run. */
async function saveIndex(file: string, months: string[], index: PrefixIndex): Promise<void> {
  const saved: SavedIndex = {
    format: INDEX_FORMAT,
    months,
    entries: index.entries,
    repeated: [...index.repeated],
  };
  await saveState(file, saved, 'the Crime ID index');
}
