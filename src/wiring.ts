import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rulesSource } from './api/rules-source.js';
import { createApiClient } from './api/index.js';
import type { ApiClient, ApiClientOptions, RetryEvent } from './api/client-types.js';
import { readConfig, settingsFrom, withDotEnv, type Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import type { BackoffPolicy } from './payout/backoff.js';
import { createRulesBook, type RulesBook } from './rules/index.js';
import type { Sandbox } from './sandbox/sandbox-types.js';
import { learnAccount, rulesCacheKey, type Account } from './guards/account.js';
import type { RunClock } from './run/run-clock.js';
import type { Throttle } from './run/throttle.js';
import { TerminalOutput } from './ui/terminal.js';

/** Options every API-using command shares. */
export interface CommonArgs {
  sandbox?: boolean;
  apiUrl?: string;
  cacheDir?: string;
  refreshServices?: boolean;
  logLevel?: string;
}

/** In milliseconds. */
export interface Delays {
  /** Before a payout request is tried again (create, lookup, process): doubling from base to cap, equal jitter. Default 200..10 000. */
  retry?: Partial<BackoffPolicy>;
  /** Between polls of an invoice that is not final yet (`wait`). Default 250..5 000. */
  poll?: Partial<BackoffPolicy>;
  /** First delay of a retry the client makes by itself (reads, 429s); it doubles. Default 250. */
  request?: number;
}

export interface Io {
  /** The command as the user typed it (`node dist/cli.js`, `npx milkypay-payouts`…); derived from process.argv when absent. */
  invokedAs?: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Waits between retries and polls, as `payFile` takes them; default the API's. Tests shrink them to milliseconds. */
  delays?: Delays;
}

export interface CommandContext {
  config: Config;
  api: ApiClient;
  rules: RulesBook;
  /** The account and its mode, asked of the API once per command (never read from a cache). */
  account(): Promise<Account>;
  logger: Logger;
  sandbox?: Sandbox;
  /**
   * With the embedded sandbox: this run's own state folder (made by mkdtemp: 0700, owned by the
   * user, a new name each run), holding its rules cache and repeat-payee ledger; removed at close.
   */
  sandboxState?: string;
  close(): Promise<void>;
}

/** On a terminal, log lines and the progress bar share one writer so neither tears the other. */
export function terminalOf(io: Io): TerminalOutput | undefined {
  if (!io.stderr.isTTY) return undefined;
  terminals.set(io, terminals.get(io) ?? new TerminalOutput(io.stderr));
  return terminals.get(io);
}
const terminals = new WeakMap<Io, TerminalOutput>();

export async function makeLogger(io: Io, level?: string): Promise<Logger> {
  const terminal = terminalOf(io);
  // NO_COLOR (any non-empty value) turns colours off: https://no-color.org
  return createLogger({ level: level ?? 'info', pretty: Boolean(terminal), color: settingsFrom(io.env).color, destination: terminal ? terminal.asWritable() : io.stderr });
}

/** Where the API is and with which keys: the embedded sandbox, or flags over the environment and `.env`. */
export interface ConnectArgs extends CommonArgs {
  /** Settings given in code; what is absent comes from the environment and `.env`. */
  config?: Partial<Config>;
  /** The first delay of the retries the client makes by itself (reads, 429s). */
  requestRetry?: Pick<ApiClientOptions, 'retryBaseDelayMs'>;
  /** Counts the requests, retries and 429s for the run's report. */
  clock?: Pick<RunClock, 'onResponse' | 'onRetry'>;
}

/** Config (or the embedded sandbox), one API client, the rules book and the logger. */
export async function openContext(args: CommonArgs, io: Io, throttle?: Throttle): Promise<CommandContext> {
  return connect({ ...args, requestRetry: requestRetryOf(io.delays) }, io, await makeLogger(io, args.logLevel), throttle);
}

/** The client's own retries (reads, 429s) start from `delays.request`. */
export function requestRetryOf(delays: Delays | undefined): ConnectArgs['requestRetry'] {
  return delays?.request !== undefined ? { retryBaseDelayMs: delays.request } : {};
}

/** Wires the API client, the throttle and the rules book onto one config; `run` and `payFile` share it. */
export async function connect(args: ConnectArgs, io: Pick<Io, 'env' | 'cwd'>, logger: Logger, throttle?: Throttle): Promise<CommandContext> {
  let sandbox: Sandbox | undefined;
  let sandboxState: string | undefined;
  let config: Config;
  if (args.sandbox) {
    // Loaded only here: runs against a real API never load the emulator.
    const { startSandbox } = await import('./sandbox/index.js');
    // Not a fixed name in the shared temp folder: another user could plant a symlink or a
    // world-writable folder there. The sandbox starts empty each run, so its state does too.
    sandboxState = await mkdtemp(join(tmpdir(), 'milkypay-payouts-sandbox-'));
    sandbox = await startSandbox({ port: 0 });
    config = { apiUrl: sandbox.url, ...sandbox.credentials, cacheDir: args.cacheDir ?? join(sandboxState, 'cache') };
    logger.info({ url: sandbox.url }, 'embedded sandbox started');
  } else {
    const flags = { ...args.config, ...(args.apiUrl ? { apiUrl: args.apiUrl } : {}), ...(args.cacheDir ? { cacheDir: args.cacheDir } : {}) };
    config = readConfig(withDotEnv(io.env, io.cwd), flags, io.cwd);
  }
  const api = createApiClient({
    baseUrl: config.apiUrl,
    publicKey: config.publicKey,
    keyId: config.keyId,
    secretKey: config.secretKey,
    // The transport waits out short Retry-Afters itself; a longer one comes back to the run, which stops.
    ...(throttle?.maxWaitMs !== undefined ? { maxRetryAfterMs: Math.min(throttle.maxWaitMs, 60_000) } : {}),
    ...args.requestRetry,
    // At most `concurrency` sockets: a request that starts as another's socket is being freed
    // waits for it rather than opening one more connection.
    ...(throttle ? { maxSockets: throttle.concurrency, beforeRequest: throttle.beforeRequest, onResponse: throttle.onResponse } : {}),
    ...(args.clock ? { onResponse: countedResponses(args.clock, throttle) } : {}),
    onRetry: (event: RetryEvent) => {
      args.clock?.onRetry();
      if (event.error.retryAfterMs) throttle?.pause(event.error.retryAfterMs);
      logger.info({ method: event.method, endpoint: event.endpoint, attempt: event.attempt, delayMs: event.delayMs, cause: event.error.code }, 'retrying request');
    },
  });
  let asked: Promise<Account> | undefined;
  const account = (): Promise<Account> => (asked ??= learnAccount(api, config));
  const rules = createRulesBook(rulesSource(api), {
    cacheDir: config.cacheDir,
    refresh: Boolean(args.refreshServices) || Boolean(sandbox),
    // Cached rules are shared only by the same API, keys and mode: the mode is asked first.
    cacheKey: async () => rulesCacheKey(config, await account()),
  });
  return {
    config,
    api,
    rules,
    account,
    logger,
    ...(sandbox ? { sandbox } : {}),
    ...(sandboxState ? { sandboxState } : {}),
    async close() {
      api.close();
      await sandbox?.close();
      if (sandboxState) await rm(sandboxState, { recursive: true, force: true });
      logger.flush?.();
    },
  };
}

/** Every answer counted for the report, then told to the throttle (which slows down on 429s). */
function countedResponses(clock: Pick<RunClock, 'onResponse'>, throttle: Throttle | undefined): (status: number) => void {
  return (status) => {
    clock.onResponse(status);
    throttle?.onResponse(status);
  };
}
