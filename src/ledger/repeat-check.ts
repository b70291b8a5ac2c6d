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

/**
 * The compacted part of the ledger (ledger-base.ts), read only where a question needs it: its
 * entries come before every line of `payouts.jsonl`, and are read back at position -(n + 1).
 */
export interface BaseEntries {
  readonly count: number;
  /** Version-1 entries: read at once (they are few, and leave with time). */
  readonly legacyNumbers: ArrayLike<number>;
  /** Entries whose reference, or payee key, is this one (hash-matched, checked on the entry), skipping those `skip` says. */
  entriesByRef(ref: string, skip: (n: number) => boolean): [number, LedgerEntry][];
  entriesByPayee(payee: string, skip: (n: number) => boolean): [number, LedgerEntry][];
  forEach(visit: (entry: LedgerEntry, n: number) => void): void;
}

/** What the ledger says was paid, by reference and by signature under the key. */
export class RepeatIndex {
  readonly key: RepeatKey;
  #byRef = new HashSlots();
  #bySignature = new HashSlots();
  readonly #hash: (key: string) => number;
  readonly #since: number;
  readonly #source: EntrySource;
  readonly #memory: LedgerEntry[] | undefined;
  #at = new Float64Array(256);
  #position = new Float64Array(256);
  #flags = new Uint8Array(256);
  #count = 0;
  #legacy = 0;
  #base: BaseEntries | undefined;
  /** Which of the base's entries are indexed (or known to be overridden by a later line). */
  #loaded = new Uint8Array(0);
  #allLoaded = false;

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

  /** Forgets every entry, to read the ledger again from `base` (if any) on (after a compaction). */
  reset(base?: BaseEntries): void {
    this.#byRef = new HashSlots();
    this.#bySignature = new HashSlots();
    this.#at = new Float64Array(256);
    this.#position = new Float64Array(256);
    this.#flags = new Uint8Array(256);
    this.#count = 0;
    this.#legacy = 0;
    this.#base = base;
    this.#loaded = new Uint8Array(base?.count ?? 0);
    this.#allLoaded = false;
    if (base) for (let i = 0; i < base.legacyNumbers.length; i++) this.#load(base.legacyNumbers[i]!);
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
      // It may cancel a compacted entry not read yet: kept (dead) so that one is never read as live.
      else if (this.#base) this.#add(entry, position, 0);
      return;
    }
    if (same === undefined) return this.#add(entry, position, ALIVE);
    this.#at[same] = Date.parse(entry.at);
    this.#position[same] = position;
    this.#bySignatureIfInWindow(same, entry);
  }

  /** Every payout indexed, in the order first indexed: where its entry is read back, its time, and whether it is live (compaction reads these). */
  *payouts(): Generator<{ position: number; at: number; alive: boolean }> {
    for (let id = 0; id < this.#count; id++) yield { position: this.#position[id]!, at: this.#at[id]!, alive: this.#alive(id) };
  }

  #add(entry: LedgerEntry, position: number, flags: number): void {
    const id = this.#count++;
    if (id === this.#at.length) this.#grow();
    this.#flags[id] = flags;
    this.#byRef.add(this.#hash(entry.ref), id);
    this.#at[id] = Date.parse(entry.at);
    this.#position[id] = position;
    if (flags & ALIVE) this.#bySignatureIfInWindow(id, entry);
  }

  #bySignatureIfInWindow(id: number, entry: LedgerEntry): void {
    if (this.#at[id]! >= this.#since && !(this.#flags[id]! & BY_SIGNATURE)) {
      this.#flags[id] = ALIVE | BY_SIGNATURE;
      this.#bySignature.add(this.#hash(entrySignature(entry, this.key)), id);
      if (entry.v === 1) this.#legacy += 1;
    }
  }

  /** A compacted entry, indexed unless a line written after it (a later paid, or a void) already decides its payout. */
  #load(n: number, entry?: LedgerEntry): void {
    if (this.#loaded[n]) return;
    this.#loaded[n] = 1;
    const e = entry ?? this.#source.read(-(n + 1));
    if (e.kind !== 'paid' || this.#findAny(e.ref, identityOf(e))) return;
    this.#add(e, -(n + 1), ALIVE);
  }

  #ensureRef(ref: string): void {
    if (!this.#base || this.#allLoaded) return;
    for (const [n, e] of this.#base.entriesByRef(ref, (k) => this.#loaded[k] === 1)) this.#load(n, e);
  }

  /** The compacted entries a row's repeat check needs: its payee's, or every one when the key leaves the payee out. */
  #ensureFor(payee: string): void {
    if (!this.#base || this.#allLoaded) return;
    if (!this.key.payee) {
      this.#base.forEach((e, n) => this.#load(n, e));
      this.#allLoaded = true;
      return;
    }
    for (const [n, e] of this.#base.entriesByPayee(payee, (k) => this.#loaded[k] === 1)) this.#load(n, e);
  }

  /** Entries in the window written before payouts had every part of the key (version 1). */
  get legacyEntries(): number {
    return this.#legacy;
  }

  /** Whether a payout under this reference is recorded (and not void). */
  hasRef(ref: string): boolean {
    this.#ensureRef(ref);
    return this.#byRef.find(this.#hash(ref), (id) => this.#alive(id) && this.#source.read(this.#position[id]!).ref === ref);
  }

  /** The entries recorded under this reference and not void, read back from the ledger. */
  liveUnder(ref: string): LedgerEntry[] {
    this.#ensureRef(ref);
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
    this.#ensureRef(ref);
    return this.#find(ref, partsIdentity(parts)) !== undefined;
  }

  /** The latest payout that is the same as `row` under the key, under another reference since `since`. */
  latestOther(row: Pick<RepeatCandidate, 'ref' | 'legacyPayee'> & PayoutParts, since: number): PaidPayout | undefined {
    this.#ensureFor(row.payee);
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
  #find(ref: string, identity: string, alive = true): number | undefined {
    let found: number | undefined;
    this.#byRef.find(this.#hash(ref), (id) => {
      if (alive && !this.#alive(id)) return false;
      const e = this.#source.read(this.#position[id]!);
      if (e.ref !== ref || identityOf(e) !== identity) return false;
      found = id;
      return true;
    });
    return found;
  }

  /** Any entry indexed for this payout, live or void. */
  #findAny(ref: string, identity: string): boolean {
    return this.#find(ref, identity, false) !== undefined;
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
