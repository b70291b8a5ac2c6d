/**
 * The keys seen so far in one file, each with the first row that used it (its line, and a string
 * of the caller's): the duplicate-reference check and the repeat-payee guard's "appears twice in
 * this file", at 11 to 16 bytes a key in memory.
 *
 * Only a 32-bit hash and where the key's record is are kept in memory (HashSlots); the records
 * (the exact key, the line, the string) go to a scratch file, read back only when a hash matches,
 * which is all but always a real repeat. The comparison is on the exact key, so a hash collision
 * never makes a false repeat nor lets a real one through. The first 64 KiB of records stay in
 * memory, so a small file never touches the disk; past that the scratch file is created 0600 in a
 * fresh 0700 folder and unlinked at once (it holds references and the ledger's keyed payee
 * hashes), so nothing is left behind even after `kill -9`. `close()` frees it; a set dropped
 * without it is closed when collected.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashSlots } from '../hash-slots.js';

const BUFFER_BYTES = 64 * 1024;
/** Records start on 8-byte boundaries, so a 32-bit slot value (position / 8) reaches 32 GiB. */
const ALIGN = 8;

export interface FirstRow {
  /** The caller's string (the repeat-payee guard: the row's reference). */
  ref: string;
  line: number;
}

/** The scratch file of a set, closed when the set is collected without close(). */
interface Scratch {
  fd: number | undefined;
  folder: string | undefined;
}
const dropped = new FinalizationRegistry<Scratch>((scratch) => closeScratch(scratch));

function closeScratch(scratch: Scratch): void {
  if (scratch.fd !== undefined) closeSync(scratch.fd);
  if (scratch.folder) rmSync(scratch.folder, { recursive: true, force: true });
  scratch.fd = undefined;
  scratch.folder = undefined;
}

export class FirstSeen {
  readonly #slots = new HashSlots();
  readonly #hash: (key: string) => number;
  #buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  /** Bytes of records in the buffer, which starts at `#flushed` in the scratch file. */
  #used = 0;
  #flushed = 0;
  readonly #scratch: Scratch = { fd: undefined, folder: undefined };

  constructor(hash: (key: string) => number = hashOf) {
    this.#hash = hash;
  }

  get size(): number {
    return this.#slots.size;
  }

  /** The first row with this key, or undefined; records nothing. */
  first(key: string): FirstRow | undefined {
    return this.#first(key, this.#hash(key));
  }

  /** The first row with this key; or undefined, after recording this one as the first. */
  firstOrAdd(key: string, row: FirstRow): FirstRow | undefined {
    const hash = this.#hash(key);
    const first = this.#first(key, hash);
    if (first) return first;
    this.#slots.add(hash, this.#write(key, row) / ALIGN);
    return undefined;
  }

  /** Closes (and removes) the scratch file, if there is one. */
  close(): void {
    dropped.unregister(this);
    closeScratch(this.#scratch);
  }

  #first(key: string, hash: number): FirstRow | undefined {
    let first: FirstRow | undefined;
    this.#slots.find(hash, (position) => {
      const record = this.#read(position * ALIGN);
      if (record.key !== key) return false;
      first = { ref: record.ref, line: record.line };
      return true;
    });
    return first;
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
      const n = readSync(this.#scratch.fd!, out, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return out.subarray(0, done);
  }

  /** Writes the buffered records out; a record larger than the buffer gets a buffer of its own. */
  #flush(next: number): void {
    if (this.#used > 0) {
      const fd = (this.#scratch.fd ??= this.#open());
      let done = 0;
      while (done < this.#used) done += writeSync(fd, this.#buffer, done, this.#used - done, this.#flushed + done);
      this.#flushed += this.#used;
      this.#used = 0;
    }
    if (next > this.#buffer.length) this.#buffer = Buffer.allocUnsafe(next);
  }

  #open(): number {
    const scratch = this.#scratch;
    scratch.folder = mkdtempSync(join(tmpdir(), 'milkypay-seen-'));
    const path = join(scratch.folder, 'keys');
    const fd = openSync(path, 'w+', 0o600);
    dropped.register(this, scratch, this);
    try {
      unlinkSync(path);
      rmSync(scratch.folder, { recursive: true, force: true });
      scratch.folder = undefined;
    } catch {
      // Windows keeps an open file; close() removes it.
    }
    return fd;
  }
}

/** FNV-1a over UTF-16 code units, with a final avalanche so the high and low bits both spread. */
export function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
