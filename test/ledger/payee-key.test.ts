import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { legacyPayeeKey, normalisePayeeValue, payeeKeys } from '../../src/ledger/payee-key.js';

describe('the payee key', () => {
  const secret = randomBytes(32);
  const keys = payeeKeys(secret);

  it('normalises what spreadsheets and people vary: case, spaces, leading zeros of digits, compatibility forms', () => {
    expect(normalisePayeeValue('0950000003')).toBe(normalisePayeeValue('950000003'));
    expect(normalisePayeeValue('000')).toBe('0');
    expect(normalisePayeeValue(' GB29 NWBK 6016 1331 9268 19 ')).toBe(normalisePayeeValue('gb29nwbk60161331926819'));
    expect(normalisePayeeValue('１２３')).toBe('123'); // fullwidth digits
    // Leading zeros count in a value that is not digits only.
    expect(normalisePayeeValue('0AB12')).not.toBe(normalisePayeeValue('AB12'));
    expect(normalisePayeeValue('950000003')).not.toBe(normalisePayeeValue('950000004'));
  });

  it('keys the payee fields normalised, whatever their order; another value is another payee', () => {
    expect(keys.payee({ account: '0950000003', bank: 'X' })).toBe(keys.payee({ bank: 'x', account: '950000003' }));
    expect(keys.payee({ account: '950000003' })).not.toBe(keys.payee({ account: '950000004' }));
    expect(keys.payee({ account: '1' })).not.toBe(payeeKeys(randomBytes(32)).payee({ account: '1' }));
  });

  it('keys a description normalised for case and spaces; none is empty', () => {
    expect(keys.description('Refund  order 9001 ')).toBe(keys.description('refund order 9001'));
    expect(keys.description('Refund order 9001')).not.toBe(keys.description('Refund order 9002'));
    expect(keys.description(undefined)).toBe('');
    expect(keys.description('   ')).toBe('');
  });

  it('the version-1 key is the one earlier versions wrote: the service and every field exactly as sent', () => {
    const fields = { b: '2', a: '01' };
    const old = createHmac('sha256', secret).update(JSON.stringify(['test_usd', [['a', '01'], ['b', '2']]])).digest('base64url');
    expect(legacyPayeeKey(secret, { service: 'test_usd', fields })).toBe(old);
    expect(keys.legacyPayee({ service: 'test_usd', fields })).toBe(old);
  });
});
