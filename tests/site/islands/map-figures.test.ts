// The map's figures in words, for windows with one month or several, with and without gaps.
// MapFigures uses no hooks (the Announced around its paragraphs does, and is not rendered
// here), so calling it gives its element tree to read.
import { describe, expect, it } from 'vitest';
import { MapFigures, type MapFiguresProps } from '../../../src/islands/MapFigures.tsx';
import type { Figures } from '../../../src/islands/use-figures.ts';
import type { MapData } from '../../../src/shared/map-data.ts';
import { CRIME_TYPES } from '../../../src/shared/constants.ts';
import { describeMonths, monthRange } from '../../../src/shared/months.ts';
import { textOf } from '../../support/vnode-text.ts';

/**
 * The figures' paragraph on the window's months, for a window of `months` with `gaps`, named
 * in words by `gapMonths`.
 */
function coverage(months: number, gaps: number, rangeLabel: string, gapMonths = ''): string | null {
  const figures = {
    // Which months hold data does not change the paragraph: gapMonths names the others.
    coverage: {
      months,
      monthsWithData: monthRange('2020-01', '2030-12').slice(0, months - gaps),
      monthsWithoutData: monthRange('2031-01', '2040-12').slice(0, gaps),
    },
    gapMonths,
    noData: false,
    noTypes: false,
    leedsTotal: 1234,
    noun: 'crimes',
  } as Figures;
  const props: MapFiguresProps = {
    data: {} as MapData,
    types: CRIME_TYPES,
    excludeCityCentre: false,
    figures,
    rangeLabel,
    announce: () => {},
  };
  const text = textOf(MapFigures(props), 'crime-map-coverage');
  return text === null ? null : text.replace(/\s+/g, ' ').trim();
}

describe('MapFigures(props) months of the window', () => {
  it('names the one month without data, and says it "is left out"', () => {
    expect(coverage(2, 1, 'Jan 2025 – Feb 2025', describeMonths(['2025-01']))).toBe(
      'Jan 2025 – Feb 2025: 2 months, 1 with data; 1 of them without data (Jan 2025) is left out, not counted as zero.',
    );
  });

  it('names the months without data as ranges, and says they "are left out"', () => {
    const gaps = describeMonths(monthRange('2024-04', '2025-01'));
    expect(coverage(13, 10, 'Mar 2024 – Mar 2025', gaps)).toBe(
      'Mar 2024 – Mar 2025: 13 months, 3 with data; 10 of them without data (Apr 2024–Jan 2025) are left out, not counted as zero.',
    );
  });

  it('names one month with data in the singular, and several as "all with data"', () => {
    expect(coverage(1, 0, 'Mar 2025')).toBe('Mar 2025: 1 month, with data.');
    expect(coverage(2, 0, 'Feb 2025 – Mar 2025')).toBe(
      'Feb 2025 – Mar 2025: 2 months, all with data.',
    );
  });
});
