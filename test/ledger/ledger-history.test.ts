import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatLedgerEntry, type LedgerEntry, type LedgerEntryV2 } from '../../src/ledger/ledger-entry.js';
import type { LedgerAccount } from '../../src/ledger/ledger-location.js';
import { openLedger, type OpenLedgerOptions } from '../../src/ledger/ledger-store.js';
import { LedgerBase, Table } from '../../src/ledger/ledger-base.js';
import { hashOf } from '../../src/rules/first-seen.js';

const ACCOUNT: LedgerAccount = { origin: 'https://api.example.com', keyId: 'key_1', mode: 'test' };
const NOW = Date.parse('2026-03-10T12:00:00Z');
const DAY = 86_400_000;
const NIGHTS = 10;
const ROWS = 1_500;

function paid(ref: string, payee: string, at: number, amount = '10.00'): LedgerEntryV2 {
  return { v: 2, kind: 'paid', ref, service: 'test_usd', payee, currency: 'USD', amount, desc: '', at: new Date(at).toISOString(), file: 'night.csv' };
}
function row(payee: string, amount = '10.00') {
  return { ref: 'new-row', service: 'test_usd', payee, currency: 'USD', amount, desc: '' };
}

describe('a long history, compacted many times', () => {
  let root: string;
  const open = (options: OpenLedgerOptions = {}) => openLedger(root, ACCOUNT, { now: () => NOW, since: NOW - 3 * DAY, windowMs: 3 * DAY, durable: false, ...options });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mp-ledger-history-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /**
   * Ten nights of payouts through openLedger/update, compacting every 64 KiB: payee i is paid on
   * night n when i % (n + 2) === 0, some of them voided the next night. Returns, per payee, the
   * reference that should hold a new row within 3 days (the model the ledger must agree with).
   */
  async function tenNights(): Promise<Map<string, string | undefined>> {
    const expected = new Map<string, string | undefined>();
    const live = new Map<string, { ref: string; at: number }>();
    for (let night = 0; night < NIGHTS; night++) {
      const at = NOW - (NIGHTS - night) * DAY + 3_600_000;
      const ledger = await open({ compactAfterBytes: 64 << 10 });
      const entries: LedgerEntry[] = [];
      for (let i = 0; i < ROWS; i++) {
        if (i % (night + 2) !== 0) continue;
        const e = paid(`n${night}-r${i}`, `P${i}`, at);
        entries.push(e);
        live.set(`P${i}`, { ref: e.ref, at });
        if (i % 7 === 0) {
          entries.push({ ...e, kind: 'void' });
          live.delete(`P${i}`);
        }
      }
      for (let k = 0; k < entries.length; k += 100) await ledger.update(() => entries.slice(k, k + 100));
      ledger.close();
    }
    for (let i = 0; i < ROWS; i++) {
      const last = live.get(`P${i}`);
      expected.set(`P${i}`, last && last.at >= NOW - 3 * DAY ? last.ref : undefined);
    }
    return expected;
  }

  it('holds exactly the rows the whole history says, and keeps no more than the window needs', async () => {
    const expected = await tenNights();
    const before = await open(); // the last night partly in the log
    await (await open({ compactAfterBytes: 1 })).update(() => []);
    for (const ledger of [before, await open()]) {
      const wrong: string[] = [];
      for (const [payee, ref] of expected) {
        const found = ledger.index.latestOther(row(payee), NOW - 3 * DAY)?.ref;
        if (found !== ref) wrong.push(`${payee}: ${found} instead of ${ref}`);
      }
      expect(wrong).toEqual([]);
      // another amount is another payout; a reference paid 2 nights ago is still known as paid
      expect(ledger.index.latestOther(row('P10', '11.00'), NOW - 3 * DAY)).toBeUndefined();
      expect(ledger.index.hasRef('n8-r10')).toBe(true);
    }
    expect([...expected.values()].filter(Boolean).length).toBeGreaterThan(300);
    // nights older than the retention (3 days) are gone from the file
    const text = (await readFile(join(before.dir, 'payouts.compacted'))).toString('latin1');
    expect(text).not.toContain('"ref":"n6-r');
    expect(text).toContain('"ref":"n7-r');
    expect(text).toContain('"ref":"n9-r');
  });

  it('the tables a compaction streams from the old ones (filtered, renumbered, merged with the log\'s) say what its lines say', async () => {
    await tenNights();
    // Half a day later: the oldest night kept drops out, so the entries after it are renumbered.
    await (await open({ compactAfterBytes: 1, now: () => NOW + DAY / 2 })).update(() => []);
    const base = LedgerBase.open(join(root, (await open()).dir.slice(root.length), 'payouts.compacted'))!;
    const want = { offsets: [] as number[], times: [] as number[], byRef: [] as number[][], byPayee: [] as number[][] };
    let offset = 0;
    base.forEach((entry, n) => {
      want.offsets.push(offset);
      offset += Buffer.byteLength(formatLedgerEntry(entry));
      want.times.push(Date.parse(entry.at));
      want.byRef.push([hashOf(entry.ref), n]);
      want.byPayee.push([hashOf(entry.payee), n]);
    });
    const all = (which: Table, Type: Float64ArrayConstructor | Uint32ArrayConstructor): number[] => [...base.chunks(which)].flatMap((c) => [...new Type(c.slice().buffer)]);
    const pairsOf = (values: number[]): number[][] => values.flatMap((v, i) => (i % 2 === 0 ? [[v, values[i + 1]!]] : []));
    const sorted = (pairs: number[][]): number[][] => [...pairs].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
    expect(base.count).toBeGreaterThan(200);
    expect(all(Table.Offsets, Float64Array)).toEqual(want.offsets);
    expect(all(Table.Times, Float64Array)).toEqual(want.times);
    expect(pairsOf(all(Table.ByRef, Uint32Array))).toEqual(sorted(want.byRef));
    expect(pairsOf(all(Table.ByPayee, Uint32Array))).toEqual(sorted(want.byPayee));
    base.close();
  });

  it('a damaged compacted file stops the run naming it and the repair: its tables at once, a line when a row needs it', async () => {
    const writer = await open({ compactAfterBytes: 1 });
    await writer.update(() => [paid('r-1', 'P1', NOW - DAY), paid('r-2', 'P2', NOW - DAY)]);
    const file = join(writer.dir, 'payouts.compacted');
    const whole = await readFile(file);
    const line2 = whole.indexOf('"ref":"r-2"') + 8;
    await writeFile(file, Buffer.concat([whole.subarray(0, line2), Buffer.from([1]), whole.subarray(line2 + 1)]));
    const ledger = await open();
    expect(ledger.index.hasRef('r-1')).toBe(true); // the line a row needs is whole
    expect(() => ledger.index.hasRef('r-2')).toThrow(expect.objectContaining({ code: 'ledger_damaged', exitCode: 2, message: expect.stringContaining(`${file} is damaged (line 2 is not a ledger entry)`) }));
    expect(() => ledger.index.latestOther(row('P2'), NOW - 3 * DAY)).toThrow(/mv .*payouts\.compacted .*payouts\.compacted\.damaged/);

    const tables = whole.length - 256 - 8; // inside the last table
    await writeFile(file, Buffer.concat([whole.subarray(0, tables), Buffer.from([whole[tables]! ^ 0xff]), whole.subarray(tables + 1)]));
    await expect(open()).rejects.toMatchObject({ code: 'ledger_damaged', message: expect.stringContaining('its tables fail their checksum') });
    await writeFile(file, whole.subarray(0, whole.length - 100));
    await expect(open()).rejects.toMatchObject({ code: 'ledger_damaged', message: expect.stringContaining(file) });
  });

  it('a secret missing beside a compacted file (its log empty) is refused', async () => {
    const writer = await open({ compactAfterBytes: 1 });
    await writer.update(() => [paid('r-1', 'P1', NOW - DAY)]);
    await unlink(join(writer.dir, 'secret'));
    await expect(open()).rejects.toMatchObject({ code: 'ledger_secret_missing', message: expect.stringContaining('payouts.compacted') });
  });
});
