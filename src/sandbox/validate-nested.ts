/**
 * The create request's nested objects (`customer`, `metadata`, `context`, `options`), checked the
 * way white labels document them: keys "must be nested properly under their respective parent
 * keys … or the request will be rejected", so a flat dotted key (`"card.exp_month"`) anywhere in
 * them is not expected; the documented options are booleans. Pure.
 */
import { MESSAGES } from './field-messages.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';

/** The options the API document shows, every one a boolean. */
const BOOLEAN_OPTIONS = ['split_mode', 'parallel_mode', 'allow_partially', 'auto_process'];
const NESTED_OBJECTS = ['customer', 'metadata', 'context', 'options'];

export interface NestedObjects {
  customer: JsonObject | null;
  metadata: JsonObject | null;
  context: JsonObject | null;
  options: JsonObject | null;
}

/** Each nested object as sent, or null; field errors added to `errors`. */
export function validateNested(attrs: JsonObject, errors: Record<string, string>): NestedObjects {
  const out: NestedObjects = { customer: null, metadata: null, context: null, options: null };
  for (const name of NESTED_OBJECTS) {
    const value = attrs[name];
    if (value === undefined || value === null) continue;
    if (!isJsonObject(value)) {
      errors[name] = MESSAGES.notObject;
      continue;
    }
    flatDottedKeys(value, name, errors);
    out[name as keyof NestedObjects] = value;
  }
  for (const option of BOOLEAN_OPTIONS) {
    const value = out.options?.[option];
    if (value !== undefined && value !== null && typeof value !== 'boolean') errors[`options.${option}`] = MESSAGES.notBoolean;
  }
  return out;
}

function flatDottedKeys(object: JsonObject, path: string, errors: Record<string, string>): void {
  for (const [key, value] of Object.entries(object)) {
    const at = `${path}.${key}`;
    if (key.includes('.')) errors[at] = MESSAGES.extra;
    else if (isJsonObject(value as JsonValue)) flatDottedKeys(value as JsonObject, at, errors);
  }
}
