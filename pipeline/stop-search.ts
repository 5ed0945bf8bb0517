// Stop and search: the rows located in the district, with their ward. The rows keep
// police.uk's columns and text as published, but for text that is not text (bytes that are
// not UTF-8, control characters), repaired and counted as street rows' is (text-repair.ts);
// Ward Name and Ward Code are added.
import { STOP_SEARCH_COLUMNS } from '../src/shared/constants.ts';
import { ukDay } from '../src/shared/uk-date.ts';
import type { ArchiveEntry } from './archive.ts';
import { formatCsvRow } from './csv.ts';
import type { Locator } from './geo.ts';
import { checkCoordinates } from './normalise.ts';
import { readEachOnce } from './read-once.ts';
import { DropTally, ReasonTally, RepairsByMonth } from './report.ts';
import {
  needsRepair,
  repairText,
  TEXT_REPAIRS,
  type RowRepair,
  type TextRepair,
} from './text-repair.ts';

export const STOP_SEARCH_OUTPUT_COLUMNS = [
  ...STOP_SEARCH_COLUMNS,
  'Ward Name',
  'Ward Code',
] as const;

export type StopSearchPlace =
  | { ok: true; wardName: string; wardCode: string }
  | {
      ok: false;
      reason: 'no-coordinates' | 'malformed-coordinates' | 'outside-district';
      detail: string;
    };

/** The ward of one stop-and-search row in `district` (its name, "Leeds"), or why it is not kept. */
export function placeStopSearch(
  values: Readonly<Record<string, string | undefined>>,
  locator: Pick<Locator, 'locate'>,
  district: string,
): StopSearchPlace {
  const point = checkCoordinates(
    (values['Longitude'] ?? '').trim(),
    (values['Latitude'] ?? '').trim(),
  );
  if (!point.ok) return point as StopSearchPlace;
  const place = locator.locate(point.longitude, point.latitude);
  if (place === null) {
    return {
      ok: false,
      reason: 'outside-district',
      detail: `${point.longitude}, ${point.latitude} is outside the ${district} district`,
    };
  }
  return { ok: true, wardName: place.wardName, wardCode: place.wardCode };
}

/**
 * A stop-and-search Date as police.uk writes it: "2021-07-31T23:40:00+00:00", an instant with
 * its offset from UTC (or Z; without one, the UK's time). Groups: the month as written, the
 * offset.
 */
const STOP_SEARCH_DATE =
  /^(\d{4}-(?:0[1-9]|1[0-2]))-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(Z|[+-](?:0\d|1[0-4]):[0-5]\d)?$/;

/**
 * The month of a stop-and-search row's Date in the UK (Europe/London), where police.uk files a
 * search: one at 00:40 on 1 August in British Summer Time is dated "2021-07-31T23:40:00+00:00"
 * and is in the August file. null when the Date is not a date and time.
 */
export function stopSearchMonth(date: string): string | null {
  const [, written, offset] = STOP_SEARCH_DATE.exec(date) ?? [];
  if (written === undefined) return null;
  // Without an offset, the UK's time as written (not the time zone of the machine).
  if (offset === undefined) return written;
  const at = new Date(date);
  return Number.isNaN(at.getTime()) ? null : ukDay(at).slice(0, 7);
}

/**
 * Why a row cannot be its file's search, or null: a Date that is not a date and time, or one
 * in another month than its file's (`month`) both as written and in the UK: a file of another
 * month put in this month's folder, whose rows the run would otherwise publish twice, under
 * two months. Either month is taken, so a search is kept whether police.uk files it by the UK's
 * day or by the day it writes.
 */
export function otherMonthDetail(date: string, month: string): string | null {
  // A Date in the file's month as written needs no calendar (most rows; the UK's costs a
  // microsecond or two a row).
  if (date.startsWith(`${month}-`) && STOP_SEARCH_DATE.test(date)) return null;
  const uk = stopSearchMonth(date);
  if (uk === null) {
    return `Date "${date}" is not a date and time (such as 2025-03-01T12:00:00+00:00)`;
  }
  return uk === month ? null : `Date "${date}" is in ${uk} (UK time), in a file for ${month}`;
}

export interface StopSearchResult {
  read: number;
  kept: number;
  dropped: DropTally;
  /** Kept rows whose text was repaired (text-repair.ts), under each reason the row had. */
  repaired: ReasonTally<TextRepair>;
  /** The rows kept by the month of their file, and those repaired: the gate judges each month. */
  byMonth: RepairsByMonth;
}

/**
 * A row's fields in STOP_SEARCH_COLUMNS order, each repaired (text-repair.ts; a repaired field
 * trimmed, as its control characters may leave a space at an end), the repairs in `repairs`.
 */
function repairedFields(
  values: Readonly<Record<string, string | undefined>>,
  repairs: RowRepair[],
): string[] {
  return STOP_SEARCH_COLUMNS.map((column) => {
    const value = values[column] ?? '';
    const text = repairText(column, value, repairs);
    return text === value ? value : text.trim();
  });
}

/**
 * Write the header and the rows inside the district (`options.district`, its name) of every
 * stop-and-search file in `entries` (in order) to `out`. Files of other kinds are ignored.
 */
export async function writeStopSearch(
  entries: readonly ArchiveEntry[],
  locator: Pick<Locator, 'locate'>,
  out: { write(chunk: string): Promise<void> },
  options: { district: string; onBytes?: (n: number) => void },
): Promise<StopSearchResult> {
  const [result] = await writeStopSearchOnce(
    [{ entries, locator, out, district: options.district }],
    options,
  );
  return result!;
}

/** One district's stop and search: its files, its locator, where its rows go, its name. */
export interface StopSearchWriter {
  entries: readonly ArchiveEntry[];
  locator: Pick<Locator, 'locate'>;
  out: { write(chunk: string): Promise<void> };
  district: string;
}

/**
 * writeStopSearch for several districts at once: each stop-and-search file is read once
 * (read-once.ts) and each row goes to every district that reads the file. One result each.
 */
export async function writeStopSearchOnce(
  writers: readonly StopSearchWriter[],
  options: { onBytes?: ((n: number) => void) | undefined } = {},
): Promise<StopSearchResult[]> {
  const results = writers.map((): StopSearchResult => ({
    read: 0,
    kept: 0,
    dropped: new DropTally(),
    repaired: new ReasonTally(TEXT_REPAIRS),
    byMonth: new RepairsByMonth(),
  }));
  for (const { out } of writers) await out.write(formatCsvRow(STOP_SEARCH_OUTPUT_COLUMNS));
  await readEachOnce(
    writers.map((w) => w.entries.filter((e) => e.kind === 'stop-and-search')),
    STOP_SEARCH_COLUMNS,
    (ids, entries, { line, values, text }) => {
      // A promise only when a row is written, not one per row (see readEachOnce).
      let writes: Promise<void>[] | undefined;
      // One test of a plain row's text finds the rare row that needs a repair, as for a street
      // row (normalise.ts): the force's other rows, most of them outside the district, need none.
      const suspect =
        text === undefined
          ? STOP_SEARCH_COLUMNS.some((column) => needsRepair(values[column] ?? ''))
          : needsRepair(text);
      const repairs: RowRepair[] = [];
      const repaired = suspect ? repairedFields(values, repairs) : undefined;
      // Placed by the coordinates it is written with.
      const placed =
        repaired === undefined || repairs.length === 0
          ? values
          : Object.fromEntries(STOP_SEARCH_COLUMNS.map((column, k) => [column, repaired[k]]));
      // One file, so one month for every reader of it.
      const month = entries[ids[0]!]?.month ?? '';
      const otherMonth = otherMonthDetail((placed['Date'] ?? '').trim(), month);
      for (const i of ids) {
        const { locator, out, district } = writers[i]!;
        const result = results[i]!;
        result.read += 1;
        if (otherMonth !== null) {
          result.dropped.add('malformed-month', `${entries[i]!.where}:${line}`, otherMonth);
          continue;
        }
        const place = placeStopSearch(placed, locator, district);
        if (!place.ok) {
          result.dropped.add(place.reason, `${entries[i]!.where}:${line}`, place.detail);
          continue;
        }
        result.kept += 1;
        result.byMonth.add(entries[i]!.month, repairs, entries[i]!.where, line);
        for (const { reason, detail } of repairs) {
          result.repaired.add(reason, `${entries[i]!.where}:${line}`, detail);
        }
        const row = repaired ?? STOP_SEARCH_COLUMNS.map((column) => values[column] ?? '');
        (writes ??= []).push(out.write(formatCsvRow([...row, place.wardName, place.wardCode])));
      }
      return writes && Promise.all(writes).then(() => undefined);
    },
    options,
  );
  return results;
}
