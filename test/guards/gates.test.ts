import { afterEach, describe, expect, it } from 'vitest';
import { payFile } from '../../src/library.js';
import { UsageError } from '../../src/errors.js';
import { FAST_DELAYS } from '../helpers/fast-delays.js';
import { csv, HEADER, workspace, type Workspace } from '../helpers/workspace.js';

/** The CLI in-process, with the ledger in the workspace. */
async function run(ws: Workspace, args: string[]) {
  return ws.cli([...args, '--log-level', 'warn'], { env: { MILKYPAY_LEDGER_DIR: ws.path('ledger') } });
}

const MIXED = csv(HEADER, [
  ['u-1', 'test_usd', 'USD', '100.00', '500001'],
  ['e-1', 'test_eur', 'EUR', '900000.00', '500002'],
]);

describe('--max-total caps every currency to send', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('a currency to send without a cap, once any cap is given, is exit 2 naming it; nothing is sent', async () => {
    ws = await workspace();
    await ws.write('mixed.csv', MIXED);
    const r = await run(ws, ['run', 'mixed.csv', '--max-total', 'USD:50000']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('EUR');
    expect(r.stderr).toMatch(/no --max-total cap/);
    expect(r.stderr).toContain("--max-total '*:AMOUNT'");
    expect(ws.sandbox.counters.requests.create).toBe(0);
    // The dry run rehearses the same refusal.
    expect((await run(ws, ['run', 'mixed.csv', '--max-total', 'USD:50000', '--dry-run'])).code).toBe(2);
  });

  it("'*:AMOUNT' caps every currency; a currency's own cap overrides it", async () => {
    ws = await workspace();
    await ws.write('mixed.csv', MIXED);
    const star = await run(ws, ['run', 'mixed.csv', '--max-total', '*:50000', '--dry-run']);
    expect(star.code).toBe(2);
    expect(star.stderr).toContain('900000.00 EUR, above --max-total *:50000');
    const both = await run(ws, ['run', 'mixed.csv', '--max-total', '*:50000', '--max-total', 'EUR:1000000', '--dry-run']);
    expect(both.code, both.stderr).toBe(0);
    const usdOver = await run(ws, ['run', 'mixed.csv', '--max-total', '*:1000000', '--max-total', 'USD:99.99', '--dry-run']);
    expect(usdOver.code).toBe(2);
    expect(usdOver.stderr).toContain('above --max-total USD:99.99');
    expect((await run(ws, ['run', 'mixed.csv', '--max-total', '*:lots'])).code).toBe(2);
    expect((await run(ws, ['run', 'mixed.csv', '--expect-total', '*:1'])).code).toBe(2); // a control total names its currency
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });

  it('the library refuses an uncapped currency the same way (UsageError, nothing sent)', async () => {
    ws = await workspace();
    const input = await ws.write('mixed.csv', MIXED);
    const options = { env: ws.env, cwd: ws.dir, ledger: ws.path('ledger'), delays: FAST_DELAYS };
    const refused = await payFile(input, { ...options, maxTotal: ['USD:50000'] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UsageError);
    expect((refused as UsageError).message).toContain('EUR');
    expect(ws.sandbox.counters.requests.create).toBe(0);
    const paid = await payFile(input, { ...options, maxTotal: ['USD:50000', '*:1000000'] });
    expect(paid.exitCode).toBe(0);
    expect(ws.sandbox.counters.requests.create).toBe(2);
  });
});

describe('the gates count the rows this run would send', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('rows held by the repeat-payee guard are not counted: not by --max-total, nor by the control totals', async () => {
    ws = await workspace();
    await ws.write('monday.csv', csv(HEADER, [['m-1', 'test_usd', 'USD', '400.00', '600001']]));
    expect((await run(ws, ['run', 'monday.csv'])).code).toBe(0);
    // A re-export repeats Monday's payout under a new reference, plus one new payout.
    await ws.write('tuesday.csv', csv(HEADER, [
      ['t-1', 'test_usd', 'USD', '400.00', '600001'],
      ['t-2', 'test_usd', 'USD', '50.00', '600002'],
    ]));
    const r = await run(ws, ['run', 'tuesday.csv', '--max-total', 'USD:100', '--expect-count', '1', '--expect-total', 'USD:50.00']);
    expect(r.code, r.stderr).toBe(1); // the held row needs a person; the other was paid
    expect(ws.sandbox.counters.createRequests.get('t-2')).toBe(1);
    expect(ws.sandbox.counters.createRequests.has('t-1')).toBe(false);
  });

  it('a held row does not make up a control total: the file that would pay less than expected is refused', async () => {
    ws = await workspace();
    await ws.write('monday.csv', csv(HEADER, [['m-1', 'test_usd', 'USD', '400.00', '600001']]));
    expect((await run(ws, ['run', 'monday.csv'])).code).toBe(0);
    await ws.write('tuesday.csv', csv(HEADER, [
      ['t-1', 'test_usd', 'USD', '400.00', '600001'],
      ['t-2', 'test_usd', 'USD', '50.00', '600002'],
    ]));
    const r = await run(ws, ['run', 'tuesday.csv', '--expect-count', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/1 row held by the repeat-payee guard/);
    expect(ws.sandbox.counters.requests.create).toBe(1);
  });

  it('rows settled before are not under --max-total; the control totals still describe the whole file, so the same command reruns', async () => {
    ws = await workspace();
    const first = [
      ['r-1', 'test_usd', 'USD', '300.00', '700001'],
      ['r-2', 'test_usd', 'USD', '300.00', '700002'],
    ];
    await ws.write('batch.csv', csv(HEADER, first));
    const gates = ['--max-total', 'USD:700', '--expect-count', '3', '--expect-total', 'USD:900.00'];
    expect((await run(ws, ['run', 'batch.csv', '--max-total', 'USD:700'])).code).toBe(0);
    // The file grows by one row: 300.00 to send, 600.00 settled before.
    await ws.write('batch.csv', csv(HEADER, [...first, ['r-3', 'test_usd', 'USD', '300.00', '700003']]));
    const rerun = await run(ws, ['run', 'batch.csv', ...gates]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(ws.sandbox.counters.requests.create).toBe(3);
    // Nothing left to send: the same command passes its gates again (the unchanged rerun too).
    expect((await run(ws, ['run', 'batch.csv', ...gates])).code).toBe(0);
    expect((await run(ws, ['run', 'batch.csv', '--max-total', 'USD:1'])).code).toBe(0);
    const wrong = await run(ws, ['run', 'batch.csv', '--expect-count', '4']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/3 settled before/);
  });
});
