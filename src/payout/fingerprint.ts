import { createSecretKey, type KeyObject } from 'node:crypto';
import { canonicalAmount } from '../money.js';
import { keyedDigest, sortedFields } from './keyed-digest.js';

export interface PaymentData {
  service: string;
  currency: string;
  amount: string;
  fields: Record<string, string>;
}

export type Fingerprinter = (data: PaymentData) => string;

/**
 * A short stable digest of what a row pays, so a changed row is never mistaken for the one the
 * journal paid: `keyedDigest` under the journal's own secret (its header line).
 */
export function fingerprinter(secret: string): Fingerprinter {
  const key: KeyObject = createSecretKey(Buffer.from(secret, 'base64url'));
  // 16 of the 32 bytes: a 22-character string.
  return (data) => keyedDigest(key, JSON.stringify([data.service, data.currency, canonicalAmount(data.amount), sortedFields(data.fields)]), 16);
}
