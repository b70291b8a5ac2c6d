import { ApiError, type ApiEffect, type ApiErrorInit } from '../../src/api/api-error.js';
import { rowFailure } from '../../src/api/failure-class.js';
import {
  DEFAULT_LIMITS,
  commandFor,
  step,
  type Command,
  type InvoiceSnapshot,
  type RowContext,
  type RowEvent,
  type RowState,
} from '../../src/payout/machine.js';

/** Where a request went: decides how `classifyFailure` reads a 409 and what effect a failure has. */
export interface Where {
  method: string;
  endpoint: string;
}

export const CREATE: Where = { method: 'POST', endpoint: '/payout-invoices' };
export const PROCESS: Where = { method: 'POST', endpoint: '/payout-invoices/inv-1/process' };
export const LOOKUP: Where = { method: 'GET', endpoint: '/payout-invoices' };
export const READ: Where = { method: 'GET', endpoint: '/payout-invoices/inv-1' };

const isPost = (where: Where): boolean => where.method === 'POST';

export function apiError(where: Where, init: Omit<ApiErrorInit, 'method' | 'endpoint'>): ApiError {
  return new ApiError({ ...where, ...init });
}

/** An HTTP failure with the effect the client would give it (5xx on a POST: maybe). */
export function httpError(where: Where, status: number, extra: Partial<ApiErrorInit> = {}): ApiError {
  const effect: ApiEffect = status >= 500 && isPost(where) ? 'maybe' : 'none';
  return apiError(where, { kind: 'http', status, effect, ...extra });
}

export function failed(error: ApiError): RowEvent {
  return { kind: 'failed', failure: rowFailure(error) };
}

export interface NamedFailure {
  name: string;
  error: ApiError;
}

/** Every failure class the brief names, as the client would report it for that request. */
export function failuresAt(where: Where): NamedFailure[] {
  const post = isPost(where);
  const effect: ApiEffect = post ? 'maybe' : 'none';
  return [
    { name: '401', error: httpError(where, 401) },
    { name: '403', error: httpError(where, 403) },
    { name: '409', error: httpError(where, 409) },
    { name: '400', error: httpError(where, 400, { items: [{ detail: 'Bad reference' }] }) },
    { name: '422', error: httpError(where, 422, { fieldErrors: { amount: 'This value should be greater than 0.' } }) },
    { name: '404', error: httpError(where, 404) },
    { name: '429', error: httpError(where, 429, { retryAfterMs: 7_000 }) },
    { name: '500 maybe', error: httpError(where, 500, { effect: 'maybe' }) },
    { name: '502 maybe', error: httpError(where, 502, { effect: 'maybe' }) },
    { name: '503 maybe', error: httpError(where, 503, { effect: 'maybe' }) },
    { name: '500 none', error: httpError(where, 500, { effect: 'none' }) },
    { name: '502 none', error: httpError(where, 502, { effect: 'none' }) },
    { name: '503 none', error: httpError(where, 503, { effect: 'none' }) },
    { name: 'timeout', error: apiError(where, { kind: 'timeout', effect, cause: 'ETIMEDOUT' }) },
    { name: 'network maybe', error: apiError(where, { kind: 'network', effect: 'maybe', cause: 'ECONNRESET' }) },
    { name: 'network none', error: apiError(where, { kind: 'network', effect: 'none', cause: 'ECONNREFUSED' }) },
    { name: 'bad_response', error: apiError(where, { kind: 'bad_response', effect, cause: 'ERR_BODY_PARSE_FAILURE' }) },
  ];
}

export function failureAt(where: Where, name: string): ApiError {
  const found = failuresAt(where).find((f) => f.name === name);
  if (!found) throw new Error(`no failure named ${name}`);
  return found.error;
}

export function invoice(overrides: Partial<InvoiceSnapshot> = {}): InvoiceSnapshot {
  return {
    id: 'inv-1',
    status: 'created',
    resolution: 'ok',
    fee: '0',
    service: 'card_usd',
    currency: 'USD',
    amount: '10.50',
    ...overrides,
  };
}

/** The row's payee (`context().expected.fields`). */
export const PAYEE = { account: '123456789' };

/** The invoice as an API answer carries it: with its reference id and payee fields. */
export function reply(overrides: Partial<InvoiceSnapshot> = {}): InvoiceSnapshot {
  return invoice({ referenceId: 'ref-1', fields: { ...PAYEE }, ...overrides });
}

export function answer(overrides: Partial<InvoiceSnapshot> = {}): RowEvent {
  return { kind: 'invoice', invoice: reply(overrides) };
}

export const NOT_FOUND: RowEvent = { kind: 'not_found' };

export const T0 = 1_700_000_000_000;

export function context(overrides: Partial<RowContext> = {}): RowContext {
  return {
    referenceId: 'ref-1',
    expected: { service: 'card_usd', currency: 'USD', amount: '10.50', fields: { ...PAYEE } },
    process: true,
    now: T0,
    ...DEFAULT_LIMITS,
    random: () => 0.5,
    ...overrides,
  };
}

/** mulberry32: a small seeded PRNG so a failing property run can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Trace {
  commands: Command[];
  /** What the runner saw before each command: the command and the `now` it ran at. */
  steps: { command: Command; now: number; event?: RowEvent }[];
  final: RowState;
  finished: boolean;
}

/**
 * Runs the machine the way the runner does (commandFor, wait, answer, step) with a clock that
 * moves by each command's delay plus `latencyMs`. Stops at finish/abort or after `maxSteps`.
 */
export function drive(
  start: RowState,
  ctx: RowContext,
  respond: (command: Command, index: number) => RowEvent,
  options: { maxSteps?: number; latencyMs?: () => number } = {},
): Trace {
  const maxSteps = options.maxSteps ?? 1_000;
  const latency = options.latencyMs ?? (() => 10);
  let now = ctx.now;
  let state = start;
  const trace: Trace = { commands: [], steps: [], final: state, finished: false };
  for (let i = 0; i <= maxSteps; i++) {
    const command = commandFor(state);
    trace.commands.push(command);
    if (command.kind === 'finish' || command.kind === 'abort') {
      trace.steps.push({ command, now });
      trace.final = state;
      trace.finished = true;
      return trace;
    }
    const at = now;
    now += command.delayMs + latency();
    const event = respond(command, i);
    trace.steps.push({ command, now: at, event });
    state = step(state, event, { ...ctx, now });
  }
  trace.final = state;
  return trace;
}

export function count(trace: Trace, kind: Command['kind']): number {
  return trace.commands.filter((c) => c.kind === kind).length;
}
