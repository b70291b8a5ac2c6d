import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, backoffDelay } from '../../src/payout/backoff.js';
import { seeded } from './machine-helpers.js';

const low = () => 0;
const high = () => 0.999_999;

describe('backoffDelay', () => {
  it('doubles the ceiling with each attempt, starting at the base', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, undefined, DEFAULT_BACKOFF, high))).toEqual([200, 400, 800, 1600, 3200]);
  });

  it('never waits less than half the ceiling (jitter keeps a floor)', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, undefined, DEFAULT_BACKOFF, low))).toEqual([100, 200, 400, 800, 1600]);
  });

  it('stops growing at the cap, even for absurd attempt numbers', () => {
    for (const attempt of [7, 8, 20, 100, 1_100, 5_000]) {
      const delay = backoffDelay(attempt, undefined, DEFAULT_BACKOFF, high);
      expect(delay).toBe(DEFAULT_BACKOFF.capMs);
      expect(backoffDelay(attempt, undefined, DEFAULT_BACKOFF, low)).toBe(DEFAULT_BACKOFF.capMs / 2);
    }
  });

  it('treats attempt 0 or below like the first retry', () => {
    expect(backoffDelay(0, undefined, DEFAULT_BACKOFF, high)).toBe(200);
    expect(backoffDelay(-3, undefined, DEFAULT_BACKOFF, high)).toBe(200);
  });

  it('honours a Retry-After longer than the backoff', () => {
    expect(backoffDelay(1, 7_000, DEFAULT_BACKOFF, high)).toBe(7_000);
  });

  it('honours a Retry-After longer than the cap: the server knows when it will take us again', () => {
    expect(backoffDelay(30, 60_000, DEFAULT_BACKOFF, high)).toBe(60_000);
  });

  it('keeps its own backoff when the Retry-After is shorter', () => {
    expect(backoffDelay(4, 100, DEFAULT_BACKOFF, high)).toBe(1_600);
    expect(backoffDelay(4, 0, DEFAULT_BACKOFF, low)).toBe(800);
  });

  it('follows a custom policy', () => {
    const policy = { baseMs: 250, capMs: 5_000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => backoffDelay(a, undefined, policy, high))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
  });

  it('always lands within [ceiling/2, ceiling] for any random draw, as whole milliseconds', () => {
    const random = seeded(42);
    const outside: string[] = [];
    for (let i = 0; i < 2_000; i++) {
      const attempt = 1 + Math.floor(random() * 12);
      const ceiling = Math.min(DEFAULT_BACKOFF.capMs, DEFAULT_BACKOFF.baseMs * 2 ** (attempt - 1));
      const delay = backoffDelay(attempt, undefined, DEFAULT_BACKOFF, random);
      if (!Number.isInteger(delay) || delay < ceiling / 2 || delay > ceiling) outside.push(`attempt ${attempt}: ${delay}`);
    }
    expect(outside).toEqual([]);
  });

  it('uses Math.random by default and stays within the first retry window', () => {
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(1, undefined);
      expect(delay).toBeGreaterThanOrEqual(100);
      expect(delay).toBeLessThanOrEqual(200);
    }
  });
});
