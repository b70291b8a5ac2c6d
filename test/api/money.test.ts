import { describe, expect, it } from 'vitest';
import { decimalToJsonLiteral, numberToDecimal } from '../../src/api/money.js';

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
