import { beforeAll, describe, expect, it } from 'vitest';
import { encodeMapData } from '../../../src/shared/encode-map-data.ts';
import { CRIME_TYPES } from '../../../src/shared/constants.ts';
import { decodeMapData, type MapData } from '../../../src/shared/map-data.ts';
import type { MonthSummary, Ward } from '../../../src/shared/schema.ts';
import {
  monthCoverage,
  monthlySeries,
  pointTotals,
  residentsFor,
  wardCumulative,
  wardTotals,
  wardTypeTotals,
  type MapFilter,
  type WardCumulative,
} from '../../../src/lib/map-filter.ts';
import { rateUnit, wardRate } from '../../../src/lib/map-rates.ts';
import { monthRange } from '../../../src/shared/months.ts';
import { sampleSummaries } from '../../support/sample-summaries.ts';
import { seededRandom } from '../../support/seeded-random.ts';

let summaries: MonthSummary[];
let wards: Ward[];
let data: MapData;
let cumulative: WardCumulative;

beforeAll(async () => {
  ({ summaries, wards } = await sampleSummaries());
  data = decodeMapData(encodeMapData(summaries, wards));
  cumulative = wardCumulative(data);
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

describe('wardTotals(data, filter, wardCumulative(data))', () => {
  it('equals the summaries for all types over the whole range', () => {
    const totals = wardTotals(data, filter('2024-03', '2025-03', ALL_TYPES), cumulative);
    const expected = expectedByWard(['2024-03', '2025-02', '2025-03'], ALL_TYPES, false);
    wards.forEach((w, i) => expect(totals[i], w.name).toBe(expected.get(w.code) ?? 0));
    const all = summaries.reduce((a, s) => a + s.kept, 0);
    expect(totals.reduce((a, b) => a + b, 0)).toBe(all);
  });

  it('counts only the chosen types and months, and leaves out LS1 and LS2 when asked', () => {
    const f = filter('2025-02', '2025-03', [BURGLARY, SHOPLIFTING], true);
    const totals = wardTotals(data, f, cumulative);
    const expected = expectedByWard(['2025-02', '2025-03'], [BURGLARY, SHOPLIFTING], true);
    wards.forEach((w, i) => expect(totals[i], w.name).toBe(expected.get(w.code) ?? 0));
    const withCityCentre = wardTotals(data, { ...f, excludeCityCentre: false }, cumulative);
    expect(withCityCentre.reduce((a, b) => a + b, 0)).toBeGreaterThan(
      totals.reduce((a, b) => a + b, 0),
    );
  });

  it('is zero everywhere when no type is chosen', () => {
    expect(
      wardTotals(data, filter('2024-03', '2025-03', []), cumulative).every((n) => n === 0),
    ).toBe(true);
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
      expect(sum).toBe(wardTotals(data, f, cumulative).reduce((a, b) => a + b, 0));
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

describe('pointTotals over many months with gaps', () => {
  /** The sample months laid over five years, with gaps, so ranges cross several checkpoints. */
  function longData(): MapData {
    const long: MonthSummary[] = [];
    for (let m = 0; m < 60; m++) {
      // Gaps: a run of missing months, one across a checkpoint, and some odd ones.
      if ((m >= 17 && m <= 21) || m === 35 || m === 36 || m % 11 === 7) continue;
      const year = 2020 + Math.floor(m / 12);
      const month = `${year}-${String((m % 12) + 1).padStart(2, '0')}`;
      const source = summaries[m % summaries.length] as MonthSummary;
      long.push({ ...source, month });
    }
    return decodeMapData(encodeMapData(long, wards));
  }

  /** A plain count of the decoded entries: every month of the range, one entry at a time. */
  function direct(d: MapData, f: MapFilter): Float64Array {
    const expected = new Float64Array(d.pointCount);
    for (let e = d.monthStart[f.from] ?? 0; e < (d.monthStart[f.to + 1] ?? 0); e++) {
      const p = d.entryPoint[e] ?? 0;
      if (!f.types.includes(d.entryType[e] ?? -1)) continue;
      if (f.excludeCityCentre && (d.pointFlags[p] ?? 0) !== 0) continue;
      expected[p] = (expected[p] ?? 0) + (d.entryCount[e] ?? 0);
    }
    return expected;
  }

  it('equals a direct count of the entries for random windows and type sets', () => {
    const d = longData();
    expect(d.months).toHaveLength(60);
    expect(d.checkpoints).toBe(6);
    expect(d.hasData.filter((h) => !h).length).toBeGreaterThan(8);
    const next = seededRandom(13);
    const out = new Float64Array(d.pointCount);
    let crossing = 0;
    for (let i = 0; i < 300; i++) {
      const a = Math.floor(next() * 60);
      const b = Math.floor(next() * 60);
      const shape = i % 4;
      // All types, all but one or two (the all-types total less those), a few, or one.
      const types = ALL_TYPES.filter((t) =>
        shape === 0
          ? true
          : shape === 1
            ? t % 7 !== i % 7
            : shape === 2
              ? next() < 0.3
              : t === i % 14,
      );
      const f: MapFilter = {
        from: Math.min(a, b),
        to: Math.max(a, b),
        types,
        excludeCityCentre: next() < 0.3,
      };
      const max = pointTotals(d, f, out);
      const expected = direct(d, f);
      expect(out, JSON.stringify(f)).toEqual(expected);
      expect(max).toBe(Math.max(0, ...expected));
      if (Math.floor(f.from / 12) !== Math.floor(f.to / 12)) crossing += 1;
    }
    // Most windows cross a checkpoint without starting or ending on one.
    expect(crossing).toBeGreaterThan(150);
  });

  it('wardTotals with one wardCumulative kept for every filter equals the months added one by one', () => {
    const d = longData();
    const T = d.crimeTypes.length;
    /** The per-month ward totals of the range, added month by month. */
    const byMonth = (f: MapFilter) => {
      const totals = new Float64Array(d.wardSlots);
      for (let m = f.from; m <= f.to; m++) {
        for (let w = 0; w < d.wardSlots; w++) {
          for (const t of f.types) {
            const i = (m * d.wardSlots + w) * T + t;
            totals[w] =
              (totals[w] ?? 0) +
              (d.monthWardType[i] ?? 0) -
              (f.excludeCityCentre ? (d.cityCentreMonthWardType[i] ?? 0) : 0);
          }
        }
      }
      return totals;
    };
    const kept = wardCumulative(d);
    const next = seededRandom(29);
    let counted = 0;
    for (let i = 0; i < 200; i++) {
      const a = Math.floor(next() * 60);
      const b = Math.floor(next() * 60);
      const f: MapFilter = {
        from: Math.min(a, b),
        to: Math.max(a, b),
        types: ALL_TYPES.filter(() => next() < 0.6),
        excludeCityCentre: next() < 0.4,
      };
      const expected = byMonth(f);
      expect(wardTotals(d, f, kept), JSON.stringify(f)).toEqual(expected);
      if (expected.some((n) => n > 0)) counted += 1;
    }
    // Most filters count something (the rest: no type, or only months without data).
    expect(counted).toBeGreaterThan(150);
  });

  it('gives the same totals for every 12-month window, aligned with a checkpoint or not', () => {
    const d = longData();
    const out = new Float64Array(d.pointCount);
    for (const types of [ALL_TYPES, ALL_TYPES.slice(1), [BURGLARY, SHOPLIFTING]]) {
      for (let from = 0; from + 11 < d.months.length; from++) {
        const f: MapFilter = { from, to: from + 11, types, excludeCityCentre: false };
        pointTotals(d, f, out);
        expect(out, JSON.stringify(f)).toEqual(direct(d, f));
      }
    }
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

describe('wardTypeTotals(data, filter, ward)', () => {
  it("gives a ward's crimes of each chosen type over the range, from the summaries", () => {
    const armley = wards.findIndex((w) => w.slug === 'armley');
    const totals = wardTypeTotals(
      data,
      filter('2024-03', '2025-03', [BURGLARY, SHOPLIFTING]),
      armley,
    );
    const expected = CRIME_TYPES.map(() => 0);
    for (const s of summaries) {
      const row = s.wardType[wards[armley]?.code ?? ''] ?? [];
      for (const t of [BURGLARY, SHOPLIFTING]) expected[t] = (expected[t] ?? 0) + (row[t] ?? 0);
    }
    expect(totals).toEqual(expected);
    expect((totals[BURGLARY] ?? 0) + (totals[SHOPLIFTING] ?? 0)).toBeGreaterThan(0);
  });
});

describe('monthCoverage(data, filter)', () => {
  it('says which months of a range have data and which have none', () => {
    // The summaries hold March 2024 and February to March 2025: the months between are gaps.
    const held = new Set(summaries.map((s) => s.month));
    const calendar = monthRange('2024-03', '2025-03');
    expect(monthCoverage(data, filter('2024-03', '2025-03', ALL_TYPES))).toEqual({
      from: '2024-03',
      to: '2025-03',
      months: 13,
      monthsWithData: calendar.filter((m) => held.has(m)),
      monthsWithoutData: calendar.filter((m) => !held.has(m)),
    });
    expect(calendar.filter((m) => held.has(m))).toHaveLength(3);
    expect(calendar.filter((m) => !held.has(m))).toEqual(monthRange('2024-04', '2025-01'));
    const full = monthCoverage(data, filter('2025-02', '2025-03', ALL_TYPES));
    expect([full.monthsWithoutData.length, full.monthsWithoutData]).toEqual([0, []]);
  });
});

describe('residentsFor(data, filter, ward) with wardRate and rateUnit over monthCoverage', () => {
  const LITTLE_LONDON = 'E05011403';
  /** The map's rate for a filter, as the island computes it (src/islands/use-figures.ts). */
  const rateFor = (f: MapFilter, ward: number | null, count: number) => {
    const { monthsWithData } = monthCoverage(data, f);
    return {
      value: wardRate(count, residentsFor(data, f, ward), monthsWithData),
      months: monthsWithData.length,
      unit: rateUnit(monthsWithData),
    };
  };

  it('residentsFor leaves the city-centre residents out of the denominator when the centre is', () => {
    const w = data.wards.findIndex((x) => x.code === LITTLE_LONDON);
    const ward = wards.find((x) => x.code === LITTLE_LONDON)!;
    expect(ward.cityCentreResidents).toBeGreaterThan(1000);
    const all = filter('2025-02', '2025-03', ALL_TYPES);
    const excluded = filter('2025-02', '2025-03', ALL_TYPES, true);
    expect(residentsFor(data, all, w)).toBe(ward.population);
    expect(residentsFor(data, excluded, w)).toBe(ward.population - ward.cityCentreResidents);
    const leeds = wards.reduce((sum, x) => sum + x.population, 0);
    const centre = wards.reduce((sum, x) => sum + x.cityCentreResidents, 0);
    expect(residentsFor(data, all, null)).toBe(leeds);
    expect(residentsFor(data, excluded, null)).toBe(leeds - centre);
  });

  it('with the centre excluded, the rate divides the crimes outside it by the residents outside it', () => {
    const w = data.wards.findIndex((x) => x.code === LITTLE_LONDON);
    const ward = wards.find((x) => x.code === LITTLE_LONDON)!;
    const excluded = filter('2025-02', '2025-03', ALL_TYPES, true);
    const count = expectedByWard(['2025-02', '2025-03'], ALL_TYPES, true).get(LITTLE_LONDON)!;
    const rate = rateFor(excluded, w, count);
    expect(rate.value).toBeCloseTo(
      (count / (ward.population - ward.cityCentreResidents)) * 1000,
      9,
    );
    expect(rate.unit).toBe('per 1,000 residents over 2 months');
  });

  it('a range with 1-3 months of data is never scaled up to a year', () => {
    const one = filter('2024-03', '2024-03', ALL_TYPES);
    const rate = rateFor(one, null, 1234);
    const leeds = wards.reduce((sum, x) => sum + x.population, 0);
    expect(rate.value).toBeCloseTo((1234 / leeds) * 1000, 9);
    expect(rate.months).toBe(1);
    expect(rate.unit).toBe('per 1,000 residents over 1 month');
    // 13 calendar months, 3 of them with data: the rate is over those 3.
    const gappy = rateFor(filter('2024-03', '2025-03', ALL_TYPES), null, 1234);
    expect(gappy.months).toBe(3);
    expect(gappy.unit).toBe('per 1,000 residents over 3 months');
    expect(gappy.value).toBeCloseTo((1234 / leeds) * 1000, 9);
  });

  it('the rate is null over a range without any month of data', () => {
    expect(rateFor(filter('2024-05', '2025-01', ALL_TYPES), null, 0).value).toBeNull();
  });
});
