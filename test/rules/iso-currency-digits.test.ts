import { afterEach, describe, expect, it } from 'vitest';
import { csv, workspace, type Workspace } from '../helpers/workspace.js';

const HEADER = ['reference_id', 'service', 'currency', 'amount', 'fields.wallet_id'];

describe('currency digits come from ISO 4217, not a locale library', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('pays 1500.50 in HUF, IDR and COP (2 digits in ISO 4217, 0 in CLDR display) and refuses a code ISO does not know', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, [
      ['huf-1', 'wallet_huf', 'HUF', '1500.50', 'wallet42'],
      ['idr-1', 'wallet_idr', 'IDR', '1500.50', 'wallet42'],
      ['cop-1', 'wallet_cop', 'COP', '1500.50', 'wallet42'],
      ['huf-2', 'wallet_huf', 'HUF', '1500.505', 'wallet42'],
      ['abc-1', 'wallet_huf', 'ABC', '10', 'wallet42'],
    ]));

    const r = await ws.cli(['run', ws.path('payouts.csv')]);

    expect(r.code, r.stderr).toBe(1);
    const results = await ws.results();
    expect(results.map((row) => [row['reference_id'], row['outcome'], row['amount'], row['error_code']])).toEqual([
      ['huf-1', 'processed', '1500.50', ''],
      ['idr-1', 'processed', '1500.50', ''],
      ['cop-1', 'processed', '1500.50', ''],
      ['huf-2', 'invalid', '1500.505', 'amount_precision'],
      ['abc-1', 'invalid', '10', 'invalid_currency'],
    ]);
    expect(results[3]!['error_message']).toContain('HUF allows at most 2');
    expect(results[4]!['error_message']).toContain('"ABC" is not an ISO 4217 currency code');
    expect(ws.sandbox.counters.requests.create).toBe(3);
  });
});
