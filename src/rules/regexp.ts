/**
 * The API's field regexps. It sends them with every backslash doubled: the JSON
 * `"^\\\\d{1,15}$"` decodes to the text `^\\d{1,15}$`, meaning `^\d{1,15}$`.
 */
import type { FieldRule } from './service-lists.js';

export interface CompiledField {
  key: string;
  /** The input column holding it: `fields.<key>`. */
  column: string;
  required: boolean;
  /** null when the API gave no regexp, or when it does not compile (see `error`). */
  pattern: RegExp | null;
  /** The regexp as used (normalised), or the API's text when it did not compile. */
  source: string;
  /** Why the API's regexp could not be compiled; the field then cannot be checked. */
  error?: string;
}

const BACKSLASH_RUNS = /\\+/g;

/**
 * Halves every run of backslashes when all runs have even length (`\\d` -> `\d`,
 * `\\\\` -> `\\`, an escaped backslash). A text with any odd run (`^\d+$`) is already a
 * normal regexp and is returned unchanged. The one ambiguous case, a normal regexp whose only
 * backslashes are escaped backslashes (`^[^\\]+$`), is read as doubled; `compileField` falls
 * back to the text as sent when the halved one does not compile.
 */
export function normalizeRegexp(source: string): string {
  const runs = source.match(BACKSLASH_RUNS);
  if (!runs) return source;
  for (const run of runs) if (run.length % 2 === 1) return source;
  return source.replace(BACKSLASH_RUNS, (run) => '\\'.repeat(run.length / 2));
}

/** Compiles a field's regexp once; never throws. */
export function compileField(rule: Pick<FieldRule, 'key' | 'required' | 'regexp'>): CompiledField {
  const base = { key: rule.key, column: `fields.${rule.key}`, required: rule.required };
  if (rule.regexp === null || rule.regexp === '') return { ...base, pattern: null, source: '' };
  const normalised = normalizeRegexp(rule.regexp);
  const candidates = normalised === rule.regexp ? [normalised] : [normalised, rule.regexp];
  let firstError = '';
  for (const source of candidates) {
    try {
      return { ...base, pattern: new RegExp(source), source };
    } catch (error) {
      firstError ||= (error as Error).message;
    }
  }
  return { ...base, pattern: null, source: rule.regexp, error: firstError };
}
