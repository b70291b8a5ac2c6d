/** The API document's error bodies: the list form, and the object form of field validation. */
import { STATUS_CODES } from 'node:http';

export interface ErrorItem {
  status: string;
  code: string;
  title?: string;
  detail?: string;
}

export interface ErrorReply {
  status: number;
  body: { errors: ErrorItem[] | Record<string, string> };
  headers?: Record<string, string>;
}

/** Exactly the document's bodies for these (no title or detail). */
const BARE: Record<number, string> = { 401: 'Unauthorized', 404: 'Not Found', 405: 'Method Not Allowed' };

const TITLED: Record<number, { status: string; title: string; detail: string }> = {
  400: { status: 'Bad Request', title: 'bad_request', detail: 'The request could not be understood.' },
  403: { status: 'Forbidden', title: 'forbidden', detail: 'Access denied.' },
  409: { status: 'Conflict', title: 'conflict', detail: 'The request conflicts with the current state.' },
  413: { status: 'Payload Too Large', title: 'payload_too_large', detail: 'The request body exceeds 1 MB.' },
  429: { status: 'Too Many Requests', title: 'too_many_requests', detail: 'Too many requests.' },
  500: { status: 'internal_error', title: 'internal_error', detail: 'Internal server error.' },
  502: { status: 'Bad Gateway', title: 'bad_gateway', detail: 'Bad gateway.' },
  503: { status: 'Service Unavailable', title: 'service_unavailable', detail: 'Service temporarily unavailable.' },
  504: { status: 'Gateway Timeout', title: 'gateway_timeout', detail: 'Gateway timeout.' },
};

/** The list-form error for `status`; `title`/`detail` override the defaults. */
export function errorReply(status: number, title?: string, detail?: string): ErrorReply {
  if (status === 422 && title === undefined) {
    return fieldErrors({ data: 'This value is not valid.' });
  }
  const bare = BARE[status];
  if (bare !== undefined && title === undefined) {
    return { status, body: { errors: [{ status: bare, code: String(status) }] } };
  }
  const known = TITLED[status];
  const item: ErrorItem = {
    status: known?.status ?? bare ?? STATUS_CODES[status] ?? 'Error',
    code: String(status),
    title: title ?? known?.title ?? (STATUS_CODES[status] ?? 'error').toLowerCase().replaceAll(' ', '_'),
    detail: detail ?? known?.detail ?? STATUS_CODES[status] ?? 'Error.',
  };
  return { status, body: { errors: [item] } };
}

export function fieldErrors(errors: Record<string, string>): ErrorReply {
  return { status: 422, body: { errors } };
}

export function rateLimited(retryAfterSeconds: number): ErrorReply {
  const seconds = Math.max(0, Math.ceil(retryAfterSeconds));
  return {
    ...errorReply(429, 'too_many_requests', `Rate limit exceeded. Retry after ${seconds} seconds.`),
    headers: { 'Retry-After': String(seconds) },
  };
}

export function methodNotAllowed(allow: string): ErrorReply {
  return { ...errorReply(405), headers: { Allow: allow } };
}
