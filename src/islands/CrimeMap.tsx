// The map page's island: loads the compact map data and lays out the explorer: the map filling
// the screen, a side panel (a bottom sheet on a phone) with the search, filters, figures and
// ranking, the legend, and a ward's details over the map. The whole view lives in the URL.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { MapData } from '../shared/map-data.ts';
import { decodeMapData, gunzipIfNeeded } from '../shared/map-data.ts';
import type { StateContext } from '../lib/map-state.ts';
import { describeWindow } from '../lib/map-rates.ts';
import { CrimeTypePicker } from './CrimeTypePicker.tsx';
import { MapControls } from './MapControls.tsx';
import { MapFigures } from './MapFigures.tsx';
import { MapLegend } from './MapLegend.tsx';
import { monthRangeLabel } from './MonthRangeSlider.tsx';
import { PlaceSearch } from './PlaceSearch.tsx';
import { WardDetails } from './WardDetails.tsx';
import { WardRanking } from './WardRanking.tsx';
import { useFigures } from './use-figures.ts';
import { useMapLayers, type WardShapes } from './use-map-layers.ts';
import { useMapState } from './use-map-state.ts';
import { useWardFocus } from './use-ward-focus.ts';

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

  useEffect(() => {
    load(props).then(setLoaded, (e: unknown) => {
      setError(e instanceof Error ? e.message : String(e));
    });
    // Loaded once; the URLs never change on a page.
  }, []);

  if (error !== null) {
    return (
      <p class="crime-map__error" role="alert">
        The map data could not be loaded ({error}). The ward and year reports below work without it.
      </p>
    );
  }
  if (loaded === null) {
    return (
      <p class="crime-map__loading" role="status">
        Loading the map data…
      </p>
    );
  }
  return <MapView {...props} data={loaded.data} shapes={loaded.shapes} />;
}

interface MapViewProps extends CrimeMapProps {
  data: MapData;
  shapes: WardShapes;
}

function MapView({ data, shapes, wardsBase, postcodesUrl }: MapViewProps) {
  const context: StateContext = useMemo(() => ({ months: data.months, wards: data.wards }), [data]);
  const rootRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<HTMLDivElement>(null);
  const { state, stateRef, commit } = useMapState(context, rootRef);
  const figures = useFigures(data, state);
  const wards = useWardFocus(commit, stateRef, mapRef, state.ward);
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
  const wide = useMemo(() => window.matchMedia(DESKTOP_QUERY).matches, []);
  const [panelOpen, setPanelOpen] = useState(wide);
  const [showAllWards, setShowAllWards] = useState(false);

  const { filter, coverage, noData, scale } = figures;
  const rangeLabel = monthRangeLabel(data.months, filter.from, filter.to);
  const windowText = describeWindow(rangeLabel, coverage);
  const selected =
    state.ward === null ? undefined : context.wards.findIndex((w) => w.slug === state.ward);

  // Parts that change with few of the state's values are built only when those change: an
  // unchanged element is skipped whole when the view is compared with the page.
  const typePicker = useMemo(
    () => <CrimeTypePicker selected={state.types} commit={commit} initiallyOpen={wide} />,
    [state.types, commit, wide],
  );
  const ranking = useMemo(
    () =>
      !noData && (
        <WardRanking
          data={data}
          ranking={figures.ranking}
          rates={figures.rates}
          rateUnit={figures.rateUnit}
          measure={state.measure}
          showAll={showAllWards}
          selected={state.ward}
          onPick={wards.toggle}
          onShowAll={setShowAllWards}
        />
      ),
    [data, figures, state.measure, showAllWards, state.ward, wards, noData],
  );
  const details = useMemo(
    () =>
      selected !== undefined &&
      selected >= 0 && (
        <WardDetails
          data={data}
          ward={selected}
          figures={figures}
          measure={state.measure}
          window={windowText}
          wardsBase={wardsBase}
          onClose={wards.close}
        />
      ),
    [data, selected, figures, state.measure, windowText, wardsBase, wards],
  );

  return (
    <div
      class="crime-map"
      ref={rootRef}
      data-ready={layers === null ? undefined : 'true'}
      data-panel={panelOpen ? 'open' : 'closed'}
    >
      <section class="crime-map__panel" aria-label="Map controls and figures">
        <div class="crime-map__panel-bar">
          <button
            type="button"
            class="crime-map__panel-toggle"
            aria-expanded={panelOpen}
            aria-controls="crime-map-panel-body"
            onClick={() => setPanelOpen(!panelOpen)}
          >
            {panelOpen ? 'Hide filters and figures' : 'Filters and figures'}
          </button>
          <p class="crime-map__bar-summary" aria-hidden="true">
            {noData
              ? `No data, ${rangeLabel}`
              : `${figures.leedsTotal.toLocaleString('en-GB')} crimes, ${rangeLabel}`}
          </p>
        </div>
        <div id="crime-map-panel-body" class="crime-map__panel-body" hidden={!panelOpen}>
          <PlaceSearch
            data={data}
            postcodesUrl={postcodesUrl}
            onFound={(place) =>
              wards.pick(
                place.ward,
                place.centre === null ? {} : { centre: place.centre, zoom: place.zoom },
              )
            }
          />
          <MapFigures data={data} state={state} figures={figures} rangeLabel={rangeLabel} />
          <MapControls
            data={data}
            context={context}
            state={state}
            from={filter.from}
            to={filter.to}
            rangeLabel={rangeLabel}
            commit={commit}
            typePicker={typePicker}
          />
          {ranking}
        </div>
      </section>
      <div class="crime-map__main">
        {mapError !== null && (
          <p class="crime-map__error" role="alert">
            The map could not be drawn ({mapError}); the figures beside it are still right.
          </p>
        )}
        {tilesFailed && (
          <p class="crime-map__note crime-map__tiles-note" role="status">
            The background map could not be loaded; the crime layers still work.
          </p>
        )}
        <div
          ref={mapRef}
          class="crime-map__map"
          role="region"
          aria-label={`Map of Leeds: ${state.view === 'heat' ? 'heatmap of crimes' : 'wards coloured by ' + (state.measure === 'count' ? 'crimes' : 'crimes per 1,000 residents')}. Arrow keys pan, plus and minus zoom; pick a ward from the ranking or the search.`}
        />
        <MapLegend
          view={state.view}
          measure={state.measure}
          scale={scale}
          window={windowText}
          noData={noData}
          threshold={state.threshold}
          rateUnit={figures.rateUnit}
        />
        {details}
      </div>
    </div>
  );
}
