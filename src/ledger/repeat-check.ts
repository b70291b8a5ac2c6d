/**
 * The repeat-payee check, pure: the same payee, currency and amount already paid under another
 * reference within the window (from the ledger), or earlier in the same file, is held.
 */
import { canonicalAmount } from '../money.js';
import type { LedgerEntry } from './ledger-entry.js';

export interface PaidPayout {
  ref: string;
  currency: string;
  amount: string;
  at: number;
  file: string;
}

/** What the ledger says was paid, by reference and by payee + currency + amount. */
export class RepeatIndex {
  readonly #refs = new Map<string, number>();
  readonly #bySignature = new Map<string, Map<string, PaidPayout>>();

  /** Entries in the order they were written: a `void` cancels the `paid` it names. */
  apply(entry: LedgerEntry): void {
    const sig = signature(entry.payee, entry.currency, entry.amount);
    let paid = this.#bySignature.get(sig);
    if (entry.kind === 'paid') {
      if (!paid) this.#bySignature.set(sig, (paid = new Map()));
      if (!paid.has(entry.ref)) this.#refs.set(entry.ref, (this.#refs.get(entry.ref) ?? 0) + 1);
      paid.set(entry.ref, { ref: entry.ref, currency: entry.currency, amount: entry.amount, at: Date.parse(entry.at), file: entry.file });
    } else if (paid?.delete(entry.ref)) {
      const n = (this.#refs.get(entry.ref) ?? 1) - 1;
      if (n > 0) this.#refs.set(entry.ref, n);
      else this.#refs.delete(entry.ref);
      if (paid.size === 0) this.#bySignature.delete(sig);
    }
  }

  /** Whether a payout under this reference is recorded (and not void). */
  hasRef(ref: string): boolean {
    return this.#refs.has(ref);
  }

  /** Whether this exact payout (reference, payee, currency, amount) is recorded and not void. */
  has(ref: string, payee: string, currency: string, amount: string): boolean {
    return this.#bySignature.get(signature(payee, currency, amount))?.has(ref) ?? false;
  }

  /** The latest payout to this payee, currency and amount under another reference since `since`. */
  latestOther(payee: string, currency: string, amount: string, ref: string, since: number): PaidPayout | undefined {
    let latest: PaidPayout | undefined;
    for (const p of this.#bySignature.get(signature(payee, currency, amount))?.values() ?? []) {
      if (p.ref !== ref && p.at >= since && (!latest || p.at > latest.at)) latest = p;
    }
    return latest;
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
}

/** One run's check: the ledger as it was when the run started, plus the rows seen so far in the file. */
export class RepeatGuard {
  readonly #seen = new Map<string, { ref: string; line: number }>();

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
    const sig = signature(row.payee, row.currency, row.amount);
    const before = this.#seen.get(sig);
    if (!before) this.#seen.set(sig, { ref: row.ref, line: row.line });
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
}

function signature(payee: string, currency: string, amount: string): string {
  return `${payee}\u0000${currency}\u0000${canonicalAmount(amount)}`;
}
