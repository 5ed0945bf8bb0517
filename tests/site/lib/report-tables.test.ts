// The report tables behind the downloads (src/lib/report-tables.ts) over data with months
// without data: each file's months say which months its figures cover, and which they do not.
import { describe, expect, it } from 'vitest';
import {
  tableJson,
  wardTables,
  yearTables,
  type ReportTable,
} from '../../../src/lib/report-tables.ts';
import { monthRange } from '../../../src/shared/months.ts';
import { MIN_COUNT_FOR_PERCENT } from '../../../src/shared/rates.ts';
import { committedSiteData, scaleCrimes, withMonthCopiedAs } from '../../support/site-data.ts';

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

describe('report tables: an empty change', () => {
  // A fiftieth of the sample's crimes: most wards and types have fewer than 20 a month, the
  // district's total more.
  const few = scaleCrimes(committedSiteData(), 0.02);
  const tables: ReportTable[] = [
    ...few.wards.flatMap((_, w) => wardTables(few, w)),
    ...yearTables(few, 2025),
  ];

  it('says it is empty when the earlier count is too small for a percentage, in every table', () => {
    const earlierColumn = { 'year-earlier': 3, 'previous-year': 2, wards: 8 } as const;
    const seen = new Map<string, number>();
    for (const table of tables) {
      const fields = table.spec.fields.map((f) => f.name);
      const at = fields.indexOf('change');
      if (at < 0) continue;
      const description = table.spec.fields[at]?.description ?? '';
      for (const row of table.rows) {
        if (row[at] !== null) continue;
        // Compared (an earlier count, or months compared), yet no percentage: too few.
        const earlier = row[earlierColumn[table.spec.id as keyof typeof earlierColumn]];
        if (earlier === null || earlier === 0) continue;
        seen.set(table.spec.id, (seen.get(table.spec.id) ?? 0) + 1);
        expect(description, `${table.spec.id}: ${table.subject}`).toContain(
          `below ${MIN_COUNT_FOR_PERCENT}`,
        );
      }
    }
    // Each kind of table with a change has such rows here.
    expect([...seen.keys()].sort()).toEqual(['previous-year', 'wards', 'year-earlier']);
  });
});
