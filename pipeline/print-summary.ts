// The closing summary of a pipeline run, as the command line prints it: rows read, kept and
// dropped (with examples), coverage, the months and their sources, and the files written.
import path from 'node:path';
import { postcodeDistrictCounts, qualityTotals } from './aggregate.ts';
import {
  DropTally,
  formatDropCounts,
  formatTally,
  type Disagreement,
  type ReasonTally,
} from './report.ts';
import { formatCount } from '../src/shared/format-count.ts';
import type { RunRecord } from './run-context.ts';
import type { TextRepair } from './text-repair.ts';

/** Examples printed per reason; run-summary.json keeps more (EXAMPLES_PER_REASON). */
const PRINTED_EXAMPLES = 3;

export function printSummary(
  line: (text: string) => void,
  record: RunRecord,
  written: readonly string[],
): void {
  line('');
  line('Summary');
  if (record.months) {
    const totals = qualityTotals(record.months.map((m) => m.summary));
    line(`  rows read:    ${formatCount(totals.read)}`);
    line(`  rows kept:    ${formatCount(totals.kept)}`);
    line(`  rows dropped: ${formatDropCounts(totals.dropped)}`);
    const drops = new DropTally();
    for (const m of record.months) drops.merge(m.drops);
    if (totals.dropped['outside-district'] > 0) {
      const o = drops.outside;
      line(
        `    outside the district: ${formatCount(o['other-district'])} in other districts of the force, ` +
          `${formatCount(o['beyond-force'])} beyond the force, ${formatCount(o.elsewhere)} elsewhere (not known which)`,
      );
    }
    printExamples(line, drops);
    printDisagreements(line, drops.disagreements);
    printRepairs(line, drops.repaired, 'rows repaired', '  ');
    const pct = (n: number) =>
      totals.kept === 0 ? '-' : `${((n / totals.kept) * 100).toFixed(2)}%`;
    const c = totals.coverage;
    const postcode = postcodeDistrictCounts(record.months.map((m) => m.summary));
    line(
      `  coverage of kept rows: ward ${pct(c.ward)}, LSOA ${pct(c.lsoa)}, ` +
        `postcode district ${pct(c.postcodeDistrict)} (exact ${pct(postcode.exact)}, ` +
        `nearest-district estimate ${pct(postcode.approximate)}), ` +
        `polling district ${pct(c.pollingDistrict)}`,
    );
    line('  months:');
    for (const m of record.months) {
      const also =
        m.plan.notUsed.length > 0 ? ` (also in ${m.plan.notUsed.join(', ')}, not used)` : '';
      line(
        `    ${m.plan.month}: ${m.plan.source} ${m.summary.snapshot}${also}, ${formatCount(m.summary.kept)} kept`,
      );
    }
  }
  if (record.outcomes) printOutcomes(line, record.outcomes);
  if (record.stopSearch) {
    const s = record.stopSearch;
    line(
      `  stop and search: read ${formatCount(s.read)}, kept ${formatCount(s.kept)}, ` +
        `dropped ${formatDropCounts(s.dropped.counts)}`,
    );
    printRepairs(line, s.repaired, 'kept with their text repaired', '    ');
  }
  line('  written:');
  for (const file of written) {
    const relative = path.relative(process.cwd(), file);
    line(`    ${relative.startsWith('..') ? file : relative}`);
  }
}

/** What each rule of DISAGREEMENTS did with the rows it settled. */
const SETTLED: Record<Disagreement, string> = {
  'duplicate-differing':
    'rows dropped as duplicates (counted above) whose other columns differ from the first ' +
    'row read with their Crime ID this month; the first row read stands (police.uk gives no ' +
    'way to tell which is right)',
  'outcome-before-crime':
    "kept rows whose latest outcome in the outcomes files is dated before the row's month: " +
    'an outcome cannot come before its crime, so the street file and the outcomes files ' +
    "disagree on when the crime was, and the street file's Last outcome category stands (a " +
    'crime listed again in a month after its first is counted here when its outcome falls ' +
    'between the two; the later row is then dropped as a duplicate across months)',
  'cross-month-differing':
    'rows dropped as duplicates across months (counted above) whose place, crime type, context ' +
    'or force differs from the row of the first month that lists their Crime ID; that row ' +
    'stands (police.uk gives no way to tell which is right)',
};

/** The street rows on which the inputs disagreed, by the rule that settled them, with examples. */
function printDisagreements(
  line: (text: string) => void,
  disagreements: ReasonTally<Disagreement>,
): void {
  if (disagreements.total === 0) return;
  line(`  disagreements settled: ${formatTally(disagreements)}`);
  for (const reason of disagreements.reasons) {
    if (disagreements.counts[reason] > 0) line(`    ${reason}: ${SETTLED[reason]}`);
  }
  printExamples(line, disagreements);
}

/** What each reason of TEXT_REPAIRS did to the rows it counts. */
const REPAIRED: Record<TextRepair, string> = {
  'unreadable-characters':
    'rows with text that could not be read (bytes that are not UTF-8, half an emoji ' +
    'from the API), shown as U+FFFD (the replacement character)',
  'control-characters':
    'rows with control characters in their text (a line break, a NUL, an escape), each ' +
    'run of them now one space',
};

/**
 * Rows whose text was repaired at intake, by reason, with what each did and examples: under
 * `heading`, its line indented by `indent` (the street rows' at the top level, the outcomes
 * files' under their line).
 */
function printRepairs(
  line: (text: string) => void,
  repaired: ReasonTally<TextRepair>,
  heading: string,
  indent: string,
): void {
  if (repaired.total === 0) return;
  line(`${indent}${heading}: ${formatTally(repaired)}`);
  for (const reason of repaired.reasons) {
    if (repaired.counts[reason] > 0) line(`${indent}  ${reason}: ${REPAIRED[reason]}`);
  }
  printExamples(line, repaired);
}

/**
 * The outcomes files' rows: those indexed, those not and why, and the conflicts; and what the
 * indexed Crime IDs join among the crimes the run keeps.
 */
function printOutcomes(
  line: (text: string) => void,
  { files, counts, readThisRun }: NonNullable<RunRecord['outcomes']>,
): void {
  if (files === 0) {
    line("  outcomes files: none (each crime's outcome is its Last outcome category)");
    return;
  }
  if (counts === null) {
    line(
      `  outcomes files: ${formatCount(files)}, not read: every month came from the cache, ` +
        'made with them, and the cache has no counts of their rows for these months (the ' +
        'months step counts them: run it to see them)',
    );
    return;
  }
  const { rows, join } = counts;
  const { unusable, unlocated, conflicts } = rows;
  line(
    `  outcomes files: ${formatCount(files)}, read ${formatCount(rows.read)} rows, indexed ` +
      `${formatCount(rows.indexed)} for ${formatCount(join.crimeIds)} Crime IDs, ` +
      `${formatCount(rows.elsewhere)} outside the district (not needed), unusable ` +
      formatTally(unusable),
  );
  printExamples(line, unusable);
  line(
    `    of the ${formatCount(join.crimeIds)} Crime IDs indexed: ${formatCount(join.joined)} ` +
      "joined to a crime the run keeps (their latest outcome, dated from the crime's month " +
      `on, is its Outcome), ${formatCount(join.outcomeBeforeCrime)} joined to a crime listed ` +
      "after their latest outcome's month (outcome-before-crime: the street file's outcome " +
      `stands), ${formatCount(join.matchNoCrime)} match no crime the run keeps (crimes listed ` +
      'before its first month or in a month it does not have, or whose street row it drops ' +
      'or finds outside the district)' +
      (join.notPoliceForm > 0
        ? `, ${formatCount(join.notPoliceForm)} not of police.uk's form (64 hex digits), ` +
          'not matched'
        : ''),
  );
  if (unlocated.total > 0) {
    line(
      `    indexed without coordinates (an outcome joins its crime by Crime ID): ` +
        formatTally(unlocated),
    );
    printExamples(line, unlocated);
  }
  printRepairs(line, rows.repaired, 'indexed with their text repaired', '    ');
  if (conflicts.total > 0) {
    line(
      `    conflicting outcomes: ${formatCount(conflicts.total)} row(s) gave a crime another ` +
        "outcome than an earlier row for the same month; the later row's is used (police.uk " +
        'dates outcomes by month only: its file order is the only order within a month)',
    );
    printExamples(line, conflicts);
  }
  if (!readThisRun) {
    line(
      '    (counted by the run that read them: every month came from the cache, made with ' +
        'these outcomes files)',
    );
  }
}

/** The first examples of each reason of `tally`, as "reason: file:line: detail". */
function printExamples<R extends string>(
  line: (text: string) => void,
  tally: ReasonTally<R>,
): void {
  for (const reason of tally.reasons) {
    for (const e of (tally.examples[reason] ?? []).slice(0, PRINTED_EXAMPLES)) {
      line(`    ${reason}: ${e.where}: ${e.detail}`);
    }
  }
}
