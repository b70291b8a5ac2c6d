/** What the guard compares of two payouts, as strings: pure. */
import { canonicalAmount } from '../money.js';
import type { LedgerEntry } from './ledger-entry.js';
import type { RepeatKey } from './repeat-key.js';

/** A payout's parts as a version-2 ledger entry holds them (payee and description as keyed hashes). */
export interface PayoutParts {
  service: string;
  payee: string;
  currency: string;
  amount: string;
  /** '' when the row has no description. */
  desc: string;
}

/** What two payouts must share to be the same under `key`; the description is compared apart. */
export function signatureOf(p: Omit<PayoutParts, 'desc'>, key: RepeatKey): string {
  return `2\u0000${p.service}\u0000${key.payee ? p.payee : ''}\u0000${p.currency}\u0000${key.amount ? canonicalAmount(p.amount) : ''}`;
}

/**
 * The same for a version-1 entry, whose payee key folds in the service and every field as sent:
 * a part the key leaves out is left out here too, so such an entry holds at least what the key says.
 */
export function legacySignatureOf(payee: string, currency: string, amount: string, key: RepeatKey): string {
  return `1\u0000${key.payee ? payee : ''}\u0000${currency}\u0000${key.amount ? canonicalAmount(amount) : ''}`;
}

export function entrySignature(e: LedgerEntry, key: RepeatKey): string {
  return e.v === 1 ? legacySignatureOf(e.payee, e.currency, e.amount, key) : signatureOf(e, key);
}

/** Two descriptions differ only when both rows have one: a row without one matches any. */
export function descriptionsDiffer(a: string, b: string): boolean {
  return a !== '' && b !== '' && a !== b;
}

/** One payout, whatever the key: a void cancels the paid entry of the same reference and identity. */
export function identityOf(e: LedgerEntry): string {
  const amount = canonicalAmount(e.amount);
  return e.v === 1 ? `1\u0000${e.payee}\u0000${e.currency}\u0000${amount}` : partsIdentity(e);
}

export function partsIdentity(p: PayoutParts): string {
  return `2\u0000${p.service}\u0000${p.payee}\u0000${p.currency}\u0000${canonicalAmount(p.amount)}\u0000${p.desc}`;
}
