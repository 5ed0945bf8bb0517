// Colours of the ward choropleth and the legend that explains them. Pure.
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
  /** Inclusive bounds, in steps of the scale's `step` (1 crime, or 0.1 per 1,000). */
  from: number;
  to: number;
}

export interface ChoroplethScale {
  colour(value: number): string;
  /** The classes that hold at least one possible value, lightest first. */
  legend: LegendClass[];
}

/**
 * Quantile classes: about the same number of wards in each colour. Ward counts are skewed
 * (the city-centre ward has several times the crimes of most others), so equal-width classes
 * would paint nearly every ward the lightest colour. `step` is the smallest difference the
 * legend shows: 1 for counts, 0.1 for rates printed with one decimal.
 */
export function choroplethScale(raw: readonly number[], step = 1): ChoroplethScale {
  // Classes of the values as printed, so a ward's colour and the legend line its printed
  // value falls in always agree.
  const shown = (x: number) => Math.round(Math.round(x / step) * step * 1e6) / 1e6;
  const values = raw.map(shown);
  const max = values.reduce((a, b) => Math.max(a, b), 0);
  const min = values.reduce((a, b) => Math.min(a, b), max);
  if (max === min) {
    const colour = CHOROPLETH_COLOURS[0];
    return { colour: () => colour, legend: [{ colour, from: min, to: max }] };
  }
  const scale = scaleQuantile<string>()
    .domain([...values])
    .range([...CHOROPLETH_COLOURS]);
  const thresholds = scale.quantiles();
  // Bounds on the legend's grid (whole steps), so "10.0 to 12.3" and "12.4 to ..." meet.
  const up = (x: number) => Math.round(Math.ceil(x / step - 1e-9) * step * 1e6) / 1e6;
  const legend: LegendClass[] = [];
  CHOROPLETH_COLOURS.forEach((colour, i) => {
    // Class i holds the values x with thresholds[i - 1] <= x < thresholds[i].
    const lower = i === 0 ? min : up(thresholds[i - 1] ?? min);
    const upper =
      i === CHOROPLETH_COLOURS.length - 1
        ? max
        : Math.round((up(thresholds[i] ?? max) - step) * 1e6) / 1e6;
    if (lower <= upper) legend.push({ colour, from: lower, to: upper });
  });
  return { colour: (value) => scale(shown(value)), legend };
}
