import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REFERENCE_PROJECTION_LATITUDE } from '../../pipeline/reference.ts';
import { areaProjection, parseArea } from '../../src/shared/area.ts';
import {
  EARTH_RADIUS_M,
  MAX_SCALE_ERROR,
  projectionAt,
  projectionLatitudeProblem,
  projectionScaleError,
} from '../../src/shared/projection.ts';

const radians = (degrees: number) => (degrees * Math.PI) / 180;

/** Great-circle distance in metres on the same sphere (haversine), independent of projection.ts. */
function haversine([lon1, lat1]: number[], [lon2, lat2]: number[]): number {
  const a =
    Math.sin(radians(lat2! - lat1!) / 2) ** 2 +
    Math.cos(radians(lat1!)) * Math.cos(radians(lat2!)) * Math.sin(radians(lon2! - lon1!) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(a));
}

/** Pseudo-random numbers in [0, 1), the same on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

// Districts far from Leeds, by the span of latitude they cover (ONS outlines, rounded out).
const DISTRICTS = [
  { name: 'Cornwall', latitude: 50.4, south: 49.95, north: 50.95, longitude: -4.9 },
  { name: 'Northumberland', latitude: 55.3, south: 54.78, north: 55.82, longitude: -2.0 },
  { name: 'Leeds', latitude: 53.8, south: 53.69, north: 53.95, longitude: -1.55 },
];

describe('projectionAt(latitude)', () => {
  it.each(DISTRICTS)(
    'measures distances of up to 5 km across $name as haversine does, within the documented scale error',
    ({ latitude, south, north, longitude }) => {
      const projection = projectionAt(latitude);
      const bound = projectionScaleError(latitude, south, north);
      expect(bound).toBeLessThanOrEqual(MAX_SCALE_ERROR);
      const random = seeded(Math.round(latitude * 100));
      for (let i = 0; i < 500; i += 1) {
        const from = [longitude + (random() - 0.5), south + random() * (north - south)];
        const to = [from[0]! + (random() - 0.5) * 0.14, from[1]! + (random() - 0.5) * 0.09];
        if (to[1]! < south || to[1]! > north) continue;
        const flat = Math.hypot(
          projection.x(to[0]!) - projection.x(from[0]!),
          projection.y(to[1]!) - projection.y(from[1]!),
        );
        const exact = haversine(from, to);
        // 1e-6: the sphere's curvature over 5 km, which the plane leaves out.
        expect(Math.abs(flat / exact - 1), `${from} -> ${to}`).toBeLessThanOrEqual(bound + 1e-6);
      }
    },
  );

  it('measures 50 m east-west in Cornwall as 50 m, where a projection about Leeds says 46 m', () => {
    const start = [-5.05, 50.26]; // Truro
    const metresPerDegree = EARTH_RADIUS_M * Math.cos(radians(start[1]!)) * radians(1);
    const end = [start[0]! + 50 / metresPerDegree, start[1]!];
    expect(haversine(start, end)).toBeCloseTo(50, 3);
    const cornwall = projectionAt(50.4);
    expect(cornwall.x(end[0]!) - cornwall.x(start[0]!)).toBeCloseTo(50, 0);
    const leeds = projectionAt(REFERENCE_PROJECTION_LATITUDE);
    expect(leeds.x(end[0]!) - leeds.x(start[0]!)).toBeCloseTo(46.2, 1);
  });

  it('turns metres back into the same degrees', () => {
    const projection = projectionAt(52.2);
    expect(projection.lon(projection.x(-3.41))).toBeCloseTo(-3.41, 12);
    expect(projection.lat(projection.y(52.2))).toBeCloseTo(52.2, 12);
  });

  it('refuses a latitude that is not a number within ±85°', () => {
    expect(() => projectionAt(Number.NaN)).toThrow(/within ±85°, got NaN/);
    expect(() => projectionAt(90)).toThrow(/got 90/);
  });
});

describe('projectionLatitudeProblem(latitude, south, north)', () => {
  it('accepts the middle of a tall district', () => {
    expect(projectionLatitudeProblem(55.3, 54.78, 55.82)).toBeNull();
  });

  it('refuses a latitude outside the district, giving its middle', () => {
    expect(projectionLatitudeProblem(53.8, 49.95, 50.95)).toMatch(
      /53\.8° N is outside the district \(49\.950° to 50\.950° N\).*e\.g\. 50\.45/,
    );
  });

  it('refuses a latitude at the edge of a district so tall that the error passes 2 %', () => {
    expect(projectionLatitudeProblem(54.8, 54.78, 55.82)).toMatch(
      /off by up to 2\.\d %.*more than 2 %.*nearer its middle, 55\.30/,
    );
  });
});

describe('areaProjection(area)', () => {
  it("is true at the map centre's latitude: Leeds's is the Leeds layout's", () => {
    const file = 'data/areas/leeds/area.json';
    const leeds = parseArea(JSON.parse(readFileSync(file, 'utf8')), file);
    expect(areaProjection(leeds).latitude).toBe(REFERENCE_PROJECTION_LATITUDE);
  });
});
