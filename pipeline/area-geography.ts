// An area's reference geography, read once before a run's first step and checked against its
// area.json: whatever can be checked from the committed files (LSOAs of the district, with
// their residents; wards with residents; its postcodes and the postcode districts it names;
// its force's districts) stops the run before anything is downloaded, and the steps that
// locate points share what was read.
import {
  checkForceDistricts,
  checkLsoasInOutline,
  checkPostcodesInOutline,
  checkPostcodeDistricts,
  AreaLoadError,
  type LoadedArea,
} from './area.ts';
import { loadGeography, type ReferenceFiles } from './load-geography.ts';
import { ownLsoaDistricts } from './outside.ts';
import type { Geography } from './reference.ts';
import { wardsWithoutResidents } from './wards.ts';

export interface AreaGeography {
  geography: Geography;
  /** The districts the area's own LSOAs' names start with (outside.ts ownLsoaDistricts). */
  lsoaDistricts: readonly string[];
}

/** Read `files` (the area's, run-context.ts referenceFiles) and check them against `area`. */
export async function loadAreaGeography(
  area: LoadedArea,
  files: ReferenceFiles,
): Promise<AreaGeography> {
  const geography = await loadGeography(files);
  // First: another district's LSOAs would also be named as force districts not listed.
  checkLsoasInOutline(area, geography.lsoas, geography.outline);
  checkPostcodesInOutline(area, geography.postcodes, geography.outline);
  checkPostcodeDistricts(area, geography.postcodes);
  const lsoaDistricts = ownLsoaDistricts(geography.lsoas);
  checkForceDistricts(area, lsoaDistricts);
  // Every rate divides by a ward's residents: a ward with none would stop the run's wards,
  // after its downloads, otherwise.
  const { centre, population } = area.config;
  const empty = wardsWithoutResidents(geography, centre, population.file);
  if (empty !== null)
    throw new AreaLoadError(`${area.source} does not fit its population:\n${empty}`);
  return { geography, lsoaDistricts };
}
