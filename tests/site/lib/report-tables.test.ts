// The report tables behind the downloads (src/lib/report-tables.ts) over data with months
// without data: each file's months say which months its figures cover, and which they do not.
import { describe, expect, it } from 'vitest';
import {
  tableCsv,
  tableJson,
  wardTables,
  yearTables,
  type Cell,
  type ReportTable,
} from '../../../src/lib/report-tables.ts';
import { monthRange } from '../../../src/shared/months.ts';
import { MIN_COUNT_FOR_PERCENT } from '../../../src/shared/rates.ts';
import type { SiteData } from '../../../src/shared/schema.ts';
import { exactTwoSidedPValue } from '../../support/exact-binomial.ts';
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
  return JSON.parse(tableJson(table)) as TableFile;
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

describe('report tables: each change judged against chance, as the page judges it', () => {
  /** A ward's crimes and anti-social behaviour over `months`, summed from the raw counts. */
  function wardSum(data: SiteData, code: string, months: readonly string[]): number {
    const w = data.wards.findIndex((ward) => ward.code === code);
    return months.reduce(
      (sum, m) => sum + (data.counts[w]?.[data.months.indexOf(m)] ?? []).reduce((a, b) => a + b, 0),
      0,
    );
  }
  /** The counts a row's change compares, or null when the row compares nothing. */
  function compared(data: SiteData, table: ReportTable, row: Cell[]): [number, number] | null {
    const at = (name: string) => row[table.spec.fields.findIndex((f) => f.name === name)];
    if (table.spec.id === 'year-earlier') {
      const earlier = at('earlier_crimes');
      return earlier === null ? null : [Number(at('crimes')), Number(earlier)];
    }
    if (table.spec.id === 'previous-year') {
      return [Number(at('crimes')), Number(at('previous_crimes'))];
    }
    if (at('months_compared') === 0 || !table.compared) return null;
    const code = String(at('ward_code'));
    return [
      wardSum(data, code, table.compared.months),
      wardSum(data, code, table.compared.against),
    ];
  }
  /** The verdict from first principles: the exact two-sided p-value below 0.05, else too few. */
  function expectedVerdict(now: number, earlier: number): string {
    if (exactTwoSidedPValue(now, earlier) < 0.05) return now > earlier ? 'higher' : 'lower';
    return earlier < 20 ? 'too-few' : 'within-normal';
  }

  it('puts change_verdict right after change in every table with a change', () => {
    const withChange = [
      ...wardTables(committedSiteData(), 0),
      ...yearTables(committedSiteData(), 2025),
    ]
      .map((t) => t.spec)
      .filter((spec) => spec.fields.some((f) => f.name === 'change'));
    expect(withChange.map((spec) => spec.id)).toEqual(['year-earlier', 'previous-year', 'wards']);
    for (const spec of withChange) {
      expect(spec.fields.map((f) => f.name).slice(-2), spec.id).toEqual([
        'change',
        'change_verdict',
      ]);
    }
  });

  it('gives every compared change its verdict, and none (an empty cell) where nothing is compared', () => {
    const seen = new Map<string, number>();
    // The sample as it is (counts of hundreds), and a fiftieth of it (counts below 20).
    for (const data of [committedSiteData(), scaleCrimes(committedSiteData(), 0.02)]) {
      const tables = [
        ...data.wards.flatMap((_, w) => wardTables(data, w)),
        ...yearTables(data, 2024),
        ...yearTables(data, 2025),
      ].filter((t) => t.spec.fields.some((f) => f.name === 'change_verdict'));
      for (const table of tables) {
        const at = table.spec.fields.findIndex((f) => f.name === 'change_verdict');
        const csv = tableCsv(table).trim().split('\n').slice(1);
        table.rows.forEach((row, i) => {
          const where = `${table.spec.id}: ${table.subject}, row ${i + 1}`;
          const counts = compared(data, table, row);
          const verdict = row[at];
          const key = counts === null ? 'none' : String(verdict);
          seen.set(key, (seen.get(key) ?? 0) + 1);
          if (counts === null) {
            expect(verdict, where).toBeNull();
            expect(csv[i]?.endsWith(','), `${where}: ${csv[i]}`).toBe(true);
          } else {
            expect(verdict, where).toBe(expectedVerdict(...counts));
            expect(csv[i]?.endsWith(`,${verdict}`), `${where}: ${csv[i]}`).toBe(true);
          }
        });
      }
    }
    // Every kind of judgement, and rows with nothing to judge, are among them.
    expect([...seen.keys()].sort()).toEqual([
      'higher',
      'lower',
      'none',
      'too-few',
      'within-normal',
    ]);
  });
});
