// What every page says about the data it was built from: the footer and the page metadata.
import { lastChange, type ChangeLog } from '../shared/change-log.ts';
import type { SiteData } from '../shared/schema.ts';
import { area } from './area.ts';
import { formatDate } from './format.ts';
import { describeMonths, longMonth } from '../shared/months.ts';

export const SITE_NAME = area.siteName;

/** Share images (Open Graph's recommended size), src/lib/share-image.ts. */
export const SHARE_IMAGE = { width: 1200, height: 630 } as const;

export interface DataStatus {
  /** "March 2025" */
  dataTo: string;
  /**
   * "2 May 2025": when the published figures last changed (lastChange), not when police.uk was
   * last asked: a refresh that found nothing new leaves it.
   */
  updated: string;
  /** "Mar 2024, Feb–Mar 2025" */
  monthsCovered: string;
}

export function dataStatus(data: SiteData, log: ChangeLog): DataStatus {
  const latest = data.months.at(-1);
  if (latest === undefined) throw new Error('The site data has no months.');
  return {
    dataTo: longMonth(latest),
    updated: formatDate(lastChange(log, data.generatedAt)),
    monthsCovered: describeMonths(data.months),
  };
}

/** "Armley crime report · Leeds Crime Intelligence", without repeating the site name. */
export function pageTitle(title: string): string {
  return title === SITE_NAME ? title : `${title} · ${SITE_NAME}`;
}
