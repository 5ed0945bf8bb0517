// Why a row of a force file lies outside the district: police.uk force files hold every
// district the force covers, and a few crimes the force recorded beyond its own area. Each
// such row is counted under one of these reasons (beside the drop reason itself), so that a
// run for one district of a force says where the rows it did not keep were.
import type { AreaConfig } from '../src/shared/area.ts';
import { forceName } from '../src/shared/police-forces.ts';

/**
 * - other-district: its LSOA is in another district the force covers;
 * - beyond-force: its LSOA is in a district the force does not cover;
 * - elsewhere: which of the two cannot be told (no LSOA name, as in API rows, or the area
 *   does not list its force's districts).
 */
export const OUTSIDE_REASONS = ['other-district', 'beyond-force', 'elsewhere'] as const;
export type OutsideReason = (typeof OUTSIDE_REASONS)[number];
export type OutsideCounts = Record<OutsideReason, number>;

/** What tells the reasons apart: the area's forceDistricts (see src/shared/area.ts). */
export interface OutsideRule {
  /** Every district the territorial force covers, by the name police.uk's LSOA names start with; null: not known. */
  forceDistricts: readonly string[] | null;
}

/** The district an LSOA name is in: "Barnsley 001A" -> "Barnsley"; "" for no name. */
export function lsoaNameDistrict(lsoaName: string): string {
  return lsoaName.trim().replace(/ \d{3}[A-Z]$/, '');
}

export function outsideReason(lsoaName: string, rule: OutsideRule): OutsideReason {
  const district = lsoaNameDistrict(lsoaName);
  if (district === '' || rule.forceDistricts === null) return 'elsewhere';
  return rule.forceDistricts.includes(district) ? 'other-district' : 'beyond-force';
}

/**
 * The districts the area's own LSOAs' names start with: its name as LSOA names give it, which
 * is not always the district's ONS name ("Kingston upon Hull 001A" in "Kingston upon Hull, City
 * of"; a district formed since 2021 has the names of the districts it was made of).
 */
export function ownLsoaDistricts(lsoas: readonly { name: string }[]): string[] {
  return [...new Set(lsoas.map((lsoa) => lsoaNameDistrict(lsoa.name)))]
    .filter((district) => district !== '')
    .sort();
}

/**
 * Whether police.uk's LSOA name puts a row in another district than the area's own
 * (`own`, ownLsoaDistricts): known only when the area lists its force's districts (their
 * names are those LSOA names start with, its own among them, which pipeline/area.ts checks);
 * never for a row without an LSOA name. For a point within OUTLINE_TOLERANCE_M of the
 * district's generalised outline, inside or out, which is the district's unless police.uk
 * places it in another (process-month.ts placeInDistrict): two districts of a force built side
 * by side would otherwise both keep it.
 */
export function inAnotherDistrict(
  lsoaName: string,
  rule: OutsideRule,
  own: readonly string[],
): boolean {
  const district = lsoaNameDistrict(lsoaName);
  return district !== '' && rule.forceDistricts !== null && !own.includes(district);
}

export function emptyOutsideCounts(): OutsideCounts {
  return { 'other-district': 0, 'beyond-force': 0, elsewhere: 0 };
}

/**
 * What to tell the user when the area does not list its force's districts (forceDistricts
 * null), since no count shows it: both uses of them above are off. `areaFile` names its
 * area.json; `own`: the districts its LSOAs' names start with (ownLsoaDistricts). null when
 * it lists them.
 */
export function unlistedForceDistrictsNote(
  config: AreaConfig,
  areaFile: string,
  own: readonly string[],
): string | null {
  if (config.forceDistricts !== null) return null;
  const name = config.localAuthority.name;
  const first = own[0] ?? name;
  return (
    `${areaFile} lists no forceDistricts (null), so a run counts every row of the ` +
    `${forceName(config.forces[0]!)} files outside ${name} as "elsewhere" (not as in another ` +
    `district of the force or beyond it) and keeps a row just outside ${name}'s edge even where ` +
    "police.uk's LSOA puts it in another district: list there every district the force covers " +
    `as police.uk's LSOA names start ("${first}" for "${first} 001A"), ` +
    `${own.length > 0 ? own.join(', ') : name} among them`
  );
}
