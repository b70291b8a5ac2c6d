import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/index.js';
import { csv, workspace, type Workspace } from '../helpers/workspace.js';

describe('a 409 on create adopts the existing invoice only when it is the same payout', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await workspace();
    const api = createApiClient({ baseUrl: ws.sandbox.url, ...ws.sandbox.credentials });
    const base = { service: 'test_usd', currency: 'USD', fields: { account: '4242' } };
    await api.createInvoice({ ...base, referenceId: 'same-created', amount: '20.00' });
    const final = await api.createInvoice({ ...base, referenceId: 'same-final', amount: '30.00' });
    await api.processInvoice(final.id);
    await api.createInvoice({ ...base, referenceId: 'differs', amount: '99.00' });
    api.close();
  });
  afterAll(async () => {
    await ws.close();
  });

  it('processes a created one once, leaves a final one alone, and never processes a different one', async () => {
    await ws.write(
      'payouts.csv',
      csv(['reference_id', 'service', 'currency', 'amount', 'fields.account'], [
        ['same-created', 'test_usd', 'USD', '20', '4242'],
        ['same-final', 'test_usd', 'USD', '30.0', '4242'],
        ['differs', 'test_usd', 'USD', '40.00', '4242'],
      ]),
    );
    const r = await ws.cli(['run', 'payouts.csv']);
    expect(r.code, r.stderr).toBe(1);
    const results = await ws.results();
    expect(results.map((x) => x.outcome)).toEqual(['processed', 'processed', 'conflict']);
    expect(results[2]!.error_code).toBe('reference_conflict');
    expect(results[2]!.error_message).toContain('amount 99');
    const c = ws.sandbox.counters;
    expect(c.invoicesCreated.get('same-created')).toBe(1);
    expect(c.processRequests.get('same-created')).toBe(1);
    expect(c.processRequests.get('same-final')).toBe(1); // the set-up's, none from the run
    expect(c.processRequests.get('differs')).toBeUndefined();
    expect(ws.sandbox.invoices().find((i) => i.referenceId === 'differs')?.status).toBe('created');
  });
});
