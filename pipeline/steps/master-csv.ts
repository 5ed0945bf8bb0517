// Step: the master dataset, every cached month's rows in one CSV (leeds_street_combined.csv).
// A run whose months start with those of the published file starts from a copy of it
// (master-csv-parts.ts). The file is mostly disk work (about 270 MB at 96 months), so it is
// written while the later steps run; the run's outputs are published only once it is done.
import { MONTH_CHUNK_BYTES, monthCsvRows } from '../downloads.ts';
import {
  partStamp,
  masterCsvPartsHeld,
  masterCsvRecorded,
  recordMasterCsvParts,
} from '../master-csv-parts.ts';
import { MASTER_HEADER } from '../master-row.ts';
import { monthCacheFiles } from '../month-cache.ts';
import { formatCount } from '../report.ts';
import type { LocalRun } from '../local-run.ts';
import type { LocalStep } from '../run-context.ts';

export const masterCsvStep: LocalStep = {
  name: 'master-csv',
  description: 'the master dataset of every kept crime (<area>_street_combined.csv)',
  // The copy of the published file, and its flush to disk (together some 0.4 s of disk work
  // at 96 months), made while the months step runs; taken up below when its months are the
  // first of this run's.
  prepare: (ctx) =>
    ctx.staging.prepareCopy(ctx.paths.masterCsv, ctx.paths.masterCsv, () =>
      masterCsvRecorded(ctx.paths.masterCsvParts, ctx.paths.masterCsv),
    ),
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
  const held = await masterCsvPartsHeld(masterCsvParts, masterCsv, parts);
  ctx.staging.writeInBackground(masterCsv, held > 0 ? { copyOf: masterCsv } : {}, async (out) => {
    try {
      if (held === 0) await out.write(MASTER_HEADER);
      const buffer = Buffer.allocUnsafe(MONTH_CHUNK_BYTES);
      for (const month of months.slice(held)) {
        await monthCsvRows(month.csv, buffer, (chunk) => out.writeThrough(chunk));
      }
      await out.close();
      await recordMasterCsvParts(masterCsvParts, out.tempPath, parts);
    } catch (cause) {
      throw new Error(`the master-csv step could not write ${masterCsv}`, { cause });
    }
  });
  const rows = months.reduce((n, month) => n + month.summary.kept, 0);
  const from = held > 0 ? `, the first ${held} copied from the previous file` : '';
  return `${formatCount(rows)} rows from ${months.length} month(s)${from}, written as the next steps run`;
}
