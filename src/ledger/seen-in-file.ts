/**
 * The payees (payee key, currency, amount) seen so far in one file, each with the first row that
 * paid it: the "appears twice in this file" half of the repeat-payee guard, at about 11 to 16
 * bytes a row in memory.
 *
 * Only a 32-bit hash and where the row's record is are kept in memory (HashSlots); the records
 * (the exact key, the reference and the line) go to a scratch file, read back only when a hash
 * matches, which is all but always a real repeat. The comparison is on the exact key, so a hash
 * collision never holds a row it should not, nor lets a repeat through. The first 64 KiB of
 * records stay in memory, so a small file never touches the disk; past that the scratch file is
 * created 0600 in a fresh 0700 folder and unlinked at once (it holds what the ledger holds:
 * keyed hashes and references), so nothing is left behind even after `kill -9`.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashOf } from '../rules/reference-set.js';
import { HashSlots } from './hash-slots.js';

const BUFFER_BYTES = 64 * 1024;
/** Records start on 8-byte boundaries, so a 32-bit slot value (position / 8) reaches 32 GiB. */
const ALIGN = 8;

export interface FirstRow {
  ref: string;
  line: number;
}

export class SeenInFile {
  readonly #slots = new HashSlots();
  readonly #hash: (key: string) => number;
  #buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  /** Bytes of records in the buffer, which starts at `#flushed` in the scratch file. */
  #used = 0;
  #flushed = 0;
  #fd: number | undefined;
  #folder: string | undefined;

  constructor(hash: (key: string) => number = hashOf) {
    this.#hash = hash;
  }

  /** The first row with this key; or undefined, after recording this one as the first. */
  firstOrAdd(key: string, row: FirstRow): FirstRow | undefined {
    const hash = this.#hash(key);
    let first: FirstRow | undefined;
    this.#slots.find(hash, (position) => {
      const record = this.#read(position * ALIGN);
      if (record.key !== key) return false;
      first = { ref: record.ref, line: record.line };
      return true;
    });
    if (first) return first;
    this.#slots.add(hash, this.#write(key, row) / ALIGN);
    return undefined;
  }

  /** Closes (and removes) the scratch file, if there is one. */
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    if (this.#folder) rmSync(this.#folder, { recursive: true, force: true });
    this.#fd = undefined;
    this.#folder = undefined;
  }

  /** Record: key length, key, line, reference length, reference (UTF-8); returns its position. */
  #write(key: string, row: FirstRow): number {
    const keyBytes = Buffer.byteLength(key);
    const refBytes = Buffer.byteLength(row.ref);
    const size = Math.ceil((12 + keyBytes + refBytes) / ALIGN) * ALIGN;
    if (this.#used + size > this.#buffer.length) this.#flush(size);
    const at = this.#used;
    const b = this.#buffer;
    b.writeUInt32LE(keyBytes, at);
    b.write(key, at + 4, 'utf8');
    b.writeUInt32LE(row.line, at + 4 + keyBytes);
    b.writeUInt32LE(refBytes, at + 8 + keyBytes);
    b.write(row.ref, at + 12 + keyBytes, 'utf8');
    this.#used += size;
    return this.#flushed + at;
  }

  #read(position: number): { key: string; ref: string; line: number } {
    let b: Buffer;
    let at: number;
    if (position >= this.#flushed) {
      b = this.#buffer;
      at = position - this.#flushed;
    } else {
      // One read for a record of usual size (key and reference under 100 bytes), two for a longer one.
      b = this.#readFile(position, 256);
      const size = 12 + b.readUInt32LE(0) + b.readUInt32LE(8 + b.readUInt32LE(0));
      if (size > b.length) b = this.#readFile(position, size);
      at = 0;
    }
    const keyBytes = b.readUInt32LE(at);
    const refBytes = b.readUInt32LE(at + 8 + keyBytes);
    return {
      key: b.toString('utf8', at + 4, at + 4 + keyBytes),
      line: b.readUInt32LE(at + 4 + keyBytes),
      ref: b.toString('utf8', at + 12 + keyBytes, at + 12 + keyBytes + refBytes),
    };
  }

  /** Up to `length` bytes from `position` (fewer at the end of the file, which ends on a whole record). */
  #readFile(position: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.#fd!, out, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return out.subarray(0, done);
  }

  /** Writes the buffered records out; a record larger than the buffer gets a buffer of its own. */
  #flush(next: number): void {
    if (this.#used > 0) {
      this.#fd ??= this.#open();
      let done = 0;
      while (done < this.#used) done += writeSync(this.#fd, this.#buffer, done, this.#used - done, this.#flushed + done);
      this.#flushed += this.#used;
      this.#used = 0;
    }
    if (next > this.#buffer.length) this.#buffer = Buffer.allocUnsafe(next);
  }

  #open(): number {
    this.#folder = mkdtempSync(join(tmpdir(), 'milkypay-seen-'));
    const path = join(this.#folder, 'payees');
    const fd = openSync(path, 'w+', 0o600);
    try {
      unlinkSync(path);
      rmSync(this.#folder, { recursive: true, force: true });
      this.#folder = undefined;
    } catch {
      // Windows keeps an open file; close() removes it.
    }
    return fd;
  }
}
