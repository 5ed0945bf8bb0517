// The latest outcome of each crime, from the -outcomes.csv files, by Crime ID. A crime's
// outcome changes as its investigation goes on; the outcomes file of a later month can know
// more than the street file the crime was first published in. Every row read is counted as
// indexed, outside the area, or unusable by reason with file:line, and two outcomes for one
// crime in one month are counted as a conflict (OutcomeReadStats): the run summary shows
// them apart from the street rows' drops. An indexed row's crime may be none the run keeps
// (listed before its first month, say): which are is counted for the run (outcome-join.ts).
import { OUTCOME_COLUMNS } from '../src/shared/constants.ts';
import { MONTH_PATTERN } from '../src/shared/months.ts';
import type { EnrichedCrime } from '../src/shared/schema.ts';
import type { ArchiveEntry } from './archive.ts';
import { readEachOnce } from './read-once.ts';
import {
  needsRepair,
  repairText,
  TEXT_REPAIRS,
  type RowRepair,
  type TextRepair,
} from './text-repair.ts';
import { checkCoordinates } from './normalise.ts';
import { formatTallyExamples, ReasonTally, RepairsByMonth } from './report.ts';
import { formatCount } from '../src/shared/format-count.ts';
import { InputError } from './input-error.ts';
import { MALFORMED_THRESHOLD, REPAIRED_MIN } from './row-thresholds.ts';
import { formatPercent } from './format-percent.ts';
import { errorMessage } from '../src/shared/error-message.ts';
import { forceName } from '../src/shared/police-forces.ts';
import {
  TooManyOutcomeTexts,
  type LatestOutcome,
  type OutcomeIndex,
  type OutcomeLookup,
} from './outcome-index.ts';

/**
 * The record with its latest known outcome in `outcome`: the index's latest for its Crime ID
 * when it knows one from the crime's month on, else the record unchanged (its `outcome` is
 * police.uk's last outcome category). police.uk's own `lastOutcome` is never changed. A latest
 * outcome dated before the crime's month cannot be an outcome of the crime as listed: the
 * outcomes files and the street file disagree on when the crime was, and the street file's
 * outcome stands; `onEarlier(record, latest)` is told, for the caller to count.
 */
export function applyLatestOutcome(
  record: EnrichedCrime,
  index: OutcomeLookup,
  onEarlier?: (record: EnrichedCrime, latest: LatestOutcome) => void,
): EnrichedCrime {
  if (record.crimeId === '') return record;
  const latest = index.get(record.crimeId);
  if (latest === undefined) return record;
  if (latest.month < record.month) {
    onEarlier?.(record, latest);
    return record;
  }
  if (latest.outcome === record.outcome) return record;
  return { ...record, outcome: latest.outcome };
}

/**
 * Why a row of an outcomes file cannot be used; each such row counts under the first that
 * applies. A row needs its Crime ID (the join to the street rows), its month, and its
 * outcome. The month must be its file's: police.uk dates an outcome by the month of the file
 * that lists it, so a row dated otherwise contradicts its own file, and which of the two to
 * believe cannot be told.
 */
export const UNUSABLE_OUTCOME_REASONS = [
  'no-crime-id',
  'malformed-month',
  'other-month',
  'no-outcome-type',
] as const;
export type UnusableOutcomeReason = (typeof UNUSABLE_OUTCOME_REASONS)[number];

/** Why an indexed row's coordinates cannot place it (checkCoordinates, as for street rows). */
export const UNLOCATED_OUTCOME_REASONS = ['no-coordinates', 'malformed-coordinates'] as const;
export type UnlocatedOutcomeReason = (typeof UNLOCATED_OUTCOME_REASONS)[number];

/** A crime given two different outcomes in one month (OutcomeIndex.add). */
export const CONFLICTING_OUTCOME = 'conflicting-outcome';

export interface OutcomeReadStats {
  read: number;
  /**
   * Rows added to the index: whether their Crime ID is a crime the run keeps is not known here
   * (outcome-join.ts counts it).
   */
  indexed: number;
  /** Rows whose coordinates lie outside the area of interest (see `keep`): not needed. */
  elsewhere: number;
  /** Rows that cannot be used, by reason, with examples: not added to the index. */
  unusable: ReasonTally<UnusableOutcomeReason>;
  /**
   * Rows indexed although their coordinates are blank or unreadable: an outcome joins its crime
   * by Crime ID, so it needs no coordinates; they only tell whether a row lies outside the
   * area (`keep`), which for these cannot be told, so every reader keeps them.
   */
  unlocated: ReasonTally<UnlocatedOutcomeReason>;
  /**
   * Rows indexed that gave a crime another outcome than an earlier row for the same month: the
   * later row's outcome is the one kept (OutcomeIndex.add).
   */
  conflicts: ReasonTally<typeof CONFLICTING_OUTCOME>;
  /**
   * Rows indexed whose text was repaired (text-repair.ts: half a character, bytes not UTF-8,
   * control characters), under each reason the row had: their outcome reaches the pages.
   */
  repaired: ReasonTally<TextRepair>;
  /**
   * The rows indexed by the month of their file, and those repaired by reason: the gate judges
   * each month's share (validate.ts REPAIRED_THRESHOLD), which the run's total would hide.
   */
  byMonth: RepairsByMonth;
}

/**
 * Add the rows of `entries` (outcomes files) to `index`. `keep(lon, lat)` may reject rows
 * located elsewhere, to keep the index to the crimes that matter; rows without coordinates
 * are always kept, since where they are cannot be told. With `territorialForce`, a file of
 * that force holding no outcome fails the read (readOutcomesOnce).
 */
export async function readOutcomes(
  entries: readonly ArchiveEntry[],
  index: OutcomeIndex,
  options: {
    keep?: (lon: number, lat: number) => boolean;
    territorialForce?: string;
    onBytes?: (n: number) => void;
  } = {},
): Promise<OutcomeReadStats> {
  const { keep, territorialForce } = options;
  const [stats] = await readOutcomesOnce([{ entries, index, keep, territorialForce }], options);
  return stats!;
}

/** One district's outcomes: its files, its index, and which located rows it keeps. */
export interface OutcomeReader {
  entries: readonly ArchiveEntry[];
  index: OutcomeIndex;
  keep?: ((lon: number, lat: number) => boolean) | undefined;
  /**
   * The district's territorial force (its area's first): each of its outcomes files read must
   * hold a row that can be used, else the read fails (see readOutcomesOnce). Undefined: no
   * file is checked (some files read alone).
   */
  territorialForce?: string | undefined;
  /** Counts to add the rows read to (those of a saved index's files); else from nothing. */
  stats?: OutcomeReadStats | undefined;
}

/** The counts of no rows read. */
export function emptyReadStats(): OutcomeReadStats {
  return {
    read: 0,
    indexed: 0,
    elsewhere: 0,
    unusable: new ReasonTally(UNUSABLE_OUTCOME_REASONS),
    unlocated: new ReasonTally(UNLOCATED_OUTCOME_REASONS),
    conflicts: new ReasonTally([CONFLICTING_OUTCOME]),
    repaired: new ReasonTally(TEXT_REPAIRS),
    byMonth: new RepairsByMonth(),
  };
}

/** A row's repairs when it needed none: shared, never added to. */
const NO_REPAIRS: readonly RowRepair[] = [];

/**
 * readOutcomes for several districts at once: each outcomes file is read once (read-once.ts)
 * and each row goes to the index of every district that reads the file. One result each.
 * Throws when an outcomes file of a reader's territorial force that it reads now holds no row
 * that can be used (only its header, say): police.uk publishes one every month for every
 * territorial force, so it is a damaged file, never a month without outcomes. Only the files
 * read now are checked: those of a saved index (outcome-index-cache.ts) were when they were
 * read, by the run that saved it. Another force's file (British Transport Police's) may be
 * empty.
 */
export async function readOutcomesOnce(
  readers: readonly OutcomeReader[],
  options: {
    onBytes?: ((n: number) => void) | undefined;
    /** Told each row's Crime ID that is not blank, once a row, with its file. */
    onCrimeId?: ((entry: ArchiveEntry, crimeId: string) => void) | undefined;
  } = {},
): Promise<OutcomeReadStats[]> {
  const stats = readers.map((r) => r.stats ?? emptyReadStats());
  /**
   * The rows of each territorial force's file read, by each reader's entry of it (a file
   * without rows has none): only those files are checked; `rows` is null for another's.
   */
  const fileRows = new Map<ArchiveEntry, FileRows>();
  const checked = new Set(readers.map((r) => r.territorialForce));
  /** Every file read, by the first reader's entry of it, with its rows: each is judged. */
  const filesRead: { entry: ArchiveEntry; rows: FileRows }[] = [];
  let current: ArchiveEntry | undefined;
  let rows: FileRows = newFileRows();
  await readEachOnce(
    readers.map((r) => r.entries),
    OUTCOME_COLUMNS,
    (ids, entries, { line, values, text }) => {
      let crimeId = values['Crime ID'] ?? '';
      let month = values['Month'] ?? '';
      let outcome = values['Outcome type'] ?? '';
      // One test of a plain row's text (or of the three fields read) finds the rare row that
      // needs a repair, as for a street row (normalise.ts): no work for the others.
      let repairs: readonly RowRepair[] = NO_REPAIRS;
      if (text === undefined ? [crimeId, month, outcome].some(needsRepair) : needsRepair(text)) {
        const found: RowRepair[] = [];
        crimeId = repairText('Crime ID', crimeId, found);
        month = repairText('Month', month, found);
        outcome = repairText('Outcome type', outcome, found);
        repairs = found;
      }
      crimeId = crimeId.trim();
      month = month.trim();
      outcome = outcome.trim();
      // The readers share the file, so its month.
      const file = entries[ids[0]!]!;
      const fileMonth = file.month;
      if (file !== current) {
        current = file;
        rows = newFileRows();
        filesRead.push({ entry: file, rows });
        if (checked.has(file.force)) for (const i of ids) fileRows.set(entries[i]!, rows);
      }
      if (crimeId !== '') options.onCrimeId?.(file, crimeId);
      const unusable = unusableReason(crimeId, month, fileMonth, outcome);
      if (unusable !== undefined) {
        const detail = unusableDetail(unusable, crimeId, month, fileMonth, outcome);
        rows.unusable.add(unusable, `${file.where}:${line}`, detail);
        for (const i of ids) {
          stats[i]!.read += 1;
          stats[i]!.unusable.add(unusable, `${entries[i]!.where}:${line}`, detail);
        }
        return;
      }
      rows.usable += 1;
      const point = checkCoordinates(
        (values['Longitude'] ?? '').trim(),
        (values['Latitude'] ?? '').trim(),
      );
      for (const i of ids) {
        const s = stats[i]!;
        const { keep, index } = readers[i]!;
        s.read += 1;
        if (!point.ok) {
          s.unlocated.add(point.reason, `${entries[i]!.where}:${line}`, point.detail);
        } else if (keep && !keep(point.longitude, point.latitude)) {
          s.elsewhere += 1;
          continue;
        }
        const replaced = addOutcome(index, crimeId, month, outcome, `${entries[i]!.where}:${line}`);
        s.indexed += 1;
        s.byMonth.add(fileMonth, repairs, entries[i]!.where, line);
        for (const { reason, detail } of repairs) {
          s.repaired.add(reason, `${entries[i]!.where}:${line}`, detail);
        }
        if (replaced !== undefined) {
          s.conflicts.add(
            CONFLICTING_OUTCOME,
            `${entries[i]!.where}:${line}`,
            `Crime ID ${crimeId} has "${outcome}" here and "${replaced}" on an earlier row for ` +
              `${month}: the later row's is used`,
          );
        }
      }
    },
    options,
  );
  for (const { entries, territorialForce } of readers) {
    for (const entry of entries) {
      if (entry.force !== territorialForce) continue;
      const read = fileRows.get(entry);
      if (read === undefined || read.usable === 0) throw noOutcomes(entry, read);
    }
  }
  for (const { entry, rows } of filesRead) {
    if (unusableBeyond(rows)) throw tooManyUnusable(entry, rows);
  }
  return stats;
}

/** What one outcomes file's rows were: how many can be used, and why the others cannot. */
interface FileRows {
  usable: number;
  unusable: ReasonTally<UnusableOutcomeReason>;
}

function newFileRows(): FileRows {
  return { usable: 0, unusable: new ReasonTally(UNUSABLE_OUTCOME_REASONS) };
}

/**
 * Whether a file's rows that cannot be used are more than MALFORMED_THRESHOLD of its rows
 * read, and more than REPAIRED_MIN: police.uk's outcomes files practically never hold one (a
 * Crime ID, the file's month and an outcome are what an outcomes row is), while a changed
 * format (a new date format, a renamed column read blank) leaves most of a file's rows out.
 */
function unusableBeyond({ usable, unusable }: FileRows): boolean {
  const read = usable + unusable.total;
  return unusable.total > REPAIRED_MIN && unusable.total / read > MALFORMED_THRESHOLD;
}

/** An outcomes file with more rows that cannot be used than unusableBeyond allows. */
function tooManyUnusable(entry: ArchiveEntry, { usable, unusable }: FileRows): InputError {
  const read = usable + unusable.total;
  return new InputError(
    entry.where,
    `has ${formatCount(unusable.total)} of ${formatCount(read)} rows read that cannot be used ` +
      `(${formatPercent(unusable.total / read)}; at most ${REPAIRED_MIN} or ` +
      `${formatPercent(MALFORMED_THRESHOLD)} of its rows, whichever is more: ` +
      `${formatTallyExamples(unusable)}), so the outcomes they give for ${entry.month} would be ` +
      'lost. police.uk writes a Crime ID, the month of its file and an outcome on every row, ' +
      'so the file may be damaged or its format may have changed: download it again, and if ' +
      'the rows named are as police.uk wrote them, the reading of the file needs a change',
  );
}

/** A territorial force's outcomes file that holds no row that can be used (`read`: its rows). */
function noOutcomes(entry: ArchiveEntry, read: FileRows | undefined): InputError {
  const rows =
    read === undefined
      ? 'it holds only its header'
      : `all ${formatCount(read.unusable.total)} rows read cannot be used ` +
        `(${formatTallyExamples(read.unusable)})`;
  const force = forceName(entry.force);
  return new InputError(
    entry.where,
    `holds no outcomes for ${entry.month}: ${rows}. police.uk never publishes an empty ` +
      `outcomes month for ${force}, the district's territorial force, so the file is ` +
      `probably truncated or damaged, and the month's outcomes would be lost: download it ` +
      'again (every police.uk archive of the next three years holds the month too)',
  );
}

/**
 * index.add, its refusal of one outcome text too many told as the input's fault at `where`.
 * Any other failure (memory for the index that could not be had, a bug) is not the file's:
 * it is thrown as it is, not with advice to check the file.
 */
function addOutcome(
  index: OutcomeIndex,
  crimeId: string,
  month: string,
  outcome: string,
  where: string,
): string | undefined {
  try {
    return index.add(crimeId, month, outcome);
  } catch (cause) {
    if (!(cause instanceof TooManyOutcomeTexts)) throw cause;
    throw new InputError(
      where,
      `cannot be indexed: ${errorMessage(cause)}. Check that this is a police.uk outcomes file.`,
      { cause },
    );
  }
}

function unusableReason(
  crimeId: string,
  month: string,
  fileMonth: string,
  outcome: string,
): UnusableOutcomeReason | undefined {
  if (crimeId === '') return 'no-crime-id';
  // The file's month is a valid YYYY-MM (parseEntryName), so a row dated the same is too.
  if (month !== fileMonth) return MONTH_PATTERN.test(month) ? 'other-month' : 'malformed-month';
  if (outcome === '') return 'no-outcome-type';
  return undefined;
}

function unusableDetail(
  reason: UnusableOutcomeReason,
  crimeId: string,
  month: string,
  fileMonth: string,
  outcome: string,
): string {
  switch (reason) {
    case 'no-crime-id':
      return `Crime ID is blank (Month "${month}", Outcome type "${outcome}")`;
    case 'malformed-month':
      return `Month "${month}" is not YYYY-MM (Crime ID ${crimeId})`;
    case 'other-month':
      return `Month "${month}" in the outcomes file for ${fileMonth} (Crime ID ${crimeId})`;
    case 'no-outcome-type':
      return `Outcome type is blank (Crime ID ${crimeId})`;
  }
}
