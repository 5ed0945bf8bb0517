// ⚠️ This module ships to the browser (it is imported by shared code); keep it small and free
// of Node APIs. What an area's postcode list lacks, in words: the published files' column
// descriptions (open-data.ts) and the pipeline's months step say it alike. A module of its own,
// so the months step's fold checkpoint (whose code fingerprint covers what the step imports)
// does not take every change to the published files' words for a change to its folds.
import type { PostcodeListHolds } from './area.ts';

/**
 * Where a point of the district can lie more than 1 km from every postcode of its list: in the
 * parts with postcodes of areas a list of whole postcode areas does not hold ("parts of Leeds
 * with other areas' postcodes"), or, the list holding every postcode of the district, far from
 * every address.
 */
export function farFromTheList(words: {
  district: string;
  postcodeListHolds: PostcodeListHolds | null;
}): string {
  return words.postcodeListHolds === 'district'
    ? `places far from every address of ${words.district}, such as open land or the district's edge, whose nearest postcodes can be the next district's`
    : `parts of ${words.district} with other areas' postcodes`;
}
