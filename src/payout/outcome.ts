/** Outcomes of a row (results column `outcome`) and how invoice statuses map onto them. */
export type Outcome =
  | 'valid'
  | 'invalid'
  /** Held by the repeat-payee guard: nothing was sent. */
  | 'repeat_payee'
  | 'rejected'
  | 'conflict'
  | 'created'
  | 'submitted'
  | 'processed'
  | 'partial'
  | 'failed'
  | 'error'
  | 'not_started'
  /** Failed, and `retry-failed` reissued it under a new reference (journaled): nobody needs to look at it again. */
  | 'reissued';

/** Outcomes that leave the exit code at 0. */
export const SUCCESS_OUTCOMES: ReadonlySet<Outcome> = new Set(['valid', 'created', 'submitted', 'processed', 'reissued']);

export const OUTCOMES: readonly Outcome[] = [
  'valid',
  'invalid',
  'repeat_payee',
  'rejected',
  'conflict',
  'created',
  'submitted',
  'processed',
  'partial',
  'failed',
  'error',
  'not_started',
  'reissued',
];

/** Final outcomes: a rerun leaves them as they are, with no request (whatever the API or the rules say now). */
export const FINAL_OUTCOMES: ReadonlySet<string> = new Set<Outcome>(['processed', 'partial', 'failed', 'conflict', 'reissued']);

/** Outcomes of an incomplete run: a rerun of the same command finishes them (exit 3). */
export const INCOMPLETE_OUTCOMES: ReadonlySet<Outcome> = new Set(['error', 'not_started']);

const FINAL_STATUS_OUTCOME: Readonly<Record<string, Outcome>> = {
  processed: 'processed',
  partially_processed: 'partial',
  process_failed: 'failed',
  expired: 'failed',
  terminated: 'failed',
};

/** Final statuses of the provider's vocabulary; any other word (known or not) is not final. */
export function isFinalStatus(status: string): boolean {
  return Object.hasOwn(FINAL_STATUS_OUTCOME, status);
}

/** The outcome of an invoice whose processing was requested (or that was found past `created`). */
export function outcomeOfStatus(status: string): Outcome {
  return isFinalStatus(status) ? FINAL_STATUS_OUTCOME[status]! : 'submitted';
}
