/**
 * undici's failures in the vocabulary the retry rules and the error mapping use (the codes of
 * node:net and node:http). Only the name and the code are read: undici's errors also carry the
 * socket, and none of that goes any further.
 */
import type { TransportFailure } from './error-mapping.js';

const TIMEOUT = { name: 'TimeoutError', code: 'ETIMEDOUT' } as const;

const BY_UNDICI_CODE: Record<string, TransportFailure> = {
  UND_ERR_CONNECT_TIMEOUT: TIMEOUT,
  UND_ERR_HEADERS_TIMEOUT: TIMEOUT,
  UND_ERR_BODY_TIMEOUT: TIMEOUT,
  // "other side closed": the server dropped the connection before answering in full.
  UND_ERR_SOCKET: { code: 'ECONNRESET' },
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: { code: 'ERR_HTTP_CONTENT_LENGTH_MISMATCH' },
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: { code: 'ERR_HTTP_CONTENT_LENGTH_MISMATCH' },
};

/** What the per-request deadline aborts a request with. */
export class DeadlineExceeded extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'ETIMEDOUT';
}

export function failureOf(error: unknown): TransportFailure {
  if (error instanceof DeadlineExceeded) return TIMEOUT;
  if (typeof error !== 'object' || error === null) return {};
  const { code, errors } = error as { code?: unknown; errors?: unknown };
  if (typeof code === 'string') return BY_UNDICI_CODE[code] ?? { code };
  // Trying every address of a host name fails with an AggregateError of each attempt's error.
  if (Array.isArray(errors) && errors.length > 0) return failureOf(errors[0]);
  return {};
}
