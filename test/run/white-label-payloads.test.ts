import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csv, workspace, type Workspace } from '../helpers/workspace.js';

// A card payout the way a white label documents it: nested context, customer address and
// metadata, processing options.
const HEADER = [
  'reference_id', 'service', 'currency', 'amount', 'fields.card_number',
  'context.card.card_holder', 'context.card.exp_month', 'context.card.exp_year',
  'customer.reference_id', 'customer.address.country', 'customer.address.city', 'customer.metadata.url',
  'metadata.order.id', 'options.auto_process', 'options.allow_partially', 'options.note',
];

describe('payloads nest the way white labels document them', () => {
  let ws: Workspace;
  beforeEach(async () => {
    ws = await workspace();
  });
  afterEach(async () => {
    await ws.close();
  });

  it('dots nest at every level, cells stay as written, options true/false are booleans', async () => {
    await ws.write('payouts.csv', csv(HEADER, [
      ['wl-1', 'payment_card_usd', 'USD', '10.00', '4111111111111111', 'JOHN WICK', '09', '2030', 'c1', 'UA', 'Kyiv', 'https://shop.example/u/1', '0042', 'false', 'FALSE', 'true story'],
    ]));
    const r = await ws.cli(['run', 'payouts.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect((await ws.results())[0]).toMatchObject({ reference_id: 'wl-1', outcome: 'processed' });
    const [invoice] = ws.sandbox.invoices();
    expect(invoice).toMatchObject({
      context: { card: { card_holder: 'JOHN WICK', exp_month: '09', exp_year: '2030' } },
      customer: { reference_id: 'c1', address: { country: 'UA', city: 'Kyiv' }, metadata: { url: 'https://shop.example/u/1' } },
      metadata: { order: { id: '0042' } },
      options: { auto_process: false, allow_partially: false, note: 'true story' },
    });
    expect(ws.sandbox.counters.processRequests.get('wl-1')).toBe(1);
  });

  it('options.auto_process true: the API processes at creation and the run asks nothing more', async () => {
    await ws.write('payouts.csv', csv(['reference_id', 'service', 'currency', 'amount', 'fields.account', 'options.auto_process'], [
      ['auto-1', 'test_usd', 'USD', '5', '12345', 'true'],
    ]));
    const r = await ws.cli(['run', 'payouts.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect((await ws.results())[0]).toMatchObject({ outcome: 'processed', status: 'processed' });
    expect(ws.sandbox.invoices()[0]?.options).toEqual({ auto_process: true });
    expect(ws.sandbox.counters.processRequests.get('auto-1')).toBeUndefined();
  });

  it('a value and a nested key in one place is an invalid row naming both columns; nothing is sent', async () => {
    await ws.write('payouts.csv', csv(['reference_id', 'service', 'currency', 'amount', 'fields.account', 'context.card', 'context.card.exp_month'], [
      ['clash-1', 'test_usd', 'USD', '5', '12345', 'visa', '09'],
      ['fine-1', 'test_usd', 'USD', '5', '12346', '', '09'],
    ]));
    const r = await ws.cli(['run', 'payouts.csv']);
    expect(r.code, r.stderr).toBe(1);
    const [clash, fine] = await ws.results();
    expect(clash).toMatchObject({ outcome: 'invalid', error_code: 'nested_column_clash' });
    expect(clash?.error_message).toContain('context.card and context.card.exp_month are both filled');
    expect(fine).toMatchObject({ outcome: 'processed' });
    expect(ws.sandbox.counters.createRequests.get('clash-1')).toBeUndefined();
    expect(ws.sandbox.invoices()[0]?.context).toEqual({ card: { exp_month: '09' } });
  });
});
