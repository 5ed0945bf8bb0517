// A ward's tooltip with the centre left out, on the committed map data of Leeds and Sheffield:
// "<ward> without the city centre" for a ward some of whose crimes are the centre's (its count
// and rate leave them out), its rate alone "... per 1,000 residents ... without the city centre"
// for one some of whose residents alone are (its count is the same either way), and the ward's
// name alone for one the centre does not reach, which reads as it does with the centre in:
// "Wetherby without the city centre" would say that Wetherby holds part of it.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { wardLabel } from '../../../src/islands/use-map-layers.ts';
import { LEEDS_MAP_AREA, type MapArea } from '../../../src/lib/map-area.ts';
import { wardCumulative, wardsTouchedByCentre } from '../../../src/lib/map-filter.ts';
import type { MapMeasure } from '../../../src/lib/map-state.ts';
import type { MapData } from '../../../src/shared/map-data.ts';
import {
  figuresOf,
  readMapData,
  singleTypeMonthViews,
  wardsTheCentreChanges,
  wardsWithCentreCrimes,
} from '../../support/map-figures.ts';

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

/** Every month and type of the data, as a filter. */
const allOf = (data: MapData) => ({
  types: data.crimeTypes.map((_, t) => t),
  from: 0,
  to: data.months.length - 1,
});

describe('wardsTouchedByCentre(data, filter, cumulative)', () => {
  it.each(DISTRICTS)(
    "%s: the wards with some of the centre's crimes, and those with some of its residents",
    (_, data) => {
      const { crimes, residents } = wardsTouchedByCentre(data, allOf(data), wardCumulative(data));
      expect(new Set(crimes)).toEqual(wardsWithCentreCrimes(data));
      expect(new Set(residents)).toEqual(
        new Set(data.wards.flatMap((w, i) => (w.cityCentreResidents > 0 ? [i] : []))),
      );
    },
  );

  it.each(DISTRICTS)(
    "%s: the wards with some of the centre's crimes in the filter's months and of its types, each type alone in each month alone",
    (slug, data) => {
      const cumulative = wardCumulative(data);
      const everywhere = wardsWithCentreCrimes(data);
      let elsewhere = 0;
      for (const type of data.crimeTypes.keys()) {
        for (const month of data.months.keys()) {
          const filter = { types: [type], from: month, to: month };
          const { crimes } = wardsTouchedByCentre(data, filter, cumulative);
          const expected = wardsWithCentreCrimes(data, filter);
          expect(new Set(crimes), `${data.crimeTypes[type]}, ${data.months[month]}`).toEqual(
            expected,
          );
          // The class this tells apart: centre crimes in the data, none in the view.
          for (const w of everywhere) if (!expected.has(w)) elsewhere += 1;
        }
      }
      if (slug === 'leeds') expect(elsewhere).toBeGreaterThan(0);
    },
  );

  it("tells each kind of Leeds's wards the centre reaches apart, and holds not the others", () => {
    const leeds = readMapData('leeds');
    const touched = wardsTouchedByCentre(leeds, allOf(leeds), wardCumulative(leeds));
    const byCrimes = new Set(touched.crimes);
    const byResidents = new Set(touched.residents);
    const crimes = wardsWithCentreCrimes(leeds);
    const residents = (i: number) => leeds.wards[i]!.cityCentreResidents;
    const wards = leeds.wards.map((_, i) => i);
    // Holding part of LS1 or LS2: some of its crimes there, and residents outside it.
    const partly = wards.filter((i) => crimes.has(i) && residents(i) < leeds.wards[i]!.population);
    // None of its crimes in the centre, some residents (an LS1 or LS2 postcode at its site).
    const residentsAlone = wards.filter((i) => !crimes.has(i) && residents(i) > 0);
    // Wholly outside it: no crime or resident of its is the centre's.
    const outside = wards.filter((i) => !crimes.has(i) && residents(i) === 0);
    for (const [kind, members, inCrimes, inResidents] of [
      ['partly in', partly, true, true],
      ['residents alone', residentsAlone, false, true],
      ['outside', outside, false, false],
    ] as const) {
      expect(members.length, kind).toBeGreaterThan(0);
      for (const i of members) {
        expect(byCrimes.has(i), `${kind}: ${leeds.wards[i]!.name}`).toBe(inCrimes);
        expect(byResidents.has(i), `${kind}: ${leeds.wards[i]!.name}`).toBe(inResidents);
      }
    }
    expect(outside.length).toBeGreaterThan(leeds.wards.length / 2);
  });
});

describe('wardLabel(data, figures, i, area) with the centre left out, on the committed data', () => {
  const cases = DISTRICTS.flatMap(([slug, data, area]) =>
    (['count', 'rate'] as MapMeasure[]).map((measure) => [slug, measure, data, area] as const),
  );

  it.each(cases)(
    '%s by %s: names without the centre the figures of a ward that it changes, and no other',
    (slug, measure, data, area) => {
      const out = figuresOf(data, { view: 'wards', measure, excludeCityCentre: true });
      const inside = figuresOf(data, { view: 'wards', measure });
      // In the view's months and of its types: the default view's, the latest months.
      const crimes = wardsWithCentreCrimes(data, out.filter);
      const changed = wardsTheCentreChanges(data, out.filter);
      const label = `without the ${area.centre!.label}`;
      // In a ward's figures, before its rank: every ward's rank is among the wards' figures
      // without the centre, which the rank says (rankInWords), whether or not it reaches the ward.
      const times = (text: string) => text.split('; ')[0]!.split(label).length - 1;
      const kinds = { crimes: 0, residents: 0, plain: 0 };
      data.wards.forEach((w, i) => {
        const text = wardLabel(data, out, i, area);
        if (out.rankOf.get(i) != null) {
          expect(text, w.name).toMatch(
            new RegExp(`; \\d+\\w\\w( \\(tied\\))? of \\d+ by ${measure} ${label}( \\(|;|$)`),
          );
        }
        if (out.leftOut.has(i)) {
          // Wholly in the centre: said so, and not given figures (ward-wholly-in-centre.test.ts).
          expect(text).toBe(`${w.name}: wholly in the ${area.centre!.label}, which is left out`);
        } else if (crimes.has(i)) {
          // Some of its crimes are the centre's: its count and rate both leave them out, and
          // the name before them says so, once.
          expect(text, w.name).toMatch(new RegExp(`^${escaped(w.name)} ${label}: [\\d,]+ `));
          expect(times(text), w.name).toBe(1);
          kinds.crimes += 1;
        } else if (changed.has(i)) {
          // Some of its residents alone: the same count as with the centre in, named alone,
          // and a rate without them, named so.
          const rate = `\\S+ ${escaped(out.rateUnit)} ${label}`;
          expect(text, w.name).toMatch(
            new RegExp(`^${escaped(w.name)}: [\\d,]+ ${escaped(out.noun)}, ${rate}(;|$)`),
          );
          expect(times(text), w.name).toBe(1);
          expect(out.totals[i], w.name).toBe(inside.totals[i]);
          expect(out.rates[i], w.name).not.toBe(inside.rates[i]);
          kinds.residents += 1;
        } else {
          // Untouched: its name alone, and the same count and rate as with the centre in.
          expect(text, w.name).toMatch(new RegExp(`^${escaped(w.name)}: [\\d,]+ `));
          expect(times(text), w.name).toBe(0);
          expect(out.totals[i], w.name).toBe(inside.totals[i]);
          expect(out.rates[i], w.name).toBe(inside.rates[i]);
          kinds.plain += 1;
        }
      });
      expect(kinds.plain).toBeGreaterThan(0);
      // Leeds's centre reaches wards by their crimes and others by a few residents alone;
      // Sheffield's reaches no ward but the one it holds whole.
      if (slug === 'leeds') {
        expect(kinds.crimes).toBeGreaterThan(0);
        expect(kinds.residents).toBeGreaterThan(0);
      } else {
        expect(kinds).toMatchObject({ crimes: 0, residents: 0 });
      }
      // With the centre in, no ward's tooltip names it, nor its rank.
      data.wards.forEach((w, i) => {
        const text = wardLabel(data, inside, i, area);
        expect(text, w.name).toMatch(new RegExp(`^${escaped(w.name)}: `));
        expect(text, w.name).not.toContain(label);
      });
    },
  );
});

describe("wardLabel(data, figures, i, area) with the centre left out, in each view's months and types", () => {
  it.each(DISTRICTS)(
    "%s: names a ward's count without the centre only when the view counts some of its centre crimes, each type alone in each month alone",
    (slug, data, area) => {
      const label = `without the ${area.centre!.label}`;
      const kinds = { inView: 0, elsewhere: 0 };
      const everywhere = wardsWithCentreCrimes(data);
      const insideOf = new Map(
        [...singleTypeMonthViews(data)].map((v) => [`${v.type} ${v.month}`, v.figures]),
      );
      for (const { type, month, figures } of singleTypeMonthViews(data, {
        excludeCityCentre: true,
      })) {
        const inside = insideOf.get(`${type} ${month}`)!;
        const crimes = wardsWithCentreCrimes(data, figures.filter);
        const changed = wardsTheCentreChanges(data, figures.filter);
        data.wards.forEach((w, i) => {
          if (figures.leftOut.has(i)) return;
          const at = `${type}, ${month}: ${w.name}`;
          const text = wardLabel(data, figures, i, area);
          const named = text.startsWith(`${w.name} ${label}: `);
          expect(named, at).toBe(crimes.has(i));
          if (crimes.has(i)) kinds.inView += 1;
          else {
            // The same count as with the centre in: nothing left out of it to name.
            expect(figures.totals[i], at).toBe(inside.totals[i]);
            // Its rate is named without the centre when some residents are the centre's.
            const rateNamed = new RegExp(`^[^;]*${escaped(figures.rateUnit)} ${label}`);
            if (figures.rates[i] !== null) expect(rateNamed.test(text), at).toBe(changed.has(i));
            if (everywhere.has(i)) kinds.elsewhere += 1;
          }
        });
      }
      // Leeds's wards partly in the centre have views with centre crimes of theirs and views
      // without (a type or month with none there); Sheffield's centre reaches no ward but its own.
      if (slug === 'leeds') {
        expect(kinds.inView).toBeGreaterThan(0);
        expect(kinds.elsewhere).toBeGreaterThan(0);
      } else expect(kinds).toEqual({ inView: 0, elsewhere: 0 });
    },
  );
});
