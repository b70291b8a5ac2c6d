import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/journal/lock.js';
import { csv, HEADER, workspace, type Workspace } from '../helpers/workspace.js';

const STATUS_HEADER = [...HEADER, 'fields.test_details_payout_status'];

// retry-failed records in the original journal that each failed row was reissued under its new
// reference: the original file, run again, shows it `reissued` and no longer pages (exit 0).
describe('retry-failed records each reissue in the original journal', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('the original file rerun shows the row reissued under its new reference and exits 0; nothing is sent again', async () => {
    ws = await workspace();
    await ws.write(
      'batch.csv',
      csv(STATUS_HEADER, [
        ['f-1', 'test_usd', 'USD', '9.00', '800001', 'process-failed'],
        ['p-1', 'test_usd', 'USD', '7.50', '800002', 'processed'],
      ]),
    );
    const env = { MILKYPAY_LEDGER_DIR: ws.path('ledger') };
    expect((await ws.cli(['run', 'batch.csv'], { env })).code).toBe(1);
    expect((await ws.cli(['run', 'batch.csv'], { env })).code).toBe(1); // before retry-failed: still pages

    const retried = await ws.cli(['retry-failed', 'batch.csv', '--suffix', '-r2']);
    expect(retried.code, retried.stderr).toBe(0);
    const line = (await ws.journalLines('batch.journal.jsonl')).filter((l) => l.ref === 'f-1').at(-1)!;
    expect(line).toMatchObject({ state: 'reissued', reissued_as: 'f-1-r2', status: 'process_failed' });

    const rerun = await ws.cli(['run', 'batch.csv', '--json'], { env });
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    const summary = JSON.parse(rerun.stdout) as { counts: Record<string, number>; problems: unknown[] };
    expect(summary.counts).toMatchObject({ reissued: 1, processed: 1, failed: 0 });
    expect(summary.problems).toEqual([]);
    const rows = await ws.results('batch.results.csv');
    expect(rows.map((r) => [r.reference_id, r.outcome])).toEqual([['f-1', 'reissued'], ['p-1', 'processed']]);
    expect(rows[0]!.error_message).toContain('f-1-r2');
    expect(ws.sandbox.counters.createRequests.get('f-1')).toBe(1);

    // A second retry-failed finds nothing left to reissue; the new file is paid.
    const again = await ws.cli(['retry-failed', 'batch.csv', '--suffix', '-r3']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/No failed payouts/);
    expect((await ws.cli(['run', 'batch-r2.csv'], { env })).code).toBe(1); // still process-failed in the sandbox, under its new reference
    expect(ws.sandbox.counters.createRequests.get('f-1-r2')).toBe(1);
  });

  it('refuses while a run holds the journal (exit 2): the reissue is written under the journal lock', async () => {
    ws = await workspace();
    await ws.write('batch.csv', csv(STATUS_HEADER, [['f-1', 'test_usd', 'USD', '9.00', '800001', 'process-failed']]));
    expect((await ws.cli(['run', 'batch.csv'], { env: { MILKYPAY_LEDGER_DIR: ws.path('ledger') } })).code).toBe(1);
    const held = await acquireLock(ws.path('batch.journal.jsonl'), { command: 'run' });
    const r = await ws.cli(['retry-failed', 'batch.csv']).finally(() => held.release());
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/lock/);
    expect((await ws.journalLines('batch.journal.jsonl')).some((l) => l.state === 'reissued')).toBe(false);
  });
});
