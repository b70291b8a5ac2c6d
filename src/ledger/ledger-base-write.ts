/**
 * Writing a compacted ledger file whole (layout: ledger-base.ts), through the one atomic write:
 * the entry lines, then each table streamed through a chunk of 64 KiB at a time with its CRC (in
 * the machine's byte order, as the reader's typed arrays read it), so a compaction holds no table
 * of the whole ledger in memory.
 */
import { crc32 } from 'node:zlib';
import { openAtomic, type AtomicFile } from '../write-atomic.js';
import { FOOTER_BYTES, tableBytes, type BaseFooter } from './ledger-base.js';

export interface BaseMeta {
  entries: number;
  legacy: number;
  keptSince: number;
  retentionMs: number;
}

const CHUNK = 1 << 16;

/**
 * The new compacted file, written beside the old one and renamed onto it by `commit` (fsync'ed
 * first): a reader sees the old file or the new one, whole. `abort` leaves the old.
 */
export class BaseWriter {
  #entryBytes = 0;
  readonly #tables: { crc: number; bytes: number }[] = [];

  private constructor(readonly file: AtomicFile) {}

  static async open(path: string, openReplacement = (to: string) => openAtomic(to, { durable: true })): Promise<BaseWriter> {
    return new BaseWriter(await openReplacement(path));
  }

  /** Whole entry lines, in order. */
  async write(bytes: Buffer): Promise<void> {
    this.#entryBytes += bytes.length;
    await this.file.handle.write(bytes);
  }

  /** The next table, in file order (after every entry line): its values, in batches, written a chunk of 64 KiB at a time. */
  async table(type: Float64ArrayConstructor | Uint32ArrayConstructor, batches: Iterable<ArrayLike<number>>): Promise<void> {
    const table = { crc: 0, bytes: 0 };
    const chunk = new type(CHUNK / type.BYTES_PER_ELEMENT);
    let used = 0;
    const flush = async (): Promise<void> => {
      const bytes = new Uint8Array(chunk.buffer, 0, used * type.BYTES_PER_ELEMENT);
      [table.crc, table.bytes, used] = [crc32(bytes, table.crc), table.bytes + bytes.length, 0];
      await this.file.handle.write(bytes); // written before the chunk is filled again
    };
    for (const batch of batches) {
      for (let i = 0; i < batch.length; i++) {
        chunk[used++] = batch[i]!;
        if (used === chunk.length) await flush();
      }
    }
    if (used > 0) await flush();
    this.#tables.push(table);
  }

  async commit(meta: BaseMeta): Promise<void> {
    const sizes = tableBytes(meta.entries, meta.legacy);
    if (sizes.some((size, i) => this.#tables[i]?.bytes !== size)) throw new Error(`the compacted ledger's tables do not hold ${meta.entries} entries`);
    const footer: BaseFooter = { format: 'milkypay-ledger-compacted/1', entryBytes: this.#entryBytes, ...meta, crc: this.#tables.map((t) => t.crc) };
    const text = JSON.stringify(footer);
    if (text.length >= FOOTER_BYTES) throw new Error(`the compacted ledger's footer is ${text.length} bytes, more than ${FOOTER_BYTES - 1}`);
    await this.file.handle.write(`${text.padEnd(FOOTER_BYTES - 1, ' ')}\n`);
    await this.file.commit();
  }

  abort(): Promise<void> {
    return this.file.abort();
  }
}

/** (hash, number) pairs sorted by hash, then number: a radix sort on the hash, two passes of 16 bits (stable). */
export function sortedPairs(hashes: Uint32Array): Uint32Array {
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
