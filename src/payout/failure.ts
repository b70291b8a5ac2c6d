/**
 * An API failure as the payout machine reads it: plain data, classified where the request was
 * made (api/failure-class.ts). The class decides between retrying, looking up, giving up and
 * stopping the run.
 */
export type FailureClass =
  | 'auth' // 401/403: our credentials are refused; stop the whole run
  | 'duplicate' // 409 on create: the reference exists already
  | 'invalid_status' // 409 on process: the invoice is no longer `created`
  | 'rejected' // 400/422: the API refused the data; nothing happened
  | 'not_found' // 404
  | 'throttled' // 429 to a read that the client's own retries could not clear; nothing happened
  | 'throttled_or_duplicate' // 429 to a create or process: throttled, or a duplicate of a request that took effect
  | 'unknown_effect' // 5xx, timeout, dropped connection on a POST: it may have taken effect
  | 'transient'; // failed without effect (5xx/timeout on a read, connection refused)

export interface RowFailure {
  class: FailureClass;
  /** The HTTP status, when the server answered. */
  status?: number;
  /** The request may have changed something on the server (timeout, dropped answer, 5xx on a POST). */
  mayHaveTakenEffect: boolean;
  /** What went wrong, for the row's message. */
  message: string;
  /** The API's own words about it (else `message`): why a payout was rejected. */
  apiMessage: string;
  /** Milliseconds the server asked us to wait (Retry-After), when it did. */
  retryAfterMs?: number;
}

/** Failures that count towards "the API is down" (many in a row stop the run). */
export function isServerFailure(failure: FailureClass): boolean {
  return failure === 'unknown_effect' || failure === 'transient' || failure === 'throttled';
}
