// The site's feeds: what each data refresh changed (from src/data/changes.json), and one per
// ward with its latest month's headline. Built from the same figures as the pages.
import { AREA_WORDS, DISTRICT, mapArea } from './area.ts';
import {
  entryAnchor,
  type ChangeEntry,
  type ChangeLog,
  type ResidentsChanged,
} from '../shared/change-log.ts';
import { DATA_SOURCE } from '../shared/constants.ts';
import { boundariesAttribution } from '../shared/open-data.ts';
import type { SiteData } from '../shared/schema.ts';
import type { AtomEntry, AtomFeed } from './atom.ts';
import { latestTwelveMonths, monthTotal, sum, typeCounts } from './figures.ts';
import { changeInWords, countedNoun, formatCount } from './format.ts';
import { addMonths, describeMonths, longMonth } from '../shared/months.ts';
import { compareCounts } from '../shared/rates.ts';
import { absoluteUrl } from './paths.ts';
import { SITE_NAME } from './site-meta.ts';

const RIGHTS = `${DATA_SOURCE.attribution} ${boundariesAttribution(AREA_WORDS.boundariesYear)}`;

/**
 * "Added March 2025: 9,304 crimes and anti-social behaviour incidents (archive:2025-03)." for
 * each month a refresh added or revised; `noun` says what the rows count (countedNoun).
 */
export function describeChange(entry: ChangeEntry, noun: string): string {
  const added = entry.added.map(
    (a) => `Added ${longMonth(a.month)}: ${formatCount(a.rows)} ${noun} (${a.snapshot}).`,
  );
  const revised = entry.revised.map((r) => {
    const types = r.byType
      .map((t) => `${t.type} ${formatCount(t.before)} to ${formatCount(t.after)}`)
      .join('; ');
    return (
      `Revised ${longMonth(r.month)}: ${formatCount(r.before.rows)} to ${formatCount(r.after.rows)} ${noun}` +
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
    entry.added.length > 0 ? `${entry.added.length} month(s) added` : '',
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
    updated: entry.refreshedAt,
    link: page,
    summary: describeChange(entry, countedNoun(data.crimeTypes)),
  }));
  return {
    id: absoluteUrl('feed.xml'),
    title: `${SITE_NAME}: data changes`,
    subtitle: `Each monthly refresh of the ${DISTRICT} crime data: the months added or revised.`,
    updated: log.entries[0]?.refreshedAt ?? data.generatedAt,
    self: absoluteUrl('feed.xml'),
    alternate: page,
    author: SITE_NAME,
    rights: RIGHTS,
    entries,
  };
}

/** Ward `index`'s feed: one entry, its latest month's figures, replaced each refresh. */
export function wardFeed(data: SiteData, index: number): AtomFeed {
  const ward = data.wards[index];
  const latest = data.months.at(-1);
  if (ward === undefined || latest === undefined)
    throw new RangeError(`No ward ${index} or no data`);
  const page = absoluteUrl(`wards/${ward.slug}/`);
  // Every type is counted, so the totals are crimes and anti-social behaviour incidents.
  const noun = countedNoun(data.crimeTypes);
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
  return {
    id: absoluteUrl(`wards/${ward.slug}/feed.xml`),
    title: `Crime in ${ward.name}, ${DISTRICT}`,
    subtitle: `The latest month of police.uk crime data for ${ward.name} ward.`,
    updated: data.generatedAt,
    self: absoluteUrl(`wards/${ward.slug}/feed.xml`),
    alternate: page,
    author: SITE_NAME,
    rights: RIGHTS,
    entries: [
      {
        id: `${page}#${latest}`,
        title: `${ward.name}, ${longMonth(latest)}: ${formatCount(count)} ${noun}`,
        updated: data.generatedAt,
        link: page,
        summary:
          `${formatCount(count)} ${noun} recorded in ${ward.name} in ${longMonth(latest)}; ` +
          `${comparison} ${formatCount(twelve)} ${noun} over the months with data of the 12 months to ` +
          `${longMonth(latest)} (${describeMonths(window.withData)}).`,
      },
    ],
  };
}
