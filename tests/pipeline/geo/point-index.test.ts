import { describe, expect, it } from 'vitest';
import { PointIndex } from '../../../pipeline/geo/point-index.ts';
import { seededRandom } from '../../support/seeded-random.ts';

/** The next double above x (x > 0): the nearest point a coordinate can differ by. */
function nextUp(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0);
}

describe('PointIndex', () => {
  it('numbers points in the order first added, and gives a repeat its first number', () => {
    const index = new PointIndex();
    expect(index.add(-1.5491, 53.7997)).toBe(0);
    expect(index.add(-1.5402, 53.8011)).toBe(1);
    expect(index.add(-1.5491, 53.7997)).toBe(0);
    expect(index.add(53.7997, -1.5491)).toBe(2);
    expect(index.size).toBe(3);
    expect(index.find(-1.5402, 53.8011)).toBe(1);
    expect(index.find(-1.5402, 53.8012)).toBe(-1);
  });

  it('tells apart points one bit apart in either coordinate', () => {
    const index = new PointIndex();
    const lon = -1.548567;
    const lat = 53.801277;
    index.add(lon, lat);
    expect(index.find(-nextUp(-lon), lat)).toBe(-1);
    expect(index.find(lon, nextUp(lat))).toBe(-1);
    expect(index.add(lon, nextUp(lat))).toBe(1);
    expect(index.find(lon, lat)).toBe(0);
  });

  it('gives each point on one meridian, and on one parallel, a number of its own', () => {
    const index = new PointIndex(1);
    for (let i = 0; i < 2000; i++) expect(index.add(-1.5, 53 + i / 1e6)).toBe(i);
    for (let i = 0; i < 2000; i++) expect(index.add(-1.5 + (i + 1) / 1e6, 53)).toBe(2000 + i);
    for (let i = 0; i < 2000; i++) expect(index.find(-1.5, 53 + i / 1e6)).toBe(i);
    expect(index.size).toBe(4000);
  });

  it('treats -0 and 0 as the same coordinate, as a Map does', () => {
    const index = new PointIndex();
    expect(index.add(-0, 51.5)).toBe(0);
    expect(index.find(0, 51.5)).toBe(0);
    expect(index.add(0, -0)).toBe(1);
    expect(index.find(-0, 0)).toBe(1);
  });

  it('refuses coordinates that are not finite, naming them', () => {
    const index = new PointIndex();
    for (const [lon, lat] of [
      [Number.NaN, 53.8],
      [-1.5, Number.POSITIVE_INFINITY],
      [Number.NEGATIVE_INFINITY, Number.NaN],
    ] as const) {
      expect(() => index.add(lon, lat)).toThrow(RangeError);
      expect(() => index.find(lon, lat)).toThrow(/must be finite numbers, got/);
    }
    expect(index.size).toBe(0);
  });

  it('agrees with a Map of Maps over many points, through every growth from one slot', () => {
    const next = seededRandom(20261203);
    const index = new PointIndex(1);
    const reference = new Map<number, Map<number, number>>();
    // Snap points on a grid of a millionth of a degree, as police.uk's, often repeated.
    const points: [number, number][] = Array.from({ length: 30_000 }, () => [
      Math.round((-1.8 + next() * 0.5) * 1e6) / 1e6,
      Math.round((53.7 + next() * 0.25) * 1e6) / 1e6,
    ]);
    let held = 0;
    for (let i = 0; i < 120_000; i++) {
      const [lon, lat] = points[Math.floor(next() * points.length)] as [number, number];
      let byLat = reference.get(lon);
      if (byLat === undefined) reference.set(lon, (byLat = new Map()));
      const known = byLat.get(lat);
      const got = index.add(lon, lat);
      if (known === undefined) {
        expect(got).toBe(held);
        byLat.set(lat, got);
        held += 1;
      } else {
        expect(got).toBe(known);
      }
    }
    expect(held).toBeGreaterThan(20_000);
    expect(index.size).toBe(held);
    for (const [lon, byLat] of reference) {
      for (const [lat, number] of byLat) expect(index.find(lon, lat)).toBe(number);
    }
    // Points never added are not found.
    for (let i = 0; i < 1000; i++) {
      expect(index.find(10 + next(), 10 + next())).toBe(-1);
    }
  });
});
