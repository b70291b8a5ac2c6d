/**
 * Exponential backoff with equal jitter (AWS's name: half the ceiling fixed, half random, so a
 * retry never comes sooner than half the ceiling), honouring the server's Retry-After.
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 200, capMs: 10_000 };

/** Between polls of an invoice whose status is not final yet (`--wait`). */
export const DEFAULT_POLL_BACKOFF: BackoffPolicy = { baseMs: 250, capMs: 5_000 };

/** Delay before attempt `attempt` (1 = the first retry). `random` is injectable for tests. */
export function backoffDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}
