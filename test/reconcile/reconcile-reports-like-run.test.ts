import { afterEach, describe, expect, it } from 'vitest';
import { csv, HEADER, workspace, type Workspace } from '../helpers/workspace.js';

const STATUS_HEADER = [...HEADER, 'fields.test_details_payout_status'];

// reconcile's report goes to stdout and its exit code is run's: a payout it followed that ended
// failed or partial is exit 1, naming it with the retry-failed command; rows still not final after
// --wait (or not readable) are exit 3; else 0.
describe('reconcile reports and exits like run', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('a payout found failed: exit 1, the reference named on stdout with the retry-failed command', async () => {
    let later = 0; // the sandbox's clock runs this far ahead
    ws = await workspace({ processDelayMs: 400, now: () => Date.now() + later });
    await ws.write(
      'batch.csv',
      csv(STATUS_HEADER, [
        ['f-1', 'test_usd', 'USD', '9.00', '800001', 'process-failed'],
        ['p-1', 'test_usd', 'USD', '7.50', '800002', 'processed'],
      ]),
    );
    expect((await ws.cli(['run', 'batch.csv'])).code).toBe(0);
    later = 400;
    const r = await ws.cli(['reconcile', 'batch.journal.jsonl']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('Checked 2 invoices not final yet; 2 changed.');
    expect(r.stdout).toMatch(/f-1 failed \(invoice [^)]+\)/);
    expect(r.stdout).not.toMatch(/p-1 /);
    expect(r.stdout).toContain('retry-failed batch.csv --journal batch.journal.jsonl --suffix -r2');
    expect(r.stderr).not.toContain('Checked 2');

    const json = await ws.cli(['reconcile', 'batch.journal.jsonl', '--json']);
    expect(json.code).toBe(0); // nothing left to follow: the failure was reported by the run before
    const report = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ checked: 0, exitCode: 0 });
  });

  it('--json: one object on stdout, with the exit code, counts and the rows that need a person', async () => {
    let later = 0;
    ws = await workspace({ processDelayMs: 400, now: () => Date.now() + later });
    await ws.write('batch.csv', csv(STATUS_HEADER, [['f-1', 'test_usd', 'USD', '9.00', '800001', 'process-failed']]));
    expect((await ws.cli(['run', 'batch.csv'])).code).toBe(0);
    later = 400;
    const r = await ws.cli(['reconcile', 'batch.journal.jsonl', '--json']);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!) as { exitCode: number; counts: Record<string, number>; problems: Array<{ reference_id: string; outcome: string }> };
    expect(report.exitCode).toBe(1);
    expect(report.counts.failed).toBe(1);
    expect(report.problems.map((p) => [p.reference_id, p.outcome])).toEqual([['f-1', 'failed']]);
  });

  it('still processing after --wait: exit 3 saying how many; without --wait, still processing is exit 0', async () => {
    ws = await workspace({ processDelayMs: 60_000 });
    await ws.write('batch.csv', csv(HEADER, [['a', 'test_usd', 'USD', '9.00', '800001'], ['b', 'test_usd', 'USD', '9.50', '800002']]));
    expect((await ws.cli(['run', 'batch.csv'])).code).toBe(0);
    const quick = await ws.cli(['reconcile', 'batch.journal.jsonl']);
    expect(quick.code, quick.stderr).toBe(0);
    const waited = await ws.cli(['reconcile', 'batch.journal.jsonl', '--wait', '0.05']);
    expect(waited.code, waited.stderr).toBe(3);
    expect(waited.stdout).toContain('2 payouts still processing after waiting 0.05 s');
  });

  it('a payout found partially processed: exit 1', async () => {
    let later = 0;
    ws = await workspace({ processDelayMs: 400, now: () => Date.now() + later });
    await ws.write('batch.csv', csv(STATUS_HEADER, [['h-1', 'test_usd', 'USD', '9.00', '800001', 'partially-processed']]));
    expect((await ws.cli(['run', 'batch.csv'])).code).toBe(0);
    later = 400;
    const r = await ws.cli(['reconcile', 'batch.journal.jsonl']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/h-1 partial/);
  });

  it('--json on every exit: a missing journal (exit 2) prints one object with error {code, message}; a report carries runId and the request counts', async () => {
    ws = await workspace();
    const missing = await ws.cli(['reconcile', 'nope.journal.jsonl', '--json']);
    expect(missing.code).toBe(2);
    const lines = missing.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ exitCode: 2, journal: 'nope.journal.jsonl', runId: expect.any(String), error: { code: 'no_journal', message: expect.stringContaining('nope.journal.jsonl') } });
    await ws.write('batch.csv', csv(HEADER, [['a', 'test_usd', 'USD', '9.00', '800001']]));
    expect((await ws.cli(['run', 'batch.csv'])).code).toBe(0);
    const ok = await ws.cli(['reconcile', 'batch.journal.jsonl', '--json']);
    expect(JSON.parse(ok.stdout)).toMatchObject({ exitCode: 0, runId: expect.any(String), requests: { total: expect.any(Number) } });
  });

  it('an invoice that cannot be read: exit 3 (reconcile again later)', async () => {
    ws = await workspace({ processDelayMs: 60_000 });
    await ws.write('batch.csv', csv(HEADER, [['a', 'test_usd', 'USD', '9.00', '800001']]));
    expect((await ws.cli(['run', 'batch.csv'])).code).toBe(0);
    ws.sandbox.setFaults({ errorRates: { 500: 1 }, endpoints: ['getInvoice'] });
    const r = await ws.cli(['reconcile', 'batch.journal.jsonl']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain('1 could not be read');
  });
});
