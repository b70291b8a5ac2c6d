import { describe, expect, it } from 'vitest';
import { decimalToJsonLiteral, numberToDecimal, withCurrencyDigits, withDigits } from '../src/money.js';

describe('numberToDecimal: a parsed JSON number as an exact plain decimal', () => {
  it.each([
    [10, '10'],
    [10.55, '10.55'],
    [0.1, '0.1'],
    [12345678901234.56, '12345678901234.56'],
    [1e-7, '0.0000001'],
    [1.5e-7, '0.00000015'],
    [1e21, '1000000000000000000000'],
    [1.25e22, '12500000000000000000000'],
    [-2.5e-7, '-0.00000025'],
    [-0, '0'],
    [0, '0'],
  ])('%d -> %s', (n, expected) => {
    expect(numberToDecimal(n)).toBe(expected);
  });

  it('refuses non-finite numbers', () => {
    expect(() => numberToDecimal(Number.NaN)).toThrow(RangeError);
    expect(() => numberToDecimal(Infinity)).toThrow(RangeError);
  });
});

describe('decimalToJsonLiteral', () => {
  it('keeps every digit, trailing zeros included', () => {
    expect(decimalToJsonLiteral('0.10')).toBe('0.10');
    expect(decimalToJsonLiteral('12345678901234.56')).toBe('12345678901234.56');
  });

  it('drops leading zeros JSON forbids, keeping one before the point', () => {
    expect(decimalToJsonLiteral('00.5')).toBe('0.5');
    expect(decimalToJsonLiteral('0010')).toBe('10');
    expect(decimalToJsonLiteral('0')).toBe('0');
  });

  it.each(['1e3', '+1', '-1', '1,5', '.5', '5.', '', '1 000', '0x10'])('refuses %j', (s) => {
    expect(() => decimalToJsonLiteral(s)).toThrow(RangeError);
  });
});

describe('amounts with the currency digits', () => {
  it('pads an API amount to the currency digits and leaves one it cannot hold as it is', () => {
    expect(withCurrencyDigits('0.6', 'USD')).toBe('0.60');
    expect(withCurrencyDigits('0', 'KWD')).toBe('0.000');
    expect(withCurrencyDigits('0.125', 'USD')).toBe('0.125');
    expect(withCurrencyDigits('-1', 'USD')).toBe('-1');
    expect(withCurrencyDigits('1', 'ZZZ')).toBe('1');
  });

  it('writes a checked row amount with exactly the currency digits and no leading zeros', () => {
    expect(withDigits('0010.5', 2)).toBe('10.50');
    expect(withDigits('7', 3)).toBe('7.000');
    expect(withDigits('0.5', 2)).toBe('0.50');
    expect(withDigits('12', 0)).toBe('12');
  });
});
