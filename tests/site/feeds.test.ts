// The Atom feeds, built from real data: a change entry made by the pipeline's own
// changeEntry() from the committed site data with and without March 2025, and the ward feeds
// of the committed data. Parsed with a real XML parser (fast-xml-parser).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EMPTY_CHANGE_LOG, type ChangeEntry, type ChangeLog } from '../../src/shared/change-log.ts';
import { atomFeed } from '../../src/lib/atom.ts';
import { changesFeed, wardFeed } from '../../src/lib/feeds.ts';
import { changeEntry, recordChange } from '../../pipeline/provenance.ts';
import type { SiteData } from '../../src/shared/schema.ts';
import { AREA_LICENCE } from '../../src/lib/area.ts';
import {
  committedSiteData,
  fromSnapshot,
  setCount,
  totalOf,
  withoutMonth,
} from '../support/site-data.ts';

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
    rights: string;
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
      `Added March 2025: ${totalOf(full, '2025-03').toLocaleString('en-GB')} crimes and anti-social behaviour incidents`,
    );
  });

  it('gives refreshes that published data of the same generatedAt ids of their own, the first keeping its id', () => {
    const added = changeEntry(withoutMonth(full, '2025-03'), full)!;
    const first = parseAtom(atomFeed(changesFeed(recordChange(EMPTY_CHANGE_LOG, added), full)));
    const revised = setCount(full, '2025-02', full.wards[0]!.code, 0, 1);
    const log = recordChange(recordChange(EMPTY_CHANGE_LOG, added), changeEntry(full, revised)!);
    const { feed } = parseAtom(atomFeed(changesFeed(log, revised)));
    const ids = (feed.entry ?? []).map((e) => e.id);
    expect(ids).toEqual([`${first.feed.entry?.[0]?.id}-2`, first.feed.entry?.[0]?.id]);
  });

  it('says a refresh removed a month published before, never "no change"', () => {
    const next = withoutMonth(full, '2024-03');
    const log = recordChange(EMPTY_CHANGE_LOG, changeEntry(full, next)!);
    const [entry] = parseAtom(atomFeed(changesFeed(log, next))).feed.entry ?? [];
    expect(entry?.title).toBe('Data to March 2025: 1 removed');
    expect(entry?.summary['#text']).toBe('Removed March 2024: published before, not any more.');
  });

  it('says a refresh changed residents, and so rates, with each count before and after', () => {
    const next = structuredClone(full);
    const ward = next.wards[1]!;
    const before = ward.population;
    ward.population = before + 1234;
    next.districtPopulation += 1234;
    const log = recordChange(EMPTY_CHANGE_LOG, changeEntry(full, next)!);
    const [entry] = parseAtom(atomFeed(changesFeed(log, next))).feed.entry ?? [];
    expect(entry?.title).toBe('Data to March 2025: residents updated');
    const format = (n: number) => n.toLocaleString('en-GB');
    expect(entry?.summary['#text']).toBe(
      'Census 2021 residents changed with the reference data: ' +
        `Leeds ${format(full.districtPopulation)} to ${format(next.districtPopulation)}; ` +
        `${ward.name} ${format(before)} to ${format(before + 1234)}. Every rate per 1,000 ` +
        'residents of these was recalculated with them.',
    );
  });

  it('says a refresh changed the residents in the centre, never "no change"', () => {
    const next = structuredClone(full);
    const ward = next.wards.find((w) => w.cityCentreResidents > 0)!;
    const before = ward.cityCentreResidents;
    ward.cityCentreResidents = before + 250;
    const log = recordChange(EMPTY_CHANGE_LOG, changeEntry(full, next)!);
    const [entry] = parseAtom(atomFeed(changesFeed(log, next))).feed.entry ?? [];
    expect(entry?.title).toBe('Data to March 2025: residents updated');
    const format = (n: number) => n.toLocaleString('en-GB');
    expect(entry?.summary['#text']).toContain(
      `${ward.name} ${format(ward.population)} to ${format(ward.population)}, ` +
        `in the city centre ${format(before)} to ${format(before + 250)}`,
    );
  });

  it('says a refresh replaced a ward, with its residents, never "no change"', () => {
    const next = structuredClone(full);
    const ward = next.wards[0]!;
    const old = { ...ward };
    ward.code = 'E05099999';
    const log = recordChange(EMPTY_CHANGE_LOG, changeEntry(full, next)!);
    const [entry] = parseAtom(atomFeed(changesFeed(log, next))).feed.entry ?? [];
    expect(entry?.title).toMatch(/, residents updated$/);
    const format = (n: number) => n.toLocaleString('en-GB');
    expect(entry?.summary['#text']).toContain(
      `new ward ${ward.name} (E05099999) ${format(ward.population)}; ` +
        `ward gone ${old.name} (${old.code}) ${format(old.population)}`,
    );
  });

  it('is a valid feed with no entries before the first refresh', () => {
    const { feed } = parseAtom(atomFeed(changesFeed(EMPTY_CHANGE_LOG, full)));
    expect(feed.entry).toBeUndefined();
    expect(feed.updated).toBe(full.generatedAt);
  });
});

describe('wardFeed(data, log, index)', () => {
  it("gives every ward its latest month's total, and escapes names with '&'", () => {
    const latest = full.months.at(-1) as string;
    const m = full.months.indexOf(latest);
    full.wards.forEach((ward, w) => {
      const xml = atomFeed(wardFeed(full, EMPTY_CHANGE_LOG, w));
      const { feed } = parseAtom(xml);
      const total = (full.counts[w]?.[m] ?? []).reduce((a, b) => a + b, 0);
      expect(feed.entry?.[0]?.title).toBe(
        `${ward.name}, March 2025: ${total.toLocaleString('en-GB')} crimes and anti-social behaviour incidents`,
      );
      if (ward.name.includes('&')) expect(xml).toContain(ward.name.replaceAll('&', '&amp;'));
    });
  });

  it('gives every ward its total over the months with data of the 12 months to the latest', () => {
    // The committed data: March 2025 is the latest month; of the 12 months to it, February
    // and March 2025 have data.
    const window = ['2025-02', '2025-03'];
    expect(full.months.filter((m) => m > '2024-03')).toEqual(window);
    full.wards.forEach((ward, w) => {
      const total = window
        .flatMap((month) => full.counts[w]?.[full.months.indexOf(month)] ?? [])
        .reduce((a, b) => a + b, 0);
      const { feed } = parseAtom(atomFeed(wardFeed(full, EMPTY_CHANGE_LOG, w)));
      expect(feed.entry?.[0]?.summary['#text'], ward.name).toContain(
        `. ${total.toLocaleString('en-GB')} crimes and anti-social behaviour incidents over the ` +
          'months with data of the 12 months to March 2025 (Feb–Mar 2025).',
      );
    });
  });

  it('keeps a ward name with markup, quotes and characters XML cannot hold readable as XML', () => {
    const name = 'Park\x0b\x00 \x1b[2J <img src=x onerror=alert(1)> ]]> & "Hyde\ud800"';
    const wards = full.wards.map((ward, w) => (w === 0 ? { ...ward, name } : ward));
    const xml = atomFeed(wardFeed({ ...full, wards }, EMPTY_CHANGE_LOG, 0));
    // eslint-disable-next-line no-control-regex -- what XML 1.0 cannot hold
    expect(xml).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]|[\ud800-\udfff]/);
    expect(xml).not.toContain('<img');
    const shown = 'Park\ufffd\ufffd \ufffd[2J <img src=x onerror=alert(1)> ]]> & "Hyde\ufffd"';
    expect(parseAtom(xml).feed.title).toBe(`Crime in ${shown}, Leeds`);
  });

  /** `data` with ward `w`'s total in `month` set to `n` (all of it in the first type). */
  function withWardTotal(data: SiteData, month: string, w: number, n: number): SiteData {
    const code = data.wards[w]?.code as string;
    const m = data.months.indexOf(month);
    let out = data;
    (data.counts[w]?.[m] ?? []).forEach((_, t) => (out = setCount(out, month, code, t, 0)));
    return setCount(out, month, code, 0, n);
  }

  function wardSummary(now: number, before: number): string {
    const data = withWardTotal(withWardTotal(full, '2025-03', 0, now), '2024-03', 0, before);
    const { feed } = parseAtom(atomFeed(wardFeed(data, EMPTY_CHANGE_LOG, 0)));
    return feed.entry?.[0]?.summary['#text'] ?? '';
  }

  it('judges the change on the same month a year before against chance, as the pages do', () => {
    expect(wardSummary(200, 100)).toContain('March 2024: 100 (+100%, clearly higher).');
    expect(wardSummary(60, 100)).toContain('March 2024: 100 (−40%, clearly lower).');
    expect(wardSummary(105, 100)).toContain('March 2024: 100 (+5%, within normal variation).');
  });

  it('gives no percentage when the earlier count is too small for one to mean much', () => {
    const few = wardSummary(3, 1);
    expect(few).toContain('March 2024: 1 (too few to compare).');
    expect(few).not.toContain('%');
    // Larger than chance, yet still on too few for a percentage.
    const clear = wardSummary(40, 10);
    expect(clear).toContain('March 2024: 10 (clearly higher).');
    expect(clear).not.toContain('%');
  });

  it('says the earlier month has no data rather than comparing with zero', () => {
    const data = withoutMonth(full, '2024-03');
    const { feed } = parseAtom(atomFeed(wardFeed(data, EMPTY_CHANGE_LOG, 0)));
    expect(feed.entry?.[0]?.summary['#text']).toContain('March 2024 has no data to compare with.');
  });
});

describe('wardFeed(data, log, index): when its entry was updated', () => {
  const [first, second] = full.wards;
  if (first === undefined || second === undefined) throw new Error('Test data has no wards');
  /** The first build's log: March 2025 added, published at `ADDED`. */
  const ADDED = '2025-04-03T07:00:00.000Z';
  const added: ChangeEntry = {
    ...(changeEntry(withoutMonth(full, '2025-03'), full) as ChangeEntry),
    publishedAt: ADDED,
  };
  const start = recordChange(EMPTY_CHANGE_LOG, added);
  /**
   * `data` published over `before` by a refresh the commit step dated `publishedAt`, the log
   * after it; as the pipeline's changeEntry() records it.
   */
  const publish = (log: ChangeLog, before: SiteData, data: SiteData, publishedAt: string) =>
    recordChange(log, { ...(changeEntry(before, data) as ChangeEntry), publishedAt });
  const updated = (data: SiteData, log: ChangeLog, w: number) => {
    const { feed } = parseAtom(atomFeed(wardFeed(data, log, w)));
    expect(feed.entry?.[0]?.updated).toBe(feed.updated);
    return feed.updated;
  };
  /** February 2025 revised in the first ward alone: one more crime of the first type. */
  const count = full.counts[0]?.[full.months.indexOf('2025-02')]?.[0] ?? 0;
  const revised = setCount(full, '2025-02', first.code, 0, count + 1);

  it('moves for the ward whose figures a refresh that fetched nothing new revised, and no other', () => {
    // The pipeline changed, not the data fetched: generatedAt, the newest fetch, stays.
    expect(revised.generatedAt).toBe(full.generatedAt);
    const REVISED = '2025-05-10T07:00:00.000Z';
    const log = publish(start, full, revised, REVISED);
    expect(updated(full, start, 0)).toBe(ADDED);
    expect(updated(revised, log, 0)).toBe(REVISED);
    expect(updated(revised, log, 1)).toBe(ADDED);
  });

  it('stays for a ward whose figures a refresh that fetched a month again left as they were', () => {
    const refetched = fromSnapshot(revised, '2025-02', '2025-04.zip', '2025-05-09T06:17:00.000Z');
    refetched.generatedAt = '2025-05-09T06:17:00.000Z';
    const log = publish(start, full, refetched, '2025-05-09T07:00:00.000Z');
    expect(updated(refetched, log, 0)).toBe('2025-05-09T07:00:00.000Z');
    expect(updated(refetched, log, 1)).toBe(ADDED);
  });

  it('moves for every ward after an entry that does not name the wards it revised', () => {
    const log = publish(start, full, revised, '2025-05-10T07:00:00.000Z');
    const [entry] = log.entries;
    for (const r of entry?.revised ?? []) delete r.wards;
    expect(updated(revised, log, 1)).toBe('2025-05-10T07:00:00.000Z');
  });

  it('moves for every ward when a month is added, to the time it was published', () => {
    const log = publish(start, full, revised, '2025-05-10T07:00:00.000Z');
    const before = withoutMonth(revised, '2025-03');
    const again = recordChange(EMPTY_CHANGE_LOG, {
      ...(changeEntry(before, revised) as ChangeEntry),
      publishedAt: '2025-05-11T07:00:00.000Z',
    });
    expect(updated(revised, again, 1)).toBe('2025-05-11T07:00:00.000Z');
    expect(updated(revised, log, 1)).toBe(ADDED);
  });

  it('is the data generatedAt before the first refresh, and the same on every build', () => {
    expect(updated(full, EMPTY_CHANGE_LOG, 0)).toBe(full.generatedAt);
    const log = publish(start, full, revised, '2025-05-10T07:00:00.000Z');
    expect(atomFeed(wardFeed(revised, log, 0))).toBe(atomFeed(wardFeed(revised, log, 0)));
  });
});

describe('changesFeed(log, data): when each entry was published', () => {
  it('dates each entry, and the feed, by when the refresh published it', () => {
    const added = changeEntry(withoutMonth(full, '2025-03'), full) as ChangeEntry;
    // A refresh that fetched nothing new: its refreshedAt is the one before's.
    const revised = changeEntry(full, setCount(full, '2025-02', full.wards[0]!.code, 0, 0))!;
    const log = recordChange(
      recordChange(EMPTY_CHANGE_LOG, { ...added, publishedAt: '2025-04-03T07:00:00.000Z' }),
      { ...revised, publishedAt: '2025-05-10T07:00:00.000Z' },
    );
    const { feed } = parseAtom(atomFeed(changesFeed(log, full)));
    expect(feed.updated).toBe('2025-05-10T07:00:00.000Z');
    expect(feed.entry?.map((e) => e.updated)).toEqual([
      '2025-05-10T07:00:00.000Z',
      '2025-04-03T07:00:00.000Z',
    ]);
  });
});

describe('the feeds carry the licence and attribution of the data they give', () => {
  const entry = changeEntry(withoutMonth(full, '2025-03'), full);
  const log = recordChange(EMPTY_CHANGE_LOG, entry!);
  // Built in the tests, once the site's address is set.
  const feeds = () =>
    [
      ['the changes feed', atomFeed(changesFeed(log, full))],
      ...full.wards.map((w, i) => [`${w.name}'s feed`, atomFeed(wardFeed(full, log, i))]),
    ] as const;

  it("names the crime records' source and every other, as the data files do", () => {
    for (const [name, xml] of feeds()) {
      const { feed } = parseAtom(xml);
      expect(feed.rights, name).toContain('Crime records: police.uk (https://data.police.uk/)');
      for (const line of AREA_LICENCE.attribution) expect(feed.rights, name).toContain(line);
    }
  });

  it('links the licence (RFC 4946)', () => {
    for (const [name, xml] of feeds()) {
      const licences = parseAtom(xml).feed.link.filter((l) => l['@_rel'] === 'license');
      expect(
        licences.map((l) => l['@_href']),
        name,
      ).toEqual([AREA_LICENCE.path]);
    }
  });
});
