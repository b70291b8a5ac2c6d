import { describe, expect, it } from 'vitest';
import { isFinalStatus, outcomeOfStatus } from '../../src/payout/outcome.js';

const FINAL: [string, string][] = [
  ['processed', 'processed'],
  ['partially_processed', 'partial'],
  ['process_failed', 'failed'],
  ['expired', 'failed'],
  ['terminated', 'failed'],
];
const NOT_FINAL = ['processing', 'process_pending', 'process_error', 'submitted', 'on_hold_by_some_new_rule'];

describe('statuses', () => {
  it.each(FINAL)('%s is final (%s)', (status, outcome) => {
    expect(isFinalStatus(status)).toBe(true);
    expect(outcomeOfStatus(status)).toBe(outcome);
  });

  it.each(['created', ...NOT_FINAL, ''])('%s is not final: submitted', (status) => {
    expect(isFinalStatus(status)).toBe(false);
    expect(outcomeOfStatus(status)).toBe('submitted');
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('%s (an Object.prototype name) is not final', (status) => {
    expect(isFinalStatus(status)).toBe(false);
  });

  it.each(['constructor', 'toString', '__proto__'])('%s (an Object.prototype name) has outcome submitted', (status) => {
    expect(outcomeOfStatus(status)).toBe('submitted');
  });
});
