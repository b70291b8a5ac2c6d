/**
 * Failures -> ApiError. Pure: reads only status, headers text, body text and error codes,
 * so nothing of the HTTP client's errors (sockets, request details) can leak into ours.
 */
import { ApiError, type ApiEffect, type ApiErrorItem } from './api-error.js';

/** Connection failures where nothing reached the server, so nothing can have happened there. */
const NOTHING_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** GETs change nothing; a POST may, unless the caller says it is a pure lookup (the pre-request). */
export const isReadMethod = (method: string) => method === 'GET' || method === 'HEAD';

export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function httpError(
  method: string,
  endpoint: string,
  status: number,
  bodyText: string,
  retryAfterHeader: string | undefined,
  readOnly = isReadMethod(method),
): ApiError {
  const { items, fieldErrors } = parseErrorBody(bodyText);
  const apiText = fieldErrors
    ? Object.entries(fieldErrors).map(([k, v]) => `${k}: ${v}`).join('; ')
    : items.map((i) => i.detail ?? i.title ?? i.status ?? i.code ?? '').filter(Boolean).join('; ');
  // A 4xx refused the request; a 5xx (or an unexpected 3xx) may come after the work was done.
  const effect: ApiEffect = readOnly || (status >= 400 && status < 500) ? 'none' : 'maybe';
  return new ApiError({
    kind: 'http',
    method,
    endpoint,
    status,
    effect,
    retryAfterMs: parseRetryAfter(retryAfterHeader),
    items,
    ...(fieldErrors ? { fieldErrors } : {}),
    message: `${method} ${endpoint} answered HTTP ${status}${apiText ? `: ${apiText}` : ''}`,
  });
}

function parseErrorBody(text: string): { items: ApiErrorItem[]; fieldErrors?: Record<string, string> } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { items: [] };
  }
  const errors = typeof body === 'object' && body !== null ? (body as { errors?: unknown }).errors : undefined;
  if (Array.isArray(errors)) return { items: errorItems(errors) ?? [] };
  const fieldErrors = typeof errors === 'object' && errors !== null ? fieldMessages(errors as Record<string, unknown>) : undefined;
  return fieldErrors ? { items: [], fieldErrors } : { items: [] };
}

/** The list form: each item's four words as text (numbers too); undefined when an item is not one. */
function errorItems(errors: unknown[]): ApiErrorItem[] | undefined {
  const items: ApiErrorItem[] = [];
  for (const error of errors) {
    if (typeof error !== 'object' || error === null || Array.isArray(error)) return undefined;
    const item: ApiErrorItem = {};
    for (const key of ['status', 'code', 'title', 'detail'] as const) {
      const word: unknown = (error as Record<string, unknown>)[key];
      if (word === null || word === undefined) continue;
      if (typeof word !== 'string' && typeof word !== 'number') return undefined;
      item[key] = String(word);
    }
    items.push(item);
  }
  return items;
}

/** The object form: a message, or several joined, per field; undefined when a value is neither. */
function fieldMessages(errors: Record<string, unknown>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    if (typeof message === 'string') out[field] = message;
    else if (Array.isArray(message) && message.every((m) => typeof m === 'string')) out[field] = message.join(' ');
    else return undefined;
  }
  return out;
}

/** A 2xx whose body we cannot use. A POST that got a 2xx did something. */
export function badResponse(
  method: string,
  endpoint: string,
  cause: string,
  detail: string,
  readOnly = isReadMethod(method),
): ApiError {
  return new ApiError({
    kind: 'bad_response',
    method,
    endpoint,
    effect: readOnly ? 'none' : 'maybe',
    cause,
    message: `${method} ${endpoint} answered with an unexpected body (${detail})`,
  });
}

/** The parts of a transport error we look at (see undici-errors.ts); nothing else is read. */
export interface TransportFailure {
  name?: unknown;
  code?: unknown;
  message?: unknown;
}

export function transportError(
  method: string,
  endpoint: string,
  failure: TransportFailure,
  readOnly = isReadMethod(method),
): ApiError {
  const code = typeof failure.code === 'string' ? failure.code : undefined;
  const message = typeof failure.message === 'string' ? failure.message : '';
  if (failure.name === 'TimeoutError' || code === 'ETIMEDOUT') {
    return new ApiError({ kind: 'timeout', method, endpoint, effect: readOnly ? 'none' : 'maybe', cause: code ?? 'ETIMEDOUT' });
  }
  const cause = code && code !== 'ERR_GOT_REQUEST_ERROR' ? code : /socket hang up/i.test(message) ? 'ECONNRESET' : 'ERR_NETWORK';
  const effect: ApiEffect = readOnly || NOTHING_SENT.has(cause) ? 'none' : 'maybe';
  return new ApiError({ kind: 'network', method, endpoint, effect, cause });
}
