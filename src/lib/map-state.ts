// The map's whole view state and its URL form, so a shared link reopens the same view.
// Pure and DOM-free: parse a query string, serialise a state. Unknown or out-of-range values
// fall back to the defaults rather than breaking the page.
import { API_CATEGORY_TO_CRIME_TYPE, CRIME_TYPES, type CrimeType } from '../shared/constants.ts';

export const MAP_VIEWS = ['heat', 'wards'] as const;
export type MapView = (typeof MAP_VIEWS)[number];

/** Heat intensity steps: 1 shows only the densest places, 10 shows nearly every crime. */
export const INTENSITY_MIN = 1;
export const INTENSITY_MAX = 10;
export const INTENSITY_DEFAULT = 5;

export interface MapViewState {
  /** Included crime types, in CRIME_TYPES order; all of them when none is filtered out. */
  types: CrimeType[];
  /** First and last month shown, YYYY-MM. */
  from: string;
  to: string;
  view: MapView;
  intensity: number;
  excludeCityCentre: boolean;
  /** Slug of the selected ward, or null. The URL accepts the ward's slug or ONS code. */
  ward: string | null;
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
    intensity: INTENSITY_DEFAULT,
    excludeCityCentre: false,
    ward: null,
  };
}

function clampMonth(month: string | null, months: readonly string[], fallback: string): string {
  if (month === null || !/^\d{4}-\d{2}$/.test(month) || months.length === 0) return fallback;
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
  const typeParam = params.get('type');
  if (typeParam !== null) {
    const wanted = new Set(
      typeParam
        .split(',')
        .map((slug) => SLUG_TO_TYPE.get(slug.trim()))
        .filter((t): t is CrimeType => t !== undefined),
    );
    // "type=" with no known slug means nothing selected, which the map shows as zero.
    types = CRIME_TYPES.filter((t) => wanted.has(t));
  }

  let from = clampMonth(params.get('from'), context.months, defaults.from);
  let to = clampMonth(params.get('to'), context.months, defaults.to);
  if (from > to) [from, to] = [to, from];

  const viewParam = params.get('view');
  const view = MAP_VIEWS.find((v) => v === viewParam) ?? defaults.view;

  const intensityParam = Number(params.get('intensity'));
  const intensity =
    params.has('intensity') &&
    Number.isInteger(intensityParam) &&
    intensityParam >= INTENSITY_MIN &&
    intensityParam <= INTENSITY_MAX
      ? intensityParam
      : defaults.intensity;

  const wardParam = params.get('ward');
  const ward =
    context.wards.find((w) => w.slug === wardParam || w.code === wardParam)?.slug ?? null;

  return {
    types,
    from,
    to,
    view,
    intensity,
    excludeCityCentre: params.get('cc') === '1',
    ward,
  };
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
  if (state.intensity !== defaults.intensity) params.set('intensity', String(state.intensity));
  if (state.excludeCityCentre) params.set('cc', '1');
  if (state.ward !== null) params.set('ward', state.ward);
  const query = params.toString().replaceAll('%2C', ',');
  return query === '' ? '' : `?${query}`;
}

/** Whether two states show the same view (what a redraw and the URL depend on). */
export function sameState(a: MapViewState, b: MapViewState): boolean {
  return (
    a.from === b.from &&
    a.to === b.to &&
    a.view === b.view &&
    a.intensity === b.intensity &&
    a.excludeCityCentre === b.excludeCityCentre &&
    a.ward === b.ward &&
    a.types.length === b.types.length &&
    a.types.every((t, i) => t === b.types[i])
  );
}
