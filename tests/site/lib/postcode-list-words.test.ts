import { describe, expect, it } from 'vitest';
import { postcodeListWords } from '../../../src/lib/postcode-list-words.ts';

const list = {
  file: 'data/reference/postcodes-ls.csv',
  copyrightYear: 2018,
  nonGeographicDistricts: [],
};

describe('postcodeListWords(postcodes)', () => {
  it("names the list by the example district's postcode area", () => {
    expect(postcodeListWords({ ...list, example: 'LS6', edition: '2016 to early 2018' })).toEqual({
      listed: 'LS ',
      source:
        'the LS postcode area of the ONS Postcode Directory (an edition of 2016 to early 2018)',
      approximateLabel: 'Postcode district, nearest LS (approximate)',
    });
    expect(postcodeListWords({ ...list, example: 'S10' }).listed).toBe('S ');
  });

  it('needs no example: nothing is left blank in the words', () => {
    const words = postcodeListWords({ ...list });
    expect(words).toEqual({
      listed: '',
      source: "the district's postcodes from the ONS Postcode Directory",
      approximateLabel: 'Postcode district, nearest in the list (approximate)',
    });
    for (const text of Object.values(words)) expect(text).not.toMatch(/ {2}|^ | $/);
  });
});
