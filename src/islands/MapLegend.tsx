// What the map's colours mean: the choropleth's measure, classes and window, or the heatmap's
// relative density and what its controls do. A window without data says so instead.
import { centreInflatesRate, isCentreWard } from '../lib/figures.ts';
import { capitalise, formatRate, listInWords } from '../lib/format.ts';
import { formatCount } from '../shared/format-count.ts';
import { districtShown, withoutCentre, type MapArea } from '../lib/map-area.ts';
import type { ChoroplethScale } from '../lib/map-scale.ts';
import type { MapMeasure, MapView } from '../lib/map-state.ts';
import { RESIDENTS_SOURCE } from '../shared/rates.ts';
import type { Ward } from '../shared/schema.ts';
import { HEAT_GRADIENT } from './map-layers.ts';
import { NO_TYPES } from './use-figures.ts';
import { foldOnEscape } from './escape-keys.ts';

export interface MapLegendProps {
  view: MapView;
  measure: MapMeasure;
  scale: ChoroplethScale | null;
  /** The window in words, e.g. "Mar 2024 – Mar 2025, no data for Apr 2024–Jan 2025". */
  window: string;
  /** The window's months alone, e.g. "Mar 2024 – Mar 2025": what a window without data names. */
  range: string;
  noData: boolean;
  /** No crime type is chosen (the reason for noData when the window has data). */
  noTypes: boolean;
  threshold: number;
  /** The rates' unit, e.g. "per 1,000 residents over 3 months". */
  rateUnit: string;
  /** What the counts count: "crimes", "crimes and anti-social behaviour incidents". */
  noun: string;
  /** The area's centre (MAP_AREA.centre), whose wards' rates the caveat is about; null: none. */
  centre: MapArea['centre'];
  /**
   * The centre's wards (isCentreWard), each with whether the view counts any of its crimes: the
   * caveat names the one ward of a centre of one (Sheffield's City), says "its wards' rates" of
   * several, and "the wards it lies in" when none holds many of its residents. A centre ward
   * the view counts no crime of has a rate of 0, which nothing inflates (centreInflatesRate):
   * left out of the caveat, which says nothing of the centre when the view counts none of
   * its wards' crimes.
   */
  centreWards: readonly CentreWardInView[];
  /** The centre's crimes and residents are left out of the figures. */
  excludeCityCentre: boolean;
  /**
   * The names of the wards the centre holds whole, while it is left out (Figures.leftOut):
   * without a colour, and said apart from the wards without residents.
   */
  leftOut: readonly string[];
  /**
   * The district (MAP_AREA.district), whose busiest place the heat colours are relative to, and
   * which the title names without its centre when the centre is left out.
   */
  district: string;
  /**
   * Show the side panel's note of this id (RATE_NOTE_ID, HEAT_NOTE_ID), opening the panel if it
   * is closed.
   */
  showNote(id: string): void;
}

/** The side panel's note on what the rates divide by (rateCaveat), which the legend links to. */
export const RATE_NOTE_ID = 'crime-map-rate-note';
/** The side panel's note on what the heat colours show (heatCaveat), which the legend links to. */
export const HEAT_NOTE_ID = 'crime-map-heat-note';

/** What the heat colours are relative to, and what the sensitivity does to them. */
export function heatCaveat(district: string, noun: string): string {
  return `Relative to the busiest place in ${district} for the chosen types and months, wherever the map is. Higher sensitivity reaches the top colour with fewer ${noun}.`;
}

/**
 * On a wide screen the legend's notes are in the side panel, beside the controls they are
 * about, with room to be read whole: over the map they would cover the middles of the wards in
 * the district's south-west. The legend links to them.
 */
function NoteLink(props: { id: string; text: string; showNote(id: string): void }) {
  return (
    <p class="crime-map__legend-more">
      <a
        class="crime-map__legend-link"
        href={`#${props.id}`}
        data-twin={props.id}
        onClick={(e) => {
          // A click with Ctrl, Cmd, Shift or Alt (a new tab, a new window, a download) is the
          // browser's, as any link's is; a middle click fires no click at all.
          if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
          // Focus goes to the note without a #fragment in the address, which is the view's.
          e.preventDefault();
          props.showNote(props.id);
        }}
      >
        {props.text}
      </a>
    </p>
  );
}

// Sorted by stop: "1" is an integer key, which objects list before "0.2".
const HEAT_BAR = `linear-gradient(to right, ${Object.entries(HEAT_GRADIENT)
  .sort((a, b) => Number(a[0]) - Number(b[0]))
  .map(([stop, colour]) => `${colour} ${Number(stop) * 100}%`)
  .join(', ')})`;

/** A ward of the centre (isCentreWard) as the map's view has it. */
export interface CentreWardInView {
  name: string;
  /** Whether the view counts any of its crimes: its rate is then inflated (centreInflatesRate). */
  counted: boolean;
}

/**
 * The centre's wards (isCentreWard) among `wards`, each counted when `totals` (crimes per ward
 * index, Figures.totals) has any of its crimes. `totals` null: no view counts anything (no
 * month with data, no type chosen), and the caveat speaks of the centre's wards in general.
 */
export function centreWardsInView(
  wards: readonly Pick<Ward, 'name' | 'population' | 'cityCentreResidents'>[],
  totals: ArrayLike<number> | null,
): CentreWardInView[] {
  return wards.flatMap((ward, i) =>
    isCentreWard(ward)
      ? [
          {
            name: ward.name,
            counted: totals === null || centreInflatesRate(ward, totals[i] ?? 0),
          },
        ]
      : [],
  );
}

/**
 * What the rates divide by, and what the centre does to them (see MapArea['centre']);
 * `centreWards`: the centre's wards, as the view has them (MapLegendProps).
 */
export function rateCaveat(
  centre: MapArea['centre'],
  excluded: boolean,
  centreWards: readonly CentreWardInView[],
): string {
  const residents = `Rates divide by residents (${RESIDENTS_SOURCE})`;
  if (centre === null) return `${residents}.`;
  if (excluded) {
    return `${residents}, without the ${centre.label}'s residents (${centre.description}), whose crimes are left out too.`;
  }
  const counted = centreWards.filter((ward) => ward.counted).map((ward) => ward.name);
  // Rates of 0 alone: nothing is inflated.
  if (centreWards.length > 0 && counted.length === 0) return `${residents}.`;
  const [one] = counted;
  const inflated =
    counted.length === 1 && one !== undefined
      ? `the ${one} ward's rate is`
      : counted.length === 0
        ? 'the rates of the wards it lies in are'
        : counted.length < centreWards.length
          ? `the rates of ${listInWords(counted)} are`
          : "its wards' rates are";
  return `${residents}. Far more people work in, visit and go out in the ${centre.label} (${centre.description}) than live there, so ${inflated} inflated: crimes per resident, not the risk to a person who is there.`;
}

export function MapLegend(props: MapLegendProps) {
  if (props.noData) {
    return (
      <div class="crime-map__legend" role="group" aria-label="Legend">
        <p class="crime-map__label">{props.noTypes ? NO_TYPES : `No data for ${props.range}`}</p>
      </div>
    );
  }
  // The centre left out is said in the title, which a reader may read alone: "Leeds without the
  // city centre" after the measure.
  const area = { district: props.district, centre: props.centre };
  const without = withoutCentre(props.excludeCityCentre, area);
  const scope = without === null ? '' : `, ${without}`;
  if (props.view === 'heat') {
    const heatNote = heatCaveat(districtShown(props.excludeCityCentre, area), props.noun);
    return (
      <div
        class="crime-map__legend"
        role="group"
        aria-label={`Legend: density of ${props.noun}${scope}`}
      >
        <p class="crime-map__label">
          Density of {props.noun}
          {scope}, {props.window}
        </p>
        <span class="crime-map__heat-bar" style={{ background: HEAT_BAR }} aria-hidden="true" />
        <p class="crime-map__heat-ends">
          <span>Low</span>
          <span>High</span>
        </p>
        {/* What is not drawn is said at every size: the threshold may come from a link, with
            the filters out of sight on a phone. */}
        {props.threshold > 1 && (
          <p class="crime-map__note" id="crime-map-heat-hidden">
            Places with under {props.threshold} {props.noun} are hidden.
          </p>
        )}
        <NoteLink id={HEAT_NOTE_ID} text="What the colours show" showNote={props.showNote} />
        <details class="crime-map__legend-less" onKeyDown={foldOnEscape}>
          <summary data-twin={HEAT_NOTE_ID}>What the colours show</summary>
          <p class="crime-map__note">{heatNote}</p>
        </details>
      </div>
    );
  }
  const noun = capitalise(props.noun);
  const caveat = rateCaveat(props.centre, props.excludeCityCentre, props.centreWards);
  const name = `${props.measure === 'count' ? `${noun} per ward` : `${noun} ${props.rateUnit}`}${scope}`;
  const format = props.measure === 'count' ? formatCount : formatRate;
  return (
    <div
      class="crime-map__legend"
      role="group"
      aria-label={`Legend: ${name.charAt(0).toLowerCase()}${name.slice(1)}`}
    >
      <p class="crime-map__label">
        {name}, {props.window}
      </p>
      <ul>
        {props.scale?.legend.map((c) => (
          <li key={c.colour}>
            <span class="swatch" style={{ background: c.colour }} aria-hidden="true" />
            {c.from === c.to ? format(c.from) : `${format(c.from)} to ${format(c.to)}`}
          </li>
        ))}
        {props.leftOut.length > 0 && (
          <li id="crime-map-legend-left-out">
            <span class="swatch" aria-hidden="true" />
            No colour: {listInWords(props.leftOut)}, wholly in the {props.centre?.label ?? 'centre'}
            , which is left out
          </li>
        )}
        {(props.scale?.withoutValue ?? 0) > props.leftOut.length && (
          <li id="crime-map-legend-unrated">
            <span class="swatch" aria-hidden="true" />
            No colour: no rate, no residents to divide by
          </li>
        )}
      </ul>
      {props.measure === 'rate' && (
        <>
          <NoteLink id={RATE_NOTE_ID} text="What the rates divide by" showNote={props.showNote} />
          {/* On a phone, where the legend's notes would take the map's room: one line, opened at will. */}
          <details class="crime-map__legend-less" onKeyDown={foldOnEscape}>
            <summary data-twin={RATE_NOTE_ID}>What the rates divide by</summary>
            <p class="crime-map__note" id="crime-map-rate-caveat">
              {caveat}
            </p>
          </details>
        </>
      )}
    </div>
  );
}
