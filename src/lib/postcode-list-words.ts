// How About names the area's postcode list: by its postcode area ("LS") when area.json gives
// an example district, else in words that need none (postcodes.example is optional).
import type { AreaConfig } from '../shared/area.ts';

export interface PostcodeListWords {
  /** "LS " before a word of the list ("the nearest LS postcode"), or nothing. */
  listed: string;
  /** Where the list comes from, its edition included when area.json gives one. */
  source: string;
  /** The coverage table's row of districts taken from the nearest listed postcode. */
  approximateLabel: string;
}

export function postcodeListWords(postcodes: AreaConfig['postcodes']): PostcodeListWords {
  const postcodeArea = postcodes?.example?.replace(/\d.*$/, '') ?? '';
  const edition = postcodes?.edition;
  const named = postcodeArea === '' ? null : postcodeArea;
  return {
    listed: named === null ? '' : `${named} `,
    source:
      (named === null
        ? "the district's postcodes from the ONS Postcode Directory"
        : `the ${named} postcode area of the ONS Postcode Directory`) +
      (edition === undefined ? '' : ` (an edition of ${edition})`),
    approximateLabel: `Postcode district, nearest ${named ?? 'in the list'} (approximate)`,
  };
}
