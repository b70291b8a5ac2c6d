/**
 * Reading the ledger file: whole lines from where the last read stopped. A complete line that is
 * not an entry is damage (the payout it recorded could be paid again): it stops the run, naming
 * the line. A last line without its newline is either another run's append under way or, under
 * the lock, a torn write (see ledger-write.ts, which cuts it off).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { AbortedError } from '../errors.js';
import { parseLedgerLine, type LedgerEntry } from './ledger-entry.js';
import { LedgerError } from './ledger-errors.js';
import type { RepeatIndex } from './repeat-check.js';

/** How far the ledger file has been read. */
export interface LedgerTail {
  /** Bytes read as whole lines. */
  offset: number;
  /** Whole lines read. */
  lines: number;
  /** Bytes after `offset` without a newline yet (a torn last line, or an append under way). */
  partial: number;
}

export function newTail(): LedgerTail {
  return { offset: 0, lines: 0, partial: 0 };
}

/** Reads whole lines of the log open as `fd` from `tail.offset` on, applying each entry to the index. */
export function catchUp(fd: number, file: string, index: RepeatIndex, tail: LedgerTail): void {
  const chunk = Buffer.allocUnsafe(1 << 20);
  let carry: Buffer = Buffer.alloc(0);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, tail.offset + carry.length);
    } catch (error) {
      throw new LedgerError('ledger_damaged', `cannot read the repeat-payee ledger ${file} (${(error as Error).message}): make it readable by this user, then run again`, file);
    }
    if (n === 0) break;
    const data: Buffer = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
    let start = 0;
    for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
      const text = data.toString('utf8', start, nl);
      tail.lines += 1;
      if (text.trim()) {
        const entry = parseLedgerLine(text);
        if (!entry) throw damagedLine(file, tail.lines, text);
        index.apply(entry, tail.offset);
      }
      tail.offset += nl + 1 - start;
      start = nl + 1;
    }
    carry = Buffer.from(data.subarray(start));
  }
  tail.partial = carry.length;
}

function damagedLine(file: string, line: number, text: string): LedgerError {
  const from = /"file":"([^"\\]{1,200})"/.exec(text)?.[1];
  return new LedgerError(
    'ledger_damaged',
    `the repeat-payee ledger ${file} is damaged at line ${line} (not a ledger entry): the payout it recorded could be paid again, so the run stops. ` +
      `Restore the file from a backup; or delete that line (sed -i '${line}d' ${file}) and rerun the input file it came from` +
      `${from ? ` (${from}, it says)` : ''} with its journal, which records its payouts in the ledger again, before paying other files`,
    file,
  );
}

/**
 * The log file, held open from when the ledger was read: a compaction by another run replaces it
 * (another inode), and what this run read stays readable until it reads the ledger again.
 * Entries are read back by the position of their line, to confirm a hash match.
 */
export class LogFile {
  #fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    readonly ino: number,
  ) {
    this.#fd = fd;
  }

  /** The log as it is at `path` now, or undefined when there is none yet. */
  static open(path: string): LogFile | undefined {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new LedgerError('ledger_damaged', `cannot read the repeat-payee ledger ${path} (${(error as Error).message}): make it readable by this user, then run again`, path);
    }
    return new LogFile(path, fd, fstatSync(fd).ino);
  }

  catchUp(index: RepeatIndex, tail: LedgerTail): void {
    catchUp(this.#open(), this.path, index, tail);
  }

  read(position: number): LedgerEntry {
    const fd = this.#open();
    let bytes = Buffer.alloc(0);
    for (;;) {
      const chunk = Buffer.allocUnsafe(bytes.length ? bytes.length : 512);
      const n = readSync(fd, chunk, 0, chunk.length, position + bytes.length);
      bytes = Buffer.concat([bytes, chunk.subarray(0, n)]);
      const nl = bytes.indexOf(10);
      const entry = nl === -1 && n > 0 ? undefined : parseLedgerLine(bytes.toString('utf8', 0, nl === -1 ? bytes.length : nl));
      if (nl !== -1 || n === 0) {
        if (!entry) throw new AbortedError('ledger_changed', `the ledger ${this.path} changed under this run (no entry at byte ${position} any more): run again`);
        return entry;
      }
    }
  }

  /** Lets the file go; a later read opens it again, if it is still the same file. */
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
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
