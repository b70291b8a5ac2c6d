import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

describe('a Retry-After is never waited in silence', () => {
  let ws: Workspace;
  // The tests time whole runs: load what a run loads first (on a busy machine, seconds), so they time only the run.
  beforeAll(async () => {
    ws = await workspace();
    await ws.write('warm.csv', csv(HEADER, rows(1)));
    expect((await ws.cli(['run', 'warm.csv'])).code).toBe(0);
    await ws.close();
  });
  afterEach(async () => {
    await ws.close();
  });

  it('longer than the run waits (Retry-After: 3600): stops at once, exit 3, naming when to rerun; nothing sent, rows not_started', async () => {
    ws = await workspace({ faults: { script: [{ endpoint: 'create', kind: 'rate-limit', retryAfterSeconds: 3600, times: 1000 }] } });
    const input = await ws.write('payouts.csv', csv(HEADER, rows(2)));
    const started = Date.now();
    const r = await ws.cli(['run', input, '--concurrency', '1']);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/the API asked to wait 3600 s before the next request \(Retry-After\), longer than this run waits \(--max-retry-wait 120\); rerun the same command after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
    const outcomes = (await ws.results()).map((x) => x.outcome);
    expect(outcomes).toEqual(['not_started', 'not_started']);
    expect(ws.sandbox.counters.invoicesCreated.size).toBe(0);
  });

  it('--max-retry-wait lowers the limit: a 5 s Retry-After stops a run that waits at most 1 s', async () => {
    ws = await workspace({ faults: { script: [{ endpoint: 'create', kind: 'rate-limit', retryAfterSeconds: 5, times: 1000 }] } });
    const input = await ws.write('payouts.csv', csv(HEADER, rows(1)));
    const started = Date.now();
    const r = await ws.cli(['run', input, '--max-retry-wait', '1']);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('(--max-retry-wait 1)');
  });

  it('within the limit: the progress line shows the wait as it starts, then the run pays', async () => {
    ws = await workspace({ faults: { script: [{ endpoint: 'create', kind: 'rate-limit', retryAfterSeconds: 1 }] } });
    const input = await ws.write('payouts.csv', csv(HEADER, rows(2)));
    const r = await ws.cli(['run', input, '--concurrency', '1'], { env: { MILKYPAY_PROGRESS_INTERVAL_MS: '60000' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^0\/2 rows · .* · waiting 1 s \(the API asked to slow down: Retry-After\)$/m);
  });

  it('--max-retry-wait takes seconds', async () => {
    ws = await workspace();
    const input = await ws.write('payouts.csv', csv(HEADER, rows(1)));
    const r = await ws.cli(['run', input, '--max-retry-wait', '-3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-retry-wait takes a number of seconds');
  });
});
