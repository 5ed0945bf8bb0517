// Calendar dates as readers see them: every district this project serves is in the UK, so the
// day an instant falls on is the UK's (Europe/London), not UTC's. The two differ for the first
// hour of every day of British Summer Time: 2025-06-30T23:30Z is 1 July in the UK. Ships to
// the browser; the pages, the pipeline's files and its messages all date days through here.

/** The time zone of every district the project serves. */
export const UK_TIME_ZONE = 'Europe/London';

const LONG_DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: UK_TIME_ZONE,
});

const DAY_PARTS = new Intl.DateTimeFormat('en-GB', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  timeZone: UK_TIME_ZONE,
});

function instant(when: Date | string): Date {
  const date = typeof when === 'string' ? new Date(when) : when;
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not a date and time: "${String(when)}"`);
  return date;
}

/**
 * The UK day of an instant (an ISO timestamp or a Date) as YYYY-MM-DD: 2025-06-30T23:30Z ->
 * "2025-07-01".
 */
export function ukDay(when: Date | string): string {
  const parts = Object.fromEntries(
    DAY_PARTS.formatToParts(instant(when)).map((part) => [part.type, part.value]),
  );
  return `${parts['year']}-${parts['month']}-${parts['day']}`;
}

/** The UK day of an instant in words: 2025-06-30T23:30Z -> "1 July 2025". */
export function ukLongDate(when: Date | string): string {
  return LONG_DATE.format(instant(when));
}
