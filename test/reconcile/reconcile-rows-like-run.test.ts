import { appendFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/index.js';
import { csv, HEADER, workspace, type Workspace } from '../helpers/workspace.js';
import { sandboxClock } from '../helpers/sandbox-clock.js';

/** Card refunds whose fees the API answers with fewer digits than EUR has (`0.6`). */
const PAYOUTS = csv(
  ['reference_id', 'service', 'currency', 'amount', 'fields.card_number'],
  [
    ['a', 'payment_card_eur', 'EUR', '19.99', '4111111111111111'],
    ['b', 'payment_card_eur', 'EUR', '5.00', '5123817234060000'],
  ],
);

describe('reconcile writes the rows run writes', () => {
  const spaces: Workspace[] = [];
  afterEach(async () => {
    for (const ws of spaces.splice(0)) await ws.close();
  });

  it('a run whose invoices finish later, once reconciled, has the results a run that saw them finish has', async () => {
    const clock = sandboxClock(); // stands still until the test moves it
    const slow = await workspace({ processDelayMs: 1_000, now: clock.now });
    const quick = await workspace();
    spaces.push(slow, quick);
    for (const ws of [slow, quick]) await ws.write('payouts.csv', PAYOUTS);
    const q = await quick.cli(['run', 'payouts.csv']);
    expect(q.code, q.stdout + q.stderr).toBe(0);
    expect((await slow.cli(['run', 'payouts.csv'])).code).toBe(0);
    expect((await slow.results()).map((r) => r.outcome)).toEqual(['submitted', 'submitted']);
    clock.advance(1_000);
    const r = await slow.cli(['reconcile', 'payouts.journal.jsonl']);
    expect(r.code, r.stderr).toBe(0);
    const strip = (rows: Record<string, string>[]) => rows.map(({ invoice_id: _id, ...rest }) => rest);
    const expected = strip(await quick.results());
    expect(expected.map((x) => x.fee)).toContain('0.60'); // the case this test is about is present
    expect(strip(await slow.results())).toEqual(expected);
  });

  it('a row journaled while its process request was on the wire is submitted, not "processing"', async () => {
    const ws = await workspace({ processDelayMs: 60_000 });
    spaces.push(ws);
    await ws.write('payouts.csv', csv(HEADER, [['a', 'test_usd', 'USD', '10.00', '1']]));
    expect((await ws.cli(['run', 'payouts.csv', '--no-process'])).code).toBe(0);
    const created = (await ws.journalLines()).filter((l) => l.ref === 'a').at(-1)!;
    expect(created.state).toBe('created');
    // What the runner journals before it sends the process request; the process then takes effect
    // and the run dies before the answer is journaled.
    await appendFile(ws.path('payouts.journal.jsonl'), `${JSON.stringify({ ...created, state: 'processing', attempt: 1 })}\n`);
    const api = createApiClient({ baseUrl: ws.sandbox.url, ...ws.sandbox.credentials });
    await api.processInvoice(String(created.invoice_id));
    api.close();

    const r = await ws.cli(['reconcile', 'payouts.journal.jsonl']);
    expect(r.code, r.stderr).toBe(0);
    expect((await ws.results()).map((x) => [x.outcome, x.status])).toEqual([['submitted', 'processing']]);
    expect((await ws.journalLines()).filter((l) => l.ref === 'a').at(-1)).toMatchObject({ state: 'submitted', status: 'processing' });
  });
});
