// The closing summary of a pipeline run, as the command line prints it: rows read, kept and
// dropped (with examples), coverage, the months and their sources, and the files written.
import path from 'node:path';
import { DROP_REASONS } from '../src/shared/schema.ts';
import { postcodeDistrictCounts, qualityTotals } from './aggregate.ts';
import { DropTally, formatCount, formatDropCounts } from './report.ts';
import type { RunRecord } from './run-context.ts';

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
    const outside = new DropTally();
    for (const m of record.months) outside.merge(m.drops);
    if (totals.dropped['outside-district'] > 0) {
      const o = outside.outside;
      line(
        `    outside the district: ${formatCount(o['other-district'])} in other districts of the force, ` +
          `${formatCount(o['beyond-force'])} beyond the force, ${formatCount(o.elsewhere)} elsewhere (not known which)`,
      );
    }
    for (const reason of DROP_REASONS) {
      const examples = record.months.flatMap((m) => m.drops.examples[reason] ?? []).slice(0, 3);
      for (const e of examples) line(`    ${reason}: ${e.where}: ${e.detail}`);
    }
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
  if (record.stopSearch) {
    const s = record.stopSearch;
    line(
      `  stop and search: read ${formatCount(s.read)}, kept ${formatCount(s.kept)}, ` +
        `dropped ${formatDropCounts(s.dropped.counts)}`,
    );
  }
  line('  written:');
  for (const file of written) {
    const relative = path.relative(process.cwd(), file);
    line(`    ${relative.startsWith('..') ? file : relative}`);
  }
}
