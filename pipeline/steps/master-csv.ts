// Step: the master dataset, every cached month's rows in one CSV (leeds_street_combined.csv).
import { readFile } from 'node:fs/promises';
import { InputError } from '../input-error.ts';
import { MASTER_HEADER } from '../process-month.ts';
import { formatCount } from '../report.ts';
import type { RunContext, Step } from '../run-context.ts';

export const masterCsvStep: Step = {
  name: 'master-csv',
  description: 'the master dataset of every kept crime (leeds_street_combined.csv)',
  run: runMasterCsv,
};

async function runMasterCsv(ctx: RunContext): Promise<string> {
  const months = await ctx.months();
  const out = await ctx.staging.createWriteStream(ctx.paths.masterCsv);
  await out.write(MASTER_HEADER);
  let rows = 0;
  for (const month of months) {
    await copyRowsWithoutHeader(month.csv, out);
    rows += month.summary.kept;
  }
  await out.close();
  return `${formatCount(rows)} rows from ${months.length} month(s)`;
}

/**
 * Append a cached month's rows (all but its header line, which must be MASTER_HEADER) to
 * `out`. A month file is a few MiB: read whole, it is copied in one write rather than in
 * dozens of small chunks.
 */
async function copyRowsWithoutHeader(
  file: string,
  out: { write(chunk: Uint8Array): Promise<void> },
): Promise<void> {
  const expected = Buffer.from(MASTER_HEADER);
  const rows = await readFile(file);
  if (rows.length < expected.length) {
    throw new InputError(file, 'is shorter than the master CSV header: delete it and run again');
  }
  if (!rows.subarray(0, expected.length).equals(expected)) {
    throw new InputError(
      file,
      'does not start with the master CSV header: delete it and run again',
    );
  }
  await out.write(rows.subarray(expected.length));
}
