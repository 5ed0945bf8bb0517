// What any build must hold, whatever it is compared with: the wards of the reference data and
// every crime type; and, for a first build, months of a plausible size with crimes in every
// ward and of every type. Pure.
import type { SiteData } from '../src/shared/schema.ts';
import type { Expected, Finding } from './gate.ts';
import { figures } from './month-figures.ts';

/**
 * A first build's months must each hold a plausible number of crimes for the district.
 * police.uk has recorded 7,000 to 11,500 a month in Leeds since 2018; half of the lowest or 1.5
 * times the highest is a wrong input (another force, a partial month), not a quiet month.
 */
export const PLAUSIBLE_MONTH_TOTAL_LEEDS = { min: 3_500, max: 17_500 } as const;
/** Leeds's Census 2021 usual residents (its site data's districtPopulation). */
export const LEEDS_RESIDENTS = 811_957;

/**
 * The plausible crimes a month for a district of `residents` (its site data's
 * districtPopulation): Leeds's range per resident times the district's residents, so
 * PLAUSIBLE_MONTH_TOTAL_LEEDS for Leeds, 2,399 to 11,995 for Sheffield's 556,519. Districts'
 * crimes per resident differ far less than the factor of five between the bounds (Sheffield's
 * sample months are 9.7 to 10.2 a month per 1,000 residents, Leeds's 9.9 to 11.6); a district
 * whose visitors far outnumber its residents can lie above it, and a person approves such a
 * month.
 */
export function plausibleMonthTotal(residents: number): { min: number; max: number } {
  const scale = (crimes: number) => Math.round((crimes * residents) / LEEDS_RESIDENTS);
  return {
    min: scale(PLAUSIBLE_MONTH_TOTAL_LEEDS.min),
    max: scale(PLAUSIBLE_MONTH_TOTAL_LEEDS.max),
  };
}

/**
 * What any build must hold: exactly the wards of the reference data and every crime type.
 * A first build, with nothing to compare with, must also have plausible months: each within
 * plausibleMonthTotal for the district's residents, with crimes in every ward and of every type.
 */
export function checkSanity(next: SiteData, expected: Expected, firstBuild: boolean): Finding[] {
  const findings: Finding[] = [];
  const codes = new Set(next.wards.map((w) => w.code));
  const missingWards = expected.wards.filter((w) => !codes.has(w.code));
  const expectedCodes = new Set(expected.wards.map((w) => w.code));
  const extraWards = next.wards.filter((w) => !expectedCodes.has(w.code));
  if (missingWards.length > 0 || extraWards.length > 0) {
    findings.push({
      check: 'sanity',
      message:
        `the data has ${next.wards.length} wards where the reference data has ${expected.wards.length}` +
        (missingWards.length > 0
          ? `; missing: ${missingWards.map((w) => `${w.name} (${w.code})`).join(', ')}`
          : '') +
        (extraWards.length > 0
          ? `; not in the reference: ${extraWards.map((w) => `${w.name} (${w.code})`).join(', ')}`
          : '') +
        `: check ${expected.wardsFile}, the ward boundaries ${expected.district}'s area.json names`,
    });
  }
  const types = new Set<string>(next.crimeTypes);
  const missingTypes = expected.crimeTypes.filter((t) => !types.has(t));
  if (missingTypes.length > 0 || next.crimeTypes.length !== expected.crimeTypes.length) {
    findings.push({
      check: 'sanity',
      message:
        `the data has ${next.crimeTypes.length} crime types where police.uk has ${expected.crimeTypes.length}` +
        (missingTypes.length > 0 ? `; missing: ${missingTypes.join(', ')}` : ''),
    });
  }
  if (!firstBuild) return findings;
  for (const month of next.months)
    findings.push(...implausibleMonth(next, month, expected, 'first build'));
  return findings;
}

/**
 * A month judged on its own, with nothing published to compare it with (a first build, or a
 * new month without reference months): a plausible total for the district's residents
 * (plausibleMonthTotal), crimes in every ward and of every type. `as` says why it is judged
 * so, in the messages ("first build").
 */
export function implausibleMonth(
  next: SiteData,
  month: string,
  expected: Pick<Expected, 'district'>,
  as: string,
): Finding[] {
  const f = figures(next, month);
  if (!f) return [];
  const findings: Finding[] = [];
  const plausible = plausibleMonthTotal(next.districtPopulation);
  if (f.total < plausible.min || f.total > plausible.max) {
    findings.push({
      check: 'sanity',
      month,
      message:
        `${month} (${as}): ${f.total} crimes, outside the plausible range for ` +
        `${expected.district} (${plausible.min} to ${plausible.max} a month for its ` +
        `${next.districtPopulation} residents): check that the month's files are whole and ` +
        "hold the district's force, or approve the month if the count is right",
    });
  }
  for (const ward of next.wards) {
    if ((f.byWard.get(ward.code) ?? 0) === 0) {
      findings.push({
        check: 'missing-ward',
        month,
        message: `${month} (${as}), ward ${ward.name} (${ward.code}): 0 crimes`,
      });
    }
  }
  for (const [type, n] of f.byType) {
    if (n === 0) {
      findings.push({
        check: 'missing-type',
        month,
        message: `${month} (${as}), crime type "${type}": 0 crimes`,
      });
    }
  }
  return findings;
}
