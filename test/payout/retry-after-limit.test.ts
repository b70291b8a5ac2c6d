import { afterEach, describe, expect, it } from 'vitest';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

describe('a Retry-After is never waited in silence', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('longer than the run waits (Retry-After: 3600): stops at once, exit 3, naming when to rerun; no retry, no row started after, nothing created', async () => {
    ws = await workspace({ faults: { script: [{ endpoint: 'create', kind: 'rate-limit', retryAfterSeconds: 3600, times: 1000 }] } });
    const input = await ws.write('payouts.csv', csv(HEADER, rows(4)));
    // A run that waited the hour would hang here, caught by the test's timeout.
    const r = await ws.cli(['run', input, '--concurrency', '1']);
    expect(r.code, r.stderr).toBe(3);
    // Stopped at the first 429 shown to be throttling: no create is retried. (With two rows under way
    // per request slot, the second row's create may already be queued behind the first and meet a 429 too.)
    expect([...ws.sandbox.counters.createRequests.values()].every((n) => n === 1)).toBe(true);
    expect(ws.sandbox.counters.requests.listInvoices).toBeLessThanOrEqual(2); // one lookup a row, no second round
    expect(r.stderr).toMatch(/the API asked to wait 3600 s before the next request \(Retry-After\), longer than this run waits \(--max-retry-wait 120\); rerun the same command after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
    const outcomes = (await ws.results()).map((x) => x.outcome);
    // The first row ends not_started (its 429 shown to be throttling); the second, under way beside
    // it, is not_started or, if its create met a 429 not yet looked up, an `error` the rerun looks up;
    // the rows after the stop are never started.
    expect(outcomes[0]).toBe('not_started');
    expect(['not_started', 'error']).toContain(outcomes[1]);
    expect(outcomes.slice(2)).toEqual(['not_started', 'not_started']);
    expect(ws.sandbox.counters.createRequests.has('ref-3')).toBe(false);
    expect(ws.sandbox.counters.invoicesCreated.size).toBe(0);
  });

  it('--max-retry-wait lowers the limit: a 5 s Retry-After stops a run that waits at most 1 s', async () => {
    ws = await workspace({ faults: { script: [{ endpoint: 'create', kind: 'rate-limit', retryAfterSeconds: 5, times: 1000 }] } });
    const input = await ws.write('payouts.csv', csv(HEADER, rows(1)));
    const r = await ws.cli(['run', input, '--max-retry-wait', '1']);
    expect(r.code, r.stderr).toBe(3);
    expect(ws.sandbox.counters.requests.create).toBe(1); // stopped at the 429 instead of waiting to retry
    expect(r.stderr).toContain('(--max-retry-wait 1)');
  });

  it('within the limit: the progress line shows the wait as it starts, then the run pays', async () => {
    ws = await workspace({ faults: { script: [{ endpoint: 'create', kind: 'rate-limit', retryAfterSeconds: 1 }] } });
    const input = await ws.write('payouts.csv', csv(HEADER, rows(2)));
    const r = await ws.cli(['run', input, '--concurrency', '1'], { env: { MILKYPAY_PROGRESS_INTERVAL_MS: '60000' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/"msg":"0\/2 rows · [^"]* · waiting 1 s \(the API asked to slow down: Retry-After\)"/);
  });

  it('--max-retry-wait takes seconds', async () => {
    ws = await workspace();
    const input = await ws.write('payouts.csv', csv(HEADER, rows(1)));
    const r = await ws.cli(['run', input, '--max-retry-wait', '-3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-retry-wait takes a number of seconds');
  });
});
