/**
 * The one got instance of a client: keep-alive agents, timeouts, got's own retries with our
 * per-method rules, hooks for rate limiting and observers, and every failure mapped to ApiError
 * before anything else can see got's error (which carries the request options and credentials).
 */
import http from 'node:http';
import https from 'node:https';
import got, { type RequestError } from 'got';
import type { z } from 'zod';
import type { ApiError } from './errors.js';
import { badResponse, httpError, isReadMethod, transportError } from './error-mapping.js';
import { retryRules } from './retry-policy.js';
import type { ApiClientOptions } from './types.js';

export interface Call {
  method: 'GET' | 'POST';
  /** Path after the base URL, without query: what ApiError reports as `endpoint`. */
  path: string;
  query?: Record<string, string>;
  /** JSON text, sent as is. */
  body?: string;
  auth: 'private' | 'public';
  /** Changes nothing on the server, so got may retry it like a GET; default: GET only. */
  readOnly?: boolean;
}

export interface Transport {
  send<S extends z.ZodType>(call: Call, schema: S): Promise<z.output<S>>;
  close(): void;
}

/** Per-call bookkeeping shared by got's hooks through `options.context`. */
interface CallState {
  method: string;
  endpoint: string;
  readOnly: boolean;
  delayMs: number;
  /** An error thrown by one of the caller's callbacks, rethrown as is. */
  hookError?: unknown;
}

const stateOf = (options: { context: Record<string, unknown> }): CallState => options.context['call'] as CallState;

export function createTransport(opts: ApiClientOptions): Transport {
  const baseUrl = checkedBaseUrl(opts.baseUrl);
  const authorization = `Basic ${Buffer.from(`${opts.keyId}:${opts.secretKey}`).toString('base64')}`;
  const maxSockets = opts.maxSockets ?? 256;
  const agent = {
    http: new http.Agent({ keepAlive: true, maxSockets }),
    https: new https.Agent({ keepAlive: true, maxSockets }),
  };
  // types.ts: onResponse hears every answer "and failure"; a failure without an answer is status 0.
  const onFailure = () => opts.onResponse?.(0);

  const instance = got.extend({
    agent,
    timeout: { request: opts.timeoutMs ?? 30_000 },
    // Non-2xx answers resolve, after got's status-code retries (got 14 runs them regardless).
    throwHttpErrors: false,
    responseType: 'text',
    followRedirect: false,
    headers: { accept: 'application/json', 'user-agent': 'milkypay-payouts' },
    retry: {
      limit: opts.retryLimit ?? 3,
      maxRetryAfter: opts.maxRetryAfterMs ?? 60_000,
      calculateDelay: ({ computedValue, error, attemptCount, retryAfter }) => {
        // got's own backoff starts at 1 s and doubles without bound; reads here are cheap, and the
        // payout state machine backs off on top, so: 250 ms doubling to 2 s, unless the server said when
        // (a Retry-After of 0 says "now", which got would turn into its own 1 s backoff).
        const delay = computedValue === 0 || retryAfter ? computedValue : Math.min(250 * 2 ** (attemptCount - 1), 2_000) + Math.random() * 100;
        stateOf(error.options).delayMs = delay;
        return delay;
      },
    },
    // Errors thrown by the caller's callbacks are kept and rethrown as they are, not as network errors.
    hooks: {
      beforeRequest: [
        async (options) => {
          await guarded(stateOf(options), () => opts.beforeRequest?.());
        },
      ],
      afterResponse: [
        (response) => {
          guarded(stateOf(response.request.options), () => opts.onResponse?.(response.statusCode));
          return response;
        },
      ],
      beforeRetry: [
        (error, retryCount) => {
          const state = stateOf(error.options);
          const mapped = mapRetriedError(state, error);
          guarded(state, () => {
            if (!error.response) onFailure();
            opts.onRetry?.({ method: state.method, endpoint: state.endpoint, attempt: retryCount, delayMs: state.delayMs, error: mapped });
          });
        },
      ],
    },
  });

  async function send<S extends z.ZodType>(call: Call, schema: S): Promise<z.output<S>> {
    const readOnly = call.readOnly ?? isReadMethod(call.method);
    const state: CallState = { method: call.method, endpoint: call.path, readOnly, delayMs: 0 };
    const headers: Record<string, string> = {};
    if (call.auth === 'private') headers['authorization'] = authorization;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    let response;
    try {
      response = await instance(baseUrl + call.path, {
        method: call.method,
        headers,
        ...(call.body !== undefined ? { body: call.body } : {}),
        ...(call.query ? { searchParams: new URLSearchParams(call.query) } : {}),
        retry: { methods: [call.method], ...retryRules(readOnly) },
        context: { call: state },
      });
    } catch (error) {
      if (state.hookError !== undefined) throw state.hookError;
      onFailure();
      throw transportError(call.method, call.path, error as RequestError, readOnly);
    }
    const status = response.statusCode;
    if (status < 200 || status > 299) {
      throw httpError(call.method, call.path, status, response.body, headerText(response.headers['retry-after']), readOnly);
    }
    return parseBody(call, readOnly, response.body, schema);
  }

  return {
    send,
    close() {
      agent.http.destroy();
      agent.https.destroy();
    },
  };
}

function parseBody<S extends z.ZodType>(call: Call, readOnly: boolean, text: string, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badResponse(call.method, call.path, 'ERR_BODY_PARSE_FAILURE', 'not JSON', readOnly);
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'body';
  throw badResponse(call.method, call.path, 'ERR_BODY_SHAPE', `${where}: ${issue?.message ?? 'invalid'}`, readOnly);
}

function mapRetriedError(state: CallState, error: RequestError): ApiError {
  const { response } = error;
  if (!response) return transportError(state.method, state.endpoint, error, state.readOnly);
  const body = typeof response.body === 'string' ? response.body : '';
  return httpError(state.method, state.endpoint, response.statusCode, body, headerText(response.headers['retry-after']), state.readOnly);
}

/** Runs a caller's callback; a throw is remembered on the call and passed on to abort it. */
function guarded<T>(state: CallState, callback: () => T): T {
  try {
    const result = callback();
    if (result instanceof Promise) {
      return result.catch((error: unknown) => {
        state.hookError = error;
        throw error;
      }) as T;
    }
    return result;
  } catch (error) {
    state.hookError = error;
    throw error;
  }
}

function checkedBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`API base URL is not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`API base URL must be http(s): ${JSON.stringify(raw)}`);
  if (url.username || url.password) throw new TypeError('API base URL must not carry credentials');
  return raw.replace(/\/+$/, '');
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
