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
import { LedgerError } from './ledger-errors.js';
import type { BaseEntries } from './repeat-check.js';

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

export class LedgerBase implements BaseEntries {
  readonly count: number;
  readonly keptSince: number;
  readonly retentionMs: number;
  /** File identity: a compaction replaces the file, so another inode means another base. */
  readonly ino: number;
  readonly #offsets: Float64Array;
  readonly #entryBytes: number;
  readonly #byRef: Uint32Array;
  readonly #byPayee: Uint32Array;
  readonly legacyNumbers: Uint32Array;
  #fd: number | undefined;

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
    this.#offsets = new Float64Array(this.table(Table.Offsets));
    this.#byRef = new Uint32Array(this.table(Table.ByRef));
    this.#byPayee = new Uint32Array(this.table(Table.ByPayee));
    this.legacyNumbers = new Uint32Array(this.table(Table.Legacy));
  }

  /** One table, read and checked against its CRC. */
  table(which: Table): ArrayBuffer {
    const sizes = tableBytes(this.count, this.footer.legacy);
    const position = this.#entryBytes + sizes.slice(0, which).reduce((a, b) => a + b, 0);
    const buffer = new ArrayBuffer(sizes[which]!);
    const view = new Uint8Array(buffer);
    if (view.length > 0 && readSync(this.#open(), view, 0, view.length, position) !== view.length) throw baseDamaged(this.path, 'its tables are cut short');
    if (crc32(view) !== this.footer.crc[which]) throw baseDamaged(this.path, 'its tables fail their checksum');
    return buffer;
  }

  /** Entry n's reference hash (or payee key hash) at [n], from the sorted pairs. */
  hashesByNumber(which: typeof Table.ByRef | typeof Table.ByPayee): Uint32Array {
    const pairs = which === Table.ByRef ? this.#byRef : this.#byPayee;
    const hashes = new Uint32Array(this.count);
    for (let i = 0; i < this.count; i++) hashes[pairs[i * 2 + 1]!] = pairs[i * 2]!;
    return hashes;
  }

  /** The bytes of entries first..last, lines whole, read into `scratch` when they fit (compaction copies them as they are). */
  lines(first: number, last: number, scratch: Buffer): Buffer {
    const start = this.#offsets[first]!;
    const length = this.#end(last) - start;
    const bytes = length <= scratch.length ? scratch.subarray(0, length) : Buffer.allocUnsafe(length);
    if (readSync(this.#open(), bytes, 0, bytes.length, start) !== bytes.length) throw baseDamaged(this.path, 'its entries are cut short');
    return bytes;
  }

  /** Entry n's line length in bytes, its newline included. */
  lineBytes(n: number): number {
    return this.#end(n) - this.#offsets[n]!;
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

  /** The entries whose reference hashes as `ref` does (the caller confirms the reference), but those `skip` says. */
  entriesByRef(ref: string, skip: (n: number) => boolean): [number, LedgerEntry][] {
    return this.#entries(this.#byRef, hashOf(ref), skip, (e) => e.ref);
  }

  /** The entries whose payee key hashes as `payee` does, but those `skip` says. */
  entriesByPayee(payee: string, skip: (n: number) => boolean): [number, LedgerEntry][] {
    return this.#entries(this.#byPayee, hashOf(payee), skip, (e) => e.payee);
  }

  #entries(pairs: Uint32Array, hash: number, skip: (n: number) => boolean, keyOf: (e: LedgerEntry) => string): [number, LedgerEntry][] {
    const found: [number, LedgerEntry][] = [];
    for (const n of matching(pairs, hash)) {
      if (skip(n)) continue;
      const entry = this.read(n);
      if (hashOf(keyOf(entry)) !== hash) throw baseDamaged(this.path, `line ${n + 1} is not the entry its table names`);
      found.push([n, entry]);
    }
    return found;
  }

  /** Entry `n`, read back; a line that is not an entry is damage. */
  read(n: number): LedgerEntry {
    const start = this.#offsets[n]!;
    const end = this.#end(n);
    const bytes = Buffer.allocUnsafe(end - start);
    readSync(this.#open(), bytes, 0, bytes.length, start);
    const entry = bytes[bytes.length - 1] === 10 ? parseLedgerLine(bytes.toString('utf8', 0, bytes.length - 1)) : undefined;
    if (!entry) throw baseDamaged(this.path, `line ${n + 1} is not a ledger entry`);
    return entry;
  }

  /** Every entry in file order (compaction reads them all, in large reads). */
  forEach(visit: (entry: LedgerEntry, n: number) => void): void {
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let n = 0; n < this.count; ) {
      const start = this.#offsets[n]!;
      let last = n;
      while (last + 1 < this.count && this.#end(last + 1) - start <= chunk.length) last += 1;
      const end = this.#end(last);
      if (end - start > chunk.length) {
        visit(this.read(n), n); // one line longer than the chunk
        n += 1;
        continue;
      }
      readSync(this.#open(), chunk, 0, end - start, start);
      for (; n <= last; n++) {
        const to = this.#end(n) - start - 1;
        const entry = chunk[to] === 10 ? parseLedgerLine(chunk.toString('utf8', this.#offsets[n]! - start, to)) : undefined;
        if (!entry) throw baseDamaged(this.path, `line ${n + 1} is not a ledger entry`);
        visit(entry, n);
      }
    }
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #open(): number {
    if (this.#fd !== undefined) return this.#fd;
    const fd = openSync(this.path, 'r');
    if (fstatSync(fd).ino !== this.ino) {
      closeSync(fd);
      throw new LedgerError('ledger_damaged', `the repeat-payee ledger ${this.path} was replaced under this run: run again`, this.path);
    }
    return (this.#fd = fd);
  }

  /** Where entry `n`'s line ends (after its newline): the next one's start, or the tables'. */
  #end(n: number): number {
    return n + 1 < this.count ? this.#offsets[n + 1]! : this.#entryBytes;
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

/** The numbers stored under `hash` in sorted (hash, number) pairs. */
function matching(pairs: Uint32Array, hash: number): number[] {
  let lo = 0;
  let hi = pairs.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pairs[mid * 2]! < hash) lo = mid + 1;
    else hi = mid;
  }
  const found: number[] = [];
  for (let i = lo; i < pairs.length / 2 && pairs[i * 2] === hash; i++) found.push(pairs[i * 2 + 1]!);
  return found;
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
