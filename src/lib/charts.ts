// Geometry of the charts drawn at build time as SVG. Pure: numbers in, coordinates out.
// A null value is a month without data: the line breaks there; it never drops to zero.
import { max as d3max } from 'd3-array';

export interface ChartBox {
  width: number;
  height: number;
  /** Room for axis labels. */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const TREND_BOX: ChartBox = {
  width: 640,
  height: 240,
  left: 48,
  right: 28,
  top: 12,
  bottom: 36,
};

/** Axis ticks: about this many, at round numbers. */
const TARGET_TICKS = 4;

export interface TrendPoint {
  x: number;
  y: number;
  value: number;
  label: string;
}

export interface TrendGeometry {
  /** One SVG path `d` per run of consecutive months with data. */
  lines: string[];
  points: TrendPoint[];
  /** Months without data, as x positions for a gap marker. */
  /** A month without data: where, its label and its value's position. */
  gaps: { x: number; label: string; index: number }[];
  yTicks: { y: number; value: number }[];
  /**
   * Labels under the x axis, thinned; `index` is the value's position. `narrow`: the label is
   * also shown on a narrow chart, whose larger text needs twice the room (every other label
   * gives way there; the first and last months stay labelled).
   */
  xLabels: { x: number; label: string; index: number; narrow: boolean }[];
  box: ChartBox;
}

/** A step of 1, 2 or 5 times a power of ten giving about `target` ticks up to `max`. */
export function niceStep(max: number, target = TARGET_TICKS): number {
  if (max <= 0) return 1;
  const raw = max / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  return Math.max(1, step);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * A line chart of `values` (one per label, null = no data). The y axis starts at 0 so the
 * heights compare honestly; x labels are thinned to at most `maxXLabels`, the last month's
 * always among them.
 */
export function trendGeometry(
  values: readonly (number | null)[],
  labels: readonly string[],
  box: ChartBox = TREND_BOX,
  maxXLabels = 7,
): TrendGeometry {
  if (values.length !== labels.length) {
    throw new Error(`trendGeometry: ${values.length} values but ${labels.length} labels`);
  }
  const max = Math.max(0, d3max(values, (v) => v) ?? 0);
  const step = niceStep(max);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const plotW = box.width - box.left - box.right;
  const plotH = box.height - box.top - box.bottom;
  const slot = values.length > 1 ? plotW / (values.length - 1) : 0;
  const xAt = (i: number) => round(box.left + (values.length > 1 ? i * slot : plotW / 2));
  const yAt = (v: number) => round(box.top + plotH - (v / top) * plotH);

  const points: TrendPoint[] = [];
  const gaps: TrendGeometry['gaps'] = [];
  const lines: string[] = [];
  let run: string[] = [];
  values.forEach((value, i) => {
    const label = labels[i] ?? '';
    if (value === null) {
      gaps.push({ x: xAt(i), label, index: i });
      if (run.length > 0) lines.push(run.join(' '));
      run = [];
      return;
    }
    const point = { x: xAt(i), y: yAt(value), value, label };
    points.push(point);
    run.push(`${run.length === 0 ? 'M' : 'L'}${point.x},${point.y}`);
  });
  if (run.length > 0) lines.push(run.join(' '));

  const yTicks = [];
  for (let v = 0; v <= top; v += step) yTicks.push({ y: yAt(v), value: v });
  // Every `every`-th month is labelled, and the last month always is: a regular label less
  // than `every` months before the last would overlap it, so that one is left out (which also
  // keeps the count within maxXLabels). A narrow chart labels every `2 * every`-th month the
  // same way: a subset of the labels, never closer than twice their step. The first month is
  // always labelled: it and the last are the plot's width apart.
  const every = Math.max(1, Math.ceil(labels.length / maxXLabels));
  const last = labels.length - 1;
  const labelled = (index: number, step: number) =>
    index === 0 || index === last || (index % step === 0 && last - index >= step);
  const xLabels = labels
    .map((label, index) => ({ x: xAt(index), label, index, narrow: labelled(index, 2 * every) }))
    .filter(({ index }) => labelled(index, every));
  return { lines, points, gaps, yTicks, xLabels, box };
}

/** Bar lengths as percentages of the largest value (0-100). */
export function barPercents(values: readonly number[]): number[] {
  const max = Math.max(0, d3max(values) ?? 0);
  return values.map((v) => (max === 0 ? 0 : round((v / max) * 100)));
}
