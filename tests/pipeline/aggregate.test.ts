import { beforeAll, describe, expect, it } from 'vitest';
import { CRIME_TYPES } from '../../src/shared/constants.ts';
import type { EnrichedCrime, MonthSummary, SiteData } from '../../src/shared/schema.ts';
import { createMonthSummariser } from '../../pipeline/summarise.ts';
import { aggregateSiteData, topStreets, TOP_STREETS_PER_WARD } from '../../pipeline/aggregate.ts';
import { countBy, sampleMonth, TEST_WARDS } from '../support/sample-rows.ts';

const GENERATED_AT = '2025-05-02T10:00:00.000Z';
/** Test rule for approximate postcode districts: points west of 1.6° W. */
const WEST = -1.6;
const westIsApproximate = (lon: number): boolean => lon < WEST;
const SAMPLE_MONTHS = ['2024-03', '2025-02', '2025-03'];
/**
 * The Leeds sample's location names that name a kind of place and no street: each is given to
 * points all over the district (every supermarket is "On or near Supermarket"). Read off the
 * sample's rows, so the test does not take the list from the code it checks.
 */
const KINDS_IN_SAMPLE = [
  'Bus/Coach Station',
  'Conference/Exhibition Centre',
  'Further/Higher Educational Building',
  'Hospital',
  'Nightclub',
  'Park/Open Space',
  'Parking Area',
  'Petrol Station',
  'Police Station',
  'Prison',
  'Shopping Area',
  'Sports/Recreation Area',
  'Supermarket',
  'Theatre/Concert Hall',
];
const kindOf = (location: string): string | undefined =>
  KINDS_IN_SAMPLE.find((kind) => location === `On or near ${kind}`);

function summarise(month: string, rows: readonly EnrichedCrime[]): MonthSummary {
  const summariser = createMonthSummariser({
    month,
    source: 'archive',
    snapshot: 'sample',
    fetchedAt: '2025-05-01T00:00:00.000Z',
  });
  summariser.read(rows.length + 3);
  for (const row of rows) {
    summariser.add({ ...row, postcodeDistrictEstimated: westIsApproximate(row.longitude) });
  }
  summariser.drop('outside-district');
  summariser.drop('outside-district');
  summariser.drop('no-coordinates');
  return summariser.finish();
}

describe('aggregateSiteData(summaries, wards, generatedAt) over the three sample months', () => {
  const rows = new Map<string, EnrichedCrime[]>();
  let data: SiteData;
  beforeAll(() => {
    for (const month of SAMPLE_MONTHS) rows.set(month, sampleMonth(month));
    // Given newest first, to check the months come out sorted.
    const summaries = [...SAMPLE_MONTHS].reverse().map((m) => summarise(m, rows.get(m) ?? []));
    data = aggregateSiteData(summaries, TEST_WARDS, GENERATED_AT);
  });

  it('sorts the months and leaves months without data absent, never as zeros', () => {
    expect(data.months).toEqual(SAMPLE_MONTHS);
    expect(data.provenance.map((p) => p.month)).toEqual(SAMPLE_MONTHS);
    expect(data.counts.every((ward) => ward.length === 3)).toBe(true);
  });

  it('orders wards by name and sums their populations for Leeds', () => {
    expect(data.wards.map((w) => w.name)).toEqual([
      'Ardsley & Robin Hood',
      'Hunslet & Riverside',
      'Little London & Woodhouse',
    ]);
    expect(data.districtPopulation).toBe(21652 + 33000 + 31000);
  });

  it('counts[ward][month][type] equals the number of input rows of that ward, month and type', () => {
    data.wards.forEach((ward, w) => {
      data.months.forEach((month, m) => {
        const expected = countBy(
          (rows.get(month) ?? []).filter((r) => r.wardCode === ward.code),
          (r) => r.crimeType,
        );
        CRIME_TYPES.forEach((type, t) => {
          expect(data.counts[w]?.[m]?.[t], `${ward.name} ${month} ${type}`).toBe(
            expected.get(type) ?? 0,
          );
        });
      });
    });
    // Ardsley & Robin Hood is given no rows: zeros in months that have data.
    expect(data.counts[0]?.flat().every((n) => n === 0)).toBe(true);
  });

  it('outcomes[ward][month] cover every crime of that ward and month once', () => {
    data.wards.forEach((_, w) => {
      data.months.forEach((_, m) => {
        const outcomes = data.outcomes[w]?.[m] ?? [];
        const crimes = data.counts[w]?.[m] ?? [];
        expect(outcomes.reduce((a, b) => a + b, 0)).toBe(crimes.reduce((a, b) => a + b, 0));
      });
    });
    expect(data.outcomeCategories).toContain('No outcome recorded');
    expect(data.outcomeCategories).toEqual([...data.outcomeCategories].sort());
  });

  it('topStreets covers the 12 months to the latest month, only months with data counting', () => {
    expect(data.topStreets.window).toEqual({ from: '2024-04', to: '2025-03' });
    const hunslet = data.wards.findIndex((w) => w.code === 'E05011399');
    const inWindow = [...(rows.get('2025-02') ?? []), ...(rows.get('2025-03') ?? [])].filter(
      (r) => r.wardCode === 'E05011399' && kindOf(r.location) === undefined,
    );
    const expected = [...countBy(inWindow, (r) => r.location)]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, TOP_STREETS_PER_WARD)
      .map(([location, count]) => ({ location, count }));
    expect(data.topStreets.byWard[hunslet]).toEqual(expected);
    expect(data.topStreets.byWard[0]).toEqual([]);
    // Every ward: the streets left out that tie with the last one listed.
    data.wards.forEach((ward, w) => {
      const counts = countBy(
        [...(rows.get('2025-02') ?? []), ...(rows.get('2025-03') ?? [])].filter(
          (r) => r.wardCode === ward.code && kindOf(r.location) === undefined,
        ),
        (r) => r.location,
      );
      const listed = data.topStreets.byWard[w] ?? [];
      const last = listed.at(-1);
      const tied =
        listed.length < TOP_STREETS_PER_WARD || last === undefined
          ? 0
          : [...counts].filter(
              ([location, n]) => n === last.count && !listed.some((s) => s.location === location),
            ).length;
      expect(data.topStreets.tiedBeyond[w], ward.name).toBe(tied);
    });
  });

  it('topStreets ranks no kind of place as a street, and counts each kind apart, none lost', () => {
    const window = [...(rows.get('2025-02') ?? []), ...(rows.get('2025-03') ?? [])];
    let kindsOverTheCut = 0;
    data.wards.forEach((ward, w) => {
      const inWard = window.filter((r) => r.wardCode === ward.code);
      const listed = data.topStreets.byWard[w] ?? [];
      const kinds = data.topStreets.placeKinds[w] ?? [];
      for (const street of listed) expect(kindOf(street.location), street.location).toBeUndefined();
      // Each kind: every row of the ward at a place of that kind, most first.
      const expected = [...countBy(inWard, (r) => kindOf(r.location) ?? '')]
        .filter(([kind]) => kind !== '')
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([kind, count]) => ({ kind, count }));
      expect(kinds, ward.name).toEqual(expected);
      // Conserved: the listed streets, the kinds and the other streets make the ward's total.
      const streetsTotal = listed.reduce((n, s) => n + s.count, 0);
      const kindsTotal = kinds.reduce((n, k) => n + k.count, 0);
      const others = inWard.filter(
        (r) => kindOf(r.location) === undefined && !listed.some((s) => s.location === r.location),
      ).length;
      const wardTotal = ['2025-02', '2025-03']
        .map((m) => data.months.indexOf(m))
        .reduce((n, m) => n + (data.counts[w]?.[m] ?? []).reduce((a, b) => a + b, 0), 0);
      expect(streetsTotal + kindsTotal + others, ward.name).toBe(wardTotal);
      // The defect this guards against: a kind that adds up enough places to outrank a street.
      const cut = listed.at(-1)?.count ?? Infinity;
      kindsOverTheCut += kinds.filter((k) => k.count > cut).length;
    });
    expect(kindsOverTheCut).toBeGreaterThan(0);
    expect(data.topStreets.placeKinds[0]).toEqual([]);
  });

  it('quality totals add up every month: rows read, kept, dropped by reason, coverage', () => {
    const kept = SAMPLE_MONTHS.reduce((n, m) => n + (rows.get(m)?.length ?? 0), 0);
    expect(kept).toBe(26721);
    expect(data.quality.kept).toBe(kept);
    expect(data.quality.read).toBe(kept + 9);
    expect(data.quality.dropped).toMatchObject({ 'outside-district': 6, 'no-coordinates': 3 });
    expect(data.quality.coverage.ward).toBe(kept);
  });

  it('forces counts the kept rows by their "Reported by" and "Falls within", most first', () => {
    const all = SAMPLE_MONTHS.flatMap((m) => rows.get(m) ?? []);
    const expected = [...countBy(all, (r) => JSON.stringify([r.reportedBy, r.fallsWithin]))]
      .map(([key, count]) => {
        const [reportedBy, fallsWithin] = JSON.parse(key) as [string, string];
        return { reportedBy, fallsWithin, count };
      })
      .sort((a, b) => b.count - a.count);
    expect(data.forces).toEqual(expected);
    expect(data.forces.reduce((n, f) => n + f.count, 0)).toBe(data.quality.kept);
  });

  it('postcodeDistricts sums the months: kept rows with an exact, an approximate or no district', () => {
    const all = SAMPLE_MONTHS.flatMap((m) => rows.get(m) ?? []);
    const withDistrict = all.filter((r) => r.postcodeDistrict !== '');
    const approximate = withDistrict.filter((r) => r.longitude < WEST).length;
    expect(approximate).toBeGreaterThan(0);
    expect(data.postcodeDistricts).toEqual({
      exact: withDistrict.length - approximate,
      approximate,
      none: all.length - withDistrict.length,
    });
  });

  it('records generatedAt and the crime types in CRIME_TYPES order', () => {
    expect(data.generatedAt).toBe(GENERATED_AT);
    expect(data.crimeTypes).toEqual([...CRIME_TYPES]);
  });
});

describe('aggregateSiteData(summaries, wards, generatedAt) refuses data it would lose', () => {
  const march = sampleMonth('2025-03').slice(0, 50);

  it('throws when a summary has crimes in a ward that is not among the wards given', () => {
    const summary = summarise('2025-03', march);
    expect(() => aggregateSiteData([summary], TEST_WARDS.slice(2), GENERATED_AT)).toThrow(
      /2025-03 has crimes in ward\(s\) E05011399/,
    );
  });

  it('throws when the same month is given twice', () => {
    const summary = summarise('2025-03', march);
    expect(() => aggregateSiteData([summary, summary], TEST_WARDS, GENERATED_AT)).toThrow(
      /Month 2025-03 was given twice/,
    );
  });

  it('throws when there are no months at all', () => {
    expect(() => aggregateSiteData([], TEST_WARDS, GENERATED_AT)).toThrow(/No months/);
  });
});

describe('topStreets(months, wardCode)', () => {
  it('sums each street over the months and keeps the most, ties at the cut-off by name, counting those left out', () => {
    // 30 streets: counts 1-3 in the first month, more for some in the second; many tie at
    // the tenth place, so the names decide which of them are kept.
    const names = Array.from({ length: 30 }, (_, i) => `On or near Street ${(i * 7) % 30}`);
    const first = Object.fromEntries(names.map((n, i) => [n, (i % 3) + 1]));
    const second = Object.fromEntries(names.slice(0, 12).map((n, i) => [n, i % 2]));
    const months: Record<string, Record<string, number>>[] = [
      { E1: first, E2: { 'On or near Elsewhere': 9 } },
      { E1: second },
    ];
    const expected = names
      .map((location) => ({ location, count: (first[location] ?? 0) + (second[location] ?? 0) }))
      .sort((a, b) => b.count - a.count || a.location.localeCompare(b.location))
      .slice(0, TOP_STREETS_PER_WARD);
    const { streets, tiedBeyond } = topStreets(months, 'E1');
    expect(streets).toEqual(expected);
    const cut = expected.at(-1)?.count;
    const allTied = names.filter((n) => (first[n] ?? 0) + (second[n] ?? 0) === cut).length;
    const keptTied = expected.filter((s) => s.count === cut).length;
    expect(allTied - keptTied).toBeGreaterThan(0);
    expect(tiedBeyond).toBe(allTied - keptTied);
    expect(topStreets(months, 'E3')).toEqual({ streets: [], tiedBeyond: 0, placeKinds: [] });
    // Fewer streets than the cut: all listed, none left out.
    expect(topStreets(months, 'E2')).toEqual({
      streets: [{ location: 'On or near Elsewhere', count: 9 }],
      tiedBeyond: 0,
      placeKinds: [],
    });
  });

  it('leaves the kinds of place out of the ranking and its ties, and sums each kind over the months', () => {
    // Real location names: the kinds of place from the Leeds sample, and streets and named
    // places whose names hold a kind's words.
    const streets = {
      'On or near Hospital Lane': 4,
      'On or near Leeds City Bus Station': 4,
      'On or near Pudsey Bus Station': 3,
      'On or near Race Street': 2,
    };
    const months: Record<string, Record<string, number>>[] = [
      {
        E1: {
          ...streets,
          'On or near Supermarket': 40,
          'On or near Parking Area': 9,
          'On or near Theatre/Concert Hall': 2,
        },
      },
      { E1: { 'On or near Supermarket': 7, 'On or near Race Track': 2, 'On or near Prison': 4 } },
    ];
    expect(topStreets(months, 'E1')).toEqual({
      streets: [
        { location: 'On or near Hospital Lane', count: 4 },
        { location: 'On or near Leeds City Bus Station', count: 4 },
        { location: 'On or near Pudsey Bus Station', count: 3 },
        { location: 'On or near Race Street', count: 2 },
      ],
      tiedBeyond: 0,
      placeKinds: [
        { kind: 'Supermarket', count: 47 },
        { kind: 'Parking Area', count: 9 },
        { kind: 'Prison', count: 4 },
        { kind: 'Race Track', count: 2 },
        { kind: 'Theatre/Concert Hall', count: 2 },
      ],
    });
    // A full table: a kind tied with the last street is no tie left out.
    const full = Object.fromEntries(
      Array.from({ length: TOP_STREETS_PER_WARD }, (_, i) => [`On or near Road ${i}`, 5]),
    );
    const cut = topStreets([{ E1: { ...full, 'On or near Hospital': 5 } }], 'E1');
    expect(cut.streets.map((s) => s.location)).toEqual(Object.keys(full).sort());
    expect(cut.tiedBeyond).toBe(0);
    expect(cut.placeKinds).toEqual([{ kind: 'Hospital', count: 5 }]);
  });

  it('keeps the same streets at a tie whatever order the months give them, names localeCompare calls equal too', () => {
    // "Café" with its accent as one character and as two, and a soft hyphen: localeCompare
    // calls each pair equal, though the names differ.
    const pairs = [
      ['On or near Caf\u00e9 Street', 'On or near Cafe\u0301 Street'],
      ['On or near Mill\u00adbank', 'On or near Millbank'],
    ];
    for (const [a, b] of pairs) expect(a!.localeCompare(b!), a).toBe(0);
    const full = Array.from({ length: TOP_STREETS_PER_WARD - 1 }, (_, i) => `On or near Road ${i}`);
    for (const [a, b] of pairs) {
      // The table holds one place more than the road names: one of the pair is cut.
      const orders = [
        [...full, a!, b!],
        [...full, b!, a!],
      ].map((names) => Object.fromEntries(names.map((n) => [n, 3])));
      const kept = orders.map((counts) =>
        topStreets([{ E1: counts }], 'E1').streets.map((s) => s.location),
      );
      expect(kept[0]).toEqual(kept[1]);
      expect(kept[0]).toContain(a! < b! ? a : b);
      expect(topStreets([{ E1: orders[0]! }], 'E1').tiedBeyond).toBe(1);
    }
  });

  it('counts no tie left out when the street after the cut has fewer crimes', () => {
    const counts = Object.fromEntries(
      Array.from({ length: TOP_STREETS_PER_WARD + 3 }, (_, i) => [`On or near Road ${i}`, 100 - i]),
    );
    expect(topStreets([{ E1: counts }], 'E1').tiedBeyond).toBe(0);
  });
});
