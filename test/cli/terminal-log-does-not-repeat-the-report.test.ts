import { afterEach, describe, expect, it } from 'vitest';
import { csv, HEADER, workspace, type Workspace } from '../helpers/workspace.js';
import { runCli } from '../helpers/in-process.js';

// The summary on stdout is the report; on a terminal at the default level the log before it does
// not say it all again (the run's start and finish lines were an 11-line and a 27-line block).
describe('on a terminal, the log does not repeat the report', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('at the default level: no run started / run finished blocks on stderr; the summary is on stdout; --log-level debug brings them back', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, [['a', 'test_usd', 'USD', '10.10', '800001'], ['b', 'test_eur', 'EUR', '5.00', '800002']]));
    const env = { ...ws.env, NO_COLOR: '1', MILKYPAY_LEDGER_DIR: ws.path('ledger') };
    const r = await runCli(['run', 'payouts.csv'], { env, cwd: ws.dir, tty: {} });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Run finished: 2 rows · processed 2');
    expect(r.stderr).not.toMatch(/run started|run finished/);
    expect(r.stderr).not.toMatch(/counts:|totals:|requested:/);
    expect(r.stderr).not.toContain('runId');

    await ws.write('more.csv', csv(HEADER, [['c', 'test_usd', 'USD', '3.00', '800003']]));
    const debug = await runCli(['run', 'more.csv', '--log-level', 'debug'], { env, cwd: ws.dir, tty: {} });
    expect(debug.code, debug.stderr).toBe(0);
    expect(debug.stderr).toMatch(/run finished/);
  });
});
