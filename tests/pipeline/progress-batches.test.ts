// batchedProgress: counts handed on once a batch has built up, the rest on flush, adding up to
// everything counted.
import { describe, expect, it } from 'vitest';
import { batchedProgress } from '../../pipeline/progress-batches.ts';

/** The reports of a counter of `batch` given `counts`, then flushed. */
function reportsOf(counts: readonly number[], batch: number): number[] {
  const reports: number[] = [];
  const progress = batchedProgress((n) => reports.push(n), batch);
  for (const n of counts) progress.add(n);
  progress.flush();
  return reports;
}

describe('batchedProgress', () => {
  it('reports once a batch has built up, then the rest on flush', () => {
    expect(reportsOf([300, 300, 300, 300, 300], 1000)).toEqual([1200, 300]);
  });

  it('reports a count of a batch or more at once', () => {
    expect(reportsOf([5000, 10, 1000], 1000)).toEqual([5000, 1010]);
  });

  it('reports nothing more on flush when nothing is left', () => {
    expect(reportsOf([1000, 1000], 1000)).toEqual([1000, 1000]);
    expect(reportsOf([], 1000)).toEqual([]);
  });

  it('adds up to everything counted, in a report for each full batch at most', () => {
    const counts = Array.from({ length: 500 }, (_, i) => 65_536 - (i % 7) * 1000);
    const total = counts.reduce((a, b) => a + b, 0);
    const reports = reportsOf(counts, 1 << 20);
    expect(reports.reduce((a, b) => a + b, 0)).toBe(total);
    expect(reports.length).toBeLessThanOrEqual(Math.floor(total / (1 << 20)) + 1);
    expect(reports.slice(0, -1).every((n) => n >= 1 << 20)).toBe(true);
  });
});
