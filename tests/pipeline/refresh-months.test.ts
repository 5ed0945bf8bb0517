import { describe, expect, it } from 'vitest';
import {
  choosesMonths,
  defaultMonthRange,
  MonthChoiceError,
} from '../../pipeline/refresh-months.ts';
import { committedSiteData } from '../support/site-data.ts';

/** The months the committed site data publishes (the sample months). */
const published = committedSiteData().months;

describe('defaultMonthRange(publishedMonths, policeUk)', () => {
  it('runs from the first published month to the newest police.uk month', () => {
    expect(published[0]).toBe('2024-03');
    expect(defaultMonthRange(published, { archive: '2025-04', newest: '2025-04' })).toEqual({
      from: '2024-03',
      to: '2025-04',
    });
  });

  it('ends at the API month when the API is ahead of the newest archive', () => {
    expect(defaultMonthRange(published, { archive: '2025-03', newest: '2025-04' }).to).toBe(
      '2025-04',
    );
  });

  it('keeps published months that the newest archive no longer holds', () => {
    // 2028-01.zip holds 2025-02 to 2028-01: 2024-03 comes from an older archive.
    expect(defaultMonthRange(published, { archive: '2028-01', newest: '2028-01' }).from).toBe(
      '2024-03',
    );
  });

  it('takes the 36 months of the newest archive when nothing is published yet', () => {
    expect(defaultMonthRange([], { archive: '2025-03', newest: '2025-04' })).toEqual({
      from: '2022-04',
      to: '2025-04',
    });
  });

  it('refuses when the published data starts after the newest police.uk month', () => {
    expect(() => defaultMonthRange(published, { archive: '2023-12', newest: '2023-12' })).toThrow(
      MonthChoiceError,
    );
    expect(() => defaultMonthRange(published, { archive: '2023-12', newest: '2023-12' })).toThrow(
      /publishes months from 2024-03, but the newest month police\.uk publishes is 2023-12/,
    );
  });
});

describe('choosesMonths(pipelineArgs)', () => {
  it.each([
    [['--latest'], true],
    [['--month', '2025-02'], true],
    [['--month=2025-02'], true],
    [['--range', '2024-03', '2025-03'], true],
    [['--offline'], true],
    [[], false],
    [['--archive-dir', 'x', '--police-api-base-url=http://127.0.0.1/'], false],
  ])('%j -> %s', (args, chosen) => {
    expect(choosesMonths(args)).toBe(chosen);
  });
});
