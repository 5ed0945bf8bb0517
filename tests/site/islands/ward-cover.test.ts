// How much of the map the ward details cover (src/islands/ward-cover.ts), with elements that
// only answer getBoundingClientRect, as the island reads them.
import { describe, expect, it } from 'vitest';
import { coverOf } from '../../../src/islands/ward-cover.ts';

function box(left: number, top: number, width: number, height: number): Element {
  const rect = { left, top, width, height, right: left + width, bottom: top + height };
  return { getBoundingClientRect: () => rect } as unknown as Element;
}

describe('coverOf(panel, map)', () => {
  it("is the panel's width from the right when it lies over the map's right side (desktop)", () => {
    expect(coverOf(box(900, 100, 380, 500), box(300, 80, 980, 720))).toEqual({
      right: 380,
      bottom: 0,
    });
  });

  it("is the panel's height from the foot when it lies over the map's foot (a phone's sheet)", () => {
    expect(coverOf(box(0, 500, 390, 344), box(0, 150, 390, 550))).toEqual({
      right: 0,
      bottom: 200,
    });
  });

  it('is nothing when the panel is beside the map, or either is missing', () => {
    expect(coverOf(box(1300, 100, 300, 500), box(300, 80, 980, 720))).toEqual({
      right: 0,
      bottom: 0,
    });
    expect(coverOf(null, box(0, 0, 10, 10))).toEqual({ right: 0, bottom: 0 });
    expect(coverOf(box(0, 0, 10, 10), null)).toEqual({ right: 0, bottom: 0 });
  });
});
