import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/journal/lock.js';
import type { LedgerEntry, LedgerEntryV1, LedgerEntryV2 } from '../../src/ledger/ledger-entry.js';
import type { LedgerAccount } from '../../src/ledger/ledger-location.js';
import { openLedger, type OpenLedgerOptions } from '../../src/ledger/ledger-store.js';
import type { LedgerFiles } from '../../src/ledger/ledger-write.js';
import { diskFiles } from '../../src/ledger/ledger-write.js';
import { openAtomic } from '../../src/write-atomic.js';

const ACCOUNT: LedgerAccount = { origin: 'https://api.example.com', keyId: 'key_1', mode: 'test' };
const NOW = Date.parse('2026-03-10T12:00:00Z');
const DAY = 86_400_000;

function paid(ref: string, payee: string, daysAgo: number, over: Partial<LedgerEntryV2> = {}): LedgerEntryV2 {
  return { v: 2, kind: 'paid', ref, service: 'test_usd', payee, currency: 'USD', amount: '10.00', desc: '', at: new Date(NOW - daysAgo * DAY).toISOString(), file: 'a.csv', ...over };
}
function voided(e: LedgerEntry, daysAgo: number): LedgerEntry {
  return { ...e, kind: 'void', at: new Date(NOW - daysAgo * DAY).toISOString() };
}
function legacy(ref: string, payee: string, daysAgo: number): LedgerEntryV1 {
  return { v: 1, kind: 'paid', ref, payee, currency: 'USD', amount: '10.00', at: new Date(NOW - daysAgo * DAY).toISOString(), file: 'old.csv' };
}
/** A new row of `payee` (10.00 USD) under a fresh reference. */
function row(payee: string) {
  return { ref: 'new-row', service: 'test_usd', payee, currency: 'USD', amount: '10.00', desc: '' };
}

describe('ledger compaction', () => {
  let root: string;
  const open = (options: OpenLedgerOptions = {}) => openLedger(root, ACCOUNT, { now: () => NOW, since: NOW - 3 * DAY, windowMs: 3 * DAY, durable: false, ...options });
  const files = async (dir: string) => (await readdir(dir)).filter((f) => !f.endsWith('.lock')).sort();
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mp-ledger-compact-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('drops what no run can use (voided, re-paid, older than the retention) and keeps every live payout since', async () => {
    const writer = await open();
    const repaid = paid('r-repaid', 'P-repaid', 5);
    await writer.update(() => [
      paid('r-old', 'P-old', 10),
      paid('r-recent', 'P-recent', 1),
      paid('r-void', 'P-void', 1),
      repaid,
      legacy('r-legacy', 'L-recent', 1),
      legacy('r-legacy-old', 'L-old', 9),
    ]);
    await writer.update(() => [voided(paid('r-void', 'P-void', 1), 0.5), { ...repaid, at: new Date(NOW - DAY).toISOString() }]);
    expect(await files(writer.dir)).toEqual(['account.json', 'payouts.jsonl', 'secret']);
    const compacting = await open({ compactAfterBytes: 1 });
    await compacting.update(() => []);
    expect(await files(writer.dir)).toEqual(['account.json', 'payouts.compacted', 'payouts.jsonl', 'secret']);
    expect((await stat(join(writer.dir, 'payouts.jsonl'))).size).toBe(0);
    const text = (await readFile(join(writer.dir, 'payouts.compacted'))).toString('latin1');
    for (const gone of ['r-old', 'r-void', 'r-legacy-old']) expect(text).not.toContain(`"ref":"${gone}"`);
    expect(text.split('"ref":"r-repaid"')).toHaveLength(2); // once, at its last time

    const after = await open();
    expect(after.index.hasRef('r-recent') && after.index.hasRef('r-repaid') && after.index.hasRef('r-legacy')).toBe(true);
    expect(after.index.hasRef('r-old') || after.index.hasRef('r-void')).toBe(false);
    expect(after.index.latestOther(row('P-recent'), NOW - 3 * DAY)?.ref).toBe('r-recent');
    expect(after.index.latestOther(row('P-repaid'), NOW - 3 * DAY)).toMatchObject({ ref: 'r-repaid', at: NOW - DAY });
    expect(after.index.latestOther(row('P-void'), NOW - 3 * DAY)).toBeUndefined();
    // A version-1 entry keeps working: it is read at once, and found by its own key.
    expect(after.index.legacyEntries).toBe(1);
    expect(after.index.latestOther({ ...row('unused'), legacyPayee: () => 'L-recent' }, NOW - 3 * DAY)?.ref).toBe('r-legacy');
  });

  it('keeps the longest window any run has used: a 10d run recorded, a later 3d run compacts keeping 10 days', async () => {
    const long = await open({ since: NOW - 10 * DAY, windowMs: 10 * DAY });
    await long.update(() => [paid('r-8d', 'P-8', 8), paid('r-12d', 'P-12', 12)]);
    expect(JSON.parse(await readFile(join(long.dir, 'retention.json'), 'utf8'))).toEqual({ longestWindowMs: 10 * DAY });
    await (await open({ compactAfterBytes: 1 })).update(() => []);
    const warnings: string[] = [];
    const again = await open({ since: NOW - 10 * DAY, windowMs: 10 * DAY, onWarning: (m) => warnings.push(m) });
    expect(again.index.latestOther(row('P-8'), NOW - 10 * DAY)?.ref).toBe('r-8d');
    expect(again.index.hasRef('r-12d')).toBe(false);
    expect(warnings).toEqual([]);
    // A run whose window reaches back further than anything kept is told what the ledger no longer has.
    const longer = await open({ since: NOW - 30 * DAY, windowMs: 30 * DAY, onWarning: (m) => warnings.push(m) });
    expect(longer.index.hasRef('r-8d')).toBe(true);
    expect(warnings.join('\n')).toMatch(/keeps payouts only from 2026-02-28T12:00:00Z on .* reaches back to 2026-02-08T12:00:00Z/);
    expect(JSON.parse(await readFile(join(long.dir, 'retention.json'), 'utf8'))).toEqual({ longestWindowMs: 30 * DAY });
  });

  it('lines written after a compaction decide the compacted payouts: a void releases one, a second paid moves it', async () => {
    const first = await open({ compactAfterBytes: 1 });
    await first.update(() => [paid('r-1', 'P1', 1), paid('r-2', 'P2', 2), paid('r-3', 'P3', 1)]);
    expect((await stat(join(first.dir, 'payouts.compacted'))).size).toBeGreaterThan(0);
    const second = await open();
    expect(second.index.hasRef('r-1')).toBe(true);
    await second.update(() => [voided(paid('r-1', 'P1', 1), 0), { ...paid('r-2', 'P2', 0) }]);
    for (const reader of [await open(), await open({ compactAfterBytes: 1 })]) {
      await reader.update(() => []); // the second compacts again
      expect(reader.index.hasRef('r-1')).toBe(false);
      expect(reader.index.latestOther(row('P1'), NOW - 3 * DAY)).toBeUndefined();
      expect(reader.index.latestOther(row('P2'), NOW - 3 * DAY)).toMatchObject({ ref: 'r-2', at: NOW });
      expect(reader.index.latestOther(row('P3'), NOW - 3 * DAY)?.ref).toBe('r-3');
    }
  });

  it('happens only under the ledger lock: while another run holds it, nothing is rewritten', async () => {
    const ledger = await open();
    await ledger.update(() => [paid('r-1', 'P1', 1)]);
    const log = join(ledger.dir, 'payouts.jsonl');
    const before = await readFile(log, 'utf8');
    const lock = await acquireLock(log, { command: 'another run' });
    try {
      const blocked = await open({ compactAfterBytes: 1, lockWaitMs: 50 });
      await expect(blocked.update(() => [])).rejects.toMatchObject({ code: 'ledger_locked' });
      expect(await readFile(log, 'utf8')).toBe(before);
      expect(await files(ledger.dir)).toEqual(['account.json', 'payouts.jsonl', 'secret']);
    } finally {
      await lock.release();
    }
    // Once the lock is free, the same step compacts.
    await (await open({ compactAfterBytes: 1 })).update(() => []);
    expect(await files(ledger.dir)).toEqual(['account.json', 'payouts.compacted', 'payouts.jsonl', 'secret']);
  });

  it('a compaction that cannot finish (a full disk) leaves the old ledger whole and the run goes on with it', async () => {
    const ledger = await open();
    await ledger.update(() => [paid('r-1', 'P1', 1), paid('r-2', 'P2', 1)]);
    await (await open({ compactAfterBytes: 1 })).update(() => []); // a first compacted file
    await (await open()).update(() => [paid('r-3', 'P3', 1)]);
    const snapshot = async () => Promise.all(['payouts.compacted', 'payouts.jsonl'].map((f) => readFile(join(ledger.dir, f))));
    const before = await snapshot();
    const fullDisk: LedgerFiles = {
      openAppend: diskFiles.openAppend,
      async openReplacement(path) {
        const file = await openAtomic(path, { durable: true });
        const write = () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
        return { ...file, handle: Object.assign(Object.create(file.handle) as typeof file.handle, { write }) };
      },
    };
    const warnings: string[] = [];
    const failing = await open({ compactAfterBytes: 1, files: fullDisk, onWarning: (m) => warnings.push(m) });
    await failing.update(() => [paid('r-4', 'P4', 0)]);
    expect(warnings.join('\n')).toMatch(/could not compact the repeat-payee ledger in .* \(ENOSPC.*it is left whole as it was and this run goes on/);
    const [compacted, log] = await snapshot();
    expect(compacted).toEqual(before[0]);
    expect(log!.toString()).toBe(`${before[1]!.toString()}${JSON.stringify(paid('r-4', 'P4', 0))}\n`);
    expect(await files(ledger.dir)).toEqual(['account.json', 'payouts.compacted', 'payouts.jsonl', 'secret']); // no temp file left
    for (const index of [failing.index, (await open()).index]) {
      for (const ref of ['r-1', 'r-2', 'r-3', 'r-4']) expect(index.hasRef(ref), ref).toBe(true);
    }
  });

  it('a compaction stopped between its two renames loses nothing: the new compacted file over the old log holds the same payouts', async () => {
    const ledger = await open();
    const entries = [paid('r-1', 'P1', 1), paid('r-2', 'P2', 1), paid('r-3', 'P3', 2)];
    await ledger.update(() => entries);
    await ledger.update(() => [voided(entries[1]!, 0.5), { ...entries[2]!, at: new Date(NOW - DAY / 2).toISOString() }]);
    const oldLog = await readFile(join(ledger.dir, 'payouts.jsonl'));
    await (await open({ compactAfterBytes: 1 })).update(() => []);
    expect((await stat(join(ledger.dir, 'payouts.jsonl'))).size).toBe(0);
    await writeFile(join(ledger.dir, 'payouts.jsonl'), oldLog); // as if it stopped before emptying the log
    await writeFile(join(ledger.dir, 'payouts.compacted.tmp-4194304-0a0b0c0d'), 'half a file'); // and one killed while writing
    for (const reader of [await open(), await open({ compactAfterBytes: 1 })]) {
      await reader.update(() => []);
      expect(reader.index.hasRef('r-1') && reader.index.hasRef('r-3')).toBe(true);
      expect(reader.index.hasRef('r-2')).toBe(false);
      expect(reader.index.latestOther(row('P3'), NOW - 3 * DAY)).toMatchObject({ ref: 'r-3', at: NOW - DAY / 2 });
    }
    expect(await files(ledger.dir)).toEqual(['account.json', 'payouts.compacted', 'payouts.jsonl', 'secret']); // the next compaction removed the half file
  });

  it('a big run compacts a few times, the bound growing with the compacted file, and its end leaves a short log', async () => {
    const run = await open({ compactAfterBytes: 2_048 });
    const compacted = join(run.dir, 'payouts.compacted');
    const inodes = new Set<number>();
    for (let i = 0; i < 400; i += 4) {
      await run.update(() => [0, 1, 2, 3].map((k) => paid(`r-${i + k}`, `P${i + k}`, 1)));
      const file = await stat(compacted).catch(() => undefined);
      if (file) inodes.add(file.ino);
    }
    // 400 entries are about 90 KiB: once per 2 KiB would be about 45 compactions.
    expect(inodes.size).toBeGreaterThanOrEqual(4);
    expect(inodes.size).toBeLessThanOrEqual(12);
    expect((await stat(join(run.dir, 'payouts.jsonl'))).size).toBeGreaterThan(2_048);
    await run.finish();
    expect((await stat(join(run.dir, 'payouts.jsonl'))).size).toBe(0);
    const next = await open();
    for (let i = 0; i < 400; i++) expect(next.index.hasRef(`r-${i}`), `r-${i}`).toBe(true);
  });

  it('a run stopped before its end loses nothing: the next reads the long log, and its own end compacts it', async () => {
    const killed = await open({ compactAfterBytes: 1 << 20 });
    for (let i = 0; i < 50; i++) await killed.update(() => [paid(`r-${i}`, `P${i}`, 1)]); // no finish: killed
    const log = join(killed.dir, 'payouts.jsonl');
    const dryRun = await open({ compactAfterBytes: 1 });
    await dryRun.finish(); // appended nothing: compacts nothing
    expect(await files(killed.dir)).toEqual(['account.json', 'payouts.jsonl', 'secret']);
    const next = await open({ compactAfterBytes: 1 });
    for (let i = 0; i < 50; i++) expect(next.index.hasRef(`r-${i}`), `r-${i}`).toBe(true);
    await next.update(() => [paid('r-next', 'P-next', 0)]);
    await next.finish();
    expect((await stat(log)).size).toBe(0);
    const after = await open();
    for (const ref of ['r-0', 'r-49', 'r-next']) expect(after.index.hasRef(ref), ref).toBe(true);
  });

  it('an end that cannot take the lock leaves the ledger as it was and says so; the run is not failed for it', async () => {
    const run = await open({ compactAfterBytes: 1 << 20, lockWaitMs: 50 });
    await run.update(() => [paid('r-1', 'P1', 1)]);
    const log = join(run.dir, 'payouts.jsonl');
    const warnings: string[] = [];
    const ending = await open({ compactAfterBytes: 1, lockWaitMs: 50, onWarning: (m) => warnings.push(m) });
    await ending.update(() => [paid('r-2', 'P2', 1)]); // compacts (its bound is 1 byte) ...
    await ending.update(() => [paid('r-3', 'P3', 1)]);
    const lock = await acquireLock(log, { command: 'another run' });
    try {
      const text = await readFile(log, 'utf8');
      await ending.finish(); // ... but not now: the lock is held
      expect(await readFile(log, 'utf8')).toBe(text);
      expect(warnings.join('\n')).toMatch(/could not compact the repeat-payee ledger .*the next run tries again/);
    } finally {
      await lock.release();
    }
  });

  it('two runs at once: each sees what the other wrote, across the other\'s compactions, and nothing is lost', async () => {
    const a = await open({ compactAfterBytes: 2_000 });
    const b = await open({ compactAfterBytes: 2_000 });
    await a.update(() => [paid('first', 'P-first', 1)]);
    const earlyReader = await open();
    const missed: string[] = [];
    for (let i = 0; i < 40; i++) {
      await (i % 2 === 0 ? a : b).update((index) => {
        // (a run's own entries are its own business: the index learns them only from a compaction)
        for (let j = 1 - (i % 2); j < i; j += 2) if (!index.hasRef(`r-${j}`)) missed.push(`r-${j} at ${i}`);
        return [paid(`r-${i}`, `P${i}`, 1)];
      });
    }
    expect(missed).toEqual([]);
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).update(() => [paid(`s-${i}`, `Q${i}`, 1)])));
    expect(await files(a.dir)).toContain('payouts.compacted');
    const reopened = await open();
    for (let i = 0; i < 40; i++) expect(reopened.index.hasRef(`r-${i}`) && reopened.index.hasRef(`s-${i}`), `${i}`).toBe(true);
    expect(reopened.index.latestOther(row('P39'), NOW - 3 * DAY)?.ref).toBe('r-39');
    // A run that read the ledger before the others compacted it answers from what it read, and reads anew under the lock.
    expect(earlyReader.index.hasRef('first')).toBe(true);
    expect(earlyReader.index.hasRef('r-0')).toBe(false);
    await earlyReader.update(() => []);
    expect(earlyReader.index.hasRef('first') && earlyReader.index.hasRef('s-39')).toBe(true);
  });
});
