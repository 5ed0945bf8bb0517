// The site built from data that skips a whole calendar year: the sample archive with its March
// 2024 file given as March 2023 (the same rows, their month changed), beside February and March
// 2025. 2024 has no month of data: it gets no page of its own, but every page that shows a
// range of months shows its months as gaps, and no page links to a year page that is not built.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { booleanPointInPolygon, buffer } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { HTMLElement, parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline/cli.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import { buildSite } from '../support/astro-build.ts';

const SAMPLE = 'data/sample/archive';

let scratch: string;
let site: string;
let pages: Map<string, HTMLElement>;

/** The sample archive without 2024-03, and its rows as 2023-03's. */
async function archiveSkipping2024(dir: string): Promise<void> {
  await cp(SAMPLE, dir, {
    recursive: true,
    filter: (source) => !source.includes('2024-03'),
  });
  const march2024 = await readFile(
    path.join(SAMPLE, '2024-03', '2024-03-west-yorkshire-street.csv'),
    'utf8',
  );
  await mkdir(path.join(dir, '2023-03'));
  await writeFile(
    path.join(dir, '2023-03', '2023-03-west-yorkshire-street.csv'),
    march2024.replaceAll(',2024-03,', ',2023-03,'),
  );
  await withoutWard(dir, WITHOUT_CRIMES);
}

/** The ward left without a crime in every month: its rows are taken out of the files. */
const WITHOUT_CRIMES = { code: 'E05011414', slug: 'wetherby', name: 'Wetherby' };

/**
 * Every street file under `dir` without the rows that lie in `ward` (by its polygon in the
 * reference wards, with turf), or within 200 m of it: no row can reach it as a near-edge row.
 */
async function withoutWard(dir: string, ward: { code: string }): Promise<void> {
  const wards = JSON.parse(await readFile('data/reference/wards.geojson', 'utf8')) as {
    features: Feature<Polygon | MultiPolygon, { WD25CD: string }>[];
  };
  const polygon = wards.features.find((f) => f.properties.WD25CD === ward.code)!;
  const near = buffer(polygon, 200, { units: 'meters' })!;
  for (const file of await readdir(dir, { recursive: true })) {
    if (!file.endsWith('-street.csv')) continue;
    const [header, ...lines] = (await readFile(path.join(dir, file), 'utf8')).split('\n');
    const kept = lines.filter((line) => {
      const [lon, lat] = line.split(',').slice(4, 6).map(Number);
      return !(
        Number.isFinite(lon) &&
        Number.isFinite(lat) &&
        booleanPointInPolygon([lon!, lat!], near)
      );
    });
    expect(kept.length).toBeLessThan(lines.length);
    await writeFile(path.join(dir, file), [header, ...kept].join('\n'));
  }
}

function page(urlPath: string): HTMLElement {
  const root = pages.get(path.join(urlPath, 'index.html'));
  if (root === undefined) throw new Error(`${urlPath} was not built`);
  return root;
}

/** The month table's years, and how many months of each year read "no data". */
function monthGrid(root: HTMLElement): { years: string[]; gaps: Map<string, number> } {
  const rows = root.querySelectorAll('table.month-grid tbody tr');
  return {
    years: rows.map((tr) => tr.querySelector('th')?.text.trim() ?? ''),
    gaps: new Map(
      rows.map((tr) => [
        tr.querySelector('th')?.text.trim() ?? '',
        tr.querySelectorAll('td.no-data').length,
      ]),
    ),
  };
}

/** The months of the table's download, beside the page (months.csv), and the blank ones. */
async function downloadMonths(urlPath: string): Promise<{ months: string[]; blank: string[] }> {
  const rows = (await readFile(path.join(site, urlPath, 'months.csv'), 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
  return {
    months: rows.map(([month]) => month ?? ''),
    blank: rows.filter(([, count]) => count === '').map(([month]) => month ?? ''),
  };
}

function gridMonths(root: HTMLElement): string[] {
  return root
    .querySelectorAll('table.month-grid td[data-month]')
    .map((td) => td.getAttribute('data-month') ?? '');
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'year-without-data-'));
  const archive = path.join(scratch, 'archive');
  const data = path.join(scratch, 'data');
  await archiveSkipping2024(archive);
  await runPipeline(
    { help: false, list: false, offline: true, archiveDir: archive, out: data },
    { reporter: createMemoryReporter(), threads: 1 },
  );
  site = path.join(scratch, 'site');
  await buildSite({ outDir: site, env: { AREA_DATA_DIR: data } });
  pages = new Map();
  for (const file of await readdir(site, { recursive: true })) {
    if (file.endsWith('.html'))
      pages.set(file, parse(await readFile(path.join(site, file), 'utf8')));
  }
}, 300_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('a site whose data skips 2024 (Mar 2023, then Feb and Mar 2025)', () => {
  it('builds a page for each year with data and none for 2024', () => {
    const yearPages = [...pages.keys()].filter((p) => /^years\/\d{4}\//.test(p)).sort();
    expect(yearPages).toEqual(['years/2023/index.html', 'years/2025/index.html']);
  });

  it("shows 2024 as a row of gaps in every ward's month-by-month table, as its download does", async () => {
    const wardPages = [...pages.keys()].filter((p) => /^wards\/[^/]+\/index\.html$/.test(p));
    expect(wardPages).toHaveLength(33);
    for (const file of wardPages) {
      const urlPath = path.dirname(file);
      const grid = monthGrid(page(urlPath));
      expect(grid.years, urlPath).toEqual(['2023', '2024', '2025']);
      expect(grid.gaps.get('2024'), urlPath).toBe(12);
    }
    const armley = page('wards/armley');
    const download = await downloadMonths('wards/armley');
    // The table holds every month of the download, the months of 2024 among its gaps.
    expect(gridMonths(armley)).toEqual(expect.arrayContaining(download.months));
    expect(download.blank).toEqual(expect.arrayContaining(['2024-01', '2024-12']));
    const note = armley.querySelector('section[aria-labelledby="trend"] .note')?.text ?? '';
    expect(note.replace(/\s+/g, ' ')).toContain('Every month from Mar 2023 to Mar 2025');
  });

  it("shows 2024 as gaps beside 2025 on 2025's page, as its download does", async () => {
    const root = page('years/2025');
    expect(monthGrid(root).years).toEqual(['2024', '2025']);
    expect(monthGrid(root).gaps.get('2024')).toBe(12);
    const download = await downloadMonths('years/2025');
    expect(gridMonths(root)).toEqual(download.months);
    expect(download.blank).toEqual(expect.arrayContaining(['2024-01', '2024-12']));
    // 2023 has the first month with data: nothing before it to show.
    expect(monthGrid(page('years/2023')).years).toEqual(['2023']);
  });

  it('links each year page to the nearest year with data, over 2024', () => {
    const links = (urlPath: string) =>
      page(urlPath)
        .querySelectorAll('nav[aria-label="Other years"] a')
        .map((a) => [a.getAttribute('rel'), a.getAttribute('href'), a.text.trim()]);
    expect(links('years/2023')).toEqual([['next', '/years/2025/', '2025 →']]);
    expect(links('years/2025')).toEqual([['prev', '/years/2023/', '← 2023']]);
  });

  it('lists 2024 on /years/ as a year without data, with no link to a page', () => {
    const rows = page('years').querySelectorAll('#year-table tbody tr');
    expect(rows.map((tr) => tr.getAttribute('data-year'))).toEqual(['2025', '2024', '2023']);
    const row2024 = rows[1];
    expect(row2024?.querySelector('a')).toBeNull();
    expect(row2024?.querySelector('td')?.text.trim()).toBe('None');
    const total = row2024?.querySelector('[data-field="total"]');
    expect(total?.classList.contains('no-data')).toBe(true);
    expect(total?.text).toContain('no data');
    expect(total?.text).not.toMatch(/\d/);
    expect(row2024?.querySelector('[data-field="compared"]')?.text.trim()).toBe(
      'No month of 2024 has data',
    );
  });

  it('has no empty navigation and no link to a year page that was not built', () => {
    for (const [file, root] of pages) {
      for (const nav of root.querySelectorAll('nav')) {
        expect(nav.querySelectorAll('a').length, `${file}: ${nav.toString()}`).toBeGreaterThan(0);
      }
      for (const a of root.querySelectorAll('a[href*="/years/"]')) {
        const href = a.getAttribute('href') ?? '';
        const year = /\/years\/(\d{4})\/$/.exec(href)?.[1];
        if (year !== undefined) {
          expect(pages.has(`years/${year}/index.html`), `${file} links to ${href}`).toBe(true);
        }
      }
    }
  });
});

describe(`a ward without a crime in any month (${WITHOUT_CRIMES.name})`, () => {
  const text = (root: HTMLElement | null | undefined) => root?.text.replace(/\s+/g, ' ').trim();

  it('says in each table that lists crimes that none were recorded, rather than an empty table', () => {
    const root = page(`wards/${WITHOUT_CRIMES.slug}`);
    for (const section of ['outcomes', 'streets']) {
      const part = root.querySelector(`section[aria-labelledby="${section}"]`);
      expect(part?.querySelector('table'), section).toBeNull();
      const said = part?.childNodes.filter(
        (node): node is HTMLElement =>
          node instanceof HTMLElement && node.tagName === 'P' && !node.classList.contains('note'),
      );
      expect(said?.map(text), section).toEqual([
        'No crimes or anti-social behaviour were recorded in these months.',
      ]);
    }
  });

  it('shows its months with data as zeros, and no number it cannot compute', () => {
    const root = page(`wards/${WITHOUT_CRIMES.slug}`);
    const months = root.querySelectorAll('table.month-grid td[data-month]');
    const withData = months.filter((td) => !td.classList.contains('no-data'));
    expect(withData.map((td) => td.getAttribute('data-month'))).toEqual([
      '2023-03',
      '2025-02',
      '2025-03',
    ]);
    for (const td of withData) expect(text(td)).toBe('0');
    expect(text(root)).not.toMatch(/NaN|Infinity|undefined|null/);
  });
});
