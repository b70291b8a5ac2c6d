import type { Delays } from '../../src/library.js';

/** Retry and poll waits in milliseconds: what a fault costs stays the same in requests, not in seconds. */
export const FAST_DELAYS: Delays = { retry: { baseMs: 2, capMs: 20 }, poll: { baseMs: 2, capMs: 20 }, request: 2 };
