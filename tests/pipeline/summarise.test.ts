import { beforeAll, describe, expect, it } from 'vitest';
import { CRIME_TYPES } from '../../src/shared/constants.ts';
import type { EnrichedCrime, MonthSummary } from '../../src/shared/schema.ts';
import { createMonthSummariser, NO_OUTCOME } from '../../pipeline/summarise.ts';
import { countBy, sampleMonth, TEST_WARDS } from '../support/sample-rows.ts';

const META = {
  month: '2025-03',
  source: 'archive' as const,
  snapshot: 'sample',
  fetchedAt: '2025-05-01T00:00:00.000Z',
};

function summarise(rows: readonly EnrichedCrime[]): MonthSummary {
  const summariser = createMonthSummariser(META);
  for (const row of rows) {
    summariser.read();
    summariser.add(row);
  }
  return summariser.finish();
}

describe('createMonthSummariser(meta) over the real March 2025 rows', () => {
  let rows: EnrichedCrime[];
  let summary: MonthSummary;
  beforeAll(() => {
    rows = sampleMonth('2025-03');
    summary = summarise(rows);
  });

  it('keeps every row added and records the month provenance', () => {
    expect(rows.length).toBe(9304);
    expect(summary).toMatchObject({ ...META, read: 9304, kept: 9304, rows: 9304 });
    expect(Object.values(summary.dropped).every((n) => n === 0)).toBe(true);
  });

  it('wardType holds, for each ward, the number of input rows of each crime type', () => {
    for (const ward of TEST_WARDS.slice(0, 2)) {
      const expected = countBy(
        rows.filter((r) => r.wardCode === ward.code),
        (r) => r.crimeType,
      );
      const counts = summary.wardType[ward.code] ?? [];
      CRIME_TYPES.forEach((type, i) => expect(counts[i], type).toBe(expected.get(type) ?? 0));
    }
    // The third test ward is given no rows: it has no entry (aggregate fills in zeros).
    expect(summary.wardType[TEST_WARDS[2]?.code ?? '']).toBeUndefined();
  });

  it('stores an empty outcome as "No outcome recorded" (anti-social behaviour has none)', () => {
    const empty = rows.filter((r) => r.outcome === '');
    expect(empty.length).toBeGreaterThan(0);
    expect(empty.every((r) => r.crimeType === 'Anti-social behaviour')).toBe(true);
    const recorded = Object.values(summary.wardOutcome).reduce(
      (sum, outcomes) => sum + (outcomes[NO_OUTCOME] ?? 0),
      0,
    );
    expect(recorded).toBe(empty.length);
    expect(Object.values(summary.wardOutcome).some((o) => '' in o)).toBe(false);
  });

  it('wardOutcome and wardStreet count every kept row once per ward', () => {
    for (const ward of TEST_WARDS.slice(0, 2)) {
      const inWard = rows.filter((r) => r.wardCode === ward.code);
      const byStreet = countBy(inWard, (r) => r.location);
      expect(new Map(Object.entries(summary.wardStreet[ward.code] ?? {}))).toEqual(byStreet);
      const outcomes = Object.values(summary.wardOutcome[ward.code] ?? {});
      expect(outcomes.reduce((a, b) => a + b, 0)).toBe(inWard.length);
    }
  });

  it('has one point per distinct coordinate whose type counts add up to the rows there', () => {
    const byCoordinate = countBy(rows, (r) => `${r.longitude},${r.latitude}`);
    expect(summary.points.length).toBe(byCoordinate.size);
    for (const point of summary.points) {
      const total = point.counts.reduce((a, b) => a + b, 0);
      expect(total).toBe(byCoordinate.get(`${point.lon},${point.lat}`));
    }
    const first = rows[0] as EnrichedCrime;
    const point = summary.points.find((p) => p.lon === first.longitude && p.lat === first.latitude);
    expect(point).toMatchObject({ ward: first.wardCode, postcodeDistrict: 'LS1' });
  });

  it('counts coverage: every kept row has an LSOA, ward and postcode district, no polling district', () => {
    expect(summary.coverage).toEqual({
      lsoa: 9304,
      ward: 9304,
      postcodeDistrict: 9304,
      pollingDistrict: 0,
    });
  });

  it('gives the same summary whatever the order of the rows', () => {
    expect(summarise([...rows].reverse())).toEqual(summary);
  });
});

describe('createMonthSummariser(meta) bookkeeping', () => {
  const [row] = sampleMonth('2025-03') as [EnrichedCrime];

  it('counts dropped rows by reason and checks read = kept + dropped', () => {
    const summariser = createMonthSummariser(META);
    summariser.read(4);
    summariser.add(row);
    summariser.drop('outside-district');
    summariser.drop('outside-district');
    summariser.drop('duplicate');
    const summary = summariser.finish();
    expect(summary.read).toBe(4);
    expect(summary.kept).toBe(1);
    expect(summary.dropped).toMatchObject({
      'outside-district': 2,
      duplicate: 1,
      'no-coordinates': 0,
    });
  });

  it('finish() throws, naming the month, when a row read was neither kept nor dropped', () => {
    const summariser = createMonthSummariser(META);
    summariser.read(2);
    summariser.add(row);
    expect(() => summariser.finish()).toThrow(/2025-03: 2 rows were read but 1 kept \+ 0 dropped/);
  });

  it('add() refuses a crime of another month', () => {
    const summariser = createMonthSummariser(META);
    expect(() => summariser.add({ ...row, month: '2025-02' })).toThrow(
      /A 2025-02 crime .* summary of 2025-03/,
    );
  });

  it('a row without a ward counts as kept and in its point, but in no ward and not in coverage.ward', () => {
    const summariser = createMonthSummariser(META);
    summariser.read(1);
    summariser.add({ ...row, wardCode: '', wardName: '' });
    const summary = summariser.finish();
    expect(summary.kept).toBe(1);
    expect(summary.coverage.ward).toBe(0);
    expect(summary.wardType).toEqual({});
    expect(summary.points).toHaveLength(1);
  });

  it('counts an estimated postcode district only where there is a district', () => {
    const summariser = createMonthSummariser(META);
    const estimated = { ...row, postcodeDistrictEstimated: true };
    summariser.read(4);
    summariser.add(estimated);
    summariser.add(estimated);
    summariser.add(row);
    summariser.add({ ...estimated, postcodeDistrict: '' });
    const summary = summariser.finish();
    expect(summary.coverage.postcodeDistrict).toBe(3);
    expect(summary.postcodeDistrictApproximate).toBe(2);
  });

  it('counts a street or outcome named like an object property ("__proto__") as any other', () => {
    const summariser = createMonthSummariser(META);
    const names = ['__proto__', 'constructor', 'toString', 'On or near Park Lane'];
    summariser.read(names.length + 1);
    for (const location of names) summariser.add({ ...row, location, outcome: location });
    summariser.add({ ...row, location: '__proto__', outcome: '__proto__' });
    const summary = summariser.finish();
    // Own keys all (in an object literal, "__proto__: 2" would set the prototype instead).
    const expected = Object.fromEntries([
      ['__proto__', 2],
      ['constructor', 1],
      ['toString', 1],
      ['On or near Park Lane', 1],
    ]);
    for (const record of [summary.wardStreet, summary.wardOutcome]) {
      const counts = record[row.wardCode]!;
      // In the order the rows first gave them.
      expect(Object.keys(counts)).toEqual(names);
      expect(JSON.parse(JSON.stringify(counts))).toEqual(JSON.parse(JSON.stringify(expected)));
    }
  });

  it('counts rows at one place under the ward and street each gives, as they change and back', () => {
    const other = TEST_WARDS.find((w) => w.code !== row.wardCode)!;
    const places = [
      { wardCode: row.wardCode, location: 'On or near Park Lane' },
      { wardCode: row.wardCode, location: 'On or near Park Lane' },
      { wardCode: other.code, location: 'On or near Park Lane' },
      { wardCode: row.wardCode, location: 'On or near Park Lane' },
      { wardCode: row.wardCode, location: 'On or near Mill Street' },
      { wardCode: other.code, location: 'On or near Mill Street' },
      { wardCode: other.code, location: 'On or near Park Lane' },
    ];
    const summariser = createMonthSummariser(META);
    summariser.read(places.length);
    for (const place of places) summariser.add({ ...row, ...place });
    const summary = summariser.finish();
    const expected = (code: string) =>
      Object.fromEntries(
        countBy(
          places.filter((p) => p.wardCode === code),
          (p) => p.location,
        ),
      );
    expect({ ...summary.wardStreet[row.wardCode] }).toEqual(expected(row.wardCode));
    expect({ ...summary.wardStreet[other.code] }).toEqual(expected(other.code));
    expect(summary.wardType[row.wardCode]?.reduce((a, b) => a + b, 0)).toBe(4);
    expect(summary.wardType[other.code]?.reduce((a, b) => a + b, 0)).toBe(3);
    expect(summary.points).toHaveLength(1);
  });

  it('counts kept rows by "Reported by" and "Falls within"', () => {
    const summariser = createMonthSummariser(META);
    summariser.read(3);
    const btp = { reportedBy: 'British Transport Police', fallsWithin: 'British Transport Police' };
    summariser.add(row);
    summariser.add({ ...row, ...btp });
    summariser.add(row);
    expect(summariser.finish().forces).toEqual([
      { ...btp, count: 1 },
      { reportedBy: row.reportedBy, fallsWithin: row.fallsWithin, count: 2 },
    ]);
  });
});
