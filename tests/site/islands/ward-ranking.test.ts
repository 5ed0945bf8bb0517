// The map's ward ranking: a top list cut through a tie says how many more wards share the
// last rank shown, so that ward does not read as alone at it.
import { describe, expect, it } from 'vitest';
import { parse } from 'node-html-parser';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { TOP_WARDS, WardRanking } from '../../../src/islands/WardRanking.tsx';
import { rankWardsBy, wardRates } from '../../../src/lib/map-rates.ts';
import type { MapData } from '../../../src/shared/map-data.ts';
import { LEEDS_MAP_AREA, withoutCentre } from '../../../src/lib/map-area.ts';

const names = [
  'Armley',
  'Bramley',
  'Chapel Allerton',
  'Farnley',
  'Gipton',
  'Headingley',
  'Kirkstall',
];
const months = ['2025-01', '2025-02', '2025-03'];

function caption(
  totals: number[],
  measure: 'count' | 'rate',
  showAll = false,
  without: string | null = null,
): string {
  const residents = names.map(() => 10_000);
  const rates = wardRates(residents, totals, months);
  const data = {
    wards: names.map((name) => ({ name, slug: name.toLowerCase().replace(/ /g, '-') })),
  } as unknown as MapData;
  const html = renderToString(
    h(WardRanking, {
      data,
      ranking: rankWardsBy(measure, names, totals, rates),
      rates,
      rateUnit: 'per 1,000 residents over 3 months',
      noun: 'crimes',
      window: 'Jan 2025 – Mar 2025, all 3 months with data',
      without,
      leftOut: new Set<number>(),
      centreLabel: 'city centre',
      measure,
      showAll,
      selected: null,
      onPick: () => undefined,
      onShowAll: () => undefined,
    }),
  );
  return parse(html).querySelector('caption')?.text ?? '';
}

describe('WardRanking: the top list', () => {
  it('says how many wards left out share its last rank, by count and by rate', () => {
    expect(TOP_WARDS).toBe(5);
    expect(caption([90, 80, 70, 60, 50, 50, 50], 'count')).toBe(
      'Top 5 wards by crimes, Jan 2025 – Mar 2025, all 3 months with data; 2 more share 5th place',
    );
    expect(caption([90, 80, 70, 50, 50, 50, 40], 'count')).toBe(
      'Top 5 wards by crimes, Jan 2025 – Mar 2025, all 3 months with data; 1 more shares 4th place',
    );
    // 51 and 50 crimes among 10,000 residents: 5.1 and 5.0 per 1,000, not a tie; 50 and 50 are.
    expect(caption([90, 80, 70, 60, 51, 50, 10], 'rate')).toBe(
      'Top 5 wards by crimes per 1,000 residents over 3 months, Jan 2025 – Mar 2025, all 3 months with data',
    );
    expect(caption([90, 80, 70, 60, 50, 50, 10], 'rate')).toBe(
      'Top 5 wards by crimes per 1,000 residents over 3 months, Jan 2025 – Mar 2025, all 3 months with data; 1 more shares 5th place',
    );
  });

  it('says nothing more when no tie is cut, or when every ward is listed', () => {
    expect(caption([90, 80, 70, 60, 50, 40, 30], 'count')).toBe(
      'Top 5 wards by crimes, Jan 2025 – Mar 2025, all 3 months with data',
    );
    expect(caption([90, 90, 70, 60, 50, 40, 30], 'count')).toBe(
      'Top 5 wards by crimes, Jan 2025 – Mar 2025, all 3 months with data',
    );
    expect(caption([90, 80, 70, 60, 50, 50, 50], 'count', true)).toBe(
      'All wards by crimes, Jan 2025 – Mar 2025, all 3 months with data',
    );
  });
});

describe('WardRanking: the centre left out', () => {
  const SHEFFIELD = {
    district: 'Sheffield',
    centre: { label: 'city centre', description: 'the City ward' },
  };

  it("says so in the caption, by the district's name, by count and by rate, top list or whole", () => {
    const totals = [90, 80, 70, 60, 50, 40, 30];
    for (const area of [LEEDS_MAP_AREA, SHEFFIELD]) {
      const without = withoutCentre(true, area);
      expect(without).toBe(`${area.district} without the city centre`);
      expect(caption(totals, 'count', false, without)).toBe(
        `Top 5 wards by crimes, ${area.district} without the city centre, Jan 2025 – Mar 2025, all 3 months with data`,
      );
      expect(caption(totals, 'rate', true, without)).toBe(
        `All wards by crimes per 1,000 residents over 3 months, ${area.district} without the city centre, Jan 2025 – Mar 2025, all 3 months with data`,
      );
    }
  });

  it('says nothing of a centre while it is in, or for a district without one', () => {
    expect(withoutCentre(false, LEEDS_MAP_AREA)).toBeNull();
    expect(withoutCentre(true, { district: 'Kirklees', centre: null })).toBeNull();
    expect(caption([90, 80, 70, 60, 50, 40, 30], 'count', false, null)).not.toContain('centre');
  });
});
