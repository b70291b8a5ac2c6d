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

describe('Throttle slots', () => {
  /** A request that stays on the wire until `answer` is called. */
  function held() {
    const answers: (() => void)[] = [];
    const started: number[] = [];
    const request = (i: number) => () =>
      new Promise<number>((resolve) => {
        started.push(i);
        answers.push(() => resolve(i));
      });
    return { request, started, answer: (k: number) => answers[k]!() };
  }

  it('holds at most `concurrency` requests on the wire and hands each freed slot to the oldest waiting', async () => {
    const throttle = new Throttle({ concurrency: 2 });
    const h = held();
    const done = [0, 1, 2, 3].map((i) => throttle.slot(h.request(i)));
    await Promise.resolve();
    expect(h.started).toEqual([0, 1]);
    expect(throttle.active).toBe(2);
    h.answer(1);
    await expect(done[1]).resolves.toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.started).toEqual([0, 1, 2]);
    // A request asking for a slot now waits behind those already waiting.
    const late = throttle.slot(h.request(4));
    h.answer(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.started).toEqual([0, 1, 2, 3]);
    expect(throttle.active).toBe(2);
    h.answer(2);
    h.answer(3);
    await new Promise((resolve) => setImmediate(resolve));
    h.answer(4);
    await expect(late).resolves.toBe(4);
    expect(throttle.active).toBe(0);
  });

  it('frees the slot of a request that failed, and hands back slots as the limit grows after a 429', async () => {
    const throttle = new Throttle({ concurrency: 2 });
    await expect(throttle.slot(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(throttle.active).toBe(0);
    throttle.onResponse(429);
    expect(throttle.concurrency).toBe(1);
    const h = held();
    const done = [0, 1].map((i) => throttle.slot(h.request(i)));
    await Promise.resolve();
    expect(h.started).toEqual([0]);
    for (let i = 0; i < 4; i += 1) throttle.onResponse(200);
    expect(throttle.concurrency).toBe(2);
    await Promise.resolve();
    expect(h.started).toEqual([0, 1]);
    h.answer(0);
    h.answer(1);
    await expect(Promise.all(done)).resolves.toEqual([0, 1]);
    expect(throttle.active).toBe(0);
  });
});
