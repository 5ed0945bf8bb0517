import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { postcodeListWords } from '../../../src/lib/postcode-list-words.ts';
import { parseArea, type AreaConfig } from '../../../src/shared/area.ts';

const LEEDS_FILE = 'data/areas/leeds/area.json';
const LEEDS_JSON = JSON.parse(readFileSync(LEEDS_FILE, 'utf8')) as Record<string, unknown>;

/** An area's postcodes as area.json gives them, read through the schema (defaults filled in). */
function postcodesOf(postcodes: Record<string, unknown>): NonNullable<AreaConfig['postcodes']> {
  const config = parseArea({ ...LEEDS_JSON, postcodes }, LEEDS_FILE);
  return config.postcodes!;
}

/** The postcodes `npm run area -- add` writes into area.json (pipeline/added-area-files.ts). */
const FETCHED = {
  file: 'data/areas/kirklees/postcodes.csv',
  holds: 'district',
  example: 'HD1',
  copyrightYear: 2026,
};

/** Words that say the list lacks postcodes of the district, or is one postcode area. */
const SAYS_OTHER_AREAS_MISSING =
  /other areas|other postcodes|does not hold|lacks|another postcode area|postcode area of/;

const all = (words: ReturnType<typeof postcodeListWords>) =>
  Object.values(words).filter((w): w is string => w !== null);

describe('postcodeListWords(postcodes, district, areas)', () => {
  it("says what Leeds's list of the LS postcode area lacks, as About always has", () => {
    const leeds = parseArea(LEEDS_JSON, LEEDS_FILE);
    expect(leeds.postcodes?.holds).toBe('postcode-areas');
    expect(postcodeListWords(leeds.postcodes!, 'Leeds', ['LS'])).toEqual({
      source:
        'the LS postcode area of the ONS Postcode Directory (an edition of 2016 to early 2018)',
      nearestPostcode: 'nearest LS postcode',
      gap: 'Parts of Leeds can have postcodes of other areas, which the LS list does not hold',
      nearestDistrict: 'nearest LS district',
      approximateLabel: 'Postcode district, nearest LS (approximate)',
      splitByArea:
        'Straddling LSOAs with no LS postcode (parts of Leeds with other postcodes, which the list lacks)',
      otherAreaLimit: 'an LSOA partly in another postcode area is split by its LS postcodes only',
    });
  });

  it("says a fetched list of the whole district in one postcode area holds every one of the district's postcodes", () => {
    const words = postcodeListWords(
      postcodesOf({ ...FETCHED, file: 'data/areas/sheffield/postcodes.csv', example: 'S10' }),
      'Sheffield',
      ['S'],
    );
    expect(words.source).toBe(
      'every postcode of the Sheffield district in the ONS Postcode Directory, all in the S postcode area',
    );
    expect(words.gap).toMatch(/^The list holds every postcode of Sheffield, so a point /);
    expect(words.otherAreaLimit).toBeNull();
    for (const text of all(words)) {
      expect(text).not.toMatch(SAYS_OTHER_AREAS_MISSING);
      // The list is the district's, not the S postcode area's: no "nearest S postcode".
      if (text !== words.source) expect(text).not.toMatch(/\bS\b/);
    }
  });

  it('names every postcode area of a fetched list of the whole district, and none as the list', () => {
    // Kirklees's postcodes are HD and WF; area.json's example is its commonest district, HD1.
    const words = postcodeListWords(postcodesOf(FETCHED), 'Kirklees', ['HD', 'WF']);
    expect(words.source).toBe(
      'every postcode of the Kirklees district in the ONS Postcode Directory, in the HD and WF postcode areas',
    );
    expect(words.approximateLabel).toBe('Postcode district, nearest in the list (approximate)');
    expect(words.nearestPostcode).toBe('nearest postcode of the list');
    expect(words.otherAreaLimit).toBeNull();
    for (const text of all(words)) {
      expect(text).not.toMatch(SAYS_OTHER_AREAS_MISSING);
      if (text !== words.source) expect(text).not.toMatch(/\b(HD|WF)\b/);
    }
  });

  it("reads a list area.json gives without saying what it holds as the district's, as the area command wrote them", () => {
    const { holds: _holds, ...before } = FETCHED;
    const words = postcodeListWords(postcodesOf(before), 'Kirklees', ['HD', 'WF']);
    for (const text of all(words)) expect(text).not.toMatch(SAYS_OTHER_AREAS_MISSING);
  });

  it('names every postcode area of a list of several whole areas', () => {
    const postcodes = postcodesOf({ ...FETCHED, holds: 'postcode-areas' });
    const words = postcodeListWords(postcodes, 'Kirklees', ['HD', 'WF']);
    expect(words.source).toBe('the HD and WF postcode areas of the ONS Postcode Directory');
    expect(words.nearestPostcode).toBe('nearest HD or WF postcode');
    expect(words.gap).toBe(
      'Parts of Kirklees can have postcodes of other areas, which the HD and WF list does not hold',
    );
  });

  it('leaves nothing blank when the list has no postcode in the district', () => {
    for (const holds of ['district', 'postcode-areas']) {
      const words = postcodeListWords(postcodesOf({ ...FETCHED, holds }), 'Kirklees', []);
      for (const text of all(words)) expect(text, holds).not.toMatch(/ {2}|^ | $| ,|the {2}/);
      expect(words.approximateLabel, holds).toBe(
        'Postcode district, nearest in the list (approximate)',
      );
    }
  });
});
