import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/in-process.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';
import { sandboxClock } from '../helpers/sandbox-clock.js';

const CARD = '4111111111111111';

describe('the operator experience, through the built CLI', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('without a TTY: JSON log lines on stderr, progress lines among them, the report on stdout', async () => {
    // 120 requests of at least 5 ms, two at a time: the run lasts 300 ms or more, many 20 ms progress intervals.
    ws = await workspace({ faults: { latencyMs: 5 } });
    await ws.write('payouts.csv', csv(HEADER, rows(60)));
    const r = await ws.cli(['run', 'payouts.csv', '--concurrency', '2'], { env: { MILKYPAY_PROGRESS_INTERVAL_MS: '20' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^TEST run · 127\.0\.0\.1:\d+ · account sandbox_key_id · payouts\.csv · 60 rows/);
    expect(r.stderr).not.toContain('Run finished');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines.filter((l) => !l.startsWith('{'))).toEqual([]); // every line a JSON log line, progress included
    const logs = lines.map((l) => JSON.parse(l) as { msg: string; level: number; progress?: { done: number; total: number } });
    const progress = logs.filter((l) => l.progress);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ level: 30, progress: { done: 60, total: 60, attention: 0 } });
    expect(progress.at(-1)!.msg).toMatch(/^60\/60 rows · \d+ rows\/s · 0 need attention · eta \d+s$/);
    expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['run started', 'run finished']));
    expect(r.stdout).toContain('Run finished: 60 rows · processed 60');
    expect(r.stdout).toMatch(/USD: 60 valid rows · \d+\.\d{2} requested/);
  });

  it('--json prints one summary object on stdout with exact totals, and nothing else', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, [
      ['a', 'test_usd', 'USD', '0.10', '1'],
      ['b', 'test_usd', 'USD', '0.20', '2'],
      ['c', 'payment_card_usd', 'USD', '100.00', ''],
      ['d', 'test_jpy', 'JPY', '1000', '3'],
    ]).replace(/^c,payment_card_usd,USD,100.00,$/m, `c,payment_card_usd,USD,100.00,`));
    const r = await ws.cli(['run', 'payouts.csv', '--json']);
    const summary = JSON.parse(r.stdout) as { exitCode: number; counts: Record<string, number>; totals: Array<Record<string, string | number>>; results: string; journal: string };
    expect(summary.exitCode).toBe(r.code);
    expect(summary.totals).toContainEqual({ currency: 'USD', rows: 2, requested: '0.30', processed: '0.30', fees: '0.00' });
    expect(summary.totals).toContainEqual({ currency: 'JPY', rows: 1, requested: '1000', processed: '1000', fees: '0' });
    expect(summary.results).toMatch(/payouts\.results\.csv$/);
    expect(summary.journal).toMatch(/payouts\.journal\.jsonl$/);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('never shows the secret key or a full card number anywhere in a failing run', async () => {
    ws = await workspace({ faults: { errorRates: { 500: 0.3 }, endpoints: ['create', 'process'] }, seed: 3 });
    const header = ['reference_id', 'service', 'currency', 'amount', 'fields.card_number'];
    await ws.write('payouts.csv', csv(header, [
      ['card-1', 'payment_card_usd', 'USD', '10.00', CARD],
      ['card-2', 'payment_card_usd', 'USD', '20.00', `${CARD}X`],
      ['card-3', 'payment_card_usd', 'USD', '30.00', '5123817234060000'],
      ['card-4', 'payment_card_usd', 'USD', '40.00', '4000056655665556'],
    ]));
    await ws.write('other.csv', (await readFile(ws.path('payouts.csv'), 'utf8')).replace(/card-/g, 'other-'));
    const runs = [
      await ws.cli(['run', 'payouts.csv', '--log-level', 'debug', '--json']),
      await ws.cli(['run', 'other.csv', '--log-level', 'trace', '--refresh-services'], { env: { MILKYPAY_SECRET_KEY: `${ws.env.MILKYPAY_SECRET_KEY}-wrong` } }),
    ];
    expect(runs[1]!.code).toBe(2); // the wrong secret is found before anything is sent
    const outputs = [
      ...runs.flatMap((r) => [r.stdout, r.stderr]),
      await readFile(ws.path('payouts.results.csv'), 'utf8'),
      await readFile(ws.path('payouts.journal.jsonl'), 'utf8'),
    ].join('\n');
    const secret = ws.env.MILKYPAY_SECRET_KEY!;
    const basic = Buffer.from(`${ws.env.MILKYPAY_KEY_ID}:${secret}`).toString('base64');
    expect(outputs).not.toContain(secret);
    expect(outputs).not.toContain(basic);
    for (const number of [CARD, '5123817234060000', '4000056655665556']) expect(outputs).not.toContain(number);
    expect(outputs).toContain('411111');
  });

  it('live keys: run refuses without --live (exit 2, nothing sent), and pays with --live --yes', async () => {
    ws = await workspace({ testMode: false });
    await ws.write('payouts.csv', csv(HEADER, rows(3)));
    const refused = await ws.cli(['run', 'payouts.csv']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/live key.*--live/);
    expect(ws.sandbox.counters.requests.create).toBe(0);
    const dry = await ws.cli(['run', 'payouts.csv', '--dry-run']);
    expect(dry.code).toBe(2); // the dry run rehearses the live guard too
    expect(dry.stderr).toMatch(/live key.*--live/);
    const rehearsed = await ws.cli(['run', 'payouts.csv', '--dry-run', '--live']);
    expect(rehearsed.code, rehearsed.stderr).toBe(0);
    const paid = await ws.cli(['run', 'payouts.csv', '--live', '--yes']);
    expect(paid.code, paid.stderr).toBe(0);
    expect(ws.sandbox.counters.requests.create).toBe(3);
  });

  it('--max-total and control totals refuse a file before anything is sent, showing both figures', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, [
      ['a', 'test_usd', 'USD', '2500.00', '1'],
      ['b', 'test_usd', 'USD', '2500.01', '2'],
      ['c', 'test_eur', 'EUR', '10', '3'],
    ]));
    const capped = await ws.cli(['run', 'payouts.csv', '--max-total', 'USD:5000', '--max-total', 'EUR:100']);
    expect(capped.code).toBe(2);
    expect(capped.stderr).toContain('5000.01 USD');
    expect(capped.stderr).toContain('USD:5000');
    const count = await ws.cli(['run', 'payouts.csv', '--expect-count', '4']);
    expect(count.code).toBe(2);
    expect(count.stderr).toMatch(/3 valid rows.*--expect-count says 4/);
    const total = await ws.cli(['run', 'payouts.csv', '--expect-count', '3', '--expect-total', 'USD:5000.00']);
    expect(total.code).toBe(2);
    expect(total.stderr).toMatch(/5000\.01 USD.*USD:5000\.00/);
    expect(ws.sandbox.counters.requests.create).toBe(0);
    const ok = await ws.cli(['run', 'payouts.csv', '--expect-count', '3', '--expect-total', 'USD:5000.01', '--expect-total', 'EUR:10.00', '--max-total', 'USD:5000.01', '--max-total', 'EUR:10']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ws.sandbox.counters.requests.create).toBe(3);
  });

  it('retry-failed writes only the failed rows under new references, and running it pays only those', async () => {
    ws = await workspace();
    const header = [...HEADER, 'fields.test_details_payout_status', 'description'];
    await ws.write('payouts.csv', csv(header, [
      ['ok-1', 'test_usd', 'USD', '1.00', '11', '', 'fine'],
      ['bad-1', 'test_usd', 'USD', '2.00', '12', 'process-failed', '"kept, as written"'],
      ['ok-2', 'test_usd', 'USD', '3.00', '13', '', 'fine'],
      ['bad-2', 'test_usd', 'USD', '4.00', '14', 'expired', 'x'],
    ]));
    const first = await ws.cli(['run', 'payouts.csv']);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('retry-failed payouts.csv --suffix -r2');
    const retry = await runCli(['retry-failed', 'payouts.csv', '--suffix', '-r2'], { env: ws.env, cwd: ws.dir, invokedAs: 'node dist/cli.js' });
    expect(retry.code, retry.stderr).toBe(0);
    // The command it proposes is the one the user ran, on the file as they would type it.
    expect(retry.stderr).toContain('Wrote payouts-r2.csv: 2 failed payouts under new references');
    expect(retry.stderr).toContain('Check it, then pay them: node dist/cli.js run payouts-r2.csv\n');
    expect(ws.sandbox.counters.requests.create).toBe(4);
    const written = await readFile(ws.path('payouts-r2.csv'), 'utf8');
    expect(written).toBe(
      'reference_id,service,currency,amount,fields.account,fields.test_details_payout_status,description\n' +
        'bad-1-r2,test_usd,USD,2.00,12,process-failed,"kept, as written"\n' +
        'bad-2-r2,test_usd,USD,4.00,14,expired,x\n',
    );
    const fixed = written.replace(/process-failed|expired/g, '');
    await ws.write('payouts-r2.csv', fixed);
    const second = await ws.cli(['run', 'payouts-r2.csv']);
    expect(second.code, second.stderr).toBe(0);
    expect([...ws.sandbox.counters.createRequests.keys()].sort()).toEqual(['bad-1', 'bad-1-r2', 'bad-2', 'bad-2-r2', 'ok-1', 'ok-2']);
    expect(ws.sandbox.counters.createRequests.get('bad-1')).toBe(1);
  });

  it('--wait polls until final; reconcile later reports what moved and rewrites the results', async () => {
    const clock = sandboxClock(); // stands still until the test moves it
    ws = await workspace({ processDelayMs: 400, now: clock.now });
    await ws.write('payouts.csv', csv(HEADER, rows(4)));
    const quick = await ws.cli(['run', 'payouts.csv']);
    expect(quick.code, quick.stderr).toBe(0);
    expect((await ws.results()).map((r) => r.outcome)).toEqual(['submitted', 'submitted', 'submitted', 'submitted']);
    clock.advance(400); // the invoices' processing is over
    const rec = await ws.cli(['reconcile', 'payouts.journal.jsonl']);
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stdout).toContain('4 invoices moved processing to processed');
    expect((await ws.results()).map((r) => r.outcome)).toEqual(['processed', 'processed', 'processed', 'processed']);
    expect((await ws.cli(['reconcile', 'payouts.journal.jsonl'])).stdout).toContain('Checked 0 invoices');

    await ws.write('waited.csv', csv(HEADER, rows(3, 'w')));
    // The same payees and amounts as payouts.csv under new references: the repeat-payee guard would hold them.
    clock.follow(); // --wait waits in real time: the sandbox's clock runs with it from here
    const waited = await ws.cli(['run', 'waited.csv', '--wait', '10', '--allow-repeat']);
    expect(waited.code, waited.stderr).toBe(0);
    expect((await ws.results('waited.results.csv')).map((r) => r.outcome)).toEqual(['processed', 'processed', 'processed']);
  });

  it('reads the provider dashboard batch layout', async () => {
    ws = await workspace();
    await ws.write('dashboard.csv', 'service,service_amount,fields_data,reference_id,customer\ntest_usd,12.50,account:12345,dash-1,reference_id:c1;email:a@example.com\npayment_card_eur,5.00,card_number:4111111111111111,dash-2,\n');
    const r = await ws.cli(['run', 'dashboard.csv']);
    expect(r.code, r.stderr).toBe(0);
    const results = await ws.results('dashboard.results.csv');
    expect(results.map((x) => [x.reference_id, x.currency, x.outcome])).toEqual([['dash-1', 'USD', 'processed'], ['dash-2', 'EUR', 'processed']]);
  });
});
