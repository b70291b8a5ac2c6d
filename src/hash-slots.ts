/**
 * A compact multimap from a 32-bit hash to 32-bit values: one Uint32Array of [hash, value + 1]
 * pairs with linear probing (8 bytes a slot, kept between half and three quarters full), so a
 * million keys cost 11 to 16 MB and nothing for the garbage collector to trace. It only narrows
 * the search: every value whose hash matches is a candidate the caller confirms on the real key,
 * so two keys that share a hash are never taken for one another.
 */
const MAX_LOAD = 0.75;

export class HashSlots {
  #pairs: Uint32Array;
  #count = 0;

  constructor(initialSlots = 1024) {
    this.#pairs = new Uint32Array(Math.max(16, initialSlots) * 2);
  }

  get size(): number {
    return this.#count;
  }

  add(hash: number, value: number): void {
    if (value < 0 || value >= 0xffffffff) throw new RangeError(`hash slot value out of range: ${value}`);
    if ((this.#count + 1) > (this.#pairs.length / 2) * MAX_LOAD) this.#grow();
    HashSlots.#put(this.#pairs, hash >>> 0, value + 1);
    this.#count += 1;
  }

  /**
   * Calls `visit` with each value added under `hash`, in the order they were added, until it
   * returns true; returns whether one did.
   */
  find(hash: number, visit: (value: number) => boolean | void): boolean {
    const pairs = this.#pairs;
    const slots = pairs.length / 2;
    const h = hash >>> 0;
    for (let slot = home(h, slots); ; slot = slot + 1 === slots ? 0 : slot + 1) {
      const stored = pairs[slot * 2 + 1]!;
      if (stored === 0) return false;
      if (pairs[slot * 2] === h && visit(stored - 1) === true) return true;
    }
  }

  /** By half again, not double: less slack at a million keys. */
  #grow(): void {
    const old = this.#pairs;
    const next = new Uint32Array(Math.ceil((old.length / 2) * 1.5) * 2);
    // Re-inserting in slot order from a free slot keeps each hash's values in the order they were added.
    const slots = old.length / 2;
    let start = 0;
    while (old[start * 2 + 1] !== 0) start += 1;
    for (let k = 1; k <= slots; k++) {
      const slot = (start + k) % slots;
      if (old[slot * 2 + 1] !== 0) HashSlots.#put(next, old[slot * 2]!, old[slot * 2 + 1]!);
    }
    this.#pairs = next;
  }

  static #put(pairs: Uint32Array, hash: number, stored: number): void {
    const slots = pairs.length / 2;
    let slot = home(hash, slots);
    while (pairs[slot * 2 + 1] !== 0) slot = slot + 1 === slots ? 0 : slot + 1;
    pairs[slot * 2] = hash;
    pairs[slot * 2 + 1] = stored;
  }
}

/** The hash's high bits scaled to the table (no power-of-two size needed). */
function home(hash: number, slots: number): number {
  return Math.floor((hash * slots) / 4294967296);
}
