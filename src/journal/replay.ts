import { open } from 'node:fs/promises';
import { JournalError } from './journal-errors.js';
import { parseLine } from './entry.js';
import type { JournalEntry, ParsedLine } from './entry.js';
import type { JournalHeader } from './binding.js';

export interface ReplayResult {
  /** The first line's binding and secret; undefined for an empty journal or one written before headers. */
  header: JournalHeader | undefined;
  /** Entries without a header: a journal of the version before bindings (not to be trusted as is). */
  legacy: boolean;
  /** The last entry per ref. */
  entries: Map<string, JournalEntry>;
  /** Size of the file as read, in bytes (0 when it does not exist). */
  size: number;
  /** Bytes to keep: the end of the last complete line; less than `size` when the tail is torn. */
  keepBytes: number;
  /** The 1-based line number of a torn last line that is dropped, if any. */
  tornLine: number | undefined;
  /** The last line is a whole entry that only lacks its newline: write one before appending. */
  needsNewline: boolean;
}

const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/**
 * Reads a journal in chunks, keeping only the last entry per ref, never the file's text.
 * A torn last line (a crash mid-write) is reported, not thrown; any other bad line is
 * a `JournalError` naming the line.
 */
export async function replayJournal(path: string): Promise<ReplayResult> {
  const handle = await openIfExists(path);
  const scan = new LineScanner(path);
  if (!handle) return scan.finish(0);
  try {
    let size = 0;
    for (;;) {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null).catch((error: unknown) => {
        throw unreadable(path, error);
      });
      if (bytesRead === 0) break;
      size += bytesRead;
      scan.push(buffer.subarray(0, bytesRead));
    }
    return scan.finish(size);
  } finally {
    await handle.close();
  }
}

async function openIfExists(path: string) {
  try {
    return await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable(path, error);
  }
}

function unreadable(path: string, error: unknown): JournalError {
  const reason = error instanceof Error ? error.message : String(error);
  return new JournalError('journal_unopenable', `cannot read journal ${path}: ${reason}`, { path });
}

const FOREIGN = 'it is not a JSON object, as every journal line is';

/** Splits bytes into lines (decoding each whole line, so a character split across chunks is safe). */
class LineScanner {
  readonly #path: string;
  readonly #entries = new Map<string, JournalEntry>();
  #carry: Buffer = Buffer.alloc(0);
  #carryOffset = 0; // file offset of the first byte of #carry
  #lineNumber = 0;
  #header: JournalHeader | undefined;
  #legacy = false;
  #keepBytes = 0;
  /** An unparseable complete line: a torn write if nothing but blank lines follows it, else corruption. */
  #suspect: number | undefined;

  constructor(path: string) {
    this.#path = path;
  }

  push(chunk: Buffer): void {
    const data = this.#carry.length > 0 ? Buffer.concat([this.#carry, chunk]) : chunk;
    const end = data.lastIndexOf(NEWLINE) + 1; // whole lines only: no character is split
    if (end > 0) {
      // One decode per chunk, not one per line. A UTF-8 sequence never decodes to more UTF-16 units
      // than it has bytes, so equal lengths mean each byte became one unit: string offsets are byte offsets.
      const text = data.toString('utf8', 0, end);
      if (text.length === end) this.#completeLines(text);
      else this.#completeLinesOf(data, end);
    }
    this.#carry = data.subarray(end);
    this.#carryOffset += end;
  }

  #completeLines(text: string): void {
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      this.#completeLine(text.slice(start, newline), this.#carryOffset + newline + 1);
      start = newline + 1;
    }
  }

  #completeLinesOf(data: Buffer, end: number): void {
    let start = 0;
    for (let newline = data.indexOf(NEWLINE); newline !== -1 && newline < end; newline = data.indexOf(NEWLINE, start)) {
      this.#completeLine(data.toString('utf8', start, newline), this.#carryOffset + newline + 1);
      start = newline + 1;
    }
  }

  finish(size: number): ReplayResult {
    const result = { header: this.#header, legacy: this.#legacy, entries: this.#entries, size, keepBytes: this.#keepBytes, tornLine: this.#suspect, needsNewline: false };
    if (this.#carry.length === 0) return result;
    const lineNumber = this.#lineNumber + 1;
    const parsed = parseLine(this.#carry.toString('utf8'));
    if (parsed.kind === 'blank') return result;
    if (this.#suspect !== undefined) throw this.#corrupt(this.#suspect, 'it is not valid JSON');
    switch (parsed.kind) {
      case 'header':
      case 'entry':
        this.#accept(parsed, lineNumber);
        return { ...result, header: this.#header, legacy: this.#legacy, keepBytes: size, needsNewline: true };
      case 'unparseable':
        if (this.#foreign(this.#carry.toString('utf8'))) throw this.#corrupt(lineNumber, FOREIGN, true);
        return { ...result, tornLine: lineNumber };
      case 'invalid':
        throw this.#corrupt(lineNumber, parsed.reason, this.#nothingYet());
    }
  }

  #completeLine(text: string, endOffset: number): void {
    const lineNumber = ++this.#lineNumber;
    const parsed = parseLine(text);
    if (parsed.kind === 'blank') {
      if (this.#suspect === undefined) this.#keepBytes = endOffset;
      return;
    }
    if (this.#suspect !== undefined) throw this.#corrupt(this.#suspect, 'it is not valid JSON');
    switch (parsed.kind) {
      case 'header':
      case 'entry':
        this.#accept(parsed, lineNumber);
        this.#keepBytes = endOffset;
        return;
      case 'unparseable':
        if (this.#foreign(text)) throw this.#corrupt(lineNumber, FOREIGN, true);
        this.#suspect = lineNumber;
        return;
      case 'invalid':
        throw this.#corrupt(lineNumber, parsed.reason, this.#nothingYet());
    }
  }

  /** A header only as the first line; then entries of its version, or legacy entries throughout. */
  #accept(parsed: Extract<ParsedLine, { kind: 'header' | 'entry' }>, lineNumber: number): void {
    const first = this.#header === undefined && !this.#legacy;
    if (parsed.kind === 'header') {
      if (!first) throw this.#corrupt(lineNumber, 'it is a journal header, which only the first line may be');
      this.#header = parsed.header;
      return;
    }
    if (first && !parsed.legacy) throw this.#corrupt(lineNumber, 'the journal has no header line before its first entry');
    if (first) this.#legacy = true;
    else if (parsed.legacy !== this.#legacy) {
      throw this.#corrupt(lineNumber, this.#legacy ? 'it has a newer format version than the lines before it' : 'it is in the old format, without the header\'s version');
    }
    this.#entries.set(parsed.entry.ref, parsed.entry);
  }

  /** No journal line read yet: a bad line now is the file's first, so the file is not a journal at all. */
  #nothingYet(): boolean {
    return this.#header === undefined && !this.#legacy && this.#entries.size === 0;
  }

  /**
   * A first line that is no torn write of a journal line (those start with `{`, or are zeros after a
   * power cut): another file (a CSV, notes) given as the journal, never to be cut as a torn tail.
   */
  #foreign(text: string): boolean {
    return this.#nothingYet() && !/^[{\0]/.test(text);
  }

  #corrupt(lineNumber: number, reason: string, notAJournal = false): JournalError {
    if (notAJournal) {
      return new JournalError(
        'journal_corrupt',
        `${this.#path} is not a journal: its line ${lineNumber} is not a journal line (${reason}). ` +
          'Name the journal a run wrote (<input-stem>.journal.jsonl, or the --journal it was given), or a new file; this one was left as it was.',
        { path: this.#path, line: lineNumber },
      );
    }
    return new JournalError(
      'journal_corrupt',
      `journal ${this.#path} line ${lineNumber} is not a journal entry: ${reason}. ` +
        `The file was damaged or edited by hand. Fix or delete that line, or move the journal aside ` +
        `to start a fresh one (a rerun then finds already-created payouts by their reference and does not pay them again).`,
      { path: this.#path, line: lineNumber },
    );
  }
}
