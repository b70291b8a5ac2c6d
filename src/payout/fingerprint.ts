import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { canonicalAmount } from '../money.js';

export interface PaymentData {
  service: string;
  currency: string;
  amount: string;
  fields: Record<string, string>;
}

export type Fingerprinter = (data: PaymentData) => string;

/**
 * A short stable digest of what a row pays, so a changed row is never mistaken for the one the
 * journal paid: HMAC-SHA-256 keyed with the journal's own secret (its header line). Unkeyed, a
 * digest of a card number is brute-forced back from its masked form (6 + 4 digits shown) in
 * seconds; keyed, one journal line alone gives nothing to test a guess against.
 */
export function fingerprinter(secret: string): Fingerprinter {
  const key: KeyObject = createSecretKey(Buffer.from(secret, 'base64url'));
  return (data) => {
    const fields = Object.keys(data.fields)
      .sort()
      .map((k) => [k, data.fields[k]]);
    const text = JSON.stringify([data.service, data.currency, canonicalAmount(data.amount), fields]);
    // 16 of the 32 bytes, encoded on their own: a 22-character string, not a slice keeping a longer one alive.
    return createHmac('sha256', key).update(text).digest().toString('base64url', 0, 16);
  };
}
