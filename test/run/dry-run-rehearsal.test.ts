import { readdir, readFile, stat } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/in-process.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

const FAILING = [...HEADER, 'fields.test_details_payout_status'];

describe('--dry-run rehearses the real command', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });
  const cli = (argv: string[], env: NodeJS.ProcessEnv = {}) => runCli(argv, { env: { ...ws.env, ...env }, cwd: ws.dir });

  it('refuses what the real run refuses (gates), with the same exit 2 and message, and leaves no file', async () => {
    ws = await workspace();
    const input = await ws.write('clean.csv', csv(HEADER, rows(3)));
    const args = ['run', input, '--max-total', 'EUR:1', '--max-total', 'USD:1', '--expect-count', '99'];
    const dry = await cli([...args, '--dry-run']);
    const real = await cli(args);
    expect(dry.code).toBe(2);
    expect(real.code).toBe(2);
    expect(dry.stderr).toContain('above --max-total USD:1; nothing was sent');
    expect(dry.stderr.split('\n').filter((l) => l.startsWith('milkypay-payouts:'))).toEqual(real.stderr.split('\n').filter((l) => l.startsWith('milkypay-payouts:')));
    const count = await cli(['run', input, '--expect-count', '99', '--dry-run']);
    expect(count.code).toBe(2);
    expect(count.stderr).toContain('the file pays 3 valid rows (3 to send, 0 settled before) but --expect-count says 99');
    expect(ws.sandbox.counters.requests.create).toBe(0);
    expect(await readdir(ws.dir)).toEqual(['cache', 'clean.csv']);
  });

  it('after a real run: reads the journal without writing or locking it, shows settled rows as they ended, writes <stem>.dryrun.csv and never the real results', async () => {
    ws = await workspace();
    const first = csv(FAILING, [...rows(3).map((r) => [...r, '']), ['bad-1', 'test_usd', 'USD', '2.00', '12', 'process-failed']]);
    const input = await ws.write('payouts.csv', first);
    const paid = await cli(['run', input]);
    expect(paid.code, paid.stderr).toBe(1);
    const results = await readFile(ws.path('payouts.results.csv'), 'utf8');
    const journal = await stat(ws.path('payouts.journal.jsonl'));
    const journalText = await readFile(ws.path('payouts.journal.jsonl'), 'utf8');

    // One row added to the file: the rehearsal says only it would be sent.
    await ws.write('payouts.csv', first + 'new-1,test_usd,USD,7.50,99,\n');
    const dry = await cli(['run', input, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(1); // the failed row still needs a person
    expect(dry.stdout).toContain('Would send 1 payout (USD 7.50); 4 rows already settled');
    expect(await readFile(ws.path('payouts.results.csv'), 'utf8')).toBe(results);
    expect(await readFile(ws.path('payouts.journal.jsonl'), 'utf8')).toBe(journalText);
    expect((await stat(ws.path('payouts.journal.jsonl'))).mtimeMs).toBe(journal.mtimeMs);
    expect((await readdir(ws.dir)).filter((f) => f.endsWith('.lock'))).toEqual([]);
    const rehearsed = await ws.results('payouts.dryrun.csv');
    expect(rehearsed.map((r) => [r.reference_id, r.outcome])).toEqual([
      ['ref-1', 'processed'],
      ['ref-2', 'processed'],
      ['ref-3', 'processed'],
      ['bad-1', 'failed'],
      ['new-1', 'valid'],
    ]);
    expect(rehearsed[0]!.invoice_id).toMatch(/^cpoi_/);
    expect(dry.stdout).toContain(`Results: ${ws.path('payouts.dryrun.csv')} (the real results file is left as it was)`);
    expect(ws.sandbox.counters.invoicesCreated.size).toBe(4);
  });

  it('checks the credentials with one authenticated call: a wrong secret shows in the rehearsal (exit 2, naming the variables)', async () => {
    ws = await workspace();
    const input = await ws.write('payouts.csv', csv(HEADER, rows(2)));
    await cli(['run', input, '--dry-run']); // rules now cached
    const r = await cli(['run', input, '--dry-run'], { MILKYPAY_SECRET_KEY: 'wrong-secret' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the API refused the credentials (401');
    expect(r.stderr).toContain('MILKYPAY_KEY_ID and MILKYPAY_SECRET_KEY');
    expect(r.stderr).not.toContain('wrong-secret');
    expect(await readdir(ws.dir)).not.toContain('payouts.dryrun.csv.tmp');
  });
});
