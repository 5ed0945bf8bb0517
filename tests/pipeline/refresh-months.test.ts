import { describe, expect, it } from 'vitest';
import {
  choosesMonths,
  DEFAULT_FIRST_MONTH,
  defaultMonthRange,
  firstMonthSetting,
  MonthChoiceError,
} from '../../pipeline/refresh-months.ts';
import { committedSiteData } from '../support/site-data.ts';

/** The months the committed site data publishes (the sample months). */
const published = committedSiteData().months;

describe('defaultMonthRange(publishedMonths, policeUk, firstMonth)', () => {
  it('runs from the first month setting, 2018-01 by default, to the newest police.uk month', () => {
    expect(DEFAULT_FIRST_MONTH).toBe('2018-01');
    expect(published[0]).toBe('2024-03');
    expect(defaultMonthRange(published, { archive: '2025-04', newest: '2025-04' })).toEqual({
      from: '2018-01',
      to: '2025-04',
    });
    expect(defaultMonthRange([], { archive: '2025-03', newest: '2025-03' }, '2020-06')).toEqual({
      from: '2020-06',
      to: '2025-03',
    });
  });

  it('ends at the API month when the API is ahead of the newest archive', () => {
    expect(defaultMonthRange(published, { archive: '2025-03', newest: '2025-04' }).to).toBe(
      '2025-04',
    );
  });

  it('keeps published months before the first month setting', () => {
    expect(
      defaultMonthRange(published, { archive: '2028-01', newest: '2028-01' }, '2025-01').from,
    ).toBe('2024-03');
  });

  it('refuses when the first month is after the newest police.uk month', () => {
    expect(() =>
      defaultMonthRange([], { archive: '2023-12', newest: '2023-12' }, '2024-03'),
    ).toThrow(MonthChoiceError);
    expect(() =>
      defaultMonthRange([], { archive: '2023-12', newest: '2023-12' }, '2024-03'),
    ).toThrow(
      /the refresh starts at 2024-03, but the newest month police\.uk publishes is 2023-12/,
    );
  });
});

describe('firstMonthSetting(env)', () => {
  it('reads REFRESH_FIRST_MONTH, and refuses a value that is not a month', () => {
    expect(firstMonthSetting({})).toBe('2018-01');
    expect(firstMonthSetting({ REFRESH_FIRST_MONTH: '2021-06' })).toBe('2021-06');
    expect(() => firstMonthSetting({ REFRESH_FIRST_MONTH: 'June 2021' })).toThrow(
      /REFRESH_FIRST_MONTH: "June 2021" is not a month/,
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

  it.each([
    [['--lates'], /Unknown option '--lates'/],
    [['--range', '2024-03'], /--range needs two values/],
    [['--month', '2025-13'], /2025-13/],
    [['--latest', '--offline'], /leave out --offline/],
  ])('%j fails as the pipeline would, before police.uk is asked', (args, message) => {
    expect(() => choosesMonths(args)).toThrow(MonthChoiceError);
    expect(() => choosesMonths(args)).toThrow(message);
  });
});
