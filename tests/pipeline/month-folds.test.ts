// Months folded in one at a time (SiteDataFold, MapDataEncoder, MonthFolds) give what the
// all-at-once aggregation and encoder they replaced gave (tests/support/all-at-once/), on the
// summaries of the real sample months, whatever the order and after a month is replaced.
import { beforeAll, describe, expect, it } from 'vitest';
import { SiteDataFold } from '../../pipeline/aggregate.ts';
import { MonthFolds } from '../../pipeline/month-folds.ts';
import { monthParts } from '../../pipeline/month-parts.ts';
import { LEEDS_CENTRE } from '../../pipeline/population.ts';
import { DropTally } from '../../pipeline/report.ts';
import type { MonthPlan } from '../../pipeline/merge.ts';
import { centreTest } from '../../src/shared/area.ts';
import { MapDataEncoder } from '../../src/shared/map-data-encoder.ts';
import { decodeMapData } from '../../src/shared/map-data.ts';
import { mapDataLicence } from '../../src/shared/map-data-licence.ts';
import type { MonthSummary, Ward } from '../../src/shared/schema.ts';
import { aggregateSiteData as allAtOnceSiteData } from '../support/all-at-once/aggregate.ts';
import { encodeMapData as allAtOnceMapData } from '../support/all-at-once/map-data-encoder.ts';
import { sampleSummaries } from '../support/sample-summaries.ts';

const GENERATED_AT = '2025-05-02T10:00:00.000Z';
const inCentre = centreTest(LEEDS_CENTRE);

let summaries: MonthSummary[];
let wards: Ward[];
/** 2025-02 recounted without every third row, as a month that lost rows is. */
let recounted: MonthSummary;

beforeAll(async () => {
  ({ summaries, wards } = await sampleSummaries());
  const thinned = await sampleSummaries((month, i) => month !== '2025-02' || i % 3 !== 0);
  recounted = thinned.summaries.find((s) => s.month === '2025-02')!;
}, 60_000);

/** The sample months in the orders a run can settle them in. */
function orders(): MonthSummary[][] {
  const [a, b, c] = summaries as [MonthSummary, MonthSummary, MonthSummary];
  return [
    [a, b, c],
    [c, b, a],
    [b, c, a],
  ];
}

function siteDataOf(months: readonly MonthSummary[]) {
  const fold = new SiteDataFold();
  for (const summary of months) fold.add(monthParts(summary));
  return fold.result(wards, GENERATED_AT);
}

function mapDataOf(months: readonly MonthSummary[]): Uint8Array {
  const encoder = new MapDataEncoder(inCentre);
  for (const summary of months) {
    encoder.add({ month: summary.month, points: monthParts(summary).points });
  }
  return encoder.encode(wards, mapDataLicence());
}

describe('SiteDataFold, months added one at a time', () => {
  it('gives the site data of all the months at once, whatever the order', () => {
    const expected = allAtOnceSiteData(summaries, wards, GENERATED_AT);
    for (const months of orders()) {
      expect(siteDataOf(months), months.map((s) => s.month).join(' ')).toEqual(expected);
    }
  });

  it('needs no streets of a month before the latest 12, and refuses to do without those of one among them', () => {
    const expected = allAtOnceSiteData(summaries, wards, GENERATED_AT);
    // The sample's latest 12 months run from 2024-04 to 2025-03: 2024-03 is before them.
    const withoutStreets = (month: string) => {
      const fold = new SiteDataFold();
      for (const s of summaries) fold.add(monthParts(s, s.month !== month));
      return fold.result(wards, GENERATED_AT);
    };
    expect(withoutStreets('2024-03')).toEqual(expected);
    expect(() => withoutStreets('2025-02')).toThrow(/streets of 2025-02 were left out/);
  });

  it('refuses a month given twice, and the replacement of a month never added', () => {
    const fold = new SiteDataFold();
    fold.add(monthParts(summaries[0]!));
    expect(() => fold.add(monthParts(summaries[0]!))).toThrow(/given twice/);
    expect(() => fold.replace(monthParts(summaries[1]!))).toThrow(/never added/);
  });
});

describe('MapDataEncoder, months added one at a time', () => {
  it('gives the bytes of the all-at-once encoder, whatever the order', () => {
    const expected = allAtOnceMapData(summaries, wards, inCentre);
    for (const months of orders()) {
      expect(mapDataOf(months), months.map((s) => s.month).join(' ')).toEqual(expected);
    }
  });

  it('gives the bytes of the all-at-once encoder for months with gaps between them', () => {
    const [a, , c] = summaries as [MonthSummary, MonthSummary, MonthSummary];
    const expected = allAtOnceMapData([a, c], wards, inCentre);
    expect(mapDataOf([c, a])).toEqual(expected);
    expect(decodeMapData(expected).hasData.filter(Boolean)).toHaveLength(2);
  });

  it('gives the bytes of the all-at-once encoder for points at one quantised position and a month with none', () => {
    const [a, , c] = summaries as [MonthSummary, MonthSummary, MonthSummary];
    // Copies of a month's points a quarter of the quantisation step away (1e-5 degrees): each
    // lands on its original's position, ward and types, so their counts are summed.
    const near = a.points.slice(0, 40).map((p) => ({ ...p, lon: p.lon + 0.25e-5 }));
    const doubled = { ...a, points: [...a.points, ...near] };
    const empty = { ...c, month: '2025-06', points: [] };
    const expected = allAtOnceMapData([doubled, c, empty], wards, inCentre);
    expect(mapDataOf([empty, doubled, c])).toEqual(expected);
    const decoded = decodeMapData(expected);
    expect(decoded.hasData.filter(Boolean)).toHaveLength(3);
    expect(decoded.entryCount.length).toBeLessThan(
      decodeMapData(allAtOnceMapData([a, c], wards, inCentre)).entryCount.length + near.length,
    );
  });
});

describe('MonthFolds.replace(outcome, month): a month that lost rows', () => {
  const plan = (month: string) => ({ month }) as MonthPlan;
  const settled = (summary: MonthSummary) => ({
    parts: monthParts(summary),
    drops: new DropTally(),
    csv: `${summary.month}.csv`,
  });

  it('gives the outputs of the final months folded at once, without the points only the old month had', () => {
    const folds = new MonthFolds(LEEDS_CENTRE);
    const outcomes = summaries.map((s) => folds.add(settled(s), plan(s.month), false));
    const before = folds.mapData.encode(wards, mapDataLicence());
    const old = outcomes.find((o) => o.plan.month === '2025-02')!;
    const replaced = folds.replace(old, settled(recounted));
    expect(replaced.summary.kept).toBe(recounted.kept);

    const final = summaries.map((s) => (s.month === '2025-02' ? recounted : s));
    const expectedMap = allAtOnceMapData(final, wards, inCentre);
    expect(folds.mapData.encode(wards, mapDataLicence())).toEqual(expectedMap);
    expect(folds.siteData.result(wards, GENERATED_AT)).toEqual(
      allAtOnceSiteData(final, wards, GENERATED_AT),
    );
    // The recount lost points only 2025-02 had: they are gone from the map, not left empty.
    expect(decodeMapData(expectedMap).pointCount).toBeLessThan(decodeMapData(before).pointCount);
  });

  it('refuses a month added twice, and the replacement of a month never added', () => {
    const encoder = new MapDataEncoder(inCentre);
    const { month, points } = { month: '2024-03', points: monthParts(summaries[0]!).points };
    encoder.add({ month, points });
    expect(() => encoder.add({ month, points })).toThrow(/Two summaries for 2024-03/);
    expect(() => encoder.replace({ month: '2025-02', points })).toThrow(/never added/);
  });
});
