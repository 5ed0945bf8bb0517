import { readFile } from 'node:fs/promises';
import { booleanPointInPolygon, point } from '@turf/turf';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPostcodeIndex } from '../../pipeline/postcode-index.ts';
import { loadGeography } from '../../pipeline/load-geography.ts';
import type { Geography } from '../../pipeline/reference.ts';
import type { PostcodeIndexFile } from '../../src/shared/postcode-index.ts';
import { AREA_WORDS } from '../../src/lib/area.ts';
import { findPostcode } from '../../src/lib/map-postcodes.ts';
import { parseOrThrow, siteDataSchema, type Ward } from '../../src/shared/schema.ts';

let geo: Geography;
let wards: Ward[];
/** Leeds' index as the pipeline builds it, with its list's year from area.json. */
let leeds: ReturnType<typeof buildPostcodeIndex>;
let leedsFile: PostcodeIndexFile;

beforeAll(async () => {
  geo = await loadGeography('data/reference');
  const site = parseOrThrow(
    siteDataSchema,
    JSON.parse(await readFile('src/data/site-data.json', 'utf8')),
    'site-data.json',
  );
  wards = site.wards;
  leeds = buildPostcodeIndex(
    geo.postcodes,
    geo.wards,
    wards,
    geo.projection,
    AREA_WORDS.postcodeYear,
    AREA_WORDS.boundariesYear,
  );
  leedsFile = JSON.parse(leeds.text) as PostcodeIndexFile;
});

/** The ward whose reference polygon holds the point, by turf (not the pipeline's index). */
function turfWard(lon: number, lat: number): string | null {
  const area = geo.wards.find((a) => booleanPointInPolygon(point([lon, lat]), a.geometry));
  return wards.find((w) => w.code === area?.code)?.slug ?? null;
}

describe('buildPostcodeIndex(postcodes, areas, wards, projection, postcodeYear)', () => {
  it('gives every LS postcode inside a Leeds ward that ward and its place to about 10 m', () => {
    const { indexed, outsideWards } = leeds;
    const file = leedsFile;
    expect(indexed + outsideWards).toBe(geo.postcodes.length);
    expect(file.wards).toEqual(wards.map((w) => w.slug));
    // Every 97th postcode: a spread over all districts, checked against turf.
    for (let i = 0; i < geo.postcodes.length; i += 97) {
      const p = geo.postcodes[i];
      if (p === undefined) continue;
      const expected = turfWard(p.lon, p.lat);
      const found = findPostcode(file, p.postcode);
      if (expected === null) {
        expect(found?.kind, p.postcode).toBe('none');
        continue;
      }
      expect(found, p.postcode).toMatchObject({ kind: 'postcode', ward: expected });
      if (found?.kind !== 'postcode') continue;
      expect(Math.abs(found.lat - p.lat), p.postcode).toBeLessThan(1e-4);
      expect(Math.abs(found.lon - p.lon), p.postcode).toBeLessThan(1e-4);
    }
  });

  it('counts the LS postcodes outside every Leeds ward (most of LS29 is in Bradford) and leaves them out', () => {
    const { outsideWards } = leeds;
    const file = leedsFile;
    const outside = geo.postcodes
      .filter((p) => p.district === 'LS29')
      .filter((p) => turfWard(p.lon, p.lat) === null);
    expect(outside.length).toBeGreaterThan(10);
    expect(outsideWards).toBeGreaterThanOrEqual(outside.length);
    for (const p of outside.slice(0, 20)) {
      expect(findPostcode(file, p.postcode), p.postcode).toMatchObject({ kind: 'none' });
    }
  });

  it("carries the postcode list's licence and its Royal Mail notice with the edition's year", () => {
    const file = leedsFile;
    expect(AREA_WORDS.postcodeYear).toBe(2018);
    expect(file.licence).toBe('OGL-UK-3.0');
    expect(file.attribution).toContain('ONS Postcode Directory');
    expect(file.attribution).toContain(
      `Contains Royal Mail data © Royal Mail copyright and database right 2018.`,
    );
  });

  it('credits the ward boundaries that place each postcode in its ward, with their OS notice and year', () => {
    expect(AREA_WORDS.boundariesYear).toBe(2025);
    expect(leedsFile.attribution).toContain(
      'Ward boundaries: Office for National Statistics, Open Government Licence v3.0. ' +
        'Contains OS data © Crown copyright and database right 2025.',
    );
    const other = JSON.parse(
      buildPostcodeIndex(geo.postcodes, geo.wards, wards, geo.projection, 2018, 2021).text,
    ) as PostcodeIndexFile;
    expect(other.attribution).toMatch(/Ward boundaries: .* database right 2021\.$/);
  });

  it('credits no postcode list in the index of a district that has none', () => {
    const { text } = buildPostcodeIndex([], geo.wards, wards, geo.projection, null, 2025);
    const file = JSON.parse(text) as PostcodeIndexFile;
    expect(file.licence).toBeUndefined();
    expect(file.attribution).toBeUndefined();
    expect(file.districts).toEqual({});
  });

  it('is the file the pipeline published in public/data', async () => {
    expect(await readFile('public/data/postcodes.json', 'utf8')).toBe(leeds.text);
  });
});
