// The choice of police.uk archives. Pure; month arithmetic is src/shared/months.ts.
import { addMonths, MONTH_PATTERN, monthRange } from '../../src/shared/months.ts';

/** Each police.uk archive YYYY-MM.zip holds the 36 months ending at YYYY-MM. */
export const ARCHIVE_SPAN_MONTHS = 36;

/**
 * A month given by a person (a command-line option or a setting), checked as YYYY-MM; `what`
 * names where it was given, for the error.
 */
export function parseMonthArgument(month: string, what: string): string {
  if (!MONTH_PATTERN.test(month)) {
    throw new Error(`${what}: "${month}" is not a month; write it as YYYY-MM, e.g. 2025-03`);
  }
  return month;
}

/**
 * The newest month police.uk publishes: the newest archive's month, or the API's newest
 * (crimes-street-dates, any order) when the API lists every month between the two. A month
 * the API skips while listing a later one ends the months published there: those after it
 * wait until it is listed, rather than being fetched around a gap that nothing explains
 * (monthsTheApiSkips names them).
 */
export function newestPublishedMonth(archiveMonth: string, apiDates: readonly string[]): string {
  const listed = new Set(apiDates);
  let newest = archiveMonth;
  while (listed.has(addMonths(newest, 1))) newest = addMonths(newest, 1);
  return newest;
}

/**
 * The months after the newest archive that the API does not list although it lists a later
 * one: a month police.uk left out of crimes-street-dates. Ascending; empty as a rule.
 */
export function monthsTheApiSkips(archiveMonth: string, apiDates: readonly string[]): string[] {
  const newestListed = [...apiDates].sort().at(-1);
  if (newestListed === undefined || newestListed <= archiveMonth) return [];
  const listed = new Set(apiDates);
  return monthRange(addMonths(archiveMonth, 1), newestListed).filter((m) => !listed.has(m));
}

/** What the log says when monthsTheApiSkips is not empty (`newest`: newestPublishedMonth). */
export function skippedMonthsNote(
  skipped: readonly string[],
  apiDates: readonly string[],
  newest: string,
): string {
  const newestListed = [...apiDates].sort().at(-1) ?? newest;
  return (
    `police.uk's API lists months up to ${newestListed} but not ${skipped.join(', ')}: ` +
    `months after ${newest} wait until it lists ${skipped.length === 1 ? 'that month' : 'them'}`
  );
}

/** The months archive `archiveMonth`.zip holds. */
export function archiveMonths(archiveMonth: string): string[] {
  return monthRange(addMonths(archiveMonth, -(ARCHIVE_SPAN_MONTHS - 1)), archiveMonth);
}

/** The newest archive that holds `month`: the one whose 36 months begin with it. */
export function lastArchiveHolding(month: string): string {
  return addMonths(month, ARCHIVE_SPAN_MONTHS - 1);
}

export interface ArchivePlan {
  /** The archive's month: its file is `<archive>.zip`. */
  archive: string;
  /** The wanted months to take from it, ascending. */
  months: string[];
}

/**
 * The fewest archives that hold every wanted month up to `latestArchive`, preferring newer
 * archives (police.uk revises earlier months in later archives). Greedy from the oldest
 * wanted month, each archive reaching as far forward as it can: optimal for intervals of equal
 * length. Months after `latestArchive` are not in any archive and are left out.
 */
export function planArchives(wanted: readonly string[], latestArchive: string): ArchivePlan[] {
  const months = [...new Set(wanted)].filter((m) => m <= latestArchive).sort();
  const plans: ArchivePlan[] = [];
  for (const month of months) {
    const current = plans.at(-1);
    if (current && month <= current.archive) {
      current.months.push(month);
      continue;
    }
    const end = lastArchiveHolding(month);
    plans.push({ archive: end < latestArchive ? end : latestArchive, months: [month] });
  }
  return plans;
}
