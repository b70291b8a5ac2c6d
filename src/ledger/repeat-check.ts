/**
 * The repeat-payee check, pure: the same payout (the parts of the repeat key: service, payee,
 * currency, amount and, when both rows have one, description) already paid under another
 * reference within the window (from the ledger), or earlier in the same file, is held.
 *
 * Compact and exact: the index keeps, per ledger entry, its time and where its line is (17 bytes)
 * plus 32-bit hashes of its reference and of its signature under the key in HashSlots; a hash
 * that matches is confirmed on the entry itself, read back from the ledger, so a collision never
 * holds a row wrongly nor lets a repeat through. Only entries read from the ledger are indexed:
 * what this run records itself is known to the run (its rows, and the file's own repeats).
 */
import { HashSlots } from '../hash-slots.js';
import type { LedgerEntry } from './ledger-entry.js';
import { hashOf } from '../rules/first-seen.js';
import type { RepeatCandidate } from './repeat-guard.js';
import { DEFAULT_REPEAT_KEY, type RepeatKey } from './repeat-key.js';
import { descriptionsDiffer, entrySignature, identityOf, legacySignatureOf, partsIdentity, signatureOf, type PayoutParts } from './repeat-signature.js';

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
  /** The parts compared (default: all of them). */
  key?: RepeatKey;
}

const ALIVE = 1;
const BY_SIGNATURE = 2;

/** What the ledger says was paid, by reference and by signature under the key. */
export class RepeatIndex {
  readonly key: RepeatKey;
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
  #legacy = 0;

  constructor(options: RepeatIndexOptions = {}) {
    this.key = options.key ?? DEFAULT_REPEAT_KEY;
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
    const same = this.#find(entry.ref, identityOf(entry));
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
      this.#bySignature.add(this.#hash(entrySignature(entry, this.key)), id);
      if (entry.v === 1) this.#legacy += 1;
    }
  }

  /** Entries in the window written before payouts had every part of the key (version 1). */
  get legacyEntries(): number {
    return this.#legacy;
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

  /** Whether this exact payout (reference and every part, as a version-2 entry) is recorded and not void. */
  has(ref: string, parts: PayoutParts): boolean {
    return this.#find(ref, partsIdentity(parts)) !== undefined;
  }

  /** The latest payout that is the same as `row` under the key, under another reference since `since`. */
  latestOther(row: Pick<RepeatCandidate, 'ref' | 'legacyPayee'> & PayoutParts, since: number): PaidPayout | undefined {
    const sig = signatureOf(row, this.key);
    // Version-1 entries are found by their own key (the payee as sent), when the ledger has any.
    const legacy = this.#legacy > 0 && (row.legacyPayee || !this.key.payee) ? legacySignatureOf(this.key.payee ? row.legacyPayee!() : '', row.currency, row.amount, this.key) : undefined;
    const candidates: number[] = [];
    const collect = (id: number): void => {
      if (this.#alive(id) && this.#at[id]! >= since) candidates.push(id);
    };
    this.#bySignature.find(this.#hash(sig), collect);
    if (legacy !== undefined) this.#bySignature.find(this.#hash(legacy), collect);
    // Latest first (the earliest recorded among equal times); each confirmed on the entry itself.
    candidates.sort((a, b) => this.#at[b]! - this.#at[a]! || a - b);
    for (const id of candidates) {
      const e = this.#source.read(this.#position[id]!);
      if (e.ref === row.ref || entrySignature(e, this.key) !== (e.v === 1 ? legacy : sig)) continue;
      if (this.key.description && e.v === 2 && descriptionsDiffer(e.desc, row.desc)) continue;
      return { ref: e.ref, currency: e.currency, amount: e.amount, at: this.#at[id]!, file: e.file };
    }
    return undefined;
  }

  /** The live entry recording `ref` for this payout (see identityOf). */
  #find(ref: string, identity: string): number | undefined {
    let found: number | undefined;
    this.#byRef.find(this.#hash(ref), (id) => {
      if (!this.#alive(id)) return false;
      const e = this.#source.read(this.#position[id]!);
      if (e.ref !== ref || identityOf(e) !== identity) return false;
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
