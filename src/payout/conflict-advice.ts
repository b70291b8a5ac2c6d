/**
 * What a `conflict` on a row already sent says (pure): the invoice and its status first, what
 * differs (payee fields by column name, masked), then the advice that does not pay anyone twice.
 */
import { maskValue } from '../mask.js';
import { isFinalStatus } from './outcome.js';

/**
 * Where two values whose masks look the same differ, revealing neither: `which differs in digit 2
 * of 6`, or `which has 9 characters against 10: a leading zero was dropped`. Empty when the masks
 * already tell them apart (or the values are equal).
 */
export function whereTheyDiffer(paid: string, row: string): string {
  if (paid === row || maskValue(paid) !== maskValue(row)) return '';
  if (paid.length !== row.length) {
    const zeros = paid.endsWith(row) && /^0+$/.test(paid.slice(0, paid.length - row.length)) ? ': a leading zero was dropped'
      : row.endsWith(paid) && /^0+$/.test(row.slice(0, row.length - paid.length)) ? ': a leading zero was added' : '';
    return `which has ${row.length} characters against ${paid.length}${zeros}`;
  }
  let i = 0;
  while (paid[i] === row[i]) i += 1;
  const digits = /^\d+$/.test(paid) && /^\d+$/.test(row);
  return `which differs in ${digits ? 'digit' : 'character'} ${i + 1} of ${row.length}`;
}

/** The invoice a reference was already sent as. */
export interface SentInvoice {
  id: string;
  status: string;
}

/** Where the earlier sending is known from: the API's invoice, or the journal's line. */
export type SentWhere = 'api' | { line: number };

/** `was already paid as invoice X (status processed)`, or sent/belongs when it was not paid (yet). */
function alreadyWhat(invoice: SentInvoice | undefined, where: SentWhere): string {
  const line = where === 'api' ? '' : `journaled from line ${where.line}`;
  if (!invoice) return `was already sent (${line})`;
  const status = `status ${invoice.status}${line ? `; ${line}` : ''}`;
  if (PAID.has(invoice.status)) return `was already paid as invoice ${invoice.id} (${status})`;
  if (where === 'api') return `already belongs to invoice ${invoice.id} (${status})`;
  return `was already sent as invoice ${invoice.id} (${status}${isFinalStatus(invoice.status) ? '' : ', not final yet'})`;
}

const PAID: ReadonlySet<string> = new Set(['processed', 'partially_processed']);
const FAILED: ReadonlySet<string> = new Set(['process_failed', 'expired', 'terminated']);

/** What to do about a row that differs from what its reference was sent as: never "pay it again" first. */
function restoreAdvice(paid: boolean): string {
  return (
    `If the file was edited or re-saved since (a spreadsheet drops leading zeros: keep such columns as text), restore the row as it was ${paid ? 'paid' : 'sent'} and rerun; ` +
    'only if a second payment is really intended, give the row a new reference_id, and the repeat-payee guard then holds it unless --allow-repeat-of <new reference_id> is given'
  );
}

/** A payout that failed paid nothing: the row as it is now can be paid, under a new reference. */
const FAILED_ADVICE =
  'That payout failed and paid nothing: if the row is right as it is now, pay it under a new reference_id (retry-failed writes such a file); if the change was not meant, restore the row';

/**
 * The message of a `conflict` whose reference was already sent: `reference_id R was already paid as
 * invoice X (status processed), and this row differs from it: fields.account …. …advice`.
 */
export function alreadySentConflict(referenceId: string, invoice: SentInvoice | undefined, differences: string[], where: SentWhere): string {
  const diff = differences.length ? `this row differs from it: ${differences.join('; ')}` : 'this row has changed since';
  const sent = where === 'api' ? 'nothing was processed for this row' : 'nothing was sent for it again';
  const advice = invoice && FAILED.has(invoice.status) ? FAILED_ADVICE : restoreAdvice(!invoice || PAID.has(invoice.status));
  return `reference_id ${referenceId} ${alreadyWhat(invoice, where)}, and ${diff}; ${sent}, since a reference is never paid twice. ${advice}`;
}
