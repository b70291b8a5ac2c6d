/**
 * The checks of a record that need no service rules: structure, reference, the columns every row
 * needs, currency code, amount format, customer, callback URL. Pure: no I/O.
 */
import { currencyProblem, isPlainDecimal, minorDigits, withDigits } from '../money.js';
import type { InputRecord } from './input-record.js';
import { findInvisible } from './invisible-characters.js';
import { amountFormatHint, currencyHint, invisibleInReferenceMessage } from './messages.js';
import { buildRequest } from './request.js';
import { failure, type ValidationFailure, type ValidationResult } from './validation-failure.js';

export interface ValidateOptions {
  /** The currency when the file has none (dashboard layout: the service's currency). */
  currency?: string;
  /** The file's layout: in the dashboard layout a missing currency means an unknown service. */
  layout?: 'standard' | 'dashboard';
}

const CURRENCY = /^[A-Z]{3}$/;
const NON_ZERO_DIGIT = /[1-9]/;
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

/** A record's reference, service, currency and amount, present and well-formed as far as no rules are needed. */
export interface RowHead {
  ok: true;
  line: number;
  referenceId: string;
  service: string;
  currency: string;
  amount: string;
}

/** Structure, reference, the columns every row needs, the currency code. */
export function checkHead(rec: InputRecord, opts: ValidateOptions): RowHead | ValidationFailure {
  const { cells, line } = rec;
  const referenceId = cells['reference_id'];
  if (rec.malformed) return failure(rec, 'malformed_row', rec.malformed.message);
  if (referenceId === undefined || referenceId.trim() === '') {
    return failure(rec, 'missing_reference_id', `line ${line}: reference_id is empty; give every payout a unique reference`, 'reference_id');
  }
  const invisible = findInvisible(referenceId);
  if (invisible) {
    return failure(rec, 'invisible_character_in_reference_id', `line ${line}: ${invisibleInReferenceMessage(referenceId, invisible)}`, 'reference_id');
  }
  const service = cells['service'];
  const currency = cells['currency'] ?? opts.currency;
  const amount = cells['amount'];
  if (service === undefined) return failure(rec, 'missing_column_value', `line ${line}: service is empty; name the payout service, e.g. test_usd`, 'service');
  if (currency === undefined) {
    if (opts.layout === 'dashboard') {
      return failure(rec, 'unknown_service', `line ${line}: service "${service}" is not a service of this account, so its currency is unknown; check the code with the services command`, 'service');
    }
    return failure(rec, 'missing_column_value', `line ${line}: currency is empty; give the 3-letter ISO code, e.g. USD`, 'currency');
  }
  if (amount === undefined) return failure(rec, 'missing_column_value', `line ${line}: amount is empty; give the amount, e.g. 10.50`, 'amount');

  if (!CURRENCY.test(currency)) {
    return failure(rec, 'invalid_currency', `line ${line}: currency "${currency}" is not an uppercase 3-letter ISO 4217 code; ${currencyHint(currency)}`, 'currency');
  }
  const notIso = currencyProblem(currency);
  if (notIso) {
    return failure(rec, 'invalid_currency', `line ${line}: currency ${notIso}; give the currency's 3-letter ISO 4217 code, e.g. USD, EUR or JPY`, 'currency');
  }
  return { ok: true, line, referenceId, service, currency, amount };
}

/** Amount format (string work: this runs for every row of a million-row file). */
export function checkAmountFormat(rec: InputRecord, { line, currency, amount }: RowHead): ValidationFailure | undefined {
  if (!isPlainDecimal(amount)) return failure(rec, 'invalid_amount', `line ${line}: amount "${amount}" is not a plain decimal; ${amountFormatHint(amount)}`, 'amount');
  if (!NON_ZERO_DIGIT.test(amount)) return failure(rec, 'amount_not_positive', `line ${line}: amount "${amount}" must be greater than 0`, 'amount');
  const digits = minorDigits(currency);
  const point = amount.indexOf('.');
  const scale = point === -1 ? 0 : amount.length - point - 1;
  if (scale > digits) {
    return failure(
      rec,
      'amount_precision',
      `line ${line}: amount "${amount}" has ${scale} decimal ${scale === 1 ? 'place' : 'places'}; ${currency} allows at most ${digits}` + (digits === 0 ? ' (whole units only)' : ''),
      'amount',
    );
  }
  return undefined;
}

/** Customer and callback, then the instruction and its request. */
export function checkTail(rec: InputRecord, { line, referenceId, service, currency, amount }: RowHead): ValidationResult {
  const { cells } = rec;
  const email = cells['customer.email'];
  if (email !== undefined && !EMAIL.test(email)) {
    return failure(rec, 'invalid_email', `line ${line}: customer.email "${email}" is not an e-mail address like name@example.com`, 'customer.email');
  }
  const callbackUrl = cells['callback_url'];
  if (callbackUrl !== undefined && !isHttpUrl(callbackUrl)) {
    return failure(rec, 'invalid_callback_url', `line ${line}: callback_url "${callbackUrl}" is not an http(s) URL like https://example.com/hook`, 'callback_url');
  }
  const exact = withDigits(amount, minorDigits(currency));
  const built = buildRequest(cells, referenceId, service, currency, exact);
  if (!built.ok) {
    const { parent, child } = built.clash;
    const below = child.slice(parent.length + 1);
    return failure(rec, 'nested_column_clash', `line ${line}: ${parent} and ${child} are both filled, but ${parent} cannot be a value and hold ${below} too; empty one of them`, child);
  }
  const { request } = built;
  if (request.customer && request.customer.reference_id === undefined) {
    return failure(rec, 'missing_field', `line ${line}: customer.reference_id is empty; the API requires it whenever a customer.* column is filled`, 'customer.reference_id');
  }
  return { ok: true, payout: { line, referenceId, service, currency, amount: exact, request } };
}

function isHttpUrl(s: string): boolean {
  if (!/^https?:\/\//i.test(s)) return false;
  try {
    const url = new URL(s);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
