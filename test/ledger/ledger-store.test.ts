import { mkdtemp, readdir, readFile, rm, stat, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry, LedgerEntryV1 } from '../../src/ledger/ledger-entry.js';
import { accountFolder, ledgerRoot, type LedgerAccount } from '../../src/ledger/ledger-location.js';
import { openLedger } from '../../src/ledger/ledger-store.js';

const ACCOUNT: LedgerAccount = { origin: 'https://api.example.com', keyId: 'key_1', mode: 'test' };
const CARD = '4111111111111111';

function entry(ref: string, payee: string, over: Partial<LedgerEntryV1> = {}): LedgerEntry {
  return { v: 1, kind: 'paid', ref, payee, currency: 'USD', amount: '10.00', at: new Date().toISOString(), file: 'payouts.csv', ...over };
}

describe('the ledger on disk', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mp-ledger-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lives in a 0700 folder per account with 0600 files, and holds no card number', async () => {
    const ledger = await openLedger(root, ACCOUNT);
    const payee = ledger.payeeKey({ service: 'payment_card_usd', fields: { card_number: CARD } });
    await ledger.update(() => [entry('r-1', payee)]);
    expect(ledger.dir).toBe(accountFolder(root, ACCOUNT));
    expect((await stat(ledger.dir)).mode & 0o777).toBe(0o700);
    for (const name of await readdir(ledger.dir)) {
      expect((await stat(join(ledger.dir, name))).mode & 0o777, name).toBe(0o600);
      expect(await readFile(join(ledger.dir, name), 'utf8')).not.toContain(CARD);
      expect(await readFile(join(ledger.dir, name), 'utf8')).not.toContain(CARD.slice(6));
    }
    expect((await readdir(ledger.dir)).sort()).toEqual(['account.json', 'payouts.jsonl', 'secret']);
  });

  it('keys payees with its own secret: equal payees match, another ledger gives other keys', async () => {
    const a = await openLedger(root, ACCOUNT);
    const other = await openLedger(root, { ...ACCOUNT, mode: 'live' });
    await a.update(() => []);
    await other.update(() => []);
    const again = await openLedger(root, ACCOUNT);
    const payee = { service: 'test_usd', fields: { account: '100001' } };
    expect(again.payeeKey(payee)).toBe(a.payeeKey(payee));
    expect(a.payeeKey({ service: 'test_usd', fields: { account: '100002' } })).not.toBe(a.payeeKey(payee));
    expect(other.payeeKey(payee)).not.toBe(a.payeeKey(payee));
    expect(other.dir).not.toBe(a.dir);
  });

  it('is created by the first update, not by reading: a dry run leaves nothing behind', async () => {
    const ledger = await openLedger(root, ACCOUNT);
    const before = ledger.payeeKey({ service: 'test_usd', fields: { account: '1' } });
    expect(await readdir(root)).toEqual([]);
    await ledger.update(() => []);
    expect((await readdir(ledger.dir)).sort()).toEqual(['account.json', 'secret']);
    // From then on payees are keyed with the stored secret, as every later run keys them.
    const after = ledger.payeeKey({ service: 'test_usd', fields: { account: '1' } });
    expect(after).not.toBe(before);
    expect((await openLedger(root, ACCOUNT)).payeeKey({ service: 'test_usd', fields: { account: '1' } })).toBe(after);
  });

  it('a reopened ledger holds what was written; a torn last line is cut off, never glued to the next entry', async () => {
    const first = await openLedger(root, ACCOUNT);
    await first.update(() => [entry('r-1', 'P')]);
    await appendFile(join(first.dir, 'payouts.jsonl'), '{"v":1,"kind":"paid","ref":"torn');
    const second = await openLedger(root, ACCOUNT);
    expect(second.index.hasRef('r-1')).toBe(true);
    await second.update(() => [entry('r-2', 'P')]);
    await second.update(() => [entry('r-3', 'P')]);
    const warnings: string[] = [];
    const third = await openLedger(root, ACCOUNT, { onWarning: (m) => warnings.push(m) });
    expect(third.index.hasRef('r-1') && third.index.hasRef('r-2') && third.index.hasRef('r-3')).toBe(true);
    expect(third.index.hasRef('torn')).toBe(false);
    expect(warnings).toHaveLength(0);
    expect(await readFile(join(first.dir, 'payouts.jsonl'), 'utf8')).not.toContain('torn');
  });

  it('two runs appending at once lose nothing, and each sees what the other wrote before deciding', async () => {
    const a = await openLedger(root, ACCOUNT);
    const b = await openLedger(root, ACCOUNT);
    const aSeenByB = new Map<string, number>();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? a.update(() => [entry(`a-${i}`, 'P')])
          : b.update((index) => {
              aSeenByB.set(`b-${i}`, Array.from({ length: 20 }, (_, j) => index.hasRef(`a-${2 * j}`)).filter(Boolean).length);
              return [entry(`b-${i}`, 'P')];
            }),
      ),
    );
    const reopened = await openLedger(root, ACCOUNT);
    for (let i = 0; i < 40; i++) expect(reopened.index.hasRef(`${i % 2 === 0 ? 'a' : 'b'}-${i}`)).toBe(true);
    const lines = (await readFile(join(a.dir, 'payouts.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(40);
    // b catches up under the lock: when it decided, it knew every line a had written before b's
    const refs = lines.map((l) => (JSON.parse(l) as LedgerEntry).ref);
    for (const [ref, seen] of aSeenByB) {
      expect(seen, ref).toBe(refs.slice(0, refs.indexOf(ref)).filter((r) => r.startsWith('a-')).length);
    }
  });

  it('defaults to the data folder, overridable by MILKYPAY_LEDGER_DIR and --ledger', () => {
    expect(ledgerRoot({ HOME: '/home/op' }, '/w')).toBe('/home/op/.local/share/milkypay-payouts/ledger');
    expect(ledgerRoot({ HOME: '/home/op', XDG_DATA_HOME: '/data' }, '/w')).toBe('/data/milkypay-payouts/ledger');
    expect(ledgerRoot({ HOME: '/home/op', MILKYPAY_LEDGER_DIR: 'shared' }, '/w')).toBe('/w/shared');
    expect(ledgerRoot({ MILKYPAY_LEDGER_DIR: '/vol/ledger' }, '/w', '/mnt/other')).toBe('/mnt/other');
  });
});
