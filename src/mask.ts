/**
 * Masking of card and account numbers, like the API does (`512381******0000`), for results,
 * logs and error messages.
 */

const SENSITIVE_WORDS = ['card', 'account', 'iban', 'number'];

/**
 * 12 characters or more keep the first 6 and the last 4 (`5123817234060000` -> `512381******0000`);
 * 6 to 11 keep only the last 4 (`123456789` -> `****6789`). Shorter values, and the scientific
 * notation a spreadsheet leaves (`5.12381E+15`), cannot be a usable card or account number and are
 * shown as they are, so an error message can say what is wrong (`"12a" does not match …`).
 */
export function maskValue(value: string): string {
  const n = value.length;
  if (n < 6 || SPREADSHEET_NUMBER.test(value)) return value;
  if (n >= 12) return value.slice(0, 6) + '*'.repeat(n - 10) + value.slice(n - 4);
  return '****' + value.slice(n - 4);
}

const SPREADSHEET_NUMBER = /^\d(?:[.,]\d+)?E\+\d+$/i;

/**
 * Whether a field's value must be masked: any key containing card, account, iban or number,
 * or with `pan` as a word of it (`pan`, `card_pan`, `panNumber`, but not `company`).
 * Dotted paths (`fields.card_number`) are judged by their whole text.
 */
export function isSensitiveField(key: string): boolean {
  const lower = key.toLowerCase();
  for (const word of SENSITIVE_WORDS) if (lower.includes(word)) return true;
  return /(?:^|[^a-z])pan(?:$|[^a-z])/.test(splitCamel(key).toLowerCase());
}

/** `panNumber` -> `pan_Number`, so camel-case words can be told apart. */
function splitCamel(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2');
}
