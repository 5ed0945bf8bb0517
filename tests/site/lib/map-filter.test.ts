import { beforeAll, describe, expect, it } from 'vitest';
import { encodeMapData } from '../../../src/shared/map-data-encoder.ts';
import { CRIME_TYPES } from '../../../src/shared/constants.ts';
import { decodeMapData, type MapData } from '../../../src/shared/map-data.ts';
import type { MonthSummary, Ward } from '../../../src/shared/schema.ts';
import {
  monthCoverage,
  monthlySeries,
  pointTotals,
  rankWards,
  wardTotals,
  type MapFilter,
} from '../../../src/lib/map-filter.ts';
import { sampleSummaries } from '../../support/sample-summaries.ts';

let summaries: MonthSummary[];
let wards: Ward[];
let data: MapData;

beforeAll(async () => {
  ({ summaries, wards } = await sampleSummaries());
  data = decodeMapData(encodeMapData(summaries, wards));
}, 60_000);

const ALL_TYPES = CRIME_TYPES.map((_, i) => i);
const BURGLARY = CRIME_TYPES.indexOf('Burglary');
const SHOPLIFTING = CRIME_TYPES.indexOf('Shoplifting');
const CITY_CENTRE = new Set(['LS1', 'LS2']);

/** Expected crimes per ward code for a filter, straight from the summaries' points. */
function expectedByWard(
  months: readonly string[],
  types: readonly number[],
  excludeCityCentre: boolean,
): Map<string, number> {
  const totals = new Map<string, number>();
  for (const s of summaries) {
    if (!months.includes(s.month)) continue;
    for (const p of s.points) {
      if (excludeCityCentre && CITY_CENTRE.has(p.postcodeDistrict)) continue;
      const n = types.reduce((a, t) => a + (p.counts[t] ?? 0), 0);
      totals.set(p.ward, (totals.get(p.ward) ?? 0) + n);
    }
  }
  return totals;
}

function filter(from: string, to: string, types: readonly number[], cc = false): MapFilter {
  return {
    from: data.months.indexOf(from),
    to: data.months.indexOf(to),
    types,
    excludeCityCentre: cc,
  };
}

describe('wardTotals(data, filter)', () => {
  it('equals the summaries for all types over the whole range', () => {
    const totals = wardTotals(data, filter('2024-03', '2025-03', ALL_TYPES));
    const expected = expectedByWard(['2024-03', '2025-02', '2025-03'], ALL_TYPES, false);
    wards.forEach((w, i) => expect(totals[i], w.name).toBe(expected.get(w.code) ?? 0));
    const all = summaries.reduce((a, s) => a + s.kept, 0);
    expect(totals.reduce((a, b) => a + b, 0)).toBe(all);
  });

  it('counts only the chosen types and months, and leaves out LS1 and LS2 when asked', () => {
    const f = filter('2025-02', '2025-03', [BURGLARY, SHOPLIFTING], true);
    const totals = wardTotals(data, f);
    const expected = expectedByWard(['2025-02', '2025-03'], [BURGLARY, SHOPLIFTING], true);
    wards.forEach((w, i) => expect(totals[i], w.name).toBe(expected.get(w.code) ?? 0));
    const withCityCentre = wardTotals(data, { ...f, excludeCityCentre: false });
    expect(withCityCentre.reduce((a, b) => a + b, 0)).toBeGreaterThan(
      totals.reduce((a, b) => a + b, 0),
    );
  });

  it('is zero everywhere when no type is chosen', () => {
    expect(wardTotals(data, filter('2024-03', '2025-03', [])).every((n) => n === 0)).toBe(true);
  });
});

describe('pointTotals(data, filter, out)', () => {
  it('adds up to the same Leeds total as the ward totals, for any filter', () => {
    const out = new Float64Array(data.pointCount);
    for (const f of [
      filter('2024-03', '2025-03', ALL_TYPES),
      filter('2025-02', '2025-03', [BURGLARY], true),
      filter('2024-03', '2024-03', [SHOPLIFTING, BURGLARY]),
    ]) {
      const max = pointTotals(data, f, out);
      const sum = out.reduce((a, b) => a + b, 0);
      expect(sum).toBe(wardTotals(data, f).reduce((a, b) => a + b, 0));
      expect(max).toBe(Math.max(...out));
    }
  });
});

describe('pointTotals over every month range', () => {
  it('equals a plain sum of the entries, whether or not the range spans a checkpoint', () => {
    const out = new Float64Array(data.pointCount);
    const expected = new Float64Array(data.pointCount);
    const M = data.months.length;
    let checked = 0;
    for (const types of [ALL_TYPES, [BURGLARY, SHOPLIFTING]]) {
      for (const cc of [false, true]) {
        for (let from = 0; from < M; from++) {
          for (let to = from; to < M; to++) {
            pointTotals(data, { from, to, types, excludeCityCentre: cc }, out);
            expected.fill(0);
            for (let e = data.monthStart[from] ?? 0; e < (data.monthStart[to + 1] ?? 0); e++) {
              const p = data.entryPoint[e] ?? 0;
              if (!types.includes(data.entryType[e] ?? -1)) continue;
              if (cc && (data.pointFlags[p] ?? 0) !== 0) continue;
              expected[p] = (expected[p] ?? 0) + (data.entryCount[e] ?? 0);
            }
            expect(out).toEqual(expected);
            checked += 1;
          }
        }
      }
    }
    expect(checked).toBe(4 * ((M * (M + 1)) / 2));
  });
});

describe('monthlySeries(data, filter, ward)', () => {
  it('gives null for months without data and the summary figure for the others', () => {
    const armley = wards.findIndex((w) => w.slug === 'armley');
    const series = monthlySeries(data, filter('2024-03', '2025-03', ALL_TYPES), armley);
    expect(series).toHaveLength(13);
    expect(series.filter((s) => s.count === null)).toHaveLength(10);
    for (const s of summaries) {
      const expected = (s.wardType[wards[armley]?.code ?? ''] ?? []).reduce((a, b) => a + b, 0);
      expect(series.find((x) => x.month === s.month)?.count).toBe(expected);
    }
  });
});

describe('rankWards(data, totals)', () => {
  it('orders wards by count with shared ranks for ties', () => {
    const totals = new Float64Array(data.wardSlots);
    totals[3] = 10;
    totals[5] = 10;
    totals[7] = 4;
    const ranked = rankWards(data, totals);
    expect(ranked.slice(0, 3).map((r) => [r.count, r.rank])).toEqual([
      [10, 1],
      [10, 1],
      [4, 3],
    ]);
    expect(ranked.at(-1)?.rank).toBe(4);
    expect(ranked).toHaveLength(wards.length);
  });
});

describe('monthCoverage(data, filter)', () => {
  it('says how many months of a range have no data', () => {
    expect(monthCoverage(data, filter('2024-03', '2025-03', ALL_TYPES))).toEqual({
      from: '2024-03',
      to: '2025-03',
      months: 13,
      withData: 3,
      gaps: 10,
    });
    expect(monthCoverage(data, filter('2025-02', '2025-03', ALL_TYPES)).gaps).toBe(0);
  });
});
