// A ward wholly in the centre (Sheffield's City ward, which is its centre) on the map with the
// centre left out: nothing of it is left, so it is neither counted as 0 nor ranked last, by
// count or by rate, and the ranking, the legend, its tooltip and its details say why. On the
// committed map data of Sheffield and of Leeds (whose centre holds no ward whole).
import { readFileSync } from 'node:fs';
import { parse } from 'node-html-parser';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it, vi } from 'vitest';
import { MapLegend } from '../../../src/islands/MapLegend.tsx';
import { WardDetails } from '../../../src/islands/WardDetails.tsx';
import { WardRanking } from '../../../src/islands/WardRanking.tsx';
import { rankInWords, type Figures } from '../../../src/islands/use-figures.ts';
import { wardLabel } from '../../../src/islands/use-map-layers.ts';
import { wardsWhollyInCentre } from '../../../src/lib/map-filter.ts';
import { choroplethValues } from '../../../src/lib/map-scale.ts';
import type { MapMeasure } from '../../../src/lib/map-state.ts';
import type { MapData } from '../../../src/shared/map-data.ts';
import { figuresOf, readMapData } from '../../support/map-figures.ts';
import { allText, listItems } from '../../support/vnode-text.ts';

// Leaflet needs a browser window; the tooltip's text and the legend need only the colours.
vi.mock('../../../src/islands/map-layers.ts', () => ({ HEAT_GRADIENT: { 1: '#000000' } }));

const sheffield = readMapData('sheffield');
const leeds = readMapData('leeds');
const area = JSON.parse(readFileSync('data/areas/sheffield/area.json', 'utf8')) as {
  localAuthority: { name: string };
  centre: { label: string; wards: string[] };
};
const SHEFFIELD = {
  district: area.localAuthority.name,
  centre: { label: area.centre.label, description: 'the City ward' },
};
/** The ward Sheffield's area.json makes its centre: its City ward. */
const city = sheffield.wards.findIndex((w) => area.centre.wards.includes(w.code));
const CITY = sheffield.wards[city]!;

const withoutCentre = (data: MapData, measure: MapMeasure) =>
  figuresOf(data, { view: 'wards', measure, excludeCityCentre: true });

/** The ranking as rendered, every ward shown: its rows' cells and its foot. */
function rankingOf(figures: Figures, data = sheffield, showAll = true) {
  const html = renderToString(
    h(WardRanking, {
      data,
      ranking: figures.ranking,
      rates: figures.rates,
      rateUnit: figures.rateUnit,
      noun: figures.noun,
      window: 'Jan 2024 – Apr 2024, all 4 months with data',
      without: `${SHEFFIELD.district} without the ${SHEFFIELD.centre.label}`,
      leftOut: figures.leftOut,
      centreLabel: SHEFFIELD.centre.label,
      measure: figures.measure,
      showAll,
      selected: null,
      onPick: () => undefined,
      onShowAll: () => undefined,
    }),
  );
  const table = parse(html).querySelector('table');
  return {
    rows: (table?.querySelectorAll('tbody tr') ?? []).map((tr) =>
      [...tr.querySelectorAll('td, th')].map((cell) => cell.text.trim()),
    ),
    foot: table?.querySelector('tfoot')?.text.trim() ?? null,
  };
}

describe('wardsWhollyInCentre(data)', () => {
  it("is Sheffield's City ward, every resident and crime of which is the centre's", () => {
    expect(CITY.name).toBe('City');
    expect(CITY.cityCentreResidents).toBe(CITY.population);
    expect(wardsWhollyInCentre(sheffield)).toEqual([city]);
  });

  it("is none of Leeds's wards: the most held by its centre keeps residents and crimes outside it", () => {
    expect(Math.max(...leeds.wards.map((w) => w.cityCentreResidents / w.population))).toBeLessThan(
      1,
    );
    expect(wardsWhollyInCentre(leeds)).toEqual([]);
  });
});

describe('the City ward with the centre left out', () => {
  it.each(['count', 'rate'] as const)(
    'by %s: has no value and no rank, after every ward ranked, which are ranked without it',
    (measure) => {
      const figures = withoutCentre(sheffield, measure);
      expect([...figures.leftOut]).toEqual([city]);
      expect(figures.rankOf.get(city)).toBeNull();
      expect(figures.ranking.at(-1)).toMatchObject({ ward: city, value: null, rank: null });
      const ranks = figures.ranking.slice(0, -1).map((r) => r.rank);
      expect(ranks.every((r) => r !== null)).toBe(true);
      // The last ward ranked is 27th, or shares a rank at most 27th: of 27, not 28.
      expect(Math.max(...ranks.map(Number))).toBeLessThanOrEqual(sheffield.wards.length - 1);
      const last = figures.ranking.at(-2)!;
      expect(rankInWords(figures, last.rank!, SHEFFIELD.centre)).toMatch(
        new RegExp(
          `of ${sheffield.wards.length - 1} by ${measure} without the city centre \\(1 ward wholly in the city centre not ranked\\)$`,
        ),
      );
    },
  );

  it.each(['count', 'rate'] as const)('by %s: takes no colour, not the colour of 0', (measure) => {
    const figures = withoutCentre(sheffield, measure);
    const values = choroplethValues(measure, figures.totals, figures.rates, figures.leftOut);
    expect(values[city]).toBeNull();
    expect(figures.scale?.colour(values[city] ?? null)).toBeNull();
    expect(figures.scale?.withoutValue).toBe(1);
    // No other ward of Sheffield is without crimes: no class of 0 is left in the legend.
    expect(figures.scale?.legend[0]?.from).toBeGreaterThan(0);
    const legend = MapLegend({
      view: 'wards',
      measure,
      scale: figures.scale,
      window: 'Jan 2024 – Apr 2024, all 4 months with data',
      range: 'Jan 2024 – Apr 2024',
      noData: false,
      noTypes: false,
      threshold: 1,
      rateUnit: figures.rateUnit,
      noun: figures.noun,
      centre: SHEFFIELD.centre,
      centreWards: [{ name: 'City', counted: true }],
      excludeCityCentre: true,
      leftOut: ['City'],
      district: SHEFFIELD.district,
      showNote: () => {},
    });
    const items = listItems(legend);
    expect(items).toContain('No colour: City, wholly in the city centre, which is left out');
    // Not said to be a ward without residents, which is what it is only with the centre out.
    expect(allText(legend)).not.toContain('no residents to divide by');
    expect(items).not.toContain('0');
  });

  it.each(['count', 'rate'] as const)(
    'by %s: its tooltip says it lies wholly in the centre, with no count of 0 and no rank',
    (measure) => {
      const figures = withoutCentre(sheffield, measure);
      expect(wardLabel(sheffield, figures, city, SHEFFIELD)).toBe(
        'City: wholly in the city centre, which is left out',
      );
    },
  );

  it.each(['count', 'rate'] as const)(
    'by %s: the whole ranking lists it last without a rank or a figure, and its foot says why',
    (measure) => {
      const { rows, foot } = rankingOf(withoutCentre(sheffield, measure));
      expect(rows).toHaveLength(sheffield.wards.length);
      expect(rows.at(-1)).toEqual(['–', 'City', 'n/a', 'n/a']);
      expect(rows.slice(0, -1).every(([rank]) => /^\d+$/.test(rank ?? ''))).toBe(true);
      expect(foot).toBe(
        'City is not ranked: it lies wholly in the city centre, which is left out.',
      );
      // The top 5 do not show it, nor the note about it.
      expect(rankingOf(withoutCentre(sheffield, measure), sheffield, false).foot).toBeNull();
    },
  );

  it('is counted and ranked as any ward while the centre is in', () => {
    const figures = figuresOf(sheffield, { view: 'wards', measure: 'count' });
    expect(figures.leftOut.size).toBe(0);
    expect(figures.totals[city]).toBeGreaterThan(0);
    expect(figures.rankOf.get(city)).toBe(1);
    expect(wardLabel(sheffield, figures, city, SHEFFIELD)).toMatch(/^City: [\d,]+ crimes and /);
    expect(rankingOf(figures).foot).toBeNull();
  });

  it('has details that say why it has no figures, with no trend of zeros', () => {
    const html = renderToString(
      h(WardDetails, {
        data: sheffield,
        ward: city,
        figures: withoutCentre(sheffield, 'count'),
        window: 'Jan 2024 – Apr 2024, all 4 months with data',
        range: 'Jan 2024 – Apr 2024',
        wardsBase: '/wards/',
        found: null,
        onClose: () => undefined,
      }),
    );
    const details = parse(html);
    expect(details.querySelector('#crime-map-ward-left-out')?.text.replace(/\s+/g, ' ')).toBe(
      'City lies wholly in the city centre, which is left out: none of its crimes or residents ' +
        'are counted, so it has no figures and no rank here. “Exclude city centre” off shows them.',
    );
    expect(details.querySelector('dl')).toBeNull();
    expect(details.querySelector('svg')).toBeNull();
    expect(details.querySelector('a.crime-map__report-link')?.text).toBe(
      'Read the City ward report',
    );
    // With the centre in, the same details give its figures and its trend.
    const withCentre = parse(
      renderToString(
        h(WardDetails, {
          data: sheffield,
          ward: city,
          figures: figuresOf(sheffield, { view: 'wards' }),
          window: 'Jan 2024 – Apr 2024, all 4 months with data',
          range: 'Jan 2024 – Apr 2024',
          wardsBase: '/wards/',
          found: null,
          onClose: () => undefined,
        }),
      ),
    );
    expect(withCentre.querySelector('#crime-map-ward-left-out')).toBeNull();
    expect(withCentre.querySelector('dl')).not.toBeNull();
    expect(withCentre.querySelector('svg')).not.toBeNull();
  });
});

describe("Leeds's wards with the centre left out", () => {
  it.each(['count', 'rate'] as const)('by %s: every one keeps its figures and rank', (measure) => {
    const figures = withoutCentre(leeds, measure);
    expect(figures.leftOut.size).toBe(0);
    expect(figures.ranking.every((r) => r.rank !== null)).toBe(true);
    expect(figures.scale?.withoutValue).toBe(0);
    expect(rankingOf(figures, leeds).foot).toBeNull();
  });
});
