// Colours of the ward choropleth and the legend that explains them. Pure.
import { bisectRight, range } from 'd3-array';
import { scaleQuantile } from 'd3-scale';

/**
 * ColorBrewer YlOrRd, 6 classes: sequential, printable and safe for the common forms of
 * colour-vision deficiency (colorbrewer2.org). Light means few crimes, dark red many.
 */
export const CHOROPLETH_COLOURS = [
  '#ffffb2',
  '#fed976',
  '#feb24c',
  '#fd8d3c',
  '#f03b20',
  '#bd0026',
] as const;

export interface LegendClass {
  colour: string;
  /**
   * Inclusive bounds, in steps of the scale's `step` (1 crime, or 0.1 per 1,000), or
   * choroplethScale's stand-in for a value above 0 that rounds to 0 (printed "<0.1").
   */
  from: number;
  to: number;
}

export interface ChoroplethScale {
  /** A value's colour; null for no value (a ward without a rate), which has no fill. */
  colour(value: number | null): string | null;
  /** The classes that hold at least one possible value, lightest first. */
  legend: LegendClass[];
  /** How many of the values are null: wards without a rate, left without a colour. */
  withoutValue: number;
}

/**
 * What each ward is coloured by: its count, or its rate, null for a ward without one (no
 * residents to divide by), which is never coloured as a rate of 0. A ward of `leftOut` (a ward
 * wholly in the centre with the centre left out: wardsWhollyInCentre) has neither, and is
 * never coloured as a count of 0. `totals` and `rates` are indexed like the wards.
 */
export function choroplethValues(
  measure: 'count' | 'rate',
  totals: ArrayLike<number>,
  rates: readonly (number | null)[],
  leftOut: ReadonlySet<number> = new Set(),
): (number | null)[] {
  return rates.map((rate, ward) =>
    leftOut.has(ward) ? null : measure === 'count' ? (totals[ward] ?? 0) : rate,
  );
}

/**
 * Quantile classes: about the same number of wards in each colour. Ward counts are skewed
 * (the city-centre ward has several times the crimes of most others), so equal-width classes
 * would paint nearly every ward the lightest colour. `step` is the smallest difference the
 * legend shows: 1 for counts, 0.1 for rates printed with one decimal. A value of 0 beside
 * values above it is a class of its own, in the lightest colour: a ward with one crime is
 * never coloured as a ward with none. The other values share the other colours.
 */
export function choroplethScale(raw: readonly (number | null)[], step = 1): ChoroplethScale {
  // Classes of the values as printed, so a ward's colour and the legend line its printed
  // value falls in always agree. Rounded to the grid and `+ 0`, so no bound is ever -0, which
  // the legend would print as "-0.0".
  const onGrid = (x: number) => Math.round(x * 1e6) / 1e6 + 0;
  // A value above 0 that rounds to 0 is printed "<0.1", not "0.0" (formatRate): it has a
  // point of its own on the grid, between 0 and the first step, and this stands in for it.
  const belowStep = step / 10;
  const shown = (x: number) => {
    const rounded = onGrid(Math.round(x / step) * step);
    return rounded === 0 && x > 0 ? belowStep : rounded;
  };
  const values = raw.flatMap((x) => (x === null ? [] : [shown(x)]));
  const withoutValue = raw.length - values.length;
  if (values.length === 0) return { colour: () => null, legend: [], withoutValue };
  const max = values.reduce((a, b) => Math.max(a, b), 0);
  const min = values.reduce((a, b) => Math.min(a, b), max);
  if (max === min) {
    const colour = CHOROPLETH_COLOURS[0];
    return {
      colour: (value) => (value === null ? null : colour),
      legend: [{ colour, from: min, to: max }],
      withoutValue,
    };
  }
  // The grid points either side of a point. The point below the first step is on the grid
  // only when a value is there (a count never is): without one, "0.0" is followed by "0.1".
  const withBelowStep = values.includes(belowStep);
  const next = (x: number) =>
    x === 0 && withBelowStep ? belowStep : x === belowStep ? step : onGrid(x + step);
  const previous = (x: number) =>
    x === belowStep ? 0 : x === step && withBelowStep ? belowStep : onGrid(x - step);
  // Bounds on the legend's grid (whole steps), so "10.0 to 12.3" and "12.4 to ..." meet: a
  // printed value is at or above a bound exactly when it is at or above the quantile.
  const up = (x: number) =>
    x > 0 && x <= belowStep ? belowStep : onGrid(Math.ceil(x / step - 1e-9) * step);
  const zeroApart = min === 0;
  const quantiled = zeroApart ? values.filter((x) => x > 0) : values;
  const lowest = quantiled.reduce((a, b) => Math.min(a, b), max);
  // Many wards with the same value (no burglary in most wards over a month) make quantiles
  // that coincide: the classes between them hold nothing. Only distinct bounds above the
  // smallest value make classes, so the smallest value always takes the lightest colour left.
  let bounds = [
    ...new Set(
      scaleQuantile<number>()
        .domain(quantiled)
        .range(range(CHOROPLETH_COLOURS.length - (zeroApart ? 1 : 0)))
        .quantiles()
        .map(up),
    ),
  ].filter((bound) => bound > lowest);
  // Every quantile at the smallest value: the wards above it still get a colour of their own.
  if (bounds.length === 0 && max > lowest) bounds = [next(lowest)];
  if (zeroApart) bounds = [next(0), ...bounds];
  // Fewer classes than colours spread over the whole ramp: lightest to darkest still.
  const classes = bounds.length + 1;
  const last = CHOROPLETH_COLOURS.length - 1;
  const colourOf = (i: number): string =>
    CHOROPLETH_COLOURS[Math.round((i * last) / (classes - 1))] ?? CHOROPLETH_COLOURS[5];
  const legend: LegendClass[] = range(classes).map((i) => ({
    colour: colourOf(i),
    // Class i holds the printed values x with bounds[i - 1] <= x < bounds[i].
    from: i === 0 ? min : (bounds[i - 1] ?? min),
    to: i === classes - 1 ? max : previous(bounds[i] ?? max),
  }));
  return {
    colour: (value) => (value === null ? null : colourOf(bisectRight(bounds, shown(value)))),
    legend,
    withoutValue,
  };
}
