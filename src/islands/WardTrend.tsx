// A ward's monthly crimes as a small line chart with labelled ends: the highest month on the
// vertical axis, the first and last month under the horizontal one. Months without data break
// the line and are marked on the axis (gaps, never zeros); a month with data between two gaps
// is a dot.
import { plural } from '../lib/format.ts';
import { formatCount } from '../shared/format-count.ts';
import { longMonth, shortMonth } from '../shared/months.ts';

const WIDTH = 300;
const HEIGHT = 120;
/** Room for the axis labels: left for the counts, bottom for the months. */
const LEFT = 36;
const RIGHT = 8;
const TOP = 10;
const BOTTOM = 22;

export interface WardTrendProps {
  series: readonly { month: string; count: number | null }[];
  /** The series' months without data in words ("Apr 2024–Jan 2025"), "" when it has none. */
  gapMonths: string;
  label: string;
}

function runsOf(series: WardTrendProps['series']): { i: number; v: number }[][] {
  const runs: { i: number; v: number }[][] = [];
  let run: { i: number; v: number }[] = [];
  series.forEach((s, i) => {
    if (s.count === null) {
      if (run.length > 0) runs.push(run);
      run = [];
    } else run.push({ i, v: s.count });
  });
  if (run.length > 0) runs.push(run);
  return runs;
}

export function WardTrend({ series, gapMonths, label }: WardTrendProps) {
  const n = series.length;
  const first = series[0];
  const last = series.at(-1);
  if (first === undefined || last === undefined) return null;
  let peak: { month: string; count: number } | null = null;
  for (const s of series) {
    if (s.count !== null && s.count >= (peak?.count ?? 0))
      peak = { month: s.month, count: s.count };
  }
  const max = peak?.count ?? 0;
  const x = (i: number) =>
    n <= 1 ? (LEFT + WIDTH - RIGHT) / 2 : LEFT + (i / (n - 1)) * (WIDTH - LEFT - RIGHT);
  const base = HEIGHT - BOTTOM;
  const y = (v: number) => base - (max === 0 ? 0 : (v / max) * (base - TOP));
  const withData = series.filter((s) => s.count !== null).length;
  const gaps = n - withData;
  const description =
    `${label}, ${longMonth(first.month)} to ${longMonth(last.month)}: ${withData} ` +
    `${plural(withData, 'month', 'months')} with data` +
    (gaps > 0 ? `, ${gaps} without (gaps: ${gapMonths})` : '') +
    (peak !== null ? `; highest ${formatCount(peak.count)} in ${longMonth(peak.month)}` : '');
  return (
    <svg
      class="crime-map__trend"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={description}
    >
      <line x1={LEFT} x2={LEFT} y1={TOP} y2={base} class="axis" />
      <line x1={LEFT} x2={WIDTH - RIGHT} y1={base} y2={base} class="axis" />
      <text x={LEFT - 4} y={TOP + 4} text-anchor="end">
        {formatCount(max)}
      </text>
      <text x={LEFT - 4} y={base} text-anchor="end">
        0
      </text>
      <text x={LEFT} y={HEIGHT - 4} text-anchor="start">
        {shortMonth(first.month)}
      </text>
      <text x={WIDTH - RIGHT} y={HEIGHT - 4} text-anchor="end">
        {shortMonth(last.month)}
      </text>
      {series.map((s, i) =>
        s.count === null ? (
          <rect key={s.month} class="gap" x={x(i) - 2} y={base - 6} width={4} height={6} />
        ) : null,
      )}
      {runsOf(series).map((r) =>
        r.length === 1 ? (
          <circle key={r[0]?.i} cx={x(r[0]?.i ?? 0)} cy={y(r[0]?.v ?? 0)} r={3} />
        ) : (
          <polyline key={r[0]?.i} points={r.map((p) => `${x(p.i)},${y(p.v)}`).join(' ')} />
        ),
      )}
    </svg>
  );
}
