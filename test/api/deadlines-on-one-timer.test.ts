import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadlines, type Deadline } from '../../src/api/deadlines.js';
import { DeadlineExceeded } from '../../src/api/undici-errors.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function aborted(deadline: Deadline): () => boolean {
  let fired = false;
  deadline.once('abort', () => (fired = true));
  return () => fired;
}

describe('per-attempt deadlines share one timer', () => {
  it('each running attempt is aborted at its own deadline, a finished one never', () => {
    const deadlines = new Deadlines(100, () => Date.now());
    const a = deadlines.start();
    vi.advanceTimersByTime(10);
    const b = deadlines.start();
    vi.advanceTimersByTime(10);
    const c = deadlines.start();
    const [aFired, bFired, cFired] = [aborted(a), aborted(b), aborted(c)];
    deadlines.finish(a);
    vi.advanceTimersByTime(89); // t = 109: b is due at 110
    expect([aFired(), bFired(), cFired()]).toEqual([false, false, false]);
    vi.advanceTimersByTime(1);
    expect([aFired(), bFired(), cFired()]).toEqual([false, true, false]);
    expect(b.reason).toBeInstanceOf(DeadlineExceeded);
    expect(b.reason?.message).toBe('no complete answer in 100 ms');
    vi.advanceTimersByTime(10);
    expect(cFired()).toBe(true);
    expect(a.reason).toBeUndefined();
    expect(deadlines.pending).toBe(0);
  });

  it('holds one timer however many attempts run, and none once they have ended', () => {
    const deadlines = new Deadlines(30_000, () => Date.now());
    const running = Array.from({ length: 500 }, () => deadlines.start());
    expect(vi.getTimerCount()).toBe(1);
    for (const deadline of running.slice(0, 250).reverse()) deadlines.finish(deadline); // out of order
    expect(deadlines.pending).toBe(250);
    for (const deadline of running.slice(250)) deadlines.finish(deadline);
    expect(deadlines.pending).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a stalled attempt does not hold back the ones behind it, nor keep them after it expires', () => {
    const deadlines = new Deadlines(1_000, () => Date.now());
    const stalled = deadlines.start();
    const stalledFired = aborted(stalled);
    for (let i = 0; i < 3_000; i++) {
      vi.advanceTimersByTime(1);
      deadlines.finish(deadlines.start());
    }
    expect(stalledFired()).toBe(true);
    expect(deadlines.pending).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
