import currencyCodes from 'currency-codes';
import { describe, expect, it } from 'vitest';
import {
  canonicalAmount,
  Totals,
  addDecimal,
  compareDecimal,
  currencyProblem,
  decimalToString,
  expandExponent,
  formatMinor,
  isPlainDecimal,
  isoMinorDigits,
  minorDigits,
  multiplyDecimal,
  numberToDecimal,
  parseDecimal,
  toMinor,
} from '../src/money.js';

describe('minorDigits: the ISO 4217 table, not a locale library', () => {
  it.each([
    // [code, ISO 4217 minor digits, what CLDR display digits (Intl) say when they differ]
    ['USD', 2],
    ['EUR', 2],
    ['GBP', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['CLP', 0],
    ['VND', 0],
    ['ISK', 0],
    ['XAF', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['JOD', 3],
    ['OMR', 3],
    ['TND', 3],
    ['LYD', 3],
    ['IQD', 3, 0],
    ['PKR', 2, 0],
    ['IDR', 2, 0],
    ['HUF', 2, 0],
    ['COP', 2, 0],
    ['LAK', 2, 0],
    ['IRR', 2, 0],
    ['MGA', 2, 0],
    ['CLF', 4],
    ['UYW', 4],
  ] as Array<[string, number, number?]>)('%s has %i minor digits', (currency, digits, cldr) => {
    expect(minorDigits(currency)).toBe(digits);
    expect(isoMinorDigits(currency)).toBe(digits);
    expect(currencyProblem(currency)).toBeUndefined();
    expect(toMinor(digits === 0 ? '1500' : `1500.${'5'.repeat(digits)}`, currency)).toBe(BigInt(`1500${'5'.repeat(digits)}`));
    if (cldr !== undefined) {
      // Why not Intl: it would refuse 1500.50 PKR.
      expect(new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits).toBe(cldr);
    }
  });

  it('agrees with every entry of the table the package ships (bar the no-minor-unit codes)', () => {
    for (const entry of currencyCodes.data) {
      if (isoMinorDigits(entry.code) !== undefined) expect(minorDigits(entry.code)).toBe(entry.digits);
    }
    expect(currencyCodes.data.filter((c) => isoMinorDigits(c.code) !== undefined).length).toBeGreaterThan(150);
  });

  it.each([['US'], ['usd'], ['ABC'], ['XYZ'], ['HRK'], ['']])('refuses %j, which ISO 4217 does not list', (code) => {
    expect(() => minorDigits(code)).toThrow(RangeError);
    expect(isoMinorDigits(code)).toBeUndefined();
    expect(currencyProblem(code)).toBe(`${JSON.stringify(code)} is not an ISO 4217 currency code`);
  });

  it.each([['XAU'], ['XAG'], ['XDR'], ['XTS'], ['XXX']])('refuses %s, a unit with no minor unit in ISO 4217 (metal, fund, test)', (code) => {
    expect(isoMinorDigits(code)).toBeUndefined();
    expect(currencyProblem(code)).toContain('not a currency a payout can be made in');
  });
});

describe('plain decimals', () => {
  it.each(['0', '5', '123', '123.45', '0.5', '007.50', '99999999999999999999.123456789'])('accepts %s', (s) => {
    expect(isPlainDecimal(s)).toBe(true);
    expect(parseDecimal(s)).toBeDefined();
  });

  it.each(['', '-5', '+5', '1e3', '1E3', '1,50', '1,000.00', ' 5', '5 ', '5.', '.5', 'abc', '1.2.3', '١٢', 'NaN', 'Infinity', '0x10'])(
    'refuses %j',
    (s) => {
      expect(isPlainDecimal(s)).toBe(false);
      expect(parseDecimal(s)).toBeUndefined();
    },
  );

  it('parses into units and scale', () => {
    expect(parseDecimal('123.45')).toEqual({ units: 12345n, scale: 2 });
    expect(parseDecimal('0.050')).toEqual({ units: 50n, scale: 3 });
    expect(parseDecimal('42')).toEqual({ units: 42n, scale: 0 });
  });

  it('prints a decimal at its own scale', () => {
    expect(decimalToString({ units: 1250n, scale: 2 })).toBe('12.50');
    expect(decimalToString({ units: 5n, scale: 3 })).toBe('0.005');
    expect(decimalToString({ units: -5n, scale: 2 })).toBe('-0.05');
    expect(decimalToString({ units: 7n, scale: 0 })).toBe('7');
  });

  it('round-trips every decimal with up to 4 places', () => {
    for (let units = 0; units < 3000; units += 7) {
      for (let scale = 0; scale <= 4; scale++) {
        const s = decimalToString({ units: BigInt(units), scale });
        expect(parseDecimal(s)).toEqual({ units: BigInt(units), scale });
      }
    }
  });

  it('normalises to the canonical form', () => {
    expect(canonicalAmount('007.50')).toBe('7.5');
    expect(canonicalAmount('0.000')).toBe('0');
    expect(canonicalAmount('10')).toBe('10');
  });
});

describe('arithmetic is exact', () => {
  it('adds where floats would not', () => {
    expect(addDecimal('0.1', '0.2')).toBe('0.3');
    expect(addDecimal('0.1', '0.25')).toBe('0.35');
    expect(addDecimal('99999999999999999999.99', '0.01')).toBe('100000000000000000000.00');
  });

  it('multiplies exactly', () => {
    expect(multiplyDecimal('10.5', '1.08')).toBe('11.34');
    expect(multiplyDecimal('0.1', '0.1')).toBe('0.01');
    expect(multiplyDecimal('1.10', '3')).toBe('3.3');
    expect(multiplyDecimal('0', '1.5')).toBe('0');
    expect(multiplyDecimal('123456789.123456789', '1000000000')).toBe('123456789123456789');
  });

  it('compares by value, whatever the scale', () => {
    expect(compareDecimal('1.0', '1')).toBe(0);
    expect(compareDecimal('0.01', '0.1')).toBe(-1);
    expect(compareDecimal('10', '9.999')).toBe(1);
    expect(compareDecimal('007', '7.000')).toBe(0);
    expect(compareDecimal('0', '0.000')).toBe(0);
    expect(compareDecimal('0.5', '0.50')).toBe(0);
    expect(compareDecimal('0.05', '0.5')).toBe(-1);
    expect(compareDecimal('100', '99.999')).toBe(1);
    expect(compareDecimal('9999999', '9999999.01')).toBe(-1);
    expect(compareDecimal('00000.1', '0.09')).toBe(1);
  });

  it('agrees with integer arithmetic on cents, property-style', () => {
    for (let a = 0; a < 2000; a += 37) {
      for (let b = 0; b < 2000; b += 53) {
        const sa = formatMinor(BigInt(a), 'USD');
        const sb = formatMinor(BigInt(b), 'USD');
        expect(toMinor(addDecimal(sa, sb), 'USD')).toBe(BigInt(a + b));
        expect(compareDecimal(sa, sb)).toBe(Math.sign(a - b) as -1 | 0 | 1);
        expect(parseDecimal(multiplyDecimal(sa, sb))).toEqual(parseDecimal(canonicalAmount(decimalToString({ units: BigInt(a * b), scale: 4 }))));
      }
    }
  });

  it('refuses a non-decimal operand', () => {
    expect(() => addDecimal('1e3', '1')).toThrow(RangeError);
    expect(() => compareDecimal('1', '-1')).toThrow(RangeError);
  });
});

describe('minor units', () => {
  it('converts per currency', () => {
    expect(toMinor('12.5', 'USD')).toBe(1250n);
    expect(toMinor('12.50', 'USD')).toBe(1250n);
    expect(toMinor('12', 'USD')).toBe(1200n);
    expect(toMinor('100', 'JPY')).toBe(100n);
    expect(toMinor('1.234', 'KWD')).toBe(1234n);
  });

  it('refuses more digits than the currency has', () => {
    expect(() => toMinor('10.001', 'USD')).toThrow(/USD allows at most 2 decimal places/);
    expect(() => toMinor('100.5', 'JPY')).toThrow(/JPY allows at most 0/);
    expect(() => toMinor('1.2345', 'KWD')).toThrow(RangeError);
  });

  it('formats with the currency digits', () => {
    expect(formatMinor(1250n, 'USD')).toBe('12.50');
    expect(formatMinor(5n, 'USD')).toBe('0.05');
    expect(formatMinor(0n, 'USD')).toBe('0.00');
    expect(formatMinor(100n, 'JPY')).toBe('100');
    expect(formatMinor(1234n, 'KWD')).toBe('1.234');
  });

  it('round-trips minor units for every currency digit count', () => {
    for (const currency of ['USD', 'JPY', 'KWD']) {
      for (let m = 0n; m < 5000n; m += 13n) expect(toMinor(formatMinor(m, currency), currency)).toBe(m);
    }
  });
});

describe('numberToDecimal', () => {
  it.each([
    [10, '10'],
    [10.55, '10.55'],
    [0.01, '0.01'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [1e-7, '0.0000001'],
    [-2.5e-8, '-0.000000025'],
    [123e25, '1230000000000000000000000000'],
    [-0, '0'],
  ])('%d -> %s', (n, s) => {
    expect(numberToDecimal(n)).toBe(s);
  });

  it('refuses NaN and infinities', () => {
    expect(() => numberToDecimal(Number.NaN)).toThrow(RangeError);
    expect(() => numberToDecimal(Infinity)).toThrow(RangeError);
  });

  it('expands exponent strings and leaves plain ones alone', () => {
    expect(expandExponent('1.08')).toBe('1.08');
    expect(expandExponent('2E+3')).toBe('2000');
    expect(expandExponent('5.12381E+15')).toBe('5123810000000000');
  });
});

describe('Totals', () => {
  it('sums per currency exactly, where floats drift', () => {
    const totals = new Totals();
    for (let i = 0; i < 1000; i++) totals.add('USD', '0.10');
    totals.add('JPY', '100');
    totals.add('JPY', '250');
    totals.add('KWD', '0.001');
    expect(totals.entries()).toEqual([
      ['JPY', '350'],
      ['KWD', '0.001'],
      ['USD', '100.00'],
    ]);
    expect(totals.get('USD')).toBe('100.00');
    expect(totals.minorOf('USD')).toBe(10000n);
    expect(totals.get('EUR')).toBe('0.00');
    expect(totals.size).toBe(3);
    expect(JSON.stringify(totals)).toBe('{"JPY":"350","KWD":"0.001","USD":"100.00"}');
  });

  it('refuses an amount the currency cannot hold', () => {
    const totals = new Totals();
    expect(() => totals.add('JPY', '1.5')).toThrow(RangeError);
    expect(totals.size).toBe(0);
  });
});
