// What the share image of each ward and year page says: its outline, name and headline
// figures, computed with the page's own figure functions.
import type { SiteData } from '../shared/schema.ts';
import {
  latestTwelveMonths,
  ratePerThousand,
  sum,
  typeCounts,
  wardRows,
  yearOnYear,
  yearPeriod,
} from './figures.ts';
import { formatChange, formatCount, formatRate, ordinal } from './format.ts';
import { describeMonths } from './months.ts';
import type { ShareCard } from './share-image.ts';
import { districtOutline, wardOutline } from './ward-outlines.ts';

export function wardShareCard(data: SiteData, index: number): ShareCard {
  const ward = data.wards[index];
  if (ward === undefined) throw new RangeError(`No ward at index ${index}`);
  const window = latestTwelveMonths(data);
  const row = wardRows(data, window.withData)[index];
  const outline = wardOutline(ward.code, ward.neighbours);
  return {
    title: ward.name,
    lines: [
      `${formatCount(row?.total ?? 0)} crimes, ${describeMonths(window.withData)}`,
      `${formatRate(row?.rate ?? 0)} per 1,000 residents`,
      `${ordinal(row?.rank ?? 0)} of ${data.wards.length} wards by crimes`,
    ],
    outline: {
      viewBox: outline.viewBox,
      paths: [
        ...outline.neighbours.map((n) => ({ d: n.path, highlight: false })),
        { d: outline.ward, highlight: true },
      ],
    },
  };
}

/** Alt text of a ward's share image: what it shows, in words. */
export function shareAlt(card: ShareCard): string {
  return `${card.title}: ${card.lines.join('; ')}.`;
}

export function yearShareCard(data: SiteData, year: number): ShareCard {
  const months = yearPeriod(data, year).withData;
  const total = sum(typeCounts(data, null, months));
  const comparison = yearOnYear(data, null, months);
  const outline = districtOutline();
  return {
    title: `Leeds in ${year}`,
    lines: [
      `${formatCount(total)} crimes, ${describeMonths(months)}`,
      `${formatRate(ratePerThousand(total, data.leedsPopulation))} per 1,000 residents`,
      comparison
        ? `${formatChange(comparison.change)} on the same months of ${year - 1}`
        : `No months of ${year - 1} to compare with`,
    ],
    outline: {
      viewBox: outline.viewBox,
      paths: outline.wards.map((w) => ({ d: w.path, highlight: true })),
    },
  };
}
