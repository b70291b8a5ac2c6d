import type { Outcome } from '../payout/outcome.js';

/** What the pipeline tells whoever shows progress (a TTY bar, a plain line, or nothing). */
export interface Progress {
  begin(total: number): void;
  row(outcome: Outcome): void;
  end(): void;
}

export const silentProgress: Progress = { begin() {}, row() {}, end() {} };
