import { describe, expect, it } from 'vitest';
import { boxBlur, colourGrid, levelPixels } from '../../../src/islands/heat-layer.ts';

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

/** One box blur pass done the slow, obvious way: each cell is the mean of its box, zeros outside. */
function naiveBoxBlur(grid: Float32Array, w: number, h: number, r: number): Float32Array {
  const along = (src: Float32Array, dx: number, dy: number) => {
    const out = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let sum = 0;
        for (let k = -r; k <= r; k++) {
          const sx = x + k * dx;
          const sy = y + k * dy;
          if (sx >= 0 && sx < w && sy >= 0 && sy < h) sum += src[sy * w + sx] ?? 0;
        }
        out[y * w + x] = sum / (2 * r + 1);
      }
    }
    return out;
  };
  return along(along(grid, 1, 0), 0, 1);
}

describe('boxBlur(grid, w, h, r, passes, scratch)', () => {
  it('equals passes of a plain box average, for odd and even sizes and radii', () => {
    for (const [w, h, r] of [
      [17, 12, 2],
      [12, 17, 3],
      [9, 9, 1],
      [5, 4, 3],
    ] as const) {
      const grid = new Float32Array(w * h);
      // A fixed scatter of values, some at the edges.
      for (let i = 0; i < grid.length; i += 7) grid[i] = (i % 13) + 1;
      let expected: Float32Array = grid;
      for (let pass = 0; pass < 3; pass++) expected = naiveBoxBlur(expected, w, h, r);
      const blurred = grid.slice();
      boxBlur(blurred, w, h, r, 3, new Float32Array(w * h));
      for (let i = 0; i < grid.length; i++) {
        expect(blurred[i], `cell ${i} of ${w} x ${h}, r ${r}`).toBeCloseTo(expected[i] ?? 0, 4);
      }
    }
  });
});

describe('colourGrid(grid, dims, saturation, levelPixels(grad), pixels)', () => {
  it('gives each visible cell the colour of its level with the level as alpha, and clears the rest', () => {
    // A made-up gradient: level i is (i, 255 - i, i / 2), so every byte tells its level.
    const grad = new Uint8ClampedArray(256 * 4);
    for (let i = 0; i < 256; i++) grad.set([i, 255 - i, i >> 1, 255], i * 4);
    const pad = 1;
    const cols = 4;
    const rows = 2;
    const w = cols + 2 * pad;
    const grid = new Float32Array(w * (rows + 2 * pad));
    // Cells at levels 0, 5 (under MIN_VISIBLE, 2% of 255), 6, 100.4, 254.6, 300 (saturated);
    // the pad around them is never read.
    const values = [0, 5, 6, 100.4, 254.6, 300, 128, 1];
    values.forEach((v, i) => (grid[(pad + Math.floor(i / cols)) * w + pad + (i % cols)] = v));
    grid.fill(999, 0, w);
    const saturation = 255;
    const pixels = new Uint8ClampedArray(cols * rows * 4).fill(77);
    colourGrid(
      grid,
      { w, pad, cols, rows },
      saturation,
      levelPixels(grad),
      new Uint32Array(pixels.buffer),
    );
    const expected = values.flatMap((v) => {
      if (v < 0.02 * 255) return [0, 0, 0, 0];
      const level = Math.min(255, Math.round(v));
      return [level, 255 - level, level >> 1, level];
    });
    expect(Array.from(pixels)).toEqual(expected);
  });
});
