import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { mayLoseDigits, parseExactly, parseReplyJson } from '../../src/api/reply-json.js';

/** A small deterministic generator (no dependency on Math.random, so a failure replays). */
function generator(seed: number) {
  let s = seed;
  const random = (): number => (s = (s * 48271) % 2147483647) / 2147483647;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const ws = (): string => (random() < 0.7 ? '' : pick([' ', '\n', '\t', '\r\n ', '  ']));
  const digits = (n: number): string => Array.from({ length: n }, () => String(Math.floor(random() * 10))).join('');
  const number = (): string => {
    const int = random() < 0.2 ? '0' : String(1 + Math.floor(random() * 9)) + digits(Math.floor(random() * 18));
    const frac = random() < 0.5 ? `.${digits(1 + Math.floor(random() * 12))}` : '';
    const exp = random() < 0.15 ? `${pick(['e', 'E'])}${pick(['', '+', '-'])}${digits(1 + Math.floor(random() * 2))}` : '';
    return `${random() < 0.2 ? '-' : ''}${int}${frac}${exp}`;
  };
  const text = (): string => {
    const parts = ['cpoi_', 'b5e3', '7E9', '1e5', ':1e5', ',2E7', '[3e1', '1234567890123456789', '4111111111111111', 'x', '-', '.', ' ', '\\"', 'é'];
    let out = '';
    for (let i = Math.floor(random() * 5); i > 0; i--) out += pick(parts);
    return JSON.stringify(out);
  };
  const value = (depth: number): string => {
    const r = random();
    if (depth > 3 || r < 0.35) return number();
    if (r < 0.6) return text();
    if (r < 0.65) return pick(['true', 'false', 'null']);
    if (r < 0.8) return `[${ws()}${Array.from({ length: Math.floor(random() * 4) }, () => `${ws()}${value(depth + 1)}${ws()}`).join(',')}]`;
    // Keys unique within an object: lossless-json refuses duplicates, which JSON.parse takes (the last wins).
    return `{${ws()}${Array.from({ length: Math.floor(random() * 5) }, (_, k) => `${ws()}${JSON.stringify(k + JSON.parse(text()))}${ws()}:${ws()}${value(depth + 1)}${ws()}`).join(',')}}`;
  };
  return { value, ws };
}

describe('replies are read by JSON.parse only where it is exact', () => {
  it('digits and exponents inside strings do not send a body down the slow path', () => {
    const invoice = '{"data":{"id":"cpoi_b5e3Zk","attributes":{"amount":12.34,"fields":{"card":"4111111111111111"},"note":"7E9"},"customer":"cus_9e9"}}';
    expect(mayLoseDigits(invoice)).toBe(false);
    expect(parseReplyJson(invoice)).toEqual(JSON.parse(invoice));
  });

  it('every long or exponent number literal, wherever JSON allows it, is found', () => {
    for (const text of ['1e5', ' -1E5', '[1e5]', '[ 1, 2.5e-3 ]', '{"a":1.5E+7}', '{"a" :\n\t-0e0}', '{"a":[0,\r\n12345678901234567]}', '12345678901234.56', '{"a":-1234567890123456}']) {
      expect(mayLoseDigits(text), text).toBe(true);
    }
    for (const text of ['123456789012345', '{"a":-123456789012345}', '{"a":[1.2345678901234]}', '{"a":"1e5"}']) {
      expect(mayLoseDigits(text), text).toBe(false);
    }
  });

  it('agrees with the exact reading on every body (random bodies, both paths taken)', () => {
    const { value, ws } = generator(20261127);
    let fast = 0;
    for (let i = 0; i < 20_000; i++) {
      const text = `${ws()}${value(0)}${ws()}`;
      if (!mayLoseDigits(text)) fast += 1;
      // `expect` only on a difference: 20,000 passing `expect` calls cost more than the parsing.
      const [read, exact] = [parseReplyJson(text), parseExactly(text)];
      if (!isDeepStrictEqual(read, exact)) expect(read, text).toEqual(exact);
    }
    // Both paths were exercised.
    expect(fast).toBeGreaterThan(2_000);
    expect(fast).toBeLessThan(19_000);
  });
});
