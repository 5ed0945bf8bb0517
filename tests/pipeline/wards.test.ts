import { area, bbox, bboxClip, buffer, feature, featureCollection, intersect } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGeography, type Geography } from '../../pipeline/geo.ts';
import { apportionLsoas, LEEDS_CENTRE } from '../../pipeline/population.ts';
import { assignLsoasToWards, buildWards } from '../../pipeline/wards.ts';
import type { Ward } from '../../src/shared/schema.ts';
import { wardSlug } from '../../src/shared/ward-slug.ts';

let geo: Geography;
let wards: Ward[];

beforeAll(async () => {
  geo = await loadGeography('data/reference');
  wards = buildWards(geo, LEEDS_CENTRE);
});

describe('buildWards(geo)', () => {
  it('returns the 33 wards ordered by name', () => {
    expect(wards).toHaveLength(33);
    const names = wards.map((ward) => ward.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en-GB')));
    expect(names[0]).toBe('Adel & Wharfedale');
    expect(names.at(-1)).toBe('Wetherby');
  });

  it('gives every ward a unique slug made from its name', () => {
    const slugs = wards.map((ward) => ward.slug);
    expect(new Set(slugs).size).toBe(33);
    for (const ward of wards) expect(ward.slug).toBe(wardSlug(ward.name));
    expect(wards.find((ward) => ward.code === 'E05011403')?.slug).toBe(
      'little-london-and-woodhouse',
    );
  });

  it('sums the Census 2021 population of Leeds, 811,957, over the wards', () => {
    expect(wards.reduce((sum, ward) => sum + ward.population, 0)).toBe(811_957);
    // Leeds wards hold 16,000 to 35,000 residents each.
    for (const ward of wards) {
      expect(ward.population).toBeGreaterThan(15_000);
      expect(ward.population).toBeLessThan(36_000);
    }
  });

  it('refuses wards without residents, naming each with the LSOAs over it and what to check', () => {
    // A population file that gives no LSOA any residents.
    const main = assignLsoasToWards(geo);
    const wetherbys = [...main].filter(([, ward]) => ward === 'E05011414').map(([lsoa]) => lsoa);
    expect(wetherbys.length).toBeGreaterThan(5);
    const emptied = (codes: readonly string[]) =>
      new Map([...geo.population].map(([code, n]) => [code, codes.includes(code) ? 0 : n]));
    const everyCode = [...geo.population.keys()];
    const none = () => buildWards({ ...geo, population: emptied(everyCode) }, LEEDS_CENTRE);
    expect(none).toThrow(/^33 wards have no Census 2021 residents, so no rate per resident:\n/);
    expect(none).toThrow(
      new RegExp(
        `  - E05011414 \\(Wetherby\\): the LSOAs that overlap it have [^\\n]*${wetherbys[0]} \\(0\\)`,
      ),
    );
    expect(none).toThrow(/\nCheck the area's population file \(area\.json population\.file/);
    // Every LSOA with a part in Wetherby emptied: the wards that share them keep others.
    const inWetherby = apportionLsoas(geo, LEEDS_CENTRE)
      .filter(({ parts }) => parts.some((part) => part.ward === 'E05011414'))
      .map(({ lsoa }) => lsoa);
    expect(() => buildWards({ ...geo, population: emptied(inWetherby) }, LEEDS_CENTRE)).toThrow(
      /^A ward has no Census 2021 residents, so no rate per resident:\n {2}- E05011414 \(Wetherby\): the LSOAs that overlap it have (E0\d+ \(0\)(, )?)+ residents, none apportioned to it\nCheck/,
    );
  });

  it('refuses an LSOA that overlaps no ward, naming it and the two files to check', () => {
    // The first LSOA moved 30 km east, beyond every ward (an LSOA file of another district).
    const [first, ...rest] = geo.lsoas;
    const moved = structuredClone(first!.geometry);
    const shift = (ring: number[][]) => ring.forEach((p) => (p[0] = p[0]! + 0.45));
    if (moved.type === 'Polygon') moved.coordinates.forEach(shift);
    else moved.coordinates.forEach((polygon) => polygon.forEach(shift));
    const elsewhere = { ...geo, lsoas: [{ ...first!, geometry: moved }, ...rest] };
    const expected =
      `LSOA ${first!.code} (${first!.name}) overlaps no ward polygon: the LSOA and ward ` +
      "boundaries do not cover the same district. Check area.json's boundaries.lsoas.file and " +
      "boundaries.wards.file: both must be the district's whole";
    expect(() => buildWards(elsewhere, LEEDS_CENTRE)).toThrow(expected);
    expect(() => assignLsoasToWards(elsewhere)).toThrow(expected);
  });

  it('refuses geography whose ward names would share a page, as loadArea does', () => {
    const [a, b] = geo.wards;
    const renamed = [{ ...a!, name: 'Park' }, { ...b!, name: 'park!' }, ...geo.wards.slice(2)];
    expect(() => buildWards({ ...geo, wards: renamed }, LEEDS_CENTRE)).toThrow(
      `The wards do not each give a page of their own:\n  - wards ${a!.code} "Park" and ` +
        `${b!.code} "park!" would share the page /wards/park/`,
    );
  });

  it('gives each ward neighbours that name it back', () => {
    const byCode = new Map(wards.map((ward) => [ward.code, ward]));
    for (const ward of wards) {
      expect(ward.neighbours.length).toBeGreaterThan(0);
      expect(ward.neighbours).not.toContain(ward.code);
      for (const code of ward.neighbours) expect(byCode.get(code)?.neighbours).toContain(ward.code);
    }
  });

  it('makes wards neighbours exactly when they share more than a few metres of boundary', () => {
    // Independent check with turf: a 5 m buffer of ward A overlaps ward B by about 5 m x the
    // length of their common boundary, and by a few square metres where they only meet at a
    // corner.
    const ours = new Set(
      wards.flatMap((ward) => ward.neighbours.map((code) => [ward.code, code].sort().join())),
    );
    const turfs = new Set<string>();
    const polygons = geo.wards.map((ward) => feature(ward.geometry));
    const buffered = polygons.map((polygon) => buffer(polygon, 5, { units: 'meters' })!);
    geo.wards.forEach((a, i) => {
      const boxA = bbox(buffered[i]!);
      geo.wards.forEach((b, j) => {
        const boxB = bbox(polygons[j]!);
        if (
          j <= i ||
          boxA[0] > boxB[2] ||
          boxB[0] > boxA[2] ||
          boxA[1] > boxB[3] ||
          boxB[1] > boxA[3]
        ) {
          return;
        }
        const common = intersect(featureCollection([buffered[i]!, polygons[j]!]));
        if (common !== null && area(common) > 5 * 5) turfs.add([a.code, b.code].sort().join());
      });
    });
    expect([...ours].sort()).toEqual([...turfs].sort());
  });
});

describe('assignLsoasToWards(geo)', () => {
  it('gives every LSOA the ward that holds the largest part of its area', () => {
    type Polygonal = Feature<Polygon | MultiPolygon>;
    const assignment = assignLsoasToWards(geo);
    expect(assignment.size).toBe(488);
    const wardBoxes = geo.wards.map((ward) => ({ ward, box: bbox(feature(ward.geometry)) }));
    const disagreements: string[] = [];
    for (const lsoa of geo.lsoas) {
      const lsoaFeature = feature(lsoa.geometry);
      const box = bbox(lsoaFeature);
      let best = { code: '', area: 0 };
      for (const { ward, box: w } of wardBoxes) {
        if (w[0] > box[2] || box[0] > w[2] || w[1] > box[3] || box[1] > w[3]) continue;
        const clipped = bboxClip(feature(ward.geometry), box) as Polygonal;
        if (clipped.geometry.coordinates.length === 0) continue;
        const common = intersect(featureCollection([lsoaFeature, clipped]));
        const shared = common === null ? 0 : area(common);
        if (shared > best.area) best = { code: ward.code, area: shared };
      }
      if (assignment.get(lsoa.code) !== best.code) disagreements.push(lsoa.code);
    }
    expect(disagreements).toEqual([]);
  });
});
