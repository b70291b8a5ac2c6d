/**
 * Money at the edge of the API: JSON numbers in, exact decimal strings out, and decimal
 * strings back out as JSON number literals with exactly their digits.
 */

import { isPlainDecimal } from '../money.js';

export { isPlainDecimal, numberToDecimal } from '../money.js';

/** A decimal string as the API may send it in place of a number. */
const SIGNED_DECIMAL = /^-?\d+(\.\d+)?$/;

export function isSignedDecimal(s: string): boolean {
  return SIGNED_DECIMAL.test(s);
}

/**
 * The JSON number literal for a caller's amount: exactly its digits (`"0.10"` -> `0.10`),
 * with redundant leading zeros of the integer part dropped because JSON forbids them.
 * Throws a RangeError for anything that is not a plain decimal.
 */
export function decimalToJsonLiteral(amount: string): string {
  if (!isPlainDecimal(amount)) {
    throw new RangeError(`amount must be a plain decimal like "10.55", got ${JSON.stringify(amount)}`);
  }
  return stripLeadingZeros(amount);
}

function stripLeadingZeros(s: string): string {
  return s.replace(/^0+(?=\d)/, '');
}
