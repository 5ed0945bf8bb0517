// Small static pictures of areas as SVG path data, drawn on the district's flat projection
// (./projection.ts: equirectangular about its reference latitude, so shapes keep their
// proportions to within the projection's scale error, 0.3 % in Leeds), north up.
import type { PolygonGeometry } from './geometry.ts';
import type { Projection } from './projection.ts';

/** Vertices closer than this to the simplified line are dropped: invisible at the drawn size. */
const SIMPLIFY_TOLERANCE_PX = 0.5;
/** One decimal place is a tenth of a pixel: finer digits only make the markup longer. */
const round = (value: number): number => Math.round(value * 10) / 10;

type Point = [number, number];

/** Douglas-Peucker on an open polyline; keeps the first and last points. */
function simplify(points: readonly Point[], tolerance: number): Point[] {
  if (points.length <= 2) return [...points];
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length > 0) {
    const [first, last] = stack.pop()!;
    const [ax, ay] = points[first]!;
    const [bx, by] = points[last]!;
    const dx = bx - ax;
    const dy = by - ay;
    const length = Math.hypot(dx, dy);
    let farthest = -1;
    let farthestDistance = tolerance;
    for (let i = first + 1; i < last; i += 1) {
      const [px, py] = points[i]!;
      const distance =
        length === 0
          ? Math.hypot(px - ax, py - ay)
          : Math.abs(dy * (px - ax) - dx * (py - ay)) / length;
      if (distance > farthestDistance) {
        farthest = i;
        farthestDistance = distance;
      }
    }
    if (farthest >= 0) {
      keep[farthest] = 1;
      stack.push([first, farthest], [farthest, last]);
    }
  }
  return points.filter((_, i) => keep[i] === 1);
}

function rings(geometry: PolygonGeometry): number[][][] {
  return geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
}

/**
 * SVG path data for `geometry`, drawn on `projection` and scaled so that `frame` fits centred
 * in a `size` x `size` box (viewBox "0 0 size size"). Pass the geometry itself as the frame
 * for a close-up, or the district outline to show where an area lies in the district. Holes
 * are drawn as subpaths, so use `fill-rule="evenodd"`.
 */
export function geometrySvgPath(
  geometry: PolygonGeometry,
  frame: PolygonGeometry,
  size: number,
  projection: Projection,
): string {
  const { x: projectX, y: projectY } = projection;
  if (!(size > 0)) throw new RangeError(`SVG size must be a positive number, got ${size}`);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const ring of rings(frame)) {
    for (const [lon, lat] of ring) {
      minX = Math.min(minX, projectX(lon!));
      maxX = Math.max(maxX, projectX(lon!));
      minY = Math.min(minY, projectY(lat!));
      maxY = Math.max(maxY, projectY(lat!));
    }
  }
  const scale = size / Math.max(maxX - minX, maxY - minY);
  const offsetX = (size - (maxX - minX) * scale) / 2;
  const offsetY = (size - (maxY - minY) * scale) / 2;
  const toPixel = ([lon, lat]: number[]): Point => [
    offsetX + (projectX(lon!) - minX) * scale,
    offsetY + (maxY - projectY(lat!)) * scale,
  ];
  return rings(geometry)
    .map((ring) => simplify(ring.map(toPixel), SIMPLIFY_TOLERANCE_PX))
    .filter((points) => points.length >= 4)
    .map((points) => {
      const [start, ...rest] = points.slice(0, -1);
      return `M${round(start![0])} ${round(start![1])}${rest.map(([x, y]) => `L${round(x)} ${round(y)}`).join('')}Z`;
    })
    .join('');
}
