import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { Io } from './wiring.js';
import { exitThreeOnCrash } from './crash-exit.js';
import { asTyped, badNumber, usageMessage } from './cli-usage.js';
import { COMMON_OPTIONS, NUMBER_OPTIONS, OPTIONS_OF, PLAN_OPTIONS, RECONCILE_OPTIONS, RETRY_OPTIONS, RUN_OPTIONS, SANDBOX_OPTIONS, SERVICES_OPTIONS } from './cli-options.js';
import { environment } from './config.js';
import { exitCodeOf, type ExitCode } from './errors.js';
import { failureOf } from './command-failure.js';
import { RunClock } from './run/run-clock.js';
import { programOf } from './ui/command-name.js';
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
  const clock = new RunClock(); // a run's report and metrics start counting here, refusals by yargs included
  const args = withHelpCommand(joinDashValues(argv));
  const asksHelp = args.includes('--help') || args.includes('-h');
  const notANumber = asksHelp ? undefined : badNumber(args, NUMBER_OPTIONS, programOf(io));
  if (notANumber) return { code: report(new UsageErrorFromYargs(notANumber), io), exitNow: false };
  let code: ExitCode = 0;
  const parser = commandLine(args, { io, clock, asksHelp, done: (c) => (code = c) });
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

/** What the commands' handlers share: where they write, the run's clock, and where their exit code goes. */
interface Wiring {
  io: Io;
  clock: RunClock;
  asksHelp: boolean;
  done: (code: ExitCode) => void;
}

function commandLine(args: string[], w: Wiring): Argv {
  const parser = yargs(args)
    .scriptName('milkypay-payouts')
    .usage('$0 <command> [options]\n\nPays out a CSV file of payouts through the MilkyPay Payouts API, exactly once per row.');
  return withOtherCommands(withPayingCommands(parser, w), w)
    .demandCommand(1, 'name a command: run, plan, services, retry-failed, reconcile or sandbox')
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    .version(packageVersion())
    .alias('v', 'version')
    .alias('V', 'version')
    .epilogue(w.asksHelp ? EXIT_CODES : '')
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageErrorFromYargs(usageMessage(message, { argv: args, optionsOf: OPTIONS_OF, program: programOf(w.io) }));
    })
    .wrap(w.asksHelp ? Math.min(110, process.stdout.columns ?? 100) : null);
}

/**
 * Before it runs a command yargs renders the command's whole --help text, in case the handler
 * shows it (20-40 ms of CPU at every start). Ours never do: unless --help asks for it, the options
 * are hidden from it and it has no examples or epilogue to lay out.
 */
function helpOnly(w: Wiring) {
  return {
    shown: <T extends Record<string, object>>(options: T): T => (w.asksHelp ? options : hidden(options)),
    example: (command: string, description: string): [string, string][] => (w.asksHelp ? [[command, description]] : []),
  };
}

/** `run` and `plan`, the commands that read a payouts file. */
function withPayingCommands(parser: Argv, w: Wiring): Argv {
  const { shown, example } = helpOnly(w);
  return parser
    .command(
      'run <input>',
      'validate, create and process every payout of a CSV file',
      (y) =>
        y
          .positional('input', { type: 'string', demandOption: true, describe: 'the payouts CSV file' })
          .options(shown(COMMON_OPTIONS))
          .options(shown(RUN_OPTIONS))
          .conflicts('sandbox', 'api-url')
          .example(example('$0 run payouts.csv --dry-run', 'rehearse: every check of the real run, nothing is sent'))
          .example(example('$0 run payouts.csv --max-total USD:5000', 'pay, refusing the file if it asks more than 5000 USD'))
          .example(example('$0 run payouts.csv --sandbox', 'try it against the embedded sandbox')),
      async (a) => w.done(await (await import('./commands/run.js')).runCommand({ ...a, input: a.input, concurrency: a.concurrency }, w.io, w.clock)),
    )
    .command(
      'plan <input>',
      'the dry run, written to <input-stem>.plan.json for review; `run <input> --plan F` then pays exactly that file',
      (y) =>
        y
          .positional('input', { type: 'string', demandOption: true, describe: 'the payouts CSV file' })
          .options(shown(COMMON_OPTIONS))
          .options(shown(PLAN_OPTIONS))
          .conflicts('sandbox', 'api-url')
          .example(example('$0 plan payouts.csv', 'write payouts.plan.json for review, then pay exactly that file: run payouts.csv --plan payouts.plan.json')),
      async (a) => w.done(await (await import('./commands/plan.js')).planCommand({ ...a, input: a.input }, w.io, w.clock)),
    );
}

/** `services`, `retry-failed`, `reconcile` and `sandbox`. */
function withOtherCommands(parser: Argv, w: Wiring): Argv {
  const { shown, example } = helpOnly(w);
  return parser
    .command(
      'services',
      'list the services the account can pay out, with limits and field rules',
      (y) => y.options(shown(COMMON_OPTIONS)).options(shown(SERVICES_OPTIONS)).conflicts('sandbox', 'api-url').example(example('$0 services --currency EUR', 'what can be paid in EUR, and the fields each service needs')),
      async (a) => w.done(await (await import('./commands/services.js')).servicesCommand(a, w.io)),
    )
    .command(
      'retry-failed <input>',
      'write a new input CSV of the rows whose payouts failed, under new reference ids (sends nothing)',
      (y) =>
        y
          .positional('input', { type: 'string', demandOption: true, describe: 'the payouts CSV file that was run' })
          .options(shown(RETRY_OPTIONS))
          .example(example('$0 retry-failed payouts.csv --suffix -r2', 'write payouts-r2.csv; check it, then run it')),
      async (a) => w.done(await (await import('./commands/retry-failed.js')).retryFailedCommand({ ...a, input: a.input }, w.io)),
    )
    .command(
      'reconcile <journal>',
      'fetch the current status of every invoice not final yet, journal it, rewrite the results CSV',
      (y) =>
        y
          .positional('journal', { type: 'string', demandOption: true, describe: 'the journal of the run (<input-stem>.journal.jsonl)' })
          .options(shown(COMMON_OPTIONS))
          .options(shown(RECONCILE_OPTIONS))
          .conflicts('sandbox', 'api-url')
          .example(example('$0 reconcile payouts.journal.jsonl', 'follow payouts still processing')),
      async (a) => w.done(await (await import('./commands/reconcile.js')).reconcileCommand({ ...a, journal: a.journal }, w.io, w.clock)),
    )
    .command(
      'sandbox',
      'run the embedded MilkyPay sandbox as a standalone server',
      (y) => y.options(shown(SANDBOX_OPTIONS)).example(example('$0 sandbox --port 8080 --fail-rate 0.05', 'serve the sandbox, 5% of requests answered 500')),
      async (a) => w.done(await (await import('./commands/sandbox.js')).sandboxCommand(a, w.io)),
    );
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

function defaultIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Opening stdin costs a few ms of start-up; only the live confirmation reads it.
    get stdin() {
      return process.stdin;
    },
    env: environment(),
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
