import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/ledger/ledger-entry.js';
import type { LedgerAccount } from '../../src/ledger/ledger-location.js';
import { openLedger } from '../../src/ledger/ledger-store.js';
import { RepeatIndex } from '../../src/ledger/repeat-check.js';
import { RepeatGuard, type RepeatCandidate } from '../../src/ledger/repeat-guard.js';
import { FirstSeen, hashOf } from '../../src/rules/first-seen.js';

// The index and the rows-seen set keep only 32-bit hashes in memory. With these, every key (or
// every key of one of 64 buckets) shares its hash: the answers must be exactly those of a plain map.
const ONE_HASH = (): number => 7;
const FEW_HASHES = (key: string): number => hashOf(key) & 63;

const NOW = Date.parse('2026-11-27T12:00:00Z');
const DAY = 86_400_000;
const ACCOUNT: LedgerAccount = { origin: 'https://api.example.com', keyId: 'key_1', mode: 'test' };

function paid(ref: string, payee: string, at: number, over: Partial<LedgerEntry> = {}): LedgerEntry {
  return { v: 2, kind: 'paid', ref, service: 'test_usd', payee, currency: 'USD', amount: '25.00', at: new Date(at).toISOString(), file: 'affiliates.csv', desc: '', ...over } as LedgerEntry;
}

function row(ref: string, line: number, payee: string, over: Partial<RepeatCandidate> = {}): RepeatCandidate {
  return { ref, line, service: 'test_usd', payee, currency: 'USD', amount: '25.00', desc: '', allowRepeat: false, ...over };
}

describe('the repeat-payee check is exact when hashes collide', () => {
  it('the ledger index: only the same payee, currency and amount under another reference holds', () => {
    const index = new RepeatIndex({ hash: ONE_HASH });
    index.apply(paid('a', 'P1', NOW - DAY));
    index.apply(paid('b', 'P2', NOW - DAY));
    index.apply(paid('c', 'P1', NOW - DAY, { amount: '30.00' }));
    index.apply(paid('d', 'P1', NOW - DAY, { currency: 'EUR' }));
    const guard = new RepeatGuard(index, { windowMs: 3 * DAY, windowText: '3d', now: NOW, hash: ONE_HASH });
    const held = guard.check(row('new-1', 2, 'P1'));
    expect(held.held && held.message).toMatch(/under reference "a" from affiliates\.csv/);
    // Every one of these shares its hash with an entry, and none is the same payout.
    expect(guard.check(row('new-2', 3, 'P3')).held).toBe(false);
    expect(guard.check(row('new-3', 4, 'P2', { amount: '25.01' })).held).toBe(false);
    expect(guard.check(row('new-4', 5, 'P4', { currency: 'GBP' })).held).toBe(false);
    expect(index.hasRef('a') && index.hasRef('d')).toBe(true);
    expect(index.hasRef('e') || index.hasRef('A')).toBe(false);
    expect(index.has('a', { service: 'test_usd', payee: 'P1', currency: 'USD', amount: '25.0', desc: '' })).toBe(true);
    expect(index.has('a', { service: 'test_usd', payee: 'P2', currency: 'USD', amount: '25.00', desc: '' }) || index.has('b', { service: 'test_usd', payee: 'P1', currency: 'USD', amount: '25.00', desc: '' })).toBe(false);
  });

  it('a void cancels only the payout it names, and the latest of several payouts is the one named', () => {
    const index = new RepeatIndex({ hash: ONE_HASH });
    index.apply(paid('a', 'P1', NOW - 2 * DAY));
    index.apply(paid('b', 'P1', NOW - DAY, { file: 'second.csv' }));
    index.apply(paid('x', 'P2', NOW - DAY));
    index.apply({ ...paid('b', 'P2', NOW - DAY), kind: 'void' }); // same reference, another payee: cancels nothing
    index.apply({ ...paid('x', 'P2', NOW - DAY), kind: 'void' });
    const guard = new RepeatGuard(index, { windowMs: 3 * DAY, windowText: '3d', now: NOW, hash: ONE_HASH });
    const v = guard.check(row('new', 2, 'P1'));
    expect(v.held && v.message).toMatch(/under reference "b" from second\.csv/);
    expect(index.hasRef('x')).toBe(false);
    expect(guard.check(row('new-2', 3, 'P2')).held).toBe(false);
    index.apply({ ...paid('b', 'P1', NOW - DAY), kind: 'void' });
    expect(new RepeatGuard(index, { windowMs: 3 * DAY, windowText: '3d', now: NOW, hash: ONE_HASH }).check(row('new', 2, 'P1'))).toMatchObject({ held: true, message: expect.stringMatching(/reference "a"/) });
  });

  it('rows seen in the file: a shared hash is never a repeat, a real repeat always is, past the in-memory buffer too', () => {
    const seen = new FirstSeen(FEW_HASHES);
    const rows = 3000; // about 270 KB of records: most of them are read back from the scratch file
    try {
      for (let i = 0; i < rows; i++) expect(seen.firstOrAdd(`payee-${i}\u0000USD\u000025`, { ref: `ref-${i}`, line: i + 2 })).toBeUndefined();
      for (let i = 0; i < rows; i += 97) expect(seen.firstOrAdd(`payee-${i}\u0000USD\u000025`, { ref: `again-${i}`, line: rows + i })).toEqual({ ref: `ref-${i}`, line: i + 2 });
      expect(seen.firstOrAdd(`payee-${rows}\u0000USD\u000025`, { ref: 'last', line: 1 })).toBeUndefined();
    } finally {
      seen.close();
    }
  });

  it('the guard holds the second of two equal rows in one file, and nothing else, with one hash for all', () => {
    const guard = new RepeatGuard(new RepeatIndex({ hash: ONE_HASH }), { windowMs: 3 * DAY, windowText: '3d', now: NOW, hash: ONE_HASH });
    for (let i = 0; i < 50; i++) expect(guard.check(row(`r-${i}`, i + 2, `P${i}`)).held).toBe(false);
    const second = guard.check(row('again', 60, 'P17'));
    expect(second.held && second.message).toMatch(/earlier in this file under reference "r-17" \(line 19\)/);
    guard.close();
  });

  describe('the ledger on disk, read back to confirm', () => {
    let root: string;
    beforeEach(async () => {
      root = await mkdtemp(join(tmpdir(), 'mp-ledger-exact-'));
    });
    afterEach(async () => {
      await rm(root, { recursive: true, force: true });
    });

    it('a reopened ledger answers exactly from its lines, skipping a torn one', async () => {
      const first = await openLedger(root, ACCOUNT, { hash: ONE_HASH });
      await first.update(() => [paid('a', 'P1', NOW - DAY), paid('b', 'P2', NOW - DAY), paid('c', 'P1', NOW - 10 * DAY)]);
      await first.update(() => [{ ...paid('b', 'P2', NOW - DAY), kind: 'void' }]);
      await appendFile(join(first.dir, 'payouts.jsonl'), '{"v":1,"kind":"paid","ref":"torn');
      const warnings: string[] = [];
      // Entries older than `since` keep only their reference.
      const reopened = await openLedger(root, ACCOUNT, { hash: ONE_HASH, since: NOW - 3 * DAY, onWarning: (m) => warnings.push(m) });
      const index = reopened.index;
      expect([index.hasRef('a'), index.hasRef('b'), index.hasRef('c'), index.hasRef('torn')]).toEqual([true, false, true, false]);
      expect(index.has('c', { service: 'test_usd', payee: 'P1', currency: 'USD', amount: '25.00', desc: '' })).toBe(true);
      expect(index.latestOther({ ref: 'z', service: 'test_usd', payee: 'P1', currency: 'USD', amount: '25.00', desc: '' }, NOW - 30 * DAY)?.ref).toBe('a');
      expect(index.latestOther({ ref: 'z', service: 'test_usd', payee: 'P2', currency: 'USD', amount: '25.00', desc: '' }, NOW - 30 * DAY)).toBeUndefined();
      expect(index.latestOther({ ref: 'a', service: 'test_usd', payee: 'P1', currency: 'USD', amount: '25.00', desc: '' }, NOW - 30 * DAY)).toBeUndefined();
      expect(warnings).toHaveLength(0); // the torn line is the last: left for later, not a warning yet
    });

    it("a run's own appends are not indexed; another run's are, when it next takes the lock", async () => {
      const a = await openLedger(root, ACCOUNT, { hash: ONE_HASH });
      const b = await openLedger(root, ACCOUNT, { hash: ONE_HASH });
      await a.update(() => [paid('a-1', 'P1', NOW)]);
      expect(a.index.hasRef('a-1')).toBe(false);
      let seenByB = false;
      await b.update((index) => {
        seenByB = index.hasRef('a-1') && index.latestOther({ ref: 'b-1', service: 'test_usd', payee: 'P1', currency: 'USD', amount: '25.00', desc: '' }, NOW - DAY)?.ref === 'a-1';
        return [];
      });
      expect(seenByB).toBe(true);
    });
  });
});
