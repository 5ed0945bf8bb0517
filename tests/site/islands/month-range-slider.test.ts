// What the month slider's handles say to a screen reader (MonthRangeSlider.tsx monthValueText).
import { describe, expect, it } from 'vitest';
import { monthValueText } from '../../../src/islands/MonthRangeSlider.tsx';
import { longMonth } from '../../../src/shared/months.ts';

describe('monthValueText', () => {
  const months = ['2024-11', '2024-12', '2025-01', '2025-02'];
  const hasData = [true, false, false, true];

  it('names a month with data by its name alone', () => {
    expect(monthValueText(months, hasData, 0)).toBe(longMonth('2024-11'));
    expect(monthValueText(months, hasData, 3)).toBe(longMonth('2025-02'));
  });

  it('says of every month without data that it has none', () => {
    for (const [i, month] of months.entries()) {
      const text = monthValueText(months, hasData, i);
      expect(text.startsWith(longMonth(month)), month).toBe(true);
      expect(text.endsWith(', no data'), month).toBe(!hasData[i]);
    }
  });

  it('names the first month for a value off the axis, and nothing without months', () => {
    expect(monthValueText(months, hasData, 9)).toBe(longMonth('2024-11'));
    expect(monthValueText([], [], 0)).toBe('');
    // The first month's data goes with it, not the data of the value asked.
    expect(monthValueText(['2024-01', '2024-02'], [false, true], 5)).toBe(
      `${longMonth('2024-01')}, no data`,
    );
  });
});
