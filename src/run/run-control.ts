import { setMaxListeners } from 'node:events';
import { isServerFailure } from '../payout/failure.js';
import type { RunStop } from '../payout/execute-row.js';
import type { RowEvent } from '../payout/machine.js';

/** How long a run waits, at most, when the API answers 429 with a Retry-After (--max-retry-wait). */
export const DEFAULT_MAX_RETRY_WAIT_SECONDS = 120;

export interface RunControlOptions {
  maxConsecutiveServerFailures?: number;
  /** A Retry-After longer than this stops the run (exit 3) instead of waiting in silence. */
  maxRetryWaitMs?: number;
  /** Told each time the API asks the run to wait (the progress line shows it). */
  onWait?: (untilMs: number) => void;
  now?: () => number;
}

/** Thrown by `forced` once a second signal forces the stop: cli.ts exits 3 at once. */
export class ForcedStop extends Error {
  override readonly name = 'ForcedStop';
  readonly exitCode = 3;
  readonly exitNow = true;
  constructor() {
    super('forced stop: the journal is consistent; rerun the same command');
  }
}

/**
 * Run-wide decisions shared by every row: stop starting rows (signal), abort the run (credentials
 * refused, API down, a Retry-After too long to wait), force the stop (second signal).
 * Reads failures as their class only (`RowFailure`, classified where the request was made).
 */
export class RunControl implements RunStop {
  private readonly controller = new AbortController();
  private consecutiveServerFailures = 0;
  private readonly maxConsecutiveServerFailures: number;
  readonly maxRetryWaitMs: number;
  private readonly onWait: ((untilMs: number) => void) | undefined;
  private readonly now: () => number;
  private readonly cleanups = new Set<() => Promise<void> | void>();
  private rejectForced: ((error: ForcedStop) => void) | undefined;
  stopReason: { code: string; message: string } | undefined;
  /** Requests on the wire now (what a signal waits for): the paying pass's throttle counts them. */
  requestsOnTheWire: () => number = () => 0;
  /** Rejects with `ForcedStop` when the stop is forced; never resolves. */
  readonly forced: Promise<never>;
  isForced = false;

  constructor(options: RunControlOptions | number = {}) {
    const opts = typeof options === 'number' ? { maxConsecutiveServerFailures: options } : options;
    this.maxConsecutiveServerFailures = opts.maxConsecutiveServerFailures ?? 20;
    this.maxRetryWaitMs = opts.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_SECONDS * 1000;
    this.onWait = opts.onWait;
    this.now = opts.now ?? Date.now;
    this.forced = new Promise<never>((_, reject) => (this.rejectForced = reject));
    this.forced.catch(() => undefined); // nobody may be listening when it is forced
    setMaxListeners(0, this.controller.signal); // every row waiting to retry or poll listens to it (no leak: each wait removes its listener)
  }

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

  /** Runs at a forced stop (release the lock, remove temporary files); removed once done with. */
  atForcedStop(cleanup: () => Promise<void> | void): () => void {
    this.cleanups.add(cleanup);
    return () => this.cleanups.delete(cleanup);
  }

  /** Second signal: stop now. Cleans up (each step bounded in time), then rejects `forced`. */
  async force(): Promise<void> {
    if (this.isForced) return;
    this.isForced = true;
    this.stop('forced', 'forced stop');
    const steps = [...this.cleanups].map(async (cleanup) => cleanup());
    await Promise.race([Promise.allSettled(steps), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    this.rejectForced?.(new ForcedStop());
  }

  /**
   * The API asked us to wait `ms` (Retry-After). Past the limit the run stops, naming when to
   * rerun; otherwise whoever shows progress is told until when the run waits.
   */
  retryAfter(ms: number): void {
    const until = this.now() + ms;
    if (ms > this.maxRetryWaitMs) {
      const seconds = Math.ceil(ms / 1000);
      this.stop(
        'retry_after_too_long',
        `the API asked to wait ${seconds} s before the next request (Retry-After), longer than this run waits (--max-retry-wait ${Math.round(this.maxRetryWaitMs / 1000)}); ` +
          `rerun the same command after ${new Date(until).toISOString().replace(/\.\d+Z$/, 'Z')}`,
      );
      return;
    }
    if (ms > 0) this.onWait?.(until);
  }

  /** Count server failures in a row across all rows: many mean the API is down. */
  observe(event: RowEvent): void {
    if (event.kind !== 'failed') {
      this.consecutiveServerFailures = 0;
      return;
    }
    // A 429 to a create or process may be a duplicate, not throttling: the row looks it up first,
    // and only one shown to be throttling slows the run down (the runner's onThrottled).
    if (event.failure.class === 'throttled_or_duplicate') return;
    if (event.failure.retryAfterMs !== undefined) this.retryAfter(event.failure.retryAfterMs);
    if (!isServerFailure(event.failure.class)) return;
    this.consecutiveServerFailures += 1;
    if (this.consecutiveServerFailures >= this.maxConsecutiveServerFailures) {
      this.stop(
        'api_unavailable',
        `${this.consecutiveServerFailures} requests in a row failed (last: ${event.failure.message}); the API looks down. Rerun the same command once it is back: the journal resumes where this run stopped`,
      );
    }
  }
}
