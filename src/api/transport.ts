/**
 * The one connection pool of a client (undici, keep-alive, sized to the concurrency), its
 * timeouts, its retries where a retry cannot pay twice, the caller's hooks for rate limiting and
 * observers, and every failure mapped to ApiError before anything else sees it.
 */
import { Pool } from 'undici';
import type { ApiError } from './api-error.js';
import { badResponse, httpError, isReadMethod, parseRetryAfter, transportError } from './error-mapping.js';
import { parseReplyJson } from './reply-json.js';
import { ReplyShapeError, type ReplyReader } from './reply-reader.js';
import { retryRules, type RetryRules } from './retry-policy.js';
import type { ApiClientOptions } from './client-types.js';
import { Deadlines } from './deadlines.js';
import { failureOf } from './undici-errors.js';

export interface Call {
  method: 'GET' | 'POST';
  /** Path after the base URL, without query: what ApiError reports as `endpoint`. */
  path: string;
  query?: Record<string, string>;
  /** JSON text, sent as is. */
  body?: string;
  auth: 'private' | 'public';
  /** Changes nothing on the server, so it may be retried like a GET; default: GET only. */
  readOnly?: boolean;
}

export interface Transport {
  /** The reply read by `read` (reply-reader.ts), or an ApiError. */
  send<T>(call: Call, read: ReplyReader<T>): Promise<T>;
  close(): void;
}

/** One attempt's outcome: an answer read in full, or a failure with no (complete) answer. */
type Attempt = { status: number; text: string; retryAfter: string | undefined } | { failure: unknown };

/** Thrown by the caller's callbacks: passed on as they are, never mapped to a network error. */
class HookFailure {
  constructor(readonly error: unknown) {}
}

export function createTransport(opts: ApiClientOptions): Transport {
  const base = checkedBaseUrl(opts.baseUrl);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const retryLimit = opts.retryLimit ?? 3;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 60_000;
  const retryBaseDelayMs = opts.retryBaseDelayMs ?? 250;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const publicHeaders = { accept: 'application/json', 'user-agent': 'milkypay-payouts' };
  const privateHeaders = { ...publicHeaders, authorization: `Basic ${Buffer.from(`${opts.keyId}:${opts.secretKey}`).toString('base64')}` };
  const json = { 'content-type': 'application/json' };
  const headers = {
    private: { bare: privateHeaders, json: { ...privateHeaders, ...json } },
    public: { bare: publicHeaders, json: { ...publicHeaders, ...json } },
  };
  const headersFor = (call: Call) => headers[call.auth][call.body === undefined ? 'bare' : 'json'];
  // At most `maxSockets` connections: a request beyond them waits in the pool's queue for one.
  const pool = new Pool(base.origin, {
    connections: opts.maxSockets ?? 256,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const deadlines = new Deadlines(timeoutMs);

  async function attempt(call: Call, path: string): Promise<Attempt> {
    // The whole attempt, connection to last byte, has one deadline; the pool's own timeouts only
    // bound each wait for headers and between body chunks.
    const deadline = deadlines.start();
    try {
      const response = await pool.request({
        method: call.method,
        path,
        headers: headersFor(call),
        body: call.body ?? null,
        signal: deadline,
      });
      const text = await response.body.text();
      return { status: response.statusCode, text, retryAfter: headerText(response.headers['retry-after']) };
    } catch (failure) {
      return { failure };
    } finally {
      deadlines.finish(deadline);
    }
  }

  /** What the call ends with, or after how long to make retry number `retry` (from 1). */
  function decide(call: Call, readOnly: boolean, rules: RetryRules, outcome: Attempt, retry: number): { error: ApiError; retryInMs?: number } | undefined {
    if ('failure' in outcome) {
      const failure = failureOf(outcome.failure);
      const error = transportError(call.method, call.path, failure, readOnly);
      const code = error.causeCode ?? '';
      return retry <= retryLimit && rules.errorCodes.includes(code) ? { error, retryInMs: backoff(retry) } : { error };
    }
    if (outcome.status >= 200 && outcome.status <= 299) return undefined;
    const error = httpError(call.method, call.path, outcome.status, outcome.text, outcome.retryAfter, readOnly);
    if (retry > retryLimit || !rules.statusCodes.includes(outcome.status)) return { error };
    const asked = outcome.retryAfter === undefined ? undefined : parseRetryAfter(outcome.retryAfter);
    if (asked === undefined) return { error, retryInMs: backoff(retry) };
    // Waiting longer than we are willing to is the caller's decision: it gets the wait asked for.
    return asked > maxRetryAfterMs ? { error } : { error, retryInMs: asked };
  }

  // Reads are cheap and the payout state machine backs off on top: short, doubling, capped
  // (250 ms doubling to 2 s by default, plus up to 100 ms of jitter).
  const backoff = (retry: number) => Math.min(retryBaseDelayMs * 2 ** (retry - 1), retryBaseDelayMs * 8) + Math.random() * (retryBaseDelayMs / 2.5);

  async function send<T>(call: Call, read: ReplyReader<T>): Promise<T> {
    const readOnly = call.readOnly ?? isReadMethod(call.method);
    const rules = retryRules(readOnly);
    const path = call.query ? `${base.path}${call.path}?${new URLSearchParams(call.query).toString()}` : base.path + call.path;
    try {
      for (let retries = 0; ; retries += 1) {
        if (opts.beforeRequest) await hook(opts.beforeRequest);
        const outcome = await attempt(call, path);
        if (opts.onResponse) hook(opts.onResponse, 'failure' in outcome ? 0 : outcome.status, readOnly);
        const verdict = decide(call, readOnly, rules, outcome, retries + 1);
        if (!verdict) return readBody(call, readOnly, (outcome as { text: string }).text, read);
        if (verdict.retryInMs === undefined) throw verdict.error;
        const delayMs = verdict.retryInMs;
        if (opts.onRetry) hook(opts.onRetry, { method: call.method, endpoint: call.path, attempt: retries + 1, delayMs, error: verdict.error });
        if (delayMs > 0) await sleep(delayMs);
      }
    } catch (error) {
      throw error instanceof HookFailure ? error.error : error;
    }
  }

  return {
    send,
    close() {
      pool.destroy().catch(() => {});
    },
  };
}

/** Runs one of the caller's callbacks; what it throws ends the call as it is. */
function hook<A extends unknown[], R>(callback: (...args: A) => R, ...args: A): R {
  try {
    const result = callback(...args);
    if (result instanceof Promise) {
      return result.catch((error: unknown) => {
        throw new HookFailure(error);
      }) as R;
    }
    return result;
  } catch (error) {
    throw new HookFailure(error);
  }
}

function readBody<T>(call: Call, readOnly: boolean, text: string, read: ReplyReader<T>): T {
  let json: unknown;
  try {
    json = parseReplyJson(text);
  } catch {
    throw badResponse(call.method, call.path, 'ERR_BODY_PARSE_FAILURE', 'not JSON', readOnly);
  }
  try {
    return read(json);
  } catch (error) {
    if (error instanceof ReplyShapeError) throw badResponse(call.method, call.path, 'ERR_BODY_SHAPE', error.message, readOnly);
    throw error;
  }
}

/** The pool's origin and the path prefix every request goes under (`/api`). */
function checkedBaseUrl(raw: string): { origin: string; path: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`API base URL is not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`API base URL must be http(s): ${JSON.stringify(raw)}`);
  if (url.username || url.password) throw new TypeError('API base URL must not carry credentials');
  if (url.search || url.hash) throw new TypeError(`API base URL must not carry a query or fragment: ${JSON.stringify(raw)}`);
  return { origin: url.origin, path: url.pathname.replace(/\/+$/, '') };
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
