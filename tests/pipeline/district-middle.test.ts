import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bbox } from '@turf/bbox';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { areaConfig } from '../../pipeline/added-area-files.ts';
import { districtMiddle } from '../../pipeline/district-middle.ts';

const REPO = path.resolve(import.meta.dirname, '../..');

type Shape = Feature<Polygon | MultiPolygon, Record<string, string>>;

function features(file: string): Shape[] {
  return (JSON.parse(readFileSync(path.join(REPO, file), 'utf8')) as { features: Shape[] })
    .features;
}

const inside = ([lat, lon]: [number, number], shape: Shape) =>
  booleanPointInPolygon([lon, lat], shape);

const boxMiddle = (shape: Shape): [number, number] => {
  const [west, south, east, north] = bbox(shape);
  return [(south + north) / 2, (west + east) / 2];
};

// Leeds LSOAs whose box's middle lies outside them (a crescent, an L): as district outlines,
// the shapes for which the box's middle would start the map on another district.
const HOLLOW = ['E01011402', 'E01011269', 'E01011530', 'E01011569'];

describe('districtMiddle(outline)', () => {
  it("is the middle of the district's box when that lies inside: Leeds, Sheffield", () => {
    for (const file of [
      'data/reference/leeds-outline.geojson',
      'data/areas/sheffield/outline.geojson',
    ]) {
      const [outline] = features(file);
      const [lat, lon] = boxMiddle(outline!);
      expect(inside(boxMiddle(outline!), outline!)).toBe(true);
      expect(districtMiddle(outline!.geometry)).toEqual([
        Math.round(lat * 1000) / 1000,
        Math.round(lon * 1000) / 1000,
      ]);
    }
  });

  it("lies inside a shape whose box's middle does not, on the box's middle latitude", () => {
    const lsoas = features('data/reference/lsoa21.geojson');
    for (const code of HOLLOW) {
      const shape = lsoas.find((lsoa) => lsoa.properties['LSOA21CD'] === code)!;
      expect(inside(boxMiddle(shape), shape)).toBe(false);
      const middle = districtMiddle(shape.geometry);
      expect(inside(middle, shape)).toBe(true);
      expect(middle[0]).toBeCloseTo(boxMiddle(shape)[0], 3);
    }
  });

  it('lies inside a district in parts none of which crosses its middle latitude', () => {
    // Sheffield's Beighton and West Ecclesfield wards, far apart: their box's middle latitude
    // crosses neither.
    const wards = features('data/areas/sheffield/wards.geojson');
    const parts = ['Beighton', 'West Ecclesfield'].map(
      (name) => wards.find((ward) => ward.properties['WD20NM'] === name)!.geometry as Polygon,
    );
    const outline: Shape = {
      type: 'Feature',
      properties: {},
      geometry: { type: 'MultiPolygon', coordinates: parts.map((part) => part.coordinates) },
    };
    const [, south, , north] = bbox(outline);
    const spans = parts.map((part) => {
      const lats = part.coordinates[0]!.map((position) => position[1]!);
      return [Math.min(...lats), Math.max(...lats)];
    });
    const middleLat = (south + north) / 2;
    expect(spans.filter(([s, n]) => s! <= middleLat && middleLat <= n!)).toEqual([]);
    expect(inside(districtMiddle(outline.geometry), outline)).toBe(true);
  });
});

describe('areaConfig(parts): the map centre of an added district', () => {
  it("lies inside the district, not at its box's middle when that is outside", () => {
    const lsoas = features('data/reference/lsoa21.geojson');
    for (const code of HOLLOW) {
      const outline = lsoas.find((lsoa) => lsoa.properties['LSOA21CD'] === code)!;
      const config = areaConfig({
        slug: 'test',
        district: { code: 'E08000035', name: 'Leeds' },
        force: 'west-yorkshire',
        fields: { wardCode: 'WD25CD', wardName: 'WD25NM' },
        outline,
        relative: (file) => `data/areas/test/${file}`,
        postcodeExample: null,
        now: new Date('2026-12-01T00:00:00Z'),
      });
      expect(inside(config.map.centre as [number, number], outline)).toBe(true);
    }
  });
});
