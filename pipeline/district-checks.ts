// The checks a district's fetched reference data must pass before it is written: valid
// polygons in longitude/latitude, wards and LSOAs that cover the district's outline, one
// residents count for every LSOA, and counts in the range real districts have. Pure: every
// problem comes back as one line naming what, where and what to do, so that a bad fetch is
// reported whole rather than one problem per run.
import { area } from '@turf/area';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { dissolveWards } from './district-outline.ts';
import type { LsoaResidents } from './nomis-population.ts';
import { polygonProblem } from './polygon-problem.ts';
import type { BoundaryCollection, CodeName } from './sources/ons-geography.ts';

/** Wards and LSOAs are generalised separately from the district's outline: 1% allows for it. */
export const COVERAGE_TOLERANCE = 0.01;
/** Birmingham, the largest district, has 69 wards and 640 LSOAs. */
export const MAX_WARDS = 150;
export const MAX_LSOAS = 1500;
/**
 * Census 2021 LSOAs hold 996 to 9,899 residents (England and Wales, TS001): a count well
 * outside that is a wrong column or a wrong table, not a real LSOA.
 */
export const LSOA_RESIDENTS_RANGE = { min: 500, max: 20_000 } as const;

/** Problems quoted per kind before "and N more". */
const LISTED_MAX = 5;

export interface DistrictReference {
  district: CodeName;
  /** The wards the ward lookup lists for the district. */
  wardList: readonly CodeName[];
  wards: BoundaryCollection;
  wardFields: { code: string; name: string };
  lsoas: BoundaryCollection;
  outline: Feature<Polygon | MultiPolygon>;
  /** The district's LSOA codes, from the LSOA lookup. */
  lsoaCodes: readonly string[];
  residents: readonly LsoaResidents[];
}

/** Every problem with the reference, one line each; none when it can be written. */
export function districtProblems(ref: DistrictReference): string[] {
  const problems: string[] = [];
  const geometry: string[] = [];
  const label = (what: string, feature: Feature, fields: { code: string; name: string }) =>
    `${what} ${String(feature.properties?.[fields.code])} (${String(feature.properties?.[fields.name])})`;
  const check = (what: string, feature: Feature) => {
    const found = polygonProblem(feature.geometry);
    if (found) geometry.push(`${what}: ${found.at} ${found.problem}`);
  };
  for (const ward of ref.wards.features) check(label('ward', ward, ref.wardFields), ward);
  const lsoaFields = { code: 'LSOA21CD', name: 'LSOA21NM' };
  for (const lsoa of ref.lsoas.features) check(label('LSOA', lsoa, lsoaFields), lsoa);
  check("the district's outline", ref.outline);
  problems.push(...listed(geometry, 'polygons'));

  const wardCount = ref.wardList.length;
  if (wardCount < 1 || wardCount > MAX_WARDS) {
    problems.push(
      `${ref.district.code}: the ward lookup lists ${wardCount} wards; a district has 1 to ${MAX_WARDS}: check the code and the lookup service`,
    );
  }
  const lsoaCount = ref.lsoaCodes.length;
  if (lsoaCount < 1 || lsoaCount > MAX_LSOAS) {
    problems.push(
      `${ref.district.code}: the LSOA lookup lists ${lsoaCount} LSOAs; a district has 1 to ${MAX_LSOAS}: check the code and the lookup service`,
    );
  }

  const renamed = ref.wards.features.flatMap((ward) => {
    const code = ward.properties[ref.wardFields.code];
    const listedName = ref.wardList.find((w) => w.code === code)?.name;
    const name = ward.properties[ref.wardFields.name];
    return listedName !== undefined && listedName !== name
      ? [`ward ${code} is "${listedName}" in the lookup but "${name}" in the boundaries`]
      : [];
  });
  problems.push(
    ...listed(renamed, 'ward names').map(
      (p) => `${p}: use a boundary service of the lookup's vintage`,
    ),
  );

  if (geometry.length === 0 && wardCount > 0 && lsoaCount > 0) {
    const outlineArea = area(ref.outline);
    const wardsArea = area(dissolveWards(ref.wards, ref.district));
    const lsoasArea = ref.lsoas.features.reduce((sum, f) => sum + area(f), 0);
    for (const [what, covered] of [
      ['wards', wardsArea],
      ['LSOAs', lsoasArea],
    ] as const) {
      const ratio = covered / outlineArea;
      if (Math.abs(ratio - 1) > COVERAGE_TOLERANCE) {
        problems.push(
          `${ref.district.code}: the ${what} cover ${(ratio * 100).toFixed(1)}% of the district's outline ` +
            `(${km2(covered)} of ${km2(outlineArea)} km²), more than ${COVERAGE_TOLERANCE * 100}% off: ` +
            'the lookup, boundary and district services must be of matching vintages',
        );
      }
    }
  }

  const counts = new Map<string, number[]>();
  for (const row of ref.residents)
    counts.set(row.code, [...(counts.get(row.code) ?? []), row.residents]);
  const missing = ref.lsoaCodes.filter((code) => !counts.has(code));
  if (missing.length > 0) {
    problems.push(
      `Nomis has no Census 2021 residents for ${missing.length} of the district's ${lsoaCount} LSOAs ` +
        `(${quoted(missing)}): check that the LSOA lookup gives LSOA 2021 codes, then try again`,
    );
  }
  const repeated = [...counts].filter(([, values]) => values.length > 1).map(([code]) => code);
  if (repeated.length > 0) {
    problems.push(`Nomis lists ${quoted(repeated)} more than once: try again`);
  }
  const implausible = [...counts]
    .filter(([code]) => ref.lsoaCodes.includes(code))
    .filter(
      ([, [value = 0]]) => value < LSOA_RESIDENTS_RANGE.min || value > LSOA_RESIDENTS_RANGE.max,
    )
    .map(([code, [value]]) => `${code}: ${value}`);
  if (implausible.length > 0) {
    problems.push(
      `Nomis gives residents outside ${LSOA_RESIDENTS_RANGE.min}-${LSOA_RESIDENTS_RANGE.max} for ` +
        `${quoted(implausible)}: is it still Census 2021 TS001 (usual residents)?`,
    );
  }
  return problems;
}

function listed(problems: readonly string[], what: string): string[] {
  if (problems.length <= LISTED_MAX) return [...problems];
  return [
    ...problems.slice(0, LISTED_MAX),
    `and ${problems.length - LISTED_MAX} more ${what} like these`,
  ];
}

function quoted(values: readonly string[]): string {
  const shown = values.slice(0, LISTED_MAX).join(', ');
  return values.length > LISTED_MAX ? `${shown} and ${values.length - LISTED_MAX} more` : shown;
}

function km2(m2: number): string {
  return (m2 / 1e6).toFixed(1);
}
