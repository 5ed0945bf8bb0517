// A centre ward's details on the map say its rate is inflated by the centre only when the view
// counts some of its crimes: a rate of 0 (no crime of the chosen types in the chosen months)
// has nothing to inflate. On the committed map data of Leeds and Sheffield, every centre ward
// (and the district's quietest ward made one) with each crime type alone in each month alone:
// some views count none of a ward's crimes, others some.
import { describe, expect, it } from 'vitest';
import type { MapArea } from '../../../src/lib/map-area.ts';
import {
  readMapData,
  renderedWardDetails,
  singleTypeMonthViews,
  withQuietestAsCentre,
} from '../../support/map-figures.ts';

const CENTRE: MapArea['centre'] = { label: 'city centre', description: 'the centre' };

describe("WardDetails(props)'s centre note on a centre ward", () => {
  it.each(['leeds', 'sheffield'] as const)(
    '%s: is given with a rate above 0 and never with a rate of 0',
    (district) => {
      const data = readMapData(district);
      // The district's own centre wards, and its quietest ward made one.
      const { wards, centre: centreWards } = withQuietestAsCentre(data);
      expect(centreWards.length, district).toBeGreaterThan(1);
      const seen = { quiet: 0, counted: 0 };
      for (const { type, month, figures } of singleTypeMonthViews(data)) {
        for (const ward of centreWards) {
          const at = `${district}: ${data.wards[ward]!.name}, ${type}, ${month}`;
          const root = renderedWardDetails({
            data: { ...data, wards },
            ward,
            figures,
            area: { district, centre: CENTRE },
          });
          const rate = root.querySelector('#crime-map-ward-rate')?.text ?? '';
          const note = root.querySelector('#crime-map-ward-centre')?.text ?? null;
          if ((figures.totals[ward] ?? 0) === 0) {
            seen.quiet += 1;
            expect(rate, at).toMatch(/^0\.0 /);
            expect(note, at).toBeNull();
            expect(root.text, at).not.toContain('inflated');
          } else {
            seen.counted += 1;
            expect(note, at).toContain('per resident is inflated');
          }
        }
      }
      // Both kinds of view are met in each district's data.
      expect(seen.quiet, district).toBeGreaterThan(0);
      expect(seen.counted, district).toBeGreaterThan(0);
    },
  );
});
