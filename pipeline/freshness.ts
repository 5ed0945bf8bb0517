// Whether the published data has kept up with police.uk: the watchdog for a refresh that stopped
// publishing without failing where anyone looks (a scheduled run replaced while it waited, a
// refusal nobody approved). police.uk publishes a month during the month after it, so early in
// month N its newest month is N-2; the refresh runs on the 3rd and again each week to the
// 24th. Pure.
import { addMonths } from '../src/shared/months.ts';

/** police.uk's newest month, early in month N, is this many months before N. */
export const RELEASE_LAG_MONTHS = 2;
/**
 * Months the published data may be behind police.uk's newest before it counts as stale: one,
 * for the days between police.uk's release and the refresh, and for a release a few weeks late.
 */
export const MONTHS_OF_GRACE = 1;

export interface Freshness {
  ok: boolean;
  /** The newest month police.uk normally has out on `today`. */
  expected: string;
  message: string;
}

/**
 * The district checked, when it is another than the default (Leeds) or the data workflow
 * refreshes another on schedule: its name, as messages say it, its slug, which its refresh
 * takes (refresh-data --area), and whether the data workflow refreshes it on schedule (the
 * repository variable AREA names it: the watch of a deployment for it), or else the district
 * it refreshes.
 */
export interface OtherDistrict {
  name: string;
  slug: string;
  scheduled: boolean;
  /** The district the data workflow refreshes on schedule (the repository variable AREA). */
  scheduledArea?: string;
}

/**
 * `newest` (the newest published month, undefined when none) against `today` (YYYY-MM-DD), of
 * `district` when it is another than the default or the data workflow refreshes another.
 */
export function checkFreshness(
  newest: string | undefined,
  today: string,
  district?: OtherDistrict,
): Freshness {
  // A day the calendar has: "2026-02-30" reads as a date by its shape, and as 2 March by Date.
  const day = new Date(`${today}T00:00:00Z`);
  if (
    !/^\d{4}-(0[1-9]|1[0-2])-\d{2}$/.test(today) ||
    Number.isNaN(day.getTime()) ||
    day.toISOString().slice(0, 10) !== today
  ) {
    throw new Error(`today must be a date, YYYY-MM-DD; got "${today}"`);
  }
  const expected = addMonths(today.slice(0, 7), -RELEASE_LAG_MONTHS);
  const data = district === undefined ? 'The published data' : `${district.name}'s published data`;
  const oldestFresh = addMonths(expected, -MONTHS_OF_GRACE);
  if (newest !== undefined && newest >= oldestFresh) {
    return {
      ok: true,
      expected,
      message: `${data} ends at ${newest}; on ${today} police.uk normally has ${expected} out: up to date.`,
    };
  }
  const behind = newest === undefined ? 'has no month' : `ends at ${newest}`;
  return {
    ok: false,
    expected,
    message:
      district === undefined || district.scheduled
        ? `${data} ${behind}; on ${today} police.uk normally has ${expected} out, and ` +
          `the scheduled refreshes keep the site within ${MONTHS_OF_GRACE} month of it. Look at the data ` +
          "workflow's recent runs (a scheduled run cancelled while it waited, or refused by the gate)," +
          ' then run it by hand.'
        : `${data} ${behind}; on ${today} police.uk normally has ${expected} out, more than ` +
          `${MONTHS_OF_GRACE} month ahead of it. No scheduled refresh publishes it (the data ` +
          `workflow refreshes the district AREA names, ${district.scheduledArea ?? 'another'} here): ` +
          `run its refresh, \`npm run refresh-data -- --area ${district.slug} all\`.`,
  };
}
