import { describe, expect, it } from 'vitest';
import { DEFAULT_REPEAT_KEY, parseRepeatKey, repeatKeyText } from '../../src/ledger/repeat-key.js';

describe('--repeat-key', () => {
  it('reads the parts, service and currency always counted', () => {
    expect(parseRepeatKey('payee,amount')).toEqual({ payee: true, amount: true, description: false });
    expect(parseRepeatKey(' Payee , AMOUNT , description ')).toEqual(DEFAULT_REPEAT_KEY);
    expect(parseRepeatKey(['service', 'payee', 'currency'])).toEqual({ payee: true, amount: false, description: false });
    expect(repeatKeyText(parseRepeatKey('payee,amount'))).toBe('service,payee,currency,amount');
  });

  it('refuses an unknown or missing part, naming it', () => {
    expect(() => parseRepeatKey('payee,amont')).toThrow(/unknown part "amont" \(did you mean "amount"\?\)/);
    expect(() => parseRepeatKey('iban')).toThrow(/"iban".*the parts are service, payee, currency, amount, description/);
    expect(() => parseRepeatKey('')).toThrow(/--repeat-key is empty/);
    expect(() => parseRepeatKey(' , ')).toThrow(/--repeat-key is empty/);
  });
});
