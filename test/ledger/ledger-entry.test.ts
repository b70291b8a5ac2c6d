import { describe, expect, it } from 'vitest';
import { formatLedgerEntry, parseLedgerLine, type LedgerEntry, type LedgerEntryV1 } from '../../src/ledger/ledger-entry.js';

function entry(over: Partial<LedgerEntryV1> = {}): LedgerEntry {
  return { v: 1, kind: 'paid', ref: 'r-1', payee: 'kXy_-9', currency: 'USD', amount: '10.50', at: '2026-11-27T12:00:00.000Z', file: 'payouts.csv', ...over };
}

describe('ledger lines', () => {
  it('read back exactly what was written, whether a value needs a JSON escape or not', () => {
    for (const e of [entry(), entry({ kind: 'void' }), entry({ ref: 'a "quoted" \\ ref' }), entry({ ref: 'café-☕-𝄞' }), entry({ file: 'tab\there.csv' }), entry({ ref: 'lone \ud800 surrogate' })]) {
      expect(parseLedgerLine(formatLedgerEntry(e).trimEnd())).toEqual(e);
    }
  });

  it('refuse what JSON.parse refuses or what is not an entry, on the fast path too', () => {
    const line = formatLedgerEntry(entry()).trimEnd();
    expect(parseLedgerLine(line.replace('r-1', 'r\t1'))).toBeUndefined(); // a raw control character
    expect(parseLedgerLine(line.replace('2026-11-27T12:00:00.000Z', 'yesterday'))).toBeUndefined();
    expect(parseLedgerLine(line.replace('"kind":"paid"', '"kind":"held"'))).toBeUndefined();
    expect(parseLedgerLine(line.slice(0, -5))).toBeUndefined();
    expect(parseLedgerLine(`${line} `)).toEqual(entry()); // JSON.parse allows whitespace around
  });
});

describe('version-2 ledger lines (every part of the repeat key)', () => {
  const v2: LedgerEntry = { v: 2, kind: 'paid', ref: 'r-1', service: 'test_usd', payee: 'kXy_-9', currency: 'USD', amount: '10.50', desc: '', at: '2026-11-27T12:00:00.000Z', file: 'payouts.csv' };

  it('read back exactly what was written, on the fast path and through JSON.parse', () => {
    for (const e of [v2, { ...v2, desc: 'd3sc' }, { ...v2, kind: 'void' as const }, { ...v2, ref: 'a "quoted" ref' }]) {
      expect(parseLedgerLine(formatLedgerEntry(e).trimEnd())).toEqual(e);
    }
  });

  it('refuse a version-2 line without its service or description part', () => {
    const { service: _s, ...noService } = v2;
    const { desc: _d, ...noDesc } = v2;
    expect(parseLedgerLine(JSON.stringify(noService))).toBeUndefined();
    expect(parseLedgerLine(JSON.stringify(noDesc))).toBeUndefined();
    expect(parseLedgerLine(JSON.stringify({ ...v2, v: 3 }))).toBeUndefined();
  });
});
