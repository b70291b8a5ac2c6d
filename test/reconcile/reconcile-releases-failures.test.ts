import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/index.js';
import { csv, HEADER, workspace, type Workspace } from '../helpers/workspace.js';
import { sandboxClock } from '../helpers/sandbox-clock.js';

const STATUS_HEADER = [...HEADER, 'fields.test_details_payout_status'];

/** The CLI in-process, with the ledger in the workspace (never the real home). */
async function cli(ws: Workspace, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; json: Record<string, unknown> }> {
  const r = await ws.cli([...args, '--json', '--log-level', 'warn'], { env: { MILKYPAY_LEDGER_DIR: ws.path('ledger') } });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return { ...r, json: line.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : {} };
}
const counts = (r: { json: Record<string, unknown> }) => (r.json.counts ?? {}) as Record<string, number>;

async function outcomes(ws: Workspace, name: string): Promise<string[][]> {
  const rows = parse(await readFile(ws.path(name)), { columns: true, bom: true }) as Record<string, string>[];
  return rows.map((r) => [r.reference_id!, r.outcome!]);
}

// A payout that ends failed only after its run (the API finishes it later) is found by `reconcile`,
// which releases it in the repeat-payee ledger as the run would have: its retry-failed file is paid.
describe('reconcile releases in the repeat-payee ledger the payouts it finds failed', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('a retry-failed file of failures only reconcile saw is paid, not held; a payout found processed still holds its payee', async () => {
    const clock = sandboxClock(); // stands still until the test moves it
    ws = await workspace({ processDelayMs: 400, now: clock.now });
    await ws.write(
      'batch.csv',
      csv(STATUS_HEADER, [
        ['f-1', 'test_usd', 'USD', '9.00', '800001', 'process-failed'],
        ['p-1', 'test_usd', 'USD', '7.50', '800002', 'processed'],
      ]),
    );
    expect(counts(await cli(ws, ['run', 'batch.csv'])).submitted).toBe(2);
    clock.advance(400);
    const reconciled = await cli(ws, ['reconcile', 'batch.journal.jsonl']);
    expect(reconciled.code, reconciled.stderr).toBe(1); // f-1 failed: a person re-pays it
    expect(reconciled.json).toMatchObject({ checked: 2, changed: 2 });
    expect(await outcomes(ws, 'batch.results.csv')).toEqual([
      ['f-1', 'failed'],
      ['p-1', 'processed'],
    ]);

    expect((await ws.cli(['retry-failed', 'batch.csv', '--suffix', '-r2'])).code).toBe(0);
    const retried = await cli(ws, ['run', 'batch-r2.csv']);
    expect(counts(retried).repeat_payee ?? 0, retried.stderr).toBe(0);
    expect(ws.sandbox.counters.createRequests.get('f-1-r2')).toBe(1);
    expect(reconciled.json.released).toBe(1);

    // The processed payout stays recorded: the same payee and amount under a fresh reference is held.
    await ws.write('export-2.csv', csv(STATUS_HEADER, [['p-1-b', 'test_usd', 'USD', '7.50', '800002', 'processed']]));
    const again = await cli(ws, ['run', 'export-2.csv']);
    expect(again.code).toBe(1);
    expect(counts(again).repeat_payee).toBe(1);
    expect(ws.sandbox.counters.createRequests.get('p-1-b') ?? 0).toBe(0);
  });

  it('releases nothing on an answer that is not the journaled invoice, even a failed one', async () => {
    const clock = sandboxClock(); // stands still until the test moves it
    ws = await workspace({ processDelayMs: 400, now: clock.now });
    await ws.write('batch.csv', csv(STATUS_HEADER, [['f-1', 'test_usd', 'USD', '9.00', '800001', 'process-failed']]));
    expect(counts(await cli(ws, ['run', 'batch.csv'])).submitted).toBe(1);
    // Another payout, failed, whose invoice the mixed-up answer carries.
    const api = createApiClient({ baseUrl: ws.sandbox.url, ...ws.sandbox.credentials });
    const other = await api.createInvoice({ referenceId: 'someone-else', service: 'test_usd', currency: 'USD', amount: '9.00', fields: { account: '800009', test_details_payout_status: 'process-failed' } });
    await api.processInvoice(other.id);
    api.close();
    clock.advance(400);
    ws.sandbox.setFaults({ script: [{ endpoint: 'getInvoice', referenceId: 'f-1', kind: 'foreign-reply', replyWith: 'someone-else' }] });

    const reconciled = await cli(ws, ['reconcile', 'batch.journal.jsonl']);
    expect(reconciled.json).toMatchObject({ checked: 1, changed: 0, failedReads: 1, released: 0 });
    expect((await ws.journalLines('batch.journal.jsonl')).filter((l) => l.ref === 'f-1').at(-1)).toMatchObject({ status: 'processing' });

    // The journal says nothing failed, so retry-failed writes no row, and a hand-made retry is held.
    await ws.write('batch-r2.csv', csv(STATUS_HEADER, [['f-1-r2', 'test_usd', 'USD', '9.00', '800001', 'process-failed']]));
    const held = await cli(ws, ['run', 'batch-r2.csv']);
    expect(counts(held).repeat_payee).toBe(1);
    expect(ws.sandbox.counters.createRequests.get('f-1-r2') ?? 0).toBe(0);
  });
});
