/**
 * The compacted part of a ledger, `payouts.compacted`: the payouts still live at the last
 * compaction (see ledger-compact.ts), one entry line each, then tables to find them without
 * reading them all, so a small run reads only the entries of the payees and references it asks
 * about. Written whole by the one atomic write, never appended to; `payouts.jsonl` holds what was
 * recorded since.
 *
 * Layout: the entry lines (`formatLedgerEntry`), then tables in the machine's byte order: each
 * entry's byte offset and time (float64), (hash of its reference, entry number) and (hash of its
 * payee key, entry number) pairs sorted by hash (uint32), the numbers of its version-1 entries
 * (uint32); then a footer of FOOTER_BYTES: a JSON object padded with spaces, with each table's
 * CRC-32. A table that fails its CRC, an entry line that is not an entry or is not the one its
 * table names: damage, which stops the run (a row whose payee it concerns could be paid again).
 * Compaction copies the lines it keeps as they are, and takes their times and hashes from the
 * tables (ledger-compact.ts).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { hashOf } from '../rules/first-seen.js';
import { parseLedgerLine, type LedgerEntry } from './ledger-entry.js';
import { AbortedError } from '../errors.js';
import { LedgerError } from './ledger-errors.js';
import type { BaseEntries } from './repeat-check.js';
import { LedgerPages } from './ledger-pages.js';

export const BASE_FILE = 'payouts.compacted';
export const FOOTER_BYTES = 256;
const FORMAT = 'milkypay-ledger-compacted/1';

export interface BaseFooter {
  format: typeof FORMAT;
  entries: number;
  /** Bytes of the entry lines (the tables start there). */
  entryBytes: number;
  legacy: number;
  /** Every payout recorded at or after this time (epoch ms) and live at compaction is kept. */
  keptSince: number;
  /** The retention that compaction used (ms). */
  retentionMs: number;
  /** CRC-32 of each table, in file order. */
  crc: number[];
}

/** The tables, in file order. */
export const Table = { Offsets: 0, Times: 1, ByRef: 2, ByPayee: 3, Legacy: 4 } as const;
export type Table = (typeof Table)[keyof typeof Table];

/** The table sizes in bytes, in file order, for `entries` entries of which `legacy` are version 1. */
export function tableBytes(entries: number, legacy: number): number[] {
  return [entries * 8, entries * 8, entries * 8, entries * 8, legacy * 4];
}

/** Pairs a block of a sorted table holds: one read of 4 KiB finds a hash's entries. */
const BLOCK_PAIRS = 512;

export class LedgerBase implements BaseEntries {
  readonly count: number;
  readonly keptSince: number;
  readonly retentionMs: number;
  /** File identity: a compaction replaces the file, so another inode means another base. */
  readonly ino: number;
  readonly legacyNumbers: Uint32Array;
  readonly #entryBytes: number;
  readonly #tableAt: number[];
  /** The first hash of each block of the sorted tables: all of them that stays in memory (8 bytes per 512 entries). */
  readonly #fences: Record<typeof Table.ByRef | typeof Table.ByPayee, Uint32Array>;
  #fd: number | undefined;
  /** The small reads of lookups (table blocks, offsets, entry lines); whole tables are read past it. */
  readonly #pages: LedgerPages;
  #last: { n: number; entry: LedgerEntry } | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    readonly footer: BaseFooter,
  ) {
    this.#fd = fd;
    this.ino = fstatSync(fd).ino;
    this.count = footer.entries;
    this.keptSince = footer.keptSince;
    this.retentionMs = footer.retentionMs;
    this.#entryBytes = footer.entryBytes;
    const sizes = tableBytes(this.count, footer.legacy);
    this.#tableAt = sizes.map((_, i) => this.#entryBytes + sizes.slice(0, i).reduce((a, b) => a + b, 0));
    this.#pages = new LedgerPages((into, position) => readSync(this.#open(), into, 0, into.length, position), fstatSync(fd).size);
    // The offsets and times are checked when compaction reads them whole; an entry read by a wrong
    // offset is caught by its hash. The sorted tables decide what is found: checked before any use.
    this.#fences = { [Table.ByRef]: this.#check(Table.ByRef), [Table.ByPayee]: this.#check(Table.ByPayee) };
    this.legacyNumbers = new Uint32Array(this.table(Table.Legacy));
  }

  /** The compacted file at `path`, or undefined when there is none; its tables checked. */
  static open(path: string): LedgerBase | undefined {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new LedgerError('ledger_damaged', `cannot read the repeat-payee ledger ${path} (${(error as Error).message}): make it readable by this user, then run again`, path);
    }
    try {
      return new LedgerBase(path, fd, readFooter(path, fd));
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** One whole table (compaction reads them), checked against its CRC. */
  table(which: Table): ArrayBuffer {
    const buffer = new ArrayBuffer(tableBytes(this.count, this.footer.legacy)[which]!);
    const view = new Uint8Array(buffer);
    this.#readExactly(view, this.#tableAt[which]!, 'its tables are cut short');
    if (crc32(view) !== this.footer.crc[which]) throw baseDamaged(this.path, 'its tables fail their checksum');
    return buffer;
  }

  /**
   * A whole table in chunks of up to 64 KiB (one buffer, read again for each), checked against its
   * CRC once the last is read: compaction streams the tables through, holding none of them.
   */
  *chunks(which: Table): Generator<Uint8Array> {
    const size = tableBytes(this.count, this.footer.legacy)[which]!;
    const block = new Uint8Array(1 << 16);
    let crc = 0;
    for (let done = 0; done < size; done += block.length) {
      const view = block.subarray(0, Math.min(block.length, size - done));
      this.#readExactly(view, this.#tableAt[which]! + done, 'its tables are cut short');
      crc = crc32(view, crc);
      yield view;
    }
    if (crc !== this.footer.crc[which]) throw baseDamaged(this.path, 'its tables fail their checksum');
  }

  /** Each entry's byte offset or time, in entry order, a chunk at a time. */
  *float64s(which: typeof Table.Offsets | typeof Table.Times): Generator<Float64Array> {
    for (const chunk of this.chunks(which)) yield new Float64Array(chunk.buffer, 0, chunk.length / 8);
  }

  /** `length` bytes of the entry lines from `start`, read into `scratch` when they fit. */
  bytes(start: number, length: number, scratch: Buffer): Buffer {
    const bytes = length <= scratch.length ? scratch.subarray(0, length) : Buffer.allocUnsafe(length);
    this.#readExactly(bytes, start, 'its entries are cut short');
    return bytes;
  }

  /** The entries whose reference hashes as `ref` does (the caller confirms the reference), but those `skip` says. */
  entriesByRef(ref: string, skip: (n: number) => boolean): [number, LedgerEntry][] {
    return this.#entries(Table.ByRef, hashOf(ref), skip, (e) => e.ref);
  }

  /** The entries whose payee key hashes as `payee` does, but those `skip` says. */
  entriesByPayee(payee: string, skip: (n: number) => boolean): [number, LedgerEntry][] {
    return this.#entries(Table.ByPayee, hashOf(payee), skip, (e) => e.payee);
  }

  /** Entry `n`, read back; a line that is not an entry is damage. */
  read(n: number): LedgerEntry {
    // A lookup reads an entry twice in a row (found by its table, then confirmed by the index).
    if (this.#last?.n === n) return this.#last.entry;
    const entry = this.#parse(n);
    this.#last = { n, entry };
    return entry;
  }

  #parse(n: number): LedgerEntry {
    const bounds = new Float64Array(2);
    const edges = new Uint8Array(bounds.buffer, 0, n + 1 < this.count ? 16 : 8);
    this.#readPaged(edges, this.#tableAt[Table.Offsets]! + n * 8, 'its tables are cut short');
    const end = n + 1 < this.count ? bounds[1]! : this.#entryBytes;
    const bytes = Buffer.allocUnsafe(Math.max(0, end - bounds[0]!));
    this.#readPaged(bytes, bounds[0]!, 'its entries are cut short');
    const entry = bytes[bytes.length - 1] === 10 ? parseLedgerLine(bytes.toString('utf8', 0, bytes.length - 1)) : undefined;
    if (!entry) throw baseDamaged(this.path, `line ${n + 1} is not a ledger entry`);
    return entry;
  }

  /** Every entry in file order, in reads of a MiB. */
  forEach(visit: (entry: LedgerEntry, n: number) => void): void {
    const scratch = Buffer.allocUnsafe(1 << 20);
    let n = 0;
    let carry = Buffer.alloc(0);
    for (let at = 0; at < this.#entryBytes; ) {
      const chunk = this.bytes(at, Math.min(scratch.length, this.#entryBytes - at), scratch);
      at += chunk.length;
      const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      let start = 0;
      for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
        const entry = parseLedgerLine(data.toString('utf8', start, nl));
        if (!entry) throw baseDamaged(this.path, `line ${n + 1} is not a ledger entry`);
        visit(entry, n++);
        start = nl + 1;
      }
      carry = Buffer.from(data.subarray(start));
    }
    if (carry.length > 0 || n !== this.count) throw baseDamaged(this.path, `it holds ${n} whole lines, its footer says ${this.count}`);
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #entries(which: typeof Table.ByRef | typeof Table.ByPayee, hash: number, skip: (n: number) => boolean, keyOf: (e: LedgerEntry) => string): [number, LedgerEntry][] {
    const found: [number, LedgerEntry][] = [];
    for (const n of this.#numbers(which, hash)) {
      if (skip(n)) continue;
      const entry = this.read(n);
      if (hashOf(keyOf(entry)) !== hash) throw baseDamaged(this.path, `line ${n + 1} is not the entry its table names`);
      found.push([n, entry]);
    }
    return found;
  }

  /** The entry numbers stored under `hash`: the blocks its fences point to, read one at a time. */
  #numbers(which: typeof Table.ByRef | typeof Table.ByPayee, hash: number): number[] {
    const fences = this.#fences[which];
    let lo = 0;
    let hi = fences.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (fences[mid]! < hash) lo = mid + 1;
      else hi = mid;
    }
    const found: number[] = [];
    // The block before the first fence >= hash may end with it; equal hashes may run on over blocks.
    for (let block = Math.max(0, lo - 1); block < fences.length && (block < lo || fences[block] === hash); block++) {
      const first = block * BLOCK_PAIRS;
      const at = this.#tableAt[which]! + first * 8;
      const pairs = Math.min(BLOCK_PAIRS, this.count - first);
      for (let i = this.#firstPairAtLeast(at, pairs, hash); i < pairs && this.#u32(at + i * 8) === hash; i++) found.push(this.#u32(at + i * 8 + 4));
    }
    return found;
  }

  /** Reads a whole table in blocks: its CRC checked, and the first hash of each block for a sorted one. */
  #check(which: Table): Uint32Array {
    const size = tableBytes(this.count, this.footer.legacy)[which]!;
    const block = new Uint8Array(BLOCK_PAIRS * 8 * 64);
    const fences = new Uint32Array(Math.ceil(this.count / BLOCK_PAIRS));
    let crc = 0;
    for (let done = 0; done < size; ) {
      const view = block.subarray(0, Math.min(block.length, size - done));
      this.#readExactly(view, this.#tableAt[which]! + done, 'its tables are cut short');
      crc = crc32(view, crc);
      const words = new Uint32Array(view.buffer, 0, view.length / 4);
      for (let i = 0; i < words.length; i += BLOCK_PAIRS * 2) fences[(done / 8 + i / 2) / BLOCK_PAIRS] = words[i]!;
      done += view.length;
    }
    if (crc !== this.footer.crc[which]) throw baseDamaged(this.path, 'its tables fail their checksum');
    return fences;
  }

  #readExactly(into: Uint8Array, position: number, what: string): void {
    if (into.length > 0 && readSync(this.#open(), into, 0, into.length, position) !== into.length) throw baseDamaged(this.path, what);
  }

  /** The index of the first of a sorted block's `pairs` (hash, number) pairs at `at` whose hash is at least `hash`. */
  #firstPairAtLeast(at: number, pairs: number, hash: number): number {
    let lo = 0;
    let hi = pairs;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#u32(at + mid * 8) < hash) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #u32(position: number): number {
    const value = this.#pages.u32(position);
    if (value === undefined) throw baseDamaged(this.path, 'its tables are cut short');
    return value;
  }

  #readPaged(into: Uint8Array, position: number, what: string): void {
    if (into.length > 0 && !this.#pages.read(into, position)) throw baseDamaged(this.path, what);
  }

  #open(): number {
    if (this.#fd !== undefined) return this.#fd;
    const fd = openSync(this.path, 'r');
    if (fstatSync(fd).ino !== this.ino) {
      closeSync(fd);
      throw new AbortedError('ledger_changed', `the ledger ${this.path} was compacted under this run: run again`);
    }
    return (this.#fd = fd);
  }
}

function readFooter(path: string, fd: number): BaseFooter {
  const size = fstatSync(fd).size;
  const bytes = Buffer.alloc(FOOTER_BYTES);
  if (size < FOOTER_BYTES || readSync(fd, bytes, 0, FOOTER_BYTES, size - FOOTER_BYTES) !== FOOTER_BYTES) throw baseDamaged(path, 'it is shorter than its footer');
  let footer: BaseFooter;
  try {
    footer = JSON.parse(bytes.toString('utf8')) as BaseFooter;
  } catch {
    throw baseDamaged(path, 'its footer is not readable');
  }
  const sizes = tableBytes(footer.entries, footer.legacy);
  const whole = footer.entryBytes + sizes.reduce((a, b) => a + b, 0) + FOOTER_BYTES;
  if (footer.format !== FORMAT || !Number.isSafeInteger(footer.entries) || !Array.isArray(footer.crc) || whole !== size) throw baseDamaged(path, `its footer does not describe it (${size} bytes)`);
  return footer;
}

export function baseDamaged(path: string, what: string): LedgerError {
  return new LedgerError(
    'ledger_damaged',
    `the repeat-payee ledger ${path} is damaged (${what}): the payouts it keeps could be paid again, so the run stops. ` +
      `Restore it from a backup; or move it aside (mv ${path} ${path}.damaged) and rerun, with their journals, the input files paid within the repeat window ` +
      `(each rerun records its payouts again) before paying new files`,
    path,
  );
}
