import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { canonicalAmount } from '../../src/money.js';
import { fingerprinter, type PaymentData } from '../../src/payout/fingerprint.js';

const fingerprint = fingerprinter(randomBytes(32).toString('base64url'));

const base: PaymentData = {
  service: 'card_usd',
  currency: 'USD',
  amount: '10.50',
  fields: { card_number: '5123810000000000', holder: 'ADA LOVELACE' },
};

describe('canonicalAmount', () => {
  it.each([
    ['10.50', '10.5'],
    ['10.5', '10.5'],
    ['10.500', '10.5'],
    ['10', '10'],
    ['10.0', '10'],
    ['10.00', '10'],
    ['100', '100'],
    ['100.000', '100'],
    ['1000', '1000'],
    ['010.5', '10.5'],
    ['007', '7'],
    ['0.50', '0.5'],
    ['0.05', '0.05'],
    ['0', '0'],
    ['0.00', '0'],
    ['00.10', '0.1'],
  ])('%s -> %s', (amount, canonical) => {
    expect(canonicalAmount(amount)).toBe(canonical);
  });

  it('keeps amounts that differ apart', () => {
    const pairs: [string, string][] = [
      ['10.5', '105'],
      ['10.05', '10.5'],
      ['100', '10'],
      ['1.01', '1.1'],
      ['0.1', '1'],
    ];
    for (const [a, b] of pairs) expect(canonicalAmount(a)).not.toBe(canonicalAmount(b));
  });
});

describe('fingerprint', () => {
  it('is a 22-character base64url digest', () => {
    expect(fingerprint(base)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('is stable across calls', () => {
    expect(fingerprint(base)).toBe(fingerprint(structuredClone(base)));
  });

  it('does not depend on the order of the fields', () => {
    const reordered = { ...base, fields: { holder: 'ADA LOVELACE', card_number: '5123810000000000' } };
    expect(fingerprint(reordered)).toBe(fingerprint(base));
  });

  it.each(['10.5', '10.500', '010.50'])('treats %s as the same amount as 10.50', (amount) => {
    expect(fingerprint({ ...base, amount })).toBe(fingerprint(base));
  });

  it.each<[string, PaymentData]>([
    ['service', { ...base, service: 'card_eur' }],
    ['currency', { ...base, currency: 'EUR' }],
    ['amount', { ...base, amount: '10.51' }],
    ['amount scale', { ...base, amount: '105' }],
    ['a field value', { ...base, fields: { ...base.fields, card_number: '5123810000000001' } }],
    ['a field added', { ...base, fields: { ...base.fields, account: '1' } }],
    ['a field removed', { ...base, fields: { card_number: '5123810000000000' } }],
    ['a field renamed', { ...base, fields: { card: '5123810000000000', holder: 'ADA LOVELACE' } }],
    ['an empty field instead of none', { ...base, fields: { ...base.fields, note: '' } }],
  ])('changes when %s changes', (_what, changed) => {
    expect(fingerprint(changed)).not.toBe(fingerprint(base));
  });

  it('cannot be fooled by moving text between a key and its value or between fields', () => {
    const a = fingerprint({ ...base, fields: { 'a,b': 'c' } });
    const b = fingerprint({ ...base, fields: { a: 'b,c' } });
    const c = fingerprint({ ...base, fields: { a: 'b', c: '' } });
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('is keyed: another journal (another secret) gives another fingerprint, and none is the unkeyed hash', () => {
    const other = fingerprinter(randomBytes(32).toString('base64url'));
    expect(other(base)).not.toBe(fingerprint(base));
    const text = JSON.stringify([base.service, base.currency, canonicalAmount(base.amount), Object.entries(base.fields).sort()]);
    const unkeyed = createHash('sha256').update(text).digest('base64url');
    expect(unkeyed.startsWith(fingerprint(base))).toBe(false);
    expect(unkeyed.startsWith(other(base))).toBe(false);
  });

  it('cannot be fooled by moving text between service and currency', () => {
    expect(fingerprint({ ...base, service: 'card_', currency: 'usdUSD' })).not.toBe(
      fingerprint({ ...base, service: 'card_usd', currency: 'USD' }),
    );
  });
});
