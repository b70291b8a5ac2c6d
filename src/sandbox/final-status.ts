/** Where a processed invoice ends, steered by the test services' `test_details_*` fields. Pure. */
import { hash32 } from './prng.js';

export const FINAL_STATUSES: ReadonlySet<string> = new Set([
  'processed',
  'partially_processed',
  'process_failed',
  'expired',
  'terminated',
]);

const FAILED_STATUSES: ReadonlySet<string> = new Set(['process_failed', 'expired', 'terminated']);

export interface Outcome {
  status: string;
  resolution: string;
}

/**
 * The document's rule for these fields (`^[A-Z\-\sa-z]{2,64}$`) admits no underscore, so a
 * status is written `process-failed` or `Process failed`; hyphens and spaces mean underscores.
 */
function statusWord(value: string | undefined): string | undefined {
  const word = value?.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return word ? word : undefined;
}

/**
 * - `test_details_payout_status`: the status to end in, any word but `created` (unknown words are
 *   kept, so clients can meet statuses they do not know; `process_pending` stays pending);
 * - else `test_details_success_rate` (0-100): processed or process_failed, decided by a hash of
 *   seed and reference, so a run repeats;
 * - `test_details_payout_resolution`: the resolution; by default `ok`, or `unknown_error` on failure.
 */
export function decideOutcome(fields: Readonly<Record<string, string>>, seed: number, referenceId: string): Outcome {
  let status = 'processed';
  const wanted = statusWord(fields['test_details_payout_status']);
  const rate = fields['test_details_success_rate'];
  if (wanted && wanted !== 'created') {
    status = wanted;
  } else if (rate !== undefined && /^\d+$/.test(rate)) {
    const roll = hash32(`${seed}:${referenceId}`) % 100;
    status = roll < Number(rate) ? 'processed' : 'process_failed';
  }
  const resolution =
    statusWord(fields['test_details_payout_resolution']) ?? (FAILED_STATUSES.has(status) ? 'unknown_error' : 'ok');
  return { status, resolution };
}
