/**
 * The reference ids seen so far in a file, each with the line that used it first, kept as a
 * 64-bit hash in typed arrays: 24 bytes a reference instead of a retained string in a Map
 * (about 100 bytes), and no pressure on the garbage collector at a million rows.
 * Two different references with the same 64-bit hash (odds about n²/2⁶⁵, 3·10⁻⁸ at a million
 * rows) would make the later one a `duplicate_reference_id` naming the earlier line: the safe
 * direction, as the row is then not paid.
 */
export class ReferenceSet {
  private capacity = 1024;
  private hashA = new Uint32Array(this.capacity);
  private hashB = new Uint32Array(this.capacity);
  /** 0 marks an empty slot; lines start at 1. */
  private lines = new Uint32Array(this.capacity);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The line that first used `ref`, or undefined; records nothing. */
  firstLine(ref: string): number | undefined {
    const slot = this.find(hashA(ref), hashB(ref));
    return this.lines[slot] === 0 ? undefined : this.lines[slot];
  }

  /** The line that first used `ref`; or undefined, after recording `line` as its first use. */
  firstLineOrAdd(ref: string, line: number): number | undefined {
    const a = hashA(ref);
    const b = hashB(ref);
    const slot = this.find(a, b);
    if (this.lines[slot] !== 0) return this.lines[slot];
    this.hashA[slot] = a;
    this.hashB[slot] = b;
    this.lines[slot] = Math.max(1, line);
    if (++this.count * 2 > this.capacity) this.grow();
    return undefined;
  }

  private find(a: number, b: number): number {
    const mask = this.capacity - 1;
    let slot = a & mask;
    while (this.lines[slot] !== 0 && (this.hashA[slot] !== a || this.hashB[slot] !== b)) slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const { hashA: oldA, hashB: oldB, lines: oldLines } = this;
    this.capacity *= 2;
    this.hashA = new Uint32Array(this.capacity);
    this.hashB = new Uint32Array(this.capacity);
    this.lines = new Uint32Array(this.capacity);
    for (let i = 0; i < oldLines.length; i++) {
      if (oldLines[i] === 0) continue;
      const slot = this.find(oldA[i]!, oldB[i]!);
      this.hashA[slot] = oldA[i]!;
      this.hashB[slot] = oldB[i]!;
      this.lines[slot] = oldLines[i]!;
    }
  }
}

/** FNV-1a over UTF-16 code units, with a final avalanche so the low bits index well. */
function hashA(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** A second, independent 32-bit hash (multiply-xorshift with murmur3's finaliser). */
function hashB(s: string): number {
  let h = 0x9747b28c ^ s.length;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
