/**
 * Failures -> ApiError. Pure: reads only status, headers text, body text and error codes,
 * so nothing of the HTTP client's errors (sockets, request details) can leak into ours.
 */
import { ApiError, type ApiEffect, type ApiErrorItem } from './api-error.js';
import { errorBodySchema } from './schemas.js';

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
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { items: [] };
  }
  const parsed = errorBodySchema.safeParse(json);
  if (!parsed.success) return { items: [] };
  const { errors } = parsed.data;
  if (Array.isArray(errors)) {
    return { items: errors.map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined))) };
  }
  return { items: [], fieldErrors: errors };
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
