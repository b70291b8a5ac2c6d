import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/index.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

// Issue 10 §5 for `reconcile`: a status read back for a journaled invoice counts only if the answer is that invoice.
describe('reconcile believes only answers about the journaled invoice', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('an answer carrying another reference’s invoice changes nothing and is reported as a failed read', async () => {
    ws = await workspace({ processDelayMs: 60_000 });
    await ws.write('payouts.csv', csv(HEADER, rows(2)));
    expect((await ws.cli(['run', ws.path('payouts.csv')])).code).toBe(0);
    expect((await ws.results()).map((r) => r.status)).toEqual(['processing', 'processing']);
    // Another payout, final, whose invoice the mixed-up answer will carry.
    const api = createApiClient({ baseUrl: ws.sandbox.url, ...ws.sandbox.credentials });
    const other = await api.createInvoice({ referenceId: 'someone-else', service: 'test_usd', currency: 'USD', amount: '1.25', fields: { account: '100000' } });
    api.close();
    ws.sandbox.setFaults({ script: [{ endpoint: 'getInvoice', referenceId: 'ref-2', kind: 'foreign-reply', replyWith: 'someone-else' }] });

    const r = await ws.cli(['reconcile', ws.path('payouts.journal.jsonl'), '--json']);
    // Not read is not known: reconcile again later (3), not a row for a person (1).
    expect(r.code, r.stderr).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ checked: 2, changed: 0, failedReads: 1, exitCode: 3 });
    expect(r.stderr).toContain(`invoice ${other.id} of reference_id someone-else`);
    expect((await ws.results()).map((x) => [x.reference_id, x.outcome, x.status])).toEqual([
      ['ref-1', 'submitted', 'processing'],
      ['ref-2', 'submitted', 'processing'],
    ]);
    const last = (await ws.journalLines()).filter((l) => l.ref === 'ref-2').at(-1);
    expect(last).toMatchObject({ status: 'processing' });
  });
});
