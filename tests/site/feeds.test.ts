// The Atom feeds, built from real data: a change entry made by the pipeline's own
// changeEntry() from the committed site data with and without March 2025, and the ward feeds
// of the committed data. Parsed with a real XML parser (fast-xml-parser).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EMPTY_CHANGE_LOG } from '../../src/shared/change-log.ts';
import { atomFeed } from '../../src/lib/atom.ts';
import { changesFeed, wardFeed } from '../../src/lib/feeds.ts';
import { changeEntry, recordChange } from '../../pipeline/provenance.ts';
import { committedSiteData, totalOf, withoutMonth } from '../support/site-data.ts';

const full = committedSiteData();

beforeAll(() => {
  vi.stubEnv('SITE', 'https://example.test');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

interface Parsed {
  feed: {
    id: string;
    title: string;
    updated: string;
    author: { name: string };
    link: { '@_rel': string; '@_href': string }[];
    entry?: { id: string; title: string; updated: string; summary: { '#text': string } }[];
  };
}

function parseAtom(xml: string): Parsed {
  expect(XMLValidator.validate(xml)).toBe(true);
  return new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === 'entry' || name === 'link',
  }).parse(xml) as Parsed;
}

describe('changesFeed(log, data)', () => {
  it('has one entry per refresh, with the months added and their figures', () => {
    const entry = changeEntry(withoutMonth(full, '2025-03'), full);
    expect(entry).not.toBeNull();
    const log = recordChange(EMPTY_CHANGE_LOG, entry!);
    const { feed } = parseAtom(atomFeed(changesFeed(log, full)));
    expect(feed.id).toBe('https://example.test/feed.xml');
    expect(feed.author.name).toBeTruthy();
    expect(feed.link.find((l) => l['@_rel'] === 'self')?.['@_href']).toBe(feed.id);
    expect(feed.updated).toBe(entry!.refreshedAt);
    expect(feed.entry).toHaveLength(1);
    const [first] = feed.entry ?? [];
    expect(first?.title).toContain('March 2025');
    expect(first?.summary['#text']).toContain(
      `Added March 2025: ${totalOf(full, '2025-03').toLocaleString('en-GB')} crimes`,
    );
  });

  it('is a valid feed with no entries before the first refresh', () => {
    const { feed } = parseAtom(atomFeed(changesFeed(EMPTY_CHANGE_LOG, full)));
    expect(feed.entry).toBeUndefined();
    expect(feed.updated).toBe(full.generatedAt);
  });
});

describe('wardFeed(data, index)', () => {
  it("gives every ward its latest month's total, and escapes names with '&'", () => {
    const latest = full.months.at(-1) as string;
    const m = full.months.indexOf(latest);
    full.wards.forEach((ward, w) => {
      const xml = atomFeed(wardFeed(full, w));
      const { feed } = parseAtom(xml);
      const total = (full.counts[w]?.[m] ?? []).reduce((a, b) => a + b, 0);
      expect(feed.entry?.[0]?.title).toBe(
        `${ward.name}, March 2025: ${total.toLocaleString('en-GB')} crimes`,
      );
      if (ward.name.includes('&')) expect(xml).toContain(ward.name.replaceAll('&', '&amp;'));
    });
  });
});
