import type { ApiError } from '../api/errors.js';

/**
 * What an API failure means for a row. This is the only place that reads an ApiError
 * to decide between retrying, looking up, giving up and stopping the run.
 */
export type Failure =
  | 'auth' // 401/403: our credentials are refused; stop the whole run
  | 'duplicate' // 409 on create: the reference exists already
  | 'invalid_status' // 409 on process: the invoice is no longer `created`
  | 'rejected' // 400/422: the API refused the data; nothing happened
  | 'not_found' // 404
  | 'throttled' // 429 that the client's own retries could not clear; nothing happened
  | 'unknown_effect' // 5xx, timeout, dropped connection on a POST: it may have taken effect
  | 'transient'; // failed without effect (5xx/timeout on a read, connection refused)

export function classifyFailure(error: ApiError): Failure {
  const status = error.status;
  if (error.kind === 'http') {
    if (status === 401 || status === 403) return 'auth';
    if (status === 409) return error.method === 'POST' && error.endpoint.endsWith('/process') ? 'invalid_status' : 'duplicate';
    if (status === 404) return 'not_found';
    if (status === 429) return 'throttled';
    if (status === 400 || status === 422 || status === 405 || status === 413) return 'rejected';
  }
  return error.effect === 'maybe' ? 'unknown_effect' : 'transient';
}

/** Failures that count towards "the API is down" (many in a row stop the run). */
export function isServerFailure(failure: Failure): boolean {
  return failure === 'unknown_effect' || failure === 'transient' || failure === 'throttled';
}
