// The gate's report in words, as `npm run validate-data` and the refresh print it.
import { monthRange, sourceLabel } from '../src/shared/months.ts';
import { monthList } from '../src/shared/months.ts';
import { APPROVALS_PATH } from './approvals.ts';
import { formatPercent } from './format-percent.ts';
import type { ValidationReport } from './validate.ts';
import { otherArea } from '../src/shared/area-paths.ts';

/**
 * Where a person approves a month the gate refused: the approvals file the gate read (another
 * district's is beside its area.json, not Leeds's data/approvals.json) and the district the
 * data workflow is run for by hand (its area input, unless the default).
 */
export interface ApprovalRoute {
  approvals: string;
  area?: string | undefined;
}

/** The report as printed by `npm run validate-data` and the refresh. */
export function formatReport(
  report: ValidationReport,
  route: ApprovalRoute = { approvals: APPROVALS_PATH },
): string {
  const lines: string[] = [];
  if (report.data) {
    const { months, quality } = report.data;
    const first = months[0];
    const last = months.at(-1);
    // The months between the first and the last without data, named: the span is not all data.
    const have = new Set(months);
    const gaps =
      first === undefined || last === undefined
        ? []
        : monthRange(first, last).filter((m) => !have.has(m));
    lines.push(
      `Site data: ${months.length} months with data (${first} to ${last})` +
        (gaps.length > 0 ? `; no data for ${monthList(gaps)}` : '') +
        `; ${quality.kept} crimes kept of ${quality.read} rows read.`,
    );
  }
  if (!report.compared) lines.push('No published site data to compare with: first build.');
  if (report.added.length > 0) lines.push(`Months added: ${report.added.join(', ')}.`);
  for (const change of report.revised) {
    const why = change.newSnapshot
      ? `new source ${sourceLabel(change.after)} (was ${sourceLabel(change.before)})`
      : `same source ${sourceLabel(change.after)}`;
    lines.push(
      `Month revised: ${change.month} ${change.before.rows} -> ${change.after.rows} rows ` +
        `(${formatPercent(change.fraction, true)}), ${why}.`,
    );
  }
  for (const r of report.routine) {
    lines.push(
      `Routine revision (within tolerance): ${r.month} ${r.before} -> ${r.after} crimes: ` +
        `${r.details.join(', ')}.`,
    );
  }
  for (const note of report.notes) lines.push(`Note: ${note}.`);
  for (const a of report.approved) {
    lines.push(
      `Approved exception for ${a.month}${a.approvedBy ? ` by ${a.approvedBy}` : ''}: ${a.reason}`,
    );
    for (const finding of a.findings) lines.push(`  ${finding}`);
  }
  if (report.ok) {
    lines.push('Validation passed.');
  } else {
    lines.push(
      `Validation FAILED: ${report.problems.length} problem(s); nothing may be published.`,
    );
    for (const problem of report.problems) lines.push(`  [${problem.check}] ${problem.message}`);
    if (report.problems.some((p) => p.month !== undefined)) {
      const other = otherArea(route.area);
      lines.push(
        'If a change is right (police.uk really revised the month), approve it: add ' +
          `{"month": "YYYY-MM", "reason": "..."} to ${route.approvals}, or run the data ` +
          'workflow by hand with approve "YYYY-MM: reason"' +
          (other === undefined ? '.' : ` and area "${other}".`),
      );
    }
  }
  return lines.join('\n');
}
