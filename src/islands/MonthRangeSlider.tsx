// Two-handle month range slider (noUiSlider): drag either handle, or the bar between them to
// move the whole window. Handles are labelled and announce month names to screen readers.
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import noUiSlider, { type API } from 'nouislider';
import { longMonth, shortMonth } from '../shared/months.ts';

export interface MonthRangeSliderProps {
  months: readonly string[];
  /** Whether each month of `months` has data: a handle on a gap says so. */
  hasData: readonly boolean[];
  from: number;
  to: number;
  /**
   * The range moved: while a handle or the bar moves (mouse, touch or key) and again when the
   * move ends (letting go, a tap on the bar), with the same months as its last step.
   */
  onMove(from: number, to: number): void;
  labelId: string;
}

function toIndex(value: string | number): number {
  return Math.round(Number(value));
}

export function monthRangeLabel(months: readonly string[], from: number, to: number): string {
  const first = months[from];
  const last = months[to];
  if (first === undefined || last === undefined) return '';
  return first === last ? shortMonth(first) : `${shortMonth(first)} – ${shortMonth(last)}`;
}

/**
 * What a handle on month `index` of the axis says to a screen reader: the month, and that it
 * has no data when it is a gap ("April 2024, no data"), as the figures say of it.
 */
export function monthValueText(
  months: readonly string[],
  hasData: readonly boolean[],
  index: number,
): string {
  // A value off the axis reads as its first month, that month's data with it.
  const at = index >= 0 && index < months.length ? index : 0;
  const month = months[at];
  if (month === undefined) return '';
  return hasData[at] === false ? `${longMonth(month)}, no data` : longMonth(month);
}

export function MonthRangeSlider(props: MonthRangeSliderProps) {
  const element = useRef<HTMLDivElement>(null);
  const slider = useRef<API | null>(null);
  const callbacks = useRef(props);
  callbacks.current = props;
  const { months, hasData } = props;

  useEffect(() => {
    const target = element.current;
    if (target === null || months.length < 2) return undefined;
    const api = noUiSlider.create(target, {
      start: [props.from, props.to],
      range: { min: 0, max: months.length - 1 },
      step: 1,
      connect: true,
      behaviour: 'drag',
      keyboardDefaultStep: 1,
      handleAttributes: [{ 'aria-label': 'First month' }, { 'aria-label': 'Last month' }],
      ariaFormat: {
        to: (value: number) => monthValueText(months, hasData, toIndex(value)),
        from: (text: string) => Number(text),
      },
      format: { to: (value: number) => toIndex(value), from: (text: string) => Number(text) },
    });
    const read = (values: (string | number)[]): [number, number] => [
      toIndex(values[0] ?? 0),
      toIndex(values[1] ?? 0),
    ];
    api.on('slide', (values) => callbacks.current.onMove(...read(values)));
    api.on('change', (values) => callbacks.current.onMove(...read(values)));
    slider.current = api;
    return () => {
      api.destroy();
      slider.current = null;
    };
    // Created once per month axis; from/to follow in the effect below.
  }, [months, hasData]);

  // A layout effect runs right after the render that the slider's own move caused, before the
  // next key press or pointer move; a deferred effect could run after it and pull the handle
  // back to the previous month.
  useLayoutEffect(() => {
    const api = slider.current;
    if (api === null) return;
    const [from, to] = (api.get(true) as number[]).map(toIndex);
    // set() fires 'set' and 'update' but not 'slide' or 'change', so this never loops back.
    if (from !== props.from || to !== props.to) api.set([props.from, props.to], false);
  }, [props.from, props.to]);

  if (months.length < 2) {
    return <p class="crime-map__note">Only one month of data: {monthRangeLabel(months, 0, 0)}.</p>;
  }
  return (
    <div ref={element} class="crime-map__slider" role="group" aria-labelledby={props.labelId} />
  );
}
