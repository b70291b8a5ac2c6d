import { createHmac, type KeyObject } from 'node:crypto';

/**
 * The one keyed hash: HMAC-SHA-256 of `text` under a secret, base64url, of the first `bytes` bytes.
 * The journal's fingerprints and the ledger's payee keys use it: unkeyed, a digest of a card number
 * is brute-forced back from its masked form (6 + 4 digits shown) in seconds; keyed, a line alone
 * gives nothing to test a guess against.
 */
export function keyedDigest(key: KeyObject | Buffer, text: string, bytes = 32): string {
  return createHmac('sha256', key).update(text).digest().toString('base64url', 0, bytes);
}

/** Payee fields in one order (by name), whatever order the CSV gave them in. */
export function sortedFields(fields: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.keys(fields)
    .sort()
    .map((k) => [k, fields[k]!]);
}
