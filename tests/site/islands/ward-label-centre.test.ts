// A ward's tooltip with the centre left out, on the committed map data of Leeds and Sheffield:
// "<ward> without the city centre" for a ward whose figures leaving the centre out changes
// (some of its crimes or residents are the centre's), and the ward's name alone for one the
// centre does not reach, which reads as it does with the centre in: "Wetherby without the city
// centre" would say that Wetherby holds part of it.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { wardLabel } from '../../../src/islands/use-map-layers.ts';
import { LEEDS_MAP_AREA, type MapArea } from '../../../src/lib/map-area.ts';
import { wardsTouchedByCentre } from '../../../src/lib/map-filter.ts';
import type { MapMeasure } from '../../../src/lib/map-state.ts';
import type { MapData } from '../../../src/shared/map-data.ts';
import { figuresOf, readMapData, wardsTheCentreChanges } from '../../support/map-figures.ts';

vi.mock('../../../src/islands/map-layers.ts', () => ({}));

const sheffieldArea = JSON.parse(readFileSync('data/areas/sheffield/area.json', 'utf8')) as {
  centre: { label: string };
};
const DISTRICTS: [string, MapData, Pick<MapArea, 'centre'>][] = [
  ['leeds', readMapData('leeds'), LEEDS_MAP_AREA],
  [
    'sheffield',
    readMapData('sheffield'),
    { centre: { label: sheffieldArea.centre.label, description: 'the City ward' } },
  ],
];

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The wards of `data` that hold some of the centre's crimes in the data (from its entries). */
function withCentreCrimes(data: MapData): number[] {
  const withoutResidents = data.wards.map((w) => ({ ...w, cityCentreResidents: 0 }));
  return [...wardsTheCentreChanges({ ...data, wards: withoutResidents })];
}

describe('wardsTouchedByCentre(data)', () => {
  it.each(DISTRICTS)(
    '%s: the wards with some of the centre crimes or residents, and no other',
    (_, data) => {
      expect(new Set(wardsTouchedByCentre(data))).toEqual(wardsTheCentreChanges(data));
    },
  );

  it("holds each kind of Leeds's wards the centre reaches, and not the others", () => {
    const leeds = readMapData('leeds');
    const touched = new Set(wardsTouchedByCentre(leeds));
    const crimes = new Set(withCentreCrimes(leeds));
    const residents = (i: number) => leeds.wards[i]!.cityCentreResidents;
    const wards = leeds.wards.map((_, i) => i);
    // Holding part of LS1 or LS2: some of its crimes there, and residents outside it.
    const partly = wards.filter((i) => crimes.has(i) && residents(i) < leeds.wards[i]!.population);
    // None of its crimes in the centre, some residents (an LS1 or LS2 postcode at its site).
    const byResidents = wards.filter((i) => !crimes.has(i) && residents(i) > 0);
    // Wholly outside it: no crime or resident of its is the centre's.
    const outside = wards.filter((i) => !crimes.has(i) && residents(i) === 0);
    for (const [kind, members, expected] of [
      ['partly in', partly, true],
      ['residents alone', byResidents, true],
      ['outside', outside, false],
    ] as const) {
      expect(members.length, kind).toBeGreaterThan(0);
      for (const i of members) expect(touched.has(i), leeds.wards[i]!.name).toBe(expected);
    }
    expect(outside.length).toBeGreaterThan(leeds.wards.length / 2);
  });
});

describe('wardLabel(data, figures, i, area) with the centre left out, on the committed data', () => {
  const cases = DISTRICTS.flatMap(([slug, data, area]) =>
    (['count', 'rate'] as MapMeasure[]).map((measure) => [slug, measure, data, area] as const),
  );

  it.each(cases)(
    '%s by %s: names without the centre only the wards whose figures that changes',
    (_, measure, data, area) => {
      const changed = wardsTheCentreChanges(data);
      const out = figuresOf(data, { view: 'wards', measure, excludeCityCentre: true });
      const inside = figuresOf(data, { view: 'wards', measure });
      const label = `without the ${area.centre!.label}`;
      let plain = 0;
      data.wards.forEach((w, i) => {
        const text = wardLabel(data, out, i, area);
        if (out.leftOut.has(i)) {
          // Wholly in the centre: said so, and not given figures (ward-wholly-in-centre.test.ts).
          expect(text).toBe(`${w.name}: wholly in the ${area.centre!.label}, which is left out`);
        } else if (changed.has(i)) {
          expect(text, w.name).toMatch(new RegExp(`^${escaped(w.name)} ${label}: [\\d,]+ `));
        } else {
          // Untouched: its name alone, and the same count and rate as with the centre in.
          expect(text, w.name).toMatch(new RegExp(`^${escaped(w.name)}: [\\d,]+ `));
          expect(out.totals[i], w.name).toBe(inside.totals[i]);
          expect(out.rates[i], w.name).toBe(inside.rates[i]);
          plain += 1;
        }
      });
      expect(plain).toBeGreaterThan(0);
      // With the centre in, no ward's tooltip names it.
      data.wards.forEach((w, i) => {
        expect(wardLabel(data, inside, i, area), w.name).toMatch(
          new RegExp(`^${escaped(w.name)}: `),
        );
      });
    },
  );
});
