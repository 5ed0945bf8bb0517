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
import { MonthRangeSlider } from './MonthRangeSlider.tsx';
import type { Commit } from './use-map-state.ts';
import type { JSX } from 'preact';

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

function HeatControls({ state, commit }: { state: MapViewState; commit: Commit }) {
  // What the threshold counts, named as the legend and figures name it.
  const unit = countedNoun(state.types, state.threshold);
  const stepIndex = Math.max(
    0,
    THRESHOLD_STEPS.findIndex((t) => t === state.threshold),
  );
  const setThreshold = (i: number) => THRESHOLD_STEPS[i] ?? THRESHOLD_STEPS[0];
  return (
    <>
      <div class="crime-map__field">
        <label for="crime-map-threshold" class="crime-map__label">
          Hide places with fewer than <output>{state.threshold}</output> {unit}
        </label>
        <input
          id="crime-map-threshold"
          type="range"
          min={0}
          max={THRESHOLD_STEPS.length - 1}
          step={1}
          value={stepIndex}
          aria-valuetext={`${state.threshold} ${unit}`}
          onInput={(e) =>
            commit({ threshold: setThreshold(Number(e.currentTarget.value)) }, 'step')
          }
        />
      </div>
      <div class="crime-map__field">
        <label for="crime-map-intensity" class="crime-map__label">
          Heat sensitivity: <output>{state.intensity}</output> of {INTENSITY_MAX}
        </label>
        <input
          id="crime-map-intensity"
          type="range"
          min={INTENSITY_MIN}
          max={INTENSITY_MAX}
          step={1}
          value={state.intensity}
          onInput={(e) => commit({ intensity: Number(e.currentTarget.value) }, 'step')}
        />
        <p class="crime-map__note">
          Higher: fewer {countedNoun(state.types)} at a place reach the top colour.
        </p>
      </div>
    </>
  );
}

export function MapControls(props: MapControlsProps) {
  const { data, context, state, commit } = props;
  const centre = MAP_AREA.centre;
  const noun = countedNoun(state.types);
  const months = (first: number, last: number) => ({
    from: data.months[first] ?? state.from,
    to: data.months[last] ?? state.to,
  });
  return (
    <form class="crime-map__controls" aria-label="Map filters" onSubmit={(e) => e.preventDefault()}>
      <div class="crime-map__field">
        <p id="crime-map-months-label" class="crime-map__label">
          Months: <output id="crime-map-range">{props.rangeLabel}</output>
        </p>
        <MonthRangeSlider
          months={data.months}
          from={props.from}
          to={props.to}
          labelId="crime-map-months-label"
          onMove={(first, last) => commit(months(first, last), 'step')}
        />
      </div>
      <Radios
        legend="Map view"
        name="view"
        options={[
          ['heat', `Heatmap of ${noun}`],
          ['wards', `${capitalise(noun)} by ward`],
        ]}
        value={state.view}
        onChange={(view) => commit({ view }, 'push')}
      />
      <Radios
        legend="Measure wards by"
        name="measure"
        options={[
          ['count', capitalise(noun)],
          ['rate', `${capitalise(noun)} per 1,000 residents`],
        ]}
        value={state.measure}
        onChange={(measure) => commit({ measure }, 'push')}
      />
      {state.view === 'heat' && <HeatControls state={state} commit={commit} />}
      {centre !== null && (
        <div class="crime-map__field">
          <label class="crime-map__switch">
            <input
              type="checkbox"
              role="switch"
              id="crime-map-cc"
              checked={state.excludeCityCentre}
              onChange={(e) => commit({ excludeCityCentre: e.currentTarget.checked }, 'push')}
            />{' '}
            Exclude {centre.label}
          </label>
          <p class="crime-map__note">
            {capitalise(centre.label)} = {centre.description}
          </p>
        </div>
      )}
      {props.typePicker}
      <button
        type="button"
        class="crime-map__reset"
        onClick={() => commit(defaultState(context), 'push')}
      >
        Reset the map
      </button>
    </form>
  );
}
