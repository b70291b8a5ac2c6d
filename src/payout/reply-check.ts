/**
 * Is an invoice the API returned this row's? Pure: compares it with what the row asks for.
 * Two questions, asked at different places:
 * - `notTheRows`: the reply is about another invoice or reference (a mixed-up reply); it tells
 *   nothing about this row, so it is never taken as the row's invoice.
 * - `paymentDifferences` / `payeeDifferences`: an invoice under the row's reference that pays
 *   something or someone else; adopting it would pay the wrong payout.
 */
import { maskValue } from '../mask.js';
import { canonicalAmount } from '../money.js';
import { whereTheyDiffer } from './conflict-advice.js';

/** What a row pays, as it sends it. */
export interface ExpectedPayout {
  service: string;
  currency: string;
  amount: string;
  /** The `fields.*` the row sends: the payee. */
  fields: Record<string, string>;
}

/** The parts of an invoice the checks read (the API's answer, fields masked where the API masks). */
export interface CheckedInvoice {
  id: string;
  referenceId?: string | null;
  service: string | null;
  currency: string;
  amount: string;
  fields?: Record<string, string>;
}

/**
 * Whether the API's value shows the row's value. A `*` is a character the API hid (`512381******0000`
 * for a card): the value must have the same length and agree on every character the mask shows.
 */
export function showsValue(shown: string, value: string): boolean {
  if (shown === value) return true;
  if (!shown.includes('*') || shown.length !== value.length) return false;
  for (let i = 0; i < shown.length; i++) {
    if (shown[i] !== '*' && shown[i] !== value[i]) return false;
  }
  return true;
}

/**
 * The row's fields the invoice does not show as sent, each as `fields.account ****9999 (the row
 * says ****6789)`, values masked. `strict`: a field the invoice does not show at all is a
 * difference too (adoption must see the whole payee); otherwise only the fields it shows count.
 */
export function payeeDifferences(row: Record<string, string>, shown: Record<string, string> | undefined, strict: boolean): string[] {
  const diffs: string[] = [];
  for (const key in row) {
    const value = row[key]!;
    const theirs = shown?.[key];
    if (theirs === undefined) {
      if (strict) diffs.push(`no fields.${key} (the row says ${maskValue(value)})`);
    } else if (!showsValue(theirs, value)) {
      // Two masks that look the same (****0000 and ****0000) say which part differs, showing neither.
      const where = whereTheyDiffer(theirs, value);
      diffs.push(`fields.${key} ${maskValue(theirs)} (the row says ${maskValue(value)}${where ? `, ${where}` : ''})`);
    }
  }
  return diffs;
}

/** Service, currency and amount the invoice has and the row does not ask for. */
export function paymentDifferences(invoice: CheckedInvoice, want: ExpectedPayout): string[] {
  const diffs: string[] = [];
  if (invoice.service !== null && invoice.service !== want.service) diffs.push(`service ${invoice.service} (the row says ${want.service})`);
  if (invoice.currency !== want.currency) diffs.push(`currency ${invoice.currency} (the row says ${want.currency})`);
  if (invoice.amount !== want.amount && canonicalAmount(invoice.amount) !== canonicalAmount(want.amount)) diffs.push(`amount ${invoice.amount} (the row says ${want.amount})`);
  return diffs;
}

/** `invoice cpoi_x of reference_id ref-1`. */
export function describeInvoice(invoice: CheckedInvoice): string {
  return invoice.referenceId ? `invoice ${invoice.id} of reference_id ${invoice.referenceId}` : `invoice ${invoice.id}`;
}

/**
 * Why a reply is about another invoice than the row's (another reference, or another invoice id
 * than the one asked about), or undefined. A reply without a reference id is judged on its id.
 */
export function notTheRows(invoice: CheckedInvoice, referenceId: string, invoiceId?: string): string | undefined {
  if (invoiceId !== undefined && invoice.id !== invoiceId) return `${describeInvoice(invoice)} instead of invoice ${invoiceId}`;
  if (invoice.referenceId != null && invoice.referenceId !== referenceId) return describeInvoice(invoice);
  return undefined;
}

/**
 * Why a reply to a create, process, read or poll is not the row's invoice, or undefined: another
 * invoice or reference, or an invoice that pays something or someone else than the row.
 */
export function replyMismatch(invoice: CheckedInvoice, referenceId: string, want: ExpectedPayout, invoiceId?: string): string | undefined {
  const other = notTheRows(invoice, referenceId, invoiceId);
  if (other) return other;
  const payment = paymentDifferences(invoice, want);
  const payee = payeeDifferences(want.fields, invoice.fields, false);
  return payment.length + payee.length > 0 ? `${describeInvoice(invoice)} with ${[...payment, ...payee].join(', ')}` : undefined;
}
