/**
 * The checks every API reply goes through before anything reads it, written out by hand: one
 * function per kind of value, each either returning the value as the client uses it or throwing
 * `ReplyShapeError` naming where the body went wrong. Lenient about extra keys (never read) and
 * about fields the doc shows as null; strict about what the tool relies on: ids, statuses,
 * reference ids and amounts (exact decimals, never a float).
 *
 * They replace zod here: zod on every reply was 6–7% of the main thread of a paying run (its
 * unions, transforms and refinements allocate per field); this is the same contract, checked once.
 */
import { isSignedDecimal, numberToDecimal } from '../money.js';

/** A reply whose body is not the documented shape: where, and what was expected there. */
export class ReplyShapeError extends Error {
  constructor(
    readonly where: string,
    expected: string,
  ) {
    super(`${where}: expected ${expected}`);
  }
}

/** Reads a parsed reply body into what the client returns, or throws ReplyShapeError. */
export type ReplyReader<T> = (body: unknown) => T;

export type Fields = Record<string, unknown>;

/** `where.key`, made only for an error message. */
export const path = (where: string, key: string): string => (where === '' ? key : `${where}.${key}`);

export function objectAt(value: unknown, where: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ReplyShapeError(where, 'an object');
  return value as Fields;
}

/** An object, or null when absent or null. */
export function nullableObjectAt(value: unknown, where: string): Fields | null {
  return value === null || value === undefined ? null : objectAt(value, where);
}

export function stringIn(o: Fields, key: string, where: string): string {
  const value = o[key];
  if (typeof value !== 'string') throw new ReplyShapeError(path(where, key), 'a string');
  return value;
}

/** A non-empty string: ids, statuses, reference ids. */
export function idIn(o: Fields, key: string, where: string): string {
  const value = o[key];
  if (typeof value !== 'string' || value === '') throw new ReplyShapeError(path(where, key), 'a non-empty string');
  return value;
}

export function nullableStringIn(o: Fields, key: string, where: string): string | null {
  const value = o[key];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new ReplyShapeError(path(where, key), 'a string or null');
  return value;
}

export function booleanIn(o: Fields, key: string, where: string): boolean {
  const value = o[key];
  if (typeof value !== 'boolean') throw new ReplyShapeError(path(where, key), 'true or false');
  return value;
}

/** A whole number at least `min`. */
export function countIn(o: Fields, key: string, where: string, min: number): number {
  const value = o[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw new ReplyShapeError(path(where, key), `a whole number from ${min}`);
  return value;
}

/** A time in seconds, or null when absent or null. */
export function timestampIn(o: Fields, key: string, where: string): number | null {
  const value = o[key];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number') throw new ReplyShapeError(path(where, key), 'a number or null');
  return value;
}

/** An amount as a JSON number (read exactly, see reply-json.ts) or a decimal string -> exact decimal string. */
export function moneyIn(o: Fields, key: string, where: string): string {
  const value = o[key];
  if (typeof value === 'number') return numberToDecimal(value);
  if (typeof value === 'string' && isSignedDecimal(value)) return value;
  throw new ReplyShapeError(path(where, key), 'an amount');
}

export function nullableMoneyIn(o: Fields, key: string, where: string): string | null {
  const value = o[key];
  return value === null || value === undefined ? null : moneyIn(o, key, where);
}

/** PHP encodes an empty map as `[]`: a keyed collection is an array or an object of items. Absent or null: none. */
export function collectionIn<T>(o: Fields, key: string, where: string, item: (value: unknown, where: string) => T): T[] {
  const value = o[key];
  if (value === null || value === undefined) return [];
  const at = path(where, key);
  if (Array.isArray(value)) return value.map((v, i) => item(v, `${at}.${i}`));
  return Object.entries(objectAt(value, at)).map(([k, v]) => item(v, `${at}.${k}`));
}

export function arrayIn<T>(o: Fields, key: string, where: string, item: (value: unknown, where: string) => T): T[] {
  const value = o[key];
  const at = path(where, key);
  if (!Array.isArray(value)) throw new ReplyShapeError(at, 'an array');
  return value.map((v, i) => item(v, `${at}.${i}`));
}
