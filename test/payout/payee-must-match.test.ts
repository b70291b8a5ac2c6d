import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/index.js';
import { csv, workspace, type Workspace } from '../helpers/workspace.js';

// Issue 10 §4: an invoice found under the row's reference is adopted only when it pays the row's payee.
describe('an existing invoice is adopted only when its payee is the row payee', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await workspace();
    // Someone else's invoices under the references the file is about to use (the 409 path).
    const api = createApiClient({ baseUrl: ws.sandbox.url, ...ws.sandbox.credentials });
    await api.createInvoice({ referenceId: 'other-account', service: 'test_usd', currency: 'USD', amount: '25.00', fields: { account: '999999999' } });
    await api.createInvoice({ referenceId: 'other-card', service: 'payment_card_usd', currency: 'USD', amount: '40.00', fields: { card_number: '5123817234061111' } });
    await api.createInvoice({ referenceId: 'same-card', service: 'payment_card_usd', currency: 'USD', amount: '41.00', fields: { card_number: '5123817234060000' } });
    await api.createInvoice({ referenceId: 'same-account', service: 'test_usd', currency: 'USD', amount: '26.00', fields: { account: '123456789' } });
    api.close();
    ws.sandbox.resetCounters();
    await ws.write(
      'payouts.csv',
      csv(['reference_id', 'service', 'currency', 'amount', 'fields.account', 'fields.card_number'], [
        ['other-account', 'test_usd', 'USD', '25.00', '123456789', ''],
        ['other-card', 'payment_card_usd', 'USD', '40.00', '', '5123817234060000'],
        ['same-card', 'payment_card_usd', 'USD', '41.00', '', '5123817234060000'],
        ['same-account', 'test_usd', 'USD', '26.00', '123456789', ''],
      ]),
    );
  });
  afterAll(async () => {
    await ws.close();
  });

  it('is a conflict naming the field, masked, and nothing of another payee is processed', async () => {
    const r = await ws.cli(['run', ws.path('payouts.csv')]);
    expect(r.code, r.stderr).toBe(1);
    const results = await ws.results();
    expect(results.map((x) => [x.reference_id, x.outcome])).toEqual([
      ['other-account', 'conflict'],
      ['other-card', 'conflict'],
      ['same-card', 'processed'],
      ['same-account', 'processed'],
    ]);
    expect(results[0]!.error_code).toBe('payee_mismatch');
    expect(results[0]!.error_message).toContain('fields.account ****9999 (the row says ****6789)');
    expect(results[1]!.error_code).toBe('payee_mismatch');
    expect(results[1]!.error_message).toContain('fields.card_number 512381******1111 (the row says 512381******0000)');

    const c = ws.sandbox.counters;
    expect(c.processRequests.get('other-account')).toBeUndefined();
    expect(c.processRequests.get('other-card')).toBeUndefined();
    expect(c.processed.get('same-card')).toBe(1);
    expect(c.processed.get('same-account')).toBe(1);
    const status = (ref: string): string | undefined => ws.sandbox.invoices().find((i) => i.referenceId === ref)?.status;
    expect(status('other-account')).toBe('created');
    expect(status('other-card')).toBe('created');

    // The payee never appears in clear in what the run leaves behind.
    for (const name of ['payouts.results.csv', 'payouts.journal.jsonl']) {
      const text = await readFile(ws.path(name), 'utf8');
      for (const secret of ['999999999', '123456789', '5123817234061111', '5123817234060000']) expect(text, name).not.toContain(secret);
    }
  });

  it('stays a conflict on a rerun, still without a process request', async () => {
    const r = await ws.cli(['run', ws.path('payouts.csv')]);
    expect(r.code, r.stderr).toBe(1);
    expect((await ws.results()).map((x) => x.outcome)).toEqual(['conflict', 'conflict', 'processed', 'processed']);
    expect(ws.sandbox.counters.processRequests.get('other-account')).toBeUndefined();
    expect(ws.sandbox.counters.processRequests.get('other-card')).toBeUndefined();
  });
});
