import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/ledger/ledger-entry.js';
import { parseRepeatWindow } from '../../src/ledger/repeat-window.js';
import { parseRepeatKey, type RepeatKey } from '../../src/ledger/repeat-key.js';
import { RepeatIndex } from '../../src/ledger/repeat-check.js';
import { RepeatGuard, type RepeatCandidate } from '../../src/ledger/repeat-guard.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const DAY = 86_400_000;

function paid(ref: string, at: number, over: Partial<LedgerEntry> = {}): LedgerEntry {
  return { v: 2, kind: 'paid', ref, service: 'test_usd', payee: 'P1', currency: 'USD', amount: '25.00', at: new Date(at).toISOString(), file: 'affiliates.csv', desc: '', ...over } as LedgerEntry;
}

function row(ref: string, line: number, over: Partial<RepeatCandidate> = {}): RepeatCandidate {
  return { ref, line, service: 'test_usd', payee: 'P1', currency: 'USD', amount: '25.00', desc: '', allowRepeat: false, ...over };
}

function guard(entries: LedgerEntry[], windowMs = 3 * DAY, key?: RepeatKey): RepeatGuard {
  const index = new RepeatIndex(key ? { key } : {});
  for (const e of entries) index.apply(e);
  return new RepeatGuard(index, { windowMs, windowText: '3d', now: NOW });
}

describe('the repeat-payee check', () => {
  it('holds the same payee, currency and amount paid under another reference within the window, naming it', () => {
    const v = guard([paid('aff-2026-11-26-1', NOW - DAY)]).check(row('7f3c-uuid', 2));
    expect(v.held).toBe(true);
    expect(v.held && v.message).toMatch(/paid, or is due to be, under reference "aff-2026-11-26-1" from affiliates\.csv at 2026-11-26T12:00:00Z, within the 3d repeat window/);
    expect(v.held && v.message).toMatch(/--allow-repeat/);
  });

  it('does not hold what falls outside the window, another amount, currency or payee', () => {
    expect(guard([paid('old', NOW - 3 * DAY - 1)]).check(row('new', 2)).held).toBe(false);
    expect(guard([paid('a', NOW - DAY)]).check(row('b', 2, { amount: '25.01' })).held).toBe(false);
    expect(guard([paid('a', NOW - DAY)]).check(row('b', 2, { currency: 'EUR' })).held).toBe(false);
    expect(guard([paid('a', NOW - DAY)]).check(row('b', 2, { payee: 'P2' })).held).toBe(false);
  });

  it('treats 25.5 and 25.50 as the same amount', () => {
    expect(guard([paid('a', NOW - DAY, { amount: '25.5' })]).check(row('b', 2, { amount: '25.50' })).held).toBe(true);
  });

  it('never holds a row already paid under its own reference (a rerun)', () => {
    const g = guard([paid('a', NOW - DAY), paid('b', NOW - DAY)]);
    expect(g.check(row('a', 2)).held).toBe(false);
    expect(g.check(row('b', 3)).held).toBe(false);
  });

  it('a payout voided (failed or rejected) holds nothing; paid again under the same reference it holds again', () => {
    const entries = [paid('a', NOW - DAY), { ...paid('a', NOW - DAY), kind: 'void' as const }];
    expect(guard(entries).check(row('a-r2', 2)).held).toBe(false);
    expect(guard([...entries, paid('a', NOW - 1000)]).check(row('a-r2', 2)).held).toBe(true);
  });

  it('holds the second of two equal rows in one file, naming the first; the first is paid', () => {
    const g = guard([]);
    expect(g.check(row('x-1', 2)).held).toBe(false);
    const second = g.check(row('x-2', 5));
    expect(second.held && second.message).toMatch(/earlier in this file under reference "x-1" \(line 2\)/);
    expect(g.check(row('y-1', 6, { payee: 'P2' })).held).toBe(false);
  });

  it('--allow-repeat or the allow_repeat column lets a repeat through', () => {
    const g = guard([paid('a', NOW - DAY)]);
    expect(g.check(row('b', 2, { allowRepeat: true })).held).toBe(false);
    expect(g.check(row('c', 3, { allowRepeat: true })).held).toBe(false);
  });

  it('a window of 0 turns the guard off', () => {
    const g = guard([paid('a', NOW - DAY)], 0);
    expect(g.check(row('b', 2)).held).toBe(false);
    expect(g.check(row('c', 3)).held).toBe(false);
  });

  it('reads windows as 12h, 3d, 30d, 90m or 0, and refuses anything else naming the source', () => {
    expect(parseRepeatWindow('12h', '--repeat-window')).toBe(12 * 3_600_000);
    expect(parseRepeatWindow('3d', '--repeat-window')).toBe(3 * DAY);
    expect(parseRepeatWindow(' 30d ', '--repeat-window')).toBe(30 * DAY);
    expect(parseRepeatWindow('90m', '--repeat-window')).toBe(90 * 60_000);
    expect(parseRepeatWindow('0', '--repeat-window')).toBe(0);
    for (const bad of ['3', '3w', '-1d', '1.5d', '']) {
      expect(() => parseRepeatWindow(bad, 'MILKYPAY_REPEAT_WINDOW')).toThrow(/MILKYPAY_REPEAT_WINDOW .* is not a window/);
    }
  });

  it('descriptions: two payouts with different ones are two payouts; a row without one matches any', () => {
    const g = guard([paid('a', NOW - DAY, { desc: 'D1' })]);
    expect(g.check(row('b', 2, { desc: 'D2' })).held).toBe(false);
    expect(g.check(row('c', 3, { desc: 'D1' })).held).toBe(true);
    expect(guard([paid('a', NOW - DAY, { desc: 'D1' })]).check(row('d', 4)).held).toBe(true);
    expect(guard([paid('a', NOW - DAY)]).check(row('e', 5, { desc: 'D9' })).held).toBe(true);
    expect(guard([paid('a', NOW - DAY, { desc: 'D1' })], 3 * DAY, parseRepeatKey('payee,amount')).check(row('f', 6, { desc: 'D2' })).held).toBe(true);
  });

  it('descriptions in one file: the same rule, whatever the order of the rows', () => {
    const g = guard([]);
    expect(g.check(row('r1', 2, { desc: 'D1' })).held).toBe(false);
    expect(g.check(row('r2', 3, { desc: 'D2' })).held).toBe(false);
    const third = g.check(row('r3', 4, { desc: 'D1' }));
    expect(third.held && third.message).toMatch(/under reference "r1" \(line 2\)/);
    expect(g.check(row('r4', 5)).held).toBe(true); // no description: the same as any of them
    const after = guard([]);
    expect(after.check(row('s1', 2)).held).toBe(false);
    expect(after.check(row('s2', 3, { desc: 'D7' })).held).toBe(true); // an earlier row without one
  });

  it('a key without the amount holds any amount to the payee; without the payee, any payee at that amount', () => {
    expect(guard([paid('a', NOW - DAY)], 3 * DAY, parseRepeatKey('payee')).check(row('b', 2, { amount: '99.00' })).held).toBe(true);
    expect(guard([paid('a', NOW - DAY)], 3 * DAY, parseRepeatKey('amount')).check(row('b', 2, { payee: 'P7' })).held).toBe(true);
    expect(guard([paid('a', NOW - DAY)], 3 * DAY, parseRepeatKey('amount')).check(row('b', 2, { service: 'other' })).held).toBe(false);
  });

  it('a version-1 entry (payee as sent, no description) holds by its own key whatever the description', () => {
    const v1: LedgerEntry = { v: 1, kind: 'paid', ref: 'old', payee: 'L1', currency: 'USD', amount: '25.00', at: new Date(NOW - DAY).toISOString(), file: 'old.csv' };
    const held = guard([v1]).check(row('n', 2, { payee: 'P-new', desc: 'D1', legacyPayee: () => 'L1' }));
    expect(held.held && held.message).toMatch(/"old" from old\.csv/);
    expect(guard([v1]).check(row('n', 2, { payee: 'P-new', legacyPayee: () => 'L2' })).held).toBe(false);
    expect(guard([v1]).check(row('n', 2, { legacyPayee: () => 'L1', amount: '25.01' })).held).toBe(false);
  });

  it('the advice names the command for this row, and for a payout due on a schedule a shorter window', () => {
    const v = guard([paid('fee-2026-11-26', NOW - DAY)]).check(row("fee 27'th", 2));
    expect(v.held && v.message).toContain(`--allow-repeat-of 'fee 27'\\''th'`);
    expect(v.held && v.message).toContain('--repeat-window shorter than its interval (e.g. --repeat-window 12h)');
  });
});
