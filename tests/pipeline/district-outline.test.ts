import { readFileSync } from 'node:fs';
import { area, booleanPointInPolygon, pointOnFeature } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { dissolveWards } from '../../pipeline/district-outline.ts';

const readJson = <T>(relative: string): T =>
  JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as T;

type Wards = FeatureCollection<Polygon | MultiPolygon>;
const SHEFFIELD_WARDS = readJson<Wards>('../../data/areas/sheffield/wards.geojson');
const SHEFFIELD_OUTLINE = readJson<FeatureCollection<Polygon | MultiPolygon>>(
  '../../data/areas/sheffield/outline.geojson',
);
const LEEDS_WARDS = readJson<Wards>('../../data/reference/wards.geojson');
const LEEDS_OUTLINE = readJson<FeatureCollection<Polygon | MultiPolygon>>(
  '../../data/reference/leeds-outline.geojson',
);

/** Relative difference between the outline's area and the sum of the wards' areas. */
function areaGap(outline: Feature<Polygon | MultiPolygon>, wards: Wards): number {
  const wardsArea = wards.features.reduce((sum, ward) => sum + area(ward), 0);
  return Math.abs(area(outline) - wardsArea) / wardsArea;
}

describe('dissolveWards(wards, district)', () => {
  const sheffield = dissolveWards(SHEFFIELD_WARDS, { code: 'E08000039', name: 'Sheffield' });

  it("covers the same area as Sheffield's 28 wards, within 0.01%", () => {
    expect(areaGap(sheffield, SHEFFIELD_WARDS)).toBeLessThan(0.0001);
  });

  it('gives Sheffield one polygon with no holes, the wards tiling the district', () => {
    expect(sheffield.geometry.type).toBe('Polygon');
    expect((sheffield.geometry as Polygon).coordinates).toHaveLength(1);
  });

  it('holds a point of every ward', () => {
    for (const ward of SHEFFIELD_WARDS.features) {
      expect(booleanPointInPolygon(pointOnFeature(ward), sheffield)).toBe(true);
    }
  });

  it('made the committed Sheffield outline', () => {
    expect(SHEFFIELD_OUTLINE.features).toEqual([sheffield]);
    expect(sheffield.properties).toEqual({ LADCD: 'E08000039', LADNM: 'Sheffield' });
  });

  it('agrees with the Leeds outline made by another tool (GDAL), within 0.01% of its area', () => {
    const leeds = dissolveWards(LEEDS_WARDS, { code: 'E08000035', name: 'Leeds' });
    expect(areaGap(leeds, LEEDS_WARDS)).toBeLessThan(0.0001);
    const committed = LEEDS_OUTLINE.features[0]!;
    expect(Math.abs(area(leeds) - area(committed)) / area(committed)).toBeLessThan(0.0001);
  });

  it('throws naming the district when it has no wards', () => {
    expect(() =>
      dissolveWards(
        { type: 'FeatureCollection', features: [] },
        { code: 'E08000039', name: 'Sheffield' },
      ),
    ).toThrow('Sheffield: no wards to dissolve');
  });
});
