// The map's filters: months, view, measure, heat threshold and sensitivity, city centre,
// crime types, reset. Every one works from the keyboard and lands in the URL.
import { MAP_AREA } from '../lib/map-area.ts';
import type { MapData } from '../shared/map-data.ts';
import { capitalise, countedNoun } from '../lib/format.ts';
import {
  INTENSITY_MAX,
  INTENSITY_MIN,
  THRESHOLD_STEPS,
  defaultState,
  type MapViewState,
  type StateContext,
} from '../lib/map-state.ts';
import { HEAT_NOTE_ID, RATE_NOTE_ID } from './MapLegend.tsx';
import { MonthRangeSlider } from './MonthRangeSlider.tsx';
import type { Commit } from './use-map-state.ts';
import type { JSX } from 'preact';
import { useMemo } from 'preact/hooks';

export interface MapControlsProps {
  data: MapData;
  context: StateContext;
  state: MapViewState;
  from: number;
  to: number;
  rangeLabel: string;
  commit: Commit;
  /** The crime type picker, built by the caller only when the types change. */
  typePicker: JSX.Element;
  /** What the rates divide by (rateCaveat), said under the choice of measure while it is rate. */
  rateNote: string;
  /** What the heat colours show (heatCaveat), said with the heat's controls. */
  heatNote: string;
}

function Radios<T extends string>(props: {
  legend: string;
  name: string;
  options: readonly (readonly [T, string])[];
  value: T;
  onChange(value: T): void;
}) {
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      {props.options.map(([option, label]) => (
        <label key={option} class="crime-map__option">
          <input
            type="radio"
            name={props.name}
            value={option}
            checked={props.value === option}
            onChange={() => props.onChange(option)}
          />{' '}
          {label}
        </label>
      ))}
    </fieldset>
  );
}

interface HeatControlsProps {
  types: MapViewState['types'];
  note: string;
  threshold: number;
  intensity: number;
  commit: Commit;
}

function HeatControls({ types, note, threshold, intensity, commit }: HeatControlsProps) {
  // What the threshold counts, named as the legend and figures name it.
  const unit = countedNoun(types, threshold);
  const stepIndex = Math.max(
    0,
    THRESHOLD_STEPS.findIndex((t) => t === threshold),
  );
  const setThreshold = (i: number) => THRESHOLD_STEPS[i] ?? THRESHOLD_STEPS[0];
  return (
    <>
      <div class="crime-map__field">
        <label for="crime-map-threshold" class="crime-map__label">
          Hide places with fewer than <span>{threshold}</span> {unit}
        </label>
        <input
          id="crime-map-threshold"
          type="range"
          min={0}
          max={THRESHOLD_STEPS.length - 1}
          step={1}
          value={stepIndex}
          aria-valuetext={`${threshold} ${unit}`}
          onInput={(e) =>
            commit({ threshold: setThreshold(Number(e.currentTarget.value)) }, 'step')
          }
        />
      </div>
      <div class="crime-map__field">
        <label for="crime-map-intensity" class="crime-map__label">
          Heat sensitivity: <span>{intensity}</span> of {INTENSITY_MAX}
        </label>
        <input
          id="crime-map-intensity"
          type="range"
          min={INTENSITY_MIN}
          max={INTENSITY_MAX}
          step={1}
          value={intensity}
          onInput={(e) => commit({ intensity: Number(e.currentTarget.value) }, 'step')}
        />
        <p class="crime-map__note">
          Higher: fewer {countedNoun(types)} at a place reach the top colour.
        </p>
      </div>
      {/* The legend's link to it moves focus here (tabIndex -1). */}
      <p
        class="crime-map__note crime-map__panel-note"
        id={HEAT_NOTE_ID}
        tabIndex={-1}
        data-twin={HEAT_NOTE_ID}
      >
        {note}
      </p>
    </>
  );
}

export function MapControls(props: MapControlsProps) {
  const { data, context, state, commit, from, to, rangeLabel, rateNote, heatNote } = props;
  const { types, view, measure, threshold, intensity, excludeCityCentre } = state;
  const centre = MAP_AREA.centre;
  const noun = countedNoun(types);
  // Each part is built again only when what it shows changes: a slider step redraws the
  // months, not the radios, switches and buttons around them.
  const months = useMemo(
    () => (
      <div class="crime-map__field">
        {/* The readouts are plain text, not <output>: an output is a live region, which read
            every step of a handle out, beside its value text and the figures' one
            announcement per change, and which the group's name (labelId) left out. */}
        <p id="crime-map-months-label" class="crime-map__label">
          Months: <span id="crime-map-range">{rangeLabel}</span>
        </p>
        <MonthRangeSlider
          months={data.months}
          hasData={data.hasData}
          from={from}
          to={to}
          labelId="crime-map-months-label"
          onMove={(first, last) =>
            commit(
              { from: data.months[first] ?? state.from, to: data.months[last] ?? state.to },
              'step',
            )
          }
        />
      </div>
    ),
    [data, from, to, state.from, state.to, rangeLabel, commit],
  );
  const views = useMemo(
    () => (
      <>
        <Radios
          legend="Map view"
          name="view"
          options={[
            ['heat', `Heatmap of ${noun}`],
            ['wards', `${capitalise(noun)} by ward`],
          ]}
          value={view}
          onChange={(next) => commit({ view: next }, 'push')}
        />
        <Radios
          legend="Measure wards by"
          name="measure"
          options={[
            ['count', capitalise(noun)],
            ['rate', `${capitalise(noun)} per 1,000 residents`],
          ]}
          value={measure}
          onChange={(next) => commit({ measure: next }, 'push')}
        />
        {/* The legend's link to it moves focus here (tabIndex -1). */}
        {measure === 'rate' && (
          <p
            class="crime-map__note crime-map__panel-note"
            id={RATE_NOTE_ID}
            tabIndex={-1}
            data-twin={RATE_NOTE_ID}
          >
            {rateNote}
          </p>
        )}
      </>
    ),
    [noun, view, measure, rateNote, commit],
  );
  const heat = useMemo(
    () =>
      view === 'heat' && (
        <HeatControls
          types={types}
          note={heatNote}
          threshold={threshold}
          intensity={intensity}
          commit={commit}
        />
      ),
    [view, types, heatNote, threshold, intensity, commit],
  );
  const centreSwitch = useMemo(
    () =>
      centre !== null && (
        <div class="crime-map__field">
          <label class="crime-map__switch">
            <input
              type="checkbox"
              role="switch"
              id="crime-map-cc"
              checked={excludeCityCentre}
              onChange={(e) => commit({ excludeCityCentre: e.currentTarget.checked }, 'push')}
            />{' '}
            Exclude {centre.label}
          </label>
          <p class="crime-map__note">
            {capitalise(centre.label)} = {centre.description}
          </p>
        </div>
      ),
    [centre, excludeCityCentre, commit],
  );
  const reset = useMemo(
    () => (
      <button
        type="button"
        class="crime-map__reset"
        onClick={() => commit(defaultState(context), 'push')}
      >
        Reset the map
      </button>
    ),
    [context, commit],
  );
  return (
    <form class="crime-map__controls" aria-label="Map filters" onSubmit={(e) => e.preventDefault()}>
      {months}
      {views}
      {heat}
      {centreSwitch}
      {props.typePicker}
      {reset}
    </form>
  );
}
