import type { Outcome } from '../payout/outcome.js';

/** What the pipeline tells whoever shows progress (a TTY bar, a plain line, or nothing). */
export interface Progress {
  begin(total: number): void;
  row(outcome: Outcome): void;
  /** The API asked the run to wait until this time (Retry-After): shown, never waited in silence. */
  waiting?(untilMs: number): void;
  end(): void;
}

