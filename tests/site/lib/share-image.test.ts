// The share cards' drawing (src/lib/share-image.ts), for every ward and year of the committed
// data: the headline count stays the most legible line, and no line of figures runs into the
// next or into the source line at the foot.
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import {
  renderShareImage,
  shareCardSvg,
  shareCredits,
  type ShareCard,
} from '../../../src/lib/share-image.ts';
import { AREA_LICENCE, AREA_WORDS } from '../../../src/lib/area.ts';
import { pngChunks, pngTexts } from '../../support/png-chunks.ts';
import { boundariesAttribution } from '../../../src/shared/open-data.ts';
import { shareAlt, wardShareCard, yearShareCard } from '../../../src/lib/share-cards.ts';
import {
  CENTRE_WARD_SHARE,
  latestTwelveMonths,
  wardRows,
  yearsWithData,
} from '../../../src/lib/figures.ts';
import { ordinal } from '../../../src/lib/format.ts';
import { committedSiteData, setCount } from '../../support/site-data.ts';
import { exactTwoSidedPValue } from '../../support/exact-binomial.ts';
import type { SiteData } from '../../../src/shared/schema.ts';

const data = committedSiteData();
const credits = shareCredits(AREA_WORDS.boundariesYear);
const cards: ShareCard[] = [
  ...data.wards.map((_, w) => wardShareCard(data, w)),
  ...yearsWithData(data).map((y) => yearShareCard(data, y)),
];

/** The card's texts in drawing order, with their size and baseline. */
function texts(card: ShareCard) {
  return parse(shareCardSvg(card))
    .querySelectorAll('text')
    .map((t) => ({
      text: t.text,
      size: Number(t.getAttribute('font-size')),
      y: Number(t.getAttribute('y')),
      bold: t.getAttribute('font-weight') === 'bold',
    }));
}

describe('shareCardSvg(card)', () => {
  it('draws every figure, the headline count first and never smaller than 28 px', () => {
    for (const card of cards) {
      const drawn = texts(card);
      // The figures are what lies between the title and the credits at the foot.
      const figures = drawn.filter((t) => t.y >= 330).slice(0, -credits.length);
      expect(figures.map((t) => t.text).join(' '), card.title).toBe(card.lines.join(' '));
      for (const t of figures)
        expect(t.size, `${card.title}: ${t.text}`).toBeGreaterThanOrEqual(28);
      expect(figures[0]?.bold, card.title).toBe(true);
    }
  });

  it('keeps each line of figures clear of the next and of the credits', () => {
    for (const card of cards) {
      const drawn = texts(card).filter((t) => t.y >= 330);
      for (let i = 1; i < drawn.length; i++) {
        const above = drawn[i - 1]!;
        const line = drawn[i]!;
        expect(line.y - above.y, `${card.title}: ${line.text}`).toBeGreaterThanOrEqual(line.size);
      }
      expect(
        drawn.slice(-credits.length).map((t) => t.text),
        card.title,
      ).toEqual(credits);
    }
  });

  it("credits its sources at its foot, the boundaries with Ordnance Survey's notice of their year", () => {
    // The footer's notice of the boundaries (BaseLayout), whose year the area's config gives.
    const notice = /Contains OS data © Crown copyright and database right \d{4}\./.exec(
      boundariesAttribution(AREA_WORDS.boundariesYear),
    )?.[0];
    expect(notice).toContain(String(AREA_WORDS.boundariesYear));
    for (const card of cards) {
      const foot = texts(card).slice(-credits.length);
      const said = foot.map((t) => t.text).join(' ');
      expect(said, card.title).toContain(notice);
      for (const source of [
        'police.uk',
        'Office for National Statistics',
        'Census 2021 population',
      ]) {
        expect(said, card.title).toContain(source);
      }
      expect(said, card.title).toContain('Open Government Licence v3.0');
      for (const t of foot) {
        // Within the image at the widest glyphs DejaVu Sans draws for this text (0.6 em).
        expect(40 + t.text.length * t.size * 0.6, t.text).toBeLessThanOrEqual(1200);
        expect(t.size, t.text).toBeGreaterThanOrEqual(16);
      }
    }
  });

  it("keeps the outline above the credits' first line", () => {
    for (const card of cards) {
      const svg = parse(shareCardSvg(card));
      const outline = svg
        .querySelectorAll('svg')
        .find((s) => s.getAttribute('viewBox') === card.outline.viewBox);
      const bottom = Number(outline?.getAttribute('y')) + Number(outline?.getAttribute('height'));
      const first = texts(card).at(-credits.length)!;
      expect(bottom, card.title).toBeLessThanOrEqual(first.y - first.size);
    }
  });
});

describe('yearShareCard(data, year)', () => {
  /** All of Leeds in `month`, summed from the raw counts. */
  const monthSum = (d: SiteData, month: string) =>
    d.counts
      .flatMap((byMonth) => byMonth[d.months.indexOf(month)] ?? [])
      .reduce((a, b) => a + b, 0);
  /** A change as the year page prints it: signed (a true minus), one decimal at most. */
  const percent = (now: number, before: number) => {
    const p = ((now - before) / before) * 100;
    const digits = Math.abs(p).toLocaleString('en-GB', { maximumFractionDigits: 1 });
    return `${p > 0 ? '+' : '−'}${digits}%`;
  };

  it('names the months its change compares, not "the same months" of a year without them', () => {
    // 2025 has data for February and March; 2024 for March only: March against March.
    const card = yearShareCard(data, 2025);
    expect(card.lines[2]).toMatch(/^Mar 2025 against Mar 2024: /);
    expect(card.lines.join(' ')).not.toContain('same months');
  });

  it('says in the words of the year page, mid-sentence in its alt text, that it has no change', () => {
    // The committed data's only month of 2024 is March, and it has no month of 2023.
    expect(data.months.filter((m) => m.startsWith('2024'))).toEqual(['2024-03']);
    expect(data.months.some((m) => m.startsWith('2023'))).toBe(false);
    const card = yearShareCard(data, 2024);
    expect(card.lines[2]).toBe('no month of 2024 has data for 2023 too');
    expect(shareAlt(card)).toBe(
      `Leeds in 2024: ${card.lines[0]}; ${card.lines[1]}; no month of 2024 has data for 2023 too.`,
    );
  });

  it('names both sides of its change after a total over more months, as the year page does', () => {
    const now = monthSum(data, '2025-03');
    const before = monthSum(data, '2024-03');
    // The committed March totals are within what chance gives: the percentage, plainly.
    expect(exactTwoSidedPValue(now, before)).toBeGreaterThanOrEqual(0.05);
    const card = yearShareCard(data, 2025);
    expect(card.lines[0]).toMatch(/, Feb–Mar 2025$/);
    expect(card.lines[2]).toBe(
      `Mar 2025 against Mar 2024: ${percent(now, before)}, within normal variation`,
    );
    expect(shareAlt(card)).toContain(
      `Feb–Mar 2025; ${card.lines[1]}; Mar 2025 against Mar 2024: ${percent(now, before)}`,
    );
    expect(shareAlt(card)).not.toMatch(/ on Mar 2024/);
  });

  it('names both sides of a change larger than chance gives', () => {
    // 3,000 more crimes of the first type in the first ward in March 2025.
    const ward = data.wards[0]!;
    const m = data.months.indexOf('2025-03');
    const more = setCount(data, '2025-03', ward.code, 0, (data.counts[0]![m]![0] ?? 0) + 3000);
    const now = monthSum(more, '2025-03');
    const before = monthSum(more, '2024-03');
    expect(now).toBe(monthSum(data, '2025-03') + 3000);
    expect(exactTwoSidedPValue(now, before)).toBeLessThan(0.05);
    expect(yearShareCard(more, 2025).lines[2]).toBe(
      `Mar 2025 against Mar 2024: ${percent(now, before)}, clearly higher`,
    );
  });
});

describe('wardShareCard(data, index)', () => {
  it("says beside a centre ward's rate that the centre inflates it, and only there", () => {
    const centreWards = data.wards.filter(
      (w) => w.cityCentreResidents / w.population >= CENTRE_WARD_SHARE,
    );
    expect(centreWards.length).toBeGreaterThan(0);
    data.wards.forEach((ward, w) => {
      const rateLine = wardShareCard(data, w).lines[1] ?? '';
      expect(rateLine, ward.name).toMatch(/per 1,000 residents/);
      expect(rateLine.endsWith(', inflated by the city centre'), ward.name).toBe(
        centreWards.includes(ward),
      );
    });
  });
});

describe('wardShareCard(data, index): its rank', () => {
  // Weetwood and Alwoodley given Harewood's crimes, month by month and type by type: three
  // wards share the last rank by count, as Harewood alone held it.
  const tied = structuredClone(data);
  const named = (name: string) => tied.wards.findIndex((w) => w.name === name);
  const [harewood, weetwood, alwoodley] = ['Harewood', 'Weetwood', 'Alwoodley'].map(named);
  for (const w of [weetwood, alwoodley]) tied.counts[w!] = structuredClone(tied.counts[harewood!]!);
  const rows = wardRows(tied, latestTwelveMonths(tied).withData);

  it('says a rank is shared, as the ward page does, and only then', () => {
    const sharing = rows.filter((r) => r.rank === rows[harewood!]!.rank);
    expect(sharing.map((r) => r.name).sort()).toEqual(['Alwoodley', 'Harewood', 'Weetwood']);
    tied.wards.forEach((ward, w) => {
      const rank = rows[w]!.rank;
      const shared = rows.filter((r) => r.rank === rank).length > 1;
      expect(wardShareCard(tied, w).lines[2], ward.name).toBe(
        `${ordinal(rank)}${shared ? ' (tied)' : ''} of ${tied.wards.length} wards by count`,
      );
    });
    expect(wardShareCard(tied, weetwood!).lines[2]).toBe('31st (tied) of 33 wards by count');
    expect(shareAlt(wardShareCard(tied, harewood!))).toContain('31st (tied) of 33 wards');
  });
});

describe('renderShareImage(card)', () => {
  it('draws a ward whose name holds markup and characters XML cannot hold', () => {
    const name = 'Park\x0b\x1b[2J </text><script>alert(1)</script> & "Hyde"';
    const wards = data.wards.map((ward, w) => (w === 0 ? { ...ward, name } : ward));
    const card = wardShareCard({ ...data, wards }, 0);
    expect(renderShareImage(card).subarray(1, 4).toString()).toBe('PNG');
    expect(shareCardSvg(card)).not.toMatch(/<script|<\/text><script/);
    expect(
      texts(card)
        .map((t) => t.text)
        .join(' '),
    ).toContain('Park\ufffd\ufffd[2J');
  });
});

describe('renderShareImage(card): the PNG file carries the licence and attribution', () => {
  it("holds, for every card, the data's full attribution and its licence in its Copyright text", () => {
    for (const card of cards) {
      const png = renderShareImage(card);
      // Still a whole PNG: every chunk's CRC, the header first, IEND last.
      const types = pngChunks(png).map((c) => c.type);
      expect([types[0], types.at(-1)], card.title).toEqual(['IHDR', 'IEND']);
      const copyright = pngTexts(png).get('Copyright') ?? '';
      expect(copyright, card.title).toContain('Crime records: police.uk (https://data.police.uk/)');
      for (const line of AREA_LICENCE.attribution) expect(copyright, card.title).toContain(line);
      expect(copyright, card.title).toContain(
        'Open Government Licence v3.0 (https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/)',
      );
    }
  });
});
