import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/ledger/ledger-entry.js';
import type { LedgerAccount } from '../../src/ledger/ledger-location.js';
import { openLedger } from '../../src/ledger/ledger-store.js';
import { releaseFailed } from '../../src/ledger/release-failed.js';

const ACCOUNT: LedgerAccount = { origin: 'https://api.example.com', keyId: 'key_1', mode: 'test' };

function paid(ref: string, payee: string, over: Partial<LedgerEntry> = {}): LedgerEntry {
  return { v: 2, kind: 'paid', ref, service: 'test_usd', payee, currency: 'USD', amount: '10.00', at: new Date().toISOString(), file: 'batch.csv', desc: '', ...over } as LedgerEntry;
}

describe('releasing payouts found failed after their run', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mp-release-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('voids the entry under the failed reference with its currency and amount; others keep holding', async () => {
    const ledger = await openLedger(root, ACCOUNT);
    await ledger.update(() => [paid('f-1', 'payee-a'), paid('f-2', 'payee-b', { amount: '20.00' }), paid('p-1', 'payee-c')]);
    const released = await releaseFailed(root, ACCOUNT, [
      { ref: 'f-1', currency: 'USD', amount: '10.0' }, // the same amount, written otherwise
      { ref: 'f-2', currency: 'USD', amount: '21.00' }, // not the payout the ledger recorded under f-2
      { ref: 'unknown', currency: 'USD', amount: '10.00' },
    ]);
    expect(released).toEqual(['f-1']);
    const after = await openLedger(root, ACCOUNT);
    expect(after.index.has('f-1', { service: 'test_usd', payee: 'payee-a', currency: 'USD', amount: '10.00', desc: '' })).toBe(false);
    expect(after.index.latestOther({ ref: 'f-1-r2', service: 'test_usd', payee: 'payee-a', currency: 'USD', amount: '10.00', desc: '' }, 0)).toBeUndefined();
    expect(after.index.has('f-2', { service: 'test_usd', payee: 'payee-b', currency: 'USD', amount: '20.00', desc: '' })).toBe(true);
    expect(after.index.has('p-1', { service: 'test_usd', payee: 'payee-c', currency: 'USD', amount: '10.00', desc: '' })).toBe(true);
    // Already released: nothing more to write.
    expect(await releaseFailed(root, ACCOUNT, [{ ref: 'f-1', currency: 'USD', amount: '10.00' }])).toEqual([]);
  });

  it('creates no ledger for an account that has none', async () => {
    expect(await releaseFailed(root, ACCOUNT, [{ ref: 'f-1', currency: 'USD', amount: '10.00' }])).toEqual([]);
    expect(await readdir(root)).toEqual([]);
  });
});
