// The heatmap layer: leaflet.heat's layer (canvas placement, panning, zoom animation, options,
// gradient) with a faster drawing step. leaflet.heat stamps a blurred circle for every grid
// cell of every redraw and reads the whole canvas back to colour it: at city scale that is
// thousands of stamps, 50-300 ms per redraw without a GPU, far over one frame. Here the same
// picture comes from a density grid: points are summed into 3 px cells, blurred with three box
// passes (close to a Gaussian; along the rows as each point goes in, down the columns over the
// whole grid) and coloured through leaflet.heat's gradient into a canvas of one pixel per cell,
// which the browser scales up smoothly (CSS size): a few milliseconds whatever the number of
// points, and nine times fewer pixels to paint.
import type L from 'leaflet';

/** Grid cell size in screen pixels: fine enough that the scaled-up image looks smooth. */
const CELL_PX = 3;
/** Three box blurs approximate a Gaussian (central limit); more passes change little. */
const BLUR_PASSES = 3;
/** Density below this fraction of the saturation value is left transparent. */
const MIN_VISIBLE = 0.02;

export interface GridHeatOptions {
  /** Blur radius in pixels (about the spread of one point). */
  radius: number;
  /** Density at which the colour saturates, in crimes (after the zoom factor). */
  max: number;
  /** As in leaflet.heat: values are divided by 2^(maxZoom - zoom) when zoomed out. */
  maxZoom: number;
  gradient: Record<number, string>;
}

export interface GridHeatLayer extends L.Layer {
  /**
   * Points in degrees (indexed alike) and the crimes at each; zero values are skipped. Drawn
   * in the next frame, or when the layer is added to a map.
   */
  setPoints(lat: Float64Array, lon: Float64Array, values: Float64Array, max: number): this;
  /**
   * Work out the picture the next redraw would draw at the map's view, and leave the canvas
   * as it is: run while the page is idle, it has the browser compile the drawing's loops
   * before the first change needs them. It uses the layer's drawing buffers, which every
   * redraw works out afresh, so no redraw sees what it left. Nothing off the map.
   */
  warm(): void;
}

/** The parts of leaflet.heat's L.HeatLayer the subclass uses. */
interface HeatLayerInternals {
  _map: L.Map;
  _canvas: HTMLCanvasElement;
  _heat: {
    _ctx: CanvasRenderingContext2D;
    _grad?: Uint8ClampedArray;
    /** The gradient as one pixel per level (levelPixels). */
    _levels?: Uint32Array;
  };
  _frame: number | null;
  options: GridHeatOptions;
  redraw(): unknown;
}

interface GridHeatState extends HeatLayerInternals {
  _lat: Float64Array;
  _lon: Float64Array;
  _values: Float64Array;
  /** Web Mercator pixel coordinates at zoom 0, computed once per point set. */
  _x0: Float64Array;
  _y0: Float64Array;
  _projectedFor: Float64Array | null;
  /** Drawing buffers, kept between redraws while the map keeps its size. */
  _grid: Float32Array;
  _scratch: Float32Array;
  /** The row blur's weights (rowKernels) for the grid's width and blur radius, `_kernelsFor`. */
  _kernels: Float32Array;
  _kernelsFor: string;
  _image: ImageData | null;
  /** The image's pixels as 32-bit words. */
  _pixels: Uint32Array;
}

/**
 * What `passes` box blurs of half-width r along a row of w cells make of one unit at each cell
 * (cells beyond the row's ends count as zero, and what a pass spreads past them is lost): for
 * cell x, the weights given to cells x - reach .. x + reach, where reach = passes * r, zero
 * past the ends. Built while the page loads, so each cell's unit is blurred on the few cells
 * it can reach (the row's ends, where they are nearer, cut it as they cut the whole row).
 */
export function rowKernels(w: number, r: number, passes: number): Float32Array {
  const reach = passes * r;
  const span = 2 * reach + 1;
  const kernels = new Float32Array(w * span);
  const line = new Float32Array(span);
  const blurred = new Float32Array(span);
  const scale = 1 / (2 * r + 1);
  for (let x = 0; x < w; x++) {
    const first = Math.max(0, x - reach);
    const cells = Math.min(w, x + reach + 1) - first;
    const part = line.subarray(0, cells);
    part.fill(0);
    part[x - first] = 1;
    for (let pass = 0; pass < passes; pass++) {
      blurRows(part, blurred, cells, 1, r, scale);
      part.set(blurred.subarray(0, cells));
    }
    for (let k = first - (x - reach); k < first - (x - reach) + cells; k++) {
      kernels[x * span + k] = part[x - reach + k - first] ?? 0;
    }
  }
  return kernels;
}

/**
 * Add `value` at cell (x, y) of `grid` (w cells a row) already blurred along its row: spread
 * by the cell's weights in `kernels` (rowKernels of w, with reach = passes * r). The same as
 * adding it to the cell and blurring the rows afterwards, for a few cells' cost: the map's
 * places fill a small part of the grid's cells.
 */
export function addAlongRow(
  grid: Float32Array,
  w: number,
  x: number,
  y: number,
  value: number,
  kernels: Float32Array,
  reach: number,
): void {
  const span = 2 * reach + 1;
  const kernel = x * span;
  const start = y * w + x - reach;
  const last = Math.min(span, w - x + reach);
  for (let k = Math.max(0, reach - x); k < last; k++) {
    grid[start + k] = (grid[start + k] ?? 0) + value * (kernels[kernel + k] ?? 0);
  }
}

/**
 * The cells of a grid that may hold a value: columns x0 to x1 and rows y0 to y1, half-open.
 * Every cell outside is zero.
 */
export interface CellBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** The whole of a w x h grid. */
export function wholeGrid(w: number, h: number): CellBox {
  return { x0: 0, x1: w, y0: 0, y1: h };
}

/** The cells points were added at: columns left to right, rows top to bottom, inclusive. */
export interface CellExtent {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * The box of cells that hold values after points at the cells of `extent` were added along
 * their rows (addAlongRow with this `reach`) to a grid of w columns: their columns widened by
 * the row blur's `reach` either side, cut at the grid's edges; their rows as they are (blurDown
 * and growRows add the column blur's spread). Empty when no point was added (right < left).
 */
export function heldBox(extent: CellExtent, w: number, reach: number): CellBox {
  const { left, right, top, bottom } = extent;
  if (right < left) return { x0: 0, x1: 0, y0: 0, y1: 0 };
  return {
    x0: Math.max(0, left - reach),
    x1: Math.min(w, right + reach + 1),
    y0: top,
    y1: bottom + 1,
  };
}

/** `box` grown by `rows` rows up and down, within a grid of h rows: where a column blur spreads it. */
export function growRows(box: CellBox, rows: number, h: number): CellBox {
  if (box.y0 >= box.y1) return box;
  return { ...box, y0: Math.max(0, box.y0 - rows), y1: Math.min(h, box.y1 + rows) };
}

/**
 * Blur `grid` (w x h) in place down its columns with a box of half-width r, `passes` times.
 * Cells beyond the edges count as zero. `scratch` (at least w * h cells, reused between calls
 * to spare the garbage collector) holds the intermediate results. Blurs along rows and down
 * columns may come in any order (each works on its own lines): rows first (addAlongRow),
 * then this, is a Gaussian-like blur in both directions.
 *
 * Only the columns of `box` (the cells that hold values) are blurred, over its rows and the
 * `passes * r` rows either side that the blur reaches: the rest of the grid is zero and stays
 * so. The sums are the same, in the same order, as over the whole grid (adding a zero changes
 * no sum), so the result is identical; at the map's first view the district's places fill
 * about two thirds of the grid.
 */
export function blurDown(
  grid: Float32Array,
  w: number,
  h: number,
  r: number,
  passes: number,
  scratch: Float32Array = new Float32Array(w * h),
  box: CellBox = wholeGrid(w, h),
): void {
  const { x0, x1, y0, y1 } = growRows(box, passes * r, h);
  if (x0 >= x1 || y0 >= y1) return;
  const rows = y1 - y0;
  const region = grid.subarray(y0 * w, y1 * w);
  const columnSums = new Float64Array(w);
  const scale = 1 / (2 * r + 1);
  let src = region;
  let dst = scratch.subarray(y0 * w, y1 * w);
  for (let pass = 0; pass < passes; pass++) {
    blurColumns(src, dst, w, rows, r, scale, columnSums, x0, x1);
    [src, dst] = [dst, src];
  }
  if (src === region) return;
  // Only the box's columns: the scratch holds old values in the others. A plain loop: a view
  // (subarray) per row would be garbage on every redraw.
  for (let y = 0; y < rows; y++) {
    for (let i = y * w + x0; i < y * w + x1; i++) region[i] = src[i] ?? 0;
  }
}

/**
 * Box blur along x, from `src` into `dst`: a running sum along each row. Two rows at a time:
 * a running sum is a chain of dependent additions, and two independent chains run about twice
 * as fast as one.
 */
function blurRows(
  src: Float32Array,
  dst: Float32Array,
  w: number,
  h: number,
  r: number,
  scale: number,
): void {
  for (let y = 0; y < h; y += 2) {
    const a = y * w;
    // With an odd number of rows the last one is blurred twice over, to the same result.
    const b = y + 1 < h ? a + w : a;
    let sumA = 0;
    let sumB = 0;
    for (let x = 0; x <= r && x < w; x++) {
      sumA += src[a + x] ?? 0;
      sumB += src[b + x] ?? 0;
    }
    let x = 0;
    // Near the ends of a row one side of the box is outside it; in between, both are inside.
    for (; x < r && x < w; x++) {
      dst[a + x] = sumA * scale;
      dst[b + x] = sumB * scale;
      if (x + r + 1 < w) {
        sumA += src[a + x + r + 1] ?? 0;
        sumB += src[b + x + r + 1] ?? 0;
      }
    }
    for (; x + r + 1 < w; x++) {
      dst[a + x] = sumA * scale;
      dst[b + x] = sumB * scale;
      sumA += (src[a + x + r + 1] ?? 0) - (src[a + x - r] ?? 0);
      sumB += (src[b + x + r + 1] ?? 0) - (src[b + x - r] ?? 0);
    }
    for (; x < w; x++) {
      dst[a + x] = sumA * scale;
      dst[b + x] = sumB * scale;
      sumA -= src[a + x - r] ?? 0;
      sumB -= src[b + x - r] ?? 0;
    }
  }
}

/**
 * Box blur along y, from `src` into `dst`, of columns x0 to x1 (half-open): running sums of
 * those columns at once, row by row, so memory is read in order (walking one column at a time
 * strides across the whole grid).
 */
function blurColumns(
  src: Float32Array,
  dst: Float32Array,
  w: number,
  h: number,
  r: number,
  scale: number,
  sums: Float64Array,
  x0: number,
  x1: number,
): void {
  sums.fill(0);
  for (let y = 0; y <= r && y < h; y++) {
    const row = y * w;
    for (let x = x0; x < x1; x++) sums[x] = (sums[x] ?? 0) + (src[row + x] ?? 0);
  }
  for (let y = 0; y < h; y++) {
    const out = y * w;
    const add = (y + r + 1) * w;
    const remove = (y - r) * w;
    if (y - r >= 0 && y + r + 1 < h) {
      // Away from the top and bottom edges (most rows): one fused loop.
      for (let x = x0; x < x1; x++) {
        const sum = sums[x] ?? 0;
        dst[out + x] = sum * scale;
        sums[x] = sum + (src[add + x] ?? 0) - (src[remove + x] ?? 0);
      }
      continue;
    }
    for (let x = x0; x < x1; x++) dst[out + x] = (sums[x] ?? 0) * scale;
    if (y + r + 1 < h) {
      for (let x = x0; x < x1; x++) sums[x] = (sums[x] ?? 0) + (src[add + x] ?? 0);
    }
    if (y - r >= 0) {
      for (let x = x0; x < x1; x++) sums[x] = (sums[x] ?? 0) - (src[remove + x] ?? 0);
    }
  }
}

/**
 * Colour the visible part of the blurred grid (`pad` cells in from every side) into `pixels`
 * (cols x rows, one 32-bit word per RGBA pixel): each cell's level, 0 to 255 at `saturation`,
 * picks its pixel from `levels` (levelPixels); cells under MIN_VISIBLE are made transparent.
 * Every pixel is written, so the image needs no clearing first. Cells outside `box` are zero,
 * so their pixels are transparent without reading them.
 */
export function colourGrid(
  grid: Float32Array,
  { w, pad, cols, rows }: { w: number; pad: number; cols: number; rows: number },
  saturation: number,
  levels: Uint32Array,
  pixels: Uint32Array,
  box: CellBox = wholeGrid(w, rows + 2 * pad),
): void {
  const toLevel = 255 / saturation;
  const minLevel = MIN_VISIBLE * 255;
  // The box in the image's pixels.
  const left = Math.max(0, box.x0 - pad);
  const right = Math.min(cols, box.x1 - pad);
  const top = Math.max(0, box.y0 - pad);
  const bottom = Math.min(rows, box.y1 - pad);
  if (left >= right || top >= bottom) {
    pixels.fill(0, 0, cols * rows);
    return;
  }
  pixels.fill(0, 0, top * cols);
  for (let y = top; y < bottom; y++) {
    const gridRow = (y + pad) * w + pad;
    const pixelRow = y * cols;
    pixels.fill(0, pixelRow, pixelRow + left);
    for (let x = left; x < right; x++) {
      const level = (grid[gridRow + x] ?? 0) * toLevel;
      pixels[pixelRow + x] =
        level < minLevel ? 0 : (levels[level >= 255 ? 255 : Math.round(level)] ?? 0);
    }
    pixels.fill(0, pixelRow + right, pixelRow + cols);
  }
  pixels.fill(0, bottom * cols, rows * cols);
}

/**
 * The pixel of each level 0-255 as one 32-bit word, for colourGrid: the gradient's colour at
 * that level (`grad`, from gradientTable) with the level as its alpha, its bytes in ImageData's
 * RGBA order whatever the machine's byte order (the words are read through the same bytes).
 */
export function levelPixels(grad: Uint8ClampedArray): Uint32Array {
  const bytes = new Uint8ClampedArray(256 * 4);
  for (let level = 0; level < 256; level++) {
    for (let c = 0; c < 3; c++) bytes[level * 4 + c] = grad[level * 4 + c] ?? 0;
    bytes[level * 4 + 3] = level;
  }
  return new Uint32Array(bytes.buffer);
}

/**
 * The colour of each level 0-255 (RGBA, 1024 bytes) for gradient stops given as #rrggbb
 * colours at offsets 0-1: what leaflet.heat reads back from a 1 x 256 canvas painted with a
 * linear gradient (level i sampled at (i + 0.5) / 256, the first and last colours held beyond
 * their stops), computed here without a canvas: that read-back, the first in a new page, took
 * 126 ms of a warm page load in a profile of Chromium without a GPU.
 */
export function gradientTable(stops: Readonly<Record<number, string>>): Uint8ClampedArray {
  const parsed = Object.entries(stops)
    .map(([offset, colour]) => {
      const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
      if (match === null) {
        throw new Error(`Heat gradient colour "${colour}" at ${offset} is not a #rrggbb colour`);
      }
      return { at: Number(offset), rgb: match.slice(1).map((hex) => parseInt(hex, 16)) };
    })
    .sort((a, b) => a.at - b.at);
  const table = new Uint8ClampedArray(256 * 4);
  if (parsed.length === 0) return table;
  for (let level = 0; level < 256; level++) {
    const t = (level + 0.5) / 256;
    const next = parsed.findIndex((stop) => stop.at >= t);
    const upper = parsed[next === -1 ? parsed.length - 1 : next] as (typeof parsed)[number];
    const lower = next > 0 ? (parsed[next - 1] as (typeof parsed)[number]) : upper;
    const span = upper.at - lower.at;
    const f = span > 0 ? (t - lower.at) / span : 0;
    for (let c = 0; c < 3; c++) {
      const a = lower.rgb[c] ?? 0;
      const b = upper.rgb[c] ?? 0;
      table[level * 4 + c] = Math.round(a + (b - a) * f);
    }
    table[level * 4 + 3] = 255;
  }
  return table;
}

/**
 * Add each point's value to the grid cell it falls in at the map's current view (`pad` cells
 * beyond the map on every side), scaled down below the layer's maxZoom as leaflet.heat does,
 * and blurred along the cell's row on the way in (addAlongRow with `kernels`, `reach`).
 * Returns the box of cells that now hold values (heldBox).
 */
function binPoints(
  layer: GridHeatState,
  grid: Float32Array,
  { w, h, pad }: { w: number; h: number; pad: number },
  kernels: Float32Array,
  reach: number,
): CellBox {
  const map = layer._map;
  const zoom = map.getZoom();
  const scale = 2 ** zoom;
  const origin = map.getPixelOrigin();
  const pane = map.layerPointToContainerPoint([0, 0]);
  const offsetX = pane.x - origin.x;
  const offsetY = pane.y - origin.y;
  const zoomFactor = 1 / 2 ** Math.max(0, Math.min(layer.options.maxZoom - zoom, 12));
  // Locals: the layer is a Leaflet object with many properties, slow to read in a loop.
  const { _values: values, _x0: x0, _y0: y0 } = layer;
  let left = w;
  let right = -1;
  let top = h;
  let bottom = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    if (v === 0) continue;
    const gx = Math.floor(((x0[i] ?? 0) * scale + offsetX) / CELL_PX) + pad;
    const gy = Math.floor(((y0[i] ?? 0) * scale + offsetY) / CELL_PX) + pad;
    if (gx < 0 || gy < 0 || gx >= w || gy >= h) continue;
    addAlongRow(grid, w, gx, gy, v * zoomFactor, kernels, reach);
    if (gx < left) left = gx;
    if (gx > right) right = gx;
    if (gy < top) top = gy;
    if (gy > bottom) bottom = gy;
  }
  return heldBox({ left, right, top, bottom }, w, reach);
}

/** Subclass leaflet.heat's layer class (L.HeatLayer, once leaflet.heat has loaded). */
export function gridHeatLayerClass(
  leaflet: typeof L,
  HeatLayer: typeof L.Layer,
): new (options: GridHeatOptions) => GridHeatLayer {
  const methods = {
    initialize(this: GridHeatState, options: GridHeatOptions) {
      leaflet.setOptions(this, options);
      this._lat = new Float64Array(0);
      this._lon = new Float64Array(0);
      this._values = new Float64Array(0);
      this._x0 = new Float64Array(0);
      this._y0 = new Float64Array(0);
      this._projectedFor = null;
      this._grid = new Float32Array(0);
      this._scratch = new Float32Array(0);
      this._kernels = new Float32Array(0);
      this._kernelsFor = '';
      this._image = null;
      this._pixels = new Uint32Array(0);
    },

    setPoints(
      this: GridHeatState,
      lat: Float64Array,
      lon: Float64Array,
      values: Float64Array,
      max: number,
    ) {
      this._lat = lat;
      this._lon = lon;
      this._values = values;
      this.options.max = max;
      // Off the map, the points are drawn when it is added (onAdd draws at once).
      if (this._map) this.redraw();
      return this;
    },

    _project(this: GridHeatState) {
      if (this._projectedFor === this._lat) return;
      const n = this._lat.length;
      this._x0 = new Float64Array(n);
      this._y0 = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const p = this._map.project([this._lat[i] ?? 0, this._lon[i] ?? 0], 0);
        this._x0[i] = p.x;
        this._y0[i] = p.y;
      }
      this._projectedFor = this._lat;
    },

    /**
     * leaflet.heat's own draws a circle stamp (a canvas with a shadow blur) and reads the
     * gradient back from a canvas; the grid needs neither, only the gradient's colours.
     */
    _updateOptions(this: GridHeatState) {
      this._heat._grad = gradientTable(this.options.gradient);
      this._heat._levels = levelPixels(this._heat._grad);
    },

    /** leaflet.heat's _reset sizes the canvas to the map; here _redraw sizes it to the grid. */
    _reset(this: GridHeatState & { _redraw(): void }) {
      leaflet.DomUtil.setPosition(this._canvas, this._map.containerPointToLayerPoint([0, 0]));
      this._redraw();
    },

    _redraw(this: GridHeatState & { _picture(): ImageData | null }) {
      this._frame = null;
      const image = this._picture();
      if (image === null) return;
      const canvas = this._canvas;
      if (canvas.width !== image.width || canvas.height !== image.height) {
        canvas.width = image.width;
        canvas.height = image.height;
        canvas.style.width = `${image.width * CELL_PX}px`;
        canvas.style.height = `${image.height * CELL_PX}px`;
      }
      this._heat._ctx.putImageData(image, 0, 0);
    },

    warm(this: GridHeatState & { _picture(): ImageData | null }) {
      this._picture();
    },

    /**
     * The picture of the points at the map's current view, one pixel per cell, in the layer's
     * own ImageData (null off the map): what _redraw puts on the canvas.
     */
    _picture(this: GridHeatState & { _project(): void }): ImageData | null {
      const map = this._map;
      if (!map) return null;
      const grad = (this._heat._grad ??= gradientTable(this.options.gradient));
      const levels = (this._heat._levels ??= levelPixels(grad));
      this._project();

      // The canvas holds one pixel per cell over the map; the grid adds `pad` cells on every
      // side so points just outside the map still blur into its edge.
      const size = map.getSize();
      const cols = Math.ceil(size.x / CELL_PX);
      const rows = Math.ceil(size.y / CELL_PX);
      const r = Math.max(1, Math.round(this.options.radius / CELL_PX / 2));
      const pad = r * BLUR_PASSES + 1;
      const w = cols + 2 * pad;
      const h = rows + 2 * pad;
      if (this._grid.length !== w * h) {
        this._grid = new Float32Array(w * h);
        this._scratch = new Float32Array(w * h);
      } else {
        this._grid.fill(0);
      }
      const grid = this._grid;

      const kernelsFor = `${w} ${r}`;
      if (this._kernelsFor !== kernelsFor) {
        this._kernels = rowKernels(w, r, BLUR_PASSES);
        this._kernelsFor = kernelsFor;
      }
      const reach = r * BLUR_PASSES;
      const held = binPoints(this, grid, { w, h, pad }, this._kernels, reach);
      blurDown(grid, w, h, r, BLUR_PASSES, this._scratch, held);

      // The blur spreads one point's value over about (2r+1)^2 cells; undo that so `max`
      // keeps meaning "crimes at one place".
      const saturation = Math.max(this.options.max, 1e-9) / (2 * r + 1) ** 2;
      let image = this._image;
      if (image === null || image.width !== cols || image.height !== rows) {
        image = this._image = new ImageData(cols, rows);
        this._pixels = new Uint32Array(image.data.buffer);
      }
      const blurred = growRows(held, reach, h);
      colourGrid(grid, { w, pad, cols, rows }, saturation, levels, this._pixels, blurred);
      return image;
    },
  };
  return (
    HeatLayer as unknown as { extend(m: object): new (o: GridHeatOptions) => GridHeatLayer }
  ).extend(methods);
}
