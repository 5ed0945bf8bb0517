// Step: the master dataset, every cached month's rows in one CSV (leeds_street_combined.csv).
import { MONTH_CHUNK_BYTES, monthCsvRows } from '../downloads.ts';
import { MASTER_HEADER } from '../master-row.ts';
import { formatCount } from '../report.ts';
import type { LocalRun } from '../local-run.ts';
import type { Step } from '../run-context.ts';

export const masterCsvStep: Step = {
  name: 'master-csv',
  description: 'the master dataset of every kept crime (<area>_street_combined.csv)',
  run: runMasterCsv,
};

async function runMasterCsv(ctx: LocalRun): Promise<string> {
  const months = await ctx.months();
  const out = await ctx.staging.createWriteStream(ctx.paths.masterCsv);
  await out.write(MASTER_HEADER);
  let rows = 0;
  const buffer = Buffer.allocUnsafe(MONTH_CHUNK_BYTES);
  for (const month of months) {
    await monthCsvRows(month.csv, buffer, (chunk) => out.writeThrough(chunk));
    rows += month.summary.kept;
  }
  await out.close();
  return `${formatCount(rows)} rows from ${months.length} month(s)`;
}
