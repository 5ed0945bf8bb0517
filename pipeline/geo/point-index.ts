// Points by their exact coordinates, each numbered 0, 1, 2, ... in the order first seen: an
// open-addressing hash table over typed arrays. The locator and the month summaries look up
// every row's point; a Map of longitude to a Map of latitude did that in about 0.4 us a row
// at full scale (two lookups of a boxed double in tables of tens of thousands of entries),
// this in a tenth of that.

/** Slots at most this full: with linear probing, a miss then looks at about 2.5 slots. */
const MAX_LOAD = 0.5;
const EMPTY = -1;

export class PointIndex {
  #lon: Float64Array;
  #lat: Float64Array;
  /** Each slot: the index of the point hashed there, or EMPTY. */
  #slots: Int32Array;
  #size = 0;
  /** The two coordinates' bits, for the hash. */
  readonly #pair = new Float64Array(2);
  readonly #words = new Uint32Array(this.#pair.buffer);

  constructor(expected = 1024) {
    this.#slots = new Int32Array(slotsFor(expected)).fill(EMPTY);
    this.#lon = new Float64Array(Math.max(16, expected));
    this.#lat = new Float64Array(Math.max(16, expected));
  }

  /** Points held. */
  get size(): number {
    return this.#size;
  }

  /** The index of the point at (lon, lat), or -1 when it has none. */
  find(lon: number, lat: number): number {
    checkFinite(lon, lat);
    return this.#slots[this.#probe(lon + 0, lat + 0)] ?? EMPTY;
  }

  /** The index of the point at (lon, lat), given the next one when it is new. */
  add(lon: number, lat: number): number {
    checkFinite(lon, lat);
    // +0 for -0: the same point, as in a Map (and as the coordinates compare).
    const x = lon + 0;
    const y = lat + 0;
    // One probe finds the point or the empty slot it goes in; only a rehash moves that slot.
    let slot = this.#probe(x, y);
    const found = this.#slots[slot] ?? EMPTY;
    if (found !== EMPTY) return found;
    if ((this.#size + 1) / this.#slots.length > MAX_LOAD) {
      this.#rehash(this.#slots.length * 2);
      slot = this.#probe(x, y);
    }
    const index = this.#size;
    if (index === this.#lon.length) this.#growPoints();
    this.#lon[index] = x;
    this.#lat[index] = y;
    this.#slots[slot] = index;
    this.#size += 1;
    return index;
  }

  /** The slot that holds the point at (lon, lat), or the empty slot where the search for it ends. */
  #probe(lon: number, lat: number): number {
    const slots = this.#slots;
    const mask = slots.length - 1;
    for (let slot = this.#hash(lon, lat, mask); ; slot = (slot + 1) & mask) {
      const index = slots[slot] ?? EMPTY;
      if (index === EMPTY || (this.#lon[index] === lon && this.#lat[index] === lat)) return slot;
    }
  }

  /** A slot from the coordinates' 128 bits, mixed (murmur3's finaliser) so nearby points spread. */
  #hash(lon: number, lat: number, mask: number): number {
    const pair = this.#pair;
    const words = this.#words;
    pair[0] = lon;
    pair[1] = lat;
    let h =
      Math.imul((words[0] ?? 0) ^ (words[1] ?? 0), 0x9e3779b1) ^
      Math.imul((words[2] ?? 0) ^ (words[3] ?? 0), 0x85ebca77);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h & mask;
  }

  #rehash(slotCount: number): void {
    this.#slots = new Int32Array(slotCount).fill(EMPTY);
    // The points are distinct, so each one's probe ends at an empty slot.
    for (let index = 0; index < this.#size; index++) {
      this.#slots[this.#probe(this.#lon[index] ?? 0, this.#lat[index] ?? 0)] = index;
    }
  }

  #growPoints(): void {
    const lon = new Float64Array(this.#lon.length * 2);
    const lat = new Float64Array(this.#lat.length * 2);
    lon.set(this.#lon);
    lat.set(this.#lat);
    this.#lon = lon;
    this.#lat = lat;
  }
}

/** A power of two with room for `expected` points under MAX_LOAD. */
function slotsFor(expected: number): number {
  let slots = 16;
  while (expected / slots > MAX_LOAD) slots *= 2;
  return slots;
}

function checkFinite(lon: number, lat: number): void {
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
    throw new RangeError(`PointIndex: coordinates must be finite numbers, got (${lon}, ${lat})`);
  }
}
