/**
 * Reply bodies -> JSON values with every number exact, in one pass and one way for every body.
 *
 * One rule per number literal: a literal of at most 15 digits (point included) and no exponent
 * is a JS number; any other is its exact value as a canonical decimal string (`1.5e-7` ->
 * `0.00000015`, `12345678901234567.10` -> `12345678901234567.1`). A double holds every decimal
 * of at most 15 significant digits, and `String()` gives it back digit for digit, so for such
 * literals the number loses nothing (the money schema turns it into the same canonical string).
 *
 * The text is scanned once, strings skipped whole: every other literal is rewritten in place as
 * the JSON string of its canonical decimal, and `JSON.parse` reads the result. A rewrite swaps
 * one value token for another, so text that is not JSON stays not JSON. The tests hold this
 * reading to lossless-json's on random bodies, valid and broken.
 */
import { expandExponent } from '../money.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const POINT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/** JSON's number grammar: a run that is not one is left for `JSON.parse` to refuse. */
const NUMBER_LITERAL = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const SHORT_LITERAL = /^-?[0-9.]{1,15}$/;

/** Throws a SyntaxError for text that is not JSON. */
export function parseReplyJson(text: string): unknown {
  return JSON.parse(withExactNumbers(text));
}

/** `text` with every literal a double may not hold exactly written as a JSON string of its decimal. */
export function withExactNumbers(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = afterString(text, i);
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      const start = i;
      let exponent = false;
      for (i += 1; i < text.length; i += 1) {
        const d = text.charCodeAt(i);
        if (d === LOWER_E || d === UPPER_E) exponent = true;
        else if (!((d >= ZERO && d <= NINE) || d === POINT || d === MINUS || d === PLUS)) break;
      }
      if (!exponent && i - start <= 15) continue; // short enough whatever its sign: a double holds it
      const literal = text.slice(start, i);
      const value = exactNumber(literal);
      if (typeof value === 'number' || !NUMBER_LITERAL.test(literal)) continue;
      out += `${text.slice(copied, start)}"${value}"`;
      copied = i;
    } else {
      i += 1;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The index after the string opening at `open` (its closing quote is the first not escaped). */
function afterString(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  while (close > 0) {
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return close + 1;
    close = text.indexOf('"', close + 1);
  }
  return text.length;
}

export function exactNumber(literal: string): number | string {
  if (SHORT_LITERAL.test(literal)) return Number(literal);
  return canonicalDecimal(literal);
}

/** Beyond this, a literal's plain decimal would be thousands of digits: no amount or time is. */
const MAX_EXPONENT = 400;

/**
 * A JSON number literal's value as a plain decimal: no exponent, no redundant zeros, no `-0`.
 * Throws a SyntaxError for an exponent beyond ±400 (`1e999999999` would be a gigabyte of zeros).
 */
export function canonicalDecimal(literal: string): string {
  const exponent = /[eE]([+-]?[0-9]+)$/.exec(literal);
  if (exponent && Math.abs(Number(exponent[1])) > MAX_EXPONENT) throw new SyntaxError(`number ${literal.slice(0, 40)} is out of range`);
  let s = expandExponent(literal);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return /^-0*$/.test(s) ? '0' : s;
}
