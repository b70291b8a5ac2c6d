/**
 * The repeat-payee check, pure: the same payee, currency and amount already paid under another
 * reference within the window (from the ledger), or earlier in the same file, is held.
 *
 * Compact and exact: the index keeps, per ledger entry, its time and where its line is (17 bytes)
 * plus 32-bit hashes of its reference and of its payee, currency and amount in HashSlots; a hash
 * that matches is confirmed on the entry itself, read back from the ledger, so a collision never
 * holds a row wrongly nor lets a repeat through. Only entries read from the ledger are indexed:
 * what this run records itself is known to the run (its rows, and the file's own repeats).
 */
import { canonicalAmount } from '../money.js';
import { HashSlots } from '../hash-slots.js';
import type { LedgerEntry } from './ledger-entry.js';
import { FirstSeen, hashOf } from '../rules/first-seen.js';

export interface PaidPayout {
  ref: string;
  currency: string;
  amount: string;
  at: number;
  file: string;
}

/** Where the index reads an entry back from, by the position it was applied at (its line's byte offset). */
export interface EntrySource {
  read(position: number): LedgerEntry;
}

export interface RepeatIndexOptions {
  /** Default: the entries are kept in memory (for a handful of entries, e.g. in tests). */
  source?: EntrySource;
  /** The 32-bit hash the slots use (a test forces collisions with a tiny one). */
  hash?: (key: string) => number;
  /**
   * Paid entries older than this (epoch ms) can hold nothing in this run: only their reference
   * is indexed (a row paid under its own reference is never held, however long ago).
   */
  since?: number;
}

const ALIVE = 1;
const BY_SIGNATURE = 2;

/** What the ledger says was paid, by reference and by payee + currency + amount. */
export class RepeatIndex {
  readonly #byRef = new HashSlots();
  readonly #bySignature = new HashSlots();
  readonly #hash: (key: string) => number;
  readonly #since: number;
  readonly #source: EntrySource;
  readonly #memory: LedgerEntry[] | undefined;
  #at = new Float64Array(256);
  #position = new Float64Array(256);
  #flags = new Uint8Array(256);
  #count = 0;

  constructor(options: RepeatIndexOptions = {}) {
    this.#hash = options.hash ?? hashOf;
    this.#since = options.since ?? -Infinity;
    if (options.source) {
      this.#source = options.source;
    } else {
      const memory: LedgerEntry[] = [];
      this.#memory = memory;
      this.#source = { read: (position) => memory[position]! };
    }
  }

  /**
   * Entries in the order they were written: a `void` cancels the `paid` it names; a second `paid`
   * of the same payout moves it to its time. `position` is where `source` reads it back.
   */
  apply(entry: LedgerEntry, position?: number): void {
    if (position === undefined) {
      if (!this.#memory) throw new Error('RepeatIndex.apply: an index reading from a source needs the entry\'s position');
      position = this.#memory.push(entry) - 1;
    }
    const sig = signature(entry.payee, entry.currency, entry.amount);
    const same = this.#find(entry.ref, sig);
    if (entry.kind === 'void') {
      if (same !== undefined) this.#flags[same] = 0;
      return;
    }
    const at = Date.parse(entry.at);
    let id = same;
    if (id === undefined) {
      id = this.#count++;
      if (id === this.#at.length) this.#grow();
      this.#flags[id] = ALIVE;
      this.#byRef.add(this.#hash(entry.ref), id);
    }
    this.#at[id] = at;
    this.#position[id] = position;
    if (at >= this.#since && !(this.#flags[id]! & BY_SIGNATURE)) {
      this.#flags[id] = ALIVE | BY_SIGNATURE;
      this.#bySignature.add(this.#hash(sig), id);
    }
  }

  /** Whether a payout under this reference is recorded (and not void). */
  hasRef(ref: string): boolean {
    return this.#byRef.find(this.#hash(ref), (id) => this.#alive(id) && this.#source.read(this.#position[id]!).ref === ref);
  }

  /** The entries recorded under this reference and not void, read back from the ledger. */
  liveUnder(ref: string): LedgerEntry[] {
    const found: LedgerEntry[] = [];
    this.#byRef.find(this.#hash(ref), (id) => {
      if (!this.#alive(id)) return;
      const e = this.#source.read(this.#position[id]!);
      if (e.ref === ref) found.push(e);
    });
    return found;
  }

  /** Whether this exact payout (reference, payee, currency, amount) is recorded and not void. */
  has(ref: string, payee: string, currency: string, amount: string): boolean {
    return this.#find(ref, signature(payee, currency, amount)) !== undefined;
  }

  /** The latest payout to this payee, currency and amount under another reference since `since`. */
  latestOther(payee: string, currency: string, amount: string, ref: string, since: number): PaidPayout | undefined {
    const sig = signature(payee, currency, amount);
    const candidates: number[] = [];
    this.#bySignature.find(this.#hash(sig), (id) => {
      if (this.#alive(id) && this.#at[id]! >= since) candidates.push(id);
    });
    // Latest first (the earliest recorded among equal times); each confirmed on the entry itself.
    candidates.sort((a, b) => this.#at[b]! - this.#at[a]! || a - b);
    for (const id of candidates) {
      const e = this.#source.read(this.#position[id]!);
      if (e.ref !== ref && signature(e.payee, e.currency, e.amount) === sig) {
        return { ref: e.ref, currency: e.currency, amount: e.amount, at: this.#at[id]!, file: e.file };
      }
    }
    return undefined;
  }

  /** The live entry recording `ref` for this signature. */
  #find(ref: string, sig: string): number | undefined {
    let found: number | undefined;
    this.#byRef.find(this.#hash(ref), (id) => {
      if (!this.#alive(id)) return false;
      const e = this.#source.read(this.#position[id]!);
      if (e.ref !== ref || signature(e.payee, e.currency, e.amount) !== sig) return false;
      found = id;
      return true;
    });
    return found;
  }

  #alive(id: number): boolean {
    return (this.#flags[id]! & ALIVE) !== 0;
  }

  #grow(): void {
    const size = Math.ceil(this.#at.length * 1.5);
    const at = new Float64Array(size);
    const position = new Float64Array(size);
    const flags = new Uint8Array(size);
    at.set(this.#at);
    position.set(this.#position);
    flags.set(this.#flags);
    this.#at = at;
    this.#position = position;
    this.#flags = flags;
  }
}

export interface RepeatCandidate {
  ref: string;
  line: number;
  payee: string;
  currency: string;
  amount: string;
  /** `--allow-repeat`, or the row's `allow_repeat` column is `yes`. */
  allowRepeat: boolean;
}

export type RepeatVerdict = { held: false } | { held: true; message: string };

export interface RepeatGuardOptions {
  /** 0 turns the guard off. */
  windowMs: number;
  /** The window as the operator wrote it, for messages (`3d`). */
  windowText: string;
  now: number;
  /** The 32-bit hash of the rows-seen set (a test forces collisions with a tiny one). */
  hash?: (key: string) => number;
}

/** One run's check: the ledger as it was when the run started, plus the rows seen so far in the file. */
export class RepeatGuard {
  #seen: FirstSeen | undefined;

  constructor(
    readonly index: RepeatIndex,
    readonly options: RepeatGuardOptions,
  ) {}

  get enabled(): boolean {
    return this.options.windowMs > 0;
  }

  /** Call once per valid row, in file order. */
  check(row: RepeatCandidate): RepeatVerdict {
    if (!this.enabled) return { held: false };
    this.#seen ??= new FirstSeen(this.options.hash);
    const before = this.#seen.firstOrAdd(signature(row.payee, row.currency, row.amount), { ref: row.ref, line: row.line });
    // A row already paid under its own reference is the journal's business (a rerun), never a repeat.
    if (row.allowRepeat || this.index.hasRef(row.ref)) return { held: false };
    const what = `${row.currency} ${row.amount}`;
    const fix = 'nothing was sent for it. If this second payout is intended, rerun with --allow-repeat or set the row\'s allow_repeat column to yes';
    if (before && before.ref !== row.ref) {
      return { held: true, message: `the same payee and amount (${what}) appears earlier in this file under reference ${JSON.stringify(before.ref)} (line ${before.line}): ${fix}` };
    }
    const earlier = this.index.latestOther(row.payee, row.currency, row.amount, row.ref, this.options.now - this.options.windowMs);
    if (earlier) {
      const when = new Date(earlier.at).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return {
        held: true,
        message: `the same payee and amount (${what}) was paid, or is due to be, under reference ${JSON.stringify(earlier.ref)} from ${earlier.file} at ${when}, within the ${this.options.windowText} repeat window: ${fix}`,
      };
    }
    return { held: false };
  }

  /** Releases the rows-seen set (and its scratch file). */
  close(): void {
    this.#seen?.close();
    this.#seen = undefined;
  }
}

function signature(payee: string, currency: string, amount: string): string {
  return `${payee}\u0000${currency}\u0000${canonicalAmount(amount)}`;
}
