// What the share image of each ward and year page says: its outline, name and headline
// figures, computed with the page's own figure functions.
import { DISTRICT, mapArea } from './area.ts';
import type { SiteData } from '../shared/schema.ts';
import {
  comparedMonths,
  centreInflatesRate,
  latestTwelveMonths,
  rateOver,
  sum,
  typeCounts,
  wardRows,
  yearOnYear,
  yearPeriod,
} from './figures.ts';
import { changeInWords, countedNoun, formatRateWithWindow, ordinalWithTies } from './format.ts';
import { formatCount } from '../shared/format-count.ts';
import { describeMonths } from '../shared/months.ts';
import type { ShareCard } from './share-image.ts';
import { districtOutline, wardOutline } from './ward-outlines.ts';

/**
 * "inflated by the city centre" for a ward whose rate per resident of `total` crimes and
 * incidents the centre inflates (centreInflatesRate), said with its rate wherever the page's
 * caveat (CentreCaveat) is not beside it: the share image and the page's description; null for
 * another ward, and for a rate of 0.
 */
export function centreInflation(
  ward: Parameters<typeof centreInflatesRate>[0],
  total: number,
): string | null {
  const centre = mapArea().centre;
  return centre !== null && centreInflatesRate(ward, total)
    ? `inflated by the ${centre.label}`
    : null;
}

export function wardShareCard(data: SiteData, index: number): ShareCard {
  const ward = data.wards[index];
  if (ward === undefined) throw new RangeError(`No ward at index ${index}`);
  const window = latestTwelveMonths(data);
  const rows = wardRows(data, window.withData);
  const row = rows[index];
  const total = row?.total ?? 0;
  const rate = rateOver(data, index, total, window.withData);
  const outline = wardOutline(ward.code, ward.neighbours);
  const inflated = centreInflation(ward, total);
  return {
    title: ward.name,
    lines: [
      `${formatCount(total)} ${countedNoun(data.crimeTypes, total)}, ${describeMonths(window.withData)}`,
      `${formatRateWithWindow(rate.value, rate.window)}${inflated === null ? '' : `, ${inflated}`}`,
      // A rank other wards share says so, as on the ward page.
      `${ordinalWithTies(
        row?.rank ?? 0,
        rows.map((r) => r.rank),
      )} of ${data.wards.length} wards by count`,
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
  const rate = rateOver(data, null, total, months);
  const outline = districtOutline();
  return {
    title: `${DISTRICT} in ${year}`,
    lines: [
      `${formatCount(total)} ${countedNoun(data.crimeTypes, total)}, ${describeMonths(months)}`,
      formatRateWithWindow(rate.value, rate.window),
      // Both sides named, as the year page names them: the change is of the paired months
      // alone, which can be fewer than the months counted on the first line. Without one, in
      // lower case: shareAlt joins the lines into one sentence.
      comparison
        ? `${comparedMonths(comparison)}: ${changeInWords(comparison.change)}`
        : `no month of ${year} has data for ${year - 1} too`,
    ],
    outline: {
      viewBox: outline.viewBox,
      paths: outline.wards.map((w) => ({ d: w.path, highlight: true })),
    },
  };
}
