// The map island's figures for a view, worked out by its own hook (useFigures) on a district's
// committed map data, for the tests of the parts that show them (the tooltips, the ranking, the
// legend, a ward's details) without a browser.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parse, type HTMLElement } from 'node-html-parser';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { WardDetails, type WardDetailsProps } from '../../src/islands/WardDetails.tsx';
import { useFigures, type Figures } from '../../src/islands/use-figures.ts';
import { isCentreWard } from '../../src/lib/figures.ts';
import type { MapFilter } from '../../src/lib/map-filter.ts';
import { defaultState, type MapViewState } from '../../src/lib/map-state.ts';
import { CRIME_TYPES } from '../../src/shared/constants.ts';
import {
  decodeMapData,
  FLAG_CITY_CENTRE,
  NO_WARD,
  type MapData,
  type MapWard,
} from '../../src/shared/map-data.ts';

/** The committed map data of Leeds (public/) and of another district (its output folder). */
export const MAP_DATA_FILES = {
  leeds: 'public/data/map-data.bin.gz',
  sheffield: 'data/areas/sheffield/output/map-data.bin.gz',
} as const;

export function readMapData(district: keyof typeof MAP_DATA_FILES): MapData {
  return decodeMapData(new Uint8Array(gunzipSync(readFileSync(MAP_DATA_FILES[district]))));
}

/** The figures the island shows for the map's default view changed by `change`. */
export function figuresOf(data: MapData, change: Partial<MapViewState>): Figures {
  const state = { ...defaultState({ months: data.months, wards: data.wards }), ...change };
  let figures: Figures | undefined;
  function Probe() {
    figures = useFigures(data, state);
    return null;
  }
  renderToString(h(Probe, {}));
  if (figures === undefined) throw new Error('useFigures gave no figures');
  return figures;
}

/**
 * A district's wards with its quietest ward (fewest crimes in all the data) made a centre ward
 * (every resident the centre's), as a near-empty centre ward would be, and the centre wards
 * (isCentreWard) among them, its own and that one: some views count none of the quietest's
 * crimes.
 */
export function withQuietestAsCentre(data: MapData): { wards: MapWard[]; centre: number[] } {
  const totals = figuresOf(data, { view: 'wards' }).totals;
  const quietest = data.wards
    .map((_, i) => i)
    .reduce((min, i) => ((totals[i] ?? 0) < (totals[min] ?? 0) ? i : min));
  const wards = data.wards.map((w, i) =>
    i === quietest ? { ...w, cityCentreResidents: w.population } : w,
  );
  return { wards, centre: wards.flatMap((w, i) => (isCentreWard(w) ? [i] : [])) };
}

/**
 * The figures of each crime type alone in each month alone, with the type and month, for the
 * months with data (a month without data shows no figures at all); the rest of the view as the
 * default one changed by `change`.
 */
export function* singleTypeMonthViews(
  data: MapData,
  change: Partial<MapViewState> = {},
): Generator<{ type: string; month: string; figures: Figures }> {
  for (const type of CRIME_TYPES) {
    for (const month of data.months) {
      const figures = figuresOf(data, { ...change, types: [type], from: month, to: month });
      if (!figures.noData) yield { type, month, figures };
    }
  }
}

/** The months and types of a view (MapFilter's indexes), or every month and type. */
type View = Pick<MapFilter, 'types' | 'from' | 'to'>;

/**
 * The wards (indexes) some of whose crimes in `view`'s months and of its types (all of the
 * data's without one) are the centre's, read from the map data's own entries (not its per-ward
 * sums): a crime at a point flagged as the centre's lies in the ward. Leaving the centre out
 * changes their count over those months and of those types, and their rate.
 */
export function wardsWithCentreCrimes(data: MapData, view?: View): Set<number> {
  const types = view === undefined ? null : new Set(view.types);
  const from = data.monthStart[view?.from ?? 0] ?? 0;
  const to = data.monthStart[(view?.to ?? data.months.length - 1) + 1] ?? 0;
  const wards = new Set<number>();
  for (let e = from; e < to; e++) {
    if (types !== null && !types.has(data.entryType[e] ?? -1)) continue;
    const point = data.entryPoint[e] ?? 0;
    const ward = data.pointWard[point] ?? NO_WARD;
    if ((data.pointFlags[point] ?? 0) & FLAG_CITY_CENTRE && ward !== NO_WARD) wards.add(ward);
  }
  return wards;
}

/**
 * The wards (indexes) whose figures in `view` (all of the data without one) leaving the centre
 * out changes, their rate at least: some of their crimes there (wardsWithCentreCrimes) or some
 * of their residents are the centre's.
 */
export function wardsTheCentreChanges(data: MapData, view?: View): Set<number> {
  const changed = wardsWithCentreCrimes(data, view);
  data.wards.forEach((ward, i) => {
    if (ward.cityCentreResidents > 0) changed.add(i);
  });
  return changed;
}

/**
 * A ward's details as the island renders them, parsed: `props` the ward, its data and figures
 * (and the area, the window in words, ...), the rest as a test that does not look at them
 * gives them.
 */
export function renderedWardDetails(
  props: Pick<WardDetailsProps, 'data' | 'ward' | 'figures'> & Partial<WardDetailsProps>,
): HTMLElement {
  return parse(
    renderToString(
      h(WardDetails, {
        window: 'the window',
        range: 'the range',
        wardsBase: '/wards/',
        found: null,
        onClose: () => undefined,
        ...props,
      }),
    ),
  );
}
