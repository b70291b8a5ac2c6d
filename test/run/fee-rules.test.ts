import { describe, expect, it } from 'vitest';
import { describeFees } from '../../src/run/fee-rules.js';

const fee = (rate: string, fix: string, min = '0', max = '0') => ({ rate, fix, min, max });

describe('the fees the live confirmation shows, as the rules state them', () => {
  it('says there are none only when every service charges none', () => {
    expect(describeFees([{ code: 'test_usd', fee: fee('0', '0') }, { code: 'x', fee: fee('0.0', '0.00', '0', '0') }])).toBe('no fees (its services charge none)');
  });

  it('repeats each charging service rule rather than guessing an amount', () => {
    expect(describeFees([{ code: 'test_usd', fee: fee('0', '0') }, { code: 'payment_card_usd', fee: fee('1.5', '0.30', '1', '25') }, { code: 'swift_usd', fee: fee('0', '15') }])).toBe(
      'fees set by the API per invoice: payment_card_usd 1.5% + 0.30, at least 1, at most 25; swift_usd 15',
    );
  });

  it('says when a service has no listed rule', () => {
    expect(describeFees([{ code: 'ghost', fee: null }])).toMatch(/^fees not known before paying/);
  });
});
