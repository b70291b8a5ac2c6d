import type { FailureClass, RowFailure } from '../payout/failure.js';
import { isApiError, type ApiError } from './api-error.js';

/** A create or a process: the requests that move money (not the pre-request lookup, also a POST). */
function paysOut(error: ApiError): boolean {
  return error.method === 'POST' && error.endpoint.startsWith('/payout-invoices');
}

/**
 * What an API failure means for a row. This is the only place that reads an ApiError to decide
 * between retrying, looking up, giving up and stopping the run; the payout machine reads the
 * `RowFailure` made here.
 */
export function classifyFailure(error: ApiError): FailureClass {
  const status = error.status;
  if (error.kind === 'http') {
    if (status === 401 || status === 403) return 'auth';
    if (status === 409) return error.method === 'POST' && error.endpoint.endsWith('/process') ? 'invalid_status' : 'duplicate';
    if (status === 404) return 'not_found';
    if (status === 429) return paysOut(error) ? 'throttled_or_duplicate' : 'throttled';
    if (status === 400 || status === 422 || status === 405 || status === 413) return 'rejected';
  }
  return error.effect === 'maybe' ? 'unknown_effect' : 'transient';
}

export function rowFailure(error: ApiError): RowFailure {
  const failure: RowFailure = {
    class: classifyFailure(error),
    // A 429 to a create or process may answer a duplicate of one that took effect.
    mayHaveTakenEffect: error.effect === 'maybe' || (error.status === 429 && paysOut(error)),
    message: error.message,
    apiMessage: error.apiMessage || error.message,
  };
  if (error.status !== undefined) failure.status = error.status;
  if (error.retryAfterMs !== undefined) failure.retryAfterMs = error.retryAfterMs;
  return failure;
}

/** The classified failure of an API error; undefined for anything else (a bug: let it throw). */
export function rowFailureOf(error: unknown): RowFailure | undefined {
  return isApiError(error) ? rowFailure(error) : undefined;
}
