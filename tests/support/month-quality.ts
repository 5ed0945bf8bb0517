// A month's row accounting as the pipeline's run summary gives it (validate.ts MonthQuality),
// for tests of the gate that need one: the tests change from it only what they are about.
import type { MonthQuality } from '../../pipeline/validate.ts';
import { DROP_REASONS, type DropCounts } from '../../src/shared/schema.ts';

/** `month` with `rows` read and kept: none dropped under any reason, every row placed. */
export function wholeMonth(month: string, rows: number): MonthQuality & { dropped: DropCounts } {
  return {
    month,
    read: rows,
    kept: rows,
    dropped: Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])) as DropCounts,
    crimeIdsByFile: [],
    coverage: { lsoa: rows, ward: rows, postcodeDistrict: rows, pollingDistrict: 0 },
  };
}
