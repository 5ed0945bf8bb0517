// The latest outcome of each crime, from the -outcomes.csv files, by Crime ID. A crime's
// outcome changes as its investigation goes on; the outcomes file of a later month can know
// more than the street file the crime was first published in.
import { OUTCOME_COLUMNS } from '../src/shared/constants.ts';
import { MONTH_PATTERN, type EnrichedCrime } from '../src/shared/schema.ts';
import type { ArchiveEntry } from './archive.ts';
import { readEachOnce } from './read-once.ts';
import { checkCoordinates } from './normalise.ts';

export interface LatestOutcome {
  month: string;
  outcome: string;
}

/**
 * Crime ID -> latest outcome. Values are packed into one number (month and outcome index)
 * because the index holds every crime of several years: a small object per crime would
 * triple its memory.
 */
export class OutcomeIndex {
  private readonly latest = new Map<string, number>();
  private readonly outcomes: string[] = [];
  private readonly outcomeIds = new Map<string, number>();

  /** Record `outcome` for `crimeId` in `month` (YYYY-MM); a later month wins, and so does a later call for the same month. */
  add(crimeId: string, month: string, outcome: string): void {
    let id = this.outcomeIds.get(outcome);
    if (id === undefined) {
      id = this.outcomes.length;
      this.outcomes.push(outcome);
      this.outcomeIds.set(outcome, id);
    }
    const packed = monthNumber(month) * OUTCOME_SLOTS + id;
    const previous = this.latest.get(crimeId);
    if (previous === undefined || Math.floor(previous / OUTCOME_SLOTS) <= monthNumber(month)) {
      this.latest.set(crimeId, packed);
    }
  }

  get(crimeId: string): LatestOutcome | undefined {
    const packed = this.latest.get(crimeId);
    return packed === undefined ? undefined : unpackOutcome(packed, this.outcomes);
  }

  /** Each Crime ID with its packed latest outcome (see unpackOutcome), and the outcome texts. */
  packed(): { latest: ReadonlyMap<string, number>; outcomes: readonly string[] } {
    return { latest: this.latest, outcomes: this.outcomes };
  }

  get size(): number {
    return this.latest.size;
  }
}

/** Room for distinct outcome texts per month slot; police.uk uses about 30. */
const OUTCOME_SLOTS = 4096;

/** The latest outcome a packed number (month and outcome text index) stands for. */
export function unpackOutcome(packed: number, outcomes: readonly string[]): LatestOutcome {
  const monthIndex = Math.floor(packed / OUTCOME_SLOTS);
  const year = Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  return {
    month: `${year}-${String(month).padStart(2, '0')}`,
    outcome: outcomes[packed % OUTCOME_SLOTS] ?? '',
  };
}

/** What a month's stages look outcomes up in: an OutcomeIndex or its shared copy. */
export type OutcomeLookup = Pick<OutcomeIndex, 'get'>;

function monthNumber(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

/**
 * The record with its latest known outcome in `outcome`: the index's latest for its Crime ID
 * when it knows one from the crime's month on, else the record unchanged (its `outcome` is
 * police.uk's last outcome category). police.uk's own `lastOutcome` is never changed.
 */
export function applyLatestOutcome(record: EnrichedCrime, index: OutcomeLookup): EnrichedCrime {
  if (record.crimeId === '') return record;
  const latest = index.get(record.crimeId);
  if (latest === undefined || latest.month < record.month || latest.outcome === record.outcome) {
    return record;
  }
  return { ...record, outcome: latest.outcome };
}

export interface OutcomeReadStats {
  read: number;
  /** Rows added to the index. */
  used: number;
  /** Rows without a Crime ID, month or outcome type. */
  unusable: number;
  /** Rows whose coordinates lie outside the area of interest (see `keep`). */
  elsewhere: number;
}

/**
 * Add the rows of `entries` (outcomes files) to `index`. `keep(lon, lat)` may reject rows
 * located elsewhere, to keep the index to the crimes that matter; rows without coordinates
 * are always kept, since where they are cannot be told.
 */
export async function readOutcomes(
  entries: readonly ArchiveEntry[],
  index: OutcomeIndex,
  options: { keep?: (lon: number, lat: number) => boolean; onBytes?: (n: number) => void } = {},
): Promise<OutcomeReadStats> {
  const [stats] = await readOutcomesOnce([{ entries, index, keep: options.keep }], options);
  return stats!;
}

/** One district's outcomes: its files, its index, and which located rows it keeps. */
export interface OutcomeReader {
  entries: readonly ArchiveEntry[];
  index: OutcomeIndex;
  keep?: ((lon: number, lat: number) => boolean) | undefined;
}

/**
 * readOutcomes for several districts at once: each outcomes file is read once (read-once.ts)
 * and each row goes to the index of every district that reads the file. One result each.
 */
export async function readOutcomesOnce(
  readers: readonly OutcomeReader[],
  options: { onBytes?: ((n: number) => void) | undefined } = {},
): Promise<OutcomeReadStats[]> {
  const stats = readers.map((): OutcomeReadStats => ({
    read: 0,
    used: 0,
    unusable: 0,
    elsewhere: 0,
  }));
  await readEachOnce(
    readers.map((r) => r.entries),
    OUTCOME_COLUMNS,
    (ids, _entries, { values }) => {
      const crimeId = (values['Crime ID'] ?? '').trim();
      const month = (values['Month'] ?? '').trim();
      const outcome = (values['Outcome type'] ?? '').trim();
      const usable = crimeId !== '' && outcome !== '' && MONTH_PATTERN.test(month);
      const point = usable
        ? checkCoordinates((values['Longitude'] ?? '').trim(), (values['Latitude'] ?? '').trim())
        : undefined;
      for (const i of ids) {
        const s = stats[i]!;
        const { keep, index } = readers[i]!;
        s.read += 1;
        if (!usable) {
          s.unusable += 1;
          continue;
        }
        if (keep && point?.ok && !keep(point.longitude, point.latitude)) {
          s.elsewhere += 1;
          continue;
        }
        index.add(crimeId, month, outcome);
        s.used += 1;
      }
    },
    options,
  );
  return stats;
}
