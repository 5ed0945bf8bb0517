// The report tables behind the downloads (src/lib/report-tables.ts) over data with months
// without data: each file's months say which months its figures cover, and which they do not.
import { describe, expect, it } from 'vitest';
import { tableJson, yearTables } from '../../../src/lib/report-tables.ts';
import { monthRange } from '../../../src/shared/months.ts';
import { committedSiteData, withMonthCopiedAs } from '../../support/site-data.ts';

// The sample months (Mar 2024, Feb and Mar 2025) with Jan 2024 and Jan 2025 besides: 2025's
// Jan and Mar have the same month a year earlier, its Feb does not (Feb 2024 has no data).
const data = withMonthCopiedAs(
  withMonthCopiedAs(committedSiteData(), '2024-03', '2024-01'),
  '2025-02',
  '2025-01',
);

interface TableFile {
  months: { from: string; to: string; withData: string[]; missing: string[] };
  compared?: { months: string[]; against: string[] } | null;
}

function file(id: string): TableFile {
  const table = yearTables(data, 2025).find((t) => t.spec.id === id);
  if (table === undefined) throw new Error(`No table ${id} for 2025`);
  return JSON.parse(tableJson(table, data.generatedAt)) as TableFile;
}

describe('yearTables: the comparison with the previous year', () => {
  it('names every month of its span as with data or without, and the months it compares', () => {
    expect(data.months).toEqual(['2024-01', '2024-03', '2025-01', '2025-02', '2025-03']);
    const { months, compared } = file('previous-year');
    const listed = [...months.withData, ...months.missing].sort();
    expect(listed).toEqual(monthRange(months.from, months.to));
    for (const m of months.withData) expect(data.months).toContain(m);
    for (const m of months.missing) expect(data.months).not.toContain(m);
    expect(compared).toEqual({
      months: ['2025-01', '2025-03'],
      against: ['2024-01', '2024-03'],
    });
    // As the ward table of the same year says it.
    expect(file('wards').compared).toEqual(compared);
  });
});
