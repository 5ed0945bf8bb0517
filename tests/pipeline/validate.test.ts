import { describe, expect, it } from 'vitest';
import type { MonthProvenance } from '../../src/shared/schema.ts';
import {
  describeSource,
  formatReport,
  MALFORMED_THRESHOLD,
  REVISION_TOLERANCE,
  validateSiteData,
  type CheckName,
  type ValidationReport,
} from '../../pipeline/validate.ts';
import {
  committedSiteData,
  copy,
  fromSnapshot,
  monthIndex,
  removeCrimes,
  totalOf,
  withoutMonth,
} from '../support/site-data.ts';

const full = committedSiteData();
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

  it('fails when a month has no crimes at all', () => {
    const empty = removeCrimes(full, '2025-03', totalOf(full, '2025-03'));
    const report = validateSiteData({ next: empty, previous: beforeMarch });
    expect(problemsOf(report, 'empty-month')).toEqual([
      expect.stringMatching(/^2025-03 has no crimes at all/),
    ]);
  });
});

describe('validateSiteData (revisions)', () => {
  const feb = totalOf(full, '2025-02');
  /** More than the tolerance: a month that lost a tenth of its rows. */
  const lost = Math.round(feb * 0.1);

  it('fails when a month loses rows beyond the tolerance from the same snapshot', () => {
    const report = validateSiteData({ next: removeCrimes(full, '2025-02', lost), previous: full });
    expect(report.ok).toBe(false);
    const [message] = problemsOf(report, 'unexplained-change');
    expect(message).toContain(`2025-02 changed from ${feb} to ${feb - lost} rows (-10.0%`);
    const source = describeSource(full.provenance[monthIndex(full, '2025-02')] as MonthProvenance);
    expect(message).toContain(`police.uk published no newer data for it (still ${source})`);
  });

  it('allows and lists the same change when police.uk published a newer archive', () => {
    const previous = fromSnapshot(full, '2025-02', '2025-03.zip', '2025-05-01T00:00:00.000Z');
    const next = fromSnapshot(removeCrimes(full, '2025-02', lost), '2025-02', '2025-04.zip');
    const report = validateSiteData({ next, previous });
    expect(report.problems).toEqual([]);
    expect(report.revised).toHaveLength(1);
    expect(report.revised[0]).toMatchObject({ month: '2025-02', newSnapshot: true });
    expect(formatReport(report)).toContain(
      `Month revised: 2025-02 ${feb} -> ${feb - lost} rows (-10.0%), new source archive 2025-04.zip (was archive 2025-03.zip).`,
    );
  });

  it('does not accept an older archive as the reason for a change', () => {
    const previous = fromSnapshot(full, '2025-02', '2025-04.zip');
    const next = fromSnapshot(removeCrimes(full, '2025-02', lost), '2025-02', '2025-03.zip');
    const report = validateSiteData({ next, previous });
    expect(problemsOf(report, 'unexplained-change')).toHaveLength(1);
  });

  it('allows a change within the tolerance from the same snapshot, and lists it', () => {
    const few = Math.floor(feb * REVISION_TOLERANCE) - 1;
    const report = validateSiteData({ next: removeCrimes(full, '2025-02', few), previous: full });
    expect(report.ok).toBe(true);
    expect(report.revised.map((r) => [r.month, r.before.rows, r.after.rows])).toEqual([
      ['2025-02', feb, feb - few],
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

  it('allows a few malformed rows and any number of rows outside Leeds', () => {
    const next = copy(full);
    next.quality.dropped['malformed-crime-type'] = 2;
    next.quality.dropped['outside-leeds'] = 5_000;
    next.quality.dropped['no-coordinates'] = 300;
    next.quality.read += 5_302;
    expect(validateSiteData({ next, previous: full }).problems).toEqual([]);
  });
});
