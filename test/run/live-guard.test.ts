import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { LIVE_CREDENTIALS } from '../../src/sandbox/index.js';
import { runCli } from '../helpers/in-process.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

const sent = (ws: Workspace): number => ws.sandbox.counters.requests.create + ws.sandbox.counters.requests.process;

describe('the live guard asks the API on every run', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });
  const cli = (argv: string[], extra: { env?: NodeJS.ProcessEnv; tty?: { answer?: string } } = {}) =>
    runCli(argv, { env: { ...ws.env, ...extra.env }, cwd: ws.dir, ...(extra.tty ? { tty: extra.tty } : {}) });

  it('a test-mode dry run fills the rules cache; the same URL and key id then answer live: run without --live refuses (exit 2), sends nothing', async () => {
    ws = await workspace();
    const input = await ws.write('payouts.csv', csv(HEADER, rows(3)));
    const dry = await cli(['run', input, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect((await readdir(ws.path('cache'))).length).toBeGreaterThan(0);

    ws.sandbox.setLiveMode(true);
    const refused = await cli(['run', input]);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/live keys \(the API reports test_mode: false\): nothing was sent\. Add --live/);
    expect(sent(ws)).toBe(0);
    // The rehearsal refuses the same way.
    const rehearsal = await cli(['run', input, '--dry-run']);
    expect(rehearsal.code).toBe(2);
    expect(rehearsal.stderr).toContain('test_mode: false');

    // With --live (no terminal: no prompt) it pays, and says LIVE.
    const paid = await cli(['run', input, '--live']);
    expect(paid.code, paid.stderr).toBe(0);
    expect(paid.stdout).toMatch(/^LIVE run · /);
    expect(ws.sandbox.counters.requests.create).toBe(3);
  });

  it('asks the mode of the API even when the cache is fresh (two cheap calls), and keys the cache by mode', async () => {
    ws = await workspace();
    const input = await ws.write('payouts.csv', csv(HEADER, rows(2)));
    await cli(['run', input, '--dry-run']);
    const files = (await readdir(ws.path('cache'))).length;
    ws.sandbox.resetCounters();
    await cli(['run', input, '--dry-run']);
    expect(ws.sandbox.counters.requests.prerequest).toBe(1);
    expect(ws.sandbox.counters.requests.listServices).toBe(1);
    ws.sandbox.setLiveMode(true);
    await cli(['run', input, '--dry-run', '--live']);
    expect((await readdir(ws.path('cache'))).length).toBe(files * 2);
  });

  it('a pk_live_ public key without --live is refused before any request (exit 2)', async () => {
    ws = await workspace({ testMode: false });
    const input = await ws.write('payouts.csv', csv(HEADER, rows(2)));
    for (const argv of [['run', input], ['run', input, '--dry-run']]) {
      const r = await cli(argv, { env: { MILKYPAY_PUBLIC_KEY: LIVE_CREDENTIALS.publicKey } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('MILKYPAY_PUBLIC_KEY is a live key (pk_live_…): nothing was sent. Add --live');
    }
    expect(Object.values(ws.sandbox.counters.requests).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('the live confirmation names the host, the account, totals per currency, invalid rows and what will be sent; a rerun that sends nothing does not ask', async () => {
    ws = await workspace();
    ws.sandbox.setLiveMode(true);
    const input = await ws.write('payouts.csv', csv(HEADER, [...rows(2), ['bad', 'test_usd', 'USD', '-1', '1'], ['eur-1', 'test_eur', 'EUR', '5.00', '7']]));
    const declined = await cli(['run', input, '--live'], { tty: { answer: 'no' } });
    expect(declined.code).toBe(2);
    expect(declined.stderr).toContain('not confirmed: nothing was sent');
    expect(sent(ws)).toBe(0);
    const host = new URL(ws.sandbox.url).host;
    expect(declined.stderr).toContain(`LIVE: this run pays real money through ${host}, account sandbox_key_id.`);
    expect(declined.stderr).toContain('USD: 2 payouts, 3.50 USD');
    expect(declined.stderr).toContain('EUR: 1 payout, 5.00 EUR');
    expect(declined.stderr).toContain('USD: 2 payouts, 3.50 USD; no fees (its services charge none)');
    expect(declined.stderr).toContain('3 payouts will be sent; 0 rows already settled will not; 1 invalid row skipped.');

    const ended = await cli(['run', input, '--live'], { tty: {} }); // end of input at the prompt
    expect(ended.code).toBe(2);
    const interrupted = await cli(['run', input, '--live'], { tty: { answer: '\u0003' } }); // Ctrl-C at the prompt
    expect(interrupted.code).toBe(2);
    expect(interrupted.stderr).toContain('not confirmed: nothing was sent');
    expect(interrupted.stderr).not.toContain('unexpected failure');
    expect(sent(ws)).toBe(0);

    const paid = await cli(['run', input, '--live'], { tty: { answer: 'yes' } });
    expect(paid.code, paid.stderr).toBe(1); // the invalid row needs a person
    expect(ws.sandbox.counters.requests.create).toBe(3);

    const rerun = await cli(['run', input, '--live'], { tty: {} });
    expect(rerun.code).toBe(1);
    expect(rerun.stderr).not.toContain('Type "yes"');
    expect(ws.sandbox.counters.requests.create).toBe(3);
  });
});

describe('--sandbox runs use their own files', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('writes <stem>.sandbox.results.csv and <stem>.sandbox.journal.jsonl, never the real run files', async () => {
    ws = await workspace();
    const input = await ws.write('refunds.csv', csv(HEADER, rows(2)));
    const r = await runCli(['run', input, '--sandbox'], { env: { PATH: process.env.PATH, HOME: ws.dir }, cwd: ws.dir });
    expect(r.code, r.stderr).toBe(0);
    const files = await readdir(ws.dir);
    expect(files).toEqual(expect.arrayContaining(['refunds.sandbox.results.csv', 'refunds.sandbox.journal.jsonl']));
    expect(files).not.toContain('refunds.results.csv');
    expect(files).not.toContain('refunds.journal.jsonl');
    expect(r.stdout).toContain(`Results: ${ws.path('refunds.sandbox.results.csv')}`);
  });
});
