// Crime ID -> latest outcome (month and outcome text), for every crime the outcomes files list:
// an open-addressing hash table of the Crime IDs' UTF-8 bytes in SharedArrayBuffers, so the
// main thread builds it once and every month worker reads the same memory (workerData shares
// a SharedArrayBuffer rather than copying it). The index holds every crime of the whole
// history (about 550,000 at 95 months of Leeds): as a Map of Crime ID strings it took about
// 220 MiB of heap (the strings kept the CSV text they were read from), and copying it into a
// table for the workers another 300 MiB at its peak; as this table, once built (fit), its
// Crime IDs take 35 MiB and its slots 16 MiB, and the workers get it without a copy.
export interface LatestOutcome {
  month: string;
  outcome: string;
}

/** What a month's stages look outcomes up in. */
export type OutcomeLookup = Pick<OutcomeIndex, 'get'>;

/** An index's memory, as a month worker receives it (OutcomeIndex.table, OutcomeIndex.over). */
export interface OutcomeTable {
  /** The Crime IDs' UTF-8 bytes, one after another (with room to grow after `keyBytes`). */
  keys: SharedArrayBuffer;
  keyBytes: number;
  /** Per slot: key offset + 1 (0: empty), key length, packed outcome, key hash. */
  slots: SharedArrayBuffer;
  entries: number;
  outcomes: string[];
}

/**
 * An index's entries in ordinary (unshared) arrays, to be saved (outcome-index-cache.ts) and
 * taken back by OutcomeIndex.restore.
 */
export interface SavedOutcomeEntries {
  /** The Crime IDs' UTF-8 bytes, one after another. */
  keys: Uint8Array;
  /** Per entry, as its slot holds it: key offset + 1, key length, packed outcome, key hash. */
  entries: Int32Array;
  outcomes: string[];
}

/** Room for distinct outcome texts per month slot; police.uk uses about 30. */
const OUTCOME_SLOTS = 4096;
const SLOT_INTS = 4;
const FIRST_SLOTS = 1024;
const FIRST_KEY_BYTES = 64 * 1024;
const encoder = new TextEncoder();

/**
 * Whether `entries` fill too much of `capacity` slots (a power of two): more than three
 * quarters. A look-up compares the hash its slot keeps before the key's bytes, so the longer
 * probe runs of a fuller table cost little; at half full, the slots took twice the memory.
 */
function tooFull(entries: number, capacity: number): boolean {
  return 4 * entries > 3 * capacity;
}

/**
 * OutcomeIndex.add refused an outcome text past the OUTCOME_SLOTS it can hold: the fault of
 * the rows read, not of the index (outcomes.ts tells it as the input's, naming the row).
 */
export class TooManyOutcomeTexts extends RangeError {
  constructor(outcome: string) {
    super(
      `more than ${OUTCOME_SLOTS} different outcome texts (police.uk uses about 30), the ` +
        `latest "${outcome}": the Outcome type column holds something else`,
    );
    this.name = 'TooManyOutcomeTexts';
  }
}

/** FNV-1a over `bytes[start, start + length)`. */
function hash(bytes: Uint8Array, start: number, length: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < start + length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/**
 * The latest outcome of each Crime ID. Values are packed into one number (month and outcome
 * index; see unpackOutcome).
 */
export class OutcomeIndex {
  private keys: Uint8Array;
  private keyBytes: number;
  private slots: Int32Array;
  private entries: number;
  private readonly outcomes: string[];
  private readonly outcomeIds: Map<string, number>;
  /** Set for an index over another's table (`over`): it only answers look-ups. */
  private readonly lookupOnly: boolean;
  private scratch = new Uint8Array(256);

  constructor(table?: OutcomeTable) {
    this.lookupOnly = table !== undefined;
    this.keys = new Uint8Array(table?.keys ?? new SharedArrayBuffer(FIRST_KEY_BYTES));
    this.keyBytes = table?.keyBytes ?? 0;
    this.slots = new Int32Array(
      table?.slots ?? new SharedArrayBuffer(FIRST_SLOTS * SLOT_INTS * Int32Array.BYTES_PER_ELEMENT),
    );
    this.entries = table?.entries ?? 0;
    this.outcomes = [...(table?.outcomes ?? [])];
    this.outcomeIds = new Map(this.outcomes.map((outcome, id) => [outcome, id]));
  }

  /** Look-ups in the index whose `table()` this is, without copying it (in a month worker). */
  static over(table: OutcomeTable): OutcomeLookup {
    return new OutcomeIndex(table);
  }

  /** The index restored from `saved()`: the same answers, and it can take more outcomes. */
  static restore(saved: SavedOutcomeEntries): OutcomeIndex {
    const { keys, entries, outcomes } = saved;
    const count = entries.length / SLOT_INTS;
    if (!Number.isInteger(count)) throw new Error('saved outcome entries are cut short');
    const index = new OutcomeIndex();
    index.keys = new Uint8Array(new SharedArrayBuffer(Math.max(FIRST_KEY_BYTES, keys.length)));
    index.keys.set(keys);
    index.keyBytes = keys.length;
    let capacity = FIRST_SLOTS;
    while (tooFull(count, capacity)) capacity *= 2;
    index.slots = new Int32Array(
      new SharedArrayBuffer(capacity * SLOT_INTS * Int32Array.BYTES_PER_ELEMENT),
    );
    const mask = capacity - 1;
    for (let from = 0; from < entries.length; from += SLOT_INTS) {
      const start = entries[from]! - 1;
      const length = entries[from + 1]!;
      const outcome = entries[from + 2]! % OUTCOME_SLOTS;
      if (start < 0 || length < 0 || start + length > keys.length || outcome >= outcomes.length) {
        throw new Error(`saved outcome entry ${from / SLOT_INTS} is out of range`);
      }
      let slot = (entries[from + 3]! >>> 0) & mask;
      while (index.slots[slot * SLOT_INTS] !== 0) slot = (slot + 1) & mask;
      index.slots.set(entries.subarray(from, from + SLOT_INTS), slot * SLOT_INTS);
    }
    index.entries = count;
    for (const outcome of outcomes) index.outcomeIds.set(outcome, index.outcomes.push(outcome) - 1);
    return index;
  }

  /** The index's entries, copied out of shared memory, for OutcomeIndex.restore. */
  saved(): SavedOutcomeEntries {
    const entries = new Int32Array(this.entries * SLOT_INTS);
    let to = 0;
    for (let at = 0; at < this.slots.length; at += SLOT_INTS) {
      if (this.slots[at] === 0) continue;
      entries.set(this.slots.subarray(at, at + SLOT_INTS), to);
      to += SLOT_INTS;
    }
    return { keys: this.keys.slice(0, this.keyBytes), entries, outcomes: [...this.outcomes] };
  }

  /**
   * Give back the room kept for more Crime IDs (the keys' buffer doubles as it fills): called
   * once the index is built, before it is shared or kept for the run.
   */
  fit(): void {
    if (this.lookupOnly || this.keys.length === this.keyBytes) return;
    const fitted = new Uint8Array(new SharedArrayBuffer(this.keyBytes));
    fitted.set(this.keys.subarray(0, this.keyBytes));
    this.keys = fitted;
  }

  /** The index's memory, to share with the month workers (OutcomeIndex.over): not a copy. */
  table(): OutcomeTable {
    return {
      keys: this.keys.buffer as SharedArrayBuffer,
      keyBytes: this.keyBytes,
      slots: this.slots.buffer as SharedArrayBuffer,
      entries: this.entries,
      outcomes: [...this.outcomes],
    };
  }

  /**
   * Record `outcome` for `crimeId` in `month` (YYYY-MM); a later month wins, and so does a
   * later call for the same month: police.uk dates outcomes by month only, so the order of
   * its rows is the only order within a month it gives. Returns the outcome that call
   * replaced when it was another one for the same month (a conflict, for the caller to
   * report), else undefined.
   */
  add(crimeId: string, month: string, outcome: string): string | undefined {
    if (this.lookupOnly) throw new Error('This outcome index is a shared copy: it cannot change');
    let id = this.outcomeIds.get(outcome);
    if (id === undefined) {
      id = this.outcomes.length;
      if (id >= OUTCOME_SLOTS) throw new TooManyOutcomeTexts(outcome);
      this.outcomes.push(outcome);
      this.outcomeIds.set(outcome, id);
    }
    const m = monthNumber(month);
    const length = this.encode(crimeId);
    const keyHash = hash(this.scratch, 0, length);
    const slot = this.find(length, keyHash);
    const at = slot * SLOT_INTS;
    if (this.slots[at] === 0) {
      this.insert(slot, length, keyHash, m * OUTCOME_SLOTS + id);
      return undefined;
    }
    const previous = this.slots[at + 2]!;
    const previousMonth = packedMonth(previous);
    if (previousMonth > m) return undefined;
    this.slots[at + 2] = m * OUTCOME_SLOTS + id;
    if (previousMonth < m) return undefined;
    const replaced = previous % OUTCOME_SLOTS;
    return replaced === id ? undefined : this.outcomes[replaced];
  }

  get(crimeId: string): LatestOutcome | undefined {
    const length = this.encode(crimeId);
    const at = this.find(length, hash(this.scratch, 0, length)) * SLOT_INTS;
    if (this.slots[at] === 0) return undefined;
    return unpackOutcome(this.slots[at + 2]!, this.outcomes);
  }

  /**
   * Visit each entry: its Crime ID as UTF-8 bytes, `keys[start, start + length)`, and its packed
   * latest outcome (see unpackOutcome), in no set order. No string is made per entry.
   */
  eachEntry(
    visit: (keys: Uint8Array, start: number, length: number, packed: number) => void,
  ): void {
    for (let at = 0; at < this.slots.length; at += SLOT_INTS) {
      const start = this.slots[at]! - 1;
      if (start >= 0) visit(this.keys, start, this.slots[at + 1]!, this.slots[at + 2]!);
    }
  }

  get size(): number {
    return this.entries;
  }

  /** `crimeId` as UTF-8 in the scratch buffer; its length in bytes. */
  private encode(crimeId: string): number {
    if (this.scratch.length < crimeId.length * 3) this.scratch = new Uint8Array(crimeId.length * 3);
    return encoder.encodeInto(crimeId, this.scratch).written;
  }

  /**
   * The slot holding the scratch key (`length` bytes, hashed to `keyHash`), else the empty
   * slot where it goes.
   */
  private find(length: number, keyHash: number): number {
    const mask = this.slots.length / SLOT_INTS - 1;
    let slot = keyHash & mask;
    for (;;) {
      const at = slot * SLOT_INTS;
      const start = this.slots[at]! - 1;
      if (start < 0) return slot;
      if (
        this.slots[at + 3] === (keyHash | 0) &&
        this.slots[at + 1] === length &&
        this.holdsScratch(start, length)
      ) {
        return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  private holdsScratch(start: number, length: number): boolean {
    for (let i = 0; i < length; i++) if (this.keys[start + i] !== this.scratch[i]) return false;
    return true;
  }

  /** Put the scratch key (`length` bytes, hashed to `keyHash`) with `packed` in the empty `slot`. */
  private insert(slot: number, length: number, keyHash: number, packed: number): void {
    if (this.keyBytes + length > this.keys.length) {
      const grown = new Uint8Array(
        new SharedArrayBuffer(Math.max(2 * this.keys.length, this.keyBytes + length)),
      );
      grown.set(this.keys.subarray(0, this.keyBytes));
      this.keys = grown;
    }
    this.keys.set(this.scratch.subarray(0, length), this.keyBytes);
    this.slots.set([this.keyBytes + 1, length, packed, keyHash], slot * SLOT_INTS);
    this.keyBytes += length;
    this.entries += 1;
    if (tooFull(this.entries, this.slots.length / SLOT_INTS)) this.rehash();
  }

  /** Twice the slots, every key placed again by the hash its slot keeps. */
  private rehash(): void {
    const old = this.slots;
    const capacity = (2 * old.length) / SLOT_INTS;
    const mask = capacity - 1;
    this.slots = new Int32Array(
      new SharedArrayBuffer(capacity * SLOT_INTS * Int32Array.BYTES_PER_ELEMENT),
    );
    for (let from = 0; from < old.length; from += SLOT_INTS) {
      const start = old[from]! - 1;
      if (start < 0) continue;
      let slot = (old[from + 3]! >>> 0) & mask;
      while (this.slots[slot * SLOT_INTS] !== 0) slot = (slot + 1) & mask;
      this.slots.set(old.subarray(from, from + SLOT_INTS), slot * SLOT_INTS);
    }
  }
}

/** The month of a packed latest outcome, as months since year 0 (monthNumber's). */
export function packedMonth(packed: number): number {
  return Math.floor(packed / OUTCOME_SLOTS);
}

/** The latest outcome a packed number (month and outcome text index) stands for. */
export function unpackOutcome(packed: number, outcomes: readonly string[]): LatestOutcome {
  const monthIndex = packedMonth(packed);
  const year = Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  return {
    month: `${year}-${String(month).padStart(2, '0')}`,
    outcome: outcomes[packed % OUTCOME_SLOTS] ?? '',
  };
}

/** Months since year 0 of a YYYY-MM month, read from its digits: no strings made per row. */
export function monthNumber(month: string): number {
  const year = digitAt(month, 0) * 1000 + digitAt(month, 1) * 100 + digitAt(month, 2) * 10;
  return (year + digitAt(month, 3)) * 12 + digitAt(month, 5) * 10 + digitAt(month, 6) - 1;
}

function digitAt(text: string, i: number): number {
  return text.charCodeAt(i) - 48;
}
