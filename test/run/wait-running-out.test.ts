import { afterEach, describe, expect, it } from 'vitest';
import { csv, HEADER, workspace, type Workspace } from '../helpers/workspace.js';

describe('run --wait that runs out', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('says how many payouts are still processing (text and JSON) and exits 3: not final yet, follow them later', async () => {
    ws = await workspace({ processDelayMs: 60_000 });
    await ws.write('payouts.csv', csv(HEADER, [['a', 'test_usd', 'USD', '9.00', '800001'], ['b', 'test_usd', 'USD', '9.50', '800002']]));
    const r = await ws.cli(['run', 'payouts.csv', '--wait', '0.05']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain('2 payouts still processing after waiting 0.05 s');
    expect(r.stdout).toMatch(/reconcile \S*payouts\.journal\.jsonl --wait 0\.05/);
    const json = await ws.cli(['run', 'payouts.csv', '--wait', '0.05', '--json']);
    expect(json.code).toBe(3);
    const summary = JSON.parse(json.stdout) as { waited?: { seconds: number; stillProcessing: number }; exitCode: number };
    expect(summary).toMatchObject({ exitCode: 3, waited: { seconds: 0.05, stillProcessing: 2 } });
  });

  it('without --wait, payouts still processing are exit 0 and no wait is reported', async () => {
    ws = await workspace({ processDelayMs: 60_000 });
    await ws.write('payouts.csv', csv(HEADER, [['a', 'test_usd', 'USD', '9.00', '800001']]));
    const r = await ws.cli(['run', 'payouts.csv', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).not.toHaveProperty('waited');
  });
});
