// Every "last updated" time the site gives of its data (the footer's, the Dataset's
// dateModified, datapackage.json's created, the changes feed's) is when the published figures
// last changed, by the change log: a refresh that revised them without fetching anything newer
// moves it, and one that fetched a month again and found it unchanged (so wrote no entry)
// leaves it. generatedAt, the newest fetch, does neither. Built from the committed site data
// with the pipeline's own changeEntry().
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { changeEntry, recordChange } from '../../../pipeline/provenance.ts';
import { atomFeed } from '../../../src/lib/atom.ts';
import { changesFeed } from '../../../src/lib/feeds.ts';
import { formatDate } from '../../../src/lib/format.ts';
import { dataPackage, datasetJsonLd, downloadsManifest } from '../../../src/lib/open-data.ts';
import { dataStatus } from '../../../src/lib/site-meta.ts';
import {
  EMPTY_CHANGE_LOG,
  type ChangeEntry,
  type ChangeLog,
} from '../../../src/shared/change-log.ts';
import type { SiteData } from '../../../src/shared/schema.ts';
import { committedSiteData, setCount, withoutMonth } from '../../support/site-data.ts';

beforeAll(() => {
  vi.stubEnv('SITE', 'https://example.test');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const full = committedSiteData();
const ADDED = '2026-11-27T07:00:00.000Z';
const REVISED = '2026-12-05T07:00:00.000Z';

/** `data` published over `before` by a refresh its commit step dated `publishedAt`. */
function publish(log: ChangeLog, before: SiteData, data: SiteData, publishedAt: string) {
  const entry = changeEntry(before, data);
  expect(entry, 'the refresh changed the published figures').not.toBeNull();
  return recordChange(log, { ...(entry as ChangeEntry), publishedAt });
}

/** The log after March 2025 was added, published at ADDED. */
const added = publish(EMPTY_CHANGE_LOG, withoutMonth(full, '2025-03'), full, ADDED);

/** Each time the site gives of when `data` was last updated, with `log`. */
function updatedTimes(data: SiteData, log: ChangeLog) {
  const feed = /<feed[^]*?<updated>([^<]*)<\/updated>/.exec(atomFeed(changesFeed(log, data)));
  return {
    footer: dataStatus(data, log).updated,
    dateModified: datasetJsonLd(data, downloadsManifest, log).dateModified,
    created: dataPackage(data, downloadsManifest, log).created,
    feed: feed?.[1],
  };
}

/** What updatedTimes gives when every time is `iso`. */
function allAt(iso: string) {
  return { footer: formatDate(iso), dateModified: iso, created: iso, feed: iso };
}

describe('the times the site gives of when its data was last updated', () => {
  it('move to the publishing of a revision that fetched nothing new', () => {
    // The pipeline changed, not the data fetched: generatedAt, the newest fetch, stays.
    const code = full.wards[0]?.code as string;
    const count = full.counts[0]?.[full.months.indexOf('2025-02')]?.[0] ?? 0;
    const revised = setCount(full, '2025-02', code, 0, count + 1);
    expect(revised.generatedAt).toBe(full.generatedAt);
    expect(updatedTimes(revised, publish(added, full, revised, REVISED))).toEqual(allAt(REVISED));
  });

  it('move to the publishing of a change of residents alone (reference data)', () => {
    const next = structuredClone(full);
    (next.wards[1] as SiteData['wards'][number]).population += 100;
    next.districtPopulation += 100;
    expect(updatedTimes(next, publish(added, full, next, REVISED))).toEqual(allAt(REVISED));
  });

  it('stay when a month fetched again is as it was (no log entry)', () => {
    const refetched = structuredClone(full);
    const FETCHED = '2026-12-01T06:17:00.000Z';
    for (const p of refetched.provenance) if (p.month === '2025-03') p.fetchedAt = FETCHED;
    refetched.generatedAt = FETCHED;
    // The commit step publishes nothing: only timestamps differ.
    expect(changeEntry(full, refetched)).toBeNull();
    expect(updatedTimes(refetched, added)).toEqual(allAt(ADDED));
  });

  it('are the data generatedAt before the first refresh', () => {
    expect(updatedTimes(full, EMPTY_CHANGE_LOG)).toEqual(allAt(full.generatedAt));
  });

  it('are the same on every build of the same files', () => {
    const log = publish(added, full, withoutMonth(full, '2024-03'), REVISED);
    expect(updatedTimes(full, log)).toEqual(updatedTimes(structuredClone(full), log));
  });
});
