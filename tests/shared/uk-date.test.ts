// The day an instant falls on in the UK, as every date shown to a reader gives it: the same as
// UTC's in Greenwich Mean Time, the next day for the first hour of each day in British Summer
// Time, and across both clock changes (2025: BST from 01:00 UTC on 30 March to 01:00 UTC on
// 26 October).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDate } from '../../src/lib/format.ts';
import { ukDay, ukLongDate } from '../../src/shared/uk-date.ts';

/** [instant, the UK's day, the same in words] */
const CASES: [string, string, string][] = [
  // British Summer Time: 23:30 UTC is 00:30 the next day in the UK.
  ['2025-06-30T23:30:00.000Z', '2025-07-01', '1 July 2025'],
  ['2025-06-30T22:59:59.999Z', '2025-06-30', '30 June 2025'],
  ['2025-06-30T23:00:00.000Z', '2025-07-01', '1 July 2025'],
  // Greenwich Mean Time: the UK's day is UTC's, to the last minute of the year.
  ['2025-01-31T23:30:00.000Z', '2025-01-31', '31 January 2025'],
  ['2025-02-01T00:00:00.000Z', '2025-02-01', '1 February 2025'],
  ['2024-12-31T23:59:59.000Z', '2024-12-31', '31 December 2024'],
  // Clocks go forward at 01:00 UTC on 30 March: the evening before is still GMT, that
  // evening is BST.
  ['2025-03-29T23:30:00.000Z', '2025-03-29', '29 March 2025'],
  ['2025-03-30T23:30:00.000Z', '2025-03-31', '31 March 2025'],
  // Clocks go back at 01:00 UTC on 26 October: the evening before is BST, that evening GMT.
  ['2025-10-25T23:30:00.000Z', '2025-10-26', '26 October 2025'],
  ['2025-10-26T00:30:00.000Z', '2025-10-26', '26 October 2025'],
  ['2025-10-26T23:30:00.000Z', '2025-10-26', '26 October 2025'],
];

describe('ukDay, ukLongDate and formatDate', () => {
  it.each(CASES)('%s is %s in the UK', (iso, day, words) => {
    expect(ukDay(iso)).toBe(day);
    expect(ukDay(new Date(iso))).toBe(day);
    expect(ukLongDate(iso)).toBe(words);
    expect(formatDate(iso)).toBe(words);
  });

  it('names the value that is not a date and time', () => {
    expect(() => ukDay('2025-13-45')).toThrow('Not a date and time: "2025-13-45"');
    expect(() => formatDate('')).toThrow('Not a date and time: ""');
  });
});

/**
 * Where src/ and pipeline/ may take a day from an instant in UTC: the freshness check turns a
 * day it was given (YYYY-MM-DD) into UTC's midnight and back, to see that the calendar has it.
 */
const UTC_DAYS_ALLOWED = [path.join('pipeline', 'freshness.ts')];

describe('the one way of dating an instant', () => {
  it("no file in src/ or pipeline/ takes an instant's day, month or date in UTC", async () => {
    const files = (
      await Promise.all(
        ['src', 'pipeline'].map(async (dir) =>
          (await readdir(dir, { recursive: true, withFileTypes: true }))
            .filter((e) => e.isFile() && /\.(ts|tsx|astro|mjs)$/.test(e.name))
            .map((e) => path.join(e.parentPath, e.name)),
        ),
      )
    ).flat();
    const utcDays: string[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      if (/toISOString\(\)\.slice\(0, 10\)|timeZone: 'UTC'|getUTC(Date|Month|Day)\(/.test(text))
        utcDays.push(file);
    }
    expect(utcDays).toEqual(UTC_DAYS_ALLOWED);
  });
});
