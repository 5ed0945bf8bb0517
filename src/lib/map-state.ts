// The map's whole view state and its URL form, so a shared link reopens the same view.
// Pure and DOM-free: parse a query string, serialise a state. Unknown or out-of-range values
// fall back to the defaults rather than breaking the page.
import { MAP_AREA } from './map-area.ts';
import { API_CATEGORY_TO_CRIME_TYPE, CRIME_TYPES, type CrimeType } from '../shared/constants.ts';
import { isMonth } from '../shared/months.ts';

export const MAP_VIEWS = ['heat', 'wards'] as const;
export type MapView = (typeof MAP_VIEWS)[number];

/** What the choropleth and the ranking measure: crimes, or crimes per 1,000 residents. */
export const MAP_MEASURES = ['count', 'rate'] as const;
export type MapMeasure = (typeof MAP_MEASURES)[number];

/**
 * Heat sensitivity steps: each step up halves the crimes at a place that saturate the colour
 * scale, so 1 shows only the densest places and 10 shows nearly every crime. The URL keeps
 * its older name, "intensity".
 */
export const INTENSITY_MIN = 1;
export const INTENSITY_MAX = 10;
export const INTENSITY_DEFAULT = 5;

/**
 * Heat threshold: places with fewer crimes than this in the window are left off the heatmap.
 * A few round steps, so the URL and the slider agree on the same values.
 */
export const THRESHOLD_STEPS = [1, 2, 3, 5, 10, 20, 50, 100] as const;
export const THRESHOLD_DEFAULT = 1;

/** Zoom levels the map allows (Leaflet's minZoom and maxZoom); half steps are kept. */
export const ZOOM_MIN = 8;
export const ZOOM_MAX = 17;
/** Decimals of a centre in the URL: 4 is about 10 m in Leeds, finer than a click. */
const CENTRE_DECIMALS = 4;
/** Only centres near Leeds are taken from a URL; anything else opens the whole district. */
const CENTRE_BOUNDS = MAP_AREA.view.bounds;

export interface MapViewState {
  /** Included crime types, in CRIME_TYPES order; all of them when none is filtered out. */
  types: CrimeType[];
  /** First and last month shown, YYYY-MM. */
  from: string;
  to: string;
  view: MapView;
  measure: MapMeasure;
  /** Heat sensitivity, INTENSITY_MIN..INTENSITY_MAX. */
  intensity: number;
  /** Heat threshold: fewest crimes a place needs to be drawn, one of THRESHOLD_STEPS. */
  threshold: number;
  excludeCityCentre: boolean;
  /** Slug of the selected ward, or null. The URL accepts the ward's slug or ONS code. */
  ward: string | null;
  /** Map centre [lat, lon] and zoom; null = the whole district, fitted to the screen. */
  centre: [number, number] | null;
  zoom: number | null;
}

/** police.uk's own category slugs name the crime types in URLs ("violent-crime", "drugs"). */
const TYPE_TO_SLUG: ReadonlyMap<CrimeType, string> = new Map(
  Object.entries(API_CATEGORY_TO_CRIME_TYPE).map(([slug, type]) => [type, slug]),
);
const SLUG_TO_TYPE: ReadonlyMap<string, CrimeType> = new Map(
  Object.entries(API_CATEGORY_TO_CRIME_TYPE),
);

export function crimeTypeSlug(type: CrimeType): string {
  return TYPE_TO_SLUG.get(type) ?? type;
}

export interface StateContext {
  /** The month axis of the map data, ascending. */
  months: readonly string[];
  wards: readonly { code: string; slug: string }[];
}

export function defaultState(context: StateContext): MapViewState {
  return {
    types: [...CRIME_TYPES],
    from: context.months[0] ?? '',
    to: context.months.at(-1) ?? '',
    view: 'heat',
    measure: 'count',
    intensity: INTENSITY_DEFAULT,
    threshold: THRESHOLD_DEFAULT,
    excludeCityCentre: false,
    ward: null,
    centre: null,
    zoom: null,
  };
}

function clampMonth(month: string | null, months: readonly string[], fallback: string): string {
  if (month === null || !isMonth(month) || months.length === 0) return fallback;
  const first = months[0] ?? fallback;
  const last = months.at(-1) ?? fallback;
  if (month < first) return first;
  if (month > last) return last;
  return months.includes(month) ? month : fallback;
}

/** The state a query string ("?type=drugs&from=2024-03...") describes. */
export function parseState(search: string, context: StateContext): MapViewState {
  const params = new URLSearchParams(search);
  const defaults = defaultState(context);

  let types = defaults.types;
  // "type=drugs,burglary", or one type= for each, as a form sends a list.
  const typeParams = params.getAll('type');
  if (typeParams.length > 0) {
    const wanted = new Set(
      typeParams
        .flatMap((param) => param.split(','))
        .map((slug) => SLUG_TO_TYPE.get(slug.trim().toLowerCase()))
        .filter((t): t is CrimeType => t !== undefined),
    );
    // "type=" with no known slug means nothing selected, which the map shows as zero.
    types = CRIME_TYPES.filter((t) => wanted.has(t));
  }

  let from = clampMonth(params.get('from'), context.months, defaults.from);
  let to = clampMonth(params.get('to'), context.months, defaults.to);
  if (from > to) [from, to] = [to, from];

  // Names typed by hand may be capitalised: "Drugs", "Armley", "E05011385" or "e05011385".
  const viewParam = params.get('view')?.toLowerCase();
  const view = MAP_VIEWS.find((v) => v === viewParam) ?? defaults.view;

  const intensityParam = Number(params.get('intensity'));
  const intensity =
    params.has('intensity') &&
    Number.isInteger(intensityParam) &&
    intensityParam >= INTENSITY_MIN &&
    intensityParam <= INTENSITY_MAX
      ? intensityParam
      : defaults.intensity;

  const measureParam = params.get('measure')?.toLowerCase();
  const measure = MAP_MEASURES.find((m) => m === measureParam) ?? defaults.measure;
  const thresholdParam = Number(params.get('min'));
  const threshold = THRESHOLD_STEPS.find((t) => t === thresholdParam) ?? defaults.threshold;

  const wardParam = params.get('ward')?.toLowerCase();
  const ward =
    context.wards.find((w) => w.slug === wardParam || w.code.toLowerCase() === wardParam)?.slug ??
    null;
  const { centre, zoom } = parseView(params.get('c'), params.get('z'));

  return {
    types,
    from,
    to,
    view,
    measure,
    intensity,
    threshold,
    excludeCityCentre: params.get('cc') === '1',
    ward,
    centre,
    zoom,
  };
}

/** "53.8012,-1.5498" and "12.5": both or neither, within the district's box and the map's zoom levels. */
function parseView(
  centreParam: string | null,
  zoomParam: string | null,
): { centre: [number, number] | null; zoom: number | null } {
  const none = { centre: null, zoom: null };
  if (centreParam === null || zoomParam === null) return none;
  const parts = centreParam.split(',').map((p) => (p.trim() === '' ? NaN : Number(p)));
  const [lat, lon] = parts;
  const zoom = Number(zoomParam);
  if (parts.length !== 2 || lat === undefined || lon === undefined) return none;
  const { south, north, west, east } = CENTRE_BOUNDS;
  if (!(lat >= south && lat <= north && lon >= west && lon <= east)) return none;
  if (zoomParam.trim() === '' || !(zoom >= ZOOM_MIN && zoom <= ZOOM_MAX)) return none;
  return { centre: roundCentre([lat, lon]), zoom: roundZoom(zoom) };
}

/** A centre as the URL keeps it. */
export function roundCentre([lat, lon]: readonly [number, number]): [number, number] {
  const f = 10 ** CENTRE_DECIMALS;
  return [Math.round(lat * f) / f, Math.round(lon * f) / f];
}

/** A zoom as the URL keeps it: half steps, like the map. */
export function roundZoom(zoom: number): number {
  return Math.round(zoom * 2) / 2;
}

/** The query string for `state`, without the parameters that equal the defaults ("" if all do). */
export function serialiseState(state: MapViewState, context: StateContext): string {
  const defaults = defaultState(context);
  const params = new URLSearchParams();
  if (state.types.length !== defaults.types.length) {
    params.set('type', state.types.map(crimeTypeSlug).join(','));
  }
  if (state.from !== defaults.from) params.set('from', state.from);
  if (state.to !== defaults.to) params.set('to', state.to);
  if (state.view !== defaults.view) params.set('view', state.view);
  if (state.measure !== defaults.measure) params.set('measure', state.measure);
  if (state.intensity !== defaults.intensity) params.set('intensity', String(state.intensity));
  if (state.threshold !== defaults.threshold) params.set('min', String(state.threshold));
  if (state.excludeCityCentre) params.set('cc', '1');
  if (state.ward !== null) params.set('ward', state.ward);
  if (state.centre !== null && state.zoom !== null) {
    params.set('c', roundCentre(state.centre).join(','));
    params.set('z', String(roundZoom(state.zoom)));
  }
  const query = params.toString().replaceAll('%2C', ',');
  return query === '' ? '' : `?${query}`;
}

/** Whether two states show the same view (what a redraw and the URL depend on). */
export function sameState(a: MapViewState, b: MapViewState): boolean {
  return (
    a.from === b.from &&
    a.to === b.to &&
    a.view === b.view &&
    a.measure === b.measure &&
    a.intensity === b.intensity &&
    a.threshold === b.threshold &&
    a.excludeCityCentre === b.excludeCityCentre &&
    a.ward === b.ward &&
    a.zoom === b.zoom &&
    a.centre?.[0] === b.centre?.[0] &&
    a.centre?.[1] === b.centre?.[1] &&
    a.types.length === b.types.length &&
    a.types.every((t, i) => t === b.types[i])
  );
}
