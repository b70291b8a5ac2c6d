/**
 * JSON that keeps numbers exact, on lossless-json: parsing yields each number as its literal text
 * (`10.10` stays `10.10`, not a binary float), and writing emits Decimal and JsonNumber values as
 * raw literals.
 */
import { LosslessNumber, parse, stringify } from 'lossless-json';
import { Decimal } from './decimal.js';

/** A number literal as written: `.value` is its text. */
export { LosslessNumber as JsonNumber };

export type JsonValue = null | boolean | string | LosslessNumber | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export class JsonSyntaxError extends Error {}

/** Parses like JSON.parse (a repeated key keeps its last value), numbers kept exact. */
export function parseJson(text: string): JsonValue {
  try {
    return parse(text, null, { onDuplicateKey: ({ newValue }) => newValue }) as JsonValue;
  } catch (error) {
    // A RangeError is nesting deeper than the stack allows: refused like any other bad body.
    throw new JsonSyntaxError((error as Error).message);
  }
}

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof LosslessNumber);
}

const DECIMALS = [{ test: (v: unknown) => v instanceof Decimal, stringify: (v: unknown) => (v as Decimal).toString() }];

/** JSON text of plain data, Decimal and JsonNumber (as raw literals); undefined members are left out. */
export function stringifyJson(value: unknown): string {
  return stringify(value, undefined, undefined, DECIMALS) ?? 'null';
}
