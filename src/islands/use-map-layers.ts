// The Leaflet map of the island: created once, then redrawn right after each render (before
// the browser paints), each layer only when what it shows has changed.
import {
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type MutableRef,
} from 'preact/hooks';
import type { FeatureCollection, Geometry } from 'geojson';
import type { MapData } from '../shared/map-data.ts';
import { formatRate } from '../lib/format.ts';
import { MAP_AREA, centreLeftOut, type MapArea } from '../lib/map-area.ts';
import { formatCount } from '../shared/format-count.ts';
import { pointTotals } from '../lib/map-filter.ts';
import { choroplethValues } from '../lib/map-scale.ts';
import { INTENSITY_DEFAULT, type MapViewState } from '../lib/map-state.ts';
import {
  MapLayers,
  sameViewport,
  type WardFeatureProperties,
  type WardStyle,
} from './map-layers.ts';
import { runStepsWhenIdle } from './idle-steps.ts';
import { rankInWords, type Figures } from './use-figures.ts';
import type { Commit } from './use-map-state.ts';
import { WARM_UP_ROUNDS } from './warm-up-rounds.ts';
import { errorMessage } from '../shared/error-message.ts';

/** Choropleth fill: opaque enough to read the colour, light enough to see streets below. */
const CHOROPLETH_OPACITY = 0.7;

export type WardShapes = FeatureCollection<Geometry, WardFeatureProperties>;

export interface MapLayersInput {
  container: MutableRef<HTMLDivElement | null>;
  root: MutableRef<HTMLDivElement | null>;
  data: MapData;
  shapes: WardShapes;
  state: MapViewState;
  stateRef: MutableRef<MapViewState>;
  figures: Figures;
  commit: Commit;
  /** A ward outline was clicked: select it (or, if selected, close it). */
  onWardClick(slug: string): void;
}

export interface MapLayersHandle {
  layers: MapLayers | null;
  tilesFailed: boolean;
  mapError: string | null;
}

/**
 * The tooltip of a ward: its name and figures (set as text, never as HTML), its count and its
 * rate whichever the measure, and the months of the window without data, which the figures
 * leave out (gaps, not zeros). With the centre left out, what that changes is named without it,
 * since the tooltip is read alone, away from the figures that say so: a ward some of whose
 * crimes in the view's months and of its types are the centre's (figures.countWithoutCentre)
 * by its name, for its count and rate ("Hunslet and Riverside without the city centre: ...");
 * one some of whose residents alone are (figures.rateWithoutCentre) by its rate ("Armley:
 * 1,234 crimes, 45.6 per 1,000 residents a year without the city centre"), its count being
 * the same either way. A ward the centre does not reach is named alone, as with the centre
 * in: "Wetherby without the city centre" would say Wetherby holds part of it. `area`: the
 * district's centre.
 */
export function wardLabel(
  data: MapData,
  figures: Figures,
  i: number,
  area: Pick<MapArea, 'centre'> = MAP_AREA,
): string {
  const w = data.wards[i];
  if (w === undefined) return '';
  if (figures.noTypes) return `${w.name}: no crime types chosen`;
  // Every month of the window is without data: gapMonths names them all.
  if (figures.noData) {
    return figures.gapMonths === ''
      ? `${w.name}: no data`
      : `${w.name}: no data for ${figures.gapMonths}`;
  }
  const centre = figures.filter.excludeCityCentre ? area.centre : null;
  // Nothing of it is left: no count of 0, no rank among the wards that are.
  if (figures.leftOut.has(i)) {
    return `${w.name}: wholly in the ${centre?.label ?? 'centre'}, which is left out`;
  }
  const count = figures.totals[i] ?? 0;
  const rate = figures.rates[i] ?? null;
  const rank = figures.rankOf.get(i) ?? null;
  const without = centreLeftOut(centre !== null, centre);
  // Named once: before the count, it holds for the rate too, whose crimes are the count's.
  const countChanged = figures.countWithoutCentre.has(i);
  const rateOnly = !countChanged && figures.rateWithoutCentre.has(i);
  return (
    `${w.name}${countChanged ? without : ''}: ${formatCount(count)} ${figures.noun}` +
    (rate === null ? '' : `, ${formatRate(rate)} ${figures.rateUnit}${rateOnly ? without : ''}`) +
    (rank === null ? '' : `; ${rankInWords(figures, rank, area.centre)}`) +
    (figures.gapMonths === '' ? '' : `; no data for ${figures.gapMonths} (gaps, not zeros)`)
  );
}

export function useMapLayers(input: MapLayersInput): MapLayersHandle {
  const { data, shapes, state, figures } = input;
  const [layers, setLayers] = useState<MapLayers | null>(null);
  const [tilesFailed, setTilesFailed] = useState(false);
  const [mapError, setMapError] = useState<string | null>(null);
  const live = useRef(input);
  live.current = input;
  const pointBuffer = useMemo(() => new Float64Array(data.pointCount), [data]);
  const updates = useRef(0);
  const wardIndex = useMemo(() => new Map(data.wards.map((w, i) => [w.slug, i])), [data]);

  useEffect(() => {
    const container = input.container.current;
    if (container === null) return undefined;
    let created: MapLayers | null = null;
    let cancelled = false;
    MapLayers.create(container, shapes, {
      wardLabel: (slug) => wardLabel(data, live.current.figures, wardIndex.get(slug) ?? -1),
      onWardClick: (slug) => live.current.onWardClick(slug),
      onTilesFailed: () => setTilesFailed(true),
      onMove(view, mode = 'step') {
        const { stateRef, commit, root } = live.current;
        root.current?.setAttribute('data-view', `${view.centre.join(',')},${view.zoom}`);
        const s = stateRef.current;
        const shown =
          s.centre === null || s.zoom === null
            ? created?.fittedView
            : { centre: s.centre, zoom: s.zoom };
        if (shown !== undefined && sameViewport(view, shown)) return;
        commit({ centre: view.centre, zoom: view.zoom }, mode);
      },
    }).then(
      (l) => {
        if (cancelled) l.destroy();
        else {
          created = l;
          const v = l.view();
          input.root.current?.setAttribute('data-view', `${v.centre.join(',')},${v.zoom}`);
          setLayers(l);
        }
      },
      (e: unknown) => setMapError(errorMessage(e)),
    );
    return () => {
      cancelled = true;
      created?.destroy();
    };
  }, [data, shapes]);

  const { view, intensity, threshold, ward, centre, zoom } = state;
  const { filter, scale, noData } = figures;

  useLayoutEffect(() => {
    if (layers === null) return;
    if (view !== 'heat' || noData) {
      layers.hideHeat();
      return;
    }
    const max = pointTotals(data, filter, pointBuffer);
    if (threshold > 1) {
      for (let p = 0; p < pointBuffer.length; p++) {
        if ((pointBuffer[p] ?? 0) < threshold) pointBuffer[p] = 0;
      }
    }
    // Each sensitivity step halves the count that saturates the colour scale; the default
    // saturates at half the busiest place.
    const saturation = max * 2 ** (INTENSITY_DEFAULT - 1 - intensity);
    layers.showHeat(data.pointLat, data.pointLon, pointBuffer, saturation);
  }, [layers, data, filter, view, intensity, threshold, noData, pointBuffer]);

  // Once the map is ready, a filter change's heaviest work (the points' totals and the heat
  // picture) is run again in idle time, WARM_UP_ROUNDS times: the browser compiles these loops
  // optimised only once they have run a few times, and until then the first changes a reader
  // made waited for it. The totals go into a buffer of their own; the picture is worked out in
  // the heat layer's drawing buffers, which every redraw works out afresh, and not drawn.
  // Only for the heatmap with data: the ward view runs neither.
  useEffect(() => {
    const { state: shownState, figures: shownFigures } = live.current;
    if (layers === null || shownState.view !== 'heat' || shownFigures.noData) return undefined;
    const totals = new Float64Array(data.pointCount);
    const round = () => {
      pointTotals(data, shownFigures.filter, totals);
      layers.warmHeat();
    };
    return runStepsWhenIdle(Array.from({ length: WARM_UP_ROUNDS }, () => round));
  }, [layers, data]);

  const wardFills = useMemo(() => {
    if (scale === null) return null;
    const fills = new Map<string, WardStyle>();
    const values = choroplethValues(state.measure, figures.totals, figures.rates, figures.leftOut);
    data.wards.forEach((w, i) => {
      // A ward without a rate, or left out whole with the centre, keeps no fill: the legend
      // says why.
      const colour = scale.colour(values[i] ?? null);
      if (colour !== null)
        fills.set(w.slug, { fillColor: colour, fillOpacity: CHOROPLETH_OPACITY });
    });
    return fills;
  }, [data, figures.totals, figures.rates, figures.leftOut, scale, state.measure]);

  useLayoutEffect(() => {
    layers?.styleWards(wardFills, ward);
  }, [layers, wardFills, ward]);

  useLayoutEffect(() => {
    layers?.setView(centre === null || zoom === null ? null : { centre, zoom });
  }, [layers, centre, zoom]);

  useLayoutEffect(() => {
    if (layers === null) return;
    layers.refreshTooltips();
    // Tests and the benchmark wait for this counter to know the map and figures are redrawn.
    updates.current += 1;
    input.root.current?.setAttribute('data-updates', String(updates.current));
  }, [layers, state]);

  return { layers, tilesFailed, mapError };
}
