// Which crimes of the run the outcomes files' Crime IDs join. The outcome index holds the
// latest outcome of every Crime ID of the outcomes files located in the district (or without
// coordinates), and police.uk's outcomes files list the outcomes of crimes of any month: many
// belong to crimes listed before the run's first month, or whose street row the run drops or
// locates outside the district. Which of them give a crime the run keeps its outcome can only
// be told once every month is settled and the repeats across months are dropped (a crime
// belongs to the first month that lists it, crime-ids.ts), so it is counted once for the run,
// against the index of every month's Crime ID prefixes that check builds (crime-id-index.ts):
// a binary search per Crime ID, no street row read.
import { firstMonthLookup, type PrefixIndex } from './crime-id-index.ts';
import { sidecarPrefixOfBytes } from './crime-id-sidecar.ts';
import { monthNumber, packedMonth, type OutcomeIndex } from './outcome-index.ts';

/** The Crime IDs of the outcome index, by what they join among the crimes the run keeps. */
export interface OutcomeJoin {
  /** Crime IDs in the index (each with its latest outcome): the sum of the four below. */
  crimeIds: number;
  /**
   * Joined to a crime the run keeps, their latest outcome dated from the crime's month on: the
   * crime's Outcome is that outcome.
   */
  joined: number;
  /**
   * Joined to a crime the run keeps, their latest outcome dated before the crime's month: the
   * street file's Last outcome category stands ('outcome-before-crime', counted per street row
   * among the disagreements).
   */
  outcomeBeforeCrime: number;
  /**
   * Matching no crime the run keeps: listed before its first month or in a month it does not
   * have, or whose street row it drops (no coordinates, a repeat, ...) or finds outside the
   * district.
   */
  matchNoCrime: number;
  /**
   * Not police.uk's form of a Crime ID (64 hex digits): the index of the months' Crime IDs
   * holds only those, so whether they join a crime is not known.
   */
  notPoliceForm: number;
}

/**
 * The join of `outcomes` with the crimes the run keeps: `crimes` is the index of the Crime ID
 * prefixes of its months `months` (YYYY-MM, in the order the index numbers them), each with
 * the first month that lists it, the month the crime is kept in. Crime IDs are matched on the
 * prefix the index holds (their first 13 hex digits, 52 bits), as the check across months
 * finds its candidates.
 */
export function joinOutcomes(
  outcomes: Pick<OutcomeIndex, 'eachEntry'>,
  crimes: PrefixIndex,
  months: readonly string[],
): OutcomeJoin {
  const firstMonthOf = firstMonthLookup(crimes);
  const monthNumbers = months.map(monthNumber);
  const join: OutcomeJoin = {
    crimeIds: 0,
    joined: 0,
    outcomeBeforeCrime: 0,
    matchNoCrime: 0,
    notPoliceForm: 0,
  };
  outcomes.eachEntry((keys, start, length, packed) => {
    join.crimeIds += 1;
    const prefix = sidecarPrefixOfBytes(keys, start, length);
    if (prefix < 0) {
      join.notPoliceForm += 1;
      return;
    }
    const first = firstMonthOf(prefix);
    if (first < 0) join.matchNoCrime += 1;
    else if (packedMonth(packed) < monthNumbers[first]!) join.outcomeBeforeCrime += 1;
    else join.joined += 1;
  });
  return join;
}
