// The map page's island: loads the compact map data, keeps the whole view state in the URL,
// and draws the heatmap or the ward choropleth with live figures beside it.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { FeatureCollection, Geometry } from 'geojson';
import {
  CITY_CENTRE_POSTCODE_DISTRICTS,
  CRIME_TYPES,
  type CrimeType,
} from '../shared/constants.ts';
import { decodeMapData, gunzipIfNeeded, type MapData } from '../shared/map-data.ts';
import { formatCount, formatRate, formatShare, ordinal } from '../lib/format.ts';
import {
  monthCoverage,
  monthlySeries,
  pointTotals,
  rankWards,
  ratePerThousand,
  wardTotals,
  type MapFilter,
  type WardRank,
} from '../lib/map-filter.ts';
import { choroplethScale } from '../lib/map-scale.ts';
import {
  INTENSITY_DEFAULT,
  INTENSITY_MAX,
  INTENSITY_MIN,
  defaultState,
  parseState,
  sameState,
  serialiseState,
  type MapViewState,
  type StateContext,
} from '../lib/map-state.ts';
import { longMonth } from '../shared/months.ts';
import { createHistoryWriter } from './history-writer.ts';
import { MapLayers, type WardFeatureProperties, type WardStyle } from './map-layers.ts';
import { MonthRangeSlider, monthRangeLabel } from './MonthRangeSlider.tsx';
import { Sparkline } from './Sparkline.tsx';

/** How many wards the ranking shows until "show all" is pressed. */
const TOP_WARDS = 5;
/** Choropleth fill: opaque enough to read the colour, light enough to see streets below. */
const CHOROPLETH_OPACITY = 0.7;

type WardShapes = FeatureCollection<Geometry, WardFeatureProperties>;

export interface CrimeMapProps {
  /** URL of the gzipped map data (public/data/map-data.bin.gz). */
  dataUrl: string;
  /** URL of the simplified ward GeoJSON (public/data/wards.geojson). */
  wardShapesUrl: string;
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
  return <MapView data={loaded.data} shapes={loaded.shapes} wardsBase={props.wardsBase} />;
}

interface MapViewProps {
  data: MapData;
  shapes: WardShapes;
  wardsBase: string;
}

type Commit = (patch: Partial<MapViewState>, mode: 'push' | 'live') => void;

function MapView({ data, shapes, wardsBase }: MapViewProps) {
  const context: StateContext = useMemo(() => ({ months: data.months, wards: data.wards }), [data]);
  const [state, setState] = useState<MapViewState>(() =>
    parseState(window.location.search, context),
  );
  const [showAllWards, setShowAllWards] = useState(false);
  const [tilesFailed, setTilesFailed] = useState(false);
  const [mapError, setMapError] = useState<string | null>(null);
  const [layers, setLayers] = useState<MapLayers | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<HTMLDivElement>(null);
  const stateRef = useRef(state);
  stateRef.current = state;
  const updates = useRef(0);
  const pointBuffer = useMemo(() => new Float64Array(data.pointCount), [data]);
  const historyWriter = useMemo(
    () =>
      createHistoryWriter((pending) => {
        // Tests wait for this to clear before they read the address bar.
        if (pending) rootRef.current?.setAttribute('data-history', 'pending');
        else rootRef.current?.removeAttribute('data-history');
      }),
    [],
  );

  /**
   * Apply a change. 'push' records it as one history entry (back undoes it); 'live' only
   * redraws, for the steps of a slider move whose end arrives later as a 'push'. One function
   * for the life of the view, so the parts drawn once (crime types, ranking) keep their props.
   */
  const commit: Commit = useMemo(
    () => (patch, mode) => {
      const current = stateRef.current;
      const next = { ...current, ...patch };
      // A slider's final 'push' usually repeats its last 'live' step: no second redraw.
      if (!sameState(next, current)) {
        stateRef.current = next;
        setState(next);
      }
      if (mode === 'push') historyWriter.push(serialiseState(next, context));
    },
    [context, historyWriter],
  );

  useEffect(() => {
    const onPopState = () => {
      historyWriter.discard();
      setState(parseState(window.location.search, context));
    };
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, [context, historyWriter]);

  // Figures for the current filter. Each depends only on the parts of the state it reads, so
  // selecting a ward or moving the intensity slider recomputes no totals.
  const { types, from, to, excludeCityCentre, view, intensity, ward } = state;
  const typeIndex = useMemo(() => new Map(data.crimeTypes.map((t, i) => [t, i])), [data]);
  const filter: MapFilter = useMemo(
    () => ({
      types: types.map((t) => typeIndex.get(t) ?? -1).filter((i) => i >= 0),
      from: Math.max(0, data.months.indexOf(from)),
      to: Math.max(0, data.months.indexOf(to)),
      excludeCityCentre,
    }),
    [data, typeIndex, types, from, to, excludeCityCentre],
  );
  const totals = useMemo(() => wardTotals(data, filter), [data, filter]);
  const ranking = useMemo(() => rankWards(data, totals), [data, totals]);
  const leedsTotal = useMemo(() => totals.reduce((a, b) => a + b, 0), [totals]);
  const coverage = useMemo(() => monthCoverage(data, filter), [data, filter]);
  const wardIndex = useMemo(() => new Map(data.wards.map((w, i) => [w.slug, i])), [data]);
  const selectedIndex = ward === null ? undefined : wardIndex.get(ward);
  const rankOf = useMemo(() => new Map(ranking.map((r) => [r.ward, r.rank])), [ranking]);

  const figures = useRef({ totals, rankOf });
  figures.current = { totals, rankOf };

  // The Leaflet map is created once, after the container exists.
  useEffect(() => {
    const container = mapRef.current;
    if (container === null) return undefined;
    let created: MapLayers | null = null;
    let cancelled = false;
    MapLayers.create(container, shapes, {
      wardLabel(slug) {
        const i = wardIndex.get(slug);
        const w = i === undefined ? undefined : data.wards[i];
        if (i === undefined || w === undefined) return slug;
        const count = figures.current.totals[i] ?? 0;
        const rank = figures.current.rankOf.get(i) ?? 0;
        return `${w.name}: ${formatCount(count)} crimes (${ordinal(rank)} of ${data.wards.length})`;
      },
      onWardClick(slug) {
        commit({ ward: stateRef.current.ward === slug ? null : slug }, 'push');
      },
      onTilesFailed() {
        setTilesFailed(true);
      },
    }).then(
      (l) => {
        if (cancelled) l.destroy();
        else {
          created = l;
          setLayers(l);
        }
      },
      (e: unknown) => setMapError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      cancelled = true;
      created?.destroy();
    };
  }, [data, shapes]);

  // The choropleth's classes, only while it is shown.
  const scale = useMemo(
    () => (view === 'wards' ? choroplethScale(data.wards.map((_, i) => totals[i] ?? 0)) : null),
    [data, view, totals],
  );
  const wardFills = useMemo(() => {
    if (scale === null) return null;
    const fills = new Map<string, WardStyle>();
    data.wards.forEach((w, i) => {
      fills.set(w.slug, {
        fillColor: scale.colour(totals[i] ?? 0),
        fillOpacity: CHOROPLETH_OPACITY,
      });
    });
    return fills;
  }, [data, totals, scale]);

  // Draw on the map right after each render, before the browser paints; each layer only when
  // what it shows has changed.
  useLayoutEffect(() => {
    if (layers === null) return;
    if (view !== 'heat') {
      layers.hideHeat();
      return;
    }
    const max = pointTotals(data, filter, pointBuffer);
    // Each intensity step halves the count that saturates the colour scale; the default
    // saturates at half the busiest point.
    layers.showHeat(
      data.pointLat,
      data.pointLon,
      pointBuffer,
      max * 2 ** (INTENSITY_DEFAULT - 1 - intensity),
    );
  }, [layers, data, filter, view, intensity, pointBuffer]);

  useLayoutEffect(() => {
    layers?.styleWards(wardFills, ward);
  }, [layers, wardFills, ward]);

  useLayoutEffect(() => {
    if (layers === null) return;
    layers.refreshTooltips();
    // Tests and the benchmark wait for this counter to know the map and figures are redrawn.
    updates.current += 1;
    rootRef.current?.setAttribute('data-updates', String(updates.current));
  }, [layers, state]);

  const rangeLabel = monthRangeLabel(data.months, filter.from, filter.to);
  const cityCentre = CITY_CENTRE_POSTCODE_DISTRICTS.join(' and ');

  // Parts that change with few of the filter's values are built only when those change: an
  // unchanged element is skipped whole when the view is compared with the page.
  const typeOptions = useMemo(
    () => <CrimeTypeOptions selected={types} commit={commit} />,
    [types, commit],
  );
  const legend = useMemo(
    () =>
      scale !== null && (
        <div class="crime-map__legend" aria-label="Legend: crimes per ward" role="group">
          <p class="crime-map__label">Crimes per ward</p>
          <ul>
            {scale.legend.map((c) => (
              <li key={c.colour}>
                <span class="swatch" style={{ background: c.colour }} aria-hidden="true" />
                {c.from === c.to
                  ? formatCount(c.from)
                  : `${formatCount(c.from)} to ${formatCount(c.to)}`}
              </li>
            ))}
          </ul>
        </div>
      ),
    [scale],
  );
  const rankingTable = useMemo(
    () => (
      <WardRanking
        data={data}
        ranking={ranking}
        showAll={showAllWards}
        selected={ward}
        commit={commit}
        onShowAll={setShowAllWards}
      />
    ),
    [data, ranking, showAllWards, ward, commit],
  );
  const details = useMemo(
    () =>
      selectedIndex !== undefined && (
        <WardDetails
          data={data}
          ward={selectedIndex}
          filter={filter}
          count={totals[selectedIndex] ?? 0}
          leedsTotal={leedsTotal}
          rank={rankOf.get(selectedIndex) ?? 0}
          wardsBase={wardsBase}
          onClose={() => commit({ ward: null }, 'push')}
        />
      ),
    [data, selectedIndex, filter, totals, leedsTotal, rankOf, wardsBase, commit],
  );

  return (
    <div class="crime-map" ref={rootRef} data-ready={layers === null ? undefined : 'true'}>
      <form
        class="crime-map__controls"
        aria-label="Map filters"
        onSubmit={(e) => e.preventDefault()}
      >
        <div class="crime-map__field">
          <p id="crime-map-months-label" class="crime-map__label">
            Months: <output id="crime-map-range">{rangeLabel}</output>
          </p>
          <MonthRangeSlider
            months={data.months}
            from={filter.from}
            to={filter.to}
            labelId="crime-map-months-label"
            onSlide={(first, last) =>
              commit({ from: data.months[first] ?? from, to: data.months[last] ?? to }, 'live')
            }
            onChange={(first, last) =>
              commit({ from: data.months[first] ?? from, to: data.months[last] ?? to }, 'push')
            }
          />
        </div>

        <fieldset>
          <legend>Map view</legend>
          {(
            [
              ['heat', 'Heatmap of crimes'],
              ['wards', 'Crimes by ward'],
            ] as const
          ).map(([option, label]) => (
            <label key={option} class="crime-map__option">
              <input
                type="radio"
                name="view"
                value={option}
                checked={view === option}
                onChange={() => commit({ view: option }, 'push')}
              />{' '}
              {label}
            </label>
          ))}
        </fieldset>

        {view === 'heat' && (
          <div class="crime-map__field">
            <label for="crime-map-intensity" class="crime-map__label">
              Heat intensity: <output>{intensity}</output> of {INTENSITY_MAX}
            </label>
            <input
              id="crime-map-intensity"
              type="range"
              min={INTENSITY_MIN}
              max={INTENSITY_MAX}
              step={1}
              value={intensity}
              onInput={(e) => commit({ intensity: Number(e.currentTarget.value) }, 'live')}
              onChange={(e) => commit({ intensity: Number(e.currentTarget.value) }, 'push')}
            />
          </div>
        )}

        <div class="crime-map__field">
          <label class="crime-map__switch">
            <input
              type="checkbox"
              role="switch"
              id="crime-map-cc"
              checked={excludeCityCentre}
              onChange={(e) => commit({ excludeCityCentre: e.currentTarget.checked }, 'push')}
            />{' '}
            Exclude city centre
          </label>
          <p class="crime-map__note">City centre = postcode districts {cityCentre}</p>
        </div>

        {typeOptions}

        <button
          type="button"
          class="crime-map__reset"
          onClick={() => commit(defaultState(context), 'push')}
        >
          Reset the map
        </button>
      </form>

      <div class="crime-map__main">
        {mapError !== null && (
          <p class="crime-map__error" role="alert">
            The map could not be drawn ({mapError}); the figures beside it are still right.
          </p>
        )}
        {tilesFailed && (
          <p class="crime-map__note" role="status">
            The background map could not be loaded; the crime layers still work.
          </p>
        )}
        <div
          ref={mapRef}
          class="crime-map__map"
          role="region"
          aria-label={`Map of Leeds: ${view === 'heat' ? 'heatmap of crimes' : 'crimes by ward'}`}
        />
        {legend}
      </div>

      <section class="crime-map__stats" aria-label="Figures for the current filter">
        <div aria-live="polite">
          <p class="crime-map__total">
            <strong id="crime-map-total">{formatCount(leedsTotal)}</strong> crimes in Leeds
            {types.length === 0
              ? ' (no crime type selected)'
              : types.length < CRIME_TYPES.length
                ? ` (${types.length} of ${CRIME_TYPES.length} crime types)`
                : ''}
            {excludeCityCentre ? `, city centre (${cityCentre}) excluded` : ''}
          </p>
          <p id="crime-map-coverage">
            {rangeLabel}: {coverage.months} month{coverage.months === 1 ? '' : 's'}
            {coverage.gaps > 0
              ? `, ${coverage.gaps} of them without data (left out, not counted as zero)`
              : ', all with data'}
            .
          </p>
        </div>

        {rankingTable}
        {details}
      </section>
    </div>
  );
}

function CrimeTypeOptions({
  selected,
  commit,
}: {
  selected: readonly CrimeType[];
  commit: Commit;
}) {
  const chosen = new Set<CrimeType>(selected);
  return (
    <fieldset class="crime-map__types">
      <legend>Crime types</legend>
      <div class="crime-map__buttons">
        <button type="button" onClick={() => commit({ types: [...CRIME_TYPES] }, 'push')}>
          All types
        </button>
        <button type="button" onClick={() => commit({ types: [] }, 'push')}>
          No types
        </button>
      </div>
      {CRIME_TYPES.map((type) => (
        <label key={type} class="crime-map__option">
          <input
            type="checkbox"
            name="type"
            value={type}
            checked={chosen.has(type)}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              const next = CRIME_TYPES.filter((t) => (t === type ? on : chosen.has(t)));
              commit({ types: next }, 'push');
            }}
          />{' '}
          {type}
        </label>
      ))}
    </fieldset>
  );
}

interface WardRankingProps {
  data: MapData;
  ranking: readonly WardRank[];
  showAll: boolean;
  /** Slug of the selected ward, or null. */
  selected: string | null;
  commit: Commit;
  onShowAll(showAll: boolean): void;
}

function WardRanking({ data, ranking, showAll, selected, commit, onShowAll }: WardRankingProps) {
  const visible = showAll ? ranking : ranking.slice(0, TOP_WARDS);
  return (
    <>
      <table class="crime-map__ranking" id="crime-map-ranking">
        <caption>{showAll ? 'All wards by crimes' : `Top ${TOP_WARDS} wards by crimes`}</caption>
        <thead>
          <tr>
            <th scope="col">Rank</th>
            <th scope="col">Ward</th>
            <th scope="col">Crimes</th>
            <th scope="col">Per 1,000 residents</th>
          </tr>
        </thead>
        <tbody>
          {visible.map(({ ward, count, rank }) => {
            const w = data.wards[ward];
            if (w === undefined) return null;
            return (
              <tr key={w.slug} aria-current={selected === w.slug ? 'true' : undefined}>
                <td>{rank}</td>
                <th scope="row">
                  <button
                    type="button"
                    class="crime-map__ward-button"
                    aria-pressed={selected === w.slug}
                    onClick={() => commit({ ward: selected === w.slug ? null : w.slug }, 'push')}
                  >
                    {w.name}
                  </button>
                </th>
                <td>{formatCount(count)}</td>
                <td>{formatRate(ratePerThousand(count, w.population))}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button
        type="button"
        aria-expanded={showAll}
        aria-controls="crime-map-ranking"
        onClick={() => onShowAll(!showAll)}
      >
        {showAll ? `Show the top ${TOP_WARDS} only` : `Show all ${data.wards.length} wards`}
      </button>
    </>
  );
}

interface WardDetailsProps {
  data: MapData;
  ward: number;
  filter: MapFilter;
  count: number;
  leedsTotal: number;
  rank: number;
  wardsBase: string;
  onClose(): void;
}

function WardDetails(props: WardDetailsProps) {
  const { data, ward, filter, count, leedsTotal, rank } = props;
  const w = data.wards[ward];
  const series = useMemo(() => monthlySeries(data, filter, ward), [data, filter, ward]);
  if (w === undefined) return null;
  const leedsPopulation = data.wards.reduce((a, x) => a + x.population, 0);
  return (
    <section class="crime-map__ward" id="crime-map-ward" aria-labelledby="crime-map-ward-name">
      <h2 id="crime-map-ward-name">{w.name}</h2>
      <dl>
        <dt>Crimes</dt>
        <dd id="crime-map-ward-count">{formatCount(count)}</dd>
        <dt>Share of Leeds</dt>
        <dd>{formatShare(leedsTotal > 0 ? count / leedsTotal : 0)}</dd>
        <dt>Rank</dt>
        <dd>
          {ordinal(rank)} of {data.wards.length}
        </dd>
        <dt>Per 1,000 residents</dt>
        <dd>
          {formatRate(ratePerThousand(count, w.population))} (Leeds:{' '}
          {formatRate(ratePerThousand(leedsTotal, leedsPopulation))})
        </dd>
      </dl>
      <p class="crime-map__label">Monthly trend</p>
      <Sparkline series={series} label={`Monthly crimes in ${w.name}`} />
      <details>
        <summary>Monthly figures</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col">Crimes</th>
            </tr>
          </thead>
          <tbody>
            {series.map((s) => (
              <tr key={s.month}>
                <th scope="row">{longMonth(s.month)}</th>
                <td>{s.count === null ? 'no data' : formatCount(s.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <p>
        <a href={`${props.wardsBase}${w.slug}/`}>Read the {w.name} ward report</a>
      </p>
      <button type="button" onClick={props.onClose}>
        Close ward details
      </button>
    </section>
  );
}
