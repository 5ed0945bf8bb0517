// A ward's tooltip on the map. The module draws with Leaflet, which needs a window: only its
// tooltip text is read here.
import { describe, expect, it, vi } from 'vitest';
import { wardLabel } from '../../../src/islands/use-map-layers.ts';
import type { Figures } from '../../../src/islands/use-figures.ts';
import type { MapData } from '../../../src/shared/map-data.ts';

vi.mock('../../../src/islands/map-layers.ts', () => ({}));

const data = { wards: [{ name: 'Armley' }] } as unknown as MapData;

/** The tooltip of Armley for a window of `months` without data. */
function withoutData(months: number): string {
  const figures = {
    noTypes: false,
    noData: true,
    coverage: { months, withData: 0, gaps: months },
  } as Figures;
  return wardLabel(data, figures, 0);
}

describe('wardLabel(data, figures, i) for a window without data', () => {
  it('says "this month" for a window of one month, "these months" for more', () => {
    // January 2025 alone, then October 2024 to January 2025: the sample has no data there.
    expect(withoutData(1)).toBe('Armley: no data for this month');
    expect(withoutData(4)).toBe('Armley: no data for these months');
  });
});
