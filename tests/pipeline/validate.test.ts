import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  CELL_TOLERANCE,
  MONTH_TOLERANCE,
  PENDING_OUTCOME,
  RUN_OUTCOME_TOLERANCE,
  RUN_REVISION_TOLERANCE,
  SEASONAL_MARGIN,
} from '../../pipeline/gate.ts';
import {
  LEEDS_RESIDENTS,
  PLAUSIBLE_MONTH_TOTAL_LEEDS,
  plausibleMonthTotal,
} from '../../pipeline/sanity-check.ts';
import type { Approval } from '../../pipeline/approvals.ts';
import { NO_OUTCOME } from '../../pipeline/summarise.ts';
import { loadExpected } from '../../pipeline/gate-inputs.ts';
import { MALFORMED_THRESHOLD, REPAIRED_MIN } from '../../pipeline/row-thresholds.ts';
import {
  NO_RUN_SUMMARY_NOTE,
  REPAIRED_THRESHOLD,
  REPEATED_THRESHOLD,
  validateSiteData as validateWith,
  type CheckName,
  type MonthQuality,
  type MonthRepairs,
  type RepairedFileKind,
  type ValidationInput,
  type ValidationReport,
} from '../../pipeline/validate.ts';
import { formatReport } from '../../pipeline/validation-report.ts';
import type { SiteData } from '../../src/shared/schema.ts';
import { addMonths, monthRange } from '../../src/shared/months.ts';
import type { TextRepair } from '../../pipeline/text-repair.ts';
import {
  addForceCrimes,
  committedSiteData,
  copy,
  forceCount,
  fromSnapshot,
  monthIndex,
  moveOutcomes,
  removeCrimes,
  setCount,
  totalOf,
  scaleCrimes,
  withMonthAs,
  withMonthCopiedAs,
  withoutMonth,
  withoutWard,
} from '../support/site-data.ts';
import { wholeMonth } from '../support/month-quality.ts';

/** The wards of data/reference and police.uk's crime types, as validate-data reads them. */
const EXPECTED = await loadExpected();
/** Sheffield's wards (data/areas/sheffield/area.json names the file), as validate-data --area sheffield reads them. */
const SHEFFIELD_EXPECTED = await loadExpected('.', 'sheffield');

function validateSiteData(input: Omit<ValidationInput, 'expected'>): ValidationReport {
  return validateWith({ ...input, expected: EXPECTED });
}

const full = committedSiteData();
/** Sheffield's committed site data: its four sample months, 28 wards and 556,519 residents. */
const sheffield = committedSiteData('sheffield');
/** What was published before police.uk released March 2025. */
const beforeMarch = withoutMonth(full, '2025-03');

function problemsOf(report: ValidationReport, check: CheckName): string[] {
  return report.problems.filter((p) => p.check === check).map((p) => p.message);
}

describe('validateSiteData (good data)', () => {
  it('passes a build that adds the newest month and lists it as added', () => {
    const report = validateSiteData({ next: full, previous: beforeMarch });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.added).toEqual(['2025-03']);
    expect(report.revised).toEqual([]);
    expect(formatReport(report)).toMatch(/Months added: 2025-03\.\nValidation passed\./);
  });

  it('names the months between the first and the last that have no data', () => {
    const report = validateSiteData({ next: full, previous: beforeMarch });
    expect(formatReport(report)).toContain(
      'Site data: 3 months with data (2024-03 to 2025-03); no data for 2024-04 to 2025-01 (10 months);',
    );
    const twoMonths = validateSiteData({ next: beforeMarch, previous: null });
    expect(formatReport(twoMonths)).toContain(
      'Site data: 2 months with data (2024-03 to 2025-02); no data for 2024-04 to 2025-01 (10 months);',
    );
  });

  it('passes the first build, with nothing published to compare with', () => {
    const report = validateSiteData({ next: full, previous: null });
    expect(report.ok).toBe(true);
    expect(report.added).toEqual(full.months);
    expect(formatReport(report)).toContain('first build');
  });

  it('passes a rebuild that found nothing new, and reports no change', () => {
    const again = copy(full);
    again.generatedAt = '2025-07-01T00:00:00.000Z';
    const report = validateSiteData({ next: again, previous: full });
    expect(report.ok).toBe(true);
    expect(report.added).toEqual([]);
    expect(report.revised).toEqual([]);
  });
});

describe('validateSiteData (schema)', () => {
  it('fails when the site data does not fit the schema, naming the field', () => {
    const broken = copy(full) as unknown as { months: string[]; quality: { kept: unknown } };
    broken.months[1] = 'Feb-25';
    broken.quality.kept = -3;
    const report = validateSiteData({ next: broken, previous: full });
    expect(report.ok).toBe(false);
    const messages = problemsOf(report, 'schema').join('\n');
    expect(messages).toMatch(/at months\.1: expected a month as YYYY-MM/);
    expect(messages).toMatch(/at quality\.kept:/);
    expect(formatReport(report)).toMatch(
      /Validation FAILED.*\n {2}\[schema\] site data does not fit/,
    );
  });

  it('fails when the counts do not cover every month', () => {
    const short = copy(full);
    short.counts[4]?.pop();
    const report = validateSiteData({ next: short, previous: full });
    expect(problemsOf(report, 'schema').join('\n')).toMatch(
      new RegExp(`counts of ward ${full.wards[4]?.name} have 2 months, months lists 3`),
    );
  });

  it('fails when months are out of order', () => {
    const swapped = copy(full);
    swapped.months = ['2024-03', '2025-03', '2025-02'];
    const report = validateSiteData({ next: swapped, previous: full });
    expect(problemsOf(report, 'schema').join('\n')).toContain('2025-03 comes before 2025-02');
  });
});

describe('validateSiteData (months)', () => {
  it('fails when a month published before is missing, naming the month', () => {
    const report = validateSiteData({ next: withoutMonth(full, '2025-02'), previous: full });
    expect(report.ok).toBe(false);
    expect(problemsOf(report, 'missing-month')).toEqual([
      expect.stringMatching(/^2025-02 was published before and is missing now/),
    ]);
    expect(problemsOf(report, 'newest-month')).toEqual([]);
  });

  it('fails when the newest month goes backwards', () => {
    const report = validateSiteData({ next: beforeMarch, previous: full });
    expect(problemsOf(report, 'newest-month')).toEqual([
      expect.stringContaining('the newest month went backwards from 2025-03 to 2025-02'),
    ]);
  });

  // The month's archive lacked its street file (a gap) while a later month came: published
  // so, the site would skip a month police.uk has out, and nothing would fetch it again.
  it.each([
    ['2025-04', ['2025-03']],
    ['2025-05', ['2025-03', '2025-04']],
  ])(
    'refuses new data that goes on to %s past a month after the published ones that has no data (%s)',
    (newest, gaps) => {
      const next = withMonthAs(full, '2025-03', newest);
      const report = validateSiteData({ next, previous: beforeMarch });
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual(
        gaps.map((month) => ({
          check: 'missing-month',
          month,
          message:
            `${month} has no data, though the new data goes on to ${newest}: police.uk ` +
            'publishes months in order, so the run left it out (a gap: its archive lacks the ' +
            "territorial force's street file, or holds two copies that differ, as the " +
            "pipeline's notes say; or the months asked for skip it). Published so, the site " +
            'would skip a month police.uk has out, and later refreshes take it from the same ' +
            'archives. Check the month on police.uk and refresh over it, or approve it to ' +
            'publish the later months without it.',
        })),
      );
      const approvals = gaps.map((month) => ({
        month,
        reason: "police.uk's archives lack the month's West Yorkshire street file",
        checks: ['missing-month' as const],
      }));
      expect(validateSiteData({ next, previous: beforeMarch, approvals }).ok).toBe(true);
    },
  );

  it('passes months before the newest published one that still have no data', () => {
    // The first live run after the sample: the months between the sample's stay gaps.
    expect(validateSiteData({ next: full, previous: beforeMarch }).ok).toBe(true);
  });

  it('fails when a month has no crimes at all', () => {
    const empty = removeCrimes(full, '2025-03', totalOf(full, '2025-03'));
    const report = validateSiteData({ next: empty, previous: beforeMarch });
    expect(problemsOf(report, 'empty-month')).toEqual([
      expect.stringMatching(/^2025-03 has no crimes at all/),
    ]);
  });
});

describe('validateSiteData (published months, like with like)', () => {
  const feb = totalOf(full, '2025-02');
  /** More than a routine revision: a month that lost a tenth of its crimes. */
  const lost = Math.round(feb * 0.1);
  const armley = full.wards[0] as { code: string; name: string };

  it('refuses a month that lost a tenth of its crimes, even from a newer archive, naming month and size', () => {
    const previous = fromSnapshot(full, '2025-02', '2025-03.zip', '2025-05-01T00:00:00.000Z');
    const next = fromSnapshot(removeCrimes(full, '2025-02', lost), '2025-02', '2025-04.zip');
    const report = validateSiteData({ next, previous });
    expect(report.ok).toBe(false);
    expect(problemsOf(report, 'revision')).toContainEqual(
      `2025-02: the month went from ${feb} -> ${feb - lost} crimes (-${lost}, -10.0%), beyond a routine revision (±${MONTH_TOLERANCE * 100}%)`,
    );
  });

  it('refuses a ward that vanished from a published month, naming the month, the ward and its count', () => {
    const i = full.wards.indexOf(armley as never);
    const before = (full.counts[i]?.[monthIndex(full, '2025-02')] ?? []).reduce((a, b) => a + b, 0);
    let next = full;
    full.crimeTypes.forEach((_, t) => (next = setCount(next, '2025-02', armley.code, t, 0)));
    const report = validateSiteData({ next, previous: full });
    expect(report.ok).toBe(false);
    expect(problemsOf(report, 'missing-ward')).toEqual([
      `2025-02, ward ${armley.name} (${armley.code}): ${before} -> 0 crimes (-${before}, -100.0%): the ward has no crimes any more`,
    ]);
  });

  it('refuses a ward whose count moved beyond the tolerance while the month total barely moved', () => {
    const m = monthIndex(full, '2025-02');
    const i = full.wards.indexOf(armley as never);
    const t = full.crimeTypes.indexOf('Violence and sexual offences');
    const was = full.counts[i]?.[m]?.[t] ?? 0;
    const wardTotal = (full.counts[i]?.[m] ?? []).reduce((a, b) => a + b, 0);
    const cut = Math.ceil(Math.max(CELL_TOLERANCE.crimes, wardTotal * CELL_TOLERANCE.fraction)) + 5;
    const next = setCount(full, '2025-02', armley.code, t, was - cut);
    const report = validateSiteData({ next, previous: full });
    expect(cut / feb).toBeLessThan(MONTH_TOLERANCE);
    expect(problemsOf(report, 'revision')).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^2025-02, ward ${armley.name} \\(${armley.code}\\): ${wardTotal} -> ${wardTotal - cut} crimes \\(-${cut}, `,
        ),
      ),
    );
  });

  it('refuses a crime type that vanished from a published month, naming the month, the type and its count', () => {
    const t = full.crimeTypes.indexOf('Bicycle theft');
    const m = monthIndex(full, '2025-02');
    const before = full.counts.reduce((sum, byMonth) => sum + (byMonth[m]?.[t] ?? 0), 0);
    let next = full;
    for (const ward of full.wards) next = setCount(next, '2025-02', ward.code, t, 0);
    const report = validateSiteData({ next, previous: full });
    expect(problemsOf(report, 'missing-type')).toEqual([
      `2025-02, crime type "Bicycle theft": ${before} -> 0 crimes (-${before}, -100.0%): the type has no crimes any more`,
    ]);
  });

  it("refuses data with a ward missing from the wards (32 of 33), naming it and Leeds's ward file", () => {
    const next = withoutWard(full, armley.code);
    const report = validateSiteData({ next, previous: full });
    expect(problemsOf(report, 'sanity')).toEqual([
      `the data has 32 wards where the reference data has 33; missing: ${armley.name} (${armley.code}): ` +
        "check data/reference/wards.geojson, the ward boundaries Leeds's area.json names",
    ]);
    expect(problemsOf(report, 'missing-ward')).toHaveLength(full.months.length);
  });

  it('refuses a new month far outside its seasonal range, naming the month, its total and the range', () => {
    const march = totalOf(full, '2025-03');
    const cut = Math.round(march * 0.45);
    const report = validateSiteData({
      next: removeCrimes(full, '2025-03', cut),
      previous: beforeMarch,
    });
    const totals = ['2024-03', '2025-02'].map((m) => totalOf(full, m));
    const low = Math.floor(Math.min(...totals) * (1 - SEASONAL_MARGIN));
    const high = Math.ceil(Math.max(...totals) * (1 + SEASONAL_MARGIN));
    expect(problemsOf(report, 'seasonal-range')).toEqual([
      `2025-03 (new): ${march - cut} crimes, outside its seasonal range ${low} to ${high} (2025-02 ${totalOf(full, '2025-02')}, 2024-03 ${totalOf(full, '2024-03')}, ±${SEASONAL_MARGIN * 100}%)`,
    ]);
  });

  it('passes a new month below every reference month but within the margin, with a note', () => {
    const totals = ['2024-03', '2025-02'].map((m) => totalOf(full, m));
    const quietest = Math.min(...totals);
    const march = totalOf(full, '2025-03');
    // 5% below the quietest reference month: inside the margin, outside the months' own range.
    const cut = march - Math.round(quietest * 0.95);
    const report = validateSiteData({
      next: removeCrimes(full, '2025-03', cut),
      previous: beforeMarch,
    });
    expect(report.ok).toBe(true);
    expect(report.notes).toEqual([
      expect.stringContaining(
        `2025-03 is new with ${march - cut} crimes, below every reference month`,
      ),
    ]);
    expect(formatReport(report)).toContain("check that police.uk's month is complete.");
    // A new month within its reference months' range passes with no such note.
    const inRange = validateSiteData({ next: full, previous: beforeMarch });
    expect(inRange.notes.filter((n) => n.includes('reference month'))).toEqual([]);
  });

  it('passes routine revisions and lists them by ward and type', () => {
    const m = monthIndex(full, '2025-02');
    const t = full.crimeTypes.indexOf('Shoplifting');
    const was = full.counts[0]?.[m]?.[t] ?? 0;
    const next = setCount(full, '2025-02', armley.code, t, was - 3);
    const report = validateSiteData({ next, previous: full });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.routine).toEqual([
      {
        month: '2025-02',
        before: feb,
        after: feb - 3,
        details: [`${armley.name} -3`, 'Shoplifting -3'],
      },
    ]);
    expect(formatReport(report)).toContain(
      `Routine revision (within tolerance): 2025-02 ${feb} -> ${feb - 3} crimes: ${armley.name} -3, Shoplifting -3.`,
    );
  });

  it('lets a named month through with an approval, and lists what it let through with the reason', () => {
    const next = removeCrimes(full, '2025-02', lost);
    const approval: Approval = {
      month: '2025-02',
      reason: 'police.uk withdrew a batch of duplicate records',
      approvedBy: 'data maintainer',
    };
    const refused = validateSiteData({ next, previous: full });
    const report = validateSiteData({ next, previous: full, approvals: [approval] });
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.usedApprovals).toEqual([approval]);
    expect(report.approved).toEqual([
      {
        month: '2025-02',
        reason: approval.reason,
        approvedBy: 'data maintainer',
        findings: refused.problems.map((p) => p.message),
      },
    ]);
    expect(formatReport(report)).toContain(
      `Approved exception for 2025-02 by data maintainer: ${approval.reason}`,
    );
  });

  it('does not let an approval for another month, or for other checks, through', () => {
    const next = removeCrimes(full, '2025-02', lost);
    const elsewhere = validateSiteData({
      next,
      previous: full,
      approvals: [{ month: '2024-03', reason: 'a revision of March 2024' }],
    });
    expect(elsewhere.ok).toBe(false);
    const otherCheck = validateSiteData({
      next,
      previous: full,
      approvals: [{ month: '2025-02', reason: 'a ward boundary fix', checks: ['missing-ward'] }],
    });
    expect(otherCheck.ok).toBe(false);
    expect(problemsOf(otherCheck, 'revision').length).toBeGreaterThan(0);
  });
});

describe('validateSiteData (crimes lost a few in each published month)', () => {
  /** What each month lost, and the share of its crimes. */
  const lost = (next: SiteData) =>
    full.months.map((month) => {
      const before = totalOf(full, month);
      return {
        month,
        lost: before - totalOf(next, month),
        share: 1 - totalOf(next, month) / before,
      };
    });
  const crimes = full.months.reduce((sum, m) => sum + totalOf(full, m), 0);

  it('refuses a loss of 1-2% of every month, each within its own tolerance, naming the months and the month to approve', () => {
    const next = scaleCrimes(full, 0.98);
    const each = lost(next);
    // Each month on its own is a routine revision, its wards and types too.
    for (const { share } of each) expect(share).toBeGreaterThan(0.01);
    for (const { share } of each) expect(share).toBeLessThanOrEqual(MONTH_TOLERANCE);
    const total = each.reduce((sum, m) => sum + m.lost, 0);
    expect(total).toBeGreaterThan(crimes * RUN_REVISION_TOLERANCE);
    const report = validateSiteData({ next, previous: full });
    const most = [...each].sort((a, b) => b.lost - a.lost)[0]!;
    expect(report.problems).toEqual([
      {
        check: 'revision',
        month: most.month,
        message: expect.stringMatching(
          new RegExp(
            `^the published months lost ${total} crimes over 3 of the 3 months revised each ` +
              `within a routine revision \\(most: ${most.month} -${most.lost}, .*\\), beyond a ` +
              `routine revision of the 3 together \\(at most ${Math.round(crimes * RUN_REVISION_TOLERANCE)} ` +
              `crimes: 1% of their ${crimes}, or one month's own tolerance, whichever is more\\)`,
          ),
        ),
      },
    ]);
    expect(report.problems[0]!.message).toContain(
      `approve ${most.month} (the month that lost most)`,
    );
    // An approval of that month lets it through, as for any revision.
    const approved = validateSiteData({
      next,
      previous: full,
      approvals: [{ month: most.month, reason: 'police.uk withdrew crimes in every month' }],
    });
    expect(approved.ok).toBe(true);
  });

  it('passes routine revisions: under 1% of every month, or one month within its own tolerance', () => {
    const routine = scaleCrimes(full, 0.993);
    for (const { share } of lost(routine)) expect(share).toBeLessThan(0.01);
    expect(validateSiteData({ next: routine, previous: full }).problems).toEqual([]);
    const oneMonth = scaleCrimes(full, 0.98, ['2025-03']);
    expect(lost(oneMonth).find((m) => m.month === '2025-03')!.share).toBeGreaterThan(0.015);
    expect(validateSiteData({ next: oneMonth, previous: full }).problems).toEqual([]);
  });

  it('does not let crimes added to one month hide those lost in the others', () => {
    const next = scaleCrimes(scaleCrimes(full, 0.976, ['2024-03', '2025-02']), 1.019, ['2025-03']);
    const each = lost(next);
    const tolerance = crimes * RUN_REVISION_TOLERANCE;
    // Together, the months lost less than the tolerance; the two that lost, more.
    expect(each.reduce((sum, m) => sum + m.lost, 0)).toBeLessThan(tolerance);
    const losses = each.filter((m) => m.lost > 0);
    expect(losses.map((m) => m.month)).toEqual(['2024-03', '2025-02']);
    const lostTotal = losses.reduce((sum, m) => sum + m.lost, 0);
    expect(lostTotal).toBeGreaterThan(tolerance);
    const report = validateSiteData({ next, previous: full });
    expect(report.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        new RegExp(`^the published months lost ${lostTotal} crimes over 2 of the 3 months revised`),
      ),
    ]);
  });

  /** The committed months, and copies of them as three months of 2019: six months of crimes. */
  const six = ['2024-03', '2025-02', '2025-03'].reduce(
    (d, month, i) => withMonthCopiedAs(d, month, `2019-0${i + 1}`),
    full,
  );

  it.each([
    ['one month of three gained', full, ['2025-03'], ['2024-03', '2025-02']],
    [
      'three months of six gained',
      six,
      ['2024-03', '2025-02', '2025-03'],
      ['2019-01', '2019-02', '2019-03'],
    ],
    [
      'two months of six gained',
      six,
      ['2025-02', '2025-03'],
      ['2019-01', '2019-02', '2019-03', '2024-03'],
    ],
  ] as const)(
    'does not let the crimes of months that gained raise the tolerance of those that lost: %s',
    (_, previous, gained, lostIn) => {
      // The newest months gain their late-recorded crimes, a routine revision each; the others
      // lose over 1% each (1.8% of every count big enough to lose one), within their own tolerance.
      const next = scaleCrimes(scaleCrimes(previous, 1.015, gained), 0.982, lostIn);
      const months = previous === full ? full.months : six.months;
      const crimesOf = (ms: readonly string[]) =>
        ms.reduce((sum, m) => sum + totalOf(previous, m), 0);
      const losses = months.map((m) => totalOf(previous, m) - totalOf(next, m));
      const lostTotal = losses.reduce((sum, n) => sum + Math.max(0, n), 0);
      expect(months.filter((_, i) => losses[i]! > 0)).toEqual(lostIn);
      for (const m of lostIn)
        expect(1 - totalOf(next, m) / totalOf(previous, m)).toBeLessThan(MONTH_TOLERANCE);
      // Beyond 1% of the crimes of the months that lost, and one month's own 2%; within 1% of
      // every month revised, which the gains would let through.
      const ownTolerance = Math.max(
        ...lostIn.map((m) => Math.floor(MONTH_TOLERANCE * totalOf(previous, m))),
      );
      const tolerance = Math.max(
        Math.round(crimesOf(lostIn) * RUN_REVISION_TOLERANCE),
        ownTolerance,
      );
      expect(lostTotal).toBeGreaterThan(tolerance);
      expect(lostTotal).toBeLessThanOrEqual(Math.round(crimesOf(months) * RUN_REVISION_TOLERANCE));
      const report = validateSiteData({ next, previous });
      expect(report.problems.map((p) => p.message)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^the published months lost ${lostTotal} crimes over ${lostIn.length} of the ` +
              `${months.length} months revised each within a routine revision .* beyond a ` +
              `routine revision of the ${lostIn.length} together \\(at most ${tolerance} crimes: 1% ` +
              `of their ${crimesOf(lostIn)}, or one month's own tolerance, whichever is more\\)`,
          ),
        ),
      ]);
      // Losses of a routine revision beside the same gains pass.
      const routine = scaleCrimes(scaleCrimes(previous, 1.015, gained), 0.994, lostIn);
      expect(validateSiteData({ next: routine, previous }).problems).toEqual([]);
    },
  );
});

describe('validateSiteData (crimes by reporting force)', () => {
  const BTP = 'British Transport Police';
  /** A month's British Transport Police crimes: about 1% of a Leeds month, as in the real data. */
  const btpOf = (month: string) => Math.round(totalOf(full, month) * 0.01);
  /** The committed data as built with a British Transport Police file in each of `months`. */
  const withBtp = (data: typeof full, months: readonly string[]) =>
    months.reduce((d, m) => addForceCrimes(d, m, BTP, btpOf(m)), data);

  it.each(['2024-03', '2025-02', '2025-03'])(
    'refuses %s re-issued without its British Transport Police file, though the month moved by a hundredth',
    (month) => {
      const previous = withBtp(full, full.months);
      const next = withBtp(
        full,
        full.months.filter((m) => m !== month),
      );
      const before = btpOf(month);
      expect(before / totalOf(previous, month)).toBeLessThan(MONTH_TOLERANCE);
      const report = validateSiteData({ next, previous });
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([
        {
          check: 'missing-force',
          month,
          message:
            `${month}, crimes reported by ${BTP}: ${before} -> 0 crimes (-${before}, -100.0%): ` +
            'the force has no crimes in the month any more (is its file missing?)',
        },
      ]);
    },
  );

  it('refuses a force that lost part of its crimes beyond a routine revision, naming it', () => {
    const previous = withBtp(full, full.months);
    const before = forceCount(previous, '2025-02', BTP);
    const halved = addForceCrimes(full, '2025-02', BTP, Math.floor(before / 2));
    const report = validateSiteData({
      next: withBtp(halved, ['2024-03', '2025-03']),
      previous,
    });
    expect(problemsOf(report, 'revision')).toContainEqual(
      `2025-02, crimes reported by ${BTP}: ${before} -> ${Math.floor(before / 2)} crimes ` +
        `(-${before - Math.floor(before / 2)}, -${((1 - Math.floor(before / 2) / before) * 100).toFixed(1)}%), ` +
        `beyond a routine revision (±${CELL_TOLERANCE.crimes} crimes or ±${CELL_TOLERANCE.fraction * 100}%)`,
    );
  });

  it('passes a force with a few crimes losing some, as a routine revision listed by force', () => {
    const few = CELL_TOLERANCE.crimes - 1;
    const previous = addForceCrimes(full, '2025-02', 'North Yorkshire Police', few);
    const next = addForceCrimes(full, '2025-02', 'North Yorkshire Police', 2);
    const report = validateSiteData({ next, previous });
    expect(report.ok).toBe(true);
    expect(report.routine.find((r) => r.month === '2025-02')?.details).toContain(
      `North Yorkshire Police -${few - 2}`,
    );
  });

  it('refuses a force with a few crimes losing them all, as a ward or a type falling to none', () => {
    for (const few of [1, CELL_TOLERANCE.crimes - 1, CELL_TOLERANCE.crimes]) {
      const previous = addForceCrimes(full, '2025-02', 'North Yorkshire Police', few);
      const report = validateSiteData({ next: full, previous });
      expect(report.problems).toEqual([
        {
          check: 'missing-force',
          month: '2025-02',
          message:
            `2025-02, crimes reported by North Yorkshire Police: ${few} -> 0 crimes (-${few}, ` +
            '-100.0%): the force has no crimes in the month any more (is its file missing?)',
        },
      ]);
    }
  });

  it('refuses a new month without the British Transport Police crimes of its reference months', () => {
    const previous = withBtp(beforeMarch, ['2024-03', '2025-02']);
    const next = withBtp(full, ['2024-03', '2025-02']);
    const expected = Math.round((btpOf('2024-03') + btpOf('2025-02')) / 2);
    expect(expected).toBeGreaterThanOrEqual(10);
    const report = validateSiteData({ next, previous });
    expect(report.problems).toEqual([
      {
        check: 'missing-force',
        month: '2025-03',
        message: `2025-03 (new), crimes reported by ${BTP}: 0 crimes, where it averaged ${expected} a month (is its file missing?)`,
      },
    ]);
    // With its file, the new month passes.
    expect(validateSiteData({ next: withBtp(next, ['2025-03']), previous }).ok).toBe(true);
  });

  // The API gives every crime the territorial force's name, British Transport Police's too.
  const fromApi = (data: typeof full, month: string) => {
    const copied = copy(data);
    const p = copied.provenance[monthIndex(copied, month)];
    if (!p) throw new Error(`no ${month}`);
    p.source = 'api';
    p.snapshot = `api:${month}`;
    return copied;
  };

  it('passes a new month from the API, whose crimes carry no force, after archive months with British Transport Police', () => {
    const previous = withBtp(beforeMarch, ['2024-03', '2025-02']);
    const next = fromApi(withBtp(full, ['2024-03', '2025-02']), '2025-03');
    const report = validateSiteData({ next, previous });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('passes a published month taken from the API before and from the archive now, or the other way', () => {
    const archive = withBtp(full, full.months);
    // The same crimes from the API: British Transport Police's named as West Yorkshire's.
    const api = fromApi(
      addForceCrimes(
        withBtp(full, ['2024-03', '2025-03']),
        '2025-02',
        'West Yorkshire Police',
        btpOf('2025-02'),
      ),
      '2025-02',
    );
    expect(validateSiteData({ next: archive, previous: api }).ok).toBe(true);
    expect(validateSiteData({ next: api, previous: archive }).ok).toBe(true);
  });

  // An archive month replacing the API month published before: the API names no force, so a
  // force's file missing from the archive shows only as a month about 1% smaller.
  const apiBefore = (month: string) =>
    fromApi(
      addForceCrimes(
        withBtp(
          full,
          full.months.filter((m) => m !== month),
        ),
        month,
        'West Yorkshire Police',
        btpOf(month),
      ),
      month,
    );

  it.each(['2025-02', '2025-03'])(
    'refuses %s from an archive without the British Transport Police file its reference months have, where the API month before it named no force',
    (month) => {
      const previous = apiBefore(month);
      const next = withBtp(
        full,
        full.months.filter((m) => m !== month),
      );
      expect(totalOf(previous, month) - totalOf(next, month)).toBe(btpOf(month));
      const reference = full.months.filter((m) => m < month);
      const expected = Math.round(
        reference.reduce((sum, m) => sum + forceCount(previous, m, BTP), 0) / reference.length,
      );
      expect(expected).toBeGreaterThanOrEqual(10);
      const report = validateSiteData({ next, previous });
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([
        {
          check: 'missing-force',
          month,
          message:
            `${month} (from the API before, from ${next.provenance[monthIndex(next, month)]?.snapshot} now), ` +
            `crimes reported by ${BTP}: 0 crimes, where it averaged ${expected} a month in its ` +
            'archive reference months (is its file missing?)',
        },
      ]);
      // With its file, the archive month passes.
      expect(validateSiteData({ next: withBtp(full, full.months), previous }).ok).toBe(true);
    },
  );

  it('judges a new archive month by its archive reference months only', () => {
    // 2024-03 came from the API (no force); 2025-02 from the archive, with its BTP file.
    const previous = fromApi(withBtp(beforeMarch, ['2025-02']), '2024-03');
    const next = fromApi(withBtp(full, ['2025-02']), '2024-03');
    const report = validateSiteData({ next, previous });
    expect(report.problems).toEqual([
      {
        check: 'missing-force',
        month: '2025-03',
        message: `2025-03 (new), crimes reported by ${BTP}: 0 crimes, where it averaged ${btpOf('2025-02')} a month (is its file missing?)`,
      },
    ]);
  });

  it('lets a month without a force through with an approval for that check', () => {
    const previous = withBtp(full, full.months);
    const next = withBtp(full, ['2024-03', '2025-03']);
    const approval: Approval = {
      month: '2025-02',
      reason: 'police.uk withdrew the British Transport Police file for the month',
      checks: ['missing-force'],
    };
    const report = validateSiteData({ next, previous, approvals: [approval] });
    expect(report.ok).toBe(true);
    expect(report.approved.map((a) => a.findings)).toEqual([
      [expect.stringContaining(`2025-02, crimes reported by ${BTP}`)],
    ]);
  });

  it('fails data whose rows by force do not add up to the month, naming the month', () => {
    const next = copy(full);
    const feb = next.provenance[monthIndex(next, '2025-02')];
    if (!feb?.forces[0]) throw new Error('2025-02 has no force');
    feb.forces[0].count -= 7;
    const report = validateSiteData({ next, previous: full });
    expect(report.ok).toBe(false);
    expect(problemsOf(report, 'schema')).toEqual([
      `2025-02: its rows by force add up to ${feb.rows - 7}, its provenance says ${feb.rows} rows`,
    ]);
  });
});

describe('validateSiteData (counts against the rows each month says it has)', () => {
  it('fails data whose counts do not add up to the rows of the month, naming the month', () => {
    for (const [month, delta] of [
      ['2025-02', -500],
      ['2024-03', 1],
    ] as const) {
      const next = copy(full);
      const p = next.provenance[monthIndex(next, month)]!;
      const rows = p.rows;
      p.rows += delta;
      p.forces[0]!.count += delta;
      const report = validateSiteData({ next, previous: full });
      expect(report.ok).toBe(false);
      expect(problemsOf(report, 'schema')).toEqual([
        `${month}: its counts by ward and type add up to ${rows}, its provenance says ${rows + delta} rows`,
      ]);
    }
  });
});

describe('validateSiteData (outcomes of published months)', () => {
  const SOLVED = 'Investigation complete; no suspect identified';
  const pending = (data: typeof full, month: string) => {
    const m = monthIndex(data, month);
    const o = data.outcomeCategories.indexOf(PENDING_OUTCOME);
    return data.outcomes.reduce((sum, byMonth) => sum + (byMonth[m]?.[o] ?? 0), 0);
  };
  const none = (data: typeof full, month: string) => {
    const m = monthIndex(data, month);
    const o = data.outcomeCategories.indexOf(NO_OUTCOME);
    return data.outcomes.reduce((sum, byMonth) => sum + (byMonth[m]?.[o] ?? 0), 0);
  };

  it.each([
    ['2025-02', SOLVED, 0.2],
    ['2025-03', 'Unable to prosecute suspect', 0.5],
    ['2024-03', 'Unable to prosecute suspect', 1],
  ])(
    'refuses %s when recorded outcomes ("%s", a share %s of them) fall back to under investigation, the counts unchanged',
    (month, outcome, share) => {
      const m = monthIndex(full, month);
      const o = full.outcomeCategories.indexOf(outcome);
      const recorded = full.outcomes.reduce((sum, byMonth) => sum + (byMonth[m]?.[o] ?? 0), 0);
      const n = Math.round(recorded * share);
      const next = moveOutcomes(full, month, outcome, PENDING_OUTCOME, n);
      const before = pending(full, month);
      expect(n).toBeGreaterThan(
        Math.max(CELL_TOLERANCE.crimes, totalOf(full, month) * MONTH_TOLERANCE),
      );
      const report = validateSiteData({ next, previous: full });
      expect(report.ok).toBe(false);
      const unrecorded = before + none(full, month);
      expect(problemsOf(report, 'revision')).toEqual([
        `${month}: crimes without a recorded outcome went from ${unrecorded} -> ${unrecorded + n} ` +
          `crimes (+${n}, +${((n / unrecorded) * 100).toFixed(1)}%) ("${PENDING_OUTCOME}" ` +
          `${before} -> ${before + n}, "${NO_OUTCOME}" ${none(full, month)} -> ${none(full, month)}) ` +
          'while the month gained 0, beyond a routine revision ' +
          `(±${CELL_TOLERANCE.crimes} crimes or ±${MONTH_TOLERANCE * 100}% of the month): ` +
          'outcomes only move on from these, so recorded outcomes were lost. Check that the ' +
          "month's outcomes file is there and that its street file gives each crime's Last " +
          'outcome category, then download the month again.',
      ]);
    },
  );

  it.each([
    ['2025-02', SOLVED, 0.2],
    ['2025-03', 'Unable to prosecute suspect', 0.5],
    ['2024-03', 'Awaiting court outcome', 1],
  ])(
    'refuses %s when recorded outcomes ("%s", a share %s of them) become no outcome recorded, the counts unchanged',
    (month, outcome, share) => {
      const m = monthIndex(full, month);
      const o = full.outcomeCategories.indexOf(outcome);
      const recorded = full.outcomes.reduce((sum, byMonth) => sum + (byMonth[m]?.[o] ?? 0), 0);
      const n = Math.round(recorded * share);
      expect(n).toBeGreaterThan(
        Math.max(CELL_TOLERANCE.crimes, totalOf(full, month) * MONTH_TOLERANCE),
      );
      const report = validateSiteData({
        next: moveOutcomes(full, month, outcome, NO_OUTCOME, n),
        previous: full,
      });
      expect(report.ok).toBe(false);
      const [problem, ...others] = problemsOf(report, 'revision');
      expect(others).toEqual([]);
      expect(problem).toContain(`${month}: crimes without a recorded outcome went from`);
      expect(problem).toContain(`(+${n}, `);
      expect(problem).toContain(`"${NO_OUTCOME}" ${none(full, month)} -> ${none(full, month) + n}`);
      expect(problem).toContain('recorded outcomes were lost');
    },
  );

  it("refuses a month whose outcomes file went, every crime's outcome gone", () => {
    // Every outcome of the month, "Under investigation" too, read as none: what a street file
    // with an empty Last outcome category and no outcomes file gives.
    let next = full;
    const month = '2025-02';
    for (const outcome of full.outcomeCategories.filter((c) => c !== NO_OUTCOME)) {
      const m = monthIndex(full, month);
      const o = full.outcomeCategories.indexOf(outcome);
      const n = full.outcomes.reduce((sum, byMonth) => sum + (byMonth[m]?.[o] ?? 0), 0);
      if (n > 0) next = moveOutcomes(next, month, outcome, NO_OUTCOME, n);
    }
    expect(none(next, month)).toBe(totalOf(full, month));
    const report = validateSiteData({ next, previous: full });
    expect(report.ok).toBe(false);
    expect(problemsOf(report, 'revision')).toEqual([
      expect.stringContaining(`${month}: crimes without a recorded outcome went from`),
    ]);
  });

  it('passes under investigation moving to no outcome recorded (neither is a recorded outcome)', () => {
    const before = pending(full, '2025-02');
    const next = moveOutcomes(full, '2025-02', PENDING_OUTCOME, NO_OUTCOME, Math.round(before / 2));
    expect(validateSiteData({ next, previous: full }).ok).toBe(true);
  });

  it('passes outcomes moving on from under investigation, however many', () => {
    const before = pending(full, '2025-02');
    const next = moveOutcomes(full, '2025-02', PENDING_OUTCOME, SOLVED, Math.round(before * 0.6));
    expect(validateSiteData({ next, previous: full }).ok).toBe(true);
  });

  it('passes a rise within a routine revision of the month', () => {
    const n = Math.floor(totalOf(full, '2025-02') * MONTH_TOLERANCE);
    const next = moveOutcomes(full, '2025-02', SOLVED, PENDING_OUTCOME, n);
    expect(validateSiteData({ next, previous: full }).ok).toBe(true);
  });

  it('passes a rise made of crimes added to the month (late-recorded crimes start under investigation)', () => {
    // Each ward gains 4 late-recorded crimes, all under investigation, and 1.5% of the month's
    // crimes fall back to it: a rise beyond 2% of the month, of which 1.5% is not explained.
    const month = '2025-03';
    const m = monthIndex(full, month);
    const o = full.outcomeCategories.indexOf(PENDING_OUTCOME);
    let next = full;
    for (const ward of full.wards) {
      const w = full.wards.indexOf(ward);
      const t = (full.counts[w]?.[m] ?? []).indexOf(Math.max(...(full.counts[w]?.[m] ?? [])));
      next = setCount(next, month, ward.code, t, (full.counts[w]?.[m]?.[t] ?? 0) + 4);
      const outcomes = next.outcomes[w]?.[m] as number[];
      outcomes[o] = (outcomes[o] ?? 0) + 4;
    }
    const fellBack = Math.floor(totalOf(full, month) * MONTH_TOLERANCE * 0.75);
    next = moveOutcomes(next, month, SOLVED, PENDING_OUTCOME, fellBack);
    const rise = pending(next, month) - pending(full, month);
    expect(rise).toBe(4 * full.wards.length + fellBack);
    expect(rise).toBeGreaterThan(totalOf(full, month) * MONTH_TOLERANCE);
    expect(validateSiteData({ next, previous: full }).problems).toEqual([]);
  });
});

describe('validateSiteData (outcomes lost a few in each published month)', () => {
  const SOLVED = 'Investigation complete; no suspect identified';
  const unrecorded = (data: SiteData, month: string) => {
    const m = monthIndex(data, month);
    return [PENDING_OUTCOME, NO_OUTCOME]
      .map((name) => data.outcomeCategories.indexOf(name))
      .reduce(
        (sum, o) => sum + data.outcomes.reduce((s, byMonth) => s + (byMonth[m]?.[o] ?? 0), 0),
        0,
      );
  };
  const allCrimes = (data: SiteData) => data.months.reduce((sum, m) => sum + totalOf(data, m), 0);
  /** What all the months may rise by together: a share of them, or one month's own tolerance. */
  const runTolerance = (data: SiteData) =>
    Math.max(
      Math.round(allCrimes(data) * RUN_OUTCOME_TOLERANCE),
      ...data.months.map((m) => Math.floor(totalOf(data, m) * MONTH_TOLERANCE)),
    );
  /** `share` of each of `data`'s months' crimes moved from a recorded outcome to `to`. */
  const lostInEach = (data: SiteData, share: number, to: string, from = SOLVED) =>
    data.months.reduce(
      (d, month) => moveOutcomes(d, month, from, to, Math.round(totalOf(data, month) * share)),
      data,
    );
  const rises = (previous: SiteData, next: SiteData) =>
    previous.months.map((month) => unrecorded(next, month) - unrecorded(previous, month));
  const withinEachMonth = (previous: SiteData, next: SiteData) =>
    previous.months.forEach((month, i) =>
      expect(rises(previous, next)[i]).toBeLessThanOrEqual(
        totalOf(previous, month) * MONTH_TOLERANCE,
      ),
    );

  it.each([
    ['Leeds', PENDING_OUTCOME, 0.015, full],
    ['Leeds', NO_OUTCOME, 0.01, full],
    ['Sheffield', NO_OUTCOME, 0.019, sheffield],
  ] as const)(
    'refuses %s\'s months each losing outcomes under the month\'s tolerance (to "%s", a share %s of each), naming the months that rose most',
    (_, to, share, previous) => {
      const next = lostInEach(previous, share, to);
      withinEachMonth(previous, next);
      const rise = rises(previous, next).reduce((a, b) => a + b, 0);
      expect(rise).toBeGreaterThan(runTolerance(previous));
      const report = validateWith({
        next,
        previous,
        expected: previous === full ? EXPECTED : SHEFFIELD_EXPECTED,
      });
      expect(report.ok).toBe(false);
      const [problem, ...others] = report.problems;
      expect(others).toEqual([]);
      const order = previous.months
        .map((month, i) => ({ month, rise: rises(previous, next)[i] as number }))
        .sort((a, b) => b.rise - a.rise);
      expect(problem?.check).toBe('revision');
      expect(problem?.month).toBe(order[0]?.month);
      expect(problem?.message).toContain(
        `crimes without a recorded outcome rose by ${rise} beyond the crimes added, over ` +
          `${previous.months.length} of the ${previous.months.length} published months`,
      );
      expect(problem?.message).toContain(
        `(most: ${order.map((o) => `${o.month} +${o.rise}`).join(', ')})`,
      );
      expect(problem?.message).toContain(
        `(at most ${runTolerance(previous)} crimes: ${RUN_OUTCOME_TOLERANCE * 100}% of their ${allCrimes(previous)}, or one month's own tolerance`,
      );
      expect(problem?.message).toContain('then download it again');
    },
  );

  it.each([
    ['half of 24 months', 24, 12],
    ['a third of 36 months', 36, 12],
    ['a quarter of 24 months', 24, 6],
  ])(
    'does not let the months whose outcomes moved on raise the tolerance of those that lost them (%s)',
    (_, count, losing) => {
      // A long history: 2024-03 published again as each month of the years before it.
      let previous = full;
      for (let i = 1; i < count - 2; i++) {
        previous = withMonthCopiedAs(previous, '2024-03', addMonths('2024-03', -i));
      }
      const months = previous.months;
      expect(months).toHaveLength(count);
      const lost = months.slice(0, losing);
      const movedOn = months.slice(losing);
      // Those losing outcomes lose more than a run's share of their crimes together, under a
      // run's share of every month revised: the other months' outcomes moved on.
      let next = previous;
      for (const month of movedOn) {
        next = moveOutcomes(next, month, PENDING_OUTCOME, SOLVED, 100);
      }
      const share = (2.2 * RUN_OUTCOME_TOLERANCE * count) / (count + losing);
      for (const month of lost) {
        next = moveOutcomes(
          next,
          month,
          SOLVED,
          PENDING_OUTCOME,
          Math.ceil(totalOf(previous, month) * share),
        );
      }
      withinEachMonth(previous, next);
      const rise = rises(previous, next)
        .filter((r) => r > 0)
        .reduce((a, b) => a + b, 0);
      const crimesLost = lost.reduce((n, m) => n + totalOf(previous, m), 0);
      const largest = Math.max(
        ...lost.map((m) => Math.floor(totalOf(previous, m) * MONTH_TOLERANCE)),
      );
      expect(rise).toBeGreaterThan(Math.max(crimesLost * RUN_OUTCOME_TOLERANCE, largest));
      expect(rise).toBeLessThanOrEqual(allCrimes(previous) * RUN_OUTCOME_TOLERANCE);
      const report = validateSiteData({ next, previous });
      expect(report.problems.map((p) => [p.check, p.month])).toEqual([['revision', lost[0]]]);
      expect(report.problems[0]?.message).toContain(
        `crimes without a recorded outcome rose by ${rise} beyond the crimes added, over ` +
          `${losing} of the ${count} published months revised`,
      );
      expect(report.problems[0]?.message).toContain(
        `beyond a routine revision of the ${losing} together (at most ` +
          `${Math.max(Math.round(crimesLost * RUN_OUTCOME_TOLERANCE), largest)} crimes: ` +
          `${RUN_OUTCOME_TOLERANCE * 100}% of their ${crimesLost}`,
      );
    },
  );

  it("refuses British Transport Police's outcomes lost from every month (about 1% of each), its crimes kept", () => {
    const BTP = 'British Transport Police';
    /** Each month with 1% more crimes from British Transport Police, their outcome `outcome`. */
    const withBtp = (outcome: string) =>
      full.months.reduce(
        (data, month) =>
          addForceCrimes(data, month, BTP, Math.round(totalOf(full, month) * 0.01), outcome),
        full,
      );
    const previous = withBtp('Unable to prosecute suspect');
    const next = withBtp(NO_OUTCOME);
    withinEachMonth(previous, next);
    const report = validateSiteData({ next, previous });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({
        check: 'revision',
        message: expect.stringContaining(
          `crimes without a recorded outcome rose by ${full.months.reduce((s, m) => s + Math.round(totalOf(full, m) * 0.01), 0)} beyond the crimes added`,
        ),
      }),
    ]);
  });

  it('refuses outcomes lost in some months while others record many (progress never hides a loss)', () => {
    let next = moveOutcomes(full, '2025-03', PENDING_OUTCOME, SOLVED, 2_000);
    for (const month of ['2024-03', '2025-02']) {
      next = moveOutcomes(
        next,
        month,
        SOLVED,
        NO_OUTCOME,
        Math.round(totalOf(full, month) * 0.015),
      );
    }
    expect(rises(full, next).reduce((a, b) => a + b, 0)).toBeLessThan(0);
    const report = validateSiteData({ next, previous: full });
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.message)).toEqual([
      expect.stringContaining(
        'over 2 of the 3 published months revised, each within a routine revision (most: ' +
          `2024-03 +${Math.round(totalOf(full, '2024-03') * 0.015)}, ` +
          `2025-02 +${Math.round(totalOf(full, '2025-02') * 0.015)})`,
      ),
    ]);
  });

  it('judges the months a re-issue changed, not watered down by the earlier months it left as they were', () => {
    // Three years of earlier months (copies of February 2025), published and left as they were.
    const earlier = monthRange('2019-01', '2021-12');
    const previous = earlier.reduce((d, as) => withMonthCopiedAs(d, '2025-02', as), full);
    const share = 0.012;
    const next = full.months.reduce(
      (d, month) =>
        moveOutcomes(d, month, SOLVED, PENDING_OUTCOME, Math.round(totalOf(full, month) * share)),
      previous,
    );
    withinEachMonth(previous, next);
    const rise = rises(previous, next).reduce((a, b) => a + b, 0);
    // Beyond the tolerance of the months changed, within that of every published month.
    expect(rise).toBeGreaterThan(runTolerance(full));
    expect(rise).toBeLessThan(runTolerance(previous));
    const report = validateSiteData({ next, previous });
    expect(report.problems.map((p) => p.message)).toEqual([
      expect.stringContaining(
        `crimes without a recorded outcome rose by ${rise} beyond the crimes added, over 3 of ` +
          'the 3 published months revised',
      ),
    ]);
  });

  it('passes a rise spread over the months within the tolerance of them all, and refuses one more', () => {
    const each = Math.floor(runTolerance(full) / full.months.length);
    const spread = full.months.reduce(
      (d, m) => moveOutcomes(d, m, SOLVED, PENDING_OUTCOME, each),
      full,
    );
    const left = runTolerance(full) - each * full.months.length;
    const next = moveOutcomes(spread, '2025-02', SOLVED, PENDING_OUTCOME, left);
    expect(validateSiteData({ next, previous: full }).problems).toEqual([]);
    const more = moveOutcomes(next, '2025-03', SOLVED, PENDING_OUTCOME, 1);
    withinEachMonth(full, more);
    expect(validateSiteData({ next: more, previous: full }).ok).toBe(false);
  });

  it("passes one month rising by as much as its own tolerance allows, the others' outcomes as they were", () => {
    for (const month of full.months) {
      const n = Math.floor(totalOf(full, month) * MONTH_TOLERANCE);
      const next = moveOutcomes(full, month, SOLVED, NO_OUTCOME, n);
      expect(validateSiteData({ next, previous: full }).problems).toEqual([]);
    }
  });

  it('passes rises made of crimes added to every month (late-recorded crimes start under investigation)', () => {
    const next = full.months.reduce(
      (data, month) =>
        addForceCrimes(
          data,
          month,
          'West Yorkshire Police',
          Math.round(totalOf(full, month) * 0.015),
          PENDING_OUTCOME,
        ),
      full,
    );
    expect(validateSiteData({ next, previous: full }).problems).toEqual([]);
  });

  it('does not count again a month refused on its own', () => {
    const month = '2025-02';
    const n = Math.round(totalOf(full, month) * 0.1);
    const report = validateSiteData({
      next: moveOutcomes(full, month, SOLVED, PENDING_OUTCOME, n),
      previous: full,
    });
    expect(report.problems).toEqual([
      expect.objectContaining({
        month,
        message: expect.stringContaining(`${month}: crimes without`),
      }),
    ]);
  });

  it('lets the loss through with an approval of the month that rose most, and of no other', () => {
    const next = lostInEach(full, 0.015, PENDING_OUTCOME);
    const reason = 'police.uk took back outcomes recorded in error';
    const approved = validateSiteData({
      next,
      previous: full,
      approvals: [{ month: '2024-03', reason }],
    });
    expect(approved.ok).toBe(true);
    expect(approved.approved).toEqual([
      expect.objectContaining({
        month: '2024-03',
        reason,
        findings: [expect.stringContaining('crimes without a recorded outcome rose by')],
      }),
    ]);
    const other = validateSiteData({
      next,
      previous: full,
      approvals: [{ month: '2025-02', reason }],
    });
    expect(other.ok).toBe(false);
  });
});

describe('validateSiteData (new months whose crimes came without an outcome)', () => {
  const SOLVED = 'Investigation complete; no suspect identified';
  /** `share` of each recorded outcome (and "Under investigation") of `month` made none. */
  const outcomesGone = (data: SiteData, month: string, share: number) => {
    const m = monthIndex(data, month);
    return data.outcomeCategories
      .filter((c) => c !== NO_OUTCOME)
      .reduce((d, outcome) => {
        const o = data.outcomeCategories.indexOf(outcome);
        const n = data.outcomes.reduce((sum, byMonth) => sum + (byMonth[m]?.[o] ?? 0), 0);
        const moved = Math.round(n * share);
        return moved > 0 ? moveOutcomes(d, month, outcome, NO_OUTCOME, moved) : d;
      }, data);
  };
  /** `month`'s crimes, anti-social behaviour aside, and those of them with no outcome. */
  const crimesOf = (data: SiteData, month: string) => {
    const m = monthIndex(data, month);
    const a = data.crimeTypes.indexOf('Anti-social behaviour');
    const o = data.outcomeCategories.indexOf(NO_OUTCOME);
    const asb = data.counts.reduce((sum, byMonth) => sum + (byMonth[m]?.[a] ?? 0), 0);
    const none = data.outcomes.reduce((sum, byMonth) => sum + (byMonth[m]?.[o] ?? 0), 0);
    return { crimes: totalOf(data, month) - asb, none: none - asb };
  };

  it('passes the real months of both samples, whose only crimes without an outcome are anti-social behaviour', () => {
    for (const month of full.months) expect(crimesOf(full, month).none).toBe(0);
    expect(validateSiteData({ next: full, previous: beforeMarch }).problems).toEqual([]);
    expect(validateWith({ next: sheffield, previous: null, expected: SHEFFIELD_EXPECTED }).ok).toBe(
      true,
    );
  });

  it.each([
    ['every crime', 1],
    ['a tenth of the crimes', 0.1],
  ])(
    'refuses a new month in which %s came without an outcome, naming the month and its file',
    (_what, share) => {
      const next = outcomesGone(full, '2025-03', share);
      const { crimes, none } = crimesOf(next, '2025-03');
      expect(none).toBeGreaterThan(crimes * MONTH_TOLERANCE);
      const report = validateSiteData({ next, previous: beforeMarch });
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([
        {
          check: 'sanity',
          month: '2025-03',
          message:
            `2025-03 (new): ${none} of its ${crimes} crimes (anti-social behaviour aside) have ` +
            `"${NO_OUTCOME}", beyond a few (±${CELL_TOLERANCE.crimes} crimes or ` +
            `±${MONTH_TOLERANCE * 100}%): police.uk's street files give every crime a Last ` +
            `outcome category ("${PENDING_OUTCOME}" until one is recorded), so the month's street ` +
            'file (from archive:2025-03) came with that column empty. Check the file, then ' +
            'download the month again.',
        },
      ]);
    },
  );

  it("refuses such a month in a first build too (Sheffield's 2024-02), and passes the others", () => {
    const next = outcomesGone(sheffield, '2024-02', 1);
    const report = validateWith({ next, previous: null, expected: SHEFFIELD_EXPECTED });
    expect(report.problems.map((p) => p.month)).toEqual(['2024-02']);
    expect(report.problems[0]?.message).toContain('2024-02 (new): ');
  });

  /** `share` of the crimes of each of `months` made "No outcome recorded". */
  const fewInEach = (data: SiteData, months: readonly string[], share: number) =>
    months.reduce(
      (d, month) =>
        moveOutcomes(
          d,
          month,
          SOLVED,
          NO_OUTCOME,
          Math.round(crimesOf(data, month).crimes * share),
        ),
      data,
    );

  it.each([
    ["Leeds's first build", full, null, EXPECTED],
    ["Sheffield's first build", sheffield, null, SHEFFIELD_EXPECTED],
    [
      "Sheffield's refresh adding 2024-03 and 2024-04",
      sheffield,
      withoutMonth(withoutMonth(sheffield, '2024-04'), '2024-03'),
      SHEFFIELD_EXPECTED,
    ],
  ] as const)(
    '%s: refuses new months each with a few crimes without an outcome, too many together',
    (_what, source, previous, expected) => {
      const added = source.months.filter((m) => !previous?.months.includes(m));
      const next = fewInEach(source, added, 0.015);
      for (const month of added) {
        const { crimes, none } = crimesOf(next, month);
        expect(none).toBeLessThanOrEqual(crimes * MONTH_TOLERANCE);
      }
      const report = validateWith({ next, previous, expected });
      expect(report.ok).toBe(false);
      const order = added
        .map((month) => ({ month, none: crimesOf(next, month).none }))
        .sort((a, b) => b.none - a.none);
      const sum = order.reduce((n, o) => n + o.none, 0);
      expect(report.problems).toEqual([
        {
          check: 'sanity',
          month: order[0]?.month,
          message: expect.stringContaining(
            `${sum} crimes (anti-social behaviour aside) of ${added.length} of the ` +
              `${added.length} new months that each have a few have "${NO_OUTCOME}" (most: ` +
              `${order.map((o) => `${o.month} +${o.none}`).join(', ')}), beyond a few of those ` +
              `${added.length} together`,
          ),
        },
      ]);
    },
  );

  it.each([
    [24, 6],
    [36, 8],
  ])(
    "does not let a backfill's new months without any raise the tolerance of those with a few (%s months, %s with a few)",
    (count, withFew) => {
      let source = full;
      for (let i = 1; i < count - 2; i++) {
        source = withMonthCopiedAs(source, '2024-03', addMonths('2024-03', -i));
      }
      const some = source.months.slice(0, withFew);
      const crimes = (ms: readonly string[]) =>
        ms.reduce((n, month) => n + crimesOf(source, month).crimes, 0);
      // More than a run's share of their own crimes, and one month's own few; under a run's
      // share of every new month's crimes.
      const share = (RUN_OUTCOME_TOLERANCE * (crimes(source.months) / crimes(some) + 1)) / 2;
      const next = fewInEach(source, some, share);
      const none = some.reduce((n, month) => n + crimesOf(next, month).none, 0);
      const largest = Math.max(
        ...some.map((month) => Math.floor(crimesOf(source, month).crimes * MONTH_TOLERANCE)),
      );
      expect(none).toBeGreaterThan(Math.max(crimes(some) * RUN_OUTCOME_TOLERANCE, largest));
      expect(none).toBeLessThanOrEqual(crimes(source.months) * RUN_OUTCOME_TOLERANCE);
      const report = validateWith({ next, previous: null, expected: EXPECTED });
      expect(report.problems).toEqual([
        {
          check: 'sanity',
          month: expect.any(String),
          message: expect.stringContaining(
            `${none} crimes (anti-social behaviour aside) of ${withFew} of the ${count} new ` +
              `months that each have a few have "${NO_OUTCOME}"`,
          ),
        },
      ]);
    },
  );

  it('passes the one new month of a monthly refresh with up to its own few, and two new months with fewer', () => {
    const few = Math.floor(crimesOf(full, '2025-03').crimes * MONTH_TOLERANCE);
    const next = moveOutcomes(full, '2025-03', SOLVED, NO_OUTCOME, few);
    expect(validateSiteData({ next, previous: beforeMarch }).problems).toEqual([]);
    const two = fewInEach(sheffield, ['2024-03', '2024-04'], 0.005);
    const previous = withoutMonth(withoutMonth(sheffield, '2024-04'), '2024-03');
    expect(validateWith({ next: two, previous, expected: SHEFFIELD_EXPECTED }).problems).toEqual(
      [],
    );
  });

  it('passes a new month with a few crimes without an outcome', () => {
    const few = Math.floor(crimesOf(full, '2025-03').crimes * MONTH_TOLERANCE);
    const next = moveOutcomes(full, '2025-03', SOLVED, NO_OUTCOME, few);
    expect(validateSiteData({ next, previous: beforeMarch }).problems).toEqual([]);
  });

  it('does not judge a new month from the API, whose outcomes come from the API, not a street file', () => {
    const next = outcomesGone(full, '2025-03', 1);
    const p = next.provenance[monthIndex(next, '2025-03')];
    if (p) Object.assign(p, { source: 'api', snapshot: 'api:2025-04' });
    expect(validateSiteData({ next, previous: beforeMarch }).problems).toEqual([]);
  });

  it('lets the month through with an approval of it', () => {
    const next = outcomesGone(full, '2025-03', 1);
    const approvals = [
      { month: '2025-03', reason: 'police.uk published the month without outcomes' },
    ];
    expect(validateSiteData({ next, previous: beforeMarch, approvals }).ok).toBe(true);
  });
});

describe('validateSiteData (first build)', () => {
  it('refuses a month outside the plausible range for Leeds, naming the range and what to check', () => {
    const tiny = removeCrimes(full, '2025-02', totalOf(full, '2025-02') - 2_000);
    const report = validateSiteData({ next: tiny, previous: null });
    expect(problemsOf(report, 'sanity')).toEqual([
      '2025-02 (first build): 2000 crimes, outside the plausible range for Leeds (3500 to 17500 ' +
        "a month for its 811957 residents): check that the month's files are whole and hold " +
        "the district's force, or approve the month if the count is right",
    ]);
  });

  it('refuses a first build in which a crime type or a ward has no crimes in a month', () => {
    const t = full.crimeTypes.indexOf('Drugs');
    let next = full;
    for (const ward of full.wards) next = setCount(next, '2024-03', ward.code, t, 0);
    const ward = full.wards[5] as { code: string; name: string };
    full.crimeTypes.forEach((_, type) => (next = setCount(next, '2025-02', ward.code, type, 0)));
    const report = validateSiteData({ next, previous: null });
    expect(problemsOf(report, 'missing-type')).toEqual([
      '2024-03 (first build), crime type "Drugs": 0 crimes',
    ]);
    expect(problemsOf(report, 'missing-ward')).toEqual([
      `2025-02 (first build), ward ${ward.name} (${ward.code}): 0 crimes`,
    ]);
  });
});

describe('plausibleMonthTotal(residents)', () => {
  it("is Leeds's range for Leeds's residents, and the same range per resident for any district", () => {
    expect(full.districtPopulation).toBe(LEEDS_RESIDENTS);
    expect(plausibleMonthTotal(LEEDS_RESIDENTS)).toEqual(PLAUSIBLE_MONTH_TOTAL_LEEDS);
    expect(plausibleMonthTotal(sheffield.districtPopulation)).toEqual({ min: 2_399, max: 11_995 });
    expect(plausibleMonthTotal(LEEDS_RESIDENTS * 2)).toEqual({ min: 7_000, max: 35_000 });
    expect(plausibleMonthTotal(LEEDS_RESIDENTS / 5)).toEqual({ min: 700, max: 3_500 });
  });
});

describe('validateSiteData (first build): the range scales with the residents', () => {
  /** Leeds's months as the first build of a district of `residents`. */
  const withResidents = (residents: number) =>
    validateSiteData({ next: { ...copy(full), districtPopulation: residents }, previous: null });

  it('refuses the same months as too few for three times the residents', () => {
    const residents = LEEDS_RESIDENTS * 3;
    const { min } = plausibleMonthTotal(residents);
    expect(min).toBe(10_500);
    expect(problemsOf(withResidents(residents), 'sanity')).toEqual(
      full.months.map((month) =>
        expect.stringMatching(
          new RegExp(
            `^${month} \\(first build\\): ${totalOf(full, month)} crimes, outside the plausible ` +
              `range for Leeds \\(10500 to 52500 a month for its ${residents} residents\\)`,
          ),
        ),
      ),
    );
  });

  it('refuses the same months as too many for two fifths of the residents', () => {
    const residents = Math.round(LEEDS_RESIDENTS * 0.4);
    expect(plausibleMonthTotal(residents)).toEqual({ min: 1_400, max: 7_000 });
    expect(problemsOf(withResidents(residents), 'sanity')).toHaveLength(full.months.length);
  });

  it("passes them for Leeds's own residents", () => {
    expect(withResidents(LEEDS_RESIDENTS).problems).toEqual([]);
  });
});

describe("validateSiteData (first build of another district: Sheffield's committed data)", () => {
  const firstBuild = (next: SiteData) =>
    validateWith({ next, previous: null, expected: SHEFFIELD_EXPECTED });

  it('passes its four months, about 5,500 crimes each', () => {
    const totals = sheffield.months.map((m) => totalOf(sheffield, m));
    expect(totals).toHaveLength(4);
    for (const total of totals) expect(Math.abs(total - 5500)).toBeLessThan(300);
    expect(firstBuild(sheffield).problems).toEqual([]);
  });

  it("passes months of about 2,800 crimes, plausible for Sheffield's 556,519 residents if not for Leeds's", () => {
    const thinned = scaleCrimes(sheffield, 0.5);
    const totals = thinned.months.map((m) => totalOf(thinned, m));
    expect(PLAUSIBLE_MONTH_TOTAL_LEEDS.min).toBeGreaterThan(Math.max(...totals));
    expect(firstBuild(thinned).problems).toEqual([]);
  });

  it('refuses a month holding the whole South Yorkshire force (14,451 crimes), naming Sheffield and its range', () => {
    const month = '2024-01';
    const whole = addForceCrimes(
      sheffield,
      month,
      'South Yorkshire Police',
      14_451 - totalOf(sheffield, month),
    );
    expect(problemsOf(firstBuild(whole), 'sanity')).toEqual([
      '2024-01 (first build): 14451 crimes, outside the plausible range for Sheffield (2399 to ' +
        "11995 a month for its 556519 residents): check that the month's files are whole and " +
        "hold the district's force, or approve the month if the count is right",
    ]);
  });

  it("names Sheffield's own ward file when a ward is missing", () => {
    const [ward] = sheffield.wards;
    const report = firstBuild(withoutWard(sheffield, ward!.code));
    expect(problemsOf(report, 'sanity')).toEqual([
      `the data has 27 wards where the reference data has 28; missing: ${ward!.name} (${ward!.code}): ` +
        "check data/areas/sheffield/wards.geojson, the ward boundaries Sheffield's area.json names",
    ]);
  });
});

describe('validateSiteData (new months with too few published months to compare: a backfill)', () => {
  /** Sheffield's four months (2024-01 to 2024-04) added to what published `kept` alone. */
  const backfill = (next: SiteData, kept: string) => {
    let previous = sheffield;
    for (const month of sheffield.months) {
      if (month !== kept) previous = withoutMonth(previous, month);
    }
    return validateWith({ next, previous, expected: SHEFFIELD_EXPECTED });
  };

  it('passes whole months, judging each against the months new in this run too', () => {
    const report = backfill(sheffield, '2024-01');
    expect(report.problems).toEqual([]);
    expect(report.added).toEqual(['2024-02', '2024-03', '2024-04']);
    expect(report.notes).toEqual([
      '2024-02 is new and has 1 reference month(s) (the 12 before it and the same month 1 and ' +
        '2 years before, published or new in this run): its season is not judged, only its ' +
        'size for the district and its wards and types',
      '2024-03 is new and has 1 published reference month(s): its season is judged against 1 ' +
        'month(s) new in this run too (2024-02)',
      // March is busier than January and February, within the margin: said, not refused.
      expect.stringMatching(/^2024-03 is new with \d+ crimes, above every reference month/),
      '2024-04 is new and has 1 published reference month(s): its season is judged against 2 ' +
        'month(s) new in this run too (2024-03, 2024-02)',
    ]);
  });

  it('refuses a new month of a few hundred crimes that nothing published can be compared with', () => {
    // The first month of the backfill: nothing before it at all.
    const month = '2024-01';
    const short = removeCrimes(sheffield, month, totalOf(sheffield, month) - 300);
    const report = backfill(short, '2024-04');
    expect(problemsOf(report, 'sanity')).toEqual([
      '2024-01 (new, with too few published months to compare): 300 crimes, outside the ' +
        'plausible range for Sheffield (2399 to 11995 a month for its 556519 residents): check ' +
        "that the month's files are whole and hold the district's force, or approve the month " +
        'if the count is right',
    ]);
    expect(report.ok).toBe(false);
  });

  it('refuses a plausible but short new month against the months new in this run', () => {
    const month = '2024-04';
    const cut = Math.round(totalOf(sheffield, month) * 0.45);
    const short = removeCrimes(sheffield, month, cut);
    const report = backfill(short, '2024-01');
    expect(problemsOf(report, 'sanity')).toEqual([]);
    expect(problemsOf(report, 'seasonal-range')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^2024-04 \\(new\\): ${totalOf(short, month)} crimes, outside its seasonal range ` +
            `\\d+ to \\d+ \\(2024-01 ${totalOf(sheffield, '2024-01')}, 2024-03 ` +
            `${totalOf(sheffield, '2024-03')}, 2024-02 ${totalOf(sheffield, '2024-02')}, ±25%\\)$`,
        ),
      ),
    ]);
  });

  it('refuses a new month with a ward of no crimes when nothing published can be compared with', () => {
    const [ward] = sheffield.wards;
    const m = monthIndex(sheffield, '2024-01');
    const w = sheffield.wards.indexOf(ward!);
    const inWard = (sheffield.counts[w]?.[m] ?? []).reduce((a, b) => a + b, 0);
    expect(inWard).toBeGreaterThan(0);
    const emptied = sheffield.crimeTypes.reduce(
      (data, _type, t) => setCount(data, '2024-01', ward!.code, t, 0),
      sheffield,
    );
    expect(problemsOf(backfill(emptied, '2024-04'), 'missing-ward')).toEqual([
      `2024-01 (new, with too few published months to compare), ward ${ward!.name} (${ward!.code}): 0 crimes`,
    ]);
  });
});

describe('validateSiteData (coverage and malformed rows)', () => {
  it.each([
    ['ward', 'ward'],
    ['lsoa', 'LSOA'],
    ['postcodeDistrict', 'postcode district'],
  ] as const)('fails when %s coverage is below the kept rows', (key, label) => {
    const next = copy(full);
    next.quality.coverage[key] -= 7;
    const report = validateSiteData({ next, previous: full });
    expect(problemsOf(report, 'coverage')).toEqual([
      expect.stringContaining(
        `all months: ${label} coverage is ${full.quality.kept - 7} of ${full.quality.kept} kept rows`,
      ),
    ]);
  });

  it('does not require polling districts for every row', () => {
    const next = copy(full);
    next.quality.coverage.pollingDistrict = 0;
    expect(validateSiteData({ next, previous: full }).ok).toBe(true);
  });

  it('fails when one month lacks coverage, even if the totals hide it', () => {
    const i = monthIndex(full, '2025-03');
    const kept = full.provenance[i]?.rows ?? 0;
    const report = validateSiteData({
      next: full,
      previous: full,
      months: [
        {
          month: '2025-03',
          read: kept,
          kept,
          dropped: {},
          crimeIdsByFile: [],
          coverage: { lsoa: kept, ward: kept - 1, postcodeDistrict: kept, pollingDistrict: 0 },
        },
      ],
    });
    expect(problemsOf(report, 'coverage')).toEqual([
      expect.stringMatching(new RegExp(`^2025-03: ward coverage is ${kept - 1} of ${kept}`)),
    ]);
  });

  it('fails when malformed rows exceed the threshold, listing them by reason', () => {
    const next = copy(full);
    const malformed = Math.ceil(full.quality.read * MALFORMED_THRESHOLD) + 10;
    next.quality.dropped['malformed-coordinates'] = malformed - 4;
    next.quality.dropped['malformed-month'] = 4;
    next.quality.read += malformed;
    const report = validateSiteData({ next, previous: full });
    expect(problemsOf(report, 'malformed-rows')).toEqual([
      expect.stringContaining(
        `all months: ${malformed} of ${next.quality.read} rows read were dropped as malformed`,
      ),
    ]);
    expect(problemsOf(report, 'malformed-rows')[0]).toContain(
      `malformed-coordinates ${malformed - 4}, malformed-month 4`,
    );
  });

  it('refuses a month whose rows repaired at intake exceed the threshold under a reason, and not one with a few', () => {
    const i = monthIndex(full, '2025-03');
    const kept = full.provenance[i]?.rows ?? 0;
    const month = (repaired?: Record<string, number>) => ({
      ...wholeMonth('2025-03', kept),
      ...(repaired === undefined ? {} : { repaired }),
    });
    const many = Math.floor(kept * REPAIRED_THRESHOLD) + 1;
    const few = Math.floor(kept * REPAIRED_THRESHOLD);
    const judge = (repaired?: Record<string, number>) =>
      problemsOf(
        validateSiteData({ next: full, previous: full, months: [month(repaired)] }),
        'repaired-rows',
      );
    expect(judge({ 'unreadable-characters': many, 'control-characters': 0 })).toEqual([
      expect.stringMatching(
        new RegExp(
          `^2025-03 street files: ${many} of ${kept} rows kept \\([\\d.]+%\\) had unreadable-characters repaired`,
        ),
      ),
    ]);
    // Each reason on its own: two just under it pass, though together they are over.
    expect(judge({ 'unreadable-characters': few, 'control-characters': few })).toEqual([]);
    expect(judge({ 'control-characters': many })[0]).toContain('had control-characters repaired');
    // A run summary written before rows were repaired at intake counts none.
    expect(judge(undefined)).toEqual([]);
  });

  it("judges a month's repaired street rows against the rows kept, however many other districts' rows its files hold", () => {
    const i = monthIndex(full, '2025-03');
    const kept = full.provenance[i]?.rows ?? 0;
    const many = Math.floor(kept * REPAIRED_THRESHOLD) + 1;
    const few = Math.floor(kept * REPAIRED_THRESHOLD);
    // A whole force's file holds two to four times a district's rows; the others are dropped
    // as outside it before their text is looked at, so only kept rows are ever counted repaired.
    for (const read of [2 * kept, 3 * kept, 4 * kept + 17]) {
      const judge = (n: number) =>
        problemsOf(
          validateSiteData({
            next: full,
            previous: full,
            months: [
              {
                ...wholeMonth('2025-03', kept),
                read,
                dropped: { 'outside-district': read - kept },
                repaired: { 'unreadable-characters': n, 'control-characters': 0 },
              },
            ],
          }),
          'repaired-rows',
        );
      expect(judge(many)).toEqual([expect.stringContaining(`${many} of ${kept} rows kept`)]);
      expect(judge(few)).toEqual([]);
    }
  });
});

describe('validateSiteData (outcomes and stop-and-search rows repaired at intake, by month)', () => {
  const kept = full.provenance[monthIndex(full, '2025-03')]?.rows ?? 0;
  const march = {
    ...wholeMonth('2025-03', kept),
    repaired: { 'unreadable-characters': 0, 'control-characters': 0 },
  } satisfies MonthQuality;
  const file = (kind: RepairedFileKind, month: string) =>
    `archive/${month}/${month}-west-yorkshire-${kind}.csv`;
  /** One month's rows of `kind`, `repaired` of them under each reason, with an example of each. */
  const ofKind = (
    kind: RepairedFileKind,
    month: string,
    rows: number,
    repaired: Partial<Record<TextRepair, number>>,
  ): MonthRepairs => ({
    kind,
    month,
    rows,
    repaired: { 'unreadable-characters': 0, 'control-characters': 0, ...repaired },
    repairedExamples: Object.fromEntries(
      Object.entries(repaired)
        .filter(([, n]) => n > 0)
        .map(([reason]) => [
          reason,
          [{ where: `${file(kind, month)}:2`, detail: `Outcome type "x" is now "y" (${reason})` }],
        ]),
    ),
  });
  const judge = (repairs: MonthRepairs[], approvals: Approval[] = []) =>
    problemsOf(
      validateSiteData({ next: full, previous: full, months: [march], repairs, approvals }),
      'repaired-rows',
    );
  /** Rows of a month of outcomes: about a Leeds month's crimes. */
  const rows = 9_000;
  const over = Math.floor(rows * REPAIRED_THRESHOLD) + 1;
  const under = Math.floor(rows * REPAIRED_THRESHOLD);

  it('refuses a month of outcomes repaired beyond the threshold, naming month, file, counts, example and what to do', () => {
    const found = judge([ofKind('outcomes', '2025-02', rows, { 'control-characters': over })]);
    expect(found).toEqual([
      expect.stringMatching(
        new RegExp(
          `^2025-02 outcomes file: ${over} of ${rows} outcomes rows indexed \\(0\\.11%\\) had ` +
            'control-characters repaired at intake \\(threshold 0\\.10% each',
        ),
      ),
    ]);
    expect(found[0]).toContain(`e.g. control-characters at "${file('outcomes', '2025-02')}:2: `);
    expect(found[0]).toContain('download the month again');
    expect(found[0]).toContain("run summary's outcomes.repairedByMonth");
  });

  it('refuses a month of stop and search repaired beyond the threshold, and only that month', () => {
    const searches = 600;
    const found = judge([
      ofKind('stop-and-search', '2024-03', searches, {}),
      ofKind('stop-and-search', '2025-03', searches, { 'unreadable-characters': searches }),
    ]);
    expect(found).toEqual([
      expect.stringMatching(
        new RegExp(
          `^2025-03 stop-and-search file: ${searches} of ${searches} stop-and-search rows kept ` +
            '\\(100\\.0%\\) had unreadable-characters repaired at intake',
        ),
      ),
    ]);
    expect(found[0]).toContain("run summary's stopSearch.repairedByMonth");
  });

  it('passes each kind within the threshold under each reason, and a few odd rows of a small month', () => {
    expect(
      judge([
        ofKind('outcomes', '2025-03', rows, {
          'unreadable-characters': under,
          'control-characters': under,
        }),
        ofKind('stop-and-search', '2025-03', rows, { 'control-characters': under }),
        // Beyond 0.1% of a few hundred searches, but no more than REPAIRED_MIN rows.
        ofKind('stop-and-search', '2025-02', 400, { 'control-characters': REPAIRED_MIN }),
      ]),
    ).toEqual([]);
  });

  it('names both reasons of one month of outcomes in one finding, and each kind of a month apart', () => {
    const found = judge([
      ofKind('outcomes', '2025-03', rows, {
        'unreadable-characters': over,
        'control-characters': rows,
      }),
      ofKind('stop-and-search', '2025-03', 500, { 'control-characters': REPAIRED_MIN + 1 }),
    ]);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^2025-03 outcomes file: /);
    expect(found[0]).toContain(`${over} of ${rows} outcomes rows indexed`);
    expect(found[0]).toContain(`, ${rows} of ${rows} outcomes rows indexed (100.0%) had control`);
    expect(found[0]).toContain('e.g. unreadable-characters at ');
    expect(found[0]).toContain('; control-characters at ');
    expect(found[1]).toMatch(
      new RegExp(`^2025-03 stop-and-search file: ${REPAIRED_MIN + 1} of 500 stop-and-search`),
    );
  });

  it('passes a month with no rows of a kind, and a run summary without them', () => {
    expect(
      judge([ofKind('outcomes', '2025-03', 0, {}), ofKind('stop-and-search', '2025-03', 0, {})]),
    ).toEqual([]);
    expect(judge([])).toEqual([]);
  });

  it('is not let through by an approval of the month', () => {
    const approval = { month: '2025-03', reason: 'outcomes revised' };
    const repairs = [ofKind('outcomes', '2025-03', rows, { 'control-characters': rows })];
    const report = validateSiteData({
      next: full,
      previous: full,
      months: [march],
      repairs,
      approvals: [approval],
    });
    expect(report.ok).toBe(false);
    expect(problemsOf(report, 'repaired-rows')).toHaveLength(1);
  });

  it("quotes an example's text from outside inert: control characters, line breaks, half a character", () => {
    const repairs: MonthRepairs[] = [
      {
        ...ofKind('outcomes', '2025-03', rows, { 'control-characters': rows }),
        repairedExamples: {
          'control-characters': [
            { where: 'a\x1b[2Jb.csv:2', detail: 'Outcome type\n::error::fake \ud83d' },
          ],
        },
      },
    ];
    const [message] = judge(repairs);
    expect(message).toContain('"a\\x1b[2Jb.csv:2: Outcome type\\n::error::fake \\ud83d"');
    // eslint-disable-next-line no-control-regex -- the control characters are what it looks for
    expect(message).not.toMatch(/[\x00-\x1f]/);
  });
});

describe('validateSiteData (coverage and malformed rows: a few)', () => {
  it('allows a few malformed rows and any number of rows outside Leeds', () => {
    const next = copy(full);
    next.quality.dropped['malformed-crime-type'] = 2;
    next.quality.dropped['outside-district'] = 5_000;
    next.quality.dropped['no-coordinates'] = 300;
    next.quality.read += 5_302;
    expect(validateSiteData({ next, previous: full }).problems).toEqual([]);
  });
});

describe('validateSiteData (Crime IDs repeated within a month: a street file read twice)', () => {
  /** A month's committed street file: Leeds's West Yorkshire one, or Sheffield's South Yorkshire one. */
  const streetFile = (month: string, area: 'leeds' | 'sheffield' = 'leeds') =>
    area === 'leeds'
      ? `data/sample/archive/${month}/${month}-west-yorkshire-street.csv`
      : `data/areas/sheffield/sample/archive/${month}/${month}-south-yorkshire-street.csv`;

  const read = new Map<string, string[]>();
  /** The Crime IDs of a committed street file, in order (anti-social behaviour's rows have none). */
  const crimeIds = (file: string): string[] => {
    let ids = read.get(file);
    if (ids === undefined) {
      ids = (parse(readFileSync(file), { columns: true }) as Record<string, string>[])
        .map((row) => row['Crime ID'] ?? '')
        .filter((id) => id !== '');
      read.set(file, ids);
    }
    return ids;
  };

  /**
   * `month`'s row accounting as the run summary gives it, its file's rows with a Crime ID
   * counted from the committed file: with the first `twice` of them read a second time (the
   * whole file doubled when `twice` is all of them), besides the repeats the file holds.
   */
  const monthRead = (data: SiteData, month: string, file: string, twice = 0): MonthQuality => {
    const ids = crimeIds(file);
    const own = ids.length - new Set(ids).size;
    const kept = totalOf(data, month);
    const repeated = own + twice;
    return {
      month,
      read: kept + repeated,
      kept,
      dropped: { duplicate: repeated },
      crimeIdsByFile: [{ file, rows: ids.length + twice, repeated }],
      coverage: { lsoa: kept, ward: kept, postcodeDistrict: kept, pollingDistrict: 0 },
    };
  };

  /** Every month of `data` as read from its committed file; `month` doubled (its file read twice). */
  const runMonths = (data: SiteData, doubled?: string, area?: 'leeds' | 'sheffield') =>
    data.months.map((m) => {
      const file = streetFile(m, area);
      return monthRead(data, m, file, m === doubled ? crimeIds(file).length : 0);
    });

  /** The site data of a month whose file was read twice: its anti-social behaviour counted twice. */
  const antisocialTwice = (source: SiteData, month: string) => {
    const m = monthIndex(source, month);
    const t = source.crimeTypes.indexOf('Anti-social behaviour');
    return source.wards.reduce(
      (data, ward, w) => setCount(data, month, ward.code, t, 2 * (source.counts[w]?.[m]?.[t] ?? 0)),
      source,
    );
  };

  it("passes the real months of both samples, with the repeats they hold (none in Leeds's, one in Sheffield's 2024-02)", () => {
    const leeds = runMonths(full);
    expect(leeds.map((m) => m.crimeIdsByFile[0]?.repeated)).toEqual([0, 0, 0]);
    expect(validateSiteData({ next: full, previous: beforeMarch, months: leeds }).problems).toEqual(
      [],
    );
    const south = runMonths(sheffield, undefined, 'sheffield');
    expect(south.map((m) => m.crimeIdsByFile[0]?.repeated)).toEqual([0, 1, 0, 0]);
    const report = validateWith({
      next: sheffield,
      previous: null,
      months: south,
      expected: SHEFFIELD_EXPECTED,
    });
    expect(report.problems).toEqual([]);
  });

  it('refuses a new month whose street file was read twice, naming the month, the file, the repeats and what to do', () => {
    const next = antisocialTwice(full, '2025-03');
    const grown = totalOf(next, '2025-03') / totalOf(full, '2025-03') - 1;
    expect(grown).toBeGreaterThan(0.07);
    // The month's size alone lets it through: it lies within its seasonal range.
    expect(validateSiteData({ next, previous: beforeMarch }).ok).toBe(true);

    const months = runMonths(next, '2025-03');
    const file = streetFile('2025-03');
    const ids = crimeIds(file).length;
    const report = validateSiteData({ next, previous: beforeMarch, months });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      {
        check: 'repeated-rows',
        message:
          `2025-03: ${ids} of ${2 * ids} rows with a Crime ID repeat a Crime ID read before in ` +
          `the month (50.0%, threshold 1.0%), in ${file} (${ids} of its ${2 * ids}, 50.0%): police.uk ` +
          'repeats almost none, so the file holds its rows twice (a doubled file, or a part of ' +
          'it pasted twice), and its anti-social behaviour rows, which have no Crime ID to find ' +
          'them by, would be counted twice. Check the file and download the month again (an ' +
          "archive month's files, an API month's snapshot); if police.uk's own file repeats " +
          'them, report it to police.uk. An approval does not let this through.',
      },
    ]);
    expect(formatReport(report)).not.toContain('approve it');
  });

  it.each([
    ['a tenth of it', 0.1, false],
    ['a fiftieth of it', 0.02, false],
    ["the synthetic benchmark input's 0.05% of it", 0.0005, true],
  ])(
    'refuses a month with %s pasted twice unless the repeats are as few as police.uk has',
    (_what, share, passes) => {
      const file = streetFile('2025-02');
      const twice = Math.round(crimeIds(file).length * share);
      const months = [monthRead(full, '2025-02', file, twice)];
      const report = validateSiteData({ next: full, previous: full, months });
      expect(report.ok).toBe(passes);
      expect(problemsOf(report, 'repeated-rows')).toEqual(
        passes
          ? []
          : [
              expect.stringMatching(
                new RegExp(
                  `^2025-02: ${twice} of ${crimeIds(file).length + twice} rows with a Crime ID repeat`,
                ),
              ),
            ],
      );
    },
  );

  it('passes repeats up to the threshold, and refuses one more', () => {
    const file = streetFile('2025-02');
    const rows = crimeIds(file).length;
    // twice / (rows + twice) at the threshold, rounded down, then one more.
    const atThreshold = Math.floor((REPEATED_THRESHOLD * rows) / (1 - REPEATED_THRESHOLD));
    const check = (twice: number) =>
      validateSiteData({
        next: full,
        previous: full,
        months: [monthRead(full, '2025-02', file, twice)],
      }).ok;
    expect(check(atThreshold)).toBe(true);
    expect(check(atThreshold + 1)).toBe(false);
  });

  it('refuses an archive month read twice replacing the API month published before, whatever approval lets its revision through', () => {
    const previous = copy(full);
    const p = previous.provenance[monthIndex(previous, '2025-03')]!;
    p.source = 'api';
    p.snapshot = 'api:2025-03';
    const next = antisocialTwice(full, '2025-03');
    const months = runMonths(next, '2025-03');
    const approvals: Approval[] = [
      { month: '2025-03', reason: "police.uk's archive month differs from the API month" },
    ];
    const report = validateSiteData({ next, previous, months, approvals });
    // The month grew beyond a routine revision: a finding the approval lets through.
    expect(report.approved.map((a) => a.month)).toEqual(['2025-03']);
    expect(report.ok).toBe(false);
    expect(report.problems.map((problem) => problem.check)).toEqual(['repeated-rows']);
    expect(report.problems[0]?.message).toMatch(/^2025-03: \d+ of \d+ rows with a Crime ID repeat/);
    expect(report.problems[0]?.message).toContain(streetFile('2025-03'));
  });

  it("refuses another district's month read twice (Sheffield's 2024-03), with the repeat its real 2024-02 holds passing", () => {
    const next = antisocialTwice(sheffield, '2024-03');
    const months = runMonths(next, '2024-03', 'sheffield');
    const report = validateWith({
      next,
      previous: null,
      months,
      expected: SHEFFIELD_EXPECTED,
    });
    expect(report.ok).toBe(false);
    const ids = crimeIds(streetFile('2024-03', 'sheffield')).length;
    expect(report.problems).toEqual([
      {
        check: 'repeated-rows',
        message: expect.stringContaining(
          `2024-03: ${ids} of ${2 * ids} rows with a Crime ID repeat a Crime ID read before in the month (50.0%, threshold 1.0%), in ${streetFile('2024-03', 'sheffield')}`,
        ),
      },
    ]);
  });

  describe("a British Transport Police file whose own rows repeat, under 1% of the month's", () => {
    const file = streetFile('2025-03');
    const btp = '2025-03/2025-03-btp-street.csv';
    /** 2025-03 as read from its committed file, beside a BTP file of `crimes` read with `twice` of them again. */
    const withBtp = (crimes: number, twice: number): MonthQuality => {
      const month = monthRead(full, '2025-03', file);
      return {
        ...month,
        read: month.read + crimes + twice,
        dropped: { duplicate: twice },
        crimeIdsByFile: [
          ...month.crimeIdsByFile,
          { file: btp, rows: crimes + twice, repeated: twice },
        ],
      };
    };
    const share = (month: MonthQuality) =>
      month.crimeIdsByFile.reduce((sum, f) => sum + f.repeated, 0) /
      month.crimeIdsByFile.reduce((sum, f) => sum + f.rows, 0);

    it.each([
      ['doubled, of 30 crimes', 30, 30],
      ['doubled, of 60 crimes', 60, 60],
      ['doubled, of 80 crimes (about 1% of a Leeds month)', 80, 80],
      ['of 80 crimes, half of them pasted twice', 80, 40],
    ])(
      'refuses the month with the file %s, naming it and its own share',
      (_what, crimes, twice) => {
        const month = withBtp(crimes, twice);
        expect(share(month)).toBeLessThanOrEqual(REPEATED_THRESHOLD);
        const report = validateSiteData({ next: full, previous: full, months: [month] });
        expect(report.ok).toBe(false);
        const [message, ...others] = problemsOf(report, 'repeated-rows');
        expect(others).toEqual([]);
        expect(message).toMatch(/^2025-03: /);
        expect(message).toContain(`${btp} (${twice} of its ${crimes + twice}, `);
        expect(message).not.toContain(`${file} (`);
        expect(message).toContain('Check the file and download the month again');
      },
    );

    it.each([
      ['one repeat in 40 crimes', 40, 1],
      ['two repeats in 30 crimes', 30, 2],
      ['no repeat', 80, 0],
    ])('passes a file with %s, as police.uk may publish', (_what, crimes, twice) => {
      expect(
        validateSiteData({ next: full, previous: full, months: [withBtp(crimes, twice)] }).problems,
      ).toEqual([]);
    });
  });

  it("counts the month's files together, and names the ones with repeats", () => {
    const file = streetFile('2025-03');
    const btp = '2025-03/2025-03-btp-street.csv';
    const doubled = monthRead(full, '2025-03', file, crimeIds(file).length);
    const withBtp = (month: MonthQuality, repeated: number): MonthQuality => ({
      ...month,
      crimeIdsByFile: [...month.crimeIdsByFile, { file: btp, rows: 40, repeated }],
    });
    // A British Transport Police file of 40 crimes with one repeat: the month's share is small.
    const clean = monthRead(full, '2025-03', file);
    expect(validateSiteData({ next: full, previous: full, months: [withBtp(clean, 1)] }).ok).toBe(
      true,
    );
    const report = validateSiteData({ next: full, previous: full, months: [withBtp(doubled, 0)] });
    const [message] = problemsOf(report, 'repeated-rows');
    expect(message).toContain(`, in ${file} (`);
    expect(message).not.toContain(btp);
  });
});

describe('validateSiteData (the run summary beside the site data)', () => {
  /** A month's row accounting as the run summary gives it: every row kept and placed. */
  const accounted = wholeMonth;
  const rowsOf = (data: SiteData, month: string) =>
    data.provenance[monthIndex(data, month)]?.rows ?? 0;

  it("says in its notes that each month's row accounting went unchecked without one", () => {
    const report = validateSiteData({ next: full, previous: full, months: null });
    expect(report.ok).toBe(true);
    expect(report.notes).toContain(NO_RUN_SUMMARY_NOTE);
    expect(formatReport(report)).toContain(NO_RUN_SUMMARY_NOTE);
    expect(validateSiteData({ next: full, previous: full, months: [] }).notes).not.toContain(
      NO_RUN_SUMMARY_NOTE,
    );
  });

  it.each([
    ['no month (a run of some steps only)', [] as string[]],
    ['one month of three', ['2025-03']],
    ['two months of three', ['2024-03', '2025-03']],
  ])(
    "says in its notes which months' rows went unchecked when the run summary accounts for %s",
    (_, given) => {
      const months = given.map((month) => accounted(month, rowsOf(full, month)));
      const report = validateSiteData({ next: full, previous: full, months });
      expect(report.ok).toBe(true);
      const missing = full.months.filter((month) => !given.includes(month));
      const notes = report.notes.filter((note) => note.includes('no row accounting'));
      expect(notes).toEqual([
        expect.stringContaining(
          `no row accounting for ${missing.join(', ')} of the site data's ` +
            `${full.months.length} months, so their street rows`,
        ),
      ]);
      expect(formatReport(report)).toContain(notes[0]);
    },
  );

  it('names many months left out as a range, counted once', () => {
    let next = full;
    for (const as of ['2024-04', '2024-05', '2024-06', '2024-07']) {
      next = withMonthCopiedAs(next, '2024-03', as);
    }
    const months = ['2025-02', '2025-03'].map((month) => accounted(month, rowsOf(next, month)));
    const notes = validateSiteData({ next, previous: full, months }).notes.filter((note) =>
      note.includes('no row accounting'),
    );
    expect(notes).toEqual([
      expect.stringContaining(
        `no row accounting for 2024-03 to 2024-07 (5 months) of the site data's 7 months, so`,
      ),
    ]);
  });

  it('has no such note when the run summary accounts for every month', () => {
    const months = full.months.map((month) => accounted(month, rowsOf(full, month)));
    const report = validateSiteData({ next: full, previous: full, months });
    expect(report.notes.filter((note) => note.includes('row accounting'))).toEqual([]);
  });

  it.each(['2025-03', '2024-03', '2025-02'])(
    'refuses site data without %s, a month the run kept rows of, whatever an approval says',
    (month) => {
      const kept = rowsOf(full, month);
      const next = withoutMonth(full, month);
      const approvals: Approval[] = [{ month, reason: 'Checked by hand.' }];
      const report = validateSiteData({
        next,
        previous: next,
        months: [accounted(month, kept)],
        approvals,
      });
      expect(report.ok).toBe(false);
      expect(problemsOf(report, 'run-summary')).toEqual([
        `${month}: the run summary kept ${kept} rows of this month but the site data does not ` +
          'hold it, so they would not be published. Run the pipeline again, which writes the ' +
          'site data and its run summary together, and check the two files of that run.',
      ]);
      expect(report.approved).toEqual([]);
    },
  );

  it('passes a month of the summary that kept no rows, and the months the site data holds', () => {
    const months = [accounted('2017-12', 0), accounted('2025-03', rowsOf(full, '2025-03'))];
    const report = validateSiteData({ next: full, previous: full, months });
    expect(problemsOf(report, 'run-summary')).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
