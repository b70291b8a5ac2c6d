import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';
import { sandboxClock } from '../helpers/sandbox-clock.js';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: { exitCode: number; counts: Record<string, number> };
}

/** The CLI in-process, with the ledger in the workspace (never the real home). */
async function run(ws: Workspace, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const r = await ws.cli([...args, '--json', '--log-level', 'warn'], { env: { MILKYPAY_LEDGER_DIR: ws.path('ledger'), ...env } });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return { ...r, summary: line.startsWith('{') ? JSON.parse(line) : { exitCode: -1, counts: {} } };
}
async function results(ws: Workspace, name: string): Promise<Record<string, string>[]> {
  return parse(await readFile(ws.path(name)), { columns: true, bom: true }) as Record<string, string>[];
}

async function ledgerFiles(ws: Workspace): Promise<string[]> {
  const root = ws.path('ledger');
  const out: string[] = [];
  for (const account of await readdir(root)) for (const f of await readdir(join(root, account))) out.push(join(root, account, f));
  return out;
}

describe('the repeat-payee guard', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('holds a second export of the same payouts under fresh references (nothing sent, exit 1); --allow-repeat pays it', async () => {
    ws = await workspace();
    await ws.write('export-1.csv', csv(HEADER, rows(5, 'uuid-a')));
    const first = await run(ws, ['run', 'export-1.csv']);
    expect(first.code, first.stderr).toBe(0);
    await ws.write('export-2.csv', csv(HEADER, rows(5, 'uuid-b')));
    const second = await run(ws, ['run', 'export-2.csv']);
    expect(second.code, second.stderr).toBe(1);
    expect(second.summary.counts.repeat_payee).toBe(5);
    expect(ws.sandbox.counters.requests.create).toBe(5);
    const held = await results(ws, 'export-2.results.csv');
    expect(held.map((r) => r.outcome)).toEqual(Array(5).fill('repeat_payee'));
    expect(held[0]!.error_message).toMatch(/paid, or is due to be, under reference "uuid-a-1" from export-1\.csv at \d{4}-\d\d-\d\dT[\d:]+Z, within the 3d repeat window/);
    expect(second.stderr).toMatch(/repeat_payee/);

    const allowed = await run(ws, ['run', 'export-2.csv', '--allow-repeat']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(ws.sandbox.counters.requests.create).toBe(10);
    expect((await results(ws, 'export-2.results.csv')).every((r) => r.outcome === 'processed')).toBe(true);
  });

  it('the dry run reports the same holds, and a rerun of the paid file is not held', async () => {
    ws = await workspace();
    await ws.write('export-1.csv', csv(HEADER, rows(3, 'a')));
    expect((await run(ws, ['run', 'export-1.csv'])).code).toBe(0);
    expect((await run(ws, ['run', 'export-1.csv'])).code).toBe(0);
    await ws.write('export-2.csv', csv(HEADER, rows(3, 'b')));
    const dry = await run(ws, ['run', 'export-2.csv', '--dry-run']);
    expect(dry.code).toBe(1);
    expect(dry.summary.counts.repeat_payee).toBe(3);
    expect(ws.sandbox.counters.requests.create).toBe(3);
  });

  it('holds the later of two equal rows for one payee in one file, naming the first; allow_repeat=yes lets it through', async () => {
    ws = await workspace();
    const header = [...HEADER, 'allow_repeat'];
    await ws.write('fees.csv', csv(header, [
      ['fee-1', 'test_usd', 'USD', '25.00', '700001', ''],
      ['other', 'test_usd', 'USD', '25.00', '700002', ''],
      ['fee-2', 'test_usd', 'USD', '25.00', '700001', ''],
    ]));
    const r = await run(ws, ['run', 'fees.csv']);
    expect(r.code, r.stderr).toBe(1);
    const out = await results(ws, 'fees.results.csv');
    expect(out.map((x) => x.outcome)).toEqual(['processed', 'processed', 'repeat_payee']);
    expect(out[2]!.error_message).toMatch(/earlier in this file under reference "fee-1" \(line 2\)/);
    expect(ws.sandbox.counters.createRequests.has('fee-2')).toBe(false);

    await ws.write('fees.csv', csv(header, [
      ['fee-1', 'test_usd', 'USD', '25.00', '700001', ''],
      ['other', 'test_usd', 'USD', '25.00', '700002', ''],
      ['fee-2', 'test_usd', 'USD', '25.00', '700001', 'yes'],
    ]));
    const again = await run(ws, ['run', 'fees.csv']);
    expect(again.code, again.stderr).toBe(0);
    expect(ws.sandbox.counters.createRequests.get('fee-2')).toBe(1);
    expect(ws.sandbox.counters.requests.create).toBe(3);
  });

  it('pays a repeat older than the window; a longer window holds it; 0 turns the guard off', async () => {
    ws = await workspace();
    await ws.write('week-1.csv', csv(HEADER, rows(2, 'w1')));
    expect((await run(ws, ['run', 'week-1.csv'])).code).toBe(0);
    // Make the ledger four days old.
    const [payouts] = (await ledgerFiles(ws)).filter((f) => f.endsWith('payouts.jsonl'));
    const old = new Date(Date.now() - 4 * 86_400_000).toISOString();
    await writeFile(payouts!, (await readFile(payouts!, 'utf8')).replace(/"at":"[^"]+"/g, `"at":"${old}"`));

    await ws.write('week-2.csv', csv(HEADER, rows(2, 'w2')));
    const held = await run(ws, ['run', 'week-2.csv', '--repeat-window', '30d']);
    expect(held.code).toBe(1);
    expect(held.summary.counts.repeat_payee).toBe(2);
    expect((await run(ws, ['run', 'week-2.csv'], { MILKYPAY_REPEAT_WINDOW: '5d' })).summary.counts.repeat_payee).toBe(2);
    expect(ws.sandbox.counters.requests.create).toBe(2);

    const paid = await run(ws, ['run', 'week-2.csv']);
    expect(paid.code, paid.stderr).toBe(0);
    expect(ws.sandbox.counters.requests.create).toBe(4);

    await ws.write('week-3.csv', csv(HEADER, rows(2, 'w3')));
    const off = await run(ws, ['run', 'week-3.csv', '--repeat-window', '0']);
    expect(off.code, off.stderr).toBe(0);
    expect(ws.sandbox.counters.requests.create).toBe(6);
    expect((await run(ws, ['run', 'week-3.csv', '--repeat-window', '2w'])).code).toBe(2);
  });

  it('two exports of the same payouts run at the same moment (two processes, one ledger): each payee is paid once', async () => {
    ws = await workspace({ faults: { latencyMs: 30 } });
    await ws.write('export-1.csv', csv(HEADER, rows(20, 'uuid-a')));
    await ws.write('export-2.csv', csv(HEADER, rows(20, 'uuid-b')));
    const env = { MILKYPAY_LEDGER_DIR: ws.path('ledger') };
    const spawn = (file: string) => ws.spawnCli(['run', file, '--log-level', 'warn'], env);
    const [a, b] = await Promise.all([collect(spawn('export-1.csv')), collect(spawn('export-2.csv'))]);
    // Which run pays which payee depends on who takes the ledger lock first, batch by batch.
    expect([0, 1]).toContain(a.code);
    expect([0, 1]).toContain(b.code);
    expect([a.code, b.code], a.stderr + b.stderr).toContain(1);
    expect(ws.sandbox.counters.requests.create).toBe(20);
    for (let i = 1; i <= 20; i++) {
      const paid = (ws.sandbox.counters.createRequests.get(`uuid-a-${i}`) ?? 0) + (ws.sandbox.counters.createRequests.get(`uuid-b-${i}`) ?? 0);
      expect(paid, `payee ${i}`).toBe(1);
    }
  });

  it('a payout that failed holds nothing: its payee is paid again under a new reference', async () => {
    ws = await workspace();
    const header = [...HEADER, 'fields.test_details_payout_status'];
    await ws.write('batch.csv', csv(header, [['f-1', 'test_usd', 'USD', '9.00', '800001', 'process-failed']]));
    expect((await run(ws, ['run', 'batch.csv'])).code).toBe(1);
    await ws.write('batch-r2.csv', csv(header, [['f-1-r2', 'test_usd', 'USD', '9.00', '800001', 'process-failed']]));
    const again = await run(ws, ['run', 'batch-r2.csv']);
    expect(again.summary.counts.repeat_payee ?? 0).toBe(0);
    expect(ws.sandbox.counters.createRequests.get('f-1-r2')).toBe(1);
  });

  it('a failure only reconcile saw is released by reconcile: its retry file is paid, and the original file reruns without sending', async () => {
    const clock = sandboxClock(); // stands still until the test moves it
    ws = await workspace({ processDelayMs: 400, now: clock.now });
    const header = [...HEADER, 'fields.test_details_payout_status'];
    await ws.write('batch.csv', csv(header, [['f-1', 'test_usd', 'USD', '9.00', '800001', 'process-failed']]));
    expect((await run(ws, ['run', 'batch.csv'])).summary.counts.submitted).toBe(1);
    clock.advance(400);
    await ws.cli(['reconcile', 'batch.journal.jsonl'], { env: { MILKYPAY_LEDGER_DIR: ws.path('ledger') } });
    expect((await results(ws, 'batch.results.csv'))[0]!.outcome).toBe('failed');
    expect((await ws.cli(['retry-failed', 'batch.csv', '--suffix', '-r2'])).code).toBe(0);
    const paid = await run(ws, ['run', 'batch-r2.csv']);
    expect(paid.summary.counts.repeat_payee ?? 0, paid.stderr).toBe(0);
    expect(ws.sandbox.counters.createRequests.get('f-1-r2')).toBe(1);
    expect((await run(ws, ['run', 'batch.csv'])).summary.counts.reissued).toBe(1); // reads it from the journal: failed, then reissued
    expect(ws.sandbox.counters.requests.create).toBe(2);
  });

  it('the ledger holds no card or account number, in a 0700 folder of 0600 files', async () => {
    ws = await workspace();
    const cards = ['4111111111111111', '5123817234060000'];
    await ws.write('cards.csv', csv(['reference_id', 'service', 'currency', 'amount', 'fields.card_number'], cards.map((c, i) => [`c-${i}`, 'payment_card_usd', 'USD', '10.00', c])));
    await ws.write('accounts.csv', csv(HEADER, rows(3, 'acct')));
    expect((await run(ws, ['run', 'cards.csv'])).code).toBe(0);
    expect((await run(ws, ['run', 'accounts.csv'])).code).toBe(0);
    const files = await ledgerFiles(ws);
    expect(files.map((f) => f.split('/').pop()).sort()).toEqual(['account.json', 'payouts.jsonl', 'secret']);
    const text = (await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('\n');
    expect(text).toContain('c-0');
    for (const secret of [...cards, ...cards.map((c) => c.slice(-4) + '"'), '100000', '100001', '100002']) expect(text).not.toContain(secret);
    for (const f of files) expect((await stat(f)).mode & 0o777).toBe(0o600);
    expect((await stat(join(files[0]!, '..'))).mode & 0o777).toBe(0o700);
  });
});
