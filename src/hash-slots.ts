/**
 * A compact multimap from a 32-bit hash to 32-bit values: [hash, value + 1] pairs in Uint32Arrays
 * with linear probing (8 bytes a slot, kept between half and three quarters full), so a million
 * keys cost 11 to 16 MB and nothing for the garbage collector to trace. It only narrows the
 * search: every value whose hash matches is a candidate the caller confirms on the real key, so
 * two keys that share a hash are never taken for one another.
 *
 * The table is 256 shards chosen by the hash's top byte, each grown on its own: at a million keys
 * a growth step copies 50 KB, not 12 MB, so no large freed block is left behind for the process
 * to keep (one big table grown by copies left tens of MB of RSS behind at a million rows).
 */
const MAX_LOAD = 0.75;
const SHARDS = 256;
const FIRST_SLOTS = 16;

export class HashSlots {
  readonly #shards: (Uint32Array | undefined)[] = new Array<Uint32Array | undefined>(SHARDS).fill(undefined);
  readonly #counts = new Uint32Array(SHARDS);
  #count = 0;

  get size(): number {
    return this.#count;
  }

  add(hash: number, value: number): void {
    if (value < 0 || value >= 0xffffffff) throw new RangeError(`hash slot value out of range: ${value}`);
    const h = hash >>> 0;
    const shard = h >>> 24;
    let pairs = this.#shards[shard] ?? (this.#shards[shard] = new Uint32Array(FIRST_SLOTS * 2));
    if (this.#counts[shard]! + 1 > (pairs.length / 2) * MAX_LOAD) pairs = this.#shards[shard] = grown(pairs);
    put(pairs, h, value + 1);
    this.#counts[shard]! += 1;
    this.#count += 1;
  }

  /**
   * Calls `visit` with each value added under `hash`, in the order they were added, until it
   * returns true; returns whether one did.
   */
  find(hash: number, visit: (value: number) => boolean | void): boolean {
    const h = hash >>> 0;
    const pairs = this.#shards[h >>> 24];
    if (!pairs) return false;
    const slots = pairs.length / 2;
    for (let slot = home(h, slots); ; slot = slot + 1 === slots ? 0 : slot + 1) {
      const stored = pairs[slot * 2 + 1]!;
      if (stored === 0) return false;
      if (pairs[slot * 2] === h && visit(stored - 1) === true) return true;
    }
  }
}

/** By half again, not double: less slack at a million keys. */
function grown(old: Uint32Array): Uint32Array {
  const next = new Uint32Array(Math.ceil((old.length / 2) * 1.5) * 2);
  // Re-inserting in slot order from a free slot keeps each hash's values in the order they were added.
  const slots = old.length / 2;
  let start = 0;
  while (old[start * 2 + 1] !== 0) start += 1;
  for (let k = 1; k <= slots; k++) {
    const slot = (start + k) % slots;
    if (old[slot * 2 + 1] !== 0) put(next, old[slot * 2]!, old[slot * 2 + 1]!);
  }
  return next;
}

function put(pairs: Uint32Array, hash: number, stored: number): void {
  const slots = pairs.length / 2;
  let slot = home(hash, slots);
  while (pairs[slot * 2 + 1] !== 0) slot = slot + 1 === slots ? 0 : slot + 1;
  pairs[slot * 2] = hash;
  pairs[slot * 2 + 1] = stored;
}

/** The hash's bits below the shard byte, scaled to the shard's table (no power-of-two size needed). */
function home(hash: number, slots: number): number {
  return Math.floor((((hash << 8) >>> 0) * slots) / 4294967296);
}
