/**
 * The small reads of a compacted ledger file (a block of a sorted table, an entry's offsets, an
 * entry line) served from pages of it kept in memory, a bounded number of them. The file is
 * written whole and never changed in place (a compaction replaces it: another inode), so a page
 * read once holds the same bytes for as long as the file is open. A rerun of a big file asks the
 * ledger about every row, in the file's order: without the pages that was three reads from the
 * disk a row; with them, one read serves the rows whose entries share a page.
 */
import { endianness } from 'node:os';

const PAGE_BYTES = 64 * 1024;
/** The tables are written in the machine's byte order (Uint32Array). */
const LITTLE = endianness() === 'LE';

export class LedgerPages {
  /** Pages by number, least recently used first (a Map keeps insertion order). */
  readonly #pages = new Map<number, Buffer>();
  /** The page asked for last (most lookups ask for it again): no reordering of the Map for it. */
  #lastN = -1;
  #last: Buffer | undefined;

  constructor(
    /** Reads `into.length` bytes at `position` from the file, or fewer at its end. */
    private readonly readAt: (into: Uint8Array, position: number) => number,
    /** The file's size: the last page is short. */
    private readonly size: number,
    private readonly maxPages = 64,
  ) {}

  /** Copies `into.length` bytes from `position`; false when the file ends before them. */
  read(into: Uint8Array, position: number): boolean {
    if (position + into.length > this.size) return false;
    for (let done = 0; done < into.length; ) {
      const at = position + done;
      const page = this.#page(Math.floor(at / PAGE_BYTES));
      if (!page) return false;
      const from = at % PAGE_BYTES;
      const n = Math.min(into.length - done, page.length - from);
      if (n <= 0) return false;
      page.copy(into, done, from, from + n);
      done += n;
    }
    return true;
  }

  /** The uint32 at `position` (the machine's byte order), read in place; undefined past the end. */
  u32(position: number): number | undefined {
    const from = position % PAGE_BYTES;
    if (from > PAGE_BYTES - 4) {
      const into = new Uint8Array(4);
      return this.read(into, position) ? new Uint32Array(into.buffer)[0] : undefined;
    }
    const page = position + 4 <= this.size ? this.#page((position - from) / PAGE_BYTES) : undefined;
    if (!page || from + 4 > page.length) return undefined;
    return LITTLE ? page.readUInt32LE(from) : page.readUInt32BE(from);
  }

  #page(n: number): Buffer | undefined {
    if (n === this.#lastN) return this.#last;
    const kept = this.#pages.get(n);
    if (kept) {
      this.#lastN = n;
      this.#last = kept;
      this.#pages.delete(n);
      this.#pages.set(n, kept);
      return kept;
    }
    const page = Buffer.allocUnsafe(Math.min(PAGE_BYTES, this.size - n * PAGE_BYTES));
    if (this.readAt(page, n * PAGE_BYTES) !== page.length) return undefined;
    if (this.#pages.size >= this.maxPages) this.#pages.delete(this.#pages.keys().next().value!);
    this.#pages.set(n, page);
    this.#lastN = n;
    this.#last = page;
    return page;
  }
}
