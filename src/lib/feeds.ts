// The site's feeds: what each data refresh changed (from src/data/changes.json), and one per
// ward with its latest month's headline. Built from the same figures as the pages.
import { AREA_LICENCE, DISTRICT, mapArea } from './area.ts';
import {
  entryAnchor,
  entryTime,
  lastChange,
  type ChangeEntry,
  type ChangeLog,
  type ResidentsChanged,
} from '../shared/change-log.ts';
import type { SiteData } from '../shared/schema.ts';
import type { AtomEntry, AtomFeed } from './atom.ts';
import { latestTwelveMonths, monthTotal, sum, typeCounts } from './figures.ts';
import { changeInWords, countedNoun, plural } from './format.ts';
import { formatCount } from '../shared/format-count.ts';
import { addMonths, describeMonths, longMonth, twelveMonthsTo } from '../shared/months.ts';
import { compareCounts } from '../shared/rates.ts';
import { absoluteUrl } from './paths.ts';
import { SITE_NAME } from './site-meta.ts';

// A feed travels on its own (a reader keeps its entries), so it carries what every data file
// does: the attribution, the crime records' source first, and a link to the licence.
const RIGHTS = AREA_LICENCE.attribution.join(' ');
const LICENCE = AREA_LICENCE.path;

/**
 * "Added March 2025: 9,304 crimes and anti-social behaviour incidents (archive:2025-03)." for
 * each month a refresh added or revised; `noun` says what a count of rows counts (countedNoun).
 */
export function describeChange(entry: ChangeEntry, noun: (count: number) => string): string {
  const added = entry.added.map(
    (a) => `Added ${longMonth(a.month)}: ${formatCount(a.rows)} ${noun(a.rows)} (${a.snapshot}).`,
  );
  const revised = entry.revised.map((r) => {
    const types = r.byType
      .map((t) => `${t.type} ${formatCount(t.before)} to ${formatCount(t.after)}`)
      .join('; ');
    return (
      `Revised ${longMonth(r.month)}: ${formatCount(r.before.rows)} to ${formatCount(r.after.rows)} ${noun(r.after.rows)}` +
      ` (${r.after.snapshot})${types ? `: ${types}` : ''}.`
    );
  });
  const removed = (entry.removed ?? []).map(
    (month) => `Removed ${longMonth(month)}: published before, not any more.`,
  );
  const outcomes =
    entry.outcomesUpdated.length > 0
      ? [`Outcomes updated for ${describeMonths(entry.outcomesUpdated)}.`]
      : [];
  const residents = entry.residents ? [describeResidents(entry.residents)] : [];
  return (
    [...added, ...revised, ...removed, ...outcomes, ...residents].join(' ') || 'No month changed.'
  );
}

/**
 * What a change of residents (the reference data's) did: the district's and each ward's
 * residents before and after, and that every rate per resident of them changed with them.
 */
export function describeResidents({
  district,
  wards,
  wardsAdded,
  wardsRemoved,
}: ResidentsChanged): string {
  const centre = mapArea().centre?.label ?? 'centre';
  const changes = [
    ...(district
      ? [`${DISTRICT} ${formatCount(district.before)} to ${formatCount(district.after)}`]
      : []),
    ...wards.map(
      (w) =>
        `${w.name} ${formatCount(w.before)} to ${formatCount(w.after)}` +
        (w.centre
          ? `, in the ${centre} ${formatCount(w.centre.before)} to ${formatCount(w.centre.after)}`
          : ''),
    ),
    ...(wardsAdded ?? []).map((w) => `new ward ${w.name} (${w.code}) ${formatCount(w.residents)}`),
    ...(wardsRemoved ?? []).map(
      (w) => `ward gone ${w.name} (${w.code}) ${formatCount(w.residents)}`,
    ),
  ];
  return (
    `Census 2021 residents changed with the reference data: ${changes.join('; ')}. ` +
    'Every rate per 1,000 residents of these was recalculated with them.'
  );
}

export function changeTitle(entry: ChangeEntry): string {
  const parts = [
    entry.added.length > 0
      ? `${entry.added.length} ${plural(entry.added.length, 'month', 'months')} added`
      : '',
    entry.revised.length > 0 ? `${entry.revised.length} revised` : '',
    (entry.removed ?? []).length > 0 ? `${entry.removed?.length} removed` : '',
    entry.outcomesUpdated.length > 0 ? 'outcomes updated' : '',
    entry.residents ? 'residents updated' : '',
  ].filter(Boolean);
  return `Data to ${longMonth(entry.dataTo)}: ${parts.join(', ') || 'no change'}`;
}

export function changesFeed(log: ChangeLog, data: SiteData): AtomFeed {
  const page = absoluteUrl('changes/');
  const entries: AtomEntry[] = log.entries.map((entry, i) => ({
    id: `${page}#${entryAnchor(log, i)}`,
    title: changeTitle(entry),
    updated: entryTime(entry),
    link: page,
    summary: describeChange(entry, (count) => countedNoun(data.crimeTypes, count)),
  }));
  return {
    id: absoluteUrl('feed.xml'),
    title: `${SITE_NAME}: data changes`,
    subtitle: `Each monthly refresh of the ${DISTRICT} crime data: the months added or revised.`,
    updated: lastChange(log, data.generatedAt),
    self: absoluteUrl('feed.xml'),
    alternate: page,
    author: SITE_NAME,
    rights: RIGHTS,
    licence: LICENCE,
    entries,
  };
}

/**
 * When the figures of ward `code` in the months `shows` holds last changed, by the change log
 * (newest entry first): the time of the newest entry that added or removed one of the months,
 * or revised one in that ward (an entry that does not name the wards it revised: in every
 * ward). Before the log has any entry, the data's generatedAt. When none of its entries
 * changed them, they were already as they are when the log began, published by a build it
 * does not record: then the oldest entry's time, the earliest the log can vouch for them (the
 * real change was before it). Never moved by a refresh that changed other wards or months
 * only, and the same on every build of the data.
 */
export function wardFiguresUpdated(
  data: SiteData,
  log: ChangeLog,
  code: string,
  shows: (month: string) => boolean,
): string {
  const changed = log.entries.find(
    (entry) =>
      entry.added.some((a) => shows(a.month)) ||
      (entry.removed ?? []).some(shows) ||
      entry.revised.some((r) => shows(r.month) && (r.wards?.includes(code) ?? true)),
  );
  if (changed !== undefined) return entryTime(changed);
  const oldest = log.entries.at(-1);
  return oldest === undefined ? data.generatedAt : entryTime(oldest);
}

/**
 * Ward `index`'s feed: one entry, its latest month's figures, replaced each refresh, and dated
 * by when those figures last changed (wardFiguresUpdated): a feed reader sees a revision of
 * them, and nothing new after a refresh that left them as they were.
 */
export function wardFeed(data: SiteData, log: ChangeLog, index: number): AtomFeed {
  const ward = data.wards[index];
  const latest = data.months.at(-1);
  if (ward === undefined || latest === undefined)
    throw new RangeError(`No ward ${index} or no data`);
  const page = absoluteUrl(`wards/${ward.slug}/`);
  // Every type is counted, so the totals are crimes and anti-social behaviour incidents (one
  // crime or anti-social behaviour incident).
  const noun = (n: number) => countedNoun(data.crimeTypes, n);
  const count = monthTotal(data, index, latest) ?? 0;
  const monthBefore = addMonths(latest, -12);
  const yearBefore = monthTotal(data, index, monthBefore);
  const window = latestTwelveMonths(data);
  const twelve = sum(typeCounts(data, index, window.withData));
  // Judged against chance, and without a percentage below MIN_COUNT_FOR_PERCENT, as the ward
  // page judges its changes (src/shared/rates.ts).
  const comparison =
    yearBefore === null
      ? `${longMonth(monthBefore)} has no data to compare with.`
      : `${longMonth(monthBefore)}: ${formatCount(yearBefore)} (${changeInWords(
          compareCounts(count, yearBefore),
        )}).`;
  // The entry's figures are of the 12 months to the latest (a month of them added or removed
  // changes the total) and the same month a year before.
  const { from } = twelveMonthsTo(latest);
  const updated = wardFiguresUpdated(
    data,
    log,
    ward.code,
    (month) => (month >= from && month <= latest) || month === monthBefore,
  );
  return {
    id: absoluteUrl(`wards/${ward.slug}/feed.xml`),
    title: `Crime in ${ward.name}, ${DISTRICT}`,
    subtitle: `The latest month of police.uk crime data for ${ward.name} ward.`,
    updated,
    self: absoluteUrl(`wards/${ward.slug}/feed.xml`),
    alternate: page,
    author: SITE_NAME,
    rights: RIGHTS,
    licence: LICENCE,
    entries: [
      {
        id: `${page}#${latest}`,
        title: `${ward.name}, ${longMonth(latest)}: ${formatCount(count)} ${noun(count)}`,
        updated,
        link: page,
        summary:
          `${formatCount(count)} ${noun(count)} recorded in ${ward.name} in ${longMonth(latest)}; ` +
          `${comparison} ${formatCount(twelve)} ${noun(twelve)} over the months with data of the 12 months to ` +
          `${longMonth(latest)} (${describeMonths(window.withData)}).`,
      },
    ],
  };
}
