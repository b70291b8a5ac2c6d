import { join, resolve } from 'node:path';
import { isApiError } from './api/api-error.js';
import { adviceFor } from './api-advice.js';
import { connect, requestRetryOf, type ConnectArgs, type Delays } from './wiring.js';
import { environment, settingsFrom, withDotEnv, type Config } from './config.js';
import { checkInputPath, checkPayFileOptions, withLibraryWords } from './library-options.js';
import { ledgerRoot } from './ledger/ledger-location.js';
import { DEFAULT_REPEAT_WINDOW, parseRepeatWindow } from './ledger/repeat-window.js';
import { DEFAULT_REPEAT_KEY, parseRepeatKey } from './ledger/repeat-key.js';
import type { Logger } from './log.js';
import { DEFAULT_BACKOFF, DEFAULT_POLL_BACKOFF } from './payout/backoff.js';
import { readPlan } from './plan/plan-file.js';
import type { Outcome } from './payout/outcome.js';
import { RunControl } from './run/run-control.js';
import { parseCurrencyAmount } from './guards/gates.js';
import { runPayouts } from './run/pipeline.js';
import type { LiveConfirmation, RunOptions, RunStart } from './run/run-options.js';
import { reconcile as reconcileJournal, type ReconcileReport } from './reconcile/reconcile-journal.js';
import type { RepeatSettings } from './guards/repeat-screen.js';
import type { Progress } from './run/progress-events.js';
import type { RunSummary } from './run/summary.js';
import { RunClock } from './run/run-clock.js';
import { Throttle } from './run/throttle.js';

export type { Delays } from './wiring.js';

/** After each row: how far the run is. */
export interface ProgressUpdate {
  done: number;
  total: number;
  outcome: Outcome;
}

/** The options of `milkypay-payouts run`, in camelCase; everything has a default. */
export interface PayFileOptions {
  /** Results CSV; default `<input-stem>.results.csv` beside the input (`.sandbox.results.csv` with `sandbox`, `.dryrun.csv` with `dryRun`). */
  out?: string;
  /** Journal; default `<input-stem>.journal.jsonl` beside the input (`.sandbox.journal.jsonl` with `sandbox`). */
  journal?: string;
  /** Requests in flight at once, 1..256; default 8. */
  concurrency?: number;
  /** Validate only, against the live service rules; nothing is created. */
  dryRun?: boolean;
  /** Process invoices after creating them; default true (false: create only). */
  process?: boolean;
  /** Seconds to poll each invoice until its status is final; default: no polling (`submitted` rows stay so). */
  wait?: number;
  /** `,`, `;` or a tab (`'\t'` or `'tab'`); default: detected from the header, or from an Excel `sep=` first line. */
  delimiter?: ',' | ';' | '\t' | 'tab';
  /** Columns of the file to leave out, unread and unsent, in any spelling; needed for a column named close to a known one (`descripton`). */
  ignoreColumn?: string | string[];
  /** Allow paying with live keys; default false (live keys then throw a UsageError, nothing sent). */
  live?: boolean;
  /** Refuse a file whose valid rows exceed `CUR:AMOUNT`, e.g. `['USD:5000']`. */
  maxTotal?: string | string[];
  /** Control total: the exact number of valid rows. */
  expectCount?: number;
  /** Control total: `CUR:AMOUNT` the valid rows must add up to. */
  expectTotal?: string | string[];
  /** At most this many requests per second. */
  maxRate?: number;
  /**
   * Seconds the run may wait when the API answers 429 with a Retry-After (default 120); a longer
   * wait stops the run (`stopped`, exit code 3) with a message saying when to rerun.
   */
  maxRetryWait?: number;
  /** Fetch the service rules again, ignoring the cache. */
  refreshServices?: boolean;
  /** Pay through a fresh embedded sandbox on loopback (its invoices vanish when the run ends). */
  sandbox?: boolean;
  /** Where the API is and with which keys; what is absent is read from `env` and `.env` in `cwd`. */
  config?: Partial<Config>;
  /** Default: the process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Resolves relative paths and finds `.env`; default `process.cwd()`. */
  cwd?: string;
  /** A pino logger; default: silent. */
  logger?: Logger;
  /** Logs the run's start and finish lines, whose figures are the summary's; default `logger` (the CLI quiets them on a terminal). */
  reportLogger?: Logger;
  /** Told after every row, or a `Progress` with begin/row/end. */
  progress?: ((update: ProgressUpdate) => void) | Progress;
  /** Aborting stops starting rows; rows in flight are journaled and the summary says `stopped`. */
  signal?: AbortSignal;
  /** Told once every row is validated and the gates passed, before anything is sent. */
  onStart?: (start: RunStart) => void;
  /** Asked before a live run sends anything (not when nothing is left to send); false cancels with a UsageError. */
  confirm?: (what: LiveConfirmation) => Promise<boolean>;
  /** fsync the journal; default true. */
  durable?: boolean;
  /** Waits between retries and polls. The defaults suit the API; tests shrink them to milliseconds. */
  delays?: Delays;
  /**
   * Bind a journal written by an earlier version (no header line) to this API and account; its
   * rows are then looked up by reference before anything is reported or sent. Default: refuse it.
   */
  adoptJournal?: boolean;
  /** Folder of the repeat-payee ledger; default `MILKYPAY_LEDGER_DIR`, else the tool's data folder. */
  ledger?: string;
  /** Repeat-payee window, `12h`, `3d`, `30d`; `0` turns the guard off; default `MILKYPAY_REPEAT_WINDOW`, else `3d`. */
  repeatWindow?: string;
  /** Let rows the repeat-payee guard would hold through. */
  allowRepeat?: boolean;
  /** Let these rows (by reference) through the repeat-payee guard, which still holds the others. */
  allowRepeatOf?: string[];
  /**
   * The parts that make two rows the same payout, from `payee`, `amount`, `description` (`service`
   * and `currency` are always compared); default all, e.g. `['payee', 'amount']` to ignore descriptions.
   */
  repeatKey?: string | string[];
  /** Pay only the file this plan (written by `plan`) describes; a UsageError says what differs. */
  plan?: string;
  /** With `dryRun`: write the plan of this run to this path (what `milkypay-payouts plan` does). */
  writePlan?: string;
}

/**
 * Pays a CSV file of payouts exactly as `milkypay-payouts run` does (the command calls this) and
 * resolves to the summary `run --json` prints. Throws the tool's typed errors (`UsageError`: nothing
 * was sent; `AbortedError`: rerun to resume), each with its `exitCode`.
 */
export async function payFile(input: string, options: PayFileOptions = {}): Promise<RunSummary> {
  try {
    // Before the control below reads them.
    checkInputPath(input);
    checkPayFileOptions(options);
  } catch (error) {
    throw withLibraryWords(error);
  }
  const progress = options.progress ? toProgress(options.progress) : undefined;
  const control = new RunControl({
    ...(options.maxRetryWait !== undefined ? { maxRetryWaitMs: options.maxRetryWait * 1000 } : {}),
    ...(progress?.waiting ? { onWait: (until: number) => progress.waiting?.(until) } : {}),
  });
  // Messages name command-line flags; a caller of the library passed options, and reads their names.
  return payFileUnder(control, input, { ...options, ...(progress ? { progress } : {}) }).catch((error: unknown) => {
    throw withLibraryWords(error);
  });
}

/** `payFile` under a control the caller holds: the CLI's signals stop it, and a second one forces it; `clock`: the run's id, times and request counts. */
export async function payFileUnder(control: RunControl, input: string, options: PayFileOptions, clock = new RunClock()): Promise<RunSummary> {
  checkInputPath(input);
  checkPayFileOptions(options);
  const cwd = options.cwd ?? process.cwd();
  const env = environment(options.env);
  const runOptions = toRunOptions(input, options, cwd, env);
  if (options.plan !== undefined) runOptions.applyPlan = { path: resolve(cwd, options.plan), file: await readPlan(resolve(cwd, options.plan)) };
  const throttle = new Throttle({
    concurrency: runOptions.concurrency,
    maxWaitMs: control.maxRetryWaitMs,
    onPause: (ms) => control.retryAfter(ms),
    ...(options.maxRate ? { maxRate: options.maxRate } : {}),
  });
  const logger = options.logger ?? (await silentLogger());
  const ctx = await connect({ ...options, requestRetry: requestRetryOf(options.delays), clock } satisfies ConnectArgs, { env, cwd }, logger, throttle);
  if (runOptions.repeat && ctx.sandboxState && usesSandboxLedger(options)) runOptions.repeat.ledgerRoot = join(ctx.sandboxState, 'ledger');
  const onAbort = (): void => control.stop('signal', abortMessage(options.signal!.reason));
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const summary = await runPayouts(runOptions, {
      api: ctx.api,
      onRequestFailed: clock.onRetry,
      ...(options.reportLogger ? { reportLogger: options.reportLogger } : {}),
      rules: ctx.rules,
      logger,
      control,
      throttle,
      target: ctx.config,
      cacheDir: ctx.config.cacheDir,
      account: ctx.account,
      ...(options.progress ? { progress: toProgress(options.progress) } : {}),
      ...(options.onStart ? { onStart: options.onStart } : {}),
      ...(options.confirm ? { confirm: options.confirm } : {}),
    });
    return { ...clock.finish(), ...summary };
  } catch (error) {
    throw withExitCode(error, ctx.config.apiUrl);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await ctx.close();
  }
}

/** Where the API is, for `reconcile`: as for `payFile`. */
export interface ReconcileOptions extends Pick<PayFileOptions, 'config' | 'env' | 'cwd' | 'logger' | 'sandbox' | 'refreshServices' | 'delays' | 'ledger' | 'wait'> {
  /** Results CSV to rewrite; default beside the journal. */
  out?: string;
}

/**
 * Reads the current status of every journaled invoice not final yet, journals it and rewrites the
 * results CSV, as `milkypay-payouts reconcile` does (the command calls this).
 */
export async function reconcile(journal: string, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  return reconcileUnder(journal, options).catch((error: unknown) => {
    throw withLibraryWords(error);
  });
}

/** `reconcile`, its errors in the command line's words (the command calls this). */
export async function reconcileUnder(journal: string, options: ReconcileOptions = {}, clock = new RunClock(), stop = new RunControl()): Promise<ReconcileReport> {
  checkPayFileOptions(options); // its options are payFile's, checked the same way
  const cwd = options.cwd ?? process.cwd();
  const logger = options.logger ?? (await silentLogger());
  const ctx = await connect({ ...options, requestRetry: requestRetryOf(options.delays), clock }, { env: environment(options.env), cwd }, logger);
  try {
    const env = withDotEnv(environment(options.env), cwd);
    const ledger = ctx.sandboxState && usesSandboxLedger(options) ? join(ctx.sandboxState, 'ledger') : ledgerRoot(env, cwd, options.ledger);
    const wait = options.wait !== undefined ? { waitSeconds: options.wait } : {};
    const report = await reconcileJournal({ journal: resolve(cwd, journal), ...(options.out ? { out: resolve(cwd, options.out) } : {}), ledgerRoot: ledger, ...wait, delays: machineDelays(options.delays ?? {}) }, { ...ctx, stop });
    return { ...clock.finish(), ...report };
  } catch (error) {
    throw withExitCode(error, ctx.config.apiUrl);
  } finally {
    await ctx.close();
  }
}

/** From options `checkPayFileOptions` passed: their types are known, nothing is coerced. */
function toRunOptions(input: string, o: PayFileOptions, cwd: string, env: NodeJS.ProcessEnv): RunOptions {
  const concurrency = o.concurrency ?? 8;
  const delimiter = o.delimiter === 'tab' ? '\t' : o.delimiter;
  const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  return {
    input: resolve(cwd, input),
    ...(o.out ? { out: resolve(cwd, o.out) } : {}),
    ...(o.journal ? { journal: resolve(cwd, o.journal) } : {}),
    concurrency,
    dryRun: o.dryRun === true,
    process: o.process !== false,
    ...(o.wait !== undefined ? { waitSeconds: o.wait } : {}),
    ...(delimiter ? { delimiter } : {}),
    ...(o.ignoreColumn !== undefined ? { ignoreColumns: list(o.ignoreColumn) } : {}),
    live: o.live === true,
    adoptJournal: o.adoptJournal === true,
    ...(o.sandbox ? { sandbox: true } : {}),
    gates: {
      maxTotal: list(o.maxTotal).map((t) => parseCurrencyAmount(t, '--max-total', { anyCurrency: true })),
      ...(o.expectCount !== undefined ? { expectCount: o.expectCount } : {}),
      expectTotal: list(o.expectTotal).map((t) => parseCurrencyAmount(t, '--expect-total')),
    },
    // Without fsync a crash could lose journal lines, and a rerun could not tell what was sent.
    durable: o.durable !== false && settingsFrom(env).journalFsync,
    ...(o.delays ? { delays: machineDelays(o.delays) } : {}),
    repeat: repeatSettings(o, cwd, env),
    ...(o.writePlan ? { writePlan: resolve(cwd, o.writePlan) } : {}),
  };
}

/** The payout machine's waits, defaults filled in. */
function machineDelays(d: Delays): NonNullable<RunOptions['delays']> {
  return { backoff: { ...DEFAULT_BACKOFF, ...d.retry }, pollBackoff: { ...DEFAULT_POLL_BACKOFF, ...d.poll } };
}

function repeatSettings(o: PayFileOptions, cwd: string, processEnv: NodeJS.ProcessEnv): RepeatSettings {
  const env = withDotEnv(processEnv, cwd);
  const fromEnv = settingsFrom(env).repeatWindow;
  const windowText = (o.repeatWindow ?? fromEnv ?? DEFAULT_REPEAT_WINDOW).trim();
  const windowMs = parseRepeatWindow(windowText, o.repeatWindow !== undefined ? '--repeat-window' : fromEnv !== undefined ? 'MILKYPAY_REPEAT_WINDOW' : 'the default window');
  return {
    // A --sandbox run's ledger is set once its private state folder exists (payFileUnder).
    ledgerRoot: ledgerRoot(env, cwd, o.ledger),
    windowMs,
    windowText,
    allowAll: o.allowRepeat === true,
    key: o.repeatKey === undefined ? DEFAULT_REPEAT_KEY : parseRepeatKey(o.repeatKey),
    allowRepeatOf: o.allowRepeatOf ?? [],
  };
}

/**
 * The embedded sandbox forgets its payouts when it stops: unless `--ledger` names one, its ledger
 * lives in the run's private state folder and goes with it. `--sandbox` ignores the MILKYPAY_
 * variables, the ledger folder's included: a rehearsal never writes into the real ledger's folder.
 */
function usesSandboxLedger(o: Pick<PayFileOptions, 'sandbox' | 'ledger'>): boolean {
  return Boolean(o.sandbox) && !o.ledger;
}

function toProgress(p: NonNullable<PayFileOptions['progress']>): Progress {
  if (typeof p !== 'function') return p;
  let total = 0;
  let done = 0;
  return {
    begin(n) {
      total = n;
    },
    row(outcome) {
      done += 1;
      p({ done, total, outcome });
    },
    end() {},
  };
}

function abortMessage(reason: unknown): string {
  if (reason instanceof Error && reason.name !== 'AbortError') return reason.message;
  if (typeof reason === 'string') return reason;
  return 'stopped by the caller (AbortSignal)';
}

/** The API refused or failed before any row was paid (e.g. the rules could not be fetched): the setting to check, exit 2 or 3. */
function withExitCode(error: unknown, apiUrl: string): unknown {
  if (!isApiError(error)) return error;
  return Object.assign(adviceFor(error, apiUrl), { cause: error });
}

async function silentLogger(): Promise<Logger> {
  const { default: pino } = await import('pino');
  return pino({ level: 'silent' });
}
