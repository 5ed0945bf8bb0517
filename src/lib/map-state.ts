// The map's whole view state and its URL form, so a shared link reopens the same view.
// Pure and DOM-free: parse a query string, serialise a state. Unknown or out-of-range values
// fall back to the defaults rather than breaking the page, each with a note the page shows.
import { MAP_AREA } from './map-area.ts';
import { API_CATEGORY_TO_CRIME_TYPE, CRIME_TYPES, type CrimeType } from '../shared/constants.ts';
import { isMonth, shortMonth } from '../shared/months.ts';
import { cutText } from '../shared/cut-text.ts';

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

/** The link's value as a note quotes it: at most QUOTED_MAX characters, in quotation marks. */
const QUOTED_MAX = 40;

function quoted(value: string): string {
  return `"${cutText(value, QUOTED_MAX)}"`;
}

/** "a", "a and b", "a, b, c and 4 more" (the first three named). */
function namedFew(items: readonly string[]): string {
  const named = items.slice(0, 3);
  const rest = items.length - named.length;
  if (rest > 0) return `${named.join(', ')} and ${rest} more`;
  return named.length < 2
    ? (named[0] ?? '')
    : `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`;
}

/** Parameters that hold one value, and their names in a note. */
const SINGLE_PARAMETERS: Readonly<Record<string, string>> = {
  from: 'first month (from)',
  to: 'last month (to)',
  view: 'view',
  measure: 'measure',
  intensity: 'heat sensitivity (intensity)',
  min: 'heat threshold (min)',
  cc: 'city centre switch (cc)',
  ward: 'ward',
  c: 'map centre (c)',
  z: 'zoom (z)',
};

/**
 * A link's month as given, when it is written as one; else null, with a note saying the map
 * starts or ends where it would without it, `fallback`.
 */
function monthGiven(
  param: 'from' | 'to',
  value: string | null,
  example: string,
  fallback: string,
  notes: string[],
): string | null {
  if (value === null) return null;
  if (isMonth(value)) return value;
  notes.push(
    `The ${SINGLE_PARAMETERS[param]} ${quoted(value)} is not a month written as YYYY-MM (such as ${example}): the map ${param === 'from' ? 'starts' : 'ends'} at ${shortMonth(fallback)}.`,
  );
  return null;
}

/**
 * A link's window: its months when the map's months hold them. Months the wrong way round are
 * swapped as the link gives them, before either is moved into the map's months, so each note
 * names the end the map shows. A window that holds none of the map's months (both ends before
 * its data begins, or both after it ends; a first month alone after its end, a last month alone
 * before its start) shows the map's default window, with one note, rather than a first or last
 * month the link did not ask for; a window with some of them has an end beyond the data moved
 * to the data's first or last month, with a note for each.
 */
function readMonths(
  fromParam: string | null,
  toParam: string | null,
  context: StateContext,
  notes: string[],
): { from: string; to: string } {
  const defaults = defaultState(context);
  const { months } = context;
  const first = defaults.from;
  const last = defaults.to;
  if (months.length === 0) return { from: first, to: last };
  let from = monthGiven('from', fromParam, last, first, notes);
  let to = monthGiven('to', toParam, last, last, notes);
  if (from !== null && to !== null && from > to) {
    notes.push(
      `The first month (from), ${shortMonth(from)}, is after the last (to), ${shortMonth(to)}: the map takes ${shortMonth(to)} as the first and ${shortMonth(from)} as the last.`,
    );
    [from, to] = [to, from];
  }
  const before = to !== null && to < first;
  const after = from !== null && from > last;
  if (before || after) {
    const asked =
      from !== null && to !== null
        ? from === to
          ? shortMonth(from)
          : `${shortMonth(from)} – ${shortMonth(to)}`
        : from !== null
          ? `from ${shortMonth(from)}`
          : `up to ${shortMonth(to ?? '')}`;
    const where = before
      ? `before the map's data begins, in ${shortMonth(first)}`
      : `after the map's data ends, in ${shortMonth(last)}`;
    notes.push(
      `The link asks for ${asked}, all ${where}: the map shows all its months, ${shortMonth(first)} – ${shortMonth(last)}.`,
    );
    return { from: first, to: last };
  }
  return {
    from: readEnd('from', from, months, first, notes),
    to: readEnd('to', to, months, last, notes),
  };
}

/**
 * One end of a window that holds some of the map's months (readMonths): its own month when
 * the map's months hold it; else, with a note, the map's first or last month for one before
 * or after them, or `fallback`.
 */
function readEnd(
  param: 'from' | 'to',
  value: string | null,
  months: readonly string[],
  fallback: string,
  notes: string[],
): string {
  if (value === null) return fallback;
  const label = `The ${SINGLE_PARAMETERS[param]}`;
  const used = `the map ${param === 'from' ? 'starts' : 'ends'} at`;
  const first = months[0] ?? fallback;
  const last = months.at(-1) ?? fallback;
  if (value < first) {
    notes.push(
      `${label}, ${shortMonth(value)}, is before the map's data begins: ${used} ${shortMonth(first)}.`,
    );
    return first;
  }
  if (value > last) {
    notes.push(
      `${label}, ${shortMonth(value)}, is after the map's data ends: ${used} ${shortMonth(last)}.`,
    );
    return last;
  }
  if (months.includes(value)) return value;
  notes.push(
    `${label}, ${shortMonth(value)}, is not a month of the map's data: ${used} ${shortMonth(fallback)}.`,
  );
  return fallback;
}

/** A link's choice among `options` (compared in lower case), else the default, with a note. */
function readChoice<T extends string>(
  param: string,
  value: string | null,
  choices: { options: readonly T[]; described: string; fallback: T; shown: string },
  notes: string[],
): T {
  if (value === null) return choices.fallback;
  const found = choices.options.find((option) => option === value.toLowerCase());
  if (found !== undefined) return found;
  notes.push(
    `The ${SINGLE_PARAMETERS[param]} ${quoted(value)} is not ${choices.described}: the map shows ${choices.shown}.`,
  );
  return choices.fallback;
}

/**
 * A link's number when written as a plain decimal ("12", "-1.55", "012.5", spaces around it
 * ignored), else NaN. Number() alone would also take "0x10", "1e1", "0b1010" and "Infinity",
 * forms no link the map writes holds and a reader would not take for the value they give.
 */
const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

function plainDecimal(text: string): number {
  const trimmed = text.trim();
  return PLAIN_DECIMAL.test(trimmed) ? Number(trimmed) : NaN;
}

/** A link's whole number among `allowed`, else the default, with a note. */
function readStep(
  param: string,
  value: string | null,
  allowed: (n: number) => boolean,
  described: string,
  fallback: number,
  notes: string[],
): number {
  if (value === null) return fallback;
  const n = plainDecimal(value);
  if (allowed(n)) return n;
  notes.push(
    `The ${SINGLE_PARAMETERS[param]} ${quoted(value)} is not ${described}: the map uses ${fallback}.`,
  );
  return fallback;
}

/**
 * The state a query string ("?type=drugs&from=2024-03...") describes, and a note for each
 * parameter the map could not use as given, saying what it shows instead. Spaces around a
 * value are left out (a link copied with one, "ward=armley+", reads as "armley", as a list's
 * types and a number do) and an empty value is read as none given, so that of a value given
 * twice, the first that is not empty is used; parameters the map does not
 * know (a sharing site's own, such as utm_source) are left out without a note.
 */
export function readState(
  search: string,
  context: StateContext,
): { state: MapViewState; notes: string[] } {
  const params = new URLSearchParams(search);
  // A parameter's values given, without the empty ones ("ward=&ward=armley", as a form with an
  // empty field sends it, gives one ward, "armley"): the first is used, the others named.
  const given = (param: string): string[] =>
    params
      .getAll(param)
      .map((value) => value.trim())
      .filter((value) => value !== '');
  const get = (param: string): string | null => given(param)[0] ?? null;
  const defaults = defaultState(context);
  const notes: string[] = [];

  for (const [param, label] of Object.entries(SINGLE_PARAMETERS)) {
    const values = given(param);
    if (values.length > 1) {
      notes.push(
        `The link gives the ${label} ${values.length} times: the map uses the first, ${quoted(values[0] ?? '')}.`,
      );
    }
  }

  let types = defaults.types;
  // "type=drugs,burglary", or one type= for each, as a form sends a list.
  const typeParams = params.getAll('type');
  if (typeParams.length > 0) {
    const slugs = typeParams.flatMap((param) => param.split(',')).map((slug) => slug.trim());
    const wanted = new Set(slugs.map((slug) => SLUG_TO_TYPE.get(slug.toLowerCase())));
    const unknown = [
      ...new Set(slugs.filter((slug) => slug !== '' && !SLUG_TO_TYPE.has(slug.toLowerCase()))),
    ];
    const known = CRIME_TYPES.filter((t) => wanted.has(t));
    // "type=" alone is the map's own link for no type chosen, which it shows as zero; a link
    // whose every type is unknown (a misspelt "type=burglery") asked for some types, not none,
    // and gets the map's default, all of them, as any other value it cannot use does.
    const ignored = known.length === 0 && unknown.length > 0;
    if (unknown.length > 0) {
      const them = unknown.length === 1 ? 'it' : 'them';
      notes.push(
        `${namedFew(unknown.map(quoted))} ${unknown.length === 1 ? 'is not a crime type' : 'are not crime types'} the map knows, so the map ${ignored ? `ignores ${them} and shows every crime type` : `leaves ${them} out`}.`,
      );
    }
    types = ignored ? defaults.types : known;
  }

  const { from, to } = readMonths(get('from'), get('to'), context, notes);

  // Names typed by hand may be capitalised: "Drugs", "Armley", "E05011385" or "e05011385".
  const view = readChoice(
    'view',
    get('view'),
    {
      options: MAP_VIEWS,
      described: 'heat or wards',
      fallback: defaults.view,
      shown: 'the heatmap',
    },
    notes,
  );
  const measure = readChoice(
    'measure',
    get('measure'),
    {
      options: MAP_MEASURES,
      described: 'count or rate',
      fallback: defaults.measure,
      shown: 'counts, not rates per 1,000 residents',
    },
    notes,
  );
  const intensity = readStep(
    'intensity',
    get('intensity'),
    (n) => Number.isInteger(n) && n >= INTENSITY_MIN && n <= INTENSITY_MAX,
    `a whole number from ${INTENSITY_MIN} to ${INTENSITY_MAX}`,
    defaults.intensity,
    notes,
  );
  const threshold = readStep(
    'min',
    get('min'),
    (n) => THRESHOLD_STEPS.some((t) => t === n),
    `one of ${THRESHOLD_STEPS.join(', ')}`,
    defaults.threshold,
    notes,
  );

  const ccParam = get('cc');
  if (ccParam !== null && ccParam !== '0' && ccParam !== '1') {
    notes.push(
      `The ${SINGLE_PARAMETERS.cc} ${quoted(ccParam)} is not 1 (leave the centre out) or 0: the map leaves the centre in.`,
    );
  }

  const wardParam = get('ward');
  const wardKey = wardParam?.toLowerCase();
  const ward =
    context.wards.find((w) => w.slug === wardKey || w.code.toLowerCase() === wardKey)?.slug ?? null;
  if (ward === null && wardParam !== null) {
    notes.push(`${MAP_AREA.district} has no ward ${quoted(wardParam)}: no ward is open.`);
  }
  const { centre, zoom } = readView(get('c'), get('z'), notes);

  return {
    state: {
      types,
      from,
      to,
      view,
      measure,
      intensity,
      threshold,
      excludeCityCentre: ccParam === '1',
      ward,
      centre,
      zoom,
    },
    notes,
  };
}

/** The state a query string describes (readState without its notes). */
export function parseState(search: string, context: StateContext): MapViewState {
  return readState(search, context).state;
}

/**
 * "53.8012,-1.5498" and "12.5": both or neither, within the district's box and the map's zoom
 * levels. Each value given is read on its own, so a note names every one the map cannot use.
 */
function readView(
  centreParam: string | null,
  zoomParam: string | null,
  notes: string[],
): { centre: [number, number] | null; zoom: number | null } {
  const none = { centre: null, zoom: null };
  const centreGiven = centreParam !== null;
  const zoomGiven = zoomParam !== null;
  if (!centreGiven && !zoomGiven) return none;
  const whole = `the map shows the whole of ${MAP_AREA.district}`;
  const centre = centreGiven ? readCentre(centreParam, whole, notes) : null;
  const zoom = zoomGiven ? readZoom(zoomParam, whole, notes) : null;
  if (centre !== null && zoom !== null) return { centre, zoom };
  // A value the map could use, without the other it needs (one it could not use is named).
  if ((centre !== null && !zoomGiven) || (zoom !== null && !centreGiven)) {
    notes.push(
      `The link gives a ${centreGiven ? 'map centre (c) without a zoom (z)' : 'zoom (z) without a map centre (c)'}, and the map needs both: ${whole}.`,
    );
  }
  return none;
}

/** A link's centre within the district's box, rounded as the URL keeps it, else null with a note. */
function readCentre(param: string, whole: string, notes: string[]): [number, number] | null {
  const parts = param.split(',').map(plainDecimal);
  const [lat, lon] = parts;
  if (parts.length !== 2 || lat === undefined || lon === undefined || isNaN(lat) || isNaN(lon)) {
    notes.push(
      `The ${SINGLE_PARAMETERS.c} ${quoted(param)} is not a latitude and longitude such as ${MAP_AREA.view.centre.join(',')}: ${whole}.`,
    );
    return null;
  }
  const { south, north, west, east } = CENTRE_BOUNDS;
  if (!(lat >= south && lat <= north && lon >= west && lon <= east)) {
    notes.push(
      `The ${SINGLE_PARAMETERS.c} ${quoted(param)} is outside ${MAP_AREA.district}: ${whole}.`,
    );
    return null;
  }
  return roundCentre([lat, lon]);
}

/** A link's zoom among the map's levels, in half steps, else null with a note. */
function readZoom(param: string, whole: string, notes: string[]): number | null {
  const zoom = plainDecimal(param);
  if (!(zoom >= ZOOM_MIN && zoom <= ZOOM_MAX)) {
    notes.push(
      `The ${SINGLE_PARAMETERS.z} ${quoted(param)} is not a number from ${ZOOM_MIN} to ${ZOOM_MAX}: ${whole}.`,
    );
    return null;
  }
  return roundZoom(zoom);
}

/** A centre as the URL keeps it. */
export function roundCentre([lat, lon]: readonly [number, number]): [number, number] {
  const f = 10 ** CENTRE_DECIMALS;
  return [Math.round(lat * f) / f, Math.round(lon * f) / f];
}

/**
 * A centre as a link gives it: rounded (roundCentre), and moved into the district's box if the
 * map was panned out of it, the nearest centre a link may give (readView names any other as
 * one it cannot follow), so a link the map writes always reopens it without a note.
 */
function linkCentre(centre: readonly [number, number]): [number, number] {
  const [lat, lon] = roundCentre(centre);
  const { south, north, west, east } = CENTRE_BOUNDS;
  return [Math.min(north, Math.max(south, lat)), Math.min(east, Math.max(west, lon))];
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
    params.set('c', linkCentre(state.centre).join(','));
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
