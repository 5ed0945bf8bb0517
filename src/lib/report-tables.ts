// The tables of the ward and year reports as data: the rows behind each downloadable CSV and
// JSON file (src/pages/wards/[slug]/[file].ts, src/pages/years/[year]/[file].ts). Built with
// the same figure functions the pages use, over the same months, so a download shows the
// page's numbers. Columns are described once, in src/shared/open-data.ts.
import { AREA_LICENCE, AREA_WORDS, DISTRICT } from './area.ts';
import { formatCsvRow } from '../shared/csv-format.ts';
import {
  ALL_TYPES_ROW,
  WARD_TABLES,
  yearTableSpecs,
  type DownloadFormat,
  type TableSpec,
} from '../shared/open-data.ts';
import type { SiteData } from '../shared/schema.ts';
import {
  comparedMonths,
  latestTwelveMonths,
  monthGridYears,
  monthTotal,
  outcomeCounts,
  period,
  shares,
  typeCounts,
  wardRows,
  yearOnYear,
  yearPeriod,
  type Period,
} from './figures.ts';
import { addMonths, describeMonths, monthsOfYear } from '../shared/months.ts';
import { compareCounts, type Change, type ChangeVerdict } from '../shared/rates.ts';

/** A cell: a number, text, or null for "no data" (written as an empty CSV field). */
export type Cell = string | number | null;

export interface ReportTable {
  spec: TableSpec;
  /** What the table covers, in words, e.g. "Armley, Apr 2024–Mar 2025". */
  subject: string;
  /** The months whose data the table sums (ascending), and those of its span without data. */
  period: Pick<Period, 'from' | 'to' | 'withData' | 'missing'>;
  /** Rows in the order of spec.fields. */
  rows: Cell[][];
  /**
   * The months a change column compares (those with data in both years) against the same
   * months of the year before; null when nothing is compared. Left out: no change column.
   */
  compared?: { months: string[]; against: string[] } | null;
}

/**
 * A change's cells, as the page shows it (src/shared/rates.ts, compareCounts): the fraction
 * (null when the earlier count is too small for a percentage) and its verdict against chance.
 * Both null when there is nothing to compare with.
 */
function changeCells(change: Change | null): [number | null, ChangeVerdict | null] {
  return change === null ? [null, null] : [change.percent, change.verdict];
}

function byTypeRows(data: SiteData, counts: readonly number[]): Cell[][] {
  const share = shares(counts);
  return data.crimeTypes
    .map((type, i): Cell[] => [type, counts[i] ?? 0, share[i] ?? 0])
    .sort((a, b) => Number(b[1]) - Number(a[1]));
}

/** The tables of every year page, in the area's words (the Data page lists them too). */
export const YEAR_TABLES = yearTableSpecs(AREA_WORDS);

function spec<T extends readonly TableSpec[]>(specs: T, id: T[number]['id']): TableSpec {
  const found = specs.find((s) => s.id === id);
  if (!found) throw new Error(`No table "${id}"`);
  return found;
}

/** The tables of ward `index`'s page. */
export function wardTables(data: SiteData, index: number): ReportTable[] {
  const ward = data.wards[index];
  if (ward === undefined) throw new RangeError(`No ward at index ${index}`);
  const window = latestTwelveMonths(data);
  const months = window.withData;
  const all = period(data, data.months[0] as string, data.months.at(-1) as string);
  const streetWindow = period(data, data.topStreets.window.from, data.topStreets.window.to);
  const outcomes = outcomeCounts(data, index, months);
  const outcomeShare = shares(outcomes);
  const subject = `${ward.name}, ${describeMonths(months)}`;
  return [
    {
      spec: spec(WARD_TABLES, 'crime-types'),
      subject,
      period: window,
      rows: byTypeRows(data, typeCounts(data, index, months)),
    },
    {
      spec: spec(WARD_TABLES, 'months'),
      subject: ward.name,
      period: all,
      rows: all.calendar.map((m) => [m, monthTotal(data, index, m)]),
    },
    {
      spec: spec(WARD_TABLES, 'year-earlier'),
      subject,
      period: window,
      rows: months.map((m) => {
        const earlier = addMonths(m, -12);
        const now = monthTotal(data, index, m) ?? 0;
        const before = monthTotal(data, index, earlier);
        return [
          m,
          now,
          earlier,
          before,
          ...changeCells(before === null ? null : compareCounts(now, before)),
        ];
      }),
    },
    {
      spec: spec(WARD_TABLES, 'outcomes'),
      subject,
      period: window,
      rows: data.outcomeCategories
        .map((name, i): Cell[] => [name, outcomes[i] ?? 0, outcomeShare[i] ?? 0])
        .filter((row) => Number(row[1]) > 0)
        .sort((a, b) => Number(b[1]) - Number(a[1]) || String(a[0]).localeCompare(String(b[0]))),
    },
    {
      spec: spec(WARD_TABLES, 'streets'),
      subject: `${ward.name}, ${describeMonths(streetWindow.withData)}`,
      period: streetWindow,
      rows: (data.topStreets.byWard[index] ?? []).map((s) => [s.location, s.count]),
    },
    {
      spec: spec(WARD_TABLES, 'place-kinds'),
      subject: `${ward.name}, ${describeMonths(streetWindow.withData)}`,
      period: streetWindow,
      rows: (data.topStreets.placeKinds[index] ?? []).map((k) => [k.kind, k.count]),
    },
  ];
}

/** The tables of the page of `year`. */
export function yearTables(data: SiteData, year: number): ReportTable[] {
  const thisYear = yearPeriod(data, year);
  const months = thisYear.withData;
  const comparison = yearOnYear(data, null, months);
  const pairedNow = comparison?.pairs.map(([m]) => m) ?? [];
  const pairedBefore = comparison?.pairs.map(([, e]) => e) ?? [];
  const typeNow = typeCounts(data, null, pairedNow);
  const typeBefore = typeCounts(data, null, pairedBefore);
  const subject = `${DISTRICT}, ${describeMonths(months)}`;
  const tables: ReportTable[] = [
    {
      spec: spec(YEAR_TABLES, 'crime-types'),
      subject,
      period: thisYear,
      rows: byTypeRows(data, typeCounts(data, null, months)),
    },
  ];
  if (comparison) {
    tables.push({
      spec: spec(YEAR_TABLES, 'previous-year'),
      subject: `${DISTRICT}, ${comparedMonths(comparison)}`,
      // The year's months with and without data, and which of them are compared: a month with
      // data whose month a year earlier has none is in neither sum.
      period: thisYear,
      rows: [
        ...data.crimeTypes.map((type, i): Cell[] => {
          const now = typeNow[i] ?? 0;
          const before = typeBefore[i] ?? 0;
          return [type, now, before, ...changeCells(compareCounts(now, before))];
        }),
        // The page's last row: the total, judged as a whole.
        [ALL_TYPES_ROW, comparison.current, comparison.earlier, ...changeCells(comparison.change)],
      ],
      compared: { months: pairedNow, against: pairedBefore },
    });
  }
  // The years the page's month table shows: the year before too, as gaps if it has no data.
  const gridYears = monthGridYears(data, year);
  const gridMonths = gridYears.flatMap(monthsOfYear);
  const grid = period(data, gridMonths[0] as string, gridMonths.at(-1) as string);
  tables.push(
    {
      spec: spec(YEAR_TABLES, 'months'),
      subject: `${DISTRICT}, ${gridYears.join(' and ')}`,
      period: grid,
      rows: grid.calendar.map((m) => [m, monthTotal(data, null, m)]),
    },
    {
      spec: spec(YEAR_TABLES, 'wards'),
      subject,
      period: thisYear,
      rows: wardRows(data, months)
        .sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name))
        .map((row) => [
          row.code,
          row.name,
          row.population,
          data.wards[row.index]?.cityCentreResidents ?? 0,
          row.total,
          months.length,
          row.rate,
          row.rank,
          row.yearOnYear?.pairs.length ?? 0,
          ...changeCells(row.yearOnYear?.change ?? null),
        ]),
      compared: comparison ? { months: pairedNow, against: pairedBefore } : null,
    },
  );
  return tables;
}

function csvCell(cell: Cell): string {
  return cell === null ? '' : String(cell);
}

/** The table as CSV: a header of the field names, then the rows. */
export function tableCsv(table: ReportTable): string {
  return (
    formatCsvRow(table.spec.fields.map((f) => f.name)) +
    table.rows.map((row) => formatCsvRow(row.map(csvCell))).join('')
  );
}

/**
 * The table as JSON: what it is, its months, columns, licence and attribution, then the rows.
 * Nothing in it but the table's own figures and words: no time of the data's newest fetch,
 * which a refresh that fetched a month again unchanged would move, changing every file (and
 * its versioned address) while no figure in it changed. Its months say what it covers.
 */
export function tableJson(table: ReportTable): string {
  const fields = table.spec.fields;
  return `${JSON.stringify(
    {
      title: `${table.spec.title}: ${table.subject}`,
      description: table.spec.description,
      months: {
        from: table.period.from,
        to: table.period.to,
        withData: table.period.withData,
        missing: table.period.missing,
      },
      ...(table.compared === undefined ? {} : { compared: table.compared }),
      fields,
      licence: { name: AREA_LICENCE.title, url: AREA_LICENCE.path },
      attribution: AREA_LICENCE.attribution,
      rows: table.rows.map((row) =>
        Object.fromEntries(fields.map((f, i) => [f.name, row[i] ?? null])),
      ),
    },
    null,
    2,
  )}\n`;
}

/** The response body of `table` in `format`. */
export function tableFile(table: ReportTable, format: DownloadFormat): string {
  return format === 'csv' ? tableCsv(table) : tableJson(table);
}

export const CONTENT_TYPES: Record<DownloadFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};
