// A ward's details with the centre left out, on the committed map data of Leeds and Sheffield:
// the count and the monthly trend of a ward some of whose crimes are the centre's, and the rate
// of one some of whose crimes or residents are, say that they leave the centre out ("Crimes and
// anti-social behaviour incidents without the city centre", "Rate without the city centre"),
// as its tooltip does; a figure the centre does not change reads as it does with the centre in
// (Armley's count: a few of its residents alone are the centre's), and Sheffield's City ward,
// wholly in the centre, still says it has no figures.
import { readFileSync } from 'node:fs';
import type { HTMLElement } from 'node-html-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Figures } from '../../../src/islands/use-figures.ts';
import { TREND_MONTHS } from '../../../src/islands/WardDetails.tsx';
import { capitalise } from '../../../src/lib/format.ts';
import type { MapArea } from '../../../src/lib/map-area.ts';
import type { MapViewState } from '../../../src/lib/map-state.ts';
import { CITY_CENTRE } from '../../../src/shared/map-data-encoder.ts';
import { decodeMapData, type MapData } from '../../../src/shared/map-data.ts';
import { encodeMapData } from '../../../src/shared/encode-map-data.ts';
import { monthRange } from '../../../src/shared/months.ts';
import { sampleSummaries } from '../../support/sample-summaries.ts';
import {
  figuresOf,
  readMapData,
  renderedWardDetails,
  singleTypeMonthViews,
  wardsTheCentreChanges,
  wardsWithCentreCrimes,
} from '../../support/map-figures.ts';

/** A district's name and its centre's label, from its area configuration. */
function areaOf(slug: string): Pick<MapArea, 'district' | 'centre'> {
  const area = JSON.parse(readFileSync(`data/areas/${slug}/area.json`, 'utf8')) as {
    localAuthority: { name: string };
    centre: { label: string };
  };
  return {
    district: area.localAuthority.name,
    centre: { label: area.centre.label, description: '' },
  };
}

const DISTRICTS = [
  ['leeds', readMapData('leeds'), areaOf('leeds')],
  ['sheffield', readMapData('sheffield'), areaOf('sheffield')],
] as const;

/** What the figures count, as each place names it: every type, and one type alone. */
const COUNTED: [string, Partial<MapViewState>][] = [
  ['Crimes and anti-social behaviour incidents', {}],
  ['Crimes', { types: ['Burglary'] }],
];

const text = (el: HTMLElement | null | undefined) => el?.text.replace(/\s+/g, ' ').trim() ?? null;
const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Ward `ward`'s details as rendered: the count's term and figure, the trend's caption and label. */
function detailsOf(
  data: MapData,
  figures: Figures,
  ward: number,
  area: Pick<MapArea, 'district' | 'centre'>,
) {
  const root = renderedWardDetails({ data, ward, figures, area });
  return {
    term: text(root.querySelector('#crime-map-ward-count')?.previousElementSibling),
    count: text(root.querySelector('#crime-map-ward-count')),
    rateTerm: text(root.querySelector('#crime-map-ward-rate')?.previousElementSibling),
    rate: text(root.querySelector('#crime-map-ward-rate')),
    caption: text(root.querySelector('p.crime-map__label')),
    chart: root.querySelector('svg[role="img"]')?.getAttribute('aria-label') ?? null,
    summaries: root.querySelectorAll('summary').map((s) => text(s)),
    leftOut: text(root.querySelector('#crime-map-ward-left-out')),
    rank: text(root.querySelector('#crime-map-ward-rank')),
  };
}

/**
 * The details' count and its table by type named by `named` (" without the city centre", or
 * ""), the trend's caption, chart and table by `trendNamed`; `noun` what they count.
 */
function expectNamed(
  details: ReturnType<typeof detailsOf>,
  at: string,
  {
    noun,
    ward,
    named,
    trendNamed,
  }: { noun: string; ward: string; named: string; trendNamed: string },
): void {
  expect(details.term, at).toBe(`${noun}${named}`);
  expect(details.caption, at).toMatch(new RegExp(`^${noun} per month${trendNamed}, \\d+ `));
  expect(details.chart, at).toMatch(
    new RegExp(`^${noun} per month in ${escaped(ward)}${trendNamed}, `),
  );
  expect(details.summaries, at).toEqual([`By crime type${named}`, `Monthly figures${trendNamed}`]);
}

/** The months and types of a ward's trend: the latest 24 months to the window's end, its types. */
const trendView = (figures: Figures) => ({
  types: figures.filter.types,
  from: Math.max(0, figures.filter.to - TREND_MONTHS + 1),
  to: figures.filter.to,
});

describe('WardDetails(props) with the centre left out, on the committed data', () => {
  it.each(COUNTED)(
    '%s: the count and trend of a ward with centre crimes, the rate of one with centre crimes or residents, say it is left out',
    (noun, change) => {
      for (const [slug, data, area] of DISTRICTS) {
        const out = figuresOf(data, { ...change, view: 'wards', excludeCityCentre: true });
        const inside = figuresOf(data, { ...change, view: 'wards' });
        // The count's months and types are the window's; the trend's types the same, its
        // months its own (trendView).
        const crimes = wardsWithCentreCrimes(data, out.filter);
        const changed = wardsTheCentreChanges(data, out.filter);
        const inTrend = wardsWithCentreCrimes(data, trendView(out));
        const without = ` without the ${area.centre!.label}`;
        const kinds = { crimes: 0, residents: 0, untouched: 0, wholly: 0, fewer: 0 };
        data.wards.forEach((w, i) => {
          const at = `${slug}: ${w.name}`;
          const details = detailsOf(data, out, i, area);
          if (out.leftOut.has(i)) {
            // Wholly in the centre: its own explanation, with no count or trend to name.
            expect(details.leftOut, at).toMatch(
              new RegExp(`^${escaped(w.name)} lies wholly in the ${area.centre!.label}, which is`),
            );
            expect(details.term, at).toBeNull();
            expect(details.chart, at).toBeNull();
            kinds.wholly += 1;
            return;
          }
          // The count, its trend and its tables leave out the centre's crimes; the rate leaves
          // out its crimes and its residents: read alone, either would pass for the ward's
          // whole one. A ward some of whose residents alone are the centre's (Leeds's Armley)
          // has the same count either way, and only its rate is named without it. The
          // district's rate beside the ward's is named so.
          const named = crimes.has(i) ? without : '';
          const trendNamed = inTrend.has(i) ? without : '';
          expect(details.rateTerm, at).toBe(`Rate${changed.has(i) ? without : ''}`);
          expect(details.rate, at).toMatch(
            new RegExp(` \\(${escaped(area.district)}${without}: [\\d.,]+\\)$`),
          );
          // Every ward's rank is among the wards' figures without the centre, whether or not
          // it reaches the ward: a rank read alone would pass for the ward's rank with it.
          expect(details.rank, at).toMatch(
            new RegExp(`^\\d+\\w\\w( \\(tied\\))? of \\d+ by count${without}( \\(|$)`),
          );
          expectNamed(details, at, { noun, ward: w.name, named, trendNamed });
          if (crimes.has(i)) {
            kinds.crimes += 1;
            if ((out.totals[i] ?? 0) < (inside.totals[i] ?? 0)) kinds.fewer += 1;
          } else {
            // The same count as with the centre in, so nothing to say of it.
            expect(out.totals[i], at).toBe(inside.totals[i]);
            if (changed.has(i)) kinds.residents += 1;
            else kinds.untouched += 1;
          }
        });
        expect(kinds.untouched, slug).toBeGreaterThan(0);
        // Leeds's centre reaches wards it holds in part, some of whose counts it lowers, and
        // others by a few residents alone; Sheffield's is its City ward, which it holds whole
        // and reaches no further.
        if (slug === 'leeds') {
          expect(kinds.wholly).toBe(0);
          expect(kinds.crimes).toBeGreaterThan(0);
          expect(kinds.fewer).toBeGreaterThan(0);
          expect(kinds.residents).toBeGreaterThan(0);
        } else {
          expect(kinds).toMatchObject({ wholly: 1, crimes: 0, residents: 0 });
        }
        // With the centre in, no ward's details name it.
        data.wards.forEach((w, i) => {
          const at = `${slug}: ${w.name}, centre in`;
          const details = detailsOf(data, inside, i, area);
          expect(details.term, at).toBe(noun);
          expect(details.rateTerm, at).toBe('Rate');
          expect(details.caption, at).toMatch(new RegExp(`^${noun} per month, \\d+ `));
          expect(details.chart, at).toMatch(
            new RegExp(`^${noun} per month in ${escaped(w.name)}, `),
          );
          expect(details.summaries, at).toEqual(['By crime type', 'Monthly figures']);
          expect(details.leftOut, at).toBeNull();
          expect(details.rank, at).toMatch(/^\d+\w\w( \(tied\))? of \d+ by count$/);
        });
      }
    },
  );
});

describe("WardDetails(props)'s rank with the centre left out", () => {
  it("names the area's own centre, whatever its label", () => {
    const data = readMapData('leeds');
    const figures = figuresOf(data, { view: 'wards', excludeCityCentre: true });
    for (const label of ['town centre', 'city centre']) {
      const area = { district: 'Leeds', centre: { label, description: '' } };
      for (const ward of [0, data.wards.length - 1]) {
        const { rank } = detailsOf(data, figures, ward, area);
        expect(rank, `${label}: ${data.wards[ward]!.name}`).toMatch(
          new RegExp(`^\\d+\\w\\w( \\(tied\\))? of \\d+ by count without the ${label}$`),
        );
      }
    }
  });
});

describe("WardDetails(props) with the centre left out, in each view's months and types", () => {
  it('names the count and its table by type without the centre by the window, and the trend and its table by its own months, each type alone in each month alone', () => {
    const [, data, area] = DISTRICTS[0];
    const without = ` without the ${area.centre!.label}`;
    // Each pair of (window, trend) named or not, a few wards of each: rendering every ward's
    // details in every view would take long, and each pair is its own case.
    const seen = new Map<string, number>();
    for (const { type, month, figures } of singleTypeMonthViews(data, {
      view: 'wards',
      excludeCityCentre: true,
    })) {
      const inWindow = wardsWithCentreCrimes(data, figures.filter);
      const inTrend = wardsWithCentreCrimes(data, trendView(figures));
      data.wards.forEach((w, i) => {
        const kind = `${inWindow.has(i)} ${inTrend.has(i)}`;
        if ((seen.get(kind) ?? 0) >= 8) return;
        seen.set(kind, (seen.get(kind) ?? 0) + 1);
        const at = `${type}, ${month}: ${w.name}`;
        const details = detailsOf(data, figures, i, area);
        const named = inWindow.has(i) ? without : '';
        const trendNamed = inTrend.has(i) ? without : '';
        const noun = capitalise(figures.noun);
        expectNamed(details, at, { noun, ward: w.name, named, trendNamed });
      });
    }
    // Centre crimes in both, in the trend's earlier months alone, and in neither (a ward the
    // centre does not reach); none in the trend alone but in the window, which it ends with.
    expect(seen.get('true true')).toBeGreaterThan(0);
    expect(seen.get('false true')).toBeGreaterThan(0);
    expect(seen.get('false false')).toBeGreaterThan(0);
    expect(seen.get('true false')).toBeUndefined();
  });
});

describe("WardDetails(props)'s trend with the centre left out, in a window longer than the trend", () => {
  /** The centre's crimes are in the first CENTRE_MONTHS months of `data` alone. */
  const CENTRE_MONTHS = 3;
  let data: MapData;
  beforeAll(async () => {
    const { summaries, wards } = await sampleSummaries();
    // Three years of the sample's months in turn, the centre's points kept in the first three.
    const months = monthRange('2021-01', '2023-12').map((month, m) => {
      const { points } = summaries[m % summaries.length]!;
      const kept = m < CENTRE_MONTHS ? points : points.filter((p) => !inCentre(p));
      return { month, points: kept };
    });
    data = decodeMapData(encodeMapData(months, wards));
  }, 60_000);

  const inCentre = (p: { postcodeDistrict: string }) => CITY_CENTRE.has(p.postcodeDistrict);

  it("names the window's count without the centre, and its trend only while the trend's months hold some of the ward's centre crimes", () => {
    const area = { district: 'Leeds', centre: { label: 'city centre', description: '' } };
    const without = ' without the city centre';
    const types = data.crimeTypes.map((_, t) => t);
    const centreWards = wardsWithCentreCrimes(data);
    // Its wards with centre crimes in the third month: the one the trend to month 26 still holds.
    const third = wardsWithCentreCrimes(data, { types, from: 2, to: 2 });
    expect(data.months).toHaveLength(36);
    expect(wardsWithCentreCrimes(data, { types, from: CENTRE_MONTHS, to: 35 }).size).toBe(0);
    expect(third.size).toBeGreaterThan(0);
    // The trend to the 26th month (index 25) starts at the third; to the 27th, at the fourth.
    for (const [to, trendNamed] of [
      [35, () => false],
      [26, () => false],
      [25, (i: number) => third.has(i)],
    ] as const) {
      const figures = figuresOf(data, {
        view: 'wards',
        excludeCityCentre: true,
        from: data.months[0]!,
        to: data.months[to]!,
      });
      let named = 0;
      data.wards.forEach((w, i) => {
        const at = `to ${data.months[to]}: ${w.name}`;
        const details = detailsOf(data, figures, i, area);
        expectNamed(details, at, {
          noun: capitalise(figures.noun),
          ward: w.name,
          named: centreWards.has(i) ? without : '',
          trendNamed: trendNamed(i) ? without : '',
        });
        if (trendNamed(i)) named += 1;
      });
      expect(named > 0, `to ${data.months[to]}`).toBe(to === 25);
    }
  });
});
