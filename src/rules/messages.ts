/** Hints that tell the user how to fix a value. Pure. */
import { findInvisible, showInvisible, withoutInvisible, type InvisibleCharacter } from './invisible-characters.js';

const SCIENTIFIC = /^\d+(?:[.,]\d+)?E[+-]?\d+$/i;

export function currencyHint(currency: string): string {
  const upper = currency.trim().toUpperCase();
  if (/^[A-Z]{3}$/.test(upper)) return `use ${upper}`;
  return 'use a code like USD, EUR or JPY';
}

export function amountFormatHint(amount: string): string {
  if (amount.trim() !== amount || /\s/.test(amount)) return 'remove the spaces; write it like 10 or 10.50';
  if (/^[+-]/.test(amount)) return 'write it without a sign, like 10 or 10.50 (amounts are always positive)';
  if (SCIENTIFIC.test(amount)) return 'it is in exponent form; write the number out in full, like 1000 or 10.50';
  if (/^\d+,\d+$/.test(amount)) return `use a dot as the decimal separator: ${amount.replace(',', '.')}`;
  if (/[,']/.test(amount)) return 'remove the thousands separators and use a dot for decimals, like 1234.50';
  return 'write digits with an optional dot and decimals, like 10 or 10.50';
}

/** Extra advice when a field value looks damaged by a spreadsheet or holds a character nobody can see. */
export function fieldMismatchHint(value: string): string {
  if (SCIENTIFIC.test(value)) {
    return ': it looks like a number a spreadsheet converted to scientific notation; format the column as text and re-export';
  }
  const invisible = findInvisible(value);
  if (invisible) {
    const where = invisible.where === 'start' ? 'starts with' : invisible.where === 'end' ? 'ends with' : 'holds';
    return `: it ${where} ${invisible.description}; remove it`;
  }
  return '';
}

/** `a, b, c and 12 more`. */
export function listSome(items: readonly string[], max = 10): string {
  if (items.length === 0) return '(none)';
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

/** `reference_id "ws-1␠" ends with a space (U+0020)…`: the invisible character shown, and the fix. */
export function invisibleInReferenceMessage(referenceId: string, found: InvisibleCharacter): string {
  const where = found.where === 'start' ? 'starts with' : found.where === 'end' ? 'ends with' : 'holds';
  const meant = withoutInvisible(referenceId);
  return (
    `reference_id "${showInvisible(referenceId)}" ${where} ${found.description}; a reference must be exact, ` +
    'or two rows that look the same could pay one payee twice: remove the invisible characters' +
    (meant !== '' ? ` (write "${meant}")` : '')
  );
}
