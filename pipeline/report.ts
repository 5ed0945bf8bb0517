// What a run tells its user: drop tallies with the first examples of each reason, a progress
// display for long steps (a redrawn line on a terminal, plain lines otherwise), and the run
// summary. Output goes through a Reporter so tests can capture it.
import { compareCodeUnits } from '../src/shared/compare.ts';
import { formatCount } from '../src/shared/format-count.ts';
import { DROP_REASONS, type DropCounts, type DropReason } from '../src/shared/schema.ts';
import { logSafe } from './log-safe.ts';
import { emptyOutsideCounts, OUTSIDE_REASONS, type OutsideCounts } from './outside.ts';
import { TEXT_REPAIRS, type RowRepair, type TextRepair } from './text-repair.ts';

/** Examples kept per drop reason: enough to find the pattern in a file, few enough to read. */
export const EXAMPLES_PER_REASON = 5;

export interface DropExample {
  /** "file:line" (or "file [index]" for API snapshots). */
  where: string;
  detail: string;
}

/** Counts of rows by reason (each row under one), with the first few examples of each. */
export class ReasonTally<R extends string> {
  readonly counts: Record<R, number>;
  readonly examples: Partial<Record<R, DropExample[]>> = {};
  readonly #reasons: readonly R[];

  constructor(reasons: readonly R[]) {
    this.#reasons = reasons;
    this.counts = Object.fromEntries(reasons.map((reason) => [reason, 0])) as Record<R, number>;
  }

  /** The reasons counted, in the order they are reported. */
  get reasons(): readonly R[] {
    return this.#reasons;
  }

  add(reason: R, where: string, detail: string): void {
    this.counts[reason] += 1;
    const list = (this.examples[reason] ??= []);
    if (list.length < EXAMPLES_PER_REASON) list.push({ where, detail });
  }

  /** Add another tally's counts and (up to the limit) its examples. */
  merge(other: {
    counts: Partial<Record<R, number>>;
    examples: Partial<Record<R, DropExample[]>>;
  }): void {
    for (const reason of this.#reasons) {
      this.counts[reason] += other.counts[reason] ?? 0;
      for (const example of other.examples[reason] ?? []) {
        const list = (this.examples[reason] ??= []);
        if (list.length < EXAMPLES_PER_REASON) list.push(example);
      }
    }
  }

  get total(): number {
    return this.#reasons.reduce((sum, reason) => sum + this.counts[reason], 0);
  }
}

/**
 * Rows on which two inputs disagreed and a rule settled it, by the rule: each is also counted
 * as what it became (a drop reason, or kept). 'duplicate-differing': a row dropped as a
 * duplicate whose Crime ID an earlier row of the month has, with other content in some
 * column; the first row read stands (process-month.ts). 'outcome-before-crime': a row kept in
 * its month whose latest outcome in the outcomes files is dated before the row's month; the
 * street file's outcome stands (outcomes.ts applyLatestOutcome). Counted per month, before
 * the check across months, so it includes a row that check later drops as a repeat of an
 * earlier month: it can exceed the run's join.outcomeBeforeCrime, counted after.
 * 'cross-month-differing': a row dropped as a repeat of a crime an earlier month lists, with
 * another place, crime type, context or force (crime-ids.ts crossMonthFields); the earlier
 * month's row stands. A row of a later month can be counted under 'outcome-before-crime' in
 * its month and then under this when the check across months drops it.
 */
export const DISAGREEMENTS = [
  'duplicate-differing',
  'outcome-before-crime',
  'cross-month-differing',
] as const;
export type Disagreement = (typeof DISAGREEMENTS)[number];

/** A tally's counts and examples, as it is sent and saved. */
export type TallyData<R extends string> = Pick<ReasonTally<R>, 'counts' | 'examples'>;

/** Counts of rows not kept, by reason, with the first few examples of each. */
export class DropTally extends ReasonTally<DropReason> {
  /** The rows dropped as outside the district, by where they are (see outside.ts). */
  readonly outside: OutsideCounts = emptyOutsideCounts();
  /** The month's rows on which its inputs disagreed, by the rule that settled it. */
  readonly disagreements = new ReasonTally(DISAGREEMENTS);
  /**
   * The month's kept rows whose text was repaired at intake, under each reason the row had
   * (text-repair.ts); each is also counted as kept.
   */
  readonly repaired = new ReasonTally(TEXT_REPAIRS);

  constructor() {
    super(DROP_REASONS);
  }

  override merge(other: {
    counts: DropCounts;
    examples: Partial<Record<DropReason, DropExample[]>>;
    outside?: OutsideCounts | undefined;
    disagreements?: TallyData<Disagreement> | undefined;
    repaired?: TallyData<TextRepair> | undefined;
  }): void {
    for (const reason of OUTSIDE_REASONS) this.outside[reason] += other.outside?.[reason] ?? 0;
    if (other.disagreements) this.disagreements.merge(other.disagreements);
    if (other.repaired) this.repaired.merge(other.repaired);
    super.merge(other);
  }
}

/** A DropTally as a month worker sends it and the fold checkpoint saves it (merge reads it). */
export type DropTallyData = Pick<DropTally, 'counts' | 'examples' | 'outside'> & {
  disagreements: TallyData<Disagreement>;
  repaired: TallyData<TextRepair>;
};

export function dropTallyData(drops: DropTally): DropTallyData {
  const { counts, examples, outside, disagreements, repaired } = drops;
  return {
    counts,
    examples,
    outside,
    disagreements: { counts: disagreements.counts, examples: disagreements.examples },
    repaired: { counts: repaired.counts, examples: repaired.examples },
  };
}

/** One month's rows of a kind, and those repaired at intake, as the run summary gives them. */
export interface MonthRepairsData {
  month: string;
  /** The month's rows counted (what they are depends on the kind: outcomes indexed, say). */
  rows: number;
  /** Those whose text was repaired at intake, under each reason the row had. */
  repaired: Record<TextRepair, number>;
  repairedExamples: Partial<Record<TextRepair, DropExample[]>>;
}

/**
 * Rows of one kind (an outcomes or a stop-and-search file's) by the month of their file, and
 * those among them whose text was repaired at intake, by reason, with examples: the gate
 * judges each month of each kind, as it does each month's street rows, since a file in another
 * encoding repairs nearly every row of its month, few of the run's.
 */
export class RepairsByMonth {
  readonly #months = new Map<string, { rows: number; repaired: ReasonTally<TextRepair> }>();

  /**
   * One row of `month`'s file, with its repairs (none: as it was read), at `file`:`line` (put
   * together only for a row repaired: nearly every row is counted and no more).
   */
  add(month: string, repairs: readonly RowRepair[], file: string, line: number): void {
    let counted = this.#months.get(month);
    if (counted === undefined) {
      counted = { rows: 0, repaired: new ReasonTally(TEXT_REPAIRS) };
      this.#months.set(month, counted);
    }
    counted.rows += 1;
    for (const { reason, detail } of repairs) {
      counted.repaired.add(reason, `${file}:${line}`, detail);
    }
  }

  /** Each month's counts as plain data, months ascending (RepairsByMonth.of takes them back). */
  saved(): MonthRepairsData[] {
    return [...this.#months]
      .sort(([a], [b]) => compareCodeUnits(a, b))
      .map(([month, { rows, repaired }]) => ({
        month,
        rows,
        repaired: { ...repaired.counts },
        repairedExamples: { ...repaired.examples },
      }));
  }

  /** Counts saved by saved(), to add more rows to; none when absent (saved before they were). */
  static of(saved: readonly MonthRepairsData[] | undefined): RepairsByMonth {
    const byMonth = new RepairsByMonth();
    for (const { month, rows, repaired, repairedExamples } of saved ?? []) {
      const tally = new ReasonTally(TEXT_REPAIRS);
      tally.merge({ counts: repaired, examples: repairedExamples });
      byMonth.#months.set(month, { rows, repaired: tally });
    }
    return byMonth;
  }
}

/** Where the run's messages go. */
export interface Reporter {
  /** A line of output. */
  info(line: string): void;
  /** A warning line. */
  warn(line: string): void;
  /** A progress display for a long task; call done() when it ends. */
  progress(label: string, total: number): Progress;
}

export interface Progress {
  /** Count `n` more units (bytes, rows) done. */
  advance(n: number): void;
  done(summary?: string): void;
}

/** Redraws on a terminal at most this often: faster is flicker, slower looks stuck. */
const REDRAW_INTERVAL_MS = 100;

/**
 * A Reporter writing to `out` (default stderr). On a terminal a progress line is redrawn in
 * place; otherwise (CI logs, files) each progress ends as one plain line, with no control codes.
 */
export function createConsoleReporter(
  out: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
  now: () => number = Date.now,
): Reporter {
  const tty = out.isTTY === true;
  return {
    info: (line) => out.write(`${logSafe(line)}\n`),
    warn: (line) => out.write(`warning: ${logSafe(line)}\n`),
    progress(label, total) {
      let done = 0;
      let lastDraw = 0;
      const draw = () => {
        const percent = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0;
        out.write(`\r\x1b[2K  ${logSafe(label)} ${percent}%`);
      };
      return {
        advance(n) {
          done += n;
          if (!tty) return;
          const t = now();
          if (t - lastDraw >= REDRAW_INTERVAL_MS) {
            lastDraw = t;
            draw();
          }
        },
        done(summary) {
          const line = logSafe(`  ${label}${summary ? `: ${summary}` : ''}`);
          out.write(tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
        },
      };
    },
  };
}

/** A Reporter for --quiet: warnings only, no notes or progress. */
export function createQuietReporter(out: NodeJS.WritableStream = process.stderr): Reporter {
  return {
    info: () => {},
    warn: (line) => out.write(`warning: ${logSafe(line)}\n`),
    progress: () => ({ advance: () => {}, done: () => {} }),
  };
}

/** A Reporter that keeps its lines in memory (tests, and runs inside other tools). */
export function createMemoryReporter(): Reporter & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (line) => lines.push(line),
    warn: (line) => lines.push(`warning: ${line}`),
    progress: (label) => ({
      advance: () => {},
      done: (summary) => lines.push(`  ${label}${summary ? `: ${summary}` : ''}`),
    }),
  };
}

/** A change as a signed whole number: 3 -> "+3", -3 -> "-3", 0 -> "0". */
export function formatSigned(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** "1,234 outside-district, 2 no-coordinates" (reasons with a count only), or "none". */
export function formatDropCounts(counts: DropCounts): string {
  return formatReasonCounts(DROP_REASONS, counts);
}

/** A tally's counts as formatDropCounts words them, in the order of its reasons. */
export function formatTally<R extends string>(tally: ReasonTally<R>): string {
  return formatReasonCounts(tally.reasons, tally.counts);
}

/**
 * A tally's reasons with a count, each with its first example: "9,304 malformed-month, e.g.
 * file:2: Month ... in a file for ...; 3 no-coordinates, e.g. ...".
 */
export function formatTallyExamples<R extends string>(tally: ReasonTally<R>): string {
  return tally.reasons
    .filter((reason) => tally.counts[reason] > 0)
    .map((reason) => {
      const example = tally.examples[reason]?.[0];
      const eg = example === undefined ? '' : `, e.g. ${example.where}: ${example.detail}`;
      return `${formatCount(tally.counts[reason])} ${reason}${eg}`;
    })
    .join('; ');
}

function formatReasonCounts<R extends string>(
  reasons: readonly R[],
  counts: Record<R, number>,
): string {
  const parts = reasons.filter((r) => counts[r] > 0).map((r) => `${formatCount(counts[r])} ${r}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}
