import { describe, expect, it } from 'vitest';
import { Decimal, currencyDigits } from '../../src/sandbox/decimal.js';
import { JsonNumber, JsonSyntaxError, parseJson, stringifyJson } from '../../src/sandbox/json.js';

describe('Decimal', () => {
  it('parses JSON number literals exactly, exponents included', () => {
    expect(Decimal.parse('10.10')?.toString()).toBe('10.1');
    expect(Decimal.parse('10.10')?.toFixed(2)).toBe('10.10');
    expect(Decimal.parse('1e2')?.toString()).toBe('100');
    expect(Decimal.parse('1.5E-3')?.toString()).toBe('0.0015');
    expect(Decimal.parse('-0.5')?.toString()).toBe('-0.5');
    expect(Decimal.parse('12345678901234567890.123456789')?.toString()).toBe('12345678901234567890.123456789');
    for (const bad of ['', '1,5', '.5', '1.', 'abc', '1e99999', '0x10']) expect(Decimal.parse(bad)).toBeUndefined();
  });

  it('does exact arithmetic, comparison and minor units', () => {
    const a = Decimal.of('0.1');
    const b = Decimal.of('0.2');
    expect(a.add(b).toString()).toBe('0.3');
    expect(a.add(b).compare(Decimal.of('0.3'))).toBe(0);
    expect(Decimal.of('9259260').mul(Decimal.of('1.08')).toString()).toBe('10000000.8');
    expect(Decimal.of('10.10').toMinor(2)).toBe(1010n);
    expect(Decimal.of('10.001').toMinor(2)).toBeUndefined();
    expect(Decimal.of('10.000').toMinor(0)).toBe(10n);
    expect(Decimal.fromMinor(501n, 2).toString()).toBe('5.01');
  });

  it('rounds half away from zero', () => {
    expect(Decimal.of('0.4515').round(2).toString()).toBe('0.45');
    expect(Decimal.of('0.125').toFixed(2)).toBe('0.13');
    expect(Decimal.of('-0.125').toFixed(2)).toBe('-0.13');
    expect(Decimal.of('2.5').toFixed(0)).toBe('3');
    expect(Decimal.of('7').toFixed(3)).toBe('7.000');
  });

  it('knows ISO 4217 minor digits', () => {
    expect(currencyDigits('USD')).toBe(2);
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('KWD')).toBe(3);
    expect(currencyDigits('usd')).toBeUndefined();
  });
});

describe('parseJson / stringifyJson', () => {
  it('keeps number literals as written and round-trips them', () => {
    const value = parseJson('{"amount":10.10,"big":12345678901234567890.99,"list":[1,-2.50e1,true,null,"x"]}');
    expect(value).toMatchObject({ amount: new JsonNumber('10.10') });
    expect(stringifyJson(value)).toBe('{"amount":10.10,"big":12345678901234567890.99,"list":[1,-2.50e1,true,null,"x"]}');
  });

  it('decodes escapes and keeps unicode', () => {
    expect(parseJson('"a\\"b\\\\c\\u00e9\\n"')).toBe('a"b\\cé\n');
    expect(parseJson('"Аккаунт"')).toBe('Аккаунт');
    expect(stringifyJson({ s: 'a"b', d: Decimal.of('0.01'), u: undefined, n: null })).toBe('{"s":"a\\"b","d":0.01,"n":null}');
  });

  it('refuses what JSON.parse refuses', () => {
    for (const bad of ['', '{', '{"a":1,}', '[1,]', "{'a':1}", '01', '1.', '"\u0001"', '"\\x"', 'tru', '{"a":1}x', '"abc']) {
      expect(() => parseJson(bad), bad).toThrow(JsonSyntaxError);
      expect(() => JSON.parse(bad), bad).toThrow();
    }
  });

  it('parses what JSON.parse parses, to the same structure', () => {
    const samples = ['{"a":{"b":[1,2,{"c":"d"}]},"e":false}', ' [ ] ', '{}', '"\\ud83d\\ude00"', '-0', '{"a":1,"a":2}'];
    for (const text of samples) {
      const ours = JSON.parse(stringifyJson(parseJson(text)));
      expect(ours).toEqual(JSON.parse(text));
    }
  });

  it('makes no prototype from a __proto__ key', () => {
    const value = parseJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(value)).toEqual(['__proto__']);
  });

  it('refuses nesting too deep for the stack as a syntax error, not a crash', () => {
    expect(() => parseJson('['.repeat(10_000))).toThrow(JsonSyntaxError);
    expect(parseJson(`${'['.repeat(60)}${']'.repeat(60)}`)).toBeDefined();
  });
});
