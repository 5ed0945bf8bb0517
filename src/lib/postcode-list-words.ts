// How About speaks of the area's postcode list: what it is (area.json's postcodes.holds) and
// the postcode areas it holds (read from the list's published index), so a list of whole
// postcode areas (Leeds's LS) is said to lack the parts of the district with other areas'
// postcodes, and a list of every postcode of the district (`npm run area -- add`) is not.
import type { AreaConfig } from '../shared/area.ts';
import { listInWords } from './format.ts';

export interface PostcodeListWords {
  /** Where the list comes from, its edition included when area.json gives one. */
  source: string;
  /** The postcode a crime's district is taken from: "nearest LS postcode". */
  nearestPostcode: string;
  /** Why a point can have no postcode of the list near it: a sentence without its stop. */
  gap: string;
  /** What a point far from the list is given without postcodes.io: "nearest LS district". */
  nearestDistrict: string;
  /** The coverage table's row of districts taken from the nearest listed postcode. */
  approximateLabel: string;
  /** The straddling LSOAs split by area rather than by postcodes: a sentence's subject. */
  splitByArea: string;
  /** What else limits the split by postcodes, after "; and " (null: nothing more). */
  otherAreaLimit: string | null;
}

/**
 * `areas`: the postcode areas of the list's postcodes ("LS"; "HD" and "WF"), in order;
 * `district`: the district's name ("Leeds").
 */
export function postcodeListWords(
  postcodes: NonNullable<AreaConfig['postcodes']>,
  district: string,
  areas: readonly string[],
): PostcodeListWords {
  const edition = postcodes.edition === undefined ? '' : ` (an edition of ${postcodes.edition})`;
  const several = areas.length > 1;
  if (postcodes.holds === 'district') {
    const inAreas =
      areas.length === 0
        ? ''
        : `, ${several ? '' : 'all '}in the ${listInWords(areas)} postcode area${several ? 's' : ''}`;
    return {
      source: `every postcode of the ${district} district in the ONS Postcode Directory${edition}${inAreas}`,
      nearestPostcode: 'nearest postcode of the list',
      gap:
        `The list holds every postcode of ${district}, so a point with none that near lies far ` +
        "from every address (open land, or the district's edge, whose nearest postcodes can be " +
        "the next district's)",
      nearestDistrict: 'nearest listed district',
      approximateLabel: 'Postcode district, nearest in the list (approximate)',
      splitByArea: 'Straddling LSOAs with no postcode in the list',
      // An LSOA lies inside one district, so the list holds every one of its postcodes.
      otherAreaLimit: null,
    };
  }
  // Whole postcode areas: the district's postcodes of other areas are not in the list.
  const named = areas.length === 0 ? null : listInWords(areas, 'or');
  const listed = named === null ? '' : `${named} `;
  return {
    source:
      (named === null
        ? 'whole postcode areas of the ONS Postcode Directory'
        : `the ${listInWords(areas)} postcode area${several ? 's' : ''} of the ONS Postcode Directory`) +
      edition,
    nearestPostcode: named === null ? 'nearest postcode of the list' : `nearest ${named} postcode`,
    gap: `Parts of ${district} can have postcodes of other areas, which the ${named === null ? '' : `${listInWords(areas)} `}list does not hold`,
    nearestDistrict: named === null ? 'nearest listed district' : `nearest ${named} district`,
    approximateLabel: `Postcode district, nearest ${named ?? 'in the list'} (approximate)`,
    splitByArea: `Straddling LSOAs with no ${listed}postcode (parts of ${district} with other postcodes, which the list lacks)`,
    otherAreaLimit: `an LSOA partly in another postcode area is split by its ${named === null ? 'postcodes of the list' : `${named} postcodes`} only`,
  };
}
