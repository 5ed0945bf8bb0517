// A ward's monthly trend as a small SVG line. Months without data break the line (gaps,
// never zeros); a month with data between two gaps is drawn as a dot.
import { formatCount } from '../lib/format.ts';
import { longMonth } from '../shared/months.ts';

const WIDTH = 240;
const HEIGHT = 48;
const PAD = 4;

export interface SparklineProps {
  series: readonly { month: string; count: number | null }[];
  label: string;
}

export function Sparkline({ series, label }: SparklineProps) {
  const n = series.length;
  let max = 0;
  let peak: { month: string; count: number } | null = null;
  for (const s of series) {
    if (s.count !== null && s.count >= max) {
      max = s.count;
      peak = { month: s.month, count: s.count };
    }
  }
  const x = (i: number) => (n <= 1 ? WIDTH / 2 : PAD + (i / (n - 1)) * (WIDTH - 2 * PAD));
  const y = (v: number) => HEIGHT - PAD - (max === 0 ? 0 : (v / max) * (HEIGHT - 2 * PAD));

  const runs: { i: number; v: number }[][] = [];
  let run: { i: number; v: number }[] = [];
  series.forEach((s, i) => {
    if (s.count === null) {
      if (run.length > 0) runs.push(run);
      run = [];
    } else run.push({ i, v: s.count });
  });
  if (run.length > 0) runs.push(run);

  const withData = series.filter((s) => s.count !== null).length;
  const gaps = n - withData;
  const description =
    `${label}: ${withData} month${withData === 1 ? '' : 's'} with data` +
    (gaps > 0 ? `, ${gaps} without` : '') +
    (peak !== null ? `; highest ${formatCount(peak.count)} in ${longMonth(peak.month)}` : '');

  return (
    <svg
      class="crime-map__sparkline"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width={WIDTH}
      height={HEIGHT}
      role="img"
      aria-label={description}
    >
      <line x1={PAD} x2={WIDTH - PAD} y1={HEIGHT - PAD} y2={HEIGHT - PAD} class="axis" />
      {runs.map((r) =>
        r.length === 1 ? (
          <circle key={r[0]?.i} cx={x(r[0]?.i ?? 0)} cy={y(r[0]?.v ?? 0)} r={2.5} />
        ) : (
          <polyline key={r[0]?.i} points={r.map((p) => `${x(p.i)},${y(p.v)}`).join(' ')} />
        ),
      )}
    </svg>
  );
}
