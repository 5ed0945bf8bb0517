import { describe, expect, it } from 'vitest';
import {
  choosesMonths,
  DEFAULT_FIRST_MONTH,
  defaultMonthRange,
  firstMonthSetting,
  MonthChoiceError,
  policeUkNewest,
} from '../../pipeline/refresh-months.ts';
import { ReplayServer } from '../support/replay-server.ts';
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

describe('policeUkNewest(env, log)', () => {
  /** police.uk with `archive`.zip as its newest archive and the API listing `apiMonths`. */
  async function policeUk(archive: string, apiMonths: readonly string[]) {
    const server = await ReplayServer.start();
    const redirect = { status: 302, headers: { location: `/data/archive/${archive}.zip` } };
    server.route('HEAD', '/data/archive/latest.zip', [redirect]);
    // Only its size is asked for (HEAD): the bytes are not read.
    server.file(`/data/archive/${archive}.zip`, Buffer.alloc(64));
    server.route('GET', '/api/crimes-street-dates', [
      { body: apiMonths.map((date) => ({ date })) },
    ]);
    const env = {
      POLICE_ARCHIVE_BASE_URL: `${server.url}data/archive/`,
      POLICE_API_BASE_URL: `${server.url}api/`,
    };
    const logs: string[] = [];
    try {
      return { newest: await policeUkNewest(env, (m) => logs.push(m)), logs };
    } finally {
      await server.close();
    }
  }

  it('is the API newest month when the API lists every month after the newest archive', async () => {
    const { newest, logs } = await policeUk('2025-02', ['2025-04', '2025-03', '2025-02']);
    expect(newest).toEqual({ archive: '2025-02', newest: '2025-04' });
    expect(logs.filter((m) => m.includes('but not'))).toEqual([]);
  });

  it('ends the refresh before a month the API skips, and says which', async () => {
    const { newest, logs } = await policeUk('2025-02', ['2025-05', '2025-03', '2025-02']);
    expect(newest).toEqual({ archive: '2025-02', newest: '2025-03' });
    expect(defaultMonthRange(published, newest).to).toBe('2025-03');
    expect(logs).toContain(
      "police.uk's API lists months up to 2025-05 but not 2025-04: months after 2025-03 " +
        'wait until it lists that month',
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
