import {
  area,
  bbox,
  bboxClip,
  booleanPointInPolygon,
  feature,
  featureCollection,
  intersect,
  point,
} from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGeography, type Geography } from '../../pipeline/geo.ts';
import {
  apportionLsoas,
  LEEDS_CENTRE,
  splitResidents,
  wardResidents,
  type LsoaApportionment,
} from '../../pipeline/population.ts';
import { assignLsoasToWards } from '../../pipeline/wards.ts';

type Polygonal = Feature<Polygon | MultiPolygon>;

const NEAR_TIE = 'E01011670';
const LITTLE_LONDON = 'E05011403';
const HEADINGLEY = 'E05011397';
const LEEDS_RESIDENTS = 811_957;

let geo: Geography;
let apportionment: LsoaApportionment[];
let byLsoa: Map<string, LsoaApportionment>;

beforeAll(async () => {
  geo = await loadGeography('data/reference');
  apportionment = apportionLsoas(geo, LEEDS_CENTRE);
  byLsoa = new Map(apportionment.map((a) => [a.lsoa, a]));
});

/** Postcodes inside an LSOA, found with turf rather than the pipeline's own index. */
function postcodesInside(lsoaCode: string) {
  const lsoa = feature(geo.lsoas.find((l) => l.code === lsoaCode)!.geometry);
  const [w, s, e, n] = bbox(lsoa);
  return geo.postcodes.filter(
    (p) =>
      p.lon >= w &&
      p.lon <= e &&
      p.lat >= s &&
      p.lat <= n &&
      booleanPointInPolygon(point([p.lon, p.lat]), lsoa),
  );
}

function wardOf(lon: number, lat: number): string | undefined {
  return geo.wards.find((ward) => booleanPointInPolygon(point([lon, lat]), feature(ward.geometry)))
    ?.code;
}

function shareByWard(a: LsoaApportionment): Map<string, number> {
  const shares = new Map<string, number>();
  for (const part of a.parts) shares.set(part.ward, (shares.get(part.ward) ?? 0) + part.share);
  return shares;
}

describe('apportionLsoas(geo)', () => {
  it('apportions every one of the 488 LSOAs, each into parts that add up to 1', () => {
    expect(apportionment).toHaveLength(488);
    for (const a of apportionment) {
      expect(a.parts.reduce((sum, p) => sum + p.share, 0)).toBeCloseTo(1, 12);
    }
  });

  it(`splits the near-tie ${NEAR_TIE} by its postcodes, most of them in Headingley & Hyde Park`, () => {
    const near = byLsoa.get(NEAR_TIE)!;
    expect(near.method).toBe('postcodes');
    // Independently: the LSOA's postcodes and their wards, found with turf.
    const inside = postcodesInside(NEAR_TIE);
    expect(inside.length).toBeGreaterThan(50);
    const expected = new Map<string, number>();
    for (const p of inside) {
      const ward = wardOf(p.lon, p.lat)!;
      expected.set(ward, (expected.get(ward) ?? 0) + 1 / inside.length);
    }
    const shares = shareByWard(near);
    expect([...shares.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [ward, share] of expected) expect(shares.get(ward)).toBeCloseTo(share, 9);
    // By area the two wards hold it almost equally (about 43% each, checked with turf); by
    // postcodes they do not.
    const lsoa = feature(geo.lsoas.find((l) => l.code === NEAR_TIE)!.geometry);
    const areaShare = (code: string): number => {
      const ward = geo.wards.find((w) => w.code === code)!;
      const clipped = bboxClip(feature(ward.geometry), bbox(lsoa)) as Polygonal;
      return area(intersect(featureCollection([lsoa, clipped]))!) / area(lsoa);
    };
    expect(areaShare(LITTLE_LONDON)).toBeCloseTo(0.43, 1);
    expect(areaShare(HEADINGLEY)).toBeCloseTo(0.43, 1);
    expect(Math.abs(areaShare(LITTLE_LONDON) - areaShare(HEADINGLEY))).toBeLessThan(0.02);
    expect(shares.get(HEADINGLEY)!).toBeGreaterThan(shares.get(LITTLE_LONDON)! + 0.15);
  });

  it('gives an LSOA that lies inside one ward wholly to that ward', () => {
    // Clean cases, checked with turf: at least 99.5% of the LSOA's area is in that ward.
    const clean = ['E01011267', 'E01011390', 'E01011510', 'E01011618', 'E01011738'];
    for (const code of clean) {
      const a = byLsoa.get(code)!;
      expect(a.method).toBe('one-ward');
      const shares = shareByWard(a);
      expect(shares.size).toBe(1);
      const [ward] = [...shares.keys()];
      const lsoa = feature(geo.lsoas.find((l) => l.code === code)!.geometry);
      const clipped = bboxClip(
        feature(geo.wards.find((w) => w.code === ward)!.geometry),
        bbox(lsoa),
      ) as Polygonal;
      const common = intersect(featureCollection([lsoa, clipped]));
      expect(area(common!) / area(lsoa)).toBeGreaterThan(0.995);
    }
  });

  it('splits by area only the LSOAs that straddle wards and hold no LS postcode', () => {
    const byArea = apportionment.filter((a) => a.method === 'area');
    expect(byArea.length).toBeGreaterThan(0);
    for (const a of byArea) {
      expect(postcodesInside(a.lsoa)).toEqual([]);
      expect(a.parts.every((p) => !p.cityCentre)).toBe(true);
    }
  });

  it('puts in the city centre the share of the LSOA postcodes that are in LS1 or LS2', () => {
    for (const code of ['E01033010', 'E01035043', NEAR_TIE]) {
      const inside = postcodesInside(code);
      const centre = inside.filter((p) => p.district === 'LS1' || p.district === 'LS2').length;
      const share = byLsoa
        .get(code)!
        .parts.filter((p) => p.cityCentre)
        .reduce((sum, p) => sum + p.share, 0);
      expect(share).toBeCloseTo(centre / inside.length, 9);
    }
  });
});

describe('wardResidents(population, apportionment, wardCodes)', () => {
  it('adds up to the Leeds total of 811,957 residents, with no ward empty', () => {
    const wards = wardResidents(
      geo.population,
      apportionment,
      geo.wards.map((w) => w.code),
    );
    const all = [...wards.values()];
    expect(all.reduce((sum, w) => sum + w.residents, 0)).toBe(LEEDS_RESIDENTS);
    for (const w of all) {
      expect(w.residents).toBeGreaterThan(15_000);
      expect(w.cityCentre).toBeLessThanOrEqual(w.residents);
      expect(w.byArea).toBeLessThanOrEqual(w.residents);
    }
  });

  it('gives the near-tie residents to each ward in proportion to its postcodes', () => {
    const only = apportionment.filter((a) => a.lsoa === NEAR_TIE);
    const wards = wardResidents(
      geo.population,
      only,
      geo.wards.map((w) => w.code),
    );
    const residents = geo.population.get(NEAR_TIE)!;
    expect(residents).toBe(2614);
    const shares = shareByWard(only[0]!);
    for (const [ward, share] of shares) {
      expect(Math.abs(wards.get(ward)!.residents - residents * share)).toBeLessThanOrEqual(1);
    }
    expect([...wards.values()].reduce((sum, w) => sum + w.residents, 0)).toBe(residents);
  });

  it('city-centre residents are those of LSOAs times their LS1/LS2 postcode share, to rounding', () => {
    const wards = wardResidents(
      geo.population,
      apportionment,
      geo.wards.map((w) => w.code),
    );
    let expected = 0;
    for (const a of apportionment) {
      const share = a.parts.filter((p) => p.cityCentre).reduce((sum, p) => sum + p.share, 0);
      expected += geo.population.get(a.lsoa)! * share;
    }
    const total = [...wards.values()].reduce((sum, w) => sum + w.cityCentre, 0);
    expect(expected).toBeGreaterThan(5_000);
    // Each LSOA's parts are rounded to whole residents: at most one off per LSOA part.
    expect(Math.abs(total - expected)).toBeLessThan(apportionment.length);
  });

  it('takes an official-style lookup (each LSOA wholly in one ward) through the same interface', () => {
    const lookup = assignLsoasToWards(geo);
    const asApportionment: LsoaApportionment[] = [...lookup].map(([lsoa, ward]) => ({
      lsoa,
      method: 'one-ward',
      parts: [{ ward, cityCentre: false, share: 1 }],
    }));
    const wards = wardResidents(
      geo.population,
      asApportionment,
      geo.wards.map((w) => w.code),
    );
    for (const ward of geo.wards) {
      const expected = [...lookup]
        .filter(([, w]) => w === ward.code)
        .reduce((sum, [lsoa]) => sum + geo.population.get(lsoa)!, 0);
      expect(wards.get(ward.code)!.residents).toBe(expected);
    }
  });

  it('refuses an apportionment whose parts do not add up to 1, naming the LSOA', () => {
    expect(() =>
      wardResidents(
        geo.population,
        [
          {
            lsoa: NEAR_TIE,
            method: 'postcodes',
            parts: [{ ward: HEADINGLEY, cityCentre: false, share: 0.6 }],
          },
        ],
        [HEADINGLEY],
      ),
    ).toThrow(/E01011670 add up to 0.6/);
  });
});

describe('splitResidents(residents, shares)', () => {
  it('gives whole residents that add up exactly, the leftovers to the largest remainders', () => {
    expect(splitResidents(10, [1 / 3, 1 / 3, 1 / 3])).toEqual([4, 3, 3]);
    expect(splitResidents(2614, [0.25, 0.75])).toEqual([654, 1960]);
    expect(splitResidents(7, [0.5, 0.3, 0.2])).toEqual([4, 2, 1]);
    expect(splitResidents(0, [0.5, 0.5])).toEqual([0, 0]);
  });
});
