import { keyedDigest, sortedFields } from '../payout/keyed-digest.js';

/** Who a payout pays: its service and the payee fields (the service's required fields). */
export interface Payee {
  service: string;
  fields: Readonly<Record<string, string>>;
}

/**
 * Keyed hashes (`keyedDigest` with the ledger's secret) of what the guard compares: equal values
 * give equal keys, and a ledger line alone cannot be brute-forced back into an account or card
 * number (a card number has few unknown digits once its mask is known; without the secret no guess
 * can be checked).
 */
export interface PayeeKeys {
  /** The payee fields, each normalised (see `normalisePayeeValue`); the service is compared apart. */
  payee(fields: Readonly<Record<string, string>>): string;
  /** A description normalised for case and spaces; '' for none. */
  description(text: string | undefined): string;
  /** The key entries of version 1 carry: the service and every field exactly as sent. */
  legacyPayee(payee: Payee): string;
}

export function payeeKeys(secret: Buffer): PayeeKeys {
  const hmac = (text: string): string => keyedDigest(secret, text);
  return {
    payee: (fields) => hmac(JSON.stringify(['payee/2', sortedPairs(fields, normalisePayeeValue)])),
    description: (text) => {
      const normal = text === undefined ? '' : normaliseText(text);
      return normal === '' ? '' : hmac(JSON.stringify(['description/2', normal]));
    },
    legacyPayee: (payee) => legacyPayeeKey(secret, payee),
  };
}

/** The payee key the ledger's version-1 entries hold (the tool's key before payees were normalised). */
export function legacyPayeeKey(secret: Buffer, payee: Payee): string {
  return keyedDigest(secret, JSON.stringify([payee.service, sortedFields(payee.fields)]));
}

/**
 * What spreadsheets and people vary in a payee value, taken out: Unicode compatibility forms,
 * case, every space, and the leading zeros of a value of digits only (`0950000003` and
 * `950000003` are one account). A false hold is safe; a missed repeat is not.
 */
export function normalisePayeeValue(value: string): string {
  const compact = value.normalize('NFKC').replace(/\s+/gu, '').toLowerCase();
  return /^\d+$/.test(compact) ? compact.replace(/^0+(?=\d)/, '') : compact;
}

function normaliseText(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, ' ').trim().toLowerCase();
}

function sortedPairs(fields: Readonly<Record<string, string>>, normalise: (v: string) => string): [string, string][] {
  return Object.keys(fields)
    .sort()
    .map((k) => [k, normalise(fields[k]!)]);
}
