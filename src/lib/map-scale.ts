// Colours of the ward choropleth and the legend that explains them. Pure.
import { scaleQuantize } from 'd3-scale';

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
  /** Inclusive lower and exclusive upper bound (the last class includes its upper bound). */
  from: number;
  to: number;
}

export interface ChoroplethScale {
  colour(value: number): string;
  legend: LegendClass[];
}

/** The smallest of 1, 2, 5 x 10^k that is at least `x` (x > 0). */
function roundStep(x: number): number {
  const power = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * power >= x) return m * power;
  return 10 * power;
}

/** Equal-width classes of a round width (at least 1), from 0 to at or above the largest value. */
export function choroplethScale(values: Iterable<number>): ChoroplethScale {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  const classes = CHOROPLETH_COLOURS.length;
  const step = Math.max(1, roundStep(Math.max(max, 1) / classes));
  const scale = scaleQuantize<string>()
    .domain([0, step * classes])
    .range([...CHOROPLETH_COLOURS]);
  const legend = CHOROPLETH_COLOURS.map((colour, i) => ({
    colour,
    from: i * step,
    to: (i + 1) * step,
  }));
  return { colour: (value) => scale(value), legend };
}
