import { classifyFailure, isServerFailure } from '../payout/failure.js';
import type { RowEvent } from '../payout/machine.js';

/**
 * Run-wide decisions shared by every row: stop starting rows (signal), abort the run
 * (credentials refused, API down). Reads failures through `classifyFailure` only.
 */
export class RunControl {
  private readonly controller = new AbortController();
  private consecutiveServerFailures = 0;
  stopReason: { code: string; message: string } | undefined;

  constructor(private readonly maxConsecutiveServerFailures = 20) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stopping(): boolean {
    return this.stopReason !== undefined;
  }

  /** Stop starting requests; rows in flight finish their current request and are journaled. */
  stop(code: string, message: string): void {
    if (this.stopReason) return;
    this.stopReason = { code, message };
    this.controller.abort();
  }

  /** Count server failures in a row across all rows: many mean the API is down. */
  observe(event: RowEvent): void {
    if (event.kind !== 'failed') {
      this.consecutiveServerFailures = 0;
      return;
    }
    if (!isServerFailure(classifyFailure(event.error))) return;
    this.consecutiveServerFailures += 1;
    if (this.consecutiveServerFailures >= this.maxConsecutiveServerFailures) {
      this.stop(
        'api_unavailable',
        `${this.consecutiveServerFailures} requests in a row failed (last: ${event.error.message}); the API looks down. Rerun the same command once it is back: the journal resumes where this run stopped`,
      );
    }
  }
}
