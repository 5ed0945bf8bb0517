// The watchdog's rule: the published data may be up to a month behind the newest month
// police.uk normally has out (two months before the current one), and no more.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkFreshness, MONTHS_OF_GRACE, RELEASE_LAG_MONTHS } from '../../pipeline/freshness.ts';
import { main } from '../../pipeline/refresh.ts';
import { committedSiteData } from '../support/site-data.ts';

describe('checkFreshness(newest, today)', () => {
  it.each([
    // police.uk's newest early in December is October; a month of grace.
    ['2026-10', '2026-12-05', true],
    ['2026-09', '2026-12-01', true],
    ['2026-08', '2026-12-31', false],
    // Across the turn of the year.
    ['2025-11', '2026-01-03', true],
    ['2025-10', '2026-01-03', true],
    ['2025-09', '2026-01-03', false],
    ['2025-12', '2026-02-27', true],
    ['2025-11', '2026-03-01', false],
  ])('the data ending %s on %s is up to date: %s', (newest, today, ok) => {
    const result = checkFreshness(newest, today);
    expect(result.ok).toBe(ok);
    expect(RELEASE_LAG_MONTHS + MONTHS_OF_GRACE).toBe(3);
  });

  it('names the newest month, the month expected and what to do when behind', () => {
    const result = checkFreshness('2025-03', '2026-12-05');
    expect(result).toMatchObject({ ok: false, expected: '2026-10' });
    expect(result.message).toMatch(
      /^The published data ends at 2025-03; on 2026-12-05 police\.uk normally has 2026-10 out/,
    );
    expect(result.message).toContain('run it by hand');
  });

  it('refuses a today that is not a day of the calendar, naming it', () => {
    for (const today of [
      '2026-02-30',
      '2025-02-29',
      '2025-03-00',
      '2025-04-31',
      '2025-3-1',
      'tomorrow',
    ]) {
      expect(() => checkFreshness('2025-03', today), today).toThrow(
        `today must be a date, YYYY-MM-DD; got "${today}"`,
      );
    }
    // A leap day and a month's last day are days.
    expect(checkFreshness('2024-01', '2024-02-29').expected).toBe('2023-12');
    expect(checkFreshness('2025-03', '2025-04-30').expected).toBe('2025-02');
  });

  it('counts data with no month as behind', () => {
    expect(checkFreshness(undefined, '2026-12-05')).toMatchObject({ ok: false });
    expect(checkFreshness(undefined, '2026-12-05').message).toMatch(/has no month/);
  });

  it.each(['2026-13-01', '05/12/2026', '2026-12'])(
    'refuses a today that is not a date: %s',
    (day) => {
      expect(() => checkFreshness('2026-10', day)).toThrow(/YYYY-MM-DD/);
    },
  );
});

describe('refresh-data freshness', () => {
  const newest = committedSiteData().months.at(-1) as string;
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  function run(today: string, ...args: string[]) {
    vi.stubEnv('REFRESH_TODAY', today);
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => lines.push(line));
    return main([...args, 'freshness']).then((code) => ({ code, text: lines.join('\n') }));
  }

  it("passes while the committed data's newest month is what police.uk has out", async () => {
    const [year, month] = newest.split('-').map(Number) as [number, number];
    const today = new Date(Date.UTC(year, month + 1, 10)).toISOString().slice(0, 10);
    const { code, text } = await run(today);
    expect(code).toBe(0);
    expect(text).toContain(`ends at ${newest}`);
  });

  it('fails (exit 1) once the committed data is two months behind, saying so', async () => {
    const [year, month] = newest.split('-').map(Number) as [number, number];
    const today = new Date(Date.UTC(year, month + 3, 1)).toISOString().slice(0, 10);
    const { code, text } = await run(today);
    expect(code).toBe(1);
    expect(text).toContain(`refresh-data freshness: The published data ends at ${newest}`);
  });

  it("checks another district's published data with --area", async () => {
    const { code, text } = await run('2026-12-05', '--area', 'sheffield');
    expect(code).toBe(1);
    expect(text).toMatch(/ends at 2024-04/);
  });

  it('refuses a REFRESH_TODAY that is not a date (exit 1)', async () => {
    const { code, text } = await run('tomorrow');
    expect(code).toBe(1);
    expect(text).toMatch(/REFRESH_TODAY: today must be a date/);
  });
});
