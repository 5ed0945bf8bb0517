// polygonProblem() on polygons cut from the committed reference: Sheffield's Broomhill and
// Sharrow Vale ward, and a MultiPolygon of two of its wards, whole and with one thing wrong.
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { polygonProblem } from '../../pipeline/polygon-problem.ts';
import { readCollection, SHEFFIELD } from '../support/ons-replay.ts';

const wards = readCollection(SHEFFIELD.wards).features;
const ward = (code: string) => {
  const found = wards.find((f) => f.properties?.['WD20CD'] === code);
  if (found === undefined) throw new Error(`${code} is not in Sheffield's ward file`);
  return structuredClone(found.geometry) as Polygon;
};
/** Broomhill and Sharrow Vale: one ring. */
const broomhill = () => ward('E05010860');
/** Two Sheffield wards as one MultiPolygon, each with its one ring. */
const twoWards = (): MultiPolygon => ({
  type: 'MultiPolygon',
  coordinates: [broomhill().coordinates, ward('E05010862').coordinates],
});
const swap = ([lon, lat]: Position): Position => [lat!, lon!];

describe('polygonProblem(geometry)', () => {
  it('finds none in the committed wards, Polygon or MultiPolygon', () => {
    expect(wards.map((f) => polygonProblem(f.geometry))).toEqual(wards.map(() => null));
    expect(polygonProblem(twoWards())).toBeNull();
  });

  it('names a ring that is not closed, with its first and last positions', () => {
    const polygon = broomhill();
    const ring = polygon.coordinates[0]!;
    ring.pop();
    expect(polygonProblem(polygon)).toEqual({
      at: 'geometry.coordinates.0',
      problem: `is a ring that is not closed: it starts at [${ring[0]!.join(', ')}] and ends at [${ring.at(-1)!.join(', ')}]`,
    });
  });

  it("names an unclosed ring of a MultiPolygon's second polygon by its path", () => {
    const multi = twoWards();
    multi.coordinates[1]![0]!.pop();
    expect(polygonProblem(multi)?.at).toBe('geometry.coordinates.1.0');
    expect(polygonProblem(multi)?.problem).toMatch(/^is a ring that is not closed: /);
  });

  it('names an unclosed hole', () => {
    const polygon = broomhill();
    polygon.coordinates.push([
      [-1.5, 53.37],
      [-1.49, 53.37],
      [-1.49, 53.375],
      [-1.495, 53.375],
    ]);
    expect(polygonProblem(polygon)).toEqual({
      at: 'geometry.coordinates.1',
      problem:
        'is a ring that is not closed: it starts at [-1.5, 53.37] and ends at [-1.495, 53.375]',
    });
  });

  it('names latitude and longitude swapped, at the first position', () => {
    const polygon = broomhill();
    polygon.coordinates = polygon.coordinates.map((ring) => ring.map(swap));
    const [lat, lon] = polygon.coordinates[0]![0]!;
    expect(polygonProblem(polygon)).toEqual({
      at: 'geometry.coordinates.0.0',
      problem: `is [${lat}, ${lon}]: latitude and longitude swapped (GeoJSON gives the longitude first)`,
    });
  });

  it('names one position swapped in a ring of good ones', () => {
    const polygon = broomhill();
    const ring = polygon.coordinates[0]!;
    ring[5] = swap(ring[5]!);
    expect(polygonProblem(polygon)?.at).toBe('geometry.coordinates.0.5');
    expect(polygonProblem(polygon)?.problem).toMatch(/latitude and longitude swapped/);
  });

  it('names British National Grid metres, and a place outside England and Wales', () => {
    const metres: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [435000, 387000],
          [436000, 387000],
          [436000, 388000],
          [435000, 387000],
        ],
      ],
    };
    expect(polygonProblem(metres)).toEqual({
      at: 'geometry.coordinates.0.0',
      problem:
        'is [435000, 387000]: not a longitude and latitude (British National Grid metres? GeoJSON is in WGS84)',
    });
    // Sheffield's ward moved by 4° east: the North Sea.
    const moved = broomhill();
    moved.coordinates = moved.coordinates.map((ring) => ring.map(([lon, lat]) => [lon! + 4, lat!]));
    expect(polygonProblem(moved)?.problem).toMatch(
      /^is \[2\.5\d*, 53\.\d+\]: outside England and Wales \(longitude -6\.5 to 2, latitude 49\.8 to 55\.9\)$/,
    );
  });

  it('names a ring of three positions, a point and a missing geometry', () => {
    const short = broomhill();
    short.coordinates[0] = short.coordinates[0]!.slice(0, 3);
    expect(polygonProblem(short)).toEqual({
      at: 'geometry.coordinates.0',
      problem: 'is a ring of 3 positions; a ring needs at least 4',
    });
    expect(polygonProblem({ type: 'Point', coordinates: [-1.5, 53.4] })).toEqual({
      at: 'geometry.type',
      problem: 'is Point, not Polygon or MultiPolygon',
    });
    expect(polygonProblem(null)).toEqual({ at: 'geometry', problem: 'is missing' });
  });
});
