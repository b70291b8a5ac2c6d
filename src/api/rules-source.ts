import type { RulesSource } from '../rules/book.js';
import { isApiError } from './api-error.js';
import type { ApiClient } from './client-types.js';

/** Answers to a prerequest that mean "this currency is not offered" rather than a failure of the run. */
const NOT_OFFERED_STATUSES = new Set([400, 404, 422]);

/** The API client as the rules book reads it. */
export function rulesSource(client: ApiClient): RulesSource {
  return {
    listPayoutServices: () => client.listPayoutServices(),
    prerequest: (currency) =>
      client.prerequest(currency).catch((error: unknown) => {
        if (isApiError(error) && error.kind === 'http' && NOT_OFFERED_STATUSES.has(error.status ?? 0)) return undefined;
        throw error;
      }),
  };
}
