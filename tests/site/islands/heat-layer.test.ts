import { describe, expect, it } from 'vitest';
import {
  addAlongRow,
  blurDown,
  colourGrid,
  growRows,
  heldBox,
  levelPixels,
  rowKernels,
  type CellBox,
  type CellExtent,
} from '../../../src/islands/heat-layer.ts';
import { seededRandom } from '../../support/seeded-random.ts';

/**
 * The layer's blur of the values in `grid`: each value added along its row (addAlongRow), then
 * the columns blurred (blurDown).
 */
function blurBoth(grid: Float32Array, w: number, h: number, r: number, passes: number) {
  const kernels = rowKernels(w, r, passes);
  const out = new Float32Array(w * h);
  grid.forEach((v, i) => {
    if (v !== 0) addAlongRow(out, w, i % w, Math.floor(i / w), v, kernels, passes * r);
  });
  blurDown(out, w, h, r, passes, new Float32Array(w * h));
  return out;
}

describe('addAlongRow(grid, w, x, y, value, rowKernels(w, r, passes)) then blurDown(grid, w, h, r, passes)', () => {
  it('spreads one point symmetrically and keeps its total away from the edges', () => {
    const w = 21;
    const h = 21;
    const grid = new Float32Array(w * h);
    grid[10 * w + 10] = 90;
    grid.set(blurBoth(grid, w, h, 1, 3));
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

describe('addAlongRow then blurDown', () => {
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
      const blurred = blurBoth(grid, w, h, r, 3);
      for (let i = 0; i < grid.length; i++) {
        expect(blurred[i], `cell ${i} of ${w} x ${h}, r ${r}`).toBeCloseTo(expected[i] ?? 0, 4);
      }
    }
  });
});

describe('blurDown(grid, w, h, r, passes, scratch, box) and colourGrid(..., box)', () => {
  /** A grid whose values all lie in `box`, as the layer bins them (rows blurred on the way in). */
  function valuesIn(box: CellBox, w: number, h: number, r: number, passes: number) {
    const kernels = rowKernels(w, r, passes);
    const grid = new Float32Array(w * h);
    const reach = passes * r;
    // Points inside the box less the row spread, some on its edges.
    for (let y = box.y0; y < box.y1; y++) {
      for (let x = box.x0 + reach; x < box.x1 - reach; x++) {
        if ((x * 7 + y * 3) % 5 === 0)
          addAlongRow(grid, w, x, y, ((x + y) % 9) + 0.37, kernels, reach);
      }
    }
    return grid;
  }

  it('blurs only the box and the rows it reaches, to the same bits as the whole grid', () => {
    const [w, h, r, passes] = [40, 36, 2, 3];
    for (const box of [
      { x0: 9, x1: 30, y0: 10, y1: 20 },
      // At the grid's edges: the rows it would reach beyond them are cut.
      { x0: 0, x1: 40, y0: 0, y1: 5 },
      { x0: 4, x1: 24, y0: 33, y1: 36 },
    ]) {
      const whole = valuesIn(box, w, h, r, passes);
      const boxed = whole.slice();
      blurDown(whole, w, h, r, passes, new Float32Array(w * h));
      // Old values in the scratch, as a previous redraw leaves them, must not leak in.
      blurDown(boxed, w, h, r, passes, new Float32Array(w * h).fill(5), box);
      expect(Array.from(boxed)).toEqual(Array.from(whole));
      // The blur reached rows above the box (none there at the top edge).
      expect(whole.some((v, i) => v !== 0 && Math.floor(i / w) < box.y0)).toBe(box.y0 > 0);
    }
  });

  it('colours the grown box alone, to the same pixels as the whole grid', () => {
    const [cols, rows, pad, r, passes] = [30, 24, 7, 2, 3];
    const [w, h] = [cols + 2 * pad, rows + 2 * pad];
    const box = { x0: 10, x1: 30, y0: 12, y1: 25 };
    const grid = valuesIn(box, w, h, r, passes);
    blurDown(grid, w, h, r, passes, new Float32Array(w * h), box);
    const grad = new Uint8ClampedArray(256 * 4).map((_, i) => i % 251);
    const colour = (b?: CellBox) => {
      const pixels = new Uint32Array(cols * rows).fill(0xdeadbeef);
      colourGrid(grid, { w, pad, cols, rows }, 2, levelPixels(grad), pixels, b);
      return Array.from(pixels);
    };
    const whole = colour();
    expect(whole.some((p) => p !== 0)).toBe(true);
    expect(colour(growRows(box, passes * r, h))).toEqual(whole);
    // An empty box: no values, every pixel transparent.
    expect(colour({ x0: 0, x1: 0, y0: 0, y1: 0 }).every((p) => p === 0)).toBe(true);
  });
});

describe('heldBox(extent, w, reach) as the layer draws with it', () => {
  /**
   * The layer's draw of points at cells `at` (x, y, value) on a grid of cols x rows plus `pad`:
   * binned along their rows, then blurred down and coloured over `box` of the cells they were
   * added at (or the whole grid). Returns the blurred grid and the pixels.
   */
  function draw(
    at: [number, number, number][],
    dims: { cols: number; rows: number; pad: number; r: number },
    box?: (extent: CellExtent, w: number, reach: number) => CellBox,
  ) {
    const { cols, rows, pad, r } = dims;
    const [w, h, passes] = [cols + 2 * pad, rows + 2 * pad, 3];
    const reach = passes * r;
    const kernels = rowKernels(w, r, passes);
    const grid = new Float32Array(w * h);
    const extent = { left: w, right: -1, top: h, bottom: -1 };
    for (const [x, y, v] of at) {
      addAlongRow(grid, w, x, y, v, kernels, reach);
      extent.left = Math.min(extent.left, x);
      extent.right = Math.max(extent.right, x);
      extent.top = Math.min(extent.top, y);
      extent.bottom = Math.max(extent.bottom, y);
    }
    const held = box?.(extent, w, reach);
    // Old values in the scratch and the pixels, as a previous redraw leaves them.
    blurDown(grid, w, h, r, passes, new Float32Array(w * h).fill(3), held);
    const grad = new Uint8ClampedArray(256 * 4).map((_, i) => (i * 7) % 256);
    const pixels = new Uint32Array(cols * rows).fill(0xdeadbeef);
    const coloured = held === undefined ? undefined : growRows(held, reach, h);
    colourGrid(grid, { w, pad, cols, rows }, 1.5, levelPixels(grad), pixels, coloured);
    return { grid: Array.from(grid), pixels: Array.from(pixels) };
  }

  it('blurs and colours to the same bits as the whole grid, for points anywhere, edges and corners included', () => {
    const next = seededRandom(11);
    const cell = (n: number) => Math.floor(next() * n);
    for (const [cols, rows, pad, r] of [
      [40, 30, 7, 2],
      [23, 41, 4, 1],
      [12, 9, 10, 3],
    ] as const) {
      const [w, h] = [cols + 2 * pad, rows + 2 * pad];
      const value = () => 0.5 + next() * 4;
      // A cluster well inside, so that the row blur's reach matters on both sides.
      const inside = Array.from({ length: 25 }, (): [number, number, number] => [
        Math.floor(w / 3) + cell(w / 3),
        Math.floor(h / 3) + cell(h / 3),
        value(),
      ]);
      const scattered = Array.from({ length: 60 }, (): [number, number, number] => [
        cell(w),
        cell(h),
        value(),
      ]);
      const corners: [number, number, number][] = [
        [0, 0, value()],
        [w - 1, 0, value()],
        [0, h - 1, value()],
        [w - 1, h - 1, value()],
      ];
      const edges: [number, number, number][] = [
        [cell(w), 0, value()],
        [w - 1, cell(h), value()],
        [cell(w), h - 1, value()],
        [0, cell(h), value()],
      ];
      for (const [name, at] of [
        ['one point', [inside[0] ?? [0, 0, 1]]],
        ['a cluster inside', inside],
        ['points anywhere', scattered],
        ['the corners', corners],
        ['the edges and a cluster', [...edges, ...inside]],
        ['one point at a corner', [corners[3] ?? [0, 0, 1]]],
        ['no points', []],
      ] as const) {
        const whole = draw([...at], { cols, rows, pad, r });
        const boxed = draw([...at], { cols, rows, pad, r }, heldBox);
        const label = `${name}, ${cols} x ${rows}, pad ${pad}, r ${r}`;
        expect(boxed.grid, label).toEqual(whole.grid);
        expect(boxed.pixels, label).toEqual(whole.pixels);
        if (name === 'a cluster inside') expect(whole.pixels.some((p) => p !== 0)).toBe(true);
        // Points in the pad alone (the corners) show no pixel, but blur into the grid.
        expect(
          whole.grid.some((v) => v !== 0),
          label,
        ).toBe(at.length > 0);
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

describe('rowKernels(w, r, passes)', () => {
  it('gives each cell the row blur of a unit there, ends included', () => {
    for (const [w, r] of [
      [40, 2],
      [9, 1],
      [7, 3],
    ] as const) {
      const reach = 3 * r;
      const span = 2 * reach + 1;
      const kernels = rowKernels(w, r, 3);
      for (let x = 0; x < w; x++) {
        const unit = new Float32Array(w);
        unit[x] = 1;
        let expected: Float32Array = unit;
        for (let pass = 0; pass < 3; pass++) {
          const src = expected;
          // One pass along the row: each cell the mean of its box, zeros outside.
          expected = src.map((_, i) => {
            let sum = 0;
            for (let j = Math.max(0, i - r); j <= Math.min(w - 1, i + r); j++) sum += src[j] ?? 0;
            return sum / (2 * r + 1);
          });
        }
        for (let k = 0; k < span; k++) {
          const at = x - reach + k;
          const want = at >= 0 && at < w ? (expected[at] ?? 0) : 0;
          expect(kernels[x * span + k], `w ${w}, r ${r}, cell ${x}, weight ${k}`).toBeCloseTo(
            want,
            6,
          );
        }
      }
    }
  });
});
