import { describe, expect, it } from 'vitest';
import { notTheRows, payeeDifferences, paymentDifferences, replyMismatch, showsValue } from '../../src/payout/reply-check.js';

const want = { service: 'card_usd', currency: 'USD', amount: '10.50', fields: { card_number: '5123817234060000' } };
const theirs = { id: 'inv-1', referenceId: 'ref-1', service: 'card_usd', currency: 'USD', amount: '10.5', fields: { card_number: '512381******0000' } };

describe('showsValue: a masked value is compared on what the mask shows', () => {
  it.each([
    ['5123817234060000', '5123817234060000', true],
    ['512381******0000', '5123817234060000', true],
    ['512381******0000', '5123819999990000', true], // the hidden digits are not shown, so not compared
    ['512381******0001', '5123817234060000', false],
    ['512382******0000', '5123817234060000', false],
    ['512381*******0000', '5123817234060000', false], // another length: another card
    ['512381***0000', '5123817234060000', false],
    ['999999999', '123456789', false],
    ['123456789', '123456789', true],
    ['****', 'abcd', true],
    ['1234', '1234 ', false],
    ['', 'x', false],
  ])('%s shows %s: %s', (shown, value, expected) => {
    expect(showsValue(shown, value)).toBe(expected);
  });
});

describe('payeeDifferences', () => {
  it('names each differing field with both values masked', () => {
    expect(payeeDifferences({ account: '123456789', card_number: '5123817234060000' }, { account: '999999999', card_number: '512381******1111' }, true)).toEqual([
      'fields.account ****9999 (the row says ****6789)',
      'fields.card_number 512381******1111 (the row says 512381******0000)',
    ]);
  });

  it('strict: a field the invoice does not show is a difference (the payee cannot be confirmed)', () => {
    expect(payeeDifferences({ account: '123456789' }, {}, true)).toEqual(['no fields.account (the row says ****6789)']);
    expect(payeeDifferences({ account: '123456789' }, undefined, true)).toEqual(['no fields.account (the row says ****6789)']);
  });

  it('not strict: only the fields the invoice shows are compared', () => {
    expect(payeeDifferences({ account: '123456789' }, {}, false)).toEqual([]);
    expect(payeeDifferences({ account: '123456789' }, undefined, false)).toEqual([]);
  });

  it('ignores fields the invoice has and the row does not send', () => {
    expect(payeeDifferences({ account: '123456789' }, { account: '123456789', extra: 'x' }, true)).toEqual([]);
  });
});

describe('paymentDifferences', () => {
  it('compares service, currency and amount (10.5 is 10.50); a service the API does not say is not compared', () => {
    expect(paymentDifferences(theirs, want)).toEqual([]);
    expect(paymentDifferences({ ...theirs, service: null }, want)).toEqual([]);
    expect(paymentDifferences({ ...theirs, service: 'test_usd', currency: 'EUR', amount: '10.51' }, want)).toEqual([
      'service test_usd (the row says card_usd)',
      'currency EUR (the row says USD)',
      'amount 10.51 (the row says 10.50)',
    ]);
  });
});

describe('notTheRows', () => {
  it('is another reference, or another invoice than the one asked about', () => {
    expect(notTheRows(theirs, 'ref-1')).toBeUndefined();
    expect(notTheRows(theirs, 'ref-1', 'inv-1')).toBeUndefined();
    expect(notTheRows(theirs, 'ref-2')).toBe('invoice inv-1 of reference_id ref-1');
    expect(notTheRows(theirs, 'ref-1', 'inv-9')).toBe('invoice inv-1 of reference_id ref-1 instead of invoice inv-9');
    expect(notTheRows({ ...theirs, referenceId: null }, 'ref-2')).toBeUndefined(); // the public shape carries no reference
    expect(notTheRows({ ...theirs, referenceId: null }, 'ref-2', 'inv-2')).toBe('invoice inv-1 instead of invoice inv-2');
  });
});

describe('replyMismatch', () => {
  it('accepts the row invoice, fields compared where the reply has them', () => {
    expect(replyMismatch(theirs, 'ref-1', want)).toBeUndefined();
    expect(replyMismatch({ ...theirs, fields: {} }, 'ref-1', want, 'inv-1')).toBeUndefined();
  });

  it.each([
    ['another reference', { referenceId: 'ref-7' }, 'invoice inv-1 of reference_id ref-7'],
    ['another amount', { amount: '99' }, 'invoice inv-1 of reference_id ref-1 with amount 99 (the row says 10.50)'],
    ['another payee', { fields: { card_number: '411111******1111' } }, 'fields.card_number 411111******1111 (the row says 512381******0000)'],
  ])('says what came back for %s', (_what, change, said) => {
    expect(replyMismatch({ ...theirs, ...change }, 'ref-1', want)).toContain(said);
  });
});
