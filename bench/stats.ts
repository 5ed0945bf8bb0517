// Summaries of repeated measurements. Benchmarks report the median (robust to one noisy
// run on a shared machine) with the spread, never a single run.

export interface Summary {
  /** Number of samples. */
  n: number;
  median: number;
  /** Nearest-rank 95th percentile; equals the maximum when n < 20. */
  p95: number;
  min: number;
  max: number;
}

/** Value at quantile q (0..1) of sorted samples, by the nearest-rank method. */
function nearestRank(sorted: readonly number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] as number;
}

/** Median, p95, min and max of `samples`. Throws on an empty list or a non-finite sample. */
export function summarise(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('summarise() needs at least one sample');
  const bad = samples.find((s) => !Number.isFinite(s));
  if (bad !== undefined) throw new Error(`summarise() got a non-finite sample: ${bad}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = Number.isInteger(mid)
    ? ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
    : (sorted[Math.floor(mid)] as number);
  return {
    n: sorted.length,
    median,
    p95: nearestRank(sorted, 0.95),
    min: sorted[0] as number,
    max: sorted.at(-1) as number,
  };
}
