/**
 * payFile's options: their types, checked before anything else happens (a value of the wrong type
 * is refused, never coerced: `Boolean('no')` is true, and `live: 'no'` must not mean "pay live"),
 * and their names. Messages are written in the command line's words (`--max-total`); a caller of
 * the library, who passed options, reads them in its own (`maxTotal`): one place translates both
 * ways, so no message is written twice.
 */
import * as z from 'zod';
import { UsageError } from './errors.js';
import type { PayFileOptions } from './library.js';

interface Rule {
  schema: z.ZodType;
  takes: string;
}

const yesNo: Rule = { schema: z.boolean(), takes: 'true or false' };
const text: Rule = { schema: z.string(), takes: 'a string' };
const path: Rule = { schema: z.string(), takes: 'a path' };
const object: Rule = { schema: z.custom<object>((v) => typeof v === 'object' && v !== null), takes: 'an object' };
const callback: Rule = { schema: z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function'), takes: 'a function' };
const seconds = (example: string): Rule => ({ schema: z.number().finite().nonnegative(), takes: `a number of seconds, e.g. ${example}` });
const caps: Rule = { schema: z.union([z.string(), z.array(z.string())]), takes: 'CUR:AMOUNT (a string, e.g. "USD:5000.00", or a list of them)' };
/** A path that, once given, must name something: an empty one is an unset variable in a script, not "none". */
const named = (what: string): Rule => ({ schema: z.string().trim().min(1), takes: `the path of ${what}` });

const RULES: { [K in keyof Required<PayFileOptions>]: Rule } = {
  out: path,
  journal: path,
  concurrency: { schema: z.number().int().min(1).max(256), takes: 'a whole number from 1 to 256' },
  dryRun: yesNo,
  process: yesNo,
  wait: seconds('300'),
  delimiter: { schema: z.enum([',', ';', '\t', 'tab']), takes: '",", ";" or tab (without it the delimiter is found from the header)' },
  ignoreColumn: { schema: z.union([z.string(), z.array(z.string())]), takes: 'a column name or a list of them' },
  live: yesNo,
  maxTotal: caps,
  expectCount: { schema: z.number().int().nonnegative(), takes: 'a whole number of rows' },
  expectTotal: caps,
  maxRate: { schema: z.number().finite().positive(), takes: 'a positive number of requests per second' },
  maxRetryWait: seconds('120'),
  refreshServices: yesNo,
  sandbox: yesNo,
  config: object,
  env: object,
  cwd: path,
  logger: object,
  reportLogger: object,
  progress: { schema: z.custom((v) => typeof v === 'function' || (typeof v === 'object' && v !== null)), takes: 'a function or a Progress object' },
  signal: { schema: z.instanceof(AbortSignal), takes: 'an AbortSignal' },
  onStart: callback,
  confirm: callback,
  durable: yesNo,
  delays: object,
  adoptJournal: yesNo,
  ledger: path,
  repeatWindow: text,
  allowRepeat: yesNo,
  allowRepeatOf: { schema: z.array(z.string().min(1)), takes: 'a list of reference_ids (e.g. ["fee-2026-12-01"])' },
  repeatKey: { schema: z.union([z.string(), z.array(z.string())]), takes: 'the parts that make two rows the same payout, e.g. "payee,amount" or ["payee", "amount"]' },
  plan: named('the plan file `plan` wrote'),
  writePlan: named('the plan file to write'),
};

/** Flags whose library option is not simply the flag in camelCase. */
const SPECIAL: Record<string, string> = {
  'no-process': 'process: false',
  'api-url': 'config.apiUrl',
  'cache-dir': 'config.cacheDir',
  yes: 'confirm',
};

/** `maxTotal` -> `--max-total`. */
function flagOf(option: string): string {
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** `--max-total` -> `maxTotal`. */
function optionOfFlag(flag: string): string {
  return SPECIAL[flag] ?? flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The error, each `--flag` of its message named as the library option that sets it (the CLI's own errors keep theirs). */
export function withLibraryWords<T>(error: T): T {
  if (error instanceof Error) error.message = error.message.replace(/(?<![\w-])--([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\b/g, (_, flag: string) => optionOfFlag(flag));
  return error;
}

/** Throws a UsageError (nothing sent) for the first option whose value is not what it takes. Keys it does not know are left alone. */
export function checkPayFileOptions(options: object): asserts options is PayFileOptions {
  const given = options as Record<string, unknown>;
  for (const [key, rule] of Object.entries(RULES) as Array<[string, Rule]>) {
    const value = given[key];
    if (value === undefined || rule.schema.safeParse(value).success) continue;
    const name = flagOf(key);
    if (typeof value === 'string' && value.trim() === '' && rule.takes.startsWith('the path of')) {
      throw new UsageError('bad_option', `${name} is empty: give ${rule.takes} (an unset variable in a script gives an empty value). Nothing was sent`);
    }
    throw new UsageError('bad_option', `${name} takes ${rule.takes} (got ${describe(value)}). Nothing was sent`);
  }
}

/** The file to pay: a path, never an empty one (an unset variable in a script). */
export function checkInputPath(input: unknown): asserts input is string {
  if (typeof input === 'string' && input.trim() !== '') return;
  throw new UsageError('bad_option', `the input file is not named: give the path of the CSV file to pay (got ${describe(input)}). Nothing was sent`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `the ${typeof value} ${String(value)}`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'function' ? 'a function' : 'an object';
}
