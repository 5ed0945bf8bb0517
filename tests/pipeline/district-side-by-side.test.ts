// Two districts of one force built side by side share a border: every row near it is one
// district's, never both's, never neither's. Leeds's wards split in two, west and east of
// -1.55 degrees, stand in for two neighbouring districts (as Bradford and Leeds are), with the
// real snap points of Leeds's March 2025 sample month.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { dissolveWards } from '../../pipeline/district-outline.ts';
import { createLocator, loadGeography, type Locator } from '../../pipeline/geo.ts';
import { placeInDistrict, type DistrictRule } from '../../pipeline/process-month.ts';
import type { Geography } from '../../pipeline/reference.ts';

const SAMPLE = 'data/sample/archive/2025-03/2025-03-west-yorkshire-street.csv';
const SPLIT_LONGITUDE = -1.55;
const FORCE = ['East', 'West'];

interface Half {
  rule: DistrictRule;
  locator: Locator;
}

let halves: Half[];
let points: [number, number][];

function half(geo: Geography, name: 'East' | 'West'): Half {
  const wards = geo.wards.filter((ward) => {
    const ring =
      ward.geometry.type === 'Polygon'
        ? ward.geometry.coordinates[0]!
        : ward.geometry.coordinates[0]![0]!;
    const west = ring.reduce((sum, [lon]) => sum + lon!, 0) / ring.length < SPLIT_LONGITUDE;
    return name === 'West' ? west : !west;
  });
  const outline = dissolveWards(
    {
      type: 'FeatureCollection',
      features: wards.map((ward) => ({ type: 'Feature', properties: {}, geometry: ward.geometry })),
    },
    { code: name, name },
  );
  return {
    rule: { name, forceDistricts: FORCE, lsoaDistricts: [name] },
    locator: createLocator({ ...geo, wards, outline: outline.geometry }),
  };
}

beforeAll(async () => {
  const geo = await loadGeography('data/reference');
  halves = [half(geo, 'West'), half(geo, 'East')];
  const rows = parse(readFileSync(SAMPLE), { columns: true, bom: true }) as Record<
    string,
    string
  >[];
  points = [...new Set(rows.map((r) => `${r['Longitude']},${r['Latitude']}`))].map(
    (key) => key.split(',').map(Number) as [number, number],
  );
});

/** The districts that keep a row at `point` whose police.uk LSOA is in `lsoaDistrict`. */
function keptBy([longitude, latitude]: [number, number], lsoaDistrict: string): string[] {
  const record = { longitude, latitude, lsoaName: `${lsoaDistrict} 001A` };
  return halves
    .filter(({ locator, rule }) => placeInDistrict(locator, record, rule) !== null)
    .map(({ rule }) => rule.name);
}

describe('placeInDistrict(locator, record, district) for two districts side by side', () => {
  it('gives a row near their border to the district police.uk puts it in, and only to that one', () => {
    const border = points.filter((point) =>
      halves.every(({ locator }) => locator.nearOutlineEdge(...point)),
    );
    // Real snap points within 50 m of the border, inside either district.
    expect(border.length).toBeGreaterThan(20);
    const inside = (name: string) =>
      border.filter(
        (p) =>
          halves.find((h) => h.rule.name === name)!.locator.locate(...p)?.nearBoundary === false,
      );
    expect(inside('West').length).toBeGreaterThan(5);
    expect(inside('East').length).toBeGreaterThan(5);
    for (const point of border) {
      for (const district of FORCE)
        expect([point, keptBy(point, district)]).toEqual([point, [district]]);
    }
  });

  it('keeps a row away from the border in the district its point is in, whatever its LSOA says', () => {
    const away = points.filter((point) =>
      halves.every(({ locator }) => !locator.nearOutlineEdge(...point)),
    );
    expect(away.length).toBeGreaterThan(1000);
    for (const point of away) {
      const where = halves.filter(({ locator }) => locator.locate(...point) !== null);
      expect(where.length).toBeLessThanOrEqual(1);
      for (const district of FORCE)
        expect(keptBy(point, district)).toEqual(where.map((h) => h.rule.name));
    }
  });
});
