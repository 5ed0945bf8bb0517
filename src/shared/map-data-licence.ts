// The map data's licence and attribution, from the one source of both (open-data.ts). Apart
// from the encoder, so the code whose fingerprint keys the months' folds
// (pipeline/month-fold-checkpoint.ts) holds none of the published files' words: a change to
// their wording writes the map data again, never folds every month again.
import type { MapDataLicence } from './map-data.ts';
import { LEEDS_WORDS, openDataLicence, type DistrictWords } from './open-data.ts';

/** The map data header's licence and attribution for a district's sources (`words`). */
export function mapDataLicence(words: DistrictWords = LEEDS_WORDS): MapDataLicence {
  const { name, attribution } = openDataLicence(words);
  return { licence: name, attribution: attribution.join(' ') };
}
