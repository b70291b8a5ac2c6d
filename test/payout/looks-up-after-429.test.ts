import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/run/summary.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

// Issue 18 §4: the provider documents "429 Too many requests or duplicate request detected". After a
// 429 on a create or a process the reference is looked up before anything is sent again; only a
// 429 that turns out to be throttling slows the run down.
describe('a 429 on a create or a process', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  async function run(): Promise<{ code: number | null; summary: RunSummary; stderr: string }> {
    const r = await ws.cli(['run', 'payouts.csv', '--json']);
    return { code: r.code, summary: JSON.parse(r.stdout) as RunSummary, stderr: r.stderr };
  }

  it('a create that took effect and was answered 429 (a duplicate) is found by its reference, never created again, and does not slow the run', async () => {
    // A Retry-After far longer than the run waits: waited on, it would stop the run (exit 3).
    ws = await workspace({ faults: { script: [{ endpoint: 'create', referenceId: 'ref-1', kind: 'commit-then-429', retryAfterSeconds: 3600 }] } });
    await ws.write('payouts.csv', csv(HEADER, rows(3)));
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    const c = ws.sandbox.counters;
    expect(c.createRequests.get('ref-1')).toBe(1);
    expect(c.invoicesCreated.get('ref-1')).toBe(1);
    expect(c.processed.get('ref-1')).toBe(1);
    expect(c.requests.listInvoices).toBeGreaterThanOrEqual(1);
    expect((await ws.results()).map((x) => x.outcome)).toEqual(['processed', 'processed', 'processed']);
  });

  it('a process that took effect and was answered 429 is read back, never sent again', async () => {
    ws = await workspace({ faults: { script: [{ endpoint: 'process', referenceId: 'ref-2', kind: 'commit-then-429', retryAfterSeconds: 3600 }] } });
    await ws.write('payouts.csv', csv(HEADER, rows(3)));
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(ws.sandbox.counters.processRequests.get('ref-2')).toBe(1);
    expect(ws.sandbox.counters.processed.get('ref-2')).toBe(1);
    expect((await ws.results())[1]).toMatchObject({ reference_id: 'ref-2', outcome: 'processed' });
  });

  it('a 429 that is throttling (the lookup finds nothing, the invoice is still created) is waited out and sent again', async () => {
    ws = await workspace({
      faults: {
        script: [
          { endpoint: 'create', referenceId: 'ref-1', kind: 'rate-limit', retryAfterSeconds: 0 },
          { endpoint: 'process', referenceId: 'ref-2', kind: 'rate-limit', retryAfterSeconds: 0 },
        ],
      },
    });
    await ws.write('payouts.csv', csv(HEADER, rows(3)));
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    const c = ws.sandbox.counters;
    expect(c.createRequests.get('ref-1')).toBe(2);
    expect(c.invoicesCreated.get('ref-1')).toBe(1);
    expect(c.processRequests.get('ref-2')).toBe(2);
    expect(c.processed.get('ref-2')).toBe(1);
    expect(c.requests.listInvoices).toBeGreaterThanOrEqual(1); // looked up before the create went again
    expect(c.requests.getInvoice).toBeGreaterThanOrEqual(1); // read before the process went again
  });

  it('a throttling 429 whose Retry-After is longer than the run waits stops the run once looked up (exit 3): nothing was created, the row is not_started', async () => {
    ws = await workspace({ faults: { script: [{ endpoint: 'create', referenceId: 'ref-1', kind: 'rate-limit', retryAfterSeconds: 3600 }] } });
    await ws.write('payouts.csv', csv(HEADER, rows(1)));
    const r = await run();
    expect(r.code, r.stderr).toBe(3);
    expect(r.summary.stopped).toMatchObject({ code: 'retry_after_too_long' });
    expect(ws.sandbox.counters.createRequests.get('ref-1')).toBe(1);
    expect(ws.sandbox.counters.requests.listInvoices).toBe(1);
    expect((await ws.results())[0]).toMatchObject({ outcome: 'not_started' });
  });
});
