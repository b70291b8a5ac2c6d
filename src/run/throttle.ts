import { setTimeout as sleep } from 'node:timers/promises';

/**
 * One gate in front of every request: `--max-rate` as a token bucket, a run-wide pause while the
 * API asks us to back off (Retry-After), and fewer rows in flight while 429s keep coming
 * (halve on a 429, add one back after a run of successes). It owns the run's concurrency limit:
 * every request waits for a `slot`.
 */
export class Throttle {
  /** Slots allowed now; `#active` may exceed it for a while after a 429 halves it. */
  #limit: number;
  #active = 0;
  /** Requests waiting for a slot, oldest first from `#next`; a slot freed is handed to the oldest. */
  #waiting: (() => void)[] = [];
  #next = 0;
  private readonly intervalMs: number;
  private nextSlot = 0;
  private pausedUntil = 0;
  private successes = 0;
  private readonly maxConcurrency: number;

  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<unknown>;
  /** The longest Retry-After the run waits (`--max-retry-wait`); the transport never waits longer by itself. */
  readonly maxWaitMs: number | undefined;
  /** Told of every Retry-After, before waiting: the run decides whether to wait (and shows it) or stop. */
  onPause: ((ms: number) => void) | undefined;

  constructor(opts: {
    maxRate?: number;
    concurrency: number;
    maxWaitMs?: number;
    onPause?: (ms: number) => void;
    now?: () => number;
    sleep?: (ms: number) => Promise<unknown>;
  }) {
    this.intervalMs = opts.maxRate ? 1000 / opts.maxRate : 0;
    this.maxConcurrency = opts.concurrency;
    this.maxWaitMs = opts.maxWaitMs;
    this.onPause = opts.onPause;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? sleep;
    this.#limit = opts.concurrency;
  }

  /**
   * Runs `send` once one of the `concurrency` slots is free; the slot is held until it settles.
   * No async wrapper: the answer is `send`'s own promise, the slot freed by a reaction to it that
   * runs before the caller's. (p-limit made five promises and a bound function a request.)
   */
  slot<T>(send: () => Promise<T>): Promise<T> {
    if (this.#active < this.#limit) {
      this.#active += 1; // then nobody waits: a freed slot is handed over at once
      return this.#held(send);
    }
    return new Promise<void>((resolve) => this.#waiting.push(resolve)).then(() => this.#held(send)); // counted when handed over
  }

  /** `send` made under a slot already counted, freed once it settles (or throws). */
  #held<T>(send: () => Promise<T>): Promise<T> {
    let sent: Promise<T>;
    try {
      sent = send();
    } catch (error) {
      this.#release();
      return Promise.reject(error as Error);
    }
    sent.then(this.#release, this.#release);
    return sent;
  }

  readonly #release = (): void => {
    this.#active -= 1;
    this.#handOver();
  };

  #handOver(): void {
    while (this.#active < this.#limit && this.#next < this.#waiting.length) {
      this.#active += 1;
      this.#waiting[this.#next++]!();
    }
    // Handed-over entries are dropped in bulk (shift() copies the whole queue each time).
    if (this.#next > 1024 && this.#next * 2 > this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#next);
      this.#next = 0;
    }
  }

  /** Slots allowed now (fewer than asked for while 429s keep coming). */
  get concurrency(): number {
    return this.#limit;
  }

  #setLimit(limit: number): void {
    this.#limit = limit;
    this.#handOver();
  }

  /** Slots in use: requests on the wire. */
  get active(): number {
    return this.#active;
  }

  readonly beforeRequest = async (): Promise<void> => {
    let now = this.now();
    if (this.pausedUntil > now) {
      await this.sleep(this.pausedUntil - now);
      now = this.now();
    }
    if (this.intervalMs === 0) return;
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    if (slot > now) await this.sleep(slot - now);
  };

  readonly onResponse = (status: number, readOnly = true): void => {
    if (status === 429) {
      // A 429 to a create or process may be a duplicate: only once shown to be throttling (`throttled`) does it count.
      if (readOnly) this.slowDown();
      return;
    }
    if (status === 0 || status >= 400 || this.#limit >= this.maxConcurrency) return;
    this.successes += 1;
    if (this.successes >= this.#limit * 4) {
      this.successes = 0;
      this.#setLimit(this.#limit + 1);
    }
  };

  /** A 429 to a create or process that a lookup or read showed was throttling: as a 429 to a read. */
  throttled(retryAfterMs: number | undefined): void {
    this.slowDown();
    if (retryAfterMs !== undefined && retryAfterMs > 0) this.pause(retryAfterMs);
  }

  private slowDown(): void {
    this.successes = 0;
    if (this.#limit > 1) this.#limit = Math.max(1, Math.floor(this.#limit / 2));
  }

  /** The server asked everyone to wait: hold every request, not just the one that was refused. */
  pause(ms: number): void {
    this.onPause?.(ms);
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }
}
