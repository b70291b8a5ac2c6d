import { createHmac } from 'node:crypto';

/** Who a payout pays: its service and the payee fields exactly as sent. */
export interface Payee {
  service: string;
  fields: Readonly<Record<string, string>>;
}

/**
 * HMAC-SHA-256 of the payee, keyed with the ledger's secret: equal payees give equal keys, and a
 * ledger line alone cannot be brute-forced back into an account or card number (a card number has
 * few unknown digits once its mask is known; without the secret no guess can be checked).
 */
export function payeeKey(secret: Buffer, payee: Payee): string {
  const fields = Object.keys(payee.fields)
    .sort()
    .map((k) => [k, payee.fields[k]]);
  return createHmac('sha256', secret).update(JSON.stringify([payee.service, fields])).digest('base64url');
}
