// Point-in-polygon and nearest-polygon queries over many polygons, in projected metres.
// Flatbush indexes the bounding box of every polygon part; only the candidates whose box
// holds the point are tested exactly (even-odd ray casting over the part's rings, so holes
// work; a MultiPolygon is inside when any part is).
import Flatbush from 'flatbush';
import type { PolygonGeometry } from '../reference.ts';
import type { Projection } from '../../src/shared/projection.ts';

/**
 * Vertices closer than this to a boundary count as on it, not inside either side: the LSOA
 * and ward files are each generalised to about 20 m, so a boundary they share (or a centre
 * drawn along it) can wander that far between them.
 */
export const ON_BOUNDARY_M = 25;

/** One polygon part: its rings as flat [x0, y0, x1, y1, ...] arrays, first ring outer. */
interface Part {
  feature: number;
  rings: Float64Array[];
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export interface Nearest {
  /** Index of the feature in the array the index was built from. */
  feature: number;
  /** Distance in metres from the point to the feature's boundary; 0 when inside. */
  distance: number;
}

function projectRing(ring: readonly (readonly number[])[], projection: Projection): Float64Array {
  const flat = new Float64Array(ring.length * 2);
  ring.forEach((position, i) => {
    flat[2 * i] = projection.x(position[0] ?? NaN);
    flat[2 * i + 1] = projection.y(position[1] ?? NaN);
  });
  return flat;
}

function partsOf(geometry: PolygonGeometry): number[][][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** Even-odd rule over all rings of one part (outer ring plus holes). */
function insidePart(part: Part, x: number, y: number): boolean {
  let inside = false;
  for (const ring of part.rings) {
    const n = ring.length;
    for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
      const xi = ring[i]!;
      const yi = ring[i + 1]!;
      const xj = ring[j]!;
      const yj = ring[j + 1]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** Distance from (x, y) to the nearest edge of any ring of the part. */
function distanceToPartEdges(part: Part, x: number, y: number): number {
  let best = Infinity;
  for (const ring of part.rings) {
    for (let i = 2; i < ring.length; i += 2) {
      const ax = ring[i - 2]!;
      const ay = ring[i - 1]!;
      const dx = ring[i]! - ax;
      const dy = ring[i + 1]! - ay;
      const lengthSquared = dx * dx + dy * dy;
      const t =
        lengthSquared === 0
          ? 0
          : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / lengthSquared));
      const ex = ax + t * dx - x;
      const ey = ay + t * dy - y;
      const d2 = ex * ex + ey * ey;
      if (d2 < best) best = d2;
    }
  }
  return Math.sqrt(best);
}

function boxDistance(part: Part, x: number, y: number): number {
  const dx = Math.max(part.minX - x, 0, x - part.maxX);
  const dy = Math.max(part.minY - y, 0, y - part.maxY);
  return Math.hypot(dx, dy);
}

export class PolygonIndex {
  readonly size: number;
  /** The projection the index's metres are on: queries give points projected with it. */
  readonly projection: Projection;
  readonly #parts: Part[] = [];
  readonly #index: Flatbush;

  /**
   * Builds the index over `geometries`, projected with `projection`; query answers are
   * indexes into this array.
   */
  constructor(geometries: readonly PolygonGeometry[], projection: Projection) {
    this.size = geometries.length;
    this.projection = projection;
    geometries.forEach((geometry, feature) => {
      for (const polygon of partsOf(geometry)) {
        const rings = polygon.map((ring) => projectRing(ring, projection));
        const outer = rings[0]!;
        let minX = Infinity;
        let minY = Infinity;
        let maxX = -Infinity;
        let maxY = -Infinity;
        for (let i = 0; i < outer.length; i += 2) {
          minX = Math.min(minX, outer[i]!);
          maxX = Math.max(maxX, outer[i]!);
          minY = Math.min(minY, outer[i + 1]!);
          maxY = Math.max(maxY, outer[i + 1]!);
        }
        this.#parts.push({ feature, rings, minX, minY, maxX, maxY });
      }
    });
    if (this.#parts.length === 0) throw new Error('PolygonIndex needs at least one polygon');
    this.#index = new Flatbush(this.#parts.length);
    for (const part of this.#parts) this.#index.add(part.minX, part.minY, part.maxX, part.maxY);
    this.#index.finish();
  }

  /** Index of the first feature containing the projected point, or -1. */
  containing(x: number, y: number): number {
    for (const id of this.#index.search(x, y, x, y)) {
      const part = this.#parts[id]!;
      if (insidePart(part, x, y)) return part.feature;
    }
    return -1;
  }

  /**
   * The feature containing the projected point (distance 0), else the one whose boundary is
   * nearest, or null when none lies within `maxDistance` metres. Candidates come from
   * Flatbush in order of bounding-box distance, which never exceeds the true distance, so
   * the scan stops as soon as the next box is farther than the best edge found.
   */
  nearest(x: number, y: number, maxDistance = Infinity): Nearest | null {
    const containing = this.containing(x, y);
    if (containing >= 0) return { feature: containing, distance: 0 };
    let best: Nearest | null = null;
    for (const id of this.#index.neighbors(x, y, Infinity, maxDistance)) {
      const part = this.#parts[id]!;
      if (best !== null && boxDistance(part, x, y) > best.distance) break;
      const distance = distanceToPartEdges(part, x, y);
      if (distance <= maxDistance && (best === null || distance < best.distance)) {
        best = { feature: part.feature, distance };
      }
    }
    return best;
  }

  /**
   * Features whose bounding box overlaps the bounding box of `geometry` (WGS84) grown by
   * `margin` metres: the only ones that can touch or overlap it.
   */
  overlappingBoxes(geometry: PolygonGeometry, margin = 0): number[] {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const polygon of partsOf(geometry)) {
      for (const [lon, lat] of polygon[0] ?? []) {
        const x = this.projection.x(lon ?? NaN);
        const y = this.projection.y(lat ?? NaN);
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
    }
    const ids = this.#index.search(minX - margin, minY - margin, maxX + margin, maxY + margin);
    return [...new Set(ids.map((id) => this.#parts[id]!.feature))].sort((a, b) => a - b);
  }

  /** Distance in metres from the projected point to the boundary of feature `feature`. */
  distanceToBoundary(feature: number, x: number, y: number): number {
    let best = Infinity;
    for (const part of this.#parts) {
      if (part.feature === feature) best = Math.min(best, distanceToPartEdges(part, x, y));
    }
    return best;
  }
}
