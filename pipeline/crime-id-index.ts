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
const INDEX_FORMAT = 'crime-id-index-2';

/** The prefixes of a run of months (indexed 0.. in the order given, ascending months). */
export interface PrefixIndex {
  /** Every prefix of the months, ascending, each once. */
  prefixes: Float64Array;
  /** The month of each prefix's first row (parallel to `prefixes`). */
  firstMonth: Uint32Array;
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
  const words = new Uint32Array(rows.buffer);
  let at = 0;
  for (let month = 0; month < perMonth.length; month++) {
    const ofMonth = perMonth[month]!;
    for (let i = 0; i < ofMonth.length; i++, at += 2) {
      const prefix = ofMonth[i]!;
      if (!(Number.isInteger(prefix) && prefix >= 0 && prefix < PREFIX_LIMIT)) {
        throw new RangeError(
          `buildPrefixIndex: a prefix must be a whole number from 0 to 2^52 - 1 (13 hex digits), ` +
            `got ${prefix} in month ${month}`,
        );
      }
      words[at + LOW] = (prefix % LOW_PREFIX_LIMIT) * MONTH_LIMIT + month;
      words[at + HIGH] = Math.floor(prefix / LOW_PREFIX_LIMIT);
    }
  }
  rows.sort();
  const prefixes = new Float64Array(total);
  const firstMonth = new Uint32Array(total);
  const repeated = new Map<number, number[]>();
  let unique = 0;
  let last = -1;
  for (let w = 0; w < words.length; w += 2) {
    const low = words[w + LOW]!;
    const prefix = words[w + HIGH]! * LOW_PREFIX_LIMIT + Math.floor(low / MONTH_LIMIT);
    const month = low % MONTH_LIMIT;
    if (prefix !== last) {
      prefixes[unique] = prefix;
      firstMonth[unique] = month;
      unique += 1;
      last = prefix;
      continue;
    }
    const months = repeated.get(prefix);
    if (months === undefined) repeated.set(prefix, [firstMonth[unique - 1]!, month]);
    else months.push(month);
  }
  return { prefixes: prefixes.slice(0, unique), firstMonth: firstMonth.slice(0, unique), repeated };
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
  const repeated = new Map([...index.repeated].map(([p, months]) => [p, [...months]]));
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
      const at = indexOf(index.prefixes, prefix);
      const first = at >= 0 ? index.firstMonth[at]! : fresh.get(prefix);
      if (first !== undefined) repeated.set(prefix, [first, month]);
      else fresh.set(prefix, month);
    }
  }
  // Merge the new prefixes (ascending) into the index's.
  const added = Float64Array.from(fresh.keys()).sort();
  const size = index.prefixes.length + added.length;
  const prefixes = new Float64Array(size);
  const firstMonth = new Uint32Array(size);
  for (let i = 0, a = 0, out = 0; out < size; out++) {
    if (a < added.length && (i >= index.prefixes.length || added[a]! < index.prefixes[i]!)) {
      prefixes[out] = added[a]!;
      firstMonth[out] = fresh.get(added[a]!)!;
      a++;
    } else {
      prefixes[out] = index.prefixes[i]!;
      firstMonth[out] = index.firstMonth[i]!;
      i++;
    }
  }
  return { prefixes, firstMonth, repeated };
}

/** The position of `prefix` in the ascending `prefixes`, or -1. */
function indexOf(prefixes: Float64Array, prefix: number): number {
  let low = 0;
  let high = prefixes.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const value = prefixes[mid]!;
    if (value < prefix) low = mid + 1;
    else if (value > prefix) high = mid - 1;
    else return mid;
  }
  return -1;
}

interface SavedIndex {
  format: typeof INDEX_FORMAT;
  months: string[];
  prefixes: Float64Array;
  firstMonth: Uint32Array;
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
    saved.prefixes instanceof Float64Array &&
    saved.firstMonth instanceof Uint32Array &&
    saved.firstMonth.length === saved.prefixes.length &&
    Array.isArray(saved.repeated);
  if (!whole) return null;
  const { prefixes, firstMonth } = saved;
  return {
    months: saved.months,
    index: { prefixes, firstMonth, repeated: new Map(saved.repeated) },
  };
}

/** Save the index for the next run. */
async function saveIndex(file: string, months: string[], index: PrefixIndex): Promise<void> {
  const saved: SavedIndex = {
    format: INDEX_FORMAT,
    months,
    prefixes: index.prefixes,
    firstMonth: index.firstMonth,
    repeated: [...index.repeated],
  };
  await saveState(file, saved, 'the Crime ID index');
}
