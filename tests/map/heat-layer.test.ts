import { describe, expect, it } from 'vitest';
import { boxBlur } from '../../src/islands/heat-layer.ts';

describe('boxBlur(grid, w, h, r, passes)', () => {
  it('spreads one point symmetrically and keeps its total away from the edges', () => {
    const w = 21;
    const h = 21;
    const grid = new Float32Array(w * h);
    grid[10 * w + 10] = 90;
    boxBlur(grid, w, h, 1, 3);
    const total = grid.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(90, 3);
    const at = (x: number, y: number) => grid[y * w + x] ?? 0;
    expect(at(10, 10)).toBeLessThan(90);
    expect(at(10, 10)).toBeGreaterThan(at(11, 10));
    expect(at(9, 10)).toBeCloseTo(at(11, 10), 5);
    expect(at(10, 9)).toBeCloseTo(at(10, 11), 5);
    // Three passes of half-width 1 reach exactly 3 cells out.
    expect(at(13, 10)).toBeGreaterThan(0);
    expect(at(14, 10)).toBe(0);
  });
});
