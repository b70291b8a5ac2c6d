import type { ArgumentsCamelCase, InferredOptionTypes, Options } from 'yargs';

/**
 * Every command's options, as yargs reads them: one table per group, shared where two commands
 * take the same option (`plan` takes `run`'s input and gate options, described once).
 */

export const COMMON_OPTIONS = {
  sandbox: { type: 'boolean', describe: 'use the embedded sandbox on a loopback port (ignores MILKYPAY_* settings)' },
  'api-url': { type: 'string', describe: 'API base URL up to /api (overrides MILKYPAY_API_URL)' },
  'cache-dir': { type: 'string', describe: 'where service rules are cached (overrides MILKYPAY_CACHE_DIR)' },
  'refresh-services': { type: 'boolean', describe: 'fetch service rules again, ignoring the cache' },
  'log-level': {
    type: 'string',
    choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
    default: 'info',
    describe: 'how much to log on stderr',
  },
} as const;

const GUARD_OPTIONS = {
  ledger: { type: 'string', describe: 'folder of the repeat-payee ledger (overrides MILKYPAY_LEDGER_DIR)' },
  'repeat-window': { type: 'string', describe: 'hold a payee, currency and amount paid under another reference this recently: 12h, 3d, 30d; 0 turns it off (default 3d)' },
  'allow-repeat': { type: 'boolean', describe: 'let every row the repeat-payee guard would hold through' },
  'allow-repeat-of': { type: 'string', array: true, describe: 'let the row with this reference_id through the repeat-payee guard, which still holds the others (repeatable)' },
  'repeat-key': { type: 'string', describe: 'what makes two rows the same payout: parts from payee, amount, description (service and currency always count); default all, e.g. payee,amount to ignore descriptions' },
} as const;

/** How the input file is read. */
const READING_OPTIONS = {
  delimiter: { type: 'string', describe: '",", ";" or tab (default: detected from the header, or from an Excel sep= first line)' },
  'ignore-column': { type: 'string', array: true, describe: 'leave this column of the file out, unread and unsent (repeatable); needed for a name close to a known one' },
} as const;

/** The gates a file must pass before anything is sent. */
const GATE_OPTIONS = {
  'max-total': { type: 'string', array: true, describe: "refuse a run whose rows to send exceed CUR:AMOUNT (repeatable; '*:AMOUNT' for every currency; once one is given, every currency to send needs a cap)" },
  'expect-count': { type: 'number', describe: 'control total: the exact number of valid rows' },
  'expect-total': { type: 'string', array: true, describe: 'control total: CUR:AMOUNT the valid rows must add up to (repeatable)' },
} as const;

const WAIT_OPTION = {
  type: 'number',
  describe: 'poll each invoice until its status is final or this many seconds pass (default 300)',
  coerce: (v: number | undefined) => (v === undefined || Number.isNaN(v) ? 300 : v),
} as const;

export const RUN_OPTIONS = {
  out: { type: 'string', describe: 'results CSV (default <input-stem>.results.csv)' },
  journal: { type: 'string', describe: 'journal file (default <input-stem>.journal.jsonl)' },
  'adopt-journal': { type: 'boolean', describe: 'bind a journal written by an older version to this API and account; its rows are looked up first' },
  concurrency: { type: 'number', default: 8, describe: 'requests in flight at once, 1..256' },
  'dry-run': { type: 'boolean', describe: 'rehearse: the same checks as the real run, nothing is created; writes <input-stem>.dryrun.csv' },
  process: { type: 'boolean', default: true, describe: 'process invoices after creating them (--no-process: create only)' },
  wait: WAIT_OPTION,
  ...READING_OPTIONS,
  live: { type: 'boolean', describe: 'allow paying with live keys' },
  yes: { type: 'boolean', describe: 'with --live on a terminal: do not ask for confirmation' },
  json: { type: 'boolean', describe: 'print the final summary as JSON on stdout' },
  ...GATE_OPTIONS,
  'max-rate': { type: 'number', describe: 'at most N requests per second' },
  'max-retry-wait': {
    type: 'number',
    describe: 'seconds the run may wait when the API asks it to (Retry-After); a longer wait stops the run (exit 3), naming when to rerun (default 120)',
  },
  ...GUARD_OPTIONS,
  plan: { type: 'string', describe: 'pay only the file this plan (from `plan <input>`) describes; exit 2 if it changed' },
  'metrics-file': { type: 'string', describe: "the run's figures for node_exporter's textfile collector, Prometheus text format (overrides MILKYPAY_METRICS_FILE)" },
} as const;

export const PLAN_OPTIONS = {
  out: { type: 'string', describe: 'the plan file (default <input-stem>.plan.json)' },
  journal: { type: 'string', describe: 'journal the real run will use (read, not written)' },
  ...READING_OPTIONS,
  live: { type: 'boolean', describe: 'plan a run with live keys' },
  json: { type: 'boolean', describe: 'print the summary as JSON on stdout' },
  ...GATE_OPTIONS,
  ...GUARD_OPTIONS,
} as const;

export const SERVICES_OPTIONS = {
  currency: { type: 'string', describe: 'only the services offered for this currency, with their field rules' },
  json: { type: 'boolean', describe: 'print JSON on stdout' },
} as const;

export const RETRY_OPTIONS = {
  journal: { type: 'string', describe: 'journal of the run (default <input-stem>.journal.jsonl)' },
  suffix: { type: 'string', default: '-r2', describe: 'appended to each reference_id' },
  out: { type: 'string', describe: 'the new CSV (default <input-stem><suffix>.csv)' },
} as const;

export const RECONCILE_OPTIONS = {
  out: { type: 'string', describe: 'results CSV to rewrite (default beside the journal)' },
  wait: { ...WAIT_OPTION, describe: 'poll each invoice until its status is final or this many seconds pass (default 300); still processing then: exit 3' },
  json: { type: 'boolean', describe: 'print the report as JSON on stdout' },
  ledger: { type: 'string', describe: 'folder of the repeat-payee ledger where payouts found failed are released (overrides MILKYPAY_LEDGER_DIR)' },
} as const;

export const SANDBOX_OPTIONS = {
  port: { type: 'number', default: 0, describe: 'port to listen on (0: any free port)' },
  host: { type: 'string', default: '127.0.0.1', describe: 'address to listen on' },
  latency: { type: 'number', describe: 'ms added to every request' },
  'fail-rate': { type: 'number', describe: 'share of requests answered 500 (0..1)' },
  'commit-then-fail': { type: 'number', describe: 'share of creates/processes that take effect, then answer 500 (0..1)' },
  'rate-limit': { type: 'number', describe: 'share of requests answered 429 with Retry-After (0..1)' },
  'process-delay': { type: 'number', describe: 'ms between process and the final status' },
  'live-mode': { type: 'boolean', describe: 'emulate live keys (test_mode: false)' },
  seed: { type: 'number', describe: 'seed of the random faults, for a repeatable run' },
} as const;

/** Each command's options (without dashes), for "did you mean" on an unknown one. */
export const OPTIONS_OF: Record<string, readonly string[]> = {
  run: [...Object.keys(COMMON_OPTIONS), ...Object.keys(RUN_OPTIONS), 'no-process'],
  plan: [...Object.keys(COMMON_OPTIONS), ...Object.keys(PLAN_OPTIONS)],
  services: [...Object.keys(COMMON_OPTIONS), ...Object.keys(SERVICES_OPTIONS)],
  'retry-failed': Object.keys(RETRY_OPTIONS),
  reconcile: [...Object.keys(COMMON_OPTIONS), ...Object.keys(RECONCILE_OPTIONS)],
  sandbox: Object.keys(SANDBOX_OPTIONS),
};

/** Every option that takes a number, with its description: a value that is not one is refused before yargs reads it as NaN. */
export const NUMBER_OPTIONS: Record<string, string> = Object.fromEntries(
  [COMMON_OPTIONS, RUN_OPTIONS, PLAN_OPTIONS, SERVICES_OPTIONS, RETRY_OPTIONS, RECONCILE_OPTIONS, SANDBOX_OPTIONS]
    .flatMap((table) => Object.entries(table))
    .filter(([, o]) => (o as { type: string }).type === 'number')
    .map(([name, o]) => [name, (o as { describe: string }).describe]),
);

/** What a command's handler gets for these options: each under its flag's name and in camelCase. */
export type ArgsOf<O extends Record<string, Options>> = ArgumentsCamelCase<InferredOptionTypes<O>>;
