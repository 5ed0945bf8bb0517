// Site data for the gate's tests: the committed site data (built from the three real sample
// months) and edits of copies of it that stand for what a refresh can produce.
import { readFileSync } from 'node:fs';
import { areaDataPaths } from '../../pipeline/gate-inputs.ts';
import { parseOrThrow, siteDataSchema, type SiteData } from '../../src/shared/schema.ts';

/**
 * An area's committed site data as it is (Leeds's src/data/site-data.json by default; another
 * area's from data/areas/<slug>/output/), as a fresh deep copy each call so a test's edits
 * never leak into another test.
 */
export function committedSiteData(area?: string): SiteData {
  const file = areaDataPaths(area).siteData;
  return parseOrThrow(
    siteDataSchema,
    JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')),
    file,
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

/**
 * Rows taken off (or put back on) the run totals, keeping coverage at 100% of kept for the
 * places every row has; a place the area has none of (Sheffield's postcode districts) stays none.
 */
function adjustQuality(data: SiteData, rows: number): void {
  const q = data.quality;
  for (const place of ['lsoa', 'ward', 'postcodeDistrict'] as const) {
    if (q.coverage[place] === q.kept) q.coverage[place] += rows;
  }
  q.read += rows;
  q.kept += rows;
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

/**
 * The same data with `month`'s crimes recorded as `as` instead (e.g. a year earlier, leaving a
 * whole year without data), the months kept in order.
 */
export function withMonthAs(source: SiteData, month: string, as: string): SiteData {
  return withMonthPlacedAs(source, month, as, 'move');
}

/**
 * The same data with `month`'s crimes recorded again as `as` too (e.g. a month a year earlier
 * that police.uk also published), the months kept in order.
 */
export function withMonthCopiedAs(source: SiteData, month: string, as: string): SiteData {
  const data = withMonthPlacedAs(source, month, as, 'copy');
  adjustQuality(data, provenanceOf(data, as).rows);
  return data;
}

/** `month`'s entry of every per-month list moved, or copied, to where `as` sorts. */
function withMonthPlacedAs(
  source: SiteData,
  month: string,
  as: string,
  how: 'move' | 'copy',
): SiteData {
  const data = copy(source);
  if (data.months.includes(as)) throw new Error(`Test data already has ${as}`);
  const from = monthIndex(data, month);
  const to = data.months.filter((m) => (how === 'copy' || m !== month) && m < as).length;
  const place = <T>(list: T[]) =>
    list.splice(
      to,
      0,
      ...(how === 'move' ? list.splice(from, 1) : [structuredClone(list[from] as T)]),
    );
  place(data.months);
  data.months[to] = as;
  place(data.provenance);
  provenanceOf(data, as).month = as;
  for (const byMonth of data.counts) place(byMonth);
  for (const byMonth of data.outcomes) place(byMonth);
  return data;
}

/**
 * Add `n` to `month`'s rows of `force` (its biggest force, the territorial one, when not
 * named), so the rows by force still add up to the month's rows.
 */
function adjustForce(data: SiteData, month: string, n: number, force?: string): void {
  const forces = provenanceOf(data, month).forces;
  let entry = force
    ? forces.find((f) => f.reportedBy === force)
    : [...forces].sort((a, b) => b.count - a.count)[0];
  if (!entry) {
    if (!force) throw new Error(`Test data has no force in ${month}`);
    entry = { reportedBy: force, fallsWithin: force, count: 0 };
    forces.push(entry);
    forces.sort((a, b) => a.reportedBy.localeCompare(b.reportedBy));
  }
  entry.count += n;
  const i = forces.indexOf(entry);
  if (entry.count < 0)
    throw new Error(`${month} has fewer than ${-n} crimes of ${entry.reportedBy}`);
  if (entry.count === 0) forces.splice(i, 1);
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
  adjustForce(data, month, -n);
  adjustQuality(data, -n);
  return data;
}

/**
 * Add `n` crimes reported by `force` to `month`, one to each ward's most common type in turn,
 * as a force's own file (British Transport Police's) adds them beside the territorial force's,
 * each with `outcome` (by default "Under investigation", as a crime starts), so the month's
 * outcomes still add up to its crimes.
 */
export function addForceCrimes(
  source: SiteData,
  month: string,
  force: string,
  n: number,
  outcome = 'Under investigation',
): SiteData {
  const data = copy(source);
  const i = monthIndex(data, month);
  const o = data.outcomeCategories.indexOf(outcome);
  if (o < 0) throw new Error(`Test data has no outcome "${outcome}"`);
  for (let added = 0; added < n; added += 1) {
    const counts = data.counts[added % data.counts.length]?.[i] ?? [];
    const top = counts.indexOf(Math.max(...counts));
    counts[top] = (counts[top] ?? 0) + 1;
    const outcomes = data.outcomes[added % data.outcomes.length]?.[i] ?? [];
    outcomes[o] = (outcomes[o] ?? 0) + 1;
  }
  provenanceOf(data, month).rows += n;
  adjustForce(data, month, n, force);
  adjustQuality(data, n);
  return data;
}

/** `month`'s crimes reported by `force`, as the site data records them. */
export function forceCount(data: SiteData, month: string, force: string): number {
  return provenanceOf(data, month)
    .forces.filter((f) => f.reportedBy === force)
    .reduce((sum, f) => sum + f.count, 0);
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

/**
 * Every ward's count of every type in every month times `factor` (rounded, so a count of 1
 * stays at least 1 for a factor of 0.5 or more): the months of a district with that share of
 * the crimes, every ward and type still present. Only the months `only` when given.
 */
export function scaleCrimes(
  source: SiteData,
  factor: number,
  only: readonly string[] = source.months,
): SiteData {
  const data = copy(source);
  data.months.forEach((month, m) => {
    if (!only.includes(month)) return;
    let delta = 0;
    for (const byMonth of data.counts) {
      const counts = byMonth[m] ?? [];
      counts.forEach((n, t) => {
        counts[t] = Math.round(n * factor);
        delta += counts[t] - n;
      });
    }
    provenanceOf(data, month).rows += delta;
    adjustForce(data, month, delta);
    adjustQuality(data, delta);
  });
  return data;
}

/**
 * The same data without the ward `code`, as a build with a ward lost from its boundaries: its
 * crimes are not in the months' rows either (they lie outside the district that is left).
 */
export function withoutWard(source: SiteData, code: string): SiteData {
  const data = copy(source);
  const w = data.wards.findIndex((ward) => ward.code === code);
  if (w < 0) throw new Error(`Test data has no ward ${code}`);
  data.months.forEach((month, i) => {
    const n = (data.counts[w]?.[i] ?? []).reduce((a, b) => a + b, 0);
    provenanceOf(data, month).rows -= n;
    adjustForce(data, month, -n);
    adjustQuality(data, -n);
  });
  for (const list of [data.wards, data.counts, data.outcomes, data.topStreets.byWard]) {
    list.splice(w, 1);
  }
  data.topStreets.tiedBeyond.splice(w, 1);
  data.topStreets.placeKinds.splice(w, 1);
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
  adjustForce(data, month, delta);
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
