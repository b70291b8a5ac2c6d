import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/index.js';
import { csv, HEADER, workspace, type Workspace } from '../helpers/workspace.js';

const STATUS_HEADER = [...HEADER, 'fields.test_details_payout_status'];

/** The row's last journal line. */
async function lastLine(ws: Workspace, ref: string, name = 'batch.journal.jsonl'): Promise<Record<string, unknown>> {
  return (await ws.journalLines(name)).filter((l) => l.ref === ref).at(-1)!;
}

/** Requests that create or process a payout, so far. */
function moneyRequests(ws: Workspace): number {
  return ws.sandbox.counters.requests.create + ws.sandbox.counters.requests.process;
}

// reconcile follows each journaled invoice through the machine run uses: an answer that is not the
// row's invoice is never its payout (the row is left as the journal had it, exit 3: reconcile
// again), a read the machine would make again is made again, and nothing is ever created or processed.
describe('reconcile follows invoices as run does, and only reads', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('an invoice under the row’s reference that pays another amount is never the row’s payout: left as it was, exit 3', async () => {
    let later = 0;
    ws = await workspace({ processDelayMs: 400, now: () => Date.now() + later });
    await ws.write('batch.csv', csv(STATUS_HEADER, [['f-1', 'test_usd', 'USD', '9.00', '800001', 'process-failed']]));
    expect((await ws.cli(['run', 'batch.csv'])).code).toBe(0);
    // The journal says the invoice pays 9.50; the API's invoice under f-1 pays 9.00 (and has failed).
    const journal = ws.path('batch.journal.jsonl');
    const text = await readFile(journal, 'utf8');
    await writeFile(journal, text.replace(/"amount":"9(\.0+)?"(?![\s\S]*"amount")/, '"amount":"9.50"'));
    expect(await lastLine(ws, 'f-1')).toMatchObject({ amount: '9.50', status: 'processing' });
    later = 400;
    const before = moneyRequests(ws);

    const r = await ws.cli(['reconcile', 'batch.journal.jsonl', '--json', '--log-level', 'warn'], { env: { MILKYPAY_LEDGER_DIR: ws.path('ledger') } });
    expect(r.code, r.stderr).toBe(3);
    const report = JSON.parse(r.stdout) as { counts: Record<string, number>; problems: Array<{ reference_id: string; outcome: string; message: string }> };
    expect(report).toMatchObject({ checked: 1, changed: 0, failedReads: 1, released: 0 });
    expect(report.counts.failed ?? 0).toBe(0);
    expect(report.problems).toEqual([expect.objectContaining({ reference_id: 'f-1', outcome: 'error', message: expect.stringMatching(/amount 9(\.00)? \(the row says 9\.50\)/) })]);
    expect(await lastLine(ws, 'f-1')).toMatchObject({ state: 'submitted', status: 'processing' });
    expect((await ws.results('batch.results.csv')).map((x) => [x.outcome, x.status])).toEqual([['submitted', 'processing']]);
    expect(moneyRequests(ws)).toBe(before);
  });

  it('under --wait, a mixed-up answer once is asked again: the row settles from its own invoice', async () => {
    let later = 0;
    ws = await workspace({ processDelayMs: 400, now: () => Date.now() + later });
    await ws.write('batch.csv', csv(STATUS_HEADER, [['p-1', 'test_usd', 'USD', '7.50', '800002', 'processed'], ['o-1', 'test_usd', 'USD', '3.00', '800003', 'process-failed']]));
    expect((await ws.cli(['run', 'batch.csv'])).code).toBe(0);
    later = 400;
    ws.sandbox.setFaults({ script: [{ endpoint: 'getInvoice', referenceId: 'p-1', kind: 'foreign-reply', replyWith: 'o-1' }] });

    const r = await ws.cli(['reconcile', 'batch.journal.jsonl', '--wait', '30', '--json']);
    expect(r.code, r.stderr).toBe(1); // o-1 failed: a person re-pays it
    const report = JSON.parse(r.stdout) as { counts: Record<string, number> };
    expect(report).toMatchObject({ checked: 2, changed: 2, failedReads: 0 });
    expect(report.counts).toMatchObject({ processed: 1, failed: 1 });
    expect((await ws.results('batch.results.csv')).map((x) => [x.reference_id, x.outcome])).toEqual([
      ['p-1', 'processed'],
      ['o-1', 'failed'],
    ]);
    expect(await lastLine(ws, 'p-1')).toMatchObject({ state: 'processed', status: 'processed' });
  });

  it('a created row is read again after a mixed-up answer, up to the machine’s limit', async () => {
    ws = await workspace({ processDelayMs: 60_000 });
    await ws.write('batch.csv', csv(HEADER, [['a', 'test_usd', 'USD', '10.00', '1'], ['b', 'test_usd', 'USD', '11.00', '2']]));
    expect((await ws.cli(['run', 'batch.csv', '--no-process'])).code).toBe(0);
    const before = moneyRequests(ws);
    ws.sandbox.setFaults({ script: [{ endpoint: 'getInvoice', referenceId: 'a', kind: 'foreign-reply', replyWith: 'b', times: 2 }, { endpoint: 'getInvoice', referenceId: 'b', kind: 'foreign-reply', replyWith: 'a', times: 50 }] });

    const r = await ws.cli(['reconcile', 'batch.journal.jsonl', '--json']);
    expect(r.code, r.stderr).toBe(3); // b's invoice never came back: reconcile again
    const report = JSON.parse(r.stdout) as { counts: Record<string, number>; problems: Array<{ reference_id: string; message: string }> };
    expect(report).toMatchObject({ checked: 2, changed: 0, failedReads: 1 });
    expect(report.counts).toMatchObject({ created: 1, error: 1 });
    expect(report.problems.map((p) => p.reference_id)).toEqual(['b']);
    expect(report.problems[0]!.message).toMatch(/of reference_id a\b/);
    // The machine's limit of reads, no more; and nothing was processed.
    expect(ws.sandbox.counters.requests.getInvoice).toBeLessThanOrEqual(5 + 3);
    expect(moneyRequests(ws)).toBe(before);
    expect(await lastLine(ws, 'b')).toMatchObject({ state: 'created', status: 'created' });
  });

  it('a 5xx while following, then the answer: the row settles (exit 1 for its failure), nothing created or processed', async () => {
    let later = 0;
    ws = await workspace({ processDelayMs: 400, now: () => Date.now() + later });
    await ws.write('batch.csv', csv(STATUS_HEADER, [['f-1', 'test_usd', 'USD', '9.00', '800001', 'process-failed']]));
    expect((await ws.cli(['run', 'batch.csv'])).code).toBe(0);
    later = 400;
    const before = moneyRequests(ws);
    ws.sandbox.setFaults({ script: [{ endpoint: 'getInvoice', referenceId: 'f-1', kind: 'status', status: 503, times: 2 }] });

    const r = await ws.cli(['reconcile', 'batch.journal.jsonl', '--json']);
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ checked: 1, changed: 1, failedReads: 0, counts: { failed: 1 } });
    expect(await lastLine(ws, 'f-1')).toMatchObject({ state: 'failed', status: 'process_failed' });
    expect(moneyRequests(ws)).toBe(before);
  });

  it('journaled created, processing and error rows: reconcile reads each and never creates or processes', async () => {
    ws = await workspace({ processDelayMs: 60_000 });
    await ws.write('batch.csv', csv(HEADER, [['c', 'test_usd', 'USD', '1.00', '1'], ['p', 'test_usd', 'USD', '2.00', '2'], ['e', 'test_usd', 'USD', '3.00', '3']]));
    expect((await ws.cli(['run', 'batch.csv', '--no-process'])).code).toBe(0);
    // What the runner journals before a process request (p; the process then takes effect and the run
    // dies), and a row whose process requests all failed (e): both still hold an invoice to read.
    const p = await lastLine(ws, 'p');
    const e = await lastLine(ws, 'e');
    const more = [{ ...p, state: 'processing', attempt: 1 }, { ...e, state: 'error', error_code: 'process_failed_to_send', error_message: 'process request failed 5 times' }];
    await appendFile(ws.path('batch.journal.jsonl'), more.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const api = createApiClient({ baseUrl: ws.sandbox.url, ...ws.sandbox.credentials });
    await api.processInvoice(String(p.invoice_id));
    api.close();
    const before = moneyRequests(ws);

    const r = await ws.cli(['reconcile', 'batch.journal.jsonl', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ checked: 3, failedReads: 0, counts: { created: 2, submitted: 1 } });
    expect(moneyRequests(ws)).toBe(before);
    expect((await ws.results('batch.results.csv')).map((x) => [x.reference_id, x.outcome, x.status])).toEqual([
      ['c', 'created', 'created'],
      ['p', 'submitted', 'processing'],
      ['e', 'created', 'created'],
    ]);
  });
});
