import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/run/summary.js';
import { runCli } from '../helpers/in-process.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

const FAILING = [...HEADER, 'fields.test_details_payout_status'];

describe('the report answers "what happened", on stdout', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });
  const cli = (argv: string[], invokedAs = 'node dist/cli.js') => runCli(argv, { env: ws.env, cwd: ws.dir, invokedAs });

  it('a start line (mode, host, account, file, rows), then what this run sent against what earlier runs settled', async () => {
    ws = await workspace();
    const text = csv(HEADER, rows(11));
    await ws.write('payouts.csv', text);
    const first = await cli(['run', 'payouts.csv']);
    expect(first.code, first.stderr).toBe(0);
    const host = new URL(ws.sandbox.url).host;
    expect(first.stdout.split('\n')[0]).toBe(`TEST run · ${host} · account sandbox_key_id · payouts.csv · 11 rows (11 to send, 0 settled before)`);
    expect(first.stdout).toContain('Sent 11 payouts; 0 rows settled before.');
    expect(first.stderr).not.toContain('Run finished');
    expect(first.stderr).toContain('"msg":"run finished"'); // the logs stay on stderr

    await ws.write('payouts.csv', text + 'ref-12,test_usd,USD,1.00,42\n');
    const second = await cli(['run', 'payouts.csv']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Sent 1 payout; 11 rows settled before.');
    expect(ws.sandbox.counters.invoicesCreated.size).toBe(12);
  });

  it('lists the rows that need a person like the invalid ones (first 20, with the reason); --json carries the same', async () => {
    ws = await workspace();
    const failing = Array.from({ length: 25 }, (_, i) => [`f-${i + 1}`, 'test_usd', 'USD', '1.00', String(500 + i), 'process-failed']);
    await ws.write('payouts-r2.csv', csv(FAILING, [['ok-1', 'test_usd', 'USD', '1.00', '1', ''], ...failing]));
    const r = await cli(['run', 'payouts-r2.csv', '--journal', 'batch.jsonl']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Rows that need attention (first 20 of 25; all in the results CSV):');
    expect(r.stdout).toMatch(/^ {2}line 3: f-1 failed \(invoice cpoi_\w+\): status process_failed, resolution \w+/m);
    expect(r.stdout.match(/^ {2}line \d+: f-\d+ failed/gm)).toHaveLength(20);
    // Next steps as the user ran it: the program, the custom journal, a suffix the file does not carry yet.
    expect(r.stdout).toContain('Next: re-pay failed rows under new references: node dist/cli.js retry-failed payouts-r2.csv --journal batch.jsonl --suffix -r3');

    const json = await cli(['run', 'payouts-r2.csv', '--journal', 'batch.jsonl', '--json']);
    const summary = JSON.parse(json.stdout) as RunSummary;
    expect(json.stdout.trim().split('\n')).toHaveLength(1);
    expect(summary.problems).toHaveLength(20);
    expect(summary.problems[0]).toMatchObject({ line: 3, reference_id: 'f-1', outcome: 'failed', message: expect.stringContaining('process_failed') });
    expect(summary.sent).toBe(0);
    expect(summary.plan).toEqual({ send: 0, settled: 26, totals: [] });
    expect(summary.account).toEqual({ origin: new URL(ws.sandbox.url).origin, keyId: 'sandbox_key_id', mode: 'test' });
  });

  it('after a --sandbox run the next step works: the next rehearsal moves the earlier sandbox journal aside by itself', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, [...rows(1), ['bad-1', 'test_usd', 'USD', '0', '42']]));
    const first = await cli(['run', 'payouts.csv', '--sandbox'], 'milkypay-payouts');
    expect(first.code, first.stderr).toBe(1);
    const next = first.stdout.split('\n').filter((l) => l.startsWith('Next: '));
    expect(next).toEqual([
      'Next: fix the invalid/rejected rows in the file, then rehearse again (each --sandbox run starts a new, empty sandbox and moves this journal aside): milkypay-payouts run payouts.csv --sandbox',
    ]);
    // What it proposes is what happens: the command is accepted as it stands.
    const again = await cli(['run', 'payouts.csv', '--sandbox'], 'milkypay-payouts');
    expect(again.code, again.stderr).toBe(1);
  });

  it('quotes a path with a space or a quote in every command it proposes, so each pastes into a shell as shown', async () => {
    ws = await workspace();
    await ws.write("o'neil payouts.csv", csv(FAILING, [['ok-1', 'test_usd', 'USD', '1.00', '1', ''], ['f-1', 'test_usd', 'USD', '1.00', '2', 'process-failed']]));
    const run = await cli(['run', "o'neil payouts.csv", '--journal', 'my journal.jsonl'], 'milkypay-payouts');
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain(`Next: re-pay failed rows under new references: milkypay-payouts retry-failed 'o'\\''neil payouts.csv' --journal 'my journal.jsonl' --suffix -r2`);
    const retry = await cli(['retry-failed', "o'neil payouts.csv", '--journal', 'my journal.jsonl', '--suffix', '-r2'], 'milkypay-payouts');
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stderr).toContain(`Check it, then pay them: milkypay-payouts run 'o'\\''neil payouts-r2.csv'`);
    await ws.write('next batch.csv', csv(HEADER, rows(1)));
    const plan = await cli(['plan', 'next batch.csv'], 'milkypay-payouts');
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`pay exactly this file: milkypay-payouts run 'next batch.csv' --plan '${ws.path('next batch.plan.json')}'`);

    await ws.write('my payouts.csv', csv(HEADER, [...rows(1), ['bad-1', 'test_usd', 'USD', '0', '42']]));
    const sandbox = await cli(['run', 'my payouts.csv', '--sandbox'], 'milkypay-payouts');
    expect(sandbox.stdout).toContain(`moves this journal aside): milkypay-payouts run 'my payouts.csv' --sandbox`);
  });

  it('a dry run says what it would send and proposes the real command as typed', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(2)));
    const r = await cli(['run', 'payouts.csv', '--dry-run', '--sandbox', '--max-total', 'USD:10', '--concurrency', '4'], 'npx milkypay-payouts');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^TEST dry run · 127\.0\.0\.1:\d+ · account sandbox_key_id · payouts\.csv · 2 rows/);
    expect(r.stdout).toContain('Would send 2 payouts (USD 3.50); 0 rows already settled');
    expect(r.stdout).toContain('Next: run without --dry-run to send 2 payouts: npx milkypay-payouts run payouts.csv --sandbox --concurrency 4 --max-total USD:10');
  });
});
