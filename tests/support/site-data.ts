// Site data for the gate's tests: the committed site data (built from the three real sample
// months) and edits of copies of it that stand for what a refresh can produce.
import { readFileSync } from 'node:fs';
import { parseOrThrow, siteDataSchema, type SiteData } from '../../src/shared/schema.ts';

const SITE_DATA = new URL('../../src/data/site-data.json', import.meta.url);

/**
 * The committed site data as it is, as a fresh deep copy each call so a test's edits never
 * leak into another test.
 */
export function committedSiteData(): SiteData {
  return parseOrThrow(
    siteDataSchema,
    JSON.parse(readFileSync(SITE_DATA, 'utf8')),
    'src/data/site-data.json',
  );
}

export function copy(data: SiteData): SiteData {
  return structuredClone(data);
}

export function monthIndex(data: SiteData, month: string): number {
  const i = data.months.indexOf(month);
  if (i < 0) throw new Error(`Test data has no month ${month}; months: ${data.months.join(', ')}`);
  return i;
}

function provenanceOf(data: SiteData, month: string) {
  const p = data.provenance[monthIndex(data, month)];
  if (!p) throw new Error(`Test data has no provenance for ${month}`);
  return p;
}

/** Rows taken off (or put back on) the run totals, keeping coverage at 100% of kept. */
function adjustQuality(data: SiteData, rows: number): void {
  const q = data.quality;
  q.read += rows;
  q.kept += rows;
  q.coverage.lsoa += rows;
  q.coverage.ward += rows;
  q.coverage.postcodeDistrict += rows;
  q.coverage.pollingDistrict = Math.min(q.coverage.pollingDistrict, q.kept);
}

/** The same data as a build that did not have `month` (e.g. before police.uk published it). */
export function withoutMonth(source: SiteData, month: string): SiteData {
  const data = copy(source);
  const i = monthIndex(data, month);
  const rows = provenanceOf(data, month).rows;
  data.months.splice(i, 1);
  data.provenance.splice(i, 1);
  for (const byMonth of data.counts) byMonth.splice(i, 1);
  for (const byMonth of data.outcomes) byMonth.splice(i, 1);
  adjustQuality(data, -rows);
  return data;
}

/** Take `n` crimes off `month`, spread over wards and types, as a half-read month would. */
export function removeCrimes(source: SiteData, month: string, n: number): SiteData {
  const data = copy(source);
  const i = monthIndex(data, month);
  const available = data.counts.flatMap((byMonth) => byMonth[i] ?? []).reduce((a, b) => a + b, 0);
  if (available < n) throw new Error(`${month} has fewer than ${n} crimes to remove`);
  let left = n;
  while (left > 0) {
    for (const byMonth of data.counts) {
      const counts = byMonth[i] ?? [];
      for (let t = 0; t < counts.length && left > 0; t += 1) {
        const take = Math.min(counts[t] ?? 0, Math.ceil(left / 50));
        counts[t] = (counts[t] ?? 0) - take;
        left -= take;
      }
    }
  }
  provenanceOf(data, month).rows -= n;
  adjustQuality(data, -n);
  return data;
}

/** Record that `month` came from another police.uk snapshot, fetched at `fetchedAt`. */
export function fromSnapshot(
  source: SiteData,
  month: string,
  snapshot: string,
  fetchedAt = '2025-06-01T00:00:00.000Z',
): SiteData {
  const data = copy(source);
  const p = provenanceOf(data, month);
  p.snapshot = snapshot;
  p.fetchedAt = fetchedAt;
  return data;
}

export function totalOf(data: SiteData, month: string): number {
  return provenanceOf(data, month).rows;
}

/** Set one ward's count of one crime type in `month` to `n`, keeping the month's rows in step. */
export function setCount(
  source: SiteData,
  month: string,
  wardCode: string,
  typeIndex: number,
  n: number,
): SiteData {
  const data = copy(source);
  const m = monthIndex(data, month);
  const w = data.wards.findIndex((ward) => ward.code === wardCode);
  const counts = data.counts[w]?.[m];
  if (!counts) throw new Error(`Test data has no ward ${wardCode}`);
  const delta = n - (counts[typeIndex] ?? 0);
  counts[typeIndex] = n;
  provenanceOf(data, month).rows += delta;
  adjustQuality(data, delta);
  return data;
}

/**
 * Move `n` of `month`'s crimes from outcome `from` to outcome `to`, spread over the wards, as a
 * re-issue that lost (or recorded) outcomes would; the counts by ward and type stay as they are.
 */
export function moveOutcomes(
  source: SiteData,
  month: string,
  from: string,
  to: string,
  n: number,
): SiteData {
  const data = copy(source);
  const m = monthIndex(data, month);
  const [f, t] = [from, to].map((name) => {
    const o = data.outcomeCategories.indexOf(name);
    if (o < 0) throw new Error(`Test data has no outcome "${name}"`);
    return o;
  }) as [number, number];
  let left = n;
  while (left > 0) {
    const before = left;
    for (const byMonth of data.outcomes) {
      const counts = byMonth[m] ?? [];
      const take = Math.min(counts[f] ?? 0, Math.ceil(left / 10), left);
      counts[f] = (counts[f] ?? 0) - take;
      counts[t] = (counts[t] ?? 0) + take;
      left -= take;
    }
    if (left === before) throw new Error(`${month} has fewer than ${n} crimes "${from}"`);
  }
  return data;
}
