// Nearest postcode to a point, on the district's flat projection (src/shared/projection.ts: exact
// enough across a district for distances of a few hundred metres; see there).
import KDBush from 'kdbush';
import type { Postcode } from '../reference.ts';
import type { Projection } from '../../src/shared/projection.ts';

/**
 * Radii tried in turn, metres. A radius query that finds anything holds the true nearest
 * postcode (anything nearer would lie inside the same circle); most urban points stop at
 * the first radius.
 */
const SEARCH_RADII_M = [100, 400, 1_600, 6_400];

export class PostcodeIndex {
  readonly #postcodes: readonly Postcode[];
  readonly #x: Float64Array;
  readonly #y: Float64Array;
  readonly #index: KDBush;

  /** Queries give points projected with `projection`, as the postcodes are. */
  constructor(postcodes: readonly Postcode[], projection: Projection) {
    if (postcodes.length === 0) throw new Error('PostcodeIndex needs at least one postcode');
    this.#postcodes = postcodes;
    this.#x = Float64Array.from(postcodes, (p) => projection.x(p.lon));
    this.#y = Float64Array.from(postcodes, (p) => projection.y(p.lat));
    this.#index = new KDBush(postcodes.length);
    for (let i = 0; i < postcodes.length; i += 1) this.#index.add(this.#x[i]!, this.#y[i]!);
    this.#index.finish();
  }

  /** The nearest postcode within `maxDistance` metres of the projected point, or null. */
  nearest(
    x: number,
    y: number,
    maxDistance: number,
  ): { postcode: Postcode; distance: number } | null {
    for (const radius of [...SEARCH_RADII_M.filter((r) => r < maxDistance), maxDistance]) {
      let best = -1;
      let bestDistance = Infinity;
      for (const id of this.#index.within(x, y, radius)) {
        const distance = Math.hypot(this.#x[id]! - x, this.#y[id]! - y);
        if (distance < bestDistance) {
          best = id;
          bestDistance = distance;
        }
      }
      if (best >= 0) return { postcode: this.#postcodes[best]!, distance: bestDistance };
    }
    return null;
  }
}
