// The validation gate: decides whether freshly built site data may replace the published
// data. Pure: the caller reads the files and prints the report (validate-cli.ts).
import {
  DROP_REASONS,
  siteDataSchema,
  type Coverage,
  type DropCounts,
  type DropReason,
  type SiteData,
} from '../src/shared/schema.ts';
import { applyApprovals, type Approval, type ApprovedException } from './approvals.ts';
import {
  checkForcesAfterApi,
  checkNewMonthOutcomes,
  checkNewMonths,
  compareOutcomes,
  compareRevisions,
  type ComparisonCheck,
  type Expected,
  type RoutineRevision,
} from './gate.ts';
import { diffMonths, type MonthChange } from './provenance.ts';
import { checkSanity } from './sanity-check.ts';
import { formatPercent } from './format-percent.ts';
import { quoteOutside } from './log-safe.ts';
import { MALFORMED_THRESHOLD, REPAIRED_MIN } from './row-thresholds.ts';
import { addMonths, monthList, monthRange } from '../src/shared/months.ts';

/**
 * Rows dropped as a repeat of a Crime ID read before in the same month may be at most this
 * fraction of the month's rows with a Crime ID. police.uk practically never repeats one within
 * a month: none among the 8,782, 7,535 and 8,545 of the three real West Yorkshire months in
 * data/sample (Leeds's rows), one among the 11,924 of South Yorkshire's February 2024 in
 * Sheffield's sample (0.008%); the synthetic benchmark input repeats 0.05%. A file read twice
 * repeats half of them, a part of it pasted twice that part's, and the anti-social behaviour
 * rows so repeated, which have no Crime ID to find them by, are counted twice: a doubled Leeds
 * month grows by 6-8%, inside the seasonal margin. A share of the rows with a Crime ID, not of
 * all rows read: only those can repeat, and anti-social behaviour's share (6-8% of a Leeds
 * month, 13-15% of a Sheffield one) would move the measure. Of the month, and of each file
 * with more than REPEATED_FILE_MIN repeats: a British Transport Police file (about 1% of a
 * Leeds month) read twice repeats half its rows, but under 1% of the month's.
 */
export const REPEATED_THRESHOLD = 0.01;
/**
 * Kept rows whose text was repaired at intake (text-repair.ts: a character that could not be
 * read, a control character) may be at most this fraction of a month's rows kept, under each
 * reason. police.uk's files are UTF-8 with none in the sample months; a stray odd street name
 * passes, while a file saved in another encoding (each accented or curly character unreadable)
 * or a feed that lost its line structure repairs many rows and is refused.
 */
export const REPAIRED_THRESHOLD = 0.001;
/**
 * A file is judged on its own share of repeats only beyond this many: a British Transport
 * Police file of a few dozen crimes with one repeat is no fault, while the same file read
 * twice repeats every one of its crimes.
 */
export const REPEATED_FILE_MIN = 5;

/**
 * Every kept row must be placed in a ward, an LSOA and a postcode district (the last only
 * where the area has a postcode reference: see Expected.coverage).
 */
export const REQUIRED_COVERAGE = [
  'ward',
  'lsoa',
  'postcodeDistrict',
] as const satisfies readonly (keyof Coverage)[];

export const MALFORMED_REASONS: readonly DropReason[] = DROP_REASONS.filter((r) =>
  r.startsWith('malformed-'),
);

export type CheckName =
  | 'schema'
  | 'missing-month'
  | 'newest-month'
  | 'empty-month'
  | ComparisonCheck
  | 'coverage'
  | 'malformed-rows'
  | 'repeated-rows'
  | 'repaired-rows'
  | 'run-summary';

export interface Problem {
  check: CheckName;
  /** The month it is about, when it is about one: an approval for the month can let it through. */
  month?: string;
  /** What is wrong, where, and what to do; one line. */
  message: string;
}

/** Row accounting for one month, as the run summary (or a month's summary) records it. */
export interface MonthQuality {
  month: string;
  read: number;
  kept: number;
  dropped: Partial<DropCounts>;
  /** Each file of the month: its rows with a Crime ID, and those repeating one read before in the month. */
  crimeIdsByFile: readonly { file: string; rows: number; repeated: number }[];
  coverage: Coverage;
  /** Kept rows whose text was repaired at intake, by reason; absent: none counted. */
  repaired?: Readonly<Record<string, number>>;
  /** The first few of them by reason (file:line and what changed); absent: none given. */
  repairedExamples?: RepairExamples;
}

/** Examples of rows repaired at intake, by reason: where (file:line) and what changed. */
export type RepairExamples = Readonly<
  Record<string, readonly { readonly where: string; readonly detail: string }[]>
>;

/**
 * The files besides the street files whose rows the run repairs at intake, by what the run
 * summary counts of their month: the outcomes rows indexed, the stop-and-search rows kept.
 */
export type RepairedFileKind = 'outcomes' | 'stop-and-search';

/** One month's rows of one kind of file, and those repaired at intake, from the run summary. */
export interface MonthRepairs {
  kind: RepairedFileKind;
  /** The month of the files they were read from. */
  month: string;
  rows: number;
  repaired: Readonly<Record<string, number>>;
  repairedExamples?: RepairExamples;
}

export interface ValidationInput {
  /** The candidate site data, as parsed from JSON: not trusted until the schema holds. */
  next: unknown;
  /** The site data published now, or null for the first build. */
  previous: SiteData | null;
  /**
   * Per-month row accounting of this run (its run summary), checked like the totals: it must
   * account for every month of the candidate. Null when checked without one (none given or
   * none there), which the report's notes say.
   */
  months?: readonly MonthQuality[] | null;
  /**
   * The outcomes and stop-and-search rows of this run by month and kind, and those repaired at
   * intake (its run summary): each month of each kind is judged as a month's street rows are.
   */
  repairs?: readonly MonthRepairs[];
  /** The wards and crime types any build must hold (from the reference data and constants). */
  expected: Expected;
  /** A person's approvals of findings about named months (see approvals.ts). */
  approvals?: readonly Approval[];
}

export interface ValidationReport {
  ok: boolean;
  problems: Problem[];
  /** Set when the schema holds. */
  data: SiteData | null;
  /** Whether there was published data to compare with (false on the first build). */
  compared: boolean;
  /** Months new in this build. */
  added: string[];
  /** Months whose figures differ from the previous build (allowed or not). */
  revised: MonthChange[];
  /** Published months that moved within the routine tolerances: they pass, listed here. */
  routine: RoutineRevision[];
  /** Findings an approval let through, with its reason: recorded in the change log. */
  approved: ApprovedException[];
  /** The approvals that let something through. */
  usedApprovals: Approval[];
  /** What the gate could not judge, e.g. a new month without reference months. */
  notes: string[];
}

export function validateSiteData(input: ValidationInput): ValidationReport {
  const parsed = siteDataSchema.safeParse(input.next);
  if (!parsed.success) {
    return {
      ...NOTHING_COMPARED,
      compared: input.previous !== null,
      problems: parsed.error.issues.map((issue) => ({
        check: 'schema',
        message: `site data does not fit the schema at ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      })),
    };
  }
  const next = parsed.data;
  const problems = checkShape(next);
  const compared = input.previous !== null;
  if (problems.length > 0) return { ...NOTHING_COMPARED, compared, problems };

  const { added, revised } = diffMonths(input.previous, next);
  const notes: string[] = [];
  let routine: RoutineRevision[] = [];
  problems.push(...checkEmptyMonths(next));
  problems.push(...checkSanity(next, input.expected, input.previous === null));
  problems.push(...checkNewMonthOutcomes(next, added));
  if (input.previous) {
    problems.push(...checkMonthsKept(input.previous, next));
    const revisions = compareRevisions(input.previous, next);
    problems.push(...revisions.findings);
    problems.push(...checkForcesAfterApi(input.previous, next));
    problems.push(...compareOutcomes(input.previous, next));
    routine = revisions.routine;
    const season = checkNewMonths(input.previous, next, added, input.expected);
    problems.push(...season.findings);
    notes.push(...season.notes);
  }
  const required = input.expected.coverage ?? REQUIRED_COVERAGE;
  problems.push(...checkQuality('all months', next.quality, required));
  if (input.months === null) notes.push(NO_RUN_SUMMARY_NOTE);
  else if (input.months !== undefined) {
    problems.push(...checkAccounted(next, input.months));
    const unaccounted = unaccountedNote(next, input.months);
    if (unaccounted !== undefined) notes.push(unaccounted);
  }
  for (const month of input.months ?? []) {
    problems.push(...checkQuality(month.month, month, required));
    problems.push(...checkRepeats(month));
    problems.push(
      ...checkRepairs(month.month, STREET_ROWS, month.kept, month.repaired, month.repairedExamples),
    );
  }
  for (const { kind, month, rows, repaired, repairedExamples } of input.repairs ?? []) {
    problems.push(...checkRepairs(month, REPAIRED_ROWS[kind], rows, repaired, repairedExamples));
  }

  const { refused, approved, used } = applyApprovals(problems, input.approvals ?? []);
  return {
    ok: refused.length === 0,
    data: next,
    compared,
    problems: refused,
    added,
    revised,
    routine,
    approved,
    usedApprovals: used,
    notes,
  };
}

/** The report's note when the gate was given no run summary. */
export const NO_RUN_SUMMARY_NOTE =
  "checked without a run summary, so each month's row accounting (malformed rows, rows placed " +
  'in a ward, LSOA and postcode district, repeated Crime IDs, rows of the street, outcomes ' +
  'and stop-and-search files repaired at intake) was not checked, only the ' +
  "totals over all months; give the run's summary (--run-summary) to check each month";

/**
 * The note when the run summary gives no row accounting for some months of the site data (a
 * run of some steps only, such as --step stop-search, whose summary has no months; or another
 * run's summary): their rows were not checked, and the report must not read as if they were.
 */
function unaccountedNote(next: SiteData, months: readonly MonthQuality[]): string | undefined {
  const accounted = new Set(months.map((m) => m.month));
  const missing = next.months.filter((month) => !accounted.has(month));
  if (missing.length === 0) return undefined;
  return (
    `the run summary gives no row accounting for ${monthList(missing)} of the site data's ` +
    `${next.months.length} months, so their street rows malformed, unplaced, repeated or ` +
    'repaired were not checked: give the summary of the run that made the site data (a run ' +
    'of every step; the summary of a run of some steps has no months)'
  );
}

/**
 * Every month the run kept rows of must be in the site data: a site data without one (another
 * run's, or edited) would publish without the month's rows. Not a finding an approval lets
 * through: the run's own outputs disagree.
 */
function checkAccounted(next: SiteData, months: readonly MonthQuality[]): Problem[] {
  const published = new Set(next.months);
  return months
    .filter((m) => m.kept > 0 && !published.has(m.month))
    .map(({ month, kept }) => ({
      check: 'run-summary' as const,
      message:
        `${month}: the run summary kept ${kept} rows of this month but the site data does not ` +
        'hold it, so they would not be published. Run the pipeline again, which writes the ' +
        'site data and its run summary together, and check the two files of that run.',
    }));
}

const NOTHING_COMPARED = {
  ok: false,
  data: null,
  added: [],
  revised: [],
  routine: [],
  approved: [],
  usedApprovals: [],
  notes: [],
} as const satisfies Omit<ValidationReport, 'problems' | 'compared'>;

/** Agreement between the arrays that the schema alone cannot check. */
function checkShape(data: SiteData): Problem[] {
  const problems: Problem[] = [];
  const fail = (message: string) => problems.push({ check: 'schema', message });
  data.months.forEach((month, i) => {
    const before = data.months[i - 1];
    if (before !== undefined && before >= month) {
      fail(`months must be ascending and unique: ${before} comes before ${month}`);
    }
  });
  const provenanceMonths = data.provenance.map((p) => p.month).join(',');
  if (provenanceMonths !== data.months.join(',')) {
    fail(
      `provenance must list exactly the months, in order: months [${data.months.join(', ')}], ` +
        `provenance [${provenanceMonths.split(',').join(', ')}]`,
    );
  }
  for (const { month, rows, forces } of data.provenance) {
    const byForce = forces.reduce((sum, f) => sum + f.count, 0);
    if (byForce !== rows) {
      fail(`${month}: its rows by force add up to ${byForce}, its provenance says ${rows} rows`);
    }
  }
  if (data.crimeTypes.length !== (data.counts[0]?.[0]?.length ?? data.crimeTypes.length)) {
    fail(
      `counts have ${data.counts[0]?.[0]?.length} crime types, crimeTypes lists ${data.crimeTypes.length}`,
    );
  }
  if (data.counts.length !== data.wards.length) {
    fail(`counts have ${data.counts.length} wards, wards lists ${data.wards.length}`);
  }
  data.counts.forEach((byMonth, w) => {
    if (byMonth.length !== data.months.length) {
      fail(
        `counts of ward ${data.wards[w]?.name ?? w} have ${byMonth.length} months, months lists ${data.months.length}`,
      );
    }
  });
  if (problems.length > 0) return problems;
  // Every kept row has a ward (the coverage check), so each month's counts add up to its rows:
  // the change log and the gate take a month's size from its provenance.
  data.provenance.forEach(({ month, rows }, i) => {
    const counted = data.counts.reduce(
      (sum, byMonth) => sum + (byMonth[i] ?? []).reduce((a, b) => a + b, 0),
      0,
    );
    if (counted !== rows) {
      fail(
        `${month}: its counts by ward and type add up to ${counted}, its provenance says ${rows} rows`,
      );
    }
  });
  return problems;
}

function monthTotal(data: SiteData, monthIndex: number): number {
  return data.provenance[monthIndex]?.rows ?? 0;
}

function checkEmptyMonths(data: SiteData): Problem[] {
  return data.months.flatMap((month, i) =>
    monthTotal(data, i) === 0
      ? [
          {
            check: 'empty-month' as const,
            message:
              `${month} has no crimes at all: a month police.uk has not published, or whose ` +
              'files failed to read, must be left out (a gap), never shown as zero.',
          },
        ]
      : [],
  );
}

function checkMonthsKept(previous: SiteData, next: SiteData): Problem[] {
  const problems: Problem[] = [];
  const nextMonths = new Set(next.months);
  for (const month of previous.months) {
    if (!nextMonths.has(month)) {
      problems.push({
        check: 'missing-month',
        month,
        message:
          `${month} was published before and is missing now; check that its source ` +
          '(archive or API) was reachable and that the month cache was restored.',
      });
    }
  }
  const before = previous.months.at(-1);
  const after = next.months.at(-1);
  if (before !== undefined && after !== undefined && after < before) {
    problems.push({
      check: 'newest-month',
      message: `the newest month went backwards from ${before} to ${after}; the site never goes back in time.`,
    });
  }
  // A month after the published ones without data, while a later one has some: police.uk
  // publishes months in order, so the fetch step left it out as a gap (its archive lacks the
  // territorial force's street file). Published so, it would stay out: a later refresh takes
  // the month from the same archives. Months before the newest published one are not new:
  // a backfill's gaps are published as gaps.
  if (before !== undefined && after !== undefined && after > before) {
    for (const month of monthRange(addMonths(before, 1), after)) {
      if (nextMonths.has(month)) continue;
      problems.push({
        check: 'missing-month',
        month,
        message:
          `${month} has no data, though the new data goes on to ${after}: police.uk ` +
          'publishes months in order, so the run left it out (a gap: its archive lacks the ' +
          "territorial force's street file, or holds two copies that differ, as the " +
          "pipeline's notes say; or the months asked for skip it). Published so, the site " +
          'would skip a month police.uk has out, and later refreshes take it from the same ' +
          'archives. Check the month on police.uk and refresh over it, or approve it to ' +
          'publish the later months without it.',
      });
    }
  }
  return problems;
}

function checkQuality(
  where: string,
  quality: Pick<MonthQuality, 'read' | 'kept' | 'dropped' | 'coverage'>,
  required: Required<Expected>['coverage'],
): Problem[] {
  const problems: Problem[] = [];
  for (const key of required) {
    const covered = quality.coverage[key];
    if (covered < quality.kept) {
      problems.push({
        check: 'coverage',
        message:
          `${where}: ${COVERAGE_LABELS[key]} coverage is ${covered} of ${quality.kept} kept rows ` +
          `(${formatPercent(quality.kept === 0 ? 1 : covered / quality.kept)}); every kept row ` +
          `needs a ${COVERAGE_LABELS[key]}: ${COVERAGE_HINTS[key]}`,
      });
    }
  }
  const malformed = MALFORMED_REASONS.map((r) => [r, quality.dropped[r] ?? 0] as const).filter(
    ([, n]) => n > 0,
  );
  const total = malformed.reduce((sum, [, n]) => sum + n, 0);
  if (quality.read > 0 && total / quality.read > MALFORMED_THRESHOLD) {
    problems.push({
      check: 'malformed-rows',
      message:
        `${where}: ${total} of ${quality.read} rows read were dropped as malformed ` +
        `(${formatPercent(total / quality.read)}, threshold ${formatPercent(MALFORMED_THRESHOLD)}: ` +
        `${malformed.map(([r, n]) => `${r} ${n}`).join(', ')}); ` +
        'police.uk may have changed its file format: inspect a few dropped rows.',
    });
  }
  return problems;
}

/** What a kind of file's rows counted for the repaired-rows check are, and where to look. */
interface RepairedRows {
  /** The files, as a finding names them: "street files". */
  files: string;
  /** The rows a month's share is of: "rows read". */
  rows: string;
  /** Where the run summary gives the month's examples. */
  examples: string;
}

/**
 * Street rows are counted repaired only when kept (the rows of another district are dropped
 * before their text is looked at), so their share is of the rows kept: of the rows read, a
 * whole force's file, with three times a district's rows, would water the threshold down.
 */
const STREET_ROWS: RepairedRows = {
  files: 'street files',
  rows: 'rows kept',
  examples: 'months[].repairedExamples and repairedExamples',
};

const REPAIRED_ROWS: Record<RepairedFileKind, RepairedRows> = {
  outcomes: {
    files: 'outcomes file',
    rows: 'outcomes rows indexed',
    examples: 'outcomes.repairedByMonth',
  },
  'stop-and-search': {
    files: 'stop-and-search file',
    rows: 'stop-and-search rows kept',
    examples: 'stopSearch.repairedByMonth',
  },
};

/** Examples quoted in a finding: the first of each reason beyond the threshold, this long at most. */
const EXAMPLE_CHARS = 200;

/**
 * A month's rows of a kind of file (`what`) whose text was repaired at intake beyond
 * REPAIRED_THRESHOLD of its `rows` (and more than REPAIRED_MIN) under any one reason. Not a
 * finding an approval lets through, as malformed rows are not: every month of the run summary
 * is checked on every run.
 */
function checkRepairs(
  month: string,
  what: RepairedRows,
  rows: number,
  repaired: Readonly<Record<string, number>> | undefined,
  examples: RepairExamples | undefined,
): Problem[] {
  if (repaired === undefined || rows === 0) return [];
  const beyond = Object.entries(repaired).filter(
    ([, n]) => n > REPAIRED_MIN && n / rows > REPAIRED_THRESHOLD,
  );
  if (beyond.length === 0) return [];
  const counts = beyond
    .map(([reason, n]) => `${n} of ${rows} ${what.rows} (${formatPercent(n / rows)}) had ${reason}`)
    .join(', ');
  const shown = beyond.flatMap(([reason]) => {
    const example = examples?.[reason]?.[0];
    return example === undefined
      ? []
      : [`${reason} at ${quoteOutside(`${example.where}: ${example.detail}`, EXAMPLE_CHARS)}`];
  });
  return [
    {
      check: 'repaired-rows',
      message:
        `${month} ${what.files}: ${counts} repaired at intake (threshold ` +
        `${formatPercent(REPAIRED_THRESHOLD)} each, and more than ${REPAIRED_MIN} rows)` +
        `${shown.length > 0 ? `, e.g. ${shown.join('; ')}` : ''}: police.uk's files are UTF-8 ` +
        `text with practically none, so the month's ${what.files} may be in another encoding ` +
        `or damaged. Inspect the run summary's ${what.examples}, and download the month again ` +
        "(or report police.uk's own file to police.uk). An approval does not let this through.",
    },
  ];
}

/**
 * A month whose rows repeat Crime IDs read before in it beyond REPEATED_THRESHOLD of its rows
 * with a Crime ID, or with a file whose own rows repeat beyond it (more than
 * REPEATED_FILE_MIN of them). Not a finding an approval lets through, as malformed rows and
 * coverage are not: the run summary's every month is checked on every run (a month from the
 * cache too), so an approval, spent once, would not hold for the next run, and a month read
 * twice is not a revision anyone can vouch for.
 */
function checkRepeats({ month, crimeIdsByFile }: MonthQuality): Problem[] {
  const rows = crimeIdsByFile.reduce((sum, f) => sum + f.rows, 0);
  const repeated = crimeIdsByFile.reduce((sum, f) => sum + f.repeated, 0);
  if (rows === 0) return [];
  const fileBeyond = (f: MonthQuality['crimeIdsByFile'][number]) =>
    f.repeated > REPEATED_FILE_MIN && f.repeated / f.rows > REPEATED_THRESHOLD;
  const monthBeyond = repeated / rows > REPEATED_THRESHOLD;
  if (!monthBeyond && !crimeIdsByFile.some(fileBeyond)) return [];
  const named = crimeIdsByFile.filter((f) => (monthBeyond ? f.repeated > 0 : fileBeyond(f)));
  const files = named
    .map((f) => `${f.file} (${f.repeated} of its ${f.rows}, ${formatPercent(f.repeated / f.rows)})`)
    .join(', ');
  const share = `${formatPercent(repeated / rows)}, threshold ${formatPercent(REPEATED_THRESHOLD)}`;
  const what = monthBeyond
    ? `${repeated} of ${rows} rows with a Crime ID repeat a Crime ID read before in the month ` +
      `(${share}), in ${files}`
    : `${files} repeat${named.length === 1 ? 's' : ''} Crime IDs read before in the month ` +
      `beyond ${formatPercent(REPEATED_THRESHOLD)} of ${named.length === 1 ? 'its' : 'their'} ` +
      `rows with a Crime ID (and more than ${REPEATED_FILE_MIN}), though the month's ` +
      `${repeated} of ${rows} are within it (${share})`;
  return [
    {
      check: 'repeated-rows',
      message:
        `${month}: ${what}: police.uk repeats almost none, so the file holds its rows twice ` +
        '(a doubled file, or a part of it pasted twice), and its anti-social behaviour rows, ' +
        'which have no Crime ID to find them by, would be counted twice. Check the file and ' +
        "download the month again (an archive month's files, an API month's snapshot); if " +
        "police.uk's own file repeats them, report it to police.uk. An approval does not let " +
        'this through.',
    },
  ];
}

const COVERAGE_LABELS: Record<(typeof REQUIRED_COVERAGE)[number], string> = {
  ward: 'ward',
  lsoa: 'LSOA',
  postcodeDistrict: 'postcode district',
};

/** Where each kind of place comes from, to say what to check (the files area.json names). */
const COVERAGE_HINTS: Record<(typeof REQUIRED_COVERAGE)[number], string> = {
  ward: "check the area's ward boundaries (area.json boundaries.wards) and the outline tolerance",
  lsoa: "check police.uk's LSOA codes and the area's LSOA boundaries (area.json boundaries.lsoas)",
  postcodeDistrict:
    'the locator gives every point near a postcode of the list a district (postcodes.io ' +
    "answers, or the nearest district of the list, at the district's edges): check the " +
    "area's postcode list (area.json postcodes; data/reference/postcodes-ls.csv for Leeds)",
};
