/**
 * The reference ids seen so far in a file, each with the line that used it first: compact and
 * exact. The references' UTF-8 bytes go into 1 MiB arena chunks, and each entry is a 32-bit hash,
 * its line and where its bytes are, in typed arrays (14 bytes) indexed by an open-addressing table
 * (4 bytes a slot, at most half full): about 40 bytes a 16-byte reference instead of a retained
 * string in a Map (about 100), and nothing for the garbage collector to trace at a million rows.
 * A hash match is confirmed on the bytes, so two references that merely share a hash are never
 * taken for one another (a false duplicate would leave a payout unpaid).
 */
const CHUNK_BYTES = 1 << 20;
const INITIAL_ENTRIES = 512;

export class ReferenceSet {
  /** Entry number + 1 per slot; 0 is empty. A power of two, kept at most half full. */
  private slots = new Uint32Array(INITIAL_ENTRIES * 2);
  private hashes = new Uint32Array(INITIAL_ENTRIES);
  private lines = new Uint32Array(INITIAL_ENTRIES);
  /** chunk index × CHUNK_BYTES + position in the chunk. */
  private offsets = new Uint32Array(INITIAL_ENTRIES);
  private lengths = new Uint16Array(INITIAL_ENTRIES);
  private chunks: Buffer[] = [];
  private used = CHUNK_BYTES; // no chunk yet
  /** References of 64 KiB or more (none in practice), kept as strings. */
  private readonly long = new Map<string, number>();
  private count = 0;

  get size(): number {
    return this.count + this.long.size;
  }

  /** The line that first used `ref`, or undefined; records nothing. */
  firstLine(ref: string): number | undefined {
    const slot = this.find(ref, hashOf(ref));
    if (slot < 0) return this.long.get(ref);
    const entry = this.slots[slot]!;
    return entry === 0 ? undefined : this.lines[entry - 1];
  }

  /** The line that first used `ref`; or undefined, after recording `line` as its first use. */
  firstLineOrAdd(ref: string, line: number): number | undefined {
    const hash = hashOf(ref);
    const slot = this.find(ref, hash);
    if (slot < 0) {
      const first = this.long.get(ref);
      if (first === undefined) this.long.set(ref, line);
      return first;
    }
    const found = this.slots[slot]!;
    if (found !== 0) return this.lines[found - 1];
    const entry = this.count;
    if (entry === this.hashes.length) this.growEntries();
    this.hashes[entry] = hash;
    this.lines[entry] = line;
    this.store(entry, ref);
    this.slots[slot] = entry + 1;
    this.count += 1;
    if (this.count * 2 > this.slots.length) this.growSlots();
    return undefined;
  }

  /** The slot holding `ref`, or the empty slot where it belongs; -1 for a reference too long for the arena. */
  private find(ref: string, hash: number): number {
    if (ref.length > 0x5555 && Buffer.byteLength(ref) > 0xffff) return -1; // 3 bytes a UTF-16 unit at most
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return slot;
      if (this.hashes[entry - 1] === hash && this.bytesEqual(entry - 1, ref)) return slot;
    }
  }

  /** Only on a full 32-bit hash match, which is all but always the same reference: one decode. */
  private bytesEqual(entry: number, ref: string): boolean {
    const offset = this.offsets[entry]!;
    const chunk = this.chunks[Math.floor(offset / CHUNK_BYTES)]!;
    const start = offset % CHUNK_BYTES;
    return chunk.toString('utf8', start, start + this.lengths[entry]!) === ref;
  }

  private store(entry: number, ref: string): void {
    const length = Buffer.byteLength(ref);
    if (this.used + length > CHUNK_BYTES) {
      this.chunks.push(Buffer.allocUnsafeSlow(CHUNK_BYTES));
      this.used = 0;
    }
    const index = this.chunks.length - 1;
    this.chunks[index]!.write(ref, this.used, 'utf8');
    this.offsets[entry] = index * CHUNK_BYTES + this.used;
    this.lengths[entry] = length;
    this.used += length;
  }

  /** By half again, not double: less slack at a million entries. */
  private growEntries(): void {
    const size = Math.ceil(this.hashes.length * 1.5);
    const grow = <T extends Uint32Array | Uint16Array>(old: T, next: T): T => {
      next.set(old);
      return next;
    };
    this.hashes = grow(this.hashes, new Uint32Array(size));
    this.lines = grow(this.lines, new Uint32Array(size));
    this.offsets = grow(this.offsets, new Uint32Array(size));
    this.lengths = grow(this.lengths, new Uint16Array(size));
  }

  private growSlots(): void {
    this.slots = new Uint32Array(this.slots.length * 2);
    const mask = this.slots.length - 1;
    for (let entry = 0; entry < this.count; entry++) {
      let slot = this.hashes[entry]! & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = entry + 1;
    }
  }
}

/** FNV-1a over UTF-16 code units, with a final avalanche so the low bits index well. */
export function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
