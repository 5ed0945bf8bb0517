// Numbers as the reports print them (British English). Pure.
import { ANTI_SOCIAL_BEHAVIOUR } from '../shared/constants.ts';
import { rankWithTies, type Change, type RateWindow } from '../shared/rates.ts';
import { ukLongDate } from '../shared/uk-date.ts';

const RATE = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const PERCENT = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 });

/**
 * A rate per 1,000 residents, one decimal: 41.27 -> "41.3"; null (no residents) -> "n/a". A
 * rate that is not 0 but rounds to it (1 crime among 26,000 residents: 0.04) is "<0.1": "0.0"
 * beside a count of 1 says none.
 */
export function formatRate(rate: number | null): string {
  if (rate === null) return 'n/a';
  const text = RATE.format(rate);
  if (rate > 0 && text === RATE.format(0)) return `<${RATE.format(0.1)}`;
  return text;
}

/**
 * Ranks of rates as formatRate shows them: rates shown alike share a rank (rankWithTies), and
 * "<0.1" ranks above "0.0". The reports and the map rank through this, so a ward is ranked the
 * same on both.
 */
export function rankRatesAsShown(rates: readonly (number | null)[]): (number | null)[] {
  return rankWithTies(rates, formatRate);
}

/** A rate with the window it covers: "41.3 per 1,000 residents over 2 months". */
export function formatRateWithWindow(rate: number | null, window: RateWindow): string {
  return `${formatRate(rate)} ${window.unit}`;
}

/**
 * What a count of the given crime types counts: "crimes", "anti-social behaviour incidents",
 * or "crimes and anti-social behaviour incidents" when both are included. With `count` 1, the
 * singular: "crime", "anti-social behaviour incident", "crime or anti-social behaviour incident".
 */
export function countedNoun(types: readonly string[], count?: number): string {
  const asb = types.includes(ANTI_SOCIAL_BEHAVIOUR);
  const crimes = types.some((type) => type !== ANTI_SOCIAL_BEHAVIOUR);
  if (count === 1) {
    if (asb && crimes) return 'crime or anti-social behaviour incident';
    return asb ? 'anti-social behaviour incident' : 'crime';
  }
  if (asb && crimes) return 'crimes and anti-social behaviour incidents';
  return asb ? 'anti-social behaviour incidents' : 'crimes';
}

/**
 * The word or phrase that goes with a count: `one` for 1, `many` for any other count (0 too).
 * plural(1, 'month', 'months') -> "month"; plural(3, 'is', 'are') -> "are".
 */
export function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}

/** "crimes" -> "Crimes": a phrase at the start of a label. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * 0.1234 -> "12.3%". A share that is not 0 but rounds to it (1 of 2,239: 0.04%) is "<0.1%",
 * and one short of the whole that rounds to it ">99.9%": "0%" beside a count of 1 says none.
 */
export function formatShare(fraction: number): string {
  const text = PERCENT.format(fraction);
  if (fraction > 0 && text === PERCENT.format(0)) return `<${PERCENT.format(0.001)}`;
  if (fraction < 1 && text === PERCENT.format(1)) return `>${PERCENT.format(0.999)}`;
  return text;
}

/**
 * What a table of shares of one whole says below it when its shares, each printed to the
 * nearest 0.1% (formatShare), do not add up to 100%: 41 of 108 is 38% and 12 of 108 is 11.1%,
 * and a table of such rows can come to 100.1% or 99.9%. Null when the printed shares add up
 * to 100%, or when there is no whole (every share 0).
 */
export function sharesRoundingNote(fractions: readonly number[]): string | null {
  if (!fractions.some((f) => f > 0)) return null;
  // Each share in tenths of a percent, as PERCENT prints it ("38%", "11.1%"): the sum a
  // reader adding up the column gets.
  const tenths = fractions.reduce(
    (sum, f) => sum + Math.round(Number(PERCENT.format(f).replace(/[%,]/g, '')) * 10),
    0,
  );
  if (tenths === 1000) return null;
  return 'Each share is rounded to the nearest 0.1%, so the shares do not add up to exactly 100%.';
}

/**
 * A signed change: 0.052 -> "+5.2%", -0.1 -> "−10%", 0 -> "0%", null -> "n/a". A change that
 * is not 0 but rounds to it (3,532 against 3,531: +0.03%) is "+<0.1%" or "−<0.1%": "0%" says
 * the counts are equal.
 */
export function formatChange(fraction: number | null): string {
  if (fraction === null) return 'n/a';
  if (fraction === 0) return PERCENT.format(0);
  const sign = fraction > 0 ? '+' : '−';
  const text = PERCENT.format(Math.abs(fraction));
  if (text === PERCENT.format(0)) return `${sign}<${PERCENT.format(0.001)}`;
  return `${sign}${text}`;
}

/**
 * A change as plain text, as ChangeText shows it on the pages: the percentage and what it
 * means against chance ("+3.3%, within normal variation", "−34.3%, clearly lower"), or the
 * words alone when the earlier count is too small for a percentage ("too few to compare").
 */
export function changeInWords(change: Change): string {
  const { percent, words } = changeShown(change);
  return percent === null ? words : `${percent}, ${words}`;
}

/** A change as ChangeText shows it (changeShown). */
export interface ChangeShown {
  /** The change's verdict (data-change), "none" with nothing to compare. */
  verdict: string;
  /** The percentage ("+5.2%"), or null when none is given (too few earlier, or nothing). */
  percent: string | null;
  /** What it means against chance ("clearly higher"), or "n/a" with nothing to compare. */
  words: string;
  /**
   * In bold: a change larger than chance gives, whether or not a percentage is given (the
   * earlier count can be too small for one and the change still beyond chance), as the pages'
   * note (ChangeNote) says: "A change is in bold ... only when it is larger than chance".
   */
  bold: boolean;
}

/** How a change (null: nothing to compare) is shown on the report pages (ChangeText.astro). */
export function changeShown(change: Change | null): ChangeShown {
  if (change === null) return { verdict: 'none', percent: null, words: 'n/a', bold: false };
  return {
    verdict: change.verdict,
    percent: change.percent === null ? null : formatChange(change.percent),
    words: change.words,
    bold: change.significant,
  };
}

/**
 * Where a change sorts in a table, by what its cell shows (changeShown): its percentage when
 * one is given; when the earlier count is too small for one, a change larger than chance by
 * its direction alone ("clearly higher" above every rise given as a percentage, "clearly
 * lower" below every fall); and null, with the rows that compare nothing (n/a), for "too few
 * to compare".
 */
export function changeSortValue(change: Change | null): number | null {
  if (change === null) return null;
  if (change.percent !== null) return change.percent;
  if (!change.significant) return null;
  return change.current > change.earlier ? Infinity : -Infinity;
}

/** 1 -> "1st", 22 -> "22nd", 13 -> "13th" */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** Which residents a table of ward rates divides by, said beside every such table. */
export const WARD_RATES_NOTE =
  "Rates use the ward's usual residents at the Census 2021 (estimated from LSOAs).";

/**
 * What a ward table's rank by count means, said under every such table (rankWithTies): equal
 * counts share a rank, and the ranks they fill are skipped.
 */
export const RANK_BY_COUNT_NOTE =
  'Rank 1 is the ward with the most crimes and anti-social behaviour; wards with the same ' +
  'count share a rank, and the next rank skips the places they fill (two wards 5th, then 7th).';

/**
 * A rank in words, "3rd", or "3rd (tied)" when another ward in `ranks` (every ward's rank on
 * the same measure; null: not ranked) shares it.
 */
export function ordinalWithTies(rank: number, ranks: readonly (number | null)[]): string {
  let sharing = 0;
  for (const r of ranks) if (r === rank) sharing += 1;
  return `${ordinal(rank)}${sharing > 1 ? ' (tied)' : ''}`;
}

/** Items in words: "A", "A and B", "A, B and C" (or "A, B or C" with `conjunction` "or"). */
export function listInWords(items: readonly string[], conjunction: 'and' | 'or' = 'and'): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}

/**
 * An ISO timestamp as "2 May 2025": the day it falls on in the UK (uk-date.ts), so a refresh
 * published at 23:30 UTC in British Summer Time is dated the next day, as its readers' calendar
 * has it.
 */
export function formatDate(iso: string): string {
  return ukLongDate(iso);
}

const SIZE = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

/** A file size in decimal units: 1234567 -> "1.2 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1e6) return `${SIZE.format(bytes / 1e3)} kB`;
  return `${SIZE.format(bytes / 1e6)} MB`;
}
