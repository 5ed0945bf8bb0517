import { readFileSync } from 'node:fs';
import { bbox, distance, feature } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGeography, type Geography } from '../../pipeline/geo.ts';
import { geometrySvgPath } from '../../src/shared/svg-path.ts';

let geo: Geography;

beforeAll(async () => {
  geo = await loadGeography('data/reference');
});

describe('geometrySvgPath(geometry, frame, size, projection)', () => {
  const coordinates = (path: string): [number, number][] =>
    [...path.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);

  it('draws a ward framed on itself filling the box, inside it, as closed subpaths', () => {
    for (const ward of geo.wards) {
      const path = geometrySvgPath(ward.geometry, ward.geometry, 100, geo.projection);
      expect(path).toMatch(/^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+)+Z/);
      const points = coordinates(path);
      const xs = points.map(([x]) => x);
      const ys = points.map(([, y]) => y);
      for (const v of [...xs, ...ys]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(100);
      }
      // The longer side spans the whole box.
      const span = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
      expect(span).toBeCloseTo(100, 0);
      // Simplified for the size: far fewer points than the source polygon.
      expect(points.length).toBeLessThan(ward.geometry.coordinates.flat().length);
      expect(points.length).toBeGreaterThan(10);
    }
  });

  it('keeps north up and the proportions of the ground', () => {
    // The district measured with turf on the ground: its east-west and north-south extents.
    const [west, south, east, north] = bbox(feature(geo.outline));
    const middleLat = (south + north) / 2;
    const widthM = distance([west, middleLat], [east, middleLat], { units: 'meters' });
    const heightM = distance([west, south], [west, north], { units: 'meters' });
    const points = coordinates(geometrySvgPath(geo.outline, geo.outline, 200, geo.projection));
    const xs = points.map(([x]) => x);
    const ys = points.map(([, y]) => y);
    const width = Math.max(...xs) - Math.min(...xs);
    const height = Math.max(...ys) - Math.min(...ys);
    expect(width / height).toBeCloseTo(widthM / heightM, 1);
    // North up: Otley & Yeadon lies north-west of Rothwell.
    const centre = (code: string): [number, number] => {
      const ward = geo.wards.find((w) => w.code === code)!;
      const drawn = coordinates(geometrySvgPath(ward.geometry, geo.outline, 200, geo.projection));
      return [
        drawn.reduce((sum, [x]) => sum + x, 0) / drawn.length,
        drawn.reduce((sum, [, y]) => sum + y, 0) / drawn.length,
      ];
    };
    const [otleyX, otleyY] = centre('E05011549');
    const [rothwellX, rothwellY] = centre('E05011410');
    expect(otleyX).toBeLessThan(rothwellX);
    expect(otleyY).toBeLessThan(rothwellY);
  });

  it('reads the council ward file the same way (MultiPolygon input)', () => {
    const council = JSON.parse(
      readFileSync('tests/fixtures/boundaries/lcc-wards-2018.geojson', 'utf8'),
    ) as { features: { geometry: Polygon | MultiPolygon }[] };
    const multi = council.features.find((f) => f.geometry.type === 'MultiPolygon');
    expect(multi).toBeDefined();
    const path = geometrySvgPath(multi!.geometry, multi!.geometry, 50, geo.projection);
    expect(path.match(/M/g)?.length ?? 0).toBeGreaterThanOrEqual(1);
  });
});
