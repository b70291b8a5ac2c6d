/**
 * One input record against one currency's service rules. Pure: no I/O.
 * The first failing check is reported, in this order: structure, currency, amount format,
 * service, amount range, fields, customer, callback URL.
 */
import { closest } from '../did-you-mean.js';
import { maskValue, isSensitiveField } from '../mask.js';
import type { PayoutInstruction } from '../payout/instruction.js';
import { comparePlainDecimals, currencyProblem, isPlainDecimal, minorDigits, multiplyDecimal, withDigits } from '../money.js';
import type { InputRecord } from './input-record.js';
import { findInvisible, showInvisible } from './invisible-characters.js';
import { amountFormatHint, currencyHint, fieldMismatchHint, invisibleInReferenceMessage, listSome } from './messages.js';
import { buildRequest } from './request.js';
import type { CurrencyRules, ServiceRule } from './currency-rules.js';

export type ValidationErrorCode =
  | 'malformed_row'
  | 'missing_reference_id'
  /** Whitespace at either end, or a control, format or zero-width character anywhere. */
  | 'invisible_character_in_reference_id'
  | 'duplicate_reference_id'
  | 'missing_column_value'
  | 'invalid_currency'
  | 'currency_not_offered'
  | 'invalid_amount'
  | 'amount_not_positive'
  | 'amount_precision'
  | 'amount_out_of_range'
  | 'unknown_service'
  | 'service_disabled'
  | 'service_unavailable'
  /** The API's regexp for a field this row uses does not compile: the row cannot be checked. */
  | 'service_rule_invalid'
  | 'missing_field'
  | 'field_mismatch'
  | 'unknown_field'
  | 'invalid_email'
  | 'invalid_callback_url'
  /** `context.card` and `context.card.exp_month` both filled: one place cannot be a value and an object. */
  | 'nested_column_clash';

export interface ValidationFailure {
  ok: false;
  line: number;
  referenceId?: string;
  errorCode: ValidationErrorCode;
  column?: string;
  message: string;
}

export type ValidationResult = { ok: true; payout: PayoutInstruction } | ValidationFailure;

export interface ValidateOptions {
  /** The currency when the file has none (dashboard layout: the service's currency). */
  currency?: string;
  /** The file's layout: in the dashboard layout a missing currency means an unknown service. */
  layout?: 'standard' | 'dashboard';
}

const CURRENCY = /^[A-Z]{3}$/;
const NO_OPTIONS: ValidateOptions = Object.freeze({});
const NON_ZERO_DIGIT = /[1-9]/;
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

export function validateRecord(rec: InputRecord, rules: CurrencyRules | undefined, opts: ValidateOptions = NO_OPTIONS): ValidationResult {
  const head = checkHead(rec, opts);
  if (!head.ok) return head;
  const { line, currency, service, amount } = head;
  if (!rules || rules.services.size === 0) {
    return failure(rec, 'currency_not_offered', `line ${line}: no payout service is offered for currency ${currency} on this account: check the currency column (the services command lists what is offered)`, 'currency');
  }
  const amountProblem = checkAmountFormat(rec, head);
  if (amountProblem) return amountProblem;

  // Service
  const rule = rules.services.get(service);
  const serviceProblem = checkService(service, currency, rule, rules);
  if (serviceProblem || !rule) return failure(rec, serviceProblem!.code, `line ${line}: ${serviceProblem!.message}`, serviceProblem!.column ?? 'service');

  // Amount range, in the service currency
  const converted = rule.exchangeRate === '1' ? amount : multiplyDecimal(amount, rule.exchangeRate);
  const below = rule.amountMin !== null && comparePlainDecimals(converted, rule.amountMin) < 0;
  const above = rule.amountMax !== null && comparePlainDecimals(converted, rule.amountMax) > 0;
  if (below || above) {
    const conversion =
      rule.exchangeRate === '1' && rule.serviceCurrency === currency ? '' : ` (${amount} ${currency} × rate ${rule.exchangeRate} = ${converted} ${rule.serviceCurrency})`;
    return failure(
      rec,
      'amount_out_of_range',
      `line ${line}: amount ${amount} ${currency}${conversion} is ${below ? 'below' : 'above'} ${service}'s limits ${rule.amountMin ?? '0'}..${rule.amountMax ?? '∞'} ${rule.serviceCurrency}`,
      'amount',
    );
  }

  // Fields
  const fieldProblem = checkFields(rec.cells, rule);
  if (fieldProblem) return failure(rec, fieldProblem.code, `line ${line}: ${fieldProblem.message}`, fieldProblem.column);
  const result = checkTail(rec, head);
  const payeeFields = requiredKeys(rule);
  if (result.ok && payeeFields) result.payout.payeeFields = payeeFields;
  return result;
}

const requiredKeysCache = new WeakMap<ServiceRule, readonly string[] | null>();

/** The keys of a service's required fields (once per rule), or undefined when it requires none. */
export function requiredKeys(rule: ServiceRule): readonly string[] | undefined {
  let keys = requiredKeysCache.get(rule);
  if (keys === undefined) {
    const required = rule.fields.filter((f) => f.required).map((f) => f.key);
    keys = required.length ? required : null;
    requiredKeysCache.set(rule, keys);
  }
  return keys ?? undefined;
}

/**
 * The instruction a record gives when every check that needs no service rules passes (structure,
 * currency code, amount format, customer, callback URL); undefined when one fails. What the
 * service rules add (service offered, amount limits, field patterns) is left out: for a row an
 * earlier run settled with this very instruction, rules changed since cannot change what happened.
 */
export function instructionWithoutRules(rec: InputRecord, opts: ValidateOptions = NO_OPTIONS): PayoutInstruction | undefined {
  const head = checkHead(rec, opts);
  if (!head.ok || checkAmountFormat(rec, head)) return undefined;
  const result = checkTail(rec, head);
  return result.ok ? result.payout : undefined;
}

/** A record's reference, service, currency and amount, present and well-formed as far as no rules are needed. */
interface RowHead {
  ok: true;
  line: number;
  referenceId: string;
  service: string;
  currency: string;
  amount: string;
}

/** Structure, reference, the columns every row needs, the currency code. */
function checkHead(rec: InputRecord, opts: ValidateOptions): RowHead | ValidationFailure {
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

  // Currency
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
function checkAmountFormat(rec: InputRecord, { line, currency, amount }: RowHead): ValidationFailure | undefined {
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
function checkTail(rec: InputRecord, { line, referenceId, service, currency, amount }: RowHead): ValidationResult {
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

function failure(rec: InputRecord, errorCode: ValidationErrorCode, message: string, column?: string): ValidationFailure {
  const f: ValidationFailure = { ok: false, line: rec.line, errorCode, message };
  const referenceId = rec.cells['reference_id'];
  if (referenceId !== undefined) f.referenceId = referenceId;
  if (column !== undefined) f.column = column;
  return f;
}

interface Problem {
  code: ValidationErrorCode;
  message: string;
  column?: string;
}

function checkService(service: string, currency: string, rule: ServiceRule | undefined, rules: CurrencyRules): Problem | undefined {
  if (rule && !rule.known) {
    return { code: 'unknown_service', message: `service "${service}" is offered for ${currency} but is not on this account's list of payout services; ask MilkyPay support to enable it` };
  }
  const listed = rule ?? rules.catalogue.get(service);
  if (!listed) {
    return { code: 'unknown_service', message: `unknown service "${service}"; services offered for ${currency}: ${listSome([...rules.services.keys()])}` };
  }
  if (!listed.enabled) return { code: 'service_disabled', message: `service "${service}" is disabled on this account; choose another service or ask MilkyPay support` };
  if (!listed.available) return { code: 'service_unavailable', message: `service "${service}" is currently unavailable; try later or choose another service` };
  if (!rule) {
    const where = rules.catalogue.get(service);
    return {
      code: 'currency_not_offered',
      column: 'currency',
      message:
        `service "${service}" is not offered for currency ${currency}` +
        (where ? ` (it pays out in ${where.serviceCurrency}): set the currency column to ${listSome(where.currencies)}, or choose a service offered for ${currency}` : `: check the currency column`),
    };
  }
  return undefined;
}

/** `: did you mean fields.account?` for a key within two edits of one of the service's. */
function typoText(key: string, rule: ServiceRule): string {
  const meant = closest(key, rule.fields.map((f) => f.key), 2);
  return meant ? `: did you mean fields.${meant}?` : '';
}

function checkFields(cells: Record<string, string>, rule: ServiceRule): Problem | undefined {
  for (const column in cells) {
    if (!column.startsWith('fields.')) continue;
    if (!hasField(rule, column.slice(7))) {
      return {
        code: 'unknown_field',
        column,
        message: `${column} is not a field of service ${rule.code} (almost always a typo${typoText(column.slice(7), rule)}); the service's fields are: ${rule.fields.map((f) => f.key).join(', ') || '(none)'}`,
      };
    }
  }
  for (const field of rule.fields) {
    const column = field.column;
    const value = cells[column];
    if (value === undefined) {
      if (field.required) return { code: 'missing_field', column, message: `${column} is empty; service ${rule.code} requires it` };
      continue;
    }
    if (field.error !== undefined) {
      return {
        code: 'service_rule_invalid',
        column,
        message: `${column} cannot be checked: the API's regexp for it (${field.source}) does not compile (${field.error}); ask MilkyPay support`,
      };
    }
    if (field.pattern && !field.pattern.test(value)) {
      const shown = showInvisible(isSensitiveField(field.key) ? maskValue(value) : value);
      return { code: 'field_mismatch', column, message: `${column} "${shown}" does not match ${field.source}${fieldMismatchHint(value)}` };
    }
  }
  return undefined;
}

function hasField(rule: ServiceRule, key: string): boolean {
  for (const f of rule.fields) if (f.key === key) return true;
  return false;
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
