import { describe, expect, it } from 'vitest';
import { validateRecord } from '../../src/rules/validate.js';
import type { ValidationResult } from '../../src/rules/validation-failure.js';
import { RULES, record, row } from './rules-fixtures.js';

function check(rec: ReturnType<typeof row>): ValidationResult {
  const currency = rec.cells['currency'];
  return validateRecord(rec, currency === undefined ? undefined : RULES[currency]);
}

describe('validateRecord: one error code per failing check', () => {
  it.each([
    // [why, overrides, code, column, words the message must hold]
    ['no reference', { reference_id: '' }, 'missing_reference_id', 'reference_id', ['reference_id is empty']],
    ['a blank reference', { reference_id: '   ' }, 'missing_reference_id', 'reference_id', []],
    ['no service', { service: '' }, 'missing_column_value', 'service', ['service is empty']],
    ['no currency', { currency: '' }, 'missing_column_value', 'currency', ['currency is empty']],
    ['no amount', { amount: '' }, 'missing_column_value', 'amount', ['amount is empty']],
    ['a lowercase currency', { currency: 'usd' }, 'invalid_currency', 'currency', ['"usd"', 'use USD']],
    ['a long currency', { currency: 'DOLLAR' }, 'invalid_currency', 'currency', ['3-letter']],
    ['a currency with no services', { currency: 'GBP' }, 'currency_not_offered', 'currency', ['offered for currency GBP', 'check the currency column']],
    ['an exponent amount', { amount: '1e3' }, 'invalid_amount', 'amount', ['"1e3"', 'exponent', '1000']],
    ['a decimal comma', { amount: '1,50' }, 'invalid_amount', 'amount', ['use a dot', '1.50']],
    ['a thousands separator', { amount: '1,000.50' }, 'invalid_amount', 'amount', ['thousands']],
    ['a negative amount', { amount: '-5' }, 'invalid_amount', 'amount', ['without a sign']],
    ['a leading space', { amount: ' 5' }, 'invalid_amount', 'amount', ['spaces']],
    ['letters', { amount: 'abc' }, 'invalid_amount', 'amount', ['like 10 or 10.50']],
    ['zero', { amount: '0' }, 'amount_not_positive', 'amount', ['greater than 0']],
    ['zero with cents', { amount: '0.00' }, 'amount_not_positive', 'amount', ['greater than 0']],
    ['a tenth of a cent', { amount: '10.001' }, 'amount_precision', 'amount', ['USD allows at most 2', '3 decimal places']],
    ['cents in yen', { currency: 'JPY', service: 'test_jpy', amount: '100.5' }, 'amount_precision', 'amount', ['"100.5" has 1 decimal place;', 'JPY allows at most 0']],
    ['an unknown service', { service: 'tset_usd' }, 'unknown_service', 'service', ['"tset_usd"', 'test_usd']],
    ['a service offered but not on the account list', { service: 'offered_only_usd' }, 'unknown_service', 'service', ['not on this account']],
    ['a disabled service', { service: 'bank_transfer_usd_disabled' }, 'service_disabled', 'service', ['disabled']],
    ['an unavailable service', { service: 'wallet_usd_unavailable' }, 'service_unavailable', 'service', ['unavailable']],
    ['a service of another currency', { service: 'sepa_eur' }, 'currency_not_offered', 'currency', ['not offered for currency USD', 'set the currency column to EUR', 'a service offered for USD']],
    ['a code ISO 4217 does not list', { currency: 'ABC' }, 'invalid_currency', 'currency', ['"ABC" is not an ISO 4217 currency code', 'e.g. USD']],
    ['gold', { currency: 'XAU' }, 'invalid_currency', 'currency', ['XAU is an ISO 4217 code for a precious metal']],
    ['an amount above the limit', { service: 'swift_usd', amount: '1000.01' }, 'amount_out_of_range', 'amount', ['above', '10..1000 USD']],
    ['an amount below the limit', { service: 'swift_usd', amount: '9.99' }, 'amount_out_of_range', 'amount', ['below', '10..1000']],
    ['a converted amount above the limit', { currency: 'EUR', amount: '926' }, 'amount_out_of_range', 'amount', ['926 EUR × rate 1.08 = 1000.08 USD', '0.01..1000 USD']],
    ['a required field missing', { 'fields.account': '' }, 'missing_field', 'fields.account', ['fields.account is empty', 'test_usd']],
    ['a field not matching', { 'fields.account': '12a' }, 'field_mismatch', 'fields.account', ['fields.account "12a"', 'does not match ^\\d{1,15}$']],
    ['an optional field not matching', { 'fields.test_details_payout_status': 'done!' }, 'field_mismatch', 'fields.test_details_payout_status', ['"done!"', '^[A-Z\\-\\sa-z]{2,64}$']],
    ['an account with a trailing space', { 'fields.account': '123 ' }, 'field_mismatch', 'fields.account', ['fields.account "123␠"', 'ends with a space (U+0020); remove it']],
    ['an account with a no-break space', { 'fields.account': '12\u00a03' }, 'field_mismatch', 'fields.account', ['"12<U+00A0>3"', 'holds a no-break space (U+00A0)']],
    ['a field typo', { 'fields.acount': '12345', 'fields.account': '' }, 'unknown_field', 'fields.acount', ['did you mean fields.account?', 'account, test_details_payout_status']],
    ['a field whose API regexp is broken', { service: 'broken_usd', 'fields.account': '1' }, 'service_rule_invalid', 'fields.account', ['does not compile']],
    ['a bad e-mail', { 'customer.reference_id': 'c1', 'customer.email': 'john@' }, 'invalid_email', 'customer.email', ['"john@"']],
    ['an ftp callback', { callback_url: 'ftp://example.com/x' }, 'invalid_callback_url', 'callback_url', ['http(s)']],
    ['a callback that is no URL', { callback_url: 'example.com/hook' }, 'invalid_callback_url', 'callback_url', []],
    ['a customer without reference', { 'customer.email': 'a@b.co' }, 'missing_field', 'customer.reference_id', ['customer.reference_id']],
  ] as const)('%s', (_, overrides, code, column, words) => {
    const result = check(row(overrides, 7));
    expect(result).toMatchObject({ ok: false, errorCode: code, column, line: 7 });
    if (result.ok) return;
    expect(result.message).toContain('line 7');
    for (const w of words) expect(result.message).toContain(w);
  });

  it('says a card number was mangled by a spreadsheet, and masks it', () => {
    const result = check(row({ service: 'payment_card_usd', 'fields.account': '', 'fields.card_number': '5.12381E+15' }));
    expect(result).toMatchObject({ ok: false, errorCode: 'field_mismatch', column: 'fields.card_number' });
    if (result.ok) return;
    expect(result.message).toContain('scientific notation');
    expect(result.message).toContain('format the column as text');
    expect(result.message).toContain('"5.12381E+15"');
  });

  it('never shows a full card number in a message', () => {
    const result = check(row({ service: 'payment_card_usd', 'fields.account': '', 'fields.card_number': '5123817234060000999999' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).not.toContain('5123817234060000999999');
    expect(result.message).toContain('512381************9999');
  });

  it('reports a malformed row first, with its reference when known', () => {
    const rec = { line: 9, cells: { reference_id: 'r9' }, malformed: { code: 'malformed_row' as const, message: 'line 9 has 3 cells, the header has 4' } };
    expect(validateRecord(rec, RULES['USD'])).toEqual({
      ok: false,
      line: 9,
      referenceId: 'r9',
      errorCode: 'malformed_row',
      message: 'line 9 has 3 cells, the header has 4',
    });
  });

  it('reports the first failing check in order: currency before amount before service before fields', () => {
    const bad = { currency: 'usd', amount: '1e3', service: 'nope', 'fields.account': 'x' };
    expect(check(row(bad))).toMatchObject({ errorCode: 'invalid_currency' });
    expect(check(row({ ...bad, currency: 'USD' }))).toMatchObject({ errorCode: 'invalid_amount' });
    expect(check(row({ ...bad, currency: 'USD', amount: '5' }))).toMatchObject({ errorCode: 'unknown_service' });
    expect(check(row({ ...bad, currency: 'USD', amount: '5', service: 'test_usd' }))).toMatchObject({ errorCode: 'field_mismatch' });
  });

  it('takes the currency from the options in the dashboard layout', () => {
    const rec = record({ reference_id: 'd1', service: 'test_usd', amount: '2', 'fields.account': '1' });
    expect(validateRecord(rec, RULES['USD'], { layout: 'dashboard', currency: 'USD' })).toMatchObject({ ok: true, payout: { currency: 'USD' } });
    expect(validateRecord(rec, undefined, { layout: 'dashboard' })).toMatchObject({ ok: false, errorCode: 'unknown_service', column: 'service' });
  });
});

describe('validateRecord: a valid row becomes a payout instruction', () => {
  it('normalises the amount to the currency digits and nests dotted columns', () => {
    const result = check(
      row({
        amount: '0010.5',
        description: 'June',
        callback_url: 'https://example.com/hook?x=1',
        'fields.test_details_payout_status': 'processed',
        'customer.reference_id': 'c1',
        'customer.email': 'john.wick@example.co.uk',
        'customer.address.city': 'Kyiv',
        'customer.metadata.tier': 'gold',
        'metadata.batch': 'b7',
        'context.cardholder': 'JOHN WICK',
      }, 12),
    );
    expect(result).toEqual({
      ok: true,
      payout: {
        line: 12,
        referenceId: 'ref-1',
        service: 'test_usd',
        currency: 'USD',
        amount: '10.50',
        // Who is paid: the service's required fields (test_details_* are optional extras).
        payeeFields: ['account'],
        request: {
          referenceId: 'ref-1',
          service: 'test_usd',
          currency: 'USD',
          amount: '10.50',
          fields: { account: '12345', test_details_payout_status: 'processed' },
          description: 'June',
          callbackUrl: 'https://example.com/hook?x=1',
          customer: { reference_id: 'c1', email: 'john.wick@example.co.uk', address: { city: 'Kyiv' }, metadata: { tier: 'gold' } },
          metadata: { batch: 'b7' },
          context: { cardholder: 'JOHN WICK' },
        },
      },
    });
  });

  it.each([
    ['USD', 'test_usd', '7', '7.00'],
    ['JPY', 'test_jpy', '100', '100'],
    ['EUR', 'test_usd', '925.92', '925.92'], // × 1.08 = 999.9936, within 1000
    ['USD', 'swift_usd', '10', '10.00'], // the limits are inclusive
    ['USD', 'swift_usd', '1000', '1000.00'],
  ])('%s %s %s is valid as %s', (currency, service, amount, expected) => {
    expect(check(row({ currency, service, amount }))).toMatchObject({ ok: true, payout: { amount: expected } });
  });
});
