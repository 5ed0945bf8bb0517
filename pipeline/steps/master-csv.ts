// Step: the master dataset, every cached month's rows in one CSV (leeds_street_combined.csv).
// A run whose months start with those of the published file appends the months after them
// to it when it publishes (master-csv-parts.ts, append-in-place.ts). The file is mostly disk
// work (about 270 MB at 96 months), so it is written while the later steps run; the run's
// outputs are published only once it is done.
import { appendableStamp } from '../append-in-place.ts';
import { MONTH_CHUNK_BYTES, monthCsvRows } from '../downloads.ts';
import { partStamp, masterCsvPartsHeld, recordMasterCsvParts } from '../master-csv-parts.ts';
import { MASTER_HEADER } from '../master-row.ts';
import { monthCacheFiles } from '../month-cache.ts';
import { formatCount } from '../../src/shared/format-count.ts';
import type { LocalRun } from '../local-run.ts';
import type { LocalStep } from '../run-context.ts';
import { WriteError, type StagedStream } from '../write.ts';
import { errorMessage } from '../../src/shared/error-message.ts';

export const masterCsvStep: LocalStep = {
  name: 'master-csv',
  description: 'the master dataset of every kept crime (<area>_street_combined.csv)',
  run: runMasterCsv,
};

async function runMasterCsv(ctx: LocalRun): Promise<string> {
  const months = await ctx.months();
  const { masterCsv, masterCsvParts } = ctx.paths;
  // A month whose rows file is not its month cache file lost rows to the cross-month check,
  // which writes that file again every run.
  const parts = await Promise.all(
    months.map((month) =>
      partStamp(
        month.csv,
        month.csv !== monthCacheFiles(ctx.paths.monthsCacheDir, month.plan.month).csv,
      ),
    ),
  );
  // The published file as the record is checked against and as the rows are appended to: a
  // change to it after this is found when the run publishes.
  const base = await appendableStamp(masterCsv);
  const held = await masterCsvPartsHeld(masterCsvParts, base, parts);
  const write = async (out: StagedStream) => {
    try {
      if (held === 0) await out.write(MASTER_HEADER);
      const buffer = Buffer.allocUnsafe(MONTH_CHUNK_BYTES);
      for (const month of months.slice(held)) {
        await monthCsvRows(month.csv, buffer, (chunk) => out.writeThrough(chunk));
      }
      await out.close();
      await recordMasterCsvParts(masterCsvParts, await out.publishedStamp(), parts);
    } catch (cause) {
      // A write error names the file; a month's rows that cannot be read keep it from being written.
      const reason =
        cause instanceof WriteError
          ? cause.message
          : `could not write ${masterCsv} (${errorMessage(cause)})`;
      throw new Error(`the master-csv step failed: ${reason}`, { cause });
    }
  };
  if (base !== null && held > 0) ctx.staging.appendInBackground(masterCsv, base, write);
  else ctx.staging.writeInBackground(masterCsv, write);
  const rows = months.reduce((n, month) => n + month.summary.kept, 0);
  const to =
    held > 0 ? `, ${months.length - held} appended to the ${held} of the published file` : '';
  return `${formatCount(rows)} rows from ${months.length} month(s)${to}, written as the next steps run`;
}
