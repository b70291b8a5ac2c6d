/**
 * Which API, account and mode a run pays through. The mode is asked of the API on every run
 * (never read from a cache: the same URL and key id may answer as live tomorrow), and the same
 * call checks the private credentials, so a wrong secret shows before anything is sent.
 */
import { isApiError } from '../api/api-error.js';
import type { ApiClient, Prerequest } from '../api/client-types.js';
import { credentialsRefused, isCredentialsRefusal } from '../api-advice.js';

export type AccountMode = 'test' | 'live';

/** What a journal is bound to, and what the report names. */
export interface Account {
  /** The API's origin, e.g. `https://api.example.com`. */
  origin: string;
  /** BasicAuth user of the private API: names the account without being a secret. */
  keyId: string;
  /** As the API answered in this run (`test_mode`), never from a cache. */
  mode: AccountMode;
}

/** What a run is configured with (no secret). */
export interface AccountTarget {
  apiUrl: string;
  publicKey: string;
  keyId: string;
}

/** Answers that mean "this currency is not offered" rather than a failure. */
const NOT_OFFERED = new Set([400, 404, 422]);

/** A `pk_live_` key names a live account before any request is made. */
export function declaresLive(target: AccountTarget): boolean {
  return target.publicKey.startsWith('pk_live_');
}

/** The currency asked first, while the page of services is on its way (most accounts offer it). */
const FIRST_GUESS = 'USD';

/**
 * Two cheap calls: one page of `/payout-services` (private: checks the key id and secret) and the
 * pre-request of a currency the account offers (public: checks the public key). Live if either says
 * `test_mode: false`, or if neither says anything (unknown is treated as live).
 * Both go at once, the pre-request for USD: one round trip before the first create instead of two.
 * When the page's first currency is another, that one is asked (and the USD answer not used).
 * Refused private credentials are reported first, whatever the public call answered.
 */
export async function learnAccount(api: ApiClient, target: AccountTarget): Promise<Account> {
  const prerequest = (currency: string): Promise<Prerequest | undefined> =>
    api.prerequest(currency).catch((error: unknown) => {
      if (isApiError(error) && error.kind === 'http' && NOT_OFFERED.has(error.status ?? 0)) return undefined;
      throw refusedOr(error);
    });
  const paging = api.payoutServicesPage(1, 1);
  const guessed = prerequest(FIRST_GUESS);
  guessed.catch(() => undefined); // awaited below, or not needed when the page fails
  const page = await paging.catch((error: unknown) => {
    throw refusedOr(error);
  });
  const currency = page.items[0]?.currency ?? FIRST_GUESS;
  const pre = await (currency === FIRST_GUESS ? guessed : prerequest(currency));
  const answers = [...page.items.map((s) => s.testMode), ...(pre ? [pre.testMode] : [])];
  const test = answers.length > 0 && answers.every(Boolean);
  return { origin: new URL(target.apiUrl).origin, keyId: target.keyId, mode: test ? 'test' : 'live' };
}

/** The rules cache is shared only by runs against the same API, keys and mode. */
export function rulesCacheKey(target: AccountTarget, account: Account): string {
  return [target.apiUrl, target.publicKey, account.keyId, account.mode].join('|');
}

function refusedOr(error: unknown): unknown {
  return isApiError(error) && isCredentialsRefusal(error) ? credentialsRefused(error) : error;
}
