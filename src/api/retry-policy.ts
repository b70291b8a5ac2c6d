/**
 * Which failures the transport retries by itself: only those where a retry cannot pay twice.
 * Anything else is left to the caller, which knows how to look an invoice up first.
 */

/** 5xx answers worth another GET (not 501 Not Implemented / 505 Version Not Supported). */
const SERVER_ERRORS = [500, 502, 503, 504, 507, 508, 520, 521, 522, 523, 524];

const READ_ERROR_CODES = [
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_HTTP_CONTENT_LENGTH_MISMATCH',
];

export interface RetryRules {
  readonly statusCodes: readonly number[];
  readonly errorCodes: readonly string[];
}

const READ_RULES: RetryRules = { statusCodes: [429, ...SERVER_ERRORS], errorCodes: READ_ERROR_CODES };
// A refused connection carried nothing: the POST did not happen. A 429 is not retried here: the
// provider documents it as "too many requests or duplicate request detected", so the payout
// machine looks the reference up (or reads the invoice) before a create or process goes again.
const WRITE_RULES: RetryRules = { statusCodes: [], errorCodes: ['ECONNREFUSED'] };

/** `readOnly`: the request changes nothing on the server (GETs, and the pre-request lookup). */
export function retryRules(readOnly: boolean): RetryRules {
  return readOnly ? READ_RULES : WRITE_RULES;
}
