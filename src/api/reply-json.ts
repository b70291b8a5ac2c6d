/**
 * Reply bodies -> JSON values with every number exact.
 *
 * One rule per number literal: a literal of at most 15 digits (point included) and no exponent
 * is a JS number; any other is its exact value as a canonical decimal string (`1.5e-7` ->
 * `0.00000015`, `12345678901234567.10` -> `12345678901234567.1`). A double holds every decimal
 * of at most 15 significant digits, and `String()` gives it back digit for digit, so for such
 * literals the number loses nothing (the money schema turns it into the same canonical string).
 *
 * A body with no number literal of 16 or more characters and none with an exponent has only
 * such literals, and `JSON.parse` (several times faster) reads it exactly; any other body goes
 * through lossless-json with the rule above, loaded the first time one is seen.
 */
import { createRequire } from 'node:module';
import { expandExponent } from '../money.js';

/**
 * Where a number literal may lose digits. In JSON a number starts a value: at the start of the
 * text or after `:`, `,` or `[`, then whitespace and an optional minus. Only there are a run of 16
 * digits-or-points and an exponent looked for: ids and payee fields such as `b5e3` or a card
 * number inside a string no longer send a body down the slow path (a string that happens to hold
 * `:1e5` still does, which costs time, never a digit).
 */
const MAY_LOSE_DIGITS = /(?:^|[:,[])\s*-?(?:[0-9.]{16}|[0-9.]+[eE])/;
const SHORT_LITERAL = /^-?[0-9.]{1,15}$/;

let lossless: typeof import('lossless-json') | undefined;

/** Throws a SyntaxError for text that is not JSON. */
export function parseReplyJson(text: string): unknown {
  return mayLoseDigits(text) ? parseExactly(text) : JSON.parse(text);
}

/** false: `JSON.parse` reads every number literal of `text` exactly. */
export function mayLoseDigits(text: string): boolean {
  return MAY_LOSE_DIGITS.test(text);
}

/** Every body through lossless-json: what `parseReplyJson` must always agree with. */
export function parseExactly(text: string): unknown {
  lossless ??= createRequire(import.meta.url)('lossless-json') as typeof import('lossless-json');
  return lossless.parse(text, null, exactNumber);
}

export function exactNumber(literal: string): number | string {
  if (SHORT_LITERAL.test(literal)) return Number(literal);
  return canonicalDecimal(literal);
}

/** A JSON number literal's value as a plain decimal: no exponent, no redundant zeros, no `-0`. */
export function canonicalDecimal(literal: string): string {
  let s = expandExponent(literal);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return /^-0*$/.test(s) ? '0' : s;
}
