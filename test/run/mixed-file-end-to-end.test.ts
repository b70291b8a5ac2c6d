import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csv, workspace, type Workspace } from '../helpers/workspace.js';

const HEADER = ['reference_id', 'service', 'currency', 'amount', 'fields.account', 'fields.card_number', 'fields.test_details_payout_status'];
const MIXED = [
  ['good-1', 'test_usd', 'USD', '10.50', '12345', '', ''],
  ['good-2', 'payment_card_usd', 'USD', '99.99', '', '4111111111111111', ''],
  ['bad-precision', 'test_usd', 'USD', '10.001', '12345', '', ''],
  ['bad-account', 'test_usd', 'USD', '5.00', '12a', '', ''],
  ['good-3', 'test_jpy', 'JPY', '1500', '777', '', ''],
  ['fails', 'test_usd', 'USD', '1.00', '555', '', 'process-failed'],
  ['good-1', 'test_usd', 'USD', '10.50', '12345', '', ''],
  ['bad-service', 'nope_usd', 'USD', '1.00', '1', '', ''],
];

describe('run pays a mixed file end to end', () => {
  let ws: Workspace;
  beforeEach(async () => {
    ws = await workspace();
  });
  afterEach(async () => {
    await ws.close();
  });

  it('gives every row its outcome, sends only valid rows, once each', async () => {
    await ws.write('payouts.csv', csv(HEADER, MIXED));
    const r = await ws.cli(['run', 'payouts.csv']);
    expect(r.code, r.stderr).toBe(1);
    const results = await ws.results();
    expect(results.map((x) => [x.line, x.reference_id, x.outcome, x.error_code])).toEqual([
      ['2', 'good-1', 'processed', ''],
      ['3', 'good-2', 'processed', ''],
      ['4', 'bad-precision', 'invalid', 'amount_precision'],
      ['5', 'bad-account', 'invalid', 'field_mismatch'],
      ['6', 'good-3', 'processed', ''],
      ['7', 'fails', 'failed', ''],
      ['8', 'good-1', 'invalid', 'duplicate_reference_id'],
      ['9', 'bad-service', 'invalid', 'unknown_service'],
    ]);
    expect(results[3]!.error_message).toContain('fields.account "12a" does not match ^\\d{1,15}$');
    expect(results[0]!.invoice_id).toMatch(/^cpoi_/);
    expect(results[5]!.status).toBe('process_failed');
    const c = ws.sandbox.counters;
    for (const ref of ['good-1', 'good-2', 'good-3', 'fails']) {
      expect(c.createRequests.get(ref), ref).toBe(1);
      expect(c.processRequests.get(ref), ref).toBe(1);
    }
    for (const ref of ['bad-precision', 'bad-account', 'bad-service']) expect(c.createRequests.get(ref)).toBeUndefined();
    expect(r.stdout).toContain('USD');
    expect(r.stdout).toMatch(/processed 3/);
  });

  it('--dry-run validates against the service rules and creates nothing', async () => {
    await ws.write('payouts.csv', csv(HEADER, MIXED));
    const r = await ws.cli(['run', 'payouts.csv', '--dry-run', '--json']);
    expect(r.code, r.stderr).toBe(1);
    const summary = JSON.parse(r.stdout) as { counts: Record<string, number>; totals: { currency: string; requested: string }[] };
    expect(summary.counts.valid).toBe(4);
    expect(summary.counts.invalid).toBe(4);
    expect(summary.totals).toContainEqual(expect.objectContaining({ currency: 'USD', requested: '111.49' }));
    expect(ws.sandbox.counters.requests.create).toBe(0);
    expect((await ws.results('payouts.dryrun.csv')).map((x) => x.outcome)).toEqual(['valid', 'valid', 'invalid', 'invalid', 'valid', 'valid', 'invalid', 'invalid']);
  });

  it('exits 0 when every row is paid, and --no-process then a plain rerun processes them', async () => {
    await ws.write('payouts.csv', csv(HEADER, MIXED.filter((r) => r[0]!.startsWith('good')).slice(0, 3)));
    const first = await ws.cli(['run', 'payouts.csv', '--no-process']);
    expect(first.code, first.stderr).toBe(0);
    expect((await ws.results()).map((x) => x.outcome)).toEqual(['created', 'created', 'created']);
    expect(ws.sandbox.counters.requests.process).toBe(0);
    const second = await ws.cli(['run', 'payouts.csv']);
    expect(second.code, second.stderr).toBe(0);
    expect((await ws.results()).map((x) => x.outcome)).toEqual(['processed', 'processed', 'processed']);
    expect(ws.sandbox.counters.requests.create).toBe(3);
    expect(ws.sandbox.counters.requests.process).toBe(3);
  });

  it('a missing required column exits 2 and sends nothing', async () => {
    await ws.write('payouts.csv', 'reference_id,service,amount\nx,test_usd,1.00\n');
    const r = await ws.cli(['run', 'payouts.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('currency');
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });

  it('pays through a service found only on the last page of /payout-services', async () => {
    await ws.write('payouts.csv', csv(['reference_id', 'service', 'currency', 'amount', 'fields.account'], [['swift-1', 'swift_usd', 'USD', '250.00', 'DEUTDEFF500']]));
    const r = await ws.cli(['run', 'payouts.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect((await ws.results())[0]!.outcome).toBe('processed');
  });

  it('a BOM, CRLF, semicolons and quoted newlines give the same outcomes as a plain file', async () => {
    const rowsWithText = MIXED.map((r, i) => [...r, i === 0 ? '"line one\r\nline two; still the description"' : 'plain']);
    const header = [...HEADER, 'description'];
    await ws.write('plain.csv', csv(header, rowsWithText.map((r) => r.map((c) => c.replace(/;/g, ','))).map((r) => r), '\n', ','));
    const plain = await ws.cli(['run', 'plain.csv', '--dry-run']);
    await ws.write('excel.csv', '\ufeff' + csv(header, rowsWithText, '\r\n', ';'));
    const excel = await ws.cli(['run', 'excel.csv', '--dry-run']);
    expect(excel.code).toBe(plain.code);
    const a = await ws.results('plain.dryrun.csv');
    const b = await ws.results('excel.dryrun.csv');
    expect(b.map((x) => [x.reference_id, x.outcome, x.error_code])).toEqual(a.map((x) => [x.reference_id, x.outcome, x.error_code]));
    expect(b[1]!.line).toBe('4'); // the first record spans two lines
  });
});
