import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bbox } from '@turf/bbox';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { areaConfig } from '../../pipeline/added-area-files.ts';
import { checkLsoasInOutline, checkWardsInOutline, loadArea } from '../../pipeline/area.ts';
import { districtMiddle } from '../../pipeline/district-middle.ts';
import {
  pollingDistrictsOutside,
  type PollingDistricts,
} from '../../pipeline/polling-district-layer.ts';

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

/** A rectangle as a GeoJSON polygon, its corners [west, south] to [east, north]. */
function rectangle(west: number, south: number, east: number, north: number): Polygon {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [west, south],
        [east, south],
        [east, north],
        [west, north],
        [west, south],
      ],
    ],
  };
}

// A district whose east and south edges lie between two thousandths of a degree, and slivers
// of it 0.0003° (some 20-30 m) wide along those edges, as a ward or LSOA along a road or a
// river can be: each sliver's middle, rounded to 3 decimals, lies beyond the district's edge.
const DISTRICT = rectangle(-1.6, 53.8003, -1.5003, 53.9);
const SLIVERS: [string, Polygon][] = [
  ['along the east edge', rectangle(-1.5006, 53.82, -1.5003, 53.88)],
  ['along the south edge', rectangle(-1.58, 53.8003, -1.52, 53.8006)],
  ['in the south-east corner', rectangle(-1.5006, 53.8003, -1.5003, 53.8006)],
];

describe('districtMiddle(outline) of a sliver narrower than its rounding', () => {
  it.each(SLIVERS)('lies inside a sliver %s, and inside the district', (_where, sliver) => {
    const middle = districtMiddle(sliver);
    const feature = (geometry: Polygon): Shape => ({ type: 'Feature', properties: {}, geometry });
    expect(inside(middle, feature(sliver))).toBe(true);
    expect(inside(middle, feature(DISTRICT))).toBe(true);
  });
});

describe('the outline checks: wards and LSOAs in slivers along the edge are inside', () => {
  it.each(SLIVERS)('checkWardsInOutline keeps a ward %s', async (_where, sliver) => {
    const area = await loadArea('leeds', { root: REPO });
    const { codeProperty, nameProperty } = area.config.boundaries.wards;
    const ward = {
      properties: { [codeProperty]: 'E05099999', [nameProperty]: 'Riverside Strip' },
      geometry: sliver,
    };
    expect(() => checkWardsInOutline(area, [ward], DISTRICT)).not.toThrow();
    // Moved just outside the district, the same ward is refused.
    const outside = { ...ward, geometry: rectangle(-1.5003, 53.82, -1.5, 53.88) };
    expect(() => checkWardsInOutline(area, [outside], DISTRICT)).toThrow(/1 of the 1 wards/);
  });

  it.each(SLIVERS)('checkLsoasInOutline keeps an LSOA %s', async (_where, sliver) => {
    const area = await loadArea('leeds', { root: REPO });
    const lsoa = { code: 'E01099999', name: 'Leeds 999Z', geometry: sliver };
    expect(() => checkLsoasInOutline(area, [lsoa], DISTRICT)).not.toThrow();
    const outside = { ...lsoa, geometry: rectangle(-1.58, 53.8, -1.52, 53.8003) };
    expect(() => checkLsoasInOutline(area, [outside], DISTRICT)).toThrow(/1 of the 1 LSOAs/);
  });
});

// Polling districts from the council's own boundaries, 0.0008° (some 50 m) wide along the
// district's east and south edges and reaching 0.0003° (some 20 m) beyond the edge of the ONS
// outline, which is generalised: each one's middle lies inside the district, while the middle
// rounded to 3 decimals lies beyond its edge, still inside the polling district.
const EDGE_DISTRICTS: [string, Polygon][] = [
  ['along the east edge', rectangle(-1.5008, 53.82, -1.5, 53.88)],
  ['along the south edge', rectangle(-1.58, 53.8, -1.52, 53.8008)],
  ['in the south-east corner', rectangle(-1.5008, 53.8, -1.5, 53.8008)],
];

describe('pollingDistrictsOutside(layer, district): polling districts along the edge', () => {
  const district = { name: 'Leeds', outline: DISTRICT, outlineFile: 'outline.geojson' };
  const layer = (...geometries: Polygon[]): PollingDistricts => ({
    type: 'FeatureCollection',
    features: geometries.map((geometry, i) => ({
      type: 'Feature',
      properties: { pollingDistrict: `PD${i + 1}`, ward: 'Riverside' },
      geometry,
    })),
  });

  it.each(EDGE_DISTRICTS)(
    "takes a polling district %s for the district's, as checkWardsInOutline takes a ward",
    async (_where, shape) => {
      expect(pollingDistrictsOutside(layer(shape), district)).toBeNull();
      const area = await loadArea('leeds', { root: REPO });
      const { codeProperty, nameProperty } = area.config.boundaries.wards;
      const ward = {
        properties: { [codeProperty]: 'E05099999', [nameProperty]: 'Riverside' },
        geometry: shape,
      };
      expect(() => checkWardsInOutline(area, [ward], DISTRICT)).not.toThrow();
    },
  );

  it('still refuses a polling district just beyond the edge, naming it', () => {
    const beyond = rectangle(-1.5003, 53.82, -1.5, 53.88);
    expect(pollingDistrictsOutside(layer(EDGE_DISTRICTS[0]![1], beyond), district)).toBe(
      "1 of its 2 polling districts lie outside Leeds's outline (outline.geojson), e.g. " +
        `"PD2" (ward "Riverside"), so it is not Leeds's layer`,
    );
  });
});
