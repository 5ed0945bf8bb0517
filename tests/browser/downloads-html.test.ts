// The download links of the built ward and year reports (dist/, built once by global-setup.ts):
// every link resolves to a file in the build, and the file's figures are the ones the page
// shows beside it. The files are read with csv-parse and compared with the page's HTML.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse, type HTMLElement } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { DIST_DIR } from './global-setup.ts';

interface Data {
  months: string[];
  wards: { slug: string }[];
}
const data = JSON.parse(readFileSync(path.resolve('src/data/site-data.json'), 'utf8')) as Data;
const years = [...new Set(data.months.map((m) => Number(m.slice(0, 4))))];

function page(urlPath: string): HTMLElement {
  return parse(readFileSync(path.join(DIST_DIR, urlPath, 'index.html'), 'utf8'));
}
/** "1,234" -> "1234"; "no data" or "—" -> "" (a gap). */
function count(el: HTMLElement | null | undefined): string {
  const text = (el?.text ?? '').trim();
  return /no data|—/.test(text) ? '' : text.replace(/,/g, '');
}
/**
 * "−8.2% within normal variation" -> -0.082 (to the page's precision); "n/a", or words alone
 * ("too few to compare": no percentage shown) -> null.
 */
function percent(text: string): number | null {
  const shown = /^([+−]?)([\d.]+)%/.exec(text.trim());
  if (shown === null) return null;
  return (Number(shown[2]) / 100) * (shown[1] === '−' ? -1 : 1);
}
function expectChange(csvValue: string | undefined, pageText: string, where: string): void {
  const shown = percent(pageText);
  if (shown === null) expect(csvValue, where).toBe('');
  else
    expect(Math.abs(Number(csvValue) - shown), `${where}: ${csvValue} vs ${pageText}`).toBeLessThan(
      0.0006,
    );
}

/**
 * The page's judgement of a change against chance, as its change cell marks it ("higher",
 * "lower", "within-normal", "too-few"); "" where the page shows "n/a" (nothing compared).
 */
function verdict(el: HTMLElement | null | undefined): string {
  const judged = el?.querySelector('[data-change]')?.getAttribute('data-change');
  expect(judged, `a change cell: ${el?.toString() ?? 'none'}`).toBeDefined();
  return judged === 'none' ? '' : (judged ?? '');
}

interface Download {
  table: string;
  href: string;
  file: string;
  section: HTMLElement;
}

/** The page's download links with the section (the table) they sit beside. */
function downloads(root: HTMLElement, format: 'csv' | 'json'): Download[] {
  return root.querySelectorAll(`a[data-download][data-format="${format}"]`).map((a) => {
    const href = a.getAttribute('href') ?? '';
    const section = a.closest('section');
    expect(section, href).not.toBeNull();
    return {
      table: a.getAttribute('data-download') ?? '',
      href,
      // The address is versioned by the file's content (?v=), the file is the path.
      file: path.join(
        DIST_DIR,
        href.replace(/^\/([^/]+\/)?(?=wards|years)/, '').replace(/\?v=[0-9a-f]+$/, ''),
      ),
      section: section as HTMLElement,
    };
  });
}

function readCsv(file: string): Record<string, string>[] {
  return parseCsv(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
}

/** Each table's rows as the page shows them, in the CSV's column names. */
const FROM_PAGE: Record<string, (section: HTMLElement) => Record<string, string>[]> = {
  'crime-types': (s) =>
    s.querySelectorAll('table.bar-table tbody tr').map((tr) => ({
      crime_type: tr.getAttribute('data-key') ?? '',
      crimes: tr.querySelector('td[data-value]')?.getAttribute('data-value') ?? '',
    })),
  months: (s) =>
    s.querySelectorAll('table.month-grid td[data-month]').map((td) => ({
      month: td.getAttribute('data-month') ?? '',
      crimes: td.getAttribute('data-value') ?? '',
    })),
  'year-earlier': (s) =>
    s.querySelectorAll('tbody tr[data-month]').map((tr) => {
      const tds = tr.querySelectorAll('td');
      return {
        month: tr.getAttribute('data-month') ?? '',
        crimes: count(tds[0]),
        earlier_crimes: count(tds[2]),
        change: tds[3]?.text ?? '',
        change_verdict: verdict(tds[3]),
      };
    }),
  outcomes: (s) =>
    s.querySelectorAll('tbody tr').map((tr) => ({
      outcome: tr.querySelector('th')?.text.trim() ?? '',
      crimes: count(tr.querySelector('td')),
    })),
  streets: (s) =>
    s.querySelectorAll('tbody tr').map((tr) => ({
      location: tr.querySelector('th')?.text.trim() ?? '',
      crimes: count(tr.querySelector('td')),
    })),
  'place-kinds': (s) =>
    s.querySelectorAll('tbody tr').map((tr) => ({
      kind: tr.querySelector('th')?.text.trim() ?? '',
      crimes: count(tr.querySelector('td')),
    })),
  'previous-year': (s) =>
    // The types, then the total in the table's foot.
    s.querySelectorAll('#year-comparison tbody tr, #year-comparison tfoot tr').map((tr) => {
      const tds = tr.querySelectorAll('td');
      return {
        crime_type: tr.querySelector('th')?.text.trim() ?? '',
        crimes: count(tds[0]),
        previous_crimes: count(tds[1]),
        change: tds[2]?.text ?? '',
        change_verdict: verdict(tds[2]),
      };
    }),
  wards: (s) =>
    s.querySelectorAll('#year-wards tbody tr').map((tr) => ({
      ward_code: tr.getAttribute('data-ward') ?? '',
      crimes: count(tr.querySelector('[data-field="total"]')),
      rate_per_1000: tr.querySelector('[data-field="rate"]')?.text.trim() ?? '',
      rank: tr.querySelector('[data-field="rank"]')?.text.trim() ?? '',
      change: tr.querySelector('[data-field="change"]')?.text ?? '',
      change_verdict: verdict(tr.querySelector('[data-field="change"]')),
    })),
};

/** Compare a CSV file with the rows the page shows, column by column. */
function expectSameFigures(d: Download): void {
  const shown = FROM_PAGE[d.table]?.(d.section);
  expect(shown, `no reader for table ${d.table}`).toBeDefined();
  const rows = readCsv(d.file);
  if (d.table === 'months') {
    // The page's grid shows whole years. The file holds every month of the grid that data
    // can have (from the first month with data to the latest), and no month the grid lacks.
    const first = data.months[0] as string;
    const latest = data.months.at(-1) as string;
    const inFile = new Set(rows.map((r) => r['month']));
    const grid = (shown ?? []).filter(({ month = '' }) => {
      return inFile.has(month) || (month >= first && month <= latest);
    });
    expect(
      rows.map((r) => [r['month'], r['crimes']]),
      d.href,
    ).toEqual(grid.map((r) => [r.month, r.crimes]));
    return;
  }
  expect(rows.length, d.href).toBe(shown?.length);
  rows.forEach((row, i) => {
    const onPage = shown?.[i] ?? {};
    for (const [column, value] of Object.entries(onPage)) {
      const where = `${d.href} row ${i + 1} ${column}`;
      if (column === 'change') expectChange(row[column], value, where);
      else if (column === 'rate_per_1000')
        expect(Number(row[column]).toFixed(1), where).toBe(value);
      else expect(row[column], where).toBe(value);
    }
  });
}

const reportPages = [
  ...data.wards.map((w) => ({ path: `wards/${w.slug}/`, tables: 6 })),
  ...years.map((y) => ({ path: `years/${y}/`, tables: 0 })),
];

describe('download links on the ward and year reports', () => {
  it('every ward table has a CSV and a JSON link beside it that resolves in the built site', () => {
    for (const { path: urlPath, tables } of reportPages) {
      const root = page(urlPath);
      const csv = downloads(root, 'csv');
      const json = downloads(root, 'json');
      if (tables > 0) expect(csv, urlPath).toHaveLength(tables);
      expect(csv.length, urlPath).toBeGreaterThanOrEqual(3);
      expect(json.map((d) => d.table)).toEqual(csv.map((d) => d.table));
      for (const d of [...csv, ...json]) {
        expect(existsSync(d.file), `${urlPath}: ${d.href} is in the build`).toBe(true);
        expect(d.section.querySelector('table'), `${d.href} sits beside a table`).not.toBeNull();
      }
    }
  });

  it('every link saves its file under a name of its own, naming the ward or year and the table', () => {
    const names = new Map<string, string>();
    for (const { path: urlPath } of reportPages) {
      // "armley" of wards/armley/, "2025" of years/2025/.
      const subject = urlPath.split('/')[1] ?? '';
      const root = page(urlPath);
      for (const a of root.querySelectorAll('a[data-download]')) {
        const href = a.getAttribute('href') ?? '';
        const saved = a.getAttribute('download') ?? '';
        const table = a.getAttribute('data-download') ?? '';
        const format = a.getAttribute('data-format') ?? '';
        expect(saved, href).toMatch(
          new RegExp(`^leeds-.*\\b${subject}\\b.*-${table}\\.${format}$`),
        );
        expect(
          names.get(saved),
          `${href} and ${names.get(saved)} save as ${saved}`,
        ).toBeUndefined();
        names.set(saved, href);
      }
    }
    expect(names.size).toBe(
      2 * reportPages.reduce((n, p) => n + downloads(page(p.path), 'csv').length, 0),
    );
  });

  it('every CSV holds the figures the page shows beside its link', () => {
    let compared = 0;
    for (const { path: urlPath } of reportPages) {
      for (const d of downloads(page(urlPath), 'csv')) {
        expectSameFigures(d);
        compared += 1;
      }
    }
    expect(compared).toBe(
      data.wards.length * 6 +
        years.reduce((n, y) => n + downloads(page(`years/${y}/`), 'csv').length, 0),
    );
  });

  it('every JSON file has the CSV rows, its months, its columns and the licence', () => {
    for (const { path: urlPath } of reportPages) {
      const root = page(urlPath);
      for (const d of downloads(root, 'json')) {
        const json = JSON.parse(readFileSync(d.file, 'utf8')) as {
          months: { withData: string[]; missing: string[] };
          fields: { name: string }[];
          licence: { name: string };
          attribution: string[];
          rows: Record<string, string | number | null>[];
        };
        const csv = readCsv(d.file.replace(/\.json$/, '.csv'));
        const header = readFileSync(d.file.replace(/\.json$/, '.csv'), 'utf8').split('\n')[0];
        expect(json.fields.map((f) => f.name).join(',')).toBe(header);
        expect(
          json.rows.map((r) =>
            json.fields.map((f) => (r[f.name] === null ? '' : String(r[f.name]))),
          ),
        ).toEqual(csv.map((r) => json.fields.map((f) => r[f.name])));
        expect(json.licence.name).toBe('Open Government Licence v3.0');
        expect(json.attribution.join(' ')).toContain('Royal Mail');
        for (const m of json.months.withData) expect(data.months).toContain(m);
        for (const m of json.months.missing) expect(data.months).not.toContain(m);
      }
    }
  });

  it("every change's verdict in the files is the page's, and empty (null) where the page says n/a", () => {
    const seen = new Map<string, number>();
    const pagesJudged = new Set<string>();
    for (const { path: urlPath } of reportPages) {
      const root = page(urlPath);
      for (const d of downloads(root, 'json')) {
        const shown = FROM_PAGE[d.table]?.(d.section) ?? [];
        if (!shown.some((row) => 'change_verdict' in row)) continue;
        const csv = readCsv(d.file.replace(/\.json$/, '.csv'));
        const json = JSON.parse(readFileSync(d.file, 'utf8')) as {
          rows: Record<string, string | number | null>[];
        };
        expect(csv.length, d.href).toBe(shown.length);
        shown.forEach((onPage, i) => {
          const where = `${d.href} row ${i + 1}`;
          const judged = onPage['change_verdict'] ?? '';
          expect(csv[i]?.['change_verdict'], where).toBe(judged);
          expect(json.rows[i]?.['change_verdict'], where).toBe(judged === '' ? null : judged);
          seen.set(judged, (seen.get(judged) ?? 0) + 1);
        });
        pagesJudged.add(urlPath);
      }
    }
    // Every ward page and a year page, with changes judged and changes not compared.
    expect(pagesJudged.size).toBeGreaterThan(data.wards.length);
    expect(seen.get('') ?? 0, 'rows with nothing compared').toBeGreaterThan(0);
    expect(seen.get('within-normal') ?? 0, 'changes within normal variation').toBeGreaterThan(0);
  });

  it("a year's ward file says the months its counts and rates cover and the months its change compares", () => {
    let partial = 0;
    for (const year of years) {
      const file = path.join(DIST_DIR, 'years', String(year), 'wards.json');
      const json = JSON.parse(readFileSync(file, 'utf8')) as {
        months: { withData: string[] };
        compared: { months: string[]; against: string[] } | null;
        rows: Record<string, string | number | null>[];
      };
      const withData = data.months.filter((m) => m.startsWith(`${year}-`));
      // Compared: this year's months whose month a year before has data too.
      const paired = withData.filter((m) =>
        data.months.includes(`${Number(m.slice(0, 4)) - 1}${m.slice(4)}`),
      );
      expect(json.months.withData, `${year}`).toEqual(withData);
      expect(json.compared, `${year}`).toEqual(
        paired.length === 0
          ? null
          : {
              months: paired,
              against: paired.map((m) => `${Number(m.slice(0, 4)) - 1}${m.slice(4)}`),
            },
      );
      for (const row of readCsv(file.replace(/\.json$/, '.csv'))) {
        expect(Number(row['months_with_data']), `${year} ${row['ward_code']}`).toBe(
          withData.length,
        );
        expect(Number(row['months_compared']), `${year} ${row['ward_code']}`).toBe(paired.length);
      }
      if (paired.length > 0 && paired.length < withData.length) partial += 1;
    }
    // The committed data has a year whose change compares only some of its months.
    expect(partial).toBeGreaterThan(0);
  });
});
