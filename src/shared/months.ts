// Calendar months as "YYYY-MM" strings: arithmetic, labels and runs. Pure and DOM-free.

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** A month as YYYY-MM: "2025-03", not "2025-3", "2025-13" or "2025-00". */
export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Whether `text` is a month as YYYY-MM (MONTH_PATTERN). */
export function isMonth(text: string): boolean {
  return MONTH_PATTERN.test(text);
}

function parts(month: string): { year: number; index: number } {
  if (!isMonth(month)) throw new RangeError(`Expected a month as YYYY-MM, got "${month}"`);
  return { year: Number(month.slice(0, 4)), index: Number(month.slice(5)) - 1 };
}

function fromParts(year: number, index: number): string {
  return `${String(year).padStart(4, '0')}-${String(index + 1).padStart(2, '0')}`;
}

/** addMonths("2025-03", -12) === "2024-03" */
export function addMonths(month: string, delta: number): string {
  const { year, index } = parts(month);
  const total = year * 12 + index + delta;
  return fromParts(Math.floor(total / 12), ((total % 12) + 12) % 12);
}

/**
 * Every calendar month from `from` to `to`, inclusive. A backwards range is a mistake in the
 * caller's input (e.g. `--range 2025-03 2024-01`), so it throws rather than giving no months.
 */
export function monthRange(from: string, to: string): string[] {
  if (from > to) {
    throw new RangeError(`month range ${from} to ${to} is backwards: give the earlier month first`);
  }
  const months: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) months.push(m);
  return months;
}

export function yearOf(month: string): number {
  return parts(month).year;
}

/** The twelve months of `year`. */
export function monthsOfYear(year: number): string[] {
  return monthRange(fromParts(year, 0), fromParts(year, 11));
}

/** "Mar 2025" */
export function shortMonth(month: string): string {
  const { year, index } = parts(month);
  return `${(MONTH_NAMES[index] ?? '').slice(0, 3)} ${year}`;
}

/** "March 2025" */
export function longMonth(month: string): string {
  const { year, index } = parts(month);
  return `${MONTH_NAMES[index] ?? ''} ${year}`;
}

/**
 * Where a month came from, in words: "police.uk archive of March 2025" (the archive's name
 * holds its newest month) or "police.uk API (api:2025-04)".
 */
export function describeSource(p: { source: 'archive' | 'api'; snapshot: string }): string {
  if (p.source === 'api') return `police.uk API (${p.snapshot})`;
  const month = /\b(\d{4}-\d{2})\b/.exec(p.snapshot)?.[1];
  return month ? `police.uk archive of ${longMonth(month)}` : `police.uk archive ${p.snapshot}`;
}

/**
 * Where a month came from, short, for reports, logs and commit messages: "archive
 * 2025-03.zip" or "API snapshot api:2025-04". describeSource is the wording for pages.
 */
export function sourceLabel(p: { source: 'archive' | 'api'; snapshot: string }): string {
  return p.source === 'api' ? `API snapshot ${p.snapshot}` : `archive ${p.snapshot}`;
}

/** "March" */
export function monthName(month: string): string {
  return MONTH_NAMES[parts(month).index] ?? '';
}

/** The 12 calendar months ending with `latest`. */
export function twelveMonthsTo(latest: string): { from: string; to: string } {
  return { from: addMonths(latest, -11), to: latest };
}

/** Consecutive runs in an ascending list of months: ["2024-03","2025-02","2025-03"] -> 2 runs. */
export function monthRuns(months: readonly string[]): { from: string; to: string }[] {
  const runs: { from: string; to: string }[] = [];
  for (const month of months) {
    const last = runs.at(-1);
    if (last && addMonths(last.to, 1) === month) last.to = month;
    else runs.push({ from: month, to: month });
  }
  return runs;
}

/** "Mar 2024, Feb–Mar 2025": the months as few readable ranges. */
export function describeMonths(months: readonly string[]): string {
  if (months.length === 0) return 'no months';
  return monthRuns(months)
    .map(({ from, to }) => {
      if (from === to) return shortMonth(from);
      const sameYear = yearOf(from) === yearOf(to);
      return `${sameYear ? monthName(from).slice(0, 3) : shortMonth(from)}–${shortMonth(to)}`;
    })
    .join(', ');
}

/**
 * Several months read better as ranges: "2022-04 to 2025-03 (36 months)"; a gap splits the
 * range ("2024-04 to 2025-01, 2025-04 (11 months)"), so a list never claims months it lacks.
 */
export function monthList(months: readonly string[]): string {
  if (months.length <= 3) return months.join(', ');
  const runs: string[][] = [];
  for (const month of months) {
    const run = runs.at(-1);
    if (run && addMonths(run.at(-1) as string, 1) === month) run.push(month);
    else runs.push([month]);
  }
  const text = runs.map((run) => (run.length > 2 ? `${run[0]} to ${run.at(-1)}` : run.join(', ')));
  return `${text.join(', ')} (${months.length} months)`;
}

/**
 * How `months` (an output's: the map data's, the downloads') differ from the site data's, in
 * words ("lacks 2025-04"); null when they are the same months.
 */
export function monthsDifference(
  siteMonths: readonly string[],
  months: readonly string[],
): string | null {
  const lacks = siteMonths.filter((month) => !months.includes(month));
  const extra = months.filter((month) => !siteMonths.includes(month));
  const words = [
    ...(lacks.length > 0 ? [`lacks ${monthList(lacks)}`] : []),
    ...(extra.length > 0 ? [`holds ${monthList(extra)}, which the site data does not`] : []),
  ];
  return words.length === 0 ? null : words.join(' and ');
}
