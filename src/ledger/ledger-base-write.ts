/** Writing a compacted ledger file whole (layout: ledger-base.ts), through the one atomic write. */
import { crc32 } from 'node:zlib';
import { openAtomic, type AtomicFile } from '../write-atomic.js';
import { FOOTER_BYTES, type BaseFooter } from './ledger-base.js';

/** What the tables hold of one entry line. */
export interface BaseRow {
  /** The line's length in bytes, its newline included. */
  bytes: number;
  at: number;
  refHash: number;
  payeeHash: number;
  legacy: boolean;
}

export interface BaseMeta {
  keptSince: number;
  retentionMs: number;
}

/**
 * The new compacted file, written beside the old one and renamed onto it by `commit` (fsync'ed
 * first): a reader sees the old file or the new one, whole. `abort` leaves the old.
 */
export class BaseWriter {
  #offsets: Float64Array;
  #times: Float64Array;
  #refHashes: Uint32Array;
  #payeeHashes: Uint32Array;
  readonly #legacy: number[] = [];
  #count = 0;
  #position = 0;

  /** `entries`: how many will be written (the tables are made that size once: no copies as they grow). */
  private constructor(
    readonly file: AtomicFile,
    entries: number,
  ) {
    const size = Math.max(1, entries);
    [this.#offsets, this.#times, this.#refHashes, this.#payeeHashes] = [new Float64Array(size), new Float64Array(size), new Uint32Array(size), new Uint32Array(size)];
  }

  static async open(path: string, entries: number, openReplacement = (to: string) => openAtomic(to, { durable: true })): Promise<BaseWriter> {
    return new BaseWriter(await openReplacement(path), entries);
  }

  /** Appends whole entry lines, with what the tables need of each, in order. */
  async write(bytes: Buffer, rows: readonly BaseRow[]): Promise<void> {
    for (const row of rows) {
      if (this.#count === this.#offsets.length) this.#grow();
      if (row.legacy) this.#legacy.push(this.#count);
      this.#offsets[this.#count] = this.#position;
      this.#times[this.#count] = row.at;
      this.#refHashes[this.#count] = row.refHash;
      this.#payeeHashes[this.#count] = row.payeeHash;
      this.#count += 1;
      this.#position += row.bytes;
    }
    await this.file.handle.write(bytes);
  }

  async commit(meta: BaseMeta): Promise<void> {
    const n = this.#count;
    const tables = [this.#offsets.subarray(0, n), this.#times.subarray(0, n), sortedPairs(this.#refHashes.subarray(0, n)), sortedPairs(this.#payeeHashes.subarray(0, n)), Uint32Array.from(this.#legacy)];
    const crc: number[] = [];
    for (const table of tables) {
      const bytes = new Uint8Array(table.buffer, table.byteOffset, table.byteLength);
      crc.push(crc32(bytes));
      await this.file.handle.write(bytes);
    }
    const footer: BaseFooter = { format: 'milkypay-ledger-compacted/1', entries: n, entryBytes: this.#position, legacy: this.#legacy.length, ...meta, crc };
    const text = JSON.stringify(footer);
    if (text.length >= FOOTER_BYTES) throw new Error(`the compacted ledger's footer is ${text.length} bytes, more than ${FOOTER_BYTES - 1}`);
    await this.file.handle.write(`${text.padEnd(FOOTER_BYTES - 1, ' ')}\n`);
    await this.file.commit();
  }

  abort(): Promise<void> {
    return this.file.abort();
  }

  #grow(): void {
    const size = this.#offsets.length * 2;
    const grow = <T extends Float64Array | Uint32Array>(old: T, next: T): T => (next.set(old), next);
    this.#offsets = grow(this.#offsets, new Float64Array(size));
    this.#times = grow(this.#times, new Float64Array(size));
    this.#refHashes = grow(this.#refHashes, new Uint32Array(size));
    this.#payeeHashes = grow(this.#payeeHashes, new Uint32Array(size));
  }
}

/** (hash, entry number) pairs sorted by hash, then number: a radix sort on the hash, two passes of 16 bits (stable). */
function sortedPairs(hashes: Uint32Array): Uint32Array {
  let order = new Uint32Array(hashes.length);
  for (let n = 0; n < order.length; n++) order[n] = n;
  let next = new Uint32Array(hashes.length);
  for (const shift of [0, 16]) {
    const counts = new Uint32Array(65_537);
    for (let i = 0; i < order.length; i++) counts[((hashes[order[i]!]! >>> shift) & 0xffff) + 1]! += 1;
    for (let d = 1; d < counts.length; d++) counts[d]! += counts[d - 1]!;
    for (let i = 0; i < order.length; i++) next[counts[(hashes[order[i]!]! >>> shift) & 0xffff]!++] = order[i]!;
    [order, next] = [next, order];
  }
  const pairs = new Uint32Array(hashes.length * 2);
  for (let i = 0; i < order.length; i++) {
    pairs[i * 2] = hashes[order[i]!]!;
    pairs[i * 2 + 1] = order[i]!;
  }
  return pairs;
}
