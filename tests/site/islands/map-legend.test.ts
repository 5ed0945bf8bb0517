// The map legend's rate caveat names the area's own centre, and is left out for an area
// without one. MapLegend uses no hooks, so calling it gives its element tree to read.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { isCentreWard } from '../../../src/lib/figures.ts';
import {
  centreWardsInView,
  MapLegend,
  type CentreWardInView,
  type MapLegendProps,
} from '../../../src/islands/MapLegend.tsx';
import { LEEDS_MAP_AREA } from '../../../src/lib/map-area.ts';
import { RESIDENTS_SOURCE } from '../../../src/shared/rates.ts';
import { choroplethScale } from '../../../src/lib/map-scale.ts';
import { allText, listItems, textOf } from '../../support/vnode-text.ts';
import {
  figuresOf,
  readMapData,
  singleTypeMonthViews,
  withQuietestAsCentre,
} from '../../support/map-figures.ts';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// map-layers.ts loads Leaflet, which needs a browser window; the legend only takes the heat
// colours from it, which the rate caveat does not use.
vi.mock('../../../src/islands/map-layers.ts', () => ({ HEAT_GRADIENT: { 1: '#000000' } }));

/**
 * The wards whose rates the centre inflates, in a district's committed site data, each as a
 * view that counts some of its crimes has it.
 */
function centreWardsOf(siteData: string): CentreWardInView[] {
  const { wards } = JSON.parse(readFileSync(new URL(siteData, import.meta.url), 'utf8')) as {
    wards: { name: string; population: number; cityCentreResidents: number }[];
  };
  return wards.filter(isCentreWard).map((ward) => ({ name: ward.name, counted: true }));
}
const LEEDS_CENTRE_WARDS = centreWardsOf('../../../src/data/site-data.json');
const SHEFFIELD_CENTRE_WARDS = centreWardsOf('../../../data/areas/sheffield/output/site-data.json');

const RATE_LEGEND: MapLegendProps = {
  view: 'wards',
  measure: 'rate',
  scale: null,
  window: 'Mar 2024 – Mar 2025 (3 months with data)',
  noData: false,
  noTypes: false,
  threshold: 1,
  rateUnit: 'per 1,000 residents over 3 months',
  range: 'Mar 2024 – Mar 2025',
  noun: 'crimes',
  centre: LEEDS_MAP_AREA.centre,
  centreWards: LEEDS_CENTRE_WARDS,
  excludeCityCentre: false,
  leftOut: [],
  district: 'Leeds',
  showNote: () => {},
};

const caveat = (props: MapLegendProps) => textOf(MapLegend(props), 'crime-map-rate-caveat');

describe('MapLegend(props) rate caveat', () => {
  it("names the area's centre", () => {
    const sheffield = {
      label: 'city centre',
      description: 'postcode districts S1 and S3',
    };
    expect(caveat({ ...RATE_LEGEND, centre: sheffield })).toMatch(
      /go out in the city centre \(postcode districts S1 and S3\) than live there/,
    );
    expect(caveat(RATE_LEGEND)).toMatch(
      /go out in the city centre \(postcode districts LS1 and LS2\) than live there/,
    );
  });

  it('names the residents the rates divide by, with a centre or without one', () => {
    const residents = `Rates divide by residents (${RESIDENTS_SOURCE})`;
    expect(caveat(RATE_LEGEND)).toMatch(new RegExp(`^${escape(residents)}\\. Far more people`));
    expect(caveat({ ...RATE_LEGEND, centre: null })).toBe(`${residents}.`);
  });

  it("says the centre's residents leave the rates with its crimes when it is left out, not that its rates are inflated", () => {
    const text = caveat({ ...RATE_LEGEND, excludeCityCentre: true });
    expect(text).toBe(
      `Rates divide by residents (${RESIDENTS_SOURCE}), without the city centre's residents ` +
        '(postcode districts LS1 and LS2), whose crimes are left out too.',
    );
    expect(text).not.toContain('inflated');
  });

  it("says Sheffield's one centre ward's rate is inflated, by its name, not its wards' rates", () => {
    // Sheffield's centre is the City ward (area.json centre.wards); src/lib/area.ts describes it.
    expect(SHEFFIELD_CENTRE_WARDS).toEqual([{ name: 'City', counted: true }]);
    const text = caveat({
      ...RATE_LEGEND,
      centre: { label: 'city centre', description: 'the City ward' },
      centreWards: SHEFFIELD_CENTRE_WARDS,
      district: 'Sheffield',
    });
    expect(text).toContain(
      "than live there, so the City ward's rate is inflated: crimes per resident, not the risk",
    );
    expect(text).not.toMatch(/wards'|rates are/);
  });

  it("says Leeds's several centre wards' rates are inflated", () => {
    expect(LEEDS_CENTRE_WARDS.length).toBeGreaterThan(1);
    expect(caveat(RATE_LEGEND)).toContain(
      "than live there, so its wards' rates are inflated: crimes per resident",
    );
  });

  it('says the rates of the wards the centre lies in are inflated when none has many of its residents', () => {
    expect(caveat({ ...RATE_LEGEND, centreWards: [] })).toContain(
      'than live there, so the rates of the wards it lies in are inflated:',
    );
  });

  it('names only the centre wards whose crimes the view counts: a rate of 0 is not inflated', () => {
    expect(LEEDS_CENTRE_WARDS.length).toBeGreaterThan(1);
    for (const quiet of LEEDS_CENTRE_WARDS) {
      const wards = LEEDS_CENTRE_WARDS.map((w) => ({ ...w, counted: w !== quiet }));
      const counted = wards.filter((w) => w.counted);
      const text = caveat({ ...RATE_LEGEND, centreWards: wards });
      expect(text).toContain(
        counted.length === 1
          ? `than live there, so the ${counted[0]!.name} ward's rate is inflated:`
          : "than live there, so its wards' rates are inflated:",
      );
      expect(text).not.toContain(`the ${quiet.name} ward`);
    }
  });

  it("says nothing of the centre when the view counts none of its wards' crimes", () => {
    for (const centreWards of [LEEDS_CENTRE_WARDS, SHEFFIELD_CENTRE_WARDS]) {
      const quiet = centreWards.map((w) => ({ ...w, counted: false }));
      expect(caveat({ ...RATE_LEGEND, centreWards: quiet })).toBe(
        `Rates divide by residents (${RESIDENTS_SOURCE}).`,
      );
    }
  });

  it('names the counted centre wards, not "its wards", when some of three or more are quiet', () => {
    const wards = [
      { name: 'Castle', counted: true },
      { name: 'Market', counted: false },
      { name: 'Riverside', counted: true },
    ];
    const text = caveat({ ...RATE_LEGEND, centreWards: wards });
    expect(text).toContain(
      'than live there, so the rates of Castle and Riverside are inflated: crimes per resident',
    );
    expect(text).not.toMatch(/Market|its wards'/);
    expect(
      caveat({ ...RATE_LEGEND, centreWards: wards.map((w) => ({ ...w, counted: true })) }),
    ).toContain("than live there, so its wards' rates are inflated:");
  });

  it('is left out for counts', () => {
    expect(caveat({ ...RATE_LEGEND, measure: 'count' })).toBeNull();
    expect(caveat({ ...RATE_LEGEND, measure: 'count', centre: null })).toBeNull();
  });
});

describe('MapLegend(props) wording', () => {
  it('names a window without data once, by its months', () => {
    const text = allText(
      MapLegend({
        ...RATE_LEGEND,
        noData: true,
        window: 'Jul 2024 – Jan 2025, no data',
        range: 'Jul 2024 – Jan 2025',
      }),
    );
    expect(text).toBe('No data for Jul 2024 – Jan 2025');
  });

  it('says no crime type is chosen, rather than naming a window without data', () => {
    const text = allText(MapLegend({ ...RATE_LEGEND, noData: true, noTypes: true }));
    expect(text).toBe('No crime types chosen');
  });

  it("says the heat colours follow the district's busiest place, not the view", () => {
    const text = allText(MapLegend({ ...RATE_LEGEND, view: 'heat', district: 'Sheffield' }));
    expect(text).toContain('Relative to the busiest place in Sheffield');
    expect(text).not.toContain('in view');
  });

  it('names what the heat threshold counts, as the chosen types do', () => {
    const noun = 'anti-social behaviour incidents';
    const text = allText(MapLegend({ ...RATE_LEGEND, view: 'heat', threshold: 5, noun }));
    expect(text).toContain(`Places with under 5 ${noun} are hidden.`);
    expect(text).toContain(`top colour with fewer ${noun}`);
    expect(text).not.toMatch(/\bcrimes\b/);
  });
});

describe('MapLegend(props) wards without a rate', () => {
  it('says what a ward without a colour is, when a ward has no rate', () => {
    // Sheffield with its centre (the City ward) left out: the City ward has no residents.
    const scale = choroplethScale([null, 12.3, 18.4, 25.1, 30.2, 41, 60.6], 0.1);
    const text = allText(MapLegend({ ...RATE_LEGEND, scale, excludeCityCentre: true }));
    expect(text).toContain('No colour: no rate, no residents to divide by');
    // The classes are of the rates there are: the first starts at the smallest, none at 0.0.
    expect(text).toMatch(/(^|[^\d.])12\.3 to/);
    expect(text).not.toMatch(/(^|[^\d.])0\.0 to/);
  });

  it('has no such line when every ward has a rate', () => {
    const scale = choroplethScale([12.3, 18.4, 25.1, 30.2, 41, 60.6], 0.1);
    expect(allText(MapLegend({ ...RATE_LEGEND, scale }))).not.toContain('No colour');
  });
});

describe('MapLegend(props) rate classes', () => {
  it('gives wards with none a line of their own, apart from rates printed "<0.1"', () => {
    // One crime type over one month: 1 crime among 25,000 residents is 0.04 per 1,000.
    const scale = choroplethScale([0, 0, 0, 0.04, 0.04, 0.2, 0.5, 1.2], 0.1);
    const items = listItems(MapLegend({ ...RATE_LEGEND, scale }));
    expect(items[0]).toBe('0.0');
    expect(items[1]).toBe('<0.1 to 0.1');
  });
});

describe('MapLegend(props) with the centre left out', () => {
  const SHEFFIELD = { label: 'city centre', description: 'the City ward' };
  /** The legend's title and the name its group is read out by. */
  const title = (props: MapLegendProps) => {
    const element = MapLegend(props);
    return { label: allText(element).split(', Mar 2024')[0], name: element.props['aria-label'] };
  };

  it('names the district without its centre in the title, by count, by rate and by heat', () => {
    for (const [district, centre] of [
      ['Leeds', LEEDS_MAP_AREA.centre],
      ['Sheffield', SHEFFIELD],
    ] as const) {
      const props = { ...RATE_LEGEND, district, centre, excludeCityCentre: true };
      const without = `${district} without the city centre`;
      expect(title({ ...props, measure: 'count' })).toEqual({
        label: `Crimes per ward, ${without}`,
        name: `Legend: crimes per ward, ${without}`,
      });
      expect(title(props)).toEqual({
        label: `Crimes per 1,000 residents over 3 months, ${without}`,
        name: `Legend: crimes per 1,000 residents over 3 months, ${without}`,
      });
      const heat = MapLegend({ ...props, view: 'heat' });
      expect(allText(heat)).toMatch(new RegExp(`^Density of crimes, ${without}, Mar 2024`));
      expect(heat.props['aria-label']).toBe(`Legend: density of crimes, ${without}`);
      // The heat colours are relative to the busiest place left in.
      expect(allText(heat)).toContain(`Relative to the busiest place in ${without} for`);
    }
  });

  it('names no centre while it is in', () => {
    for (const measure of ['count', 'rate'] as const) {
      expect(allText(MapLegend({ ...RATE_LEGEND, measure }))).not.toContain('without the');
    }
    expect(allText(MapLegend({ ...RATE_LEGEND, view: 'heat' }))).toContain(
      'Relative to the busiest place in Leeds for',
    );
  });
});

describe('centreWardsInView(wards, totals)', () => {
  it('counts every centre ward when no view counts anything (no month with data, no type)', () => {
    const data = readMapData('leeds');
    const centre = data.wards.filter(isCentreWard).map((w) => w.name);
    expect(centre.length).toBeGreaterThan(1);
    expect(centreWardsInView(data.wards, null)).toEqual(
      centre.map((name) => ({ name, counted: true })),
    );
    // Against the figures of no type chosen, which count nothing.
    const { totals, noData } = figuresOf(data, { types: [] });
    expect(noData).toBe(true);
    expect(centreWardsInView(data.wards, totals).every((w) => !w.counted)).toBe(true);
  });

  it.each(['leeds', 'sheffield'] as const)(
    '%s: counts a centre ward in a view just when the view counts some of its crimes, each type alone in each month alone',
    (district) => {
      const data = readMapData(district);
      // The district's own centre wards, and its quietest ward made one.
      const { wards, centre } = withQuietestAsCentre(data);
      expect(centre.length, district).toBeGreaterThan(1);
      const seen = { quiet: 0, counted: 0 };
      for (const { type, month, figures } of singleTypeMonthViews(data)) {
        const inView = centreWardsInView(wards, figures.totals);
        expect(inView.map((w) => w.name)).toEqual(centre.map((i) => wards[i]!.name));
        for (const [k, ward] of centre.entries()) {
          const counted = (figures.totals[ward] ?? 0) > 0;
          expect(inView[k]!.counted, `${district} ${type} ${month}`).toBe(counted);
          seen[counted ? 'counted' : 'quiet'] += 1;
        }
      }
      // Both kinds of view are met in each district's data.
      expect(seen.quiet, district).toBeGreaterThan(0);
      expect(seen.counted, district).toBeGreaterThan(0);
    },
  );
});
