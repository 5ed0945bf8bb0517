import { describe, expect, it } from 'vitest';
import { PolygonIndex } from '../../../pipeline/geo/polygon-index.ts';
import { PostcodeIndex } from '../../../pipeline/geo/postcode-index.ts';
import { projectionAt } from '../../../src/shared/projection.ts';
import type { PolygonGeometry } from '../../../pipeline/reference.ts';

describe.each([
  { place: 'Leeds', latitude: 53.8, longitude: -1.55 },
  { place: 'Cornwall', latitude: 50.3, longitude: -4.9 },
])('on the projection at $place ($latitude° N)', ({ latitude, longitude }) => {
  // Shapes drawn in metres around a point in Leeds, and one in Cornwall on Cornwall's projection,
  // then turned into lon/lat, so expected distances can be worked out by hand.
  const projection = projectionAt(latitude);
  const ORIGIN_X = projection.x(longitude);
  const ORIGIN_Y = projection.y(latitude);
  const at = (x: number, y: number): number[] => [
    projection.lon(ORIGIN_X + x),
    projection.lat(ORIGIN_Y + y),
  ];
  const square = (x0: number, y0: number, size: number): number[][] => [
    at(x0, y0),
    at(x0 + size, y0),
    at(x0 + size, y0 + size),
    at(x0, y0 + size),
    at(x0, y0),
  ];
  /** Projected point at (x, y) metres from the origin. */
  const p = (x: number, y: number): [number, number] => [ORIGIN_X + x, ORIGIN_Y + y];

  // 0: a 1,000 m square with a 200 m square hole in the middle.
  // 1: a MultiPolygon: the hole's interior, and a separate 100 m square at (2000, 0).
  const donut: PolygonGeometry = {
    type: 'Polygon',
    coordinates: [square(0, 0, 1000), square(400, 400, 200).reverse()],
  };
  const islands: PolygonGeometry = {
    type: 'MultiPolygon',
    coordinates: [[square(450, 450, 100)], [square(2000, 0, 100)]],
  };

  describe('PolygonIndex', () => {
    const index = new PolygonIndex([donut, islands], projection);

    it('containing(x, y) respects holes and MultiPolygon parts', () => {
      expect(index.containing(...p(100, 100))).toBe(0);
      expect(index.containing(...p(420, 500))).toBe(-1); // in the hole, outside the island
      expect(index.containing(...p(500, 500))).toBe(1); // on the island inside the hole
      expect(index.containing(...p(2050, 50))).toBe(1); // the second part
      expect(index.containing(...p(1500, 500))).toBe(-1);
    });

    it('nearest(x, y, max) measures to the nearest edge, holes included', () => {
      expect(index.nearest(...p(100, 100))).toEqual({ feature: 0, distance: 0 });
      const inHole = index.nearest(...p(410, 500));
      expect(inHole?.feature).toBe(0);
      expect(inHole?.distance).toBeCloseTo(10, 6);
      const east = index.nearest(...p(1030, 500));
      expect(east?.feature).toBe(0);
      expect(east?.distance).toBeCloseTo(30, 6);
      const corner = index.nearest(...p(1300, 1400));
      expect(corner?.distance).toBeCloseTo(500, 6); // 3-4-5 from the corner (1000, 1000)
      expect(index.nearest(...p(1900, 50))?.feature).toBe(1); // 100 m from the island, 900 from the square
      expect(index.nearest(...p(1500, 500), 100)).toBeNull();
    });

    it('refuses to be built without polygons', () => {
      expect(() => new PolygonIndex([], projection)).toThrow(/at least one polygon/);
    });
  });

  describe('PostcodeIndex', () => {
    const postcode = (name: string, x: number, y: number) => {
      const [lon = 0, lat = 0] = at(x, y);
      return { postcode: name, district: name.split(' ')[0]!, lon, lat };
    };
    const index = new PostcodeIndex(
      [postcode('LS1 1AA', 0, 0), postcode('LS2 1AA', 300, 0), postcode('LS3 1AA', 0, 3000)],
      projection,
    );

    it('nearest(x, y, max) finds the nearest postcode at any search radius', () => {
      expect(index.nearest(...p(100, 0), 1000)?.postcode.postcode).toBe('LS1 1AA');
      expect(index.nearest(...p(200, 0), 1000)?.postcode.postcode).toBe('LS2 1AA');
      const far = index.nearest(...p(0, 1600), 1000);
      expect(far).toBeNull();
      const wide = index.nearest(...p(0, 1600), 5000);
      expect(wide?.postcode.postcode).toBe('LS3 1AA');
      expect(wide?.distance).toBeCloseTo(1400, 6);
    });
  });
});
