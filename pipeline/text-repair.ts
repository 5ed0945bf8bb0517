// Text from police.uk that is not text: repaired where it enters (normalise.ts), and counted.
// The API's JSON can escape half an emoji ("\ud83d", a lone UTF-16 surrogate) and control
// characters into a street name or an outcome; JSON.parse makes them real, and Node would
// write a lone surrogate into every output as U+FFFD without a word. A street file's bytes
// that are not UTF-8 are read as U+FFFD (csv.ts, for police.uk's street files). Control
// characters have no place in one line of a page or a CSV field: an ESC or a NUL in a ward
// page's street list, a line break in a location.
//
// - unreadable-characters: a lone surrogate becomes U+FFFD, the character Unicode keeps for
//   one that could not be read; a U+FFFD already there (bytes not UTF-8) is counted with it.
// - control-characters: each run of control characters (C0, DEL, C1; tab and line breaks
//   too), with any spaces beside it, becomes one space, so words they parted stay apart; the
//   field is then trimmed.
//
// A row so repaired is kept, counted under each reason it had, with an example naming the
// column and both texts (report.ts DropTally.repaired): never changed silently.

/** Why a kept row's text was changed at intake. */
export const TEXT_REPAIRS = ['unreadable-characters', 'control-characters'] as const;
export type TextRepair = (typeof TEXT_REPAIRS)[number];

/** One repair of a row: its reason, and the column and texts for the example. */
export interface RowRepair {
  reason: TextRepair;
  detail: string;
}

// With the u flag, \p{Cs} matches a surrogate only when it is not one of a pair.
const ANY_PROBLEM = /[\p{Cs}\p{Cc}\uFFFD]/u;
const LONE_SURROGATE = /\p{Cs}/gu;
/** A run of control characters with the spaces around it: one space in all. */
const CONTROL_RUN = /[ \p{Cc}]*\p{Cc}[ \p{Cc}]*/gu;
const HAS_UNREADABLE = /[\p{Cs}\uFFFD]/u;
const HAS_CONTROL = /\p{Cc}/u;

/** Whether `text` holds anything repairText would repair or count. */
export function needsRepair(text: string): boolean {
  return ANY_PROBLEM.test(text);
}

/**
 * `value` (the field `column` of a row) repaired, each reason it had added to `repairs` once
 * for the row (the first column with it names it in the example).
 */
export function repairText(column: string, value: string, repairs: RowRepair[]): string {
  if (!ANY_PROBLEM.test(value)) return value;
  const text = value.replace(LONE_SURROGATE, '\uFFFD').replace(CONTROL_RUN, ' ');
  const detail = `${column} ${JSON.stringify(value)} is now ${JSON.stringify(text.trim())}`;
  if (HAS_UNREADABLE.test(value) && !repairs.some((r) => r.reason === 'unreadable-characters')) {
    repairs.push({ reason: 'unreadable-characters', detail });
  }
  if (HAS_CONTROL.test(value) && !repairs.some((r) => r.reason === 'control-characters')) {
    repairs.push({ reason: 'control-characters', detail });
  }
  return text;
}
