import { describe, expect, it } from 'vitest';
import { Throttle } from '../../src/run/throttle.js';

/** A virtual clock: sleeping moves time forward, so rates are checked without waiting. */
function clock() {
  let t = 1_000_000;
  return { now: () => t, sleep: async (ms: number) => void (t += ms), elapsed: (from: number) => t - from, start: t };
}

describe('Throttle', () => {
  it('--max-rate spaces requests so no second holds more than N', async () => {
    const c = clock();
    const throttle = new Throttle({ maxRate: 10, concurrency: 8, now: c.now, sleep: c.sleep });
    const times: number[] = [];
    for (let i = 0; i < 35; i += 1) {
      await throttle.beforeRequest();
      times.push(c.now());
    }
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(10);
    expect(c.elapsed(c.start)).toBeGreaterThanOrEqual(3400);
  });

  it('without --max-rate requests go at once', async () => {
    const c = clock();
    const throttle = new Throttle({ concurrency: 8, now: c.now, sleep: c.sleep });
    for (let i = 0; i < 100; i += 1) await throttle.beforeRequest();
    expect(c.elapsed(c.start)).toBe(0);
  });

  it('a Retry-After pauses every request, not just the refused one', async () => {
    const c = clock();
    const throttle = new Throttle({ concurrency: 8, now: c.now, sleep: c.sleep });
    throttle.pause(2000);
    await throttle.beforeRequest();
    expect(c.elapsed(c.start)).toBe(2000);
    await throttle.beforeRequest();
    expect(c.elapsed(c.start)).toBe(2000);
  });

  it('halves the rows in flight on each 429 and adds one back after a run of successes', () => {
    const throttle = new Throttle({ concurrency: 32 });
    throttle.onResponse(429);
    expect(throttle.concurrency).toBe(16);
    throttle.onResponse(429);
    throttle.onResponse(429);
    throttle.onResponse(429);
    throttle.onResponse(429);
    throttle.onResponse(429);
    expect(throttle.concurrency).toBe(1);
    for (let i = 0; i < 4; i += 1) throttle.onResponse(200);
    expect(throttle.concurrency).toBe(2);
    for (let i = 0; i < 2000; i += 1) throttle.onResponse(201);
    expect(throttle.concurrency).toBe(32);
    throttle.onResponse(0); // no answer at all is not a success
    throttle.onResponse(503);
    expect(throttle.concurrency).toBe(32);
  });
});
