import type { ApiError } from './api/api-error.js';
import { AbortedError, UsageError, type PayoutsError } from './errors.js';

/** Endpoints called with the public key (`public_key`), not the key id and secret. */
const PUBLIC_ENDPOINTS = new Set(['/payout-prerequest']);

const PRIVATE_KEYS = 'MILKYPAY_KEY_ID and MILKYPAY_SECRET_KEY';

/** The variables that hold the credentials an endpoint is called with. */
function credentialVariables(endpoint: string): string {
  return PUBLIC_ENDPOINTS.has(endpoint) ? 'MILKYPAY_PUBLIC_KEY' : PRIVATE_KEYS;
}

export function isCredentialsRefusal(error: ApiError): boolean {
  return error.status === 401 || error.status === 403;
}

/** The one sentence for credentials the API refused (401/403): what it answered, and the variables to check. */
export function credentialsRefusedText(answered: string, variables = PRIVATE_KEYS): string {
  return `the API refused the credentials (${answered}): check ${variables} (keys of this account, for this MILKYPAY_API_URL)`;
}

/** Credentials refused before any payout was sent (the rules, the account's mode). */
export function credentialsRefused(error: ApiError): UsageError {
  const variables = credentialVariables(error.endpoint);
  const said = error.apiMessage ? `: ${error.apiMessage}` : '';
  const answered = `${error.status} on ${error.method} ${error.endpoint}${said}`;
  return new UsageError('credentials_refused', `${credentialsRefusedText(answered, variables)}; nothing was paid by this step`, { status: error.status, variable: variables });
}

/** Connection failures that mean the address itself is wrong, not that the API is down for a while. */
const WRONG_ADDRESS = new Set(['ENOTFOUND']);
const NO_CONNECTION = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNRESET']);

/**
 * An API failure before any payout was sent (fetching the rules, asking the mode), as a sentence
 * naming the setting to check: a configuration mistake is exit 2, a passing outage exit 3.
 */
export function adviceFor(error: ApiError, apiUrl: string, now = Date.now()): PayoutsError {
  const what = `${error.message}${error.apiMessage ? ` (${error.apiMessage})` : ''}`;
  const context = { ...(error.status !== undefined ? { status: error.status } : {}) };
  if (isCredentialsRefusal(error)) return credentialsRefused(error);
  if (error.status === 404) {
    return new UsageError(
      'api_not_found',
      `the API at ${apiUrl} answered 404 to ${error.method} ${error.endpoint}: does MILKYPAY_API_URL end with /api (e.g. https://api.example.com/api)? Nothing was sent`,
      { ...context, variable: 'MILKYPAY_API_URL' },
    );
  }
  const cause = error.causeCode;
  if (error.kind === 'network' && cause && NO_CONNECTION.has(cause)) {
    const message = `could not connect to ${apiUrl} (${cause}): check MILKYPAY_API_URL (or --api-url)`;
    if (WRONG_ADDRESS.has(cause)) return new UsageError('api_unreachable', `${message}; its host name does not resolve. Nothing was sent`, { variable: 'MILKYPAY_API_URL' });
    return new AbortedError('api_unreachable', `${message}; if it is right, the API is not answering: rerun the same command later. Nothing was sent`, { variable: 'MILKYPAY_API_URL' });
  }
  if (error.status === 429 && error.retryAfterMs !== undefined) {
    const at = new Date(now + error.retryAfterMs).toISOString().replace(/\.\d+Z$/, 'Z');
    return new AbortedError('retry_after_too_long', `the API asked to wait ${Math.ceil(error.retryAfterMs / 1000)} s (${what}): nothing was sent; rerun the same command after ${at}`, context);
  }
  return new AbortedError('api_unavailable', `the API at ${apiUrl} could not be used (${what}): nothing was sent; rerun the same command later`, context);
}
