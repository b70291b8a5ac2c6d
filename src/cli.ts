import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { Io } from './wiring.js';
import { exitThreeOnCrash } from './crash-exit.js';
import { asTyped, badNumber, usageMessage } from './cli-usage.js';
import { exitCodeOf, type ExitCode } from './errors.js';
import { failureOf } from './command-failure.js';
import { RunClock } from './run/run-clock.js';
import { programName } from './ui/command-name.js';
import { packageVersion } from './version.js';

/**
 * Parses argv, runs one command, returns its exit code. The only place that decides exit codes.
 * Each command's module is imported when it runs, so `--help` does not load the HTTP client, zod or pino.
 */
export async function runMain(argv: string[], io: Io = defaultIo()): Promise<ExitCode> {
  return (await runCli(argv, io)).code;
}

/** `runMain`, also saying whether the process must exit at once (a forced stop leaves requests behind). */
async function runCli(argv: string[], io: Io): Promise<{ code: ExitCode; exitNow: boolean }> {
  let code: ExitCode = 0;
  const clock = new RunClock(); // a run's report and metrics start counting here, refusals by yargs included
  const common = {
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
  const guardOptions = {
    ledger: { type: 'string', describe: 'folder of the repeat-payee ledger (overrides MILKYPAY_LEDGER_DIR)' },
    'repeat-window': { type: 'string', describe: 'hold a payee, currency and amount paid under another reference this recently: 12h, 3d, 30d; 0 turns it off (default 3d)' },
    'allow-repeat': { type: 'boolean', describe: 'let every row the repeat-payee guard would hold through' },
    'allow-repeat-of': { type: 'string', array: true, describe: 'let the row with this reference_id through the repeat-payee guard, which still holds the others (repeatable)' },
    'repeat-key': { type: 'string', describe: 'what makes two rows the same payout: parts from payee, amount, description (service and currency always count); default all, e.g. payee,amount to ignore descriptions' },
  } as const;
  const runOptions = {
    out: { type: 'string', describe: 'results CSV (default <input-stem>.results.csv)' },
    journal: { type: 'string', describe: 'journal file (default <input-stem>.journal.jsonl)' },
    'adopt-journal': { type: 'boolean', describe: 'bind a journal written by an older version to this API and account; its rows are looked up first' },
    concurrency: { type: 'number', default: 8, describe: 'requests in flight at once, 1..256' },
    'dry-run': { type: 'boolean', describe: 'rehearse: the same checks as the real run, nothing is created; writes <input-stem>.dryrun.csv' },
    process: { type: 'boolean', default: true, describe: 'process invoices after creating them (--no-process: create only)' },
    wait: {
      type: 'number',
      describe: 'poll each invoice until its status is final or this many seconds pass (default 300)',
      coerce: (v: number | undefined) => (v === undefined || Number.isNaN(v) ? 300 : v),
    },
    delimiter: { type: 'string', describe: '",", ";" or tab (default: detected from the header, or from an Excel sep= first line)' },
    'ignore-column': { type: 'string', array: true, describe: 'leave this column of the file out, unread and unsent (repeatable); needed for a name close to a known one' },
    live: { type: 'boolean', describe: 'allow paying with live keys' },
    yes: { type: 'boolean', describe: 'with --live on a terminal: do not ask for confirmation' },
    json: { type: 'boolean', describe: 'print the final summary as JSON on stdout' },
    'max-total': { type: 'string', array: true, describe: "refuse a run whose rows to send exceed CUR:AMOUNT (repeatable; '*:AMOUNT' for every currency; once one is given, every currency to send needs a cap)" },
    'expect-count': { type: 'number', describe: 'control total: the exact number of valid rows' },
    'expect-total': { type: 'string', array: true, describe: 'control total: CUR:AMOUNT the valid rows must add up to (repeatable)' },
    'max-rate': { type: 'number', describe: 'at most N requests per second' },
    'max-retry-wait': {
      type: 'number',
      describe: 'seconds the run may wait when the API asks it to (Retry-After); a longer wait stops the run (exit 3), naming when to rerun (default 120)',
    },
    ...guardOptions,
    plan: { type: 'string', describe: 'pay only the file this plan (from `plan <input>`) describes; exit 2 if it changed' },
    'metrics-file': { type: 'string', describe: "the run's figures for node_exporter's textfile collector, Prometheus text format (overrides MILKYPAY_METRICS_FILE)" },
  } as const;
  const planOptions = {
    out: { type: 'string', describe: 'the plan file (default <input-stem>.plan.json)' },
    journal: { type: 'string', describe: 'journal the real run will use (read, not written)' },
    delimiter: { type: 'string', describe: '",", ";" or tab (default: detected from the header, or from an Excel sep= first line)' },
    'ignore-column': { type: 'string', array: true, describe: 'leave this column of the file out, unread and unsent (repeatable); needed for a name close to a known one' },
    live: { type: 'boolean', describe: 'plan a run with live keys' },
    json: { type: 'boolean', describe: 'print the summary as JSON on stdout' },
    'max-total': { type: 'string', array: true, describe: "refuse a run whose rows to send exceed CUR:AMOUNT (repeatable; '*:AMOUNT' for every currency; once one is given, every currency to send needs a cap)" },
    'expect-count': { type: 'number', describe: 'control total: the exact number of valid rows' },
    'expect-total': { type: 'string', array: true, describe: 'control total: CUR:AMOUNT the valid rows must add up to (repeatable)' },
    ...guardOptions,
  } as const;
  const servicesOptions = {
    currency: { type: 'string', describe: 'only the services offered for this currency, with their field rules' },
    json: { type: 'boolean', describe: 'print JSON on stdout' },
  } as const;
  const retryOptions = {
    journal: { type: 'string', describe: 'journal of the run (default <input-stem>.journal.jsonl)' },
    suffix: { type: 'string', default: '-r2', describe: 'appended to each reference_id' },
    out: { type: 'string', describe: 'the new CSV (default <input-stem><suffix>.csv)' },
  } as const;
  const reconcileOptions = {
    out: { type: 'string', describe: 'results CSV to rewrite (default beside the journal)' },
    wait: { ...runOptions.wait, describe: 'poll each invoice until its status is final or this many seconds pass (default 300); still processing then: exit 3' },
    json: { type: 'boolean', describe: 'print the report as JSON on stdout' },
    ledger: { type: 'string', describe: 'folder of the repeat-payee ledger where payouts found failed are released (overrides MILKYPAY_LEDGER_DIR)' },
  } as const;
  const sandboxOptions = {
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
  const optionsOf: Record<string, readonly string[]> = {
    run: [...Object.keys(common), ...Object.keys(runOptions), 'no-process'],
    plan: [...Object.keys(common), ...Object.keys(planOptions)],
    services: [...Object.keys(common), ...Object.keys(servicesOptions)],
    'retry-failed': Object.keys(retryOptions),
    reconcile: [...Object.keys(common), ...Object.keys(reconcileOptions)],
    sandbox: Object.keys(sandboxOptions),
  };
  const args = withHelpCommand(joinDashValues(argv));
  // Before it runs a command yargs renders the command's whole --help text, in case the handler
  // shows it (20-40 ms of CPU at every start). Ours never do: unless --help asks for it, the options
  // are hidden from it and it has no examples or epilogue to lay out.
  const asksHelp = args.includes('--help') || args.includes('-h');
  const shown = <T extends Record<string, object>>(options: T): T => (asksHelp ? options : hidden(options));
  const example = (command: string, description: string): [string, string][] => (asksHelp ? [[command, description]] : []);
  const parser = yargs(args)
    .scriptName('milkypay-payouts')
    .usage('$0 <command> [options]\n\nPays out a CSV file of payouts through the MilkyPay Payouts API, exactly once per row.')
    .command(
      'run <input>',
      'validate, create and process every payout of a CSV file',
      (y) =>
        y
          .positional('input', { type: 'string', demandOption: true, describe: 'the payouts CSV file' })
          .options(shown(common))
          .options(shown(runOptions))
          .conflicts('sandbox', 'api-url')
          .example(example('$0 run payouts.csv --dry-run', 'rehearse: every check of the real run, nothing is sent'))
          .example(example('$0 run payouts.csv --max-total USD:5000', 'pay, refusing the file if it asks more than 5000 USD'))
          .example(example('$0 run payouts.csv --sandbox', 'try it against the embedded sandbox')),
      async (a) => {
        code = await (await import('./commands/run.js')).runCommand({ ...a, input: a.input, concurrency: a.concurrency }, io, clock);
      },
    )
    .command(
      'plan <input>',
      'the dry run, written to <input-stem>.plan.json for review; `run <input> --plan F` then pays exactly that file',
      (y) =>
        y
          .positional('input', { type: 'string', demandOption: true, describe: 'the payouts CSV file' })
          .options(shown(common))
          .options(shown(planOptions))
          .conflicts('sandbox', 'api-url')
          .example(example('$0 plan payouts.csv', 'write payouts.plan.json for review, then pay exactly that file: run payouts.csv --plan payouts.plan.json')),
      async (a) => {
        code = await (await import('./commands/plan.js')).planCommand({ ...a, input: a.input }, io, clock);
      },
    )
    .command(
      'services',
      'list the services the account can pay out, with limits and field rules',
      (y) => y.options(shown(common)).options(shown(servicesOptions)).conflicts('sandbox', 'api-url').example(example('$0 services --currency EUR', 'what can be paid in EUR, and the fields each service needs')),
      async (a) => {
        code = await (await import('./commands/services.js')).servicesCommand(a, io);
      },
    )
    .command(
      'retry-failed <input>',
      'write a new input CSV of the rows whose payouts failed, under new reference ids (sends nothing)',
      (y) =>
        y
          .positional('input', { type: 'string', demandOption: true, describe: 'the payouts CSV file that was run' })
          .options(shown(retryOptions))
          .example(example('$0 retry-failed payouts.csv --suffix -r2', 'write payouts-r2.csv; check it, then run it')),
      async (a) => {
        code = await (await import('./commands/retry-failed.js')).retryFailedCommand({ input: a.input, suffix: a.suffix, ...(a.journal ? { journal: a.journal } : {}), ...(a.out ? { out: a.out } : {}) }, io);
      },
    )
    .command(
      'reconcile <journal>',
      'fetch the current status of every invoice not final yet, journal it, rewrite the results CSV',
      (y) =>
        y
          .positional('journal', { type: 'string', demandOption: true, describe: 'the journal of the run (<input-stem>.journal.jsonl)' })
          .options(shown(common))
          .options(shown(reconcileOptions))
          .conflicts('sandbox', 'api-url')
          .example(example('$0 reconcile payouts.journal.jsonl', 'follow payouts still processing')),
      async (a) => {
        code = await (await import('./commands/reconcile.js')).reconcileCommand({ ...a, journal: a.journal }, io, clock);
      },
    )
    .command(
      'sandbox',
      'run the embedded MilkyPay sandbox as a standalone server',
      (y) => y.options(shown(sandboxOptions)).example(example('$0 sandbox --port 8080 --fail-rate 0.05', 'serve the sandbox, 5% of requests answered 500')),
      async (a) => {
        code = await (await import('./commands/sandbox.js')).sandboxCommand(a, io);
      },
    )
    .demandCommand(1, 'name a command: run, plan, services, retry-failed, reconcile or sandbox')
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    .version(packageVersion())
    .alias('v', 'version')
    .alias('V', 'version')
    .epilogue(asksHelp ? EXIT_CODES : '')
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageErrorFromYargs(usageMessage(message, { argv: args, optionsOf, program: programOf(io) }));
    })
    .wrap(asksHelp ? Math.min(110, process.stdout.columns ?? 100) : null);
  const numbers = Object.fromEntries(
    [common, runOptions, planOptions, servicesOptions, retryOptions, reconcileOptions, sandboxOptions]
      .flatMap((table) => Object.entries(table))
      .filter(([, o]) => (o as { type: string }).type === 'number')
      .map(([name, o]) => [name, (o as { describe: string }).describe]),
  );
  const notANumber = args.includes('--help') || args.includes('-h') ? undefined : badNumber(args, numbers, programOf(io));
  if (notANumber) return { code: report(new UsageErrorFromYargs(notANumber), io), exitNow: false };
  try {
    let output = '';
    // With a callback yargs hands back --help and --version text instead of printing it: it goes to io.stdout.
    await parser.parseAsync(args, {}, (_error, _argv, text) => {
      output = text;
    });
    if (output) io.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
  } catch (error) {
    // `run`/`plan` refused before the command began (an unknown option): --json and the metrics still say so.
    if ((args[0] === 'run' || args[0] === 'plan' || args[0] === 'reconcile') && !clock.reported) await (await import('./commands/run-report.js')).refusedBeforeStart(error, args, io, clock);
    code = report(error, io);
    if ((error as { exitNow?: unknown } | undefined)?.exitNow === true) return { code, exitNow: true };
  }
  return { code, exitNow: false };
}

const EXIT_CODES = `Exit codes:
  0  every row done (valid, created, submitted, processed or reissued)
  1  finished; rows need a person (invalid, repeat_payee, rejected, conflict, partial, failed)
  2  usage, configuration or input error: nothing was sent; fix the set-up
  3  incomplete (stopped, rows error/not_started, not final after --wait): rerun the same command

Settings: MILKYPAY_API_URL, MILKYPAY_PUBLIC_KEY, MILKYPAY_KEY_ID, MILKYPAY_SECRET_KEY (or .env)`;

function hidden<T extends Record<string, object>>(options: T): T {
  return Object.fromEntries(Object.entries(options).map(([key, option]) => [key, { ...option, hidden: true }])) as T;
}

/** `help run` is `run --help`. */
function withHelpCommand(argv: string[]): string[] {
  if (argv[0] !== 'help') return argv;
  return [...argv.slice(1), '--help'];
}

/** `--suffix -r2` reads as a flag to yargs: its value starts with a dash. Glue it on. */
function joinDashValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const next = argv[i + 1];
    if (argv[i] === '--suffix' && next !== undefined && next.startsWith('-')) {
      out.push(`--suffix=${next}`);
      i += 1;
    } else out.push(argv[i]!);
  }
  return out;
}

class UsageErrorFromYargs extends Error {
  readonly exitCode = 2;
}

function report(error: unknown, io: Io): ExitCode {
  const failure = failureOf(error);
  io.stderr.write(`milkypay-payouts: ${exitCodeOf(error) !== undefined ? asTyped(failure.message, programOf(io)) : failure.message}\n`);
  return failure.exitCode;
}

/** The program as the user ran it, for the commands hints name. */
function programOf(io: Io): string {
  return io.invokedAs ?? programName(process.argv, io.env, io.cwd);
}

function defaultIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Opening stdin costs a few ms of start-up; only the live confirmation reads it.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Whether the process was started as `node <the module at url>`. */
export function isEntryPoint(url: string): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(url));
  } catch {
    return false;
  }
}

/** The process's command line, run: sets the exit code (src/cli-entry.ts, the executable, calls this). */
export async function main(): Promise<void> {
  exitThreeOnCrash(process, process.stderr);
  const { code, exitNow } = await runCli(hideBin(process.argv), defaultIo());
  process.exitCode = code;
  if (exitNow) process.exit(code); // forced stop: requests still in flight must not hold the process
}

if (isEntryPoint(import.meta.url)) await main();
