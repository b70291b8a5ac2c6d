import { describe, expect, it } from 'vitest';
import { isSensitiveField, maskValue } from '../src/mask.js';

describe('maskValue', () => {
  it.each([
    ['5123817234060000', '512381******0000'],
    ['4111111111111111111', '411111*********1111'],
    ['123456789012', '123456**9012'],
    ['12345678901', '****8901'],
    ['123456789', '****6789'],
    ['12345', '12345'], // too short to be a card or account number: shown so the message can say what is wrong
    ['12a', '12a'],
    ['5.12381E+15', '5.12381E+15'], // a spreadsheet's scientific notation has lost the digits already
    ['1234', '1234'],
    ['', ''],
  ])('%s -> %s', (value, masked) => {
    expect(maskValue(value)).toBe(masked);
  });
});

describe('isSensitiveField', () => {
  it.each(['card_number', 'account', 'iban', 'pan', 'cardholder_card', 'bank_account', 'IBAN', 'fields.card_number', 'phone_number', 'card_pan', 'panNumber', 'PAN'])(
    '%s is sensitive',
    (key) => expect(isSensitiveField(key)).toBe(true),
  );
  it.each(['name', 'email', 'description', 'company', 'expansion', 'test_details_payout_status', 'bic'])('%s is not', (key) =>
    expect(isSensitiveField(key)).toBe(false),
  );
});
