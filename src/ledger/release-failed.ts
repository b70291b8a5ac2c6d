/**
 * Releasing payouts found failed after their run (by `reconcile`): the same `void` a run writes when
 * a row ends failed or rejected, so a `retry-failed` file of those rows is not held as a repeat.
 * The journal holds no payee in clear, so the void names the payee of the ledger's own entry under
 * that reference: an account's reference has one invoice, and it was read back as failed.
 */
import { canonicalAmount } from '../money.js';
import type { LedgerEntry } from './ledger-entry.js';
import type { LedgerAccount } from './ledger-location.js';
import { openLedger } from './ledger-store.js';

/** A payout whose invoice was read back from the API, checked as the row's, and found failed or rejected. */
export interface FailedPayout {
  ref: string;
  currency: string;
  amount: string;
}

export interface ReleaseOptions {
  onWarning?: (message: string) => void;
  /** fsync the voids (default true). */
  durable?: boolean;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * Writes, under the ledger lock, a void for each live entry recorded under one of these references
 * with the same currency and amount; returns the references released. A ledger that does not
 * exist, or holds none of them, is left untouched (not created).
 */
export async function releaseFailed(root: string, account: LedgerAccount, failed: readonly FailedPayout[], options: ReleaseOptions = {}): Promise<string[]> {
  if (failed.length === 0) return [];
  const ledger = await openLedger(root, account, { ...(options.onWarning ? { onWarning: options.onWarning } : {}), ...(options.durable !== undefined ? { durable: options.durable } : {}) });
  try {
    const held = (index: typeof ledger.index, payout: FailedPayout): LedgerEntry[] =>
      index.liveUnder(payout.ref).filter((e) => e.currency === payout.currency && canonicalAmount(e.amount) === canonicalAmount(payout.amount));
    if (!failed.some((p) => held(ledger.index, p).length > 0)) return [];
    const released: string[] = [];
    await ledger.update((index) => {
      // Read again under the lock: another run may have voided (or recorded) meanwhile.
      const at = new Date((options.now ?? Date.now)()).toISOString();
      const voids: LedgerEntry[] = [];
      for (const payout of failed) {
        const entries = held(index, payout);
        if (entries.length) released.push(payout.ref);
        for (const e of entries) voids.push({ ...e, kind: 'void', at });
      }
      return voids;
    });
    return released;
  } finally {
    ledger.close(); // the index's reader keeps the file open
  }
}
