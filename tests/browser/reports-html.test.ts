// The built ward and year reports (dist/, built once by global-setup.ts) against the committed
// site data. Every expected figure is computed here from src/data/site-data.json directly,
// not with the site's own helpers, so a mistake in those helpers shows up as a mismatch.
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse, type HTMLElement } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../pipeline/csv.ts';
import { STREET_COLUMNS } from '../../src/shared/constants.ts';
import { CENTRE_WARD_SHARE } from '../../src/lib/figures.ts';
import { ordinal } from '../../src/lib/format.ts';
import { describeMonths } from '../../src/shared/months.ts';
import { parseState, readState } from '../../src/lib/map-state.ts';
import { exactTwoSidedPValue } from '../support/exact-binomial.ts';
import { DIST_DIR } from './global-setup.ts';

interface Data {
  crimeTypes: string[];
  months: string[];
  wards: {
    code: string;
    name: string;
    slug: string;
    population: number;
    cityCentreResidents: number;
    neighbours: string[];
  }[];
  districtPopulation: number;
  counts: number[][][];
  topStreets: {
    byWard: { location: string; count: number }[][];
    placeKinds: { kind: string; count: number }[][];
  };
}

const data = JSON.parse(readFileSync(path.resolve('src/data/site-data.json'), 'utf8')) as Data;

// --- Independent arithmetic on the raw data --------------------------------------------------

function shift(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const t = y * 12 + (m - 1) + delta;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
}
function monthsBetween(from: string, to: string): number {
  const index = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7));
  return index(to) - index(from);
}
const latest = data.months[data.months.length - 1] as string;
const windowMonths = data.months.filter((m) => m >= shift(latest, -11) && m <= latest);
const years = [...new Set(data.months.map((m) => Number(m.slice(0, 4))))];

function cell(w: number, month: string): number[] {
  const m = data.months.indexOf(month);
  return data.counts[w]?.[m] ?? [];
}
function wardTotal(w: number, months: readonly string[]): number {
  return months.reduce((s, m) => s + cell(w, m).reduce((a, b) => a + b, 0), 0);
}
function wardByType(w: number, months: readonly string[]): number[] {
  return data.crimeTypes.map((_, t) => months.reduce((s, m) => s + (cell(w, m)[t] ?? 0), 0));
}
function leedsTotal(months: readonly string[]): number {
  return data.wards.reduce((s, _, w) => s + wardTotal(w, months), 0);
}
/**
 * The rate over `months` months with data, as the pages must print it: per year at 12 months
 * or more (the average year beyond 12), otherwise over those months, never scaled up.
 */
function rate(count: number, population: number, months: number): string {
  const perThousand = (count / population) * 1000;
  return (months >= 12 ? (perThousand * 12) / months : perThousand).toFixed(1);
}
function windowUnit(months: number): string {
  if (months < 12) return `per 1,000 residents over ${months} month${months === 1 ? '' : 's'}`;
  if (months === 12) return 'per 1,000 residents a year';
  return `per 1,000 residents a year (average of ${months} months)`;
}

/**
 * A change cell as it must read: no percentage below 20 in the earlier count; a plain
 * percentage "within normal variation" when chance could give it (p >= 0.05); a bold one
 * only beyond that.
 */
function expectChange(el: HTMLElement | null | undefined, current: number, earlier: number) {
  const text = el?.text.replace(/\s+/g, ' ').trim() ?? '';
  const bold = el?.querySelector('strong')?.text.trim() ?? null;
  const p = exactTwoSidedPValue(current, earlier);
  const where = `${current} against ${earlier}: "${text}"`;
  if (earlier < 20) {
    expect(text, where).not.toMatch(/%/);
    if (p >= 0.05) expect(text, where).toBe('too few to compare');
  } else {
    const percent = Math.abs(((current - earlier) / earlier) * 100);
    expect(Number(/([\d.]+)%/.exec(text)?.[1]), where).toBeCloseTo(percent, 1);
  }
  if (p < 0.05) {
    expect(text, where).toContain(current > earlier ? 'clearly higher' : 'clearly lower');
    if (earlier >= 20) expect(bold, where).toMatch(/%$/);
  } else {
    expect(bold, where).toBeNull();
    if (earlier >= 20) expect(text, where).toContain('within normal variation');
  }
}

/** The text that states the window of a rate element: its table column header, else its figure. */
function windowTextOf(el: HTMLElement): string {
  const td = el.tagName === 'TD' ? el : el.closest('td');
  if (td !== null) {
    const column = (td.parentNode as HTMLElement).querySelectorAll('td, th').indexOf(td);
    const table = td.closest('table');
    return table?.querySelectorAll('thead th')[column]?.text.replace(/\s+/g, ' ') ?? '';
  }
  return (el.closest('dd') ?? el.closest('p'))?.text.replace(/\s+/g, ' ') ?? '';
}
function rankOf(values: number[], i: number): number {
  return 1 + values.filter((v) => v > (values[i] ?? 0)).length;
}

/**
 * The location names the site data counts as kinds of place (any ward's), as police.uk writes
 * them in the records' Location column.
 */
const KIND_LOCATIONS = new Set(
  data.topStreets.placeKinds.flatMap((kinds) => kinds.map((k) => `On or near ${k.kind}`)),
);
let locationCounts: Map<string, Map<string, number>> | undefined;
/** Independent count, from the published record files: by ward, each location's rows in the window. */
function locationsByWard(): Map<string, Map<string, number>> {
  if (locationCounts !== undefined) return locationCounts;
  const byWard = new Map<string, Map<string, number>>();
  for (const file of readdirSync('public/downloads').filter((f) => f.endsWith('.csv.gz'))) {
    const records = parseCsv(gunzipSync(readFileSync(path.join('public/downloads', file))), {
      columns: true,
    }) as Record<string, string>[];
    for (const r of records) {
      if (!windowMonths.includes(r['Month'] ?? '')) continue;
      const ward = byWard.get(r['Ward Code'] ?? '') ?? new Map<string, number>();
      ward.set(r['Location'] ?? '', (ward.get(r['Location'] ?? '') ?? 0) + 1);
      byWard.set(r['Ward Code'] ?? '', ward);
    }
  }
  locationCounts = byWard;
  return byWard;
}

// --- Reading the built pages ------------------------------------------------------------------

function page(urlPath: string): HTMLElement {
  const file = path.join(DIST_DIR, urlPath, 'index.html');
  expect(existsSync(file), `${urlPath} was built`).toBe(true);
  return parse(readFileSync(file, 'utf8'));
}
/** "1,234" -> 1234 */
function number(el: HTMLElement | null | undefined): number {
  return Number((el?.text ?? '').replace(/,/g, '').trim());
}
/** The rows of the table captioned `captionId`: each row's heading and number. */
function tableRows(root: HTMLElement, captionId: string): [string | undefined, number][] {
  return (
    root.querySelector(`#${captionId}`)?.closest('table')?.querySelectorAll('tbody tr') ?? []
  ).map((tr) => [tr.querySelector('th')?.text.trim(), number(tr.querySelector('td'))]);
}
function field(root: HTMLElement, name: string): string {
  return root.querySelector(`[data-field="${name}"]`)?.text.trim() ?? '';
}

/**
 * Checks the year x month grid: a month with data shows its total; any other reads "—" and,
 * for screen readers, what it is: a gap among the data's months, or a month before its first
 * or after its latest.
 */
function expectMonthGrid(root: HTMLElement, totalOf: (month: string) => number): void {
  const cells = root.querySelectorAll('table.month-grid td[data-month]');
  expect(cells.length).toBeGreaterThan(0);
  const first = data.months[0]!;
  const latest = data.months.at(-1)!;
  for (const td of cells) {
    const month = td.getAttribute('data-month') ?? '';
    if (data.months.includes(month)) {
      expect(number(td), month).toBe(totalOf(month));
      continue;
    }
    expect(td.classList.contains('no-data'), `${month} is marked as without data`).toBe(true);
    expect(td.text).not.toMatch(/\d/);
    const said = td.querySelector('.visually-hidden')?.text;
    if (month < first) expect(said, month).toBe('before the first month here');
    else if (month > latest) expect(said, month).toBe('after the latest month here');
    else expect(said, month).toBe('no data');
    expect(td.classList.contains('outside'), month).toBe(month < first || month > latest);
  }
}

describe('wards whose residents live in the city centre', () => {
  const centreShare = (w: Data['wards'][number]) => w.cityCentreResidents / w.population;
  const inCentre = data.wards.filter((w) => centreShare(w) >= CENTRE_WARD_SHARE);
  const percent = (w: Data['wards'][number]) =>
    `${(centreShare(w) * 100).toLocaleString('en-GB', { maximumFractionDigits: 1 })}% of ${w.name}'s`;

  it('the committed data has such wards, and wards with a few centre residents that are not', () => {
    expect(inCentre.map((w) => w.name).sort()).toEqual([
      'Hunslet & Riverside',
      'Little London & Woodhouse',
    ]);
    expect(data.wards.filter((w) => w.cityCentreResidents > 0).length).toBeGreaterThan(2);
  });

  it('say beside the rate on their own page that it is inflated, with the map link leaving the centre out; others do not', () => {
    for (const ward of data.wards) {
      const root = page(`wards/${ward.slug}/`);
      const note = root.querySelector('[data-field="centre-caveat"]');
      if (!inCentre.includes(ward)) {
        expect(note, ward.name).toBeNull();
        continue;
      }
      const text = note?.text.replace(/\s+/g, ' ') ?? '';
      expect(text).toContain(
        `${percent(ward)} residents live in the city centre (postcode districts LS1 and LS2)`,
      );
      expect(text).toContain('its rate per resident is inflated');
      const href = note?.querySelector('a')?.getAttribute('href') ?? '';
      expect(new URLSearchParams(href.split('?')[1]).get('cc')).toBe('1');
      expect(new URLSearchParams(href.split('?')[1]).get('ward')).toBe(ward.slug);
    }
  });

  it('are marked in the ward tables of /wards/ and every year, with the note below naming them and linking the map leaving the centre out', () => {
    const tables = [
      { urlPath: 'wards/', months: windowMonths },
      ...years.map((y) => ({
        urlPath: `years/${y}/`,
        months: data.months.filter((m) => m.startsWith(`${y}-`)),
      })),
    ];
    for (const { urlPath, months } of tables) {
      const root = page(urlPath);
      const table = root.querySelector('#ward-table, #year-wards');
      const marked = (table?.querySelectorAll('tbody tr') ?? [])
        .filter((tr) => tr.querySelector('[data-field="rate"]')?.parentNode.text.includes('*'))
        .map((tr) => tr.getAttribute('data-ward'));
      expect(marked.sort(), urlPath).toEqual(inCentre.map((w) => w.code).sort());
      const note = root.querySelector('[data-field="centre-caveat"]')?.text.replace(/\s+/g, ' ');
      for (const ward of inCentre) expect(note, urlPath).toContain(percent(ward));
      expect(note, urlPath).toContain('their rates per resident are inflated');
      // The map of every ward's rate without the centre, over the table's months with data.
      const link = root.querySelector('[data-field="centre-caveat"] a');
      expect(link?.text.trim(), urlPath).toBe('See them on the map without the city centre');
      const href = link?.getAttribute('href') ?? '';
      expect(href.split('?')[0], urlPath).toBe(
        root.querySelector('a.site-name')?.getAttribute('href'),
      );
      expect(new URLSearchParams(href.split('?')[1]).get('cc'), urlPath).toBe('1');
      // As the map reads it: every calendar month from the first with data to the latest.
      const axis = Array.from({ length: monthsBetween(data.months[0]!, latest) + 1 }, (_, i) =>
        shift(data.months[0]!, i),
      );
      const state = parseState(href.split('?')[1] ?? '', { months: axis, wards: data.wards });
      expect(state.excludeCityCentre, urlPath).toBe(true);
      expect([state.view, state.measure, state.ward], urlPath).toEqual(['wards', 'rate', null]);
      expect(
        data.months.filter((m) => m >= state.from && m <= state.to),
        `${urlPath}: ${state.from} to ${state.to}`,
      ).toEqual(months);
    }
  });

  it("give their centre residents in every year's ward download", () => {
    for (const year of years) {
      const rows = readFileSync(path.join(DIST_DIR, 'years', String(year), 'wards.csv'), 'utf8')
        .trim()
        .split('\n');
      const header = (rows[0] ?? '').split(',');
      const code = header.indexOf('ward_code');
      const centre = header.indexOf('centre_residents');
      expect(centre).toBeGreaterThan(0);
      for (const row of rows.slice(1)) {
        const cells = row.split(',');
        const ward = data.wards.find((w) => w.code === cells[code]);
        expect(Number(cells[centre]), `${year} ${cells[code]}`).toBe(ward?.cityCentreResidents);
      }
    }
  });
});

describe('ward reports', () => {
  const totals = data.wards.map((_, w) => wardTotal(w, windowMonths));

  it('every ward has a page whose totals, rate, rank and crimes by type equal the site data', () => {
    expect(data.wards).toHaveLength(33);
    let ties = 0;
    data.wards.forEach((ward, w) => {
      const root = page(`wards/${ward.slug}/`);
      expect(root.querySelector('h1')?.text).toContain(ward.name);
      expect(number(root.querySelector('[data-field="total"]'))).toBe(totals[w]);
      const n = windowMonths.length;
      expect(field(root, 'rate')).toBe(rate(totals[w] ?? 0, ward.population, n));
      expect(field(root, 'leeds-rate')).toBe(
        rate(leedsTotal(windowMonths), data.districtPopulation, n),
      );
      // The residents beside the district's rate are the ward's, and say so.
      const note = root.querySelector('[data-field="rate"]')?.parentNode.querySelector('small');
      const residents = `${ward.name}: ${ward.population.toLocaleString('en-GB')} residents`;
      expect(note?.text.replace(/\s+/g, ' ').trim().startsWith(residents), ward.name).toBe(true);
      const asb = wardByType(w, windowMonths)[data.crimeTypes.indexOf('Anti-social behaviour')];
      expect(number(root.querySelector('[data-field="asb"]'))).toBe(asb);
      expect(number(root.querySelector('[data-field="crimes"]'))).toBe(
        (totals[w] ?? 0) - (asb ?? 0),
      );
      // Ranks say when another ward shares them, by count and by rate as shown.
      const countTied = totals.filter((t) => t === totals[w]).length > 1;
      expect(field(root, 'rank')).toBe(
        `${ordinal(rankOf(totals, w))}${countTied ? ' (tied)' : ''}`,
      );
      const shownRates = data.wards.map((x, i) => rate(totals[i] ?? 0, x.population, n));
      const shown = shownRates[w] as string;
      const rateTied = shownRates.filter((r) => r === shown).length > 1;
      const rateRank = 1 + shownRates.filter((r) => Number(r) > Number(shown)).length;
      const rankNote = root.querySelector('[data-field="rank"]')?.parentNode.querySelector('small');
      expect(rankNote?.text.replace(/\s+/g, ' ')).toContain(
        `; ${ordinal(rateRank)}${rateTied ? ' (tied)' : ''} by rate`,
      );
      if (rateTied || countTied) ties += 1;

      const byType = wardByType(w, windowMonths);
      data.crimeTypes.forEach((type, t) => {
        const row = root.querySelector(`table.bar-table tr[data-key="${type}"]`);
        expect(number(row?.querySelector('td[data-value]')), `${ward.name}: ${type}`).toBe(
          byType[t],
        );
      });

      expectMonthGrid(root, (month) => wardTotal(w, [month]));
    });
    // The committed data has wards tied by rate (two shown at the same rate).
    expect(ties).toBeGreaterThan(0);
  });

  it('a ward page lists its top streets, neighbours and links to the map opened on it', () => {
    data.wards.forEach((ward, w) => {
      const root = page(`wards/${ward.slug}/`);
      const streets = tableRows(root, 'streets-caption');
      expect(streets).toEqual((data.topStreets.byWard[w] ?? []).map((s) => [s.location, s.count]));
      const links = root.querySelectorAll('a').map((a) => a.getAttribute('href') ?? '');
      for (const code of ward.neighbours) {
        const neighbour = data.wards.find((x) => x.code === code);
        expect(links.some((href) => href.endsWith(`/wards/${neighbour?.slug}/`))).toBe(true);
      }
      // On the report's own window (the first and last months of its 12).
      const window = `from=${shift(latest, -11)}&to=${latest}`;
      expect(links.some((href) => href.endsWith(`/?ward=${ward.slug}&${window}`))).toBe(true);
    });
  });

  it('a ward page has a canonical URL, a description, Open Graph tags and ships no script', () => {
    for (const ward of data.wards) {
      const root = page(`wards/${ward.slug}/`);
      const canonical = root.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? '';
      expect(canonical).toMatch(new RegExp(`^https?://[^/]+/(.+/)?wards/${ward.slug}/$`));
      expect(root.querySelector('meta[property="og:url"]')?.getAttribute('content')).toBe(
        canonical,
      );
      expect(root.querySelector('meta[property="og:title"]')?.getAttribute('content')).toContain(
        ward.name,
      );
      const description = root.querySelector('meta[name="description"]')?.getAttribute('content');
      expect(description).toContain(windowUnit(windowMonths.length));
      // Shared without the page's caveat: a centre ward's rank by rate says it is inflated.
      expect(description?.includes('by rate (inflated by the city centre).'), ward.name).toBe(
        ward.cityCentreResidents / ward.population >= CENTRE_WARD_SHARE,
      );
      expect(root.querySelectorAll('script')).toHaveLength(0);
    }
  });

  it('names the months with data wherever a ward page or /wards/ states the 12 months, some without', () => {
    // The committed data has months without data in its latest 12 months.
    expect(windowMonths.length).toBeLessThan(12);
    const named = `(months with data: ${describeMonths(windowMonths)})`;
    const description = (root: HTMLElement) =>
      root.querySelector('meta[name="description"]')?.getAttribute('content') ?? '';
    for (const ward of data.wards) {
      const root = page(`wards/${ward.slug}/`);
      const stated = [
        description(root),
        root.querySelector('table.bar-table caption')?.text ?? '',
        root.querySelector('#outcomes-caption')?.text ?? '',
        root.querySelector('section[aria-labelledby="outcomes"] p.note')?.text ?? '',
      ].map((text) => text.replace(/\s+/g, ' '));
      for (const text of stated) expect(text, ward.name).toContain(named);
    }
    expect(description(page('wards/'))).toContain(named);
  });

  it('escapes data in the HTML: "&" in a ward name reaches the page as "&amp;"', () => {
    const ampersand = data.wards.filter((w) => w.name.includes('&'));
    expect(ampersand.length).toBeGreaterThan(0);
    for (const ward of ampersand) {
      const html = readFileSync(path.join(DIST_DIR, 'wards', ward.slug, 'index.html'), 'utf8');
      const escaped = ward.name.replaceAll('&', '&amp;');
      expect(html).toContain(`<h1>Crime in ${escaped}, Leeds</h1>`);
      expect(html).not.toContain(`<h1>Crime in ${ward.name}, Leeds</h1>`);
    }
  });

  it('/wards/ lists all 33 wards ordered by rank, with total, rate, rank and change', () => {
    const root = page('wards/');
    const rows = root.querySelectorAll('#ward-table tbody tr');
    expect(rows).toHaveLength(33);
    const ranks = rows.map((tr) => Number(tr.querySelector('[data-field="rank"]')?.text));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    for (const tr of rows) {
      const w = data.wards.findIndex((x) => x.code === tr.getAttribute('data-ward'));
      const ward = data.wards[w];
      expect(ward).toBeDefined();
      expect(number(tr.querySelector('[data-field="total"]'))).toBe(totals[w]);
      expect(tr.querySelector('[data-field="rate"]')?.text.trim()).toBe(
        rate(totals[w] ?? 0, ward?.population ?? 1, windowMonths.length),
      );
      expect(Number(tr.querySelector('[data-field="rank"]')?.text)).toBe(rankOf(totals, w));

      const paired = windowMonths.filter((m) => data.months.includes(shift(m, -12)));
      const change = tr.querySelector('[data-field="change"]');
      if (paired.length === 0) {
        expect(change?.text.trim()).toBe('n/a');
      } else {
        const now = wardTotal(w, paired);
        const before = wardTotal(
          w,
          paired.map((m) => shift(m, -12)),
        );
        expectChange(change, now, before);
        const sign = change?.text.trim().charAt(0);
        if (before >= 20) expect(sign).toBe(now > before ? '+' : now < before ? '−' : '0');
      }
    }
  });
});

describe('year reports', () => {
  it('ward tables rank equal counts alike, skip the places they fill, and say so below the table', () => {
    let ties = 0;
    for (const [urlPath, table] of [
      ['wards/', '#ward-table'],
      ...years.map((y) => [`years/${y}/`, '#year-wards'] as const),
    ] as const) {
      const root = page(urlPath);
      const rows = root.querySelectorAll(`${table} tbody tr`);
      const totals = rows.map((tr) => number(tr.querySelector('[data-field="total"]')));
      const ranks = rows.map((tr) => number(tr.querySelector('[data-field="rank"]')));
      // Competition ranks worked out here: one more than the wards with a larger count.
      expect(ranks, urlPath).toEqual(totals.map((t) => 1 + totals.filter((o) => o > t).length));
      ties += totals.filter((t, i) => totals.indexOf(t) !== i).length;
      const note = root.querySelector('main')?.text.replace(/\s+/g, ' ') ?? '';
      expect(note, urlPath).toContain('wards with the same count share a rank');
      expect(note, urlPath).toContain('the next rank skips the places they fill');
    }
    // The committed data has wards with equal counts, so the rule is seen at work.
    expect(ties).toBeGreaterThan(0);
  });

  it('every year with data has a page whose totals by type and by ward equal the site data', () => {
    for (const year of years) {
      const months = data.months.filter((m) => m.startsWith(`${year}-`));
      const root = page(`years/${year}/`);
      expect(root.querySelector('h1')?.text).toContain(String(year));
      expect(number(root.querySelector('[data-field="total"]'))).toBe(leedsTotal(months));
      expect(field(root, 'rate')).toBe(
        rate(leedsTotal(months), data.districtPopulation, months.length),
      );

      data.crimeTypes.forEach((type, t) => {
        const expected = data.wards.reduce((s, _, w) => s + (wardByType(w, months)[t] ?? 0), 0);
        const row = root.querySelector(`table.bar-table tr[data-key="${type}"]`);
        expect(number(row?.querySelector('td[data-value]')), `${year}: ${type}`).toBe(expected);
      });

      const wardTotals = data.wards.map((_, w) => wardTotal(w, months));
      const rows = root.querySelectorAll('#year-wards tbody tr');
      expect(rows).toHaveLength(33);
      for (const tr of rows) {
        const w = data.wards.findIndex((x) => x.code === tr.getAttribute('data-ward'));
        expect(number(tr.querySelector('[data-field="total"]'))).toBe(wardTotals[w]);
        expect(tr.querySelector('[data-field="rate"]')?.text.trim()).toBe(
          rate(wardTotals[w] ?? 0, data.wards[w]?.population ?? 1, months.length),
        );
        expect(Number(tr.querySelector('[data-field="rank"]')?.text)).toBe(rankOf(wardTotals, w));
      }

      expectMonthGrid(root, (month) => leedsTotal([month]));
    }
  });

  it('a year with only some months says how many, and compares only months with data in both years', () => {
    for (const year of years) {
      const months = data.months.filter((m) => m.startsWith(`${year}-`));
      const root = page(`years/${year}/`);
      const note = root.querySelector('.coverage-note')?.text ?? '';
      if (months.length < 12) {
        const verb = months.length === 1 ? 'has' : 'have';
        expect(note).toContain(`Only ${months.length} of 12 months ${verb} data`);
      } else expect(note).toContain('Every month has data');

      // Its months without data, each said as what it is: before the data's first month, a
      // gap among its months, or after its latest (months still to come are not gaps).
      const calendar = Array.from({ length: 12 }, (_, i) => shift(`${year}-01`, i));
      const without = calendar.filter((m) => !data.months.includes(m));
      const before = without.filter((m) => m < data.months[0]!);
      const after = without.filter((m) => m > data.months.at(-1)!);
      const gaps = without.filter((m) => !before.includes(m) && !after.includes(m));
      const said = (list: string[], one: string, many: string, words: string) =>
        `${describeMonths(list)} ${list.length === 1 ? one : many} ${words}`;
      for (const [list, words] of [
        [before, said(before, 'comes', 'come', 'before the first month here')],
        [gaps, said(gaps, 'has', 'have', 'no data here')],
        [after, said(after, 'comes', 'come', 'after the latest month here')],
      ] as const) {
        if (list.length > 0) expect(note.replace(/\s+/g, ' '), `${year}`).toContain(words);
        else expect(note, `${year}`).not.toContain(words.slice(words.indexOf(' ') + 1));
      }
      const description = root.querySelector('#year-trend-desc')?.text ?? '';
      expect(description).toMatch(
        new RegExp(
          `^${months.length} months? with data` +
            (before.length > 0 ? `, ${before.length} before the first month here` : '') +
            (gaps.length > 0
              ? `, ${gaps.length} without \\(shown as ${gaps.length === 1 ? 'a gap' : 'gaps'}\\)`
              : '') +
            (after.length > 0 ? `, ${after.length} after the latest month here` : '') +
            '\\.',
        ),
      );
      // Only the gaps are drawn as gaps: the months outside the data are left blank.
      const chart = root.querySelector('#year-trend-desc')?.closest('svg');
      expect(
        chart?.querySelectorAll('line.gap').map((line) => line.getAttribute('data-gap')),
      ).toEqual(
        gaps.map(
          (m) =>
            `${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][Number(m.slice(5)) - 1]} ${m.slice(0, 4)}`,
        ),
      );

      const paired = months.filter((m) => data.months.includes(shift(m, -12)));
      const change = field(root, 'change');
      if (paired.length === 0) {
        expect(change).toBe('n/a');
        expect(root.querySelector('#year-comparison')).toBeNull();
      } else {
        // The ward table's change compares the same months, and its caption names them.
        expect(root.querySelector('#year-wards-caption')?.text.replace(/\s+/g, ' ')).toContain(
          `change: ${describeMonths(paired)} against ${describeMonths(paired.map((m) => shift(m, -12)))}`,
        );
        // So does the page's description, which travels without the page.
        expect(
          root.querySelector('meta[name="description"]')?.getAttribute('content') ?? '',
        ).toContain(
          `, and ${describeMonths(paired)} against ${describeMonths(paired.map((m) => shift(m, -12)))}.`,
        );
        // Its columns are headed by the months they count, not by the years: the year's column
        // holds the paired months alone, fewer than the year's total above it counts.
        expect(
          root.querySelectorAll('#year-comparison thead th').map((th) => th.text.trim()),
        ).toEqual([
          'Crime type',
          describeMonths(paired),
          describeMonths(paired.map((m) => shift(m, -12))),
          'Change',
        ]);
        const foot = root.querySelectorAll('#year-comparison tfoot td').map(number);
        expect(foot.slice(0, 2)).toEqual([
          leedsTotal(paired),
          leedsTotal(paired.map((m) => shift(m, -12))),
        ]);
      }
    }
  });

  it('/years/ lists every year with data and its total', () => {
    const root = page('years/');
    const rows = root.querySelectorAll('#year-table tbody tr');
    expect(rows.map((tr) => Number(tr.getAttribute('data-year'))).sort()).toEqual(years);
    for (const tr of rows) {
      const year = tr.getAttribute('data-year');
      const months = data.months.filter((m) => m.startsWith(`${year}-`));
      expect(number(tr.querySelector('[data-field="total"]'))).toBe(leedsTotal(months));
      // The change names the months it compares: those with data in both years.
      const before = new Set(data.months.filter((m) => m.startsWith(`${Number(year) - 1}-`)));
      const paired = months.filter((m) => before.has(shift(m, -12)));
      const compared = tr.querySelector('[data-field="compared"]')?.text.trim() ?? '';
      if (paired.length === 0)
        expect(compared).toBe(`No month of ${year} has data for ${Number(year) - 1} too`);
      else {
        expect(compared).toBe(
          `${describeMonths(paired)} against ${describeMonths(paired.map((m) => shift(m, -12)))}`,
        );
      }
    }
  });
});

describe('rates and changes on the reports', () => {
  /** Every rate page with the number of months of data its rates cover. */
  const ratePages: [string, number][] = [
    ['wards/', windowMonths.length],
    ...data.wards.map((w): [string, number] => [`wards/${w.slug}/`, windowMonths.length]),
    ...years.map((y): [string, number] => [
      `years/${y}/`,
      data.months.filter((m) => m.startsWith(`${y}-`)).length,
    ]),
  ];

  it('every rate on ward pages, year pages and /wards/ says its window', () => {
    let checked = 0;
    for (const [urlPath, months] of ratePages) {
      const root = page(urlPath);
      const rates = root.querySelectorAll('[data-field="rate"], [data-field="leeds-rate"]');
      expect(rates.length, urlPath).toBeGreaterThan(0);
      for (const el of rates) {
        expect(windowTextOf(el), `${urlPath}: ${el.text}`).toContain(windowUnit(months));
        checked += 1;
      }
    }
    // 33 ward pages (rate and Leeds rate), 33 rows and the lede of /wards/, every year's figure and rows.
    expect(checked).toBeGreaterThan(33 * 2 + 33);
  });

  it('every table of ward rates says beside it which residents the rates divide by', () => {
    for (const [urlPath, container] of [
      ['wards/', 'main'],
      ...years.map((y) => [`years/${y}/`, 'section[aria-labelledby="wards"]'] as const),
    ] as const) {
      const text = page(urlPath).querySelector(container)?.text.replace(/\s+/g, ' ') ?? '';
      expect(text, urlPath).toMatch(/Rate per 1,000 residents/);
      expect(text, urlPath).toMatch(
        /usual residents at the Census 2021 \(estimated from LSOAs\)\. /,
      );
    }
  });

  it('a window of 1-3 months never shows an annualised figure', () => {
    const short = ratePages.filter(([, months]) => months >= 1 && months <= 3);
    expect(short.length).toBeGreaterThan(0);
    for (const [urlPath] of short) {
      const root = page(urlPath);
      for (const el of root.querySelectorAll('[data-field="rate"], [data-field="leeds-rate"]')) {
        expect(windowTextOf(el), urlPath).not.toMatch(/residents a year|annual/i);
      }
      for (const el of root.querySelectorAll('[data-rate-window]')) {
        expect(el.text, urlPath).not.toMatch(/residents a year|annual/i);
      }
    }
  });

  it('a change on a year earlier is bold only when it exceeds chance, with no percentage below 20', () => {
    let plain = 0;
    data.wards.forEach((ward, w) => {
      const root = page(`wards/${ward.slug}/`);
      const paired = windowMonths.filter((m) => data.months.includes(shift(m, -12)));
      if (paired.length > 0) {
        const now = wardTotal(w, paired);
        const before = wardTotal(
          w,
          paired.map((m) => shift(m, -12)),
        );
        expectChange(root.querySelector('[data-field="change"]'), now, before);
        if (exactTwoSidedPValue(now, before) >= 0.05) plain += 1;
      }
      for (const tr of root.querySelectorAll('section[aria-labelledby="year-earlier"] tbody tr')) {
        const month = tr.getAttribute('data-month') ?? '';
        if (!data.months.includes(shift(month, -12))) continue;
        const now = wardTotal(w, [month]);
        const before = wardTotal(w, [shift(month, -12)]);
        expectChange(tr.querySelector('[data-field="month-change"]'), now, before);
      }
    });
    for (const year of years) {
      const root = page(`years/${year}/`);
      const paired = data.months.filter(
        (m) => m.startsWith(`${year}-`) && data.months.includes(shift(m, -12)),
      );
      if (paired.length === 0) continue;
      const rows = root.querySelectorAll('#year-comparison tbody tr');
      expect(rows).toHaveLength(data.crimeTypes.length);
      data.crimeTypes.forEach((_, t) => {
        const sumType = (months: string[]) =>
          data.wards.reduce((n, _w, w) => n + (wardByType(w, months)[t] ?? 0), 0);
        const now = sumType(paired);
        const before = sumType(paired.map((m) => shift(m, -12)));
        expectChange(rows[t]?.querySelector('[data-field="type-change"]'), now, before);
        if (before >= 20 && exactTwoSidedPValue(now, before) >= 0.05) plain += 1;
      });
    }
    // The sample holds both kinds: changes within normal variation, and counts too small for one.
    // The sample's changes include ones within normal variation (shown plainly). Its counts are
    // all 20 or more, so the "too few" case is rendered in tests/site/change-text.test.ts.
    expect(plain, 'changes within normal variation').toBeGreaterThan(0);
  });
});

describe('every report page', () => {
  const pages = [
    'wards/',
    'years/',
    'about/',
    ...data.wards.map((w) => `wards/${w.slug}/`),
    ...years.map((y) => `years/${y}/`),
  ];

  it('has a skip link, one h1, a main landmark, navigation and the footer attribution', () => {
    for (const urlPath of pages) {
      const root = page(urlPath);
      expect(root.querySelector('a.skip-link')?.getAttribute('href'), urlPath).toBe('#main');
      expect(root.querySelectorAll('h1'), urlPath).toHaveLength(1);
      expect(root.querySelector('main#main'), urlPath).not.toBeNull();
      expect(root.querySelector('nav[aria-label="Site"]'), urlPath).not.toBeNull();
      const footer = root.querySelector('footer')?.text ?? '';
      expect(footer).toContain('Open Government Licence v3.0');
      expect(footer).toContain('Crown copyright');
      expect(footer).toMatch(/Data to \w+ \d{4}; its figures last changed on \d{1,2} \w+ \d{4}/);
    }
  });

  it('gives every table a caption and scopes every header cell', () => {
    for (const urlPath of pages) {
      const root = page(urlPath);
      for (const table of root.querySelectorAll('table')) {
        expect(table.querySelector('caption')?.text.trim(), urlPath).toBeTruthy();
        for (const th of table.querySelectorAll('th')) {
          expect(['col', 'row'], `${urlPath}: ${th.text}`).toContain(th.getAttribute('scope'));
        }
      }
    }
  });

  it("links to the map only with what the map can show: no link of the site's own earns a note", () => {
    // As the map reads a link: every calendar month from the first with data to the latest.
    const axis = Array.from({ length: monthsBetween(data.months[0]!, latest) + 1 }, (_, i) =>
      shift(data.months[0]!, i),
    );
    let links = 0;
    for (const urlPath of pages) {
      const root = page(urlPath);
      const map = root.querySelector('a.site-name')?.getAttribute('href');
      expect(map, urlPath).toBeTruthy();
      for (const a of root.querySelectorAll('a[href]')) {
        const [target, query] = (a.getAttribute('href') ?? '').split('?');
        if (target !== map || query === undefined) continue;
        links += 1;
        const { notes } = readState(query, { months: axis, wards: data.wards });
        expect(notes, `${urlPath}: ${a.getAttribute('href')}`).toEqual([]);
      }
    }
    // Each ward page's, a centre ward's second (beside its caveat), the wards index's and
    // each year page's.
    const centreWards = data.wards.filter(
      (w) => w.cityCentreResidents / w.population >= CENTRE_WARD_SHARE,
    ).length;
    expect(links).toBe(data.wards.length + centreWards + 1 + years.length);
  });

  it('gives every chart a text alternative', () => {
    let charts = 0;
    for (const urlPath of pages) {
      const root = page(urlPath);
      for (const svg of root.querySelectorAll('main svg')) {
        expect(svg.getAttribute('role'), urlPath).toBe('img');
        // The words a screen reader gives: the label, or the text of every element it names.
        const ids = svg.getAttribute('aria-labelledby')?.split(/\s+/) ?? [];
        const named = ids.map((id) => root.getElementById(id)?.text.trim() ?? '');
        for (const [i, text] of named.entries())
          expect(text, `${urlPath}: #${ids[i]}`).not.toBe('');
        const words = svg.getAttribute('aria-label') ?? named.join(' ');
        expect(words.trim(), urlPath).not.toBe('');
        charts += 1;
      }
    }
    // Each ward page's trend and outline, each year page's trend.
    expect(charts).toBeGreaterThanOrEqual(data.wards.length * 2 + years.length);
  });
});

describe('tables of shares', () => {
  /** A printed share in tenths of a percent: "38%" -> 380, "<0.1%" -> 0, ">99.9%" -> 1000. */
  function tenths(text: string): number {
    const t = text.trim();
    if (t.startsWith('<')) return 0;
    if (t.startsWith('>')) return 1000;
    return Math.round(Number(t.replace('%', '')) * 10);
  }

  it('say below the table when the printed shares do not add up to 100%, and only then', () => {
    const sections: { urlPath: string; id: string }[] = [
      ...data.wards.flatMap((w) => [
        { urlPath: `wards/${w.slug}/`, id: 'types' },
        { urlPath: `wards/${w.slug}/`, id: 'outcomes' },
      ]),
      ...years.map((y) => ({ urlPath: `years/${y}/`, id: 'types' })),
    ];
    let withNote = 0;
    let withoutNote = 0;
    for (const { urlPath, id } of sections) {
      const section = page(urlPath).querySelector(`section[aria-labelledby="${id}"]`);
      const header = section?.querySelectorAll('thead th').map((th) => th.text.trim()) ?? [];
      const shareColumn = header.indexOf('Share');
      expect(shareColumn, `${urlPath} ${id}`).toBeGreaterThan(0);
      const rows = section?.querySelectorAll('tbody tr') ?? [];
      const counts = rows.map((tr) => number(tr.querySelectorAll('th, td')[1]));
      const total = counts.reduce((a, b) => a + b, 0);
      const printed = rows.map((tr) => tr.querySelectorAll('th, td')[shareColumn]?.text ?? '');
      // Each printed share is its count's share of the table, to the nearest 0.1%.
      printed.forEach((text, i) => {
        const exact = ((counts[i] ?? 0) / total) * 1000;
        expect(Math.abs(tenths(text) - exact), `${urlPath} ${id}: ${text}`).toBeLessThanOrEqual(
          text.trim().startsWith('<') || text.trim().startsWith('>') ? 1 : 0.5 + 1e-9,
        );
      });
      const sum = printed.reduce((a, text) => a + tenths(text), 0);
      const note = section?.querySelector('[data-field="shares-rounding"]')?.text ?? null;
      if (sum === 1000) {
        expect(note, `${urlPath} ${id}: shares add up to 100%`).toBeNull();
        withoutNote += 1;
      } else {
        expect(note, `${urlPath} ${id}: shares add up to ${sum / 10}%`).toMatch(
          /rounded.*not add up to exactly 100%/,
        );
        withNote += 1;
      }
    }
    // The committed data has both: Harewood's types come to 100.1%.
    expect(withNote).toBeGreaterThan(0);
    expect(withoutNote).toBeGreaterThan(0);
  });
});

describe('the About page', () => {
  it("explains that the city centre's rates per resident are inflated by people who do not live there", () => {
    const section = page('about/').querySelector('#city-centre')?.nextElementSibling?.text ?? '';
    expect(section.replace(/\s+/g, ' ')).toMatch(
      /work in, visit and go out in the city centre \(LS1 and LS2\) than live there.*inflated/,
    );
    expect(section).toContain("takes out the centre's crimes and its residents together");
  });

  it('a ward page says how many locations tie with the last street listed and are left out', () => {
    const byWard = locationsByWard();
    let wardsWithTies = 0;
    data.wards.forEach((ward, w) => {
      const listed = data.topStreets.byWard[w] ?? [];
      const last = listed.at(-1);
      const left = [...(byWard.get(ward.code) ?? [])].filter(
        ([location, n]) =>
          n === last?.count &&
          !KIND_LOCATIONS.has(location) &&
          !listed.some((s) => s.location === location),
      ).length;
      const note = page(`wards/${ward.slug}/`).querySelector('#streets-ties');
      if (left === 0) {
        expect(note, ward.name).toBeNull();
      } else {
        wardsWithTies += 1;
        expect(note?.text.replace(/\s+/g, ' ').trim(), ward.name).toBe(
          `${left.toLocaleString('en-GB')} more ${left === 1 ? 'location' : 'locations'} also had ${last?.count.toLocaleString('en-GB')}: of the locations tied at the last place, the table lists the first in alphabetical order.`,
        );
      }
    });
    // The committed data has wards whose last place is shared (most, at two crimes a year).
    expect(wardsWithTies).toBeGreaterThan(0);
  });

  it('a ward page shows the kinds of place apart from its streets, each kind summed over its places, and its crimes add up', () => {
    const byWard = locationsByWard();
    expect([...KIND_LOCATIONS]).toEqual(
      expect.arrayContaining(['On or near Supermarket', 'On or near Parking Area']),
    );
    let wardsWithKinds = 0;
    data.wards.forEach((ward, w) => {
      const root = page(`wards/${ward.slug}/`);
      const locations = [...(byWard.get(ward.code) ?? [])];
      const kinds = tableRows(root, 'place-kinds-caption');
      // Each kind: every record of the ward at a place of that kind, most first.
      const expected = locations
        .filter(([location]) => KIND_LOCATIONS.has(location))
        .map(([location, n]): [string, number] => [location.replace(/^On or near /, ''), n])
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      expect(kinds, ward.name).toEqual(expected);
      const streets = tableRows(root, 'streets-caption');
      for (const [location] of streets) {
        expect(KIND_LOCATIONS.has(location ?? ''), `${ward.name}: ${location}`).toBe(false);
      }
      const section = root.querySelector('section[aria-labelledby="place-kinds"]');
      const text = section?.text.replace(/\s+/g, ' ') ?? '';
      expect(text, ward.name).toContain('Kinds of place police.uk names without a street');
      expect(text, ward.name).toContain(
        `Each figure here adds together every place of that kind in ${ward.name}, so it is not the count of one place`,
      );
      if (kinds.length > 0) wardsWithKinds += 1;
      else {
        expect(text, ward.name).toContain(
          'No crimes or anti-social behaviour were placed at a kind of place in these months.',
        );
      }
      expect(
        section
          ?.querySelector('[data-downloads="place-kinds"] a[data-format="csv"]')
          ?.getAttribute('href'),
      ).toMatch(new RegExp(`/wards/${ward.slug}/place-kinds\\.csv\\?v=[0-9a-f]{12}$`));
      // Nothing lost: the listed streets, the kinds and the other locations make the ward's total.
      const total = wardTotal(w, windowMonths);
      const listed = streets.reduce((n, [, c]) => n + c, 0);
      const atKinds = kinds.reduce((n, [, c]) => n + c, 0);
      const others = locations
        .filter(([l]) => !KIND_LOCATIONS.has(l) && !streets.some(([s]) => s === l))
        .reduce((n, [, c]) => n + c, 0);
      expect(listed + atKinds + others, ward.name).toBe(total);
      const sumNote = field(root, 'streets-sum').replace(/\s+/g, ' ');
      if (total === 0) expect(sumNote, ward.name).toBe('');
      else {
        const f = (n: number) => n.toLocaleString('en-GB');
        expect(sumNote, ward.name).toBe(
          `Of the ${f(total)} crimes and anti-social behaviour incidents in ${ward.name} in these months, the streets listed hold ${f(listed)}, the kinds of place (below) ${f(atKinds)} and the ward's other streets and places ${f(others)}.`,
        );
      }
    });
    // The committed data has kinds of place in most wards.
    expect(wardsWithKinds).toBeGreaterThan(data.wards.length / 2);
  });

  it('counts the rows by force as the committed street files name them, and no other force', async () => {
    // Independent count: every sample street row is kept for Leeds (tests/pipeline/cli.test.ts).
    const expected = new Map<string, number>();
    for (const month of data.months) {
      const file = `data/sample/archive/${month}/${month}-west-yorkshire-street.csv`;
      for await (const { values } of readCsv(createReadStream(file), file, STREET_COLUMNS)) {
        const key = `${values['Reported by']}|${values['Falls within']}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
    }
    const shown = new Map(
      page('about/')
        .querySelectorAll('#forces-table tbody tr')
        .map((tr) => {
          const [fallsWithin, rows] = tr.querySelectorAll('td').map((td) => td.text.trim());
          return [
            `${tr.querySelector('th')?.text.trim()}|${fallsWithin}`,
            Number(rows?.replace(/,/g, '')),
          ];
        }),
    );
    expect(shown).toEqual(expected);
  });

  it('names the kept total for what it counts: crimes and anti-social behaviour incidents', () => {
    const kept = data.counts.flat(2).reduce((a, b) => a + b, 0);
    const rows = page('about/')
      .querySelectorAll('#rows-table tbody tr')
      .map((tr) => ({
        label: tr.querySelector('th')?.text.replace(/\s+/g, ' ').trim() ?? '',
        count: Number(tr.querySelector('td')?.text.trim().replace(/,/g, '')),
      }));
    expect(rows.find((r) => r.label.endsWith(' kept'))).toEqual({
      label: 'Crimes and anti-social behaviour incidents kept',
      count: kept,
    });
  });

  it("states the duplicate rule the pipeline applies: a Crime ID already in the same or an earlier month is left out, the first month's row kept", () => {
    const about = page('about/');
    const labels = about
      .querySelectorAll('#rows-table tbody th')
      .map((th) => th.text.replace(/\s+/g, ' ').trim());
    expect(labels).toContain(
      'Left out: Duplicate Crime ID, already in the same or an earlier month',
    );
    const text = about.text.replace(/\s+/g, ' ');
    expect(text).toContain(
      'A crime is counted once, in the first month that lists it: a later row with its Crime ID, in the same month or a later one, is left out as a duplicate.',
    );
    expect(text).toContain(
      'When that row gives the crime another place or crime type, police.uk gives no way to tell which is right: the first row stands',
    );
    // The rule once stated was narrower than the one applied.
    expect(text).not.toContain('Within a month, a Crime ID seen twice is counted once');
    expect(labels).not.toContain('Left out: Duplicate Crime ID in the same month');
  });

  it('gives the exact and approximate postcode-district counts of the kept rows, summing to them all', () => {
    const about = page('about/');
    const number = (field: string) =>
      Number(
        /^[\d,]+/
          .exec(about.querySelector(`[data-field="${field}"]`)?.text.trim() ?? '')?.[0]
          ?.replace(/,/g, ''),
      );
    const kept = data.counts.flat(2).reduce((a, b) => a + b, 0);
    const exact = number('postcode-exact');
    const approximate = number('postcode-approximate');
    expect(approximate).toBeGreaterThan(0);
    const none = kept - exact - approximate;
    expect(none).toBeGreaterThanOrEqual(0);
    expect(about.text.replace(/\s+/g, ' ')).toContain(
      `approximate, ${none.toLocaleString('en-GB')} without a district`,
    );
  });
});
