// A ward's monthly chart, as a screen reader hears it: its description names the months
// without data, not only their number. WardTrend uses no hooks, so calling it gives its
// element tree to read; the series is the island's own, from the committed sample months.
import type { VNode } from 'preact';
import { beforeAll, describe, expect, it } from 'vitest';
import { WardTrend } from '../../../src/islands/WardTrend.tsx';
import { monthCoverage, monthlySeries } from '../../../src/lib/map-filter.ts';
import { encodeMapData } from '../../../src/shared/encode-map-data.ts';
import { decodeMapData, type MapData } from '../../../src/shared/map-data.ts';
import { describeMonths, monthRange } from '../../../src/shared/months.ts';
import { sampleSummaries } from '../../support/sample-summaries.ts';

let data: MapData;

beforeAll(async () => {
  const { summaries, wards } = await sampleSummaries();
  data = decodeMapData(encodeMapData(summaries, wards));
}, 60_000);

/** The chart's accessible description for ward `ward` over every month of the data. */
function description(ward: number): string {
  const filter = {
    types: data.crimeTypes.map((_, t) => t),
    from: 0,
    to: data.months.length - 1,
    excludeCityCentre: false,
  };
  const gaps = monthCoverage(data, filter).monthsWithoutData;
  const chart = WardTrend({
    series: monthlySeries(data, filter, ward),
    gapMonths: describeMonths(gaps),
    label: 'Crimes per month in Armley',
  }) as VNode<{ 'aria-label'?: string }> | null;
  return chart?.props['aria-label'] ?? '';
}

describe('WardTrend(props) description', () => {
  it('names the months without data, as ranges, beside their number', () => {
    // The sample holds March 2024 and February to March 2025: April 2024 to January 2025 are gaps.
    expect(data.months).toEqual(monthRange('2024-03', '2025-03'));
    const armley = data.wards.findIndex((w) => w.name === 'Armley');
    expect(description(armley)).toMatch(
      /^Crimes per month in Armley, March 2024 to March 2025: 3 months with data, 10 without \(gaps: Apr 2024–Jan 2025\); highest [\d,]+ in /,
    );
  });
});
