// The map page's island: loads the compact map data and lays out the explorer: the map filling
// the screen, a side panel (a bottom sheet on a phone) with the search, filters, figures and
// ranking, the legend, and a ward's details over the map. The whole view lives in the URL.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { MapData } from '../shared/map-data.ts';
import { decodeMapData, gunzipIfNeeded } from '../shared/map-data.ts';
import { MAP_AREA, districtShown, withoutCentre } from '../lib/map-area.ts';
import { roundCentre, type StateContext } from '../lib/map-state.ts';
import { formatCount } from '../shared/format-count.ts';
import { describeWindow } from '../lib/map-rates.ts';
import { CrimeTypePicker } from './CrimeTypePicker.tsx';
import { MapControls } from './MapControls.tsx';
import { MapFigures } from './MapFigures.tsx';
import { MapArea, MapPanel } from './MapFrame.tsx';
import { MapLegend, centreWardsInView, heatCaveat, rateCaveat } from './MapLegend.tsx';
import { preloadHeatLayer } from './map-layers.ts';
import { monthRangeLabel } from './MonthRangeSlider.tsx';
import { PlaceSearch } from './PlaceSearch.tsx';
import { NO_TYPES, useFigures } from './use-figures.ts';
import { useMapLayers, type WardShapes } from './use-map-layers.ts';
import { useMapState } from './use-map-state.ts';
import { SILENT, say, statusText } from './status-line.ts';
import { useSheetBar } from './use-sheet-bar.ts';
import { useKeptFocus } from './use-kept-focus.ts';
import { WARD_HEADING_ID, useWardFocus } from './use-ward-focus.ts';
import { coverOf } from './ward-cover.ts';
import { WARD_DETAILS_ID } from './WardDetails.tsx';
import { useWardViews } from './use-ward-views.tsx';
import { useElement } from './use-same.ts';
import { errorMessage } from '../shared/error-message.ts';

/** The side panel layout; narrower screens get the bottom sheet, closed at first. */
const DESKTOP_QUERY = '(min-width: 1024px)';

export interface CrimeMapProps {
  /** URL of the gzipped map data (public/data/map-data.bin.gz). */
  dataUrl: string;
  /** URL of the simplified ward GeoJSON (public/data/wards.geojson). */
  wardShapesUrl: string;
  /** URL of the postcode index (public/data/postcodes.json), fetched on the first search. */
  postcodesUrl: string;
  /** Base URL of the ward reports, ending in "/": a ward's report is <wardsBase><slug>/. */
  wardsBase: string;
}

interface Loaded {
  data: MapData;
  shapes: WardShapes;
}

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return response;
}

async function load(props: CrimeMapProps): Promise<Loaded> {
  preloadHeatLayer();
  const [dataResponse, shapesResponse] = await Promise.all([
    fetchOk(props.dataUrl),
    fetchOk(props.wardShapesUrl),
  ]);
  const bytes = await gunzipIfNeeded(new Uint8Array(await dataResponse.arrayBuffer()));
  return { data: decodeMapData(bytes), shapes: (await shapesResponse.json()) as WardShapes };
}

export default function CrimeMap(props: CrimeMapProps) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState(SILENT);
  // One function for the island's life: the parts built once keep it.
  const announce = useMemo(() => (text: string) => setStatus((line) => say(line, text)), []);

  useEffect(() => {
    load(props).then(setLoaded, (e: unknown) => {
      setError(errorMessage(e));
    });
    // Loaded once; the URLs never change on a page.
  }, []);

  // Built once: an announcement changes the status line, not the view.
  const view = useMemo(
    () =>
      loaded !== null && (
        <MapView {...props} data={loaded.data} shapes={loaded.shapes} announce={announce} />
      ),
    [props, loaded, announce],
  );

  if (error !== null) {
    return (
      <p class="crime-map__error crime-map__load-error" role="alert">
        The map data could not be loaded ({error}). The ward and year reports below work without it.
      </p>
    );
  }
  // One status line from the first render, outside the filters (hidden while closed on a phone,
  // and under a ward's details): the load, then what the map says of its link and of a base map
  // that failed (MapArea), the figures after a change (MapFigures) and the place search's answer
  // (PlaceSearch). A screen reader reads out a change of a status it already knows; one line, so
  // one change is read once, and a text said again is read again (status-line.ts).
  return (
    <>
      <p
        class={loaded === null ? 'crime-map__loading' : 'visually-hidden'}
        role="status"
        aria-atomic="true"
        id="crime-map-status"
      >
        {loaded === null ? 'Loading the map data…' : statusText(status)}
      </p>
      {view}
    </>
  );
}

interface MapViewProps extends CrimeMapProps {
  data: MapData;
  shapes: WardShapes;
  /** Say a text in the island's status line. */
  announce(text: string): void;
}

function MapView({ data, shapes, wardsBase, postcodesUrl, announce }: MapViewProps) {
  const context: StateContext = useMemo(() => ({ months: data.months, wards: data.wards }), [data]);
  const rootRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<HTMLDivElement>(null);
  const { state, stateRef, commit, linkNotes, dismissLinkNotes } = useMapState(context, rootRef);
  const figures = useFigures(data, state);
  // Set once the map is there: brings a picked ward out from under its details.
  const revealRef = useRef<(slug: string) => void>(() => {});
  const wards = useWardFocus(commit, stateRef, mapRef, state.ward, (slug) =>
    revealRef.current(slug),
  );
  const { layers, tilesFailed, mapError } = useMapLayers({
    container: mapRef,
    root: rootRef,
    data,
    shapes,
    state,
    stateRef,
    figures,
    commit,
    onWardClick: wards.toggle,
  });
  revealRef.current = (slug) =>
    layers?.revealWard(slug, coverOf(document.getElementById(WARD_DETAILS_ID), mapRef.current));
  const wide = useMemo(() => window.matchMedia(DESKTOP_QUERY).matches, []);
  const [panelOpen, setPanelOpen] = useState(wide);
  const panelRef = useRef<HTMLElement>(null);
  useSheetBar(panelRef, panelOpen);

  const { filter, coverage, gapMonths, noData, scale } = figures;
  const rangeLabel = monthRangeLabel(data.months, filter.from, filter.to);
  const windowText = describeWindow(rangeLabel, coverage, gapMonths);

  // Parts that change with few of the state's values are built only when those change: an
  // unchanged element is skipped whole when the view is compared with the page (the search
  // never, the figures and legend on a change of filter, not on a pan or a ward picked).
  const typePicker = useElement(CrimeTypePicker, {
    selected: state.types,
    commit,
    initiallyOpen: wide,
  });
  // Where the search found a postcode: shown with its ward's details (and not under the search,
  // PlaceSearch) while they show it; once they close or show another ward, under the search
  // (withWard false), where the postcode typed still is, until the next search.
  const [found, setFound] = useState<{ ward: string; note: string; withWard: boolean } | null>(
    null,
  );
  useEffect(() => {
    if (found?.withWard === true && found.ward !== state.ward) {
      setFound({ ...found, withWard: false });
    }
  }, [found, state.ward]);
  const keptAnswer = found === null || found.withWard ? null : found.note;
  const search = useMemo(
    () => (
      <PlaceSearch
        data={data}
        postcodesUrl={postcodesUrl}
        announce={announce}
        keptAnswer={keptAnswer}
        onSearch={() => setFound(null)}
        onFound={(place) => {
          setFound(
            place.note === null ? null : { ward: place.ward, note: place.note, withWard: true },
          );
          wards.pick(
            place.ward,
            // Centred as the address keeps it, so that a load of the address shows this view.
            place.centre === null ? {} : { centre: roundCentre(place.centre), zoom: place.zoom },
          );
        }}
      />
    ),
    [data, postcodesUrl, wards, announce, keptAnswer],
  );
  const { types, excludeCityCentre, view, measure, threshold } = state;
  const figuresText = useElement(MapFigures, {
    data,
    types,
    excludeCityCentre,
    figures,
    rangeLabel,
    announce,
  });
  // The centre's wards, which the legend's rate caveat names when the view counts their crimes.
  const centreWards = useMemo(
    () => centreWardsInView(data.wards, figures.noData ? null : figures.totals),
    [data, figures.noData, figures.totals],
  );
  const rateNote = useMemo(
    () => rateCaveat(MAP_AREA.centre, excludeCityCentre, centreWards),
    [excludeCityCentre, centreWards],
  );
  const heatNote = useMemo(
    () => heatCaveat(districtShown(excludeCityCentre), figures.noun),
    [excludeCityCentre, figures.noun],
  );
  // The legend's links to the panel's notes: the panel opens if it was closed, then (once it
  // shows the note) focus goes to the note, which scrolls it into sight in the panel. A new
  // object each time, so a second follow of the same link moves focus again.
  const [noteShown, setNoteShown] = useState<{ id: string } | null>(null);
  const showNote = useCallback((id: string) => {
    setPanelOpen(true);
    setNoteShown({ id });
  }, []);
  useEffect(() => {
    if (noteShown !== null) document.getElementById(noteShown.id)?.focus();
  }, [noteShown]);
  const leftOut = useMemo(
    () => [...figures.leftOut].map((ward) => data.wards[ward]?.name ?? ''),
    [data, figures.leftOut],
  );
  const legend = useElement(MapLegend, {
    view,
    measure,
    scale,
    window: windowText,
    range: rangeLabel,
    noData,
    noTypes: figures.noTypes,
    threshold,
    rateUnit: figures.rateUnit,
    noun: figures.noun,
    centre: MAP_AREA.centre,
    centreWards,
    excludeCityCentre,
    leftOut,
    district: MAP_AREA.district,
    showNote,
  });
  const { ranking, details } = useWardViews({
    data,
    figures,
    state,
    wards,
    windowText,
    rangeLabel,
    wardsBase,
    found: found?.withWard === true && found.ward === state.ward ? found.note : null,
  });
  // After the ward's own focus (useWardFocus, above) and the ranking's (a child, run first). A
  // ward's details cover the filters in the narrow layout: a control there that a turn of the
  // screen hides gives focus to them.
  useKeptFocus(rootRef, mapRef, () => [document.getElementById(WARD_HEADING_ID)]);

  return (
    <div
      class="crime-map"
      ref={rootRef}
      data-ready={layers === null ? undefined : 'true'}
      data-panel={panelOpen ? 'open' : 'closed'}
    >
      <MapPanel
        panelRef={panelRef}
        open={panelOpen}
        onToggle={() => setPanelOpen(!panelOpen)}
        summary={
          figures.noTypes
            ? `${NO_TYPES}, ${rangeLabel}`
            : noData
              ? `No data, ${rangeLabel}`
              : [
                  `${formatCount(figures.leedsTotal)} ${figures.noun}`,
                  withoutCentre(excludeCityCentre),
                  windowText,
                ]
                  .filter((part) => part !== null)
                  .join(', ')
        }
      >
        {search}
        {figuresText}
        <MapControls
          data={data}
          context={context}
          state={state}
          from={filter.from}
          to={filter.to}
          rangeLabel={rangeLabel}
          commit={commit}
          typePicker={typePicker}
          rateNote={rateNote}
          heatNote={heatNote}
        />
        {ranking}
      </MapPanel>
      <MapArea
        mapRef={mapRef}
        view={state.view}
        measure={state.measure}
        mapError={mapError}
        tilesFailed={tilesFailed}
        linkNotes={linkNotes}
        onDismissLinkNotes={dismissLinkNotes}
        announce={announce}
        noun={figures.noun}
        without={withoutCentre(excludeCityCentre)}
        nothing={
          figures.noTypes ? 'no crime types chosen' : noData ? `no data for ${rangeLabel}` : null
        }
      >
        {legend}
        {details}
      </MapArea>
    </div>
  );
}
