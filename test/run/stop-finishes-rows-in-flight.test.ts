import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { payFile, type PayFileOptions } from '../../src/library.js';
import type { SandboxOptions } from '../../src/sandbox/sandbox-types.js';
import { FAST_DELAYS } from '../helpers/fast-delays.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

// Issue 19 §4: "finishing 8 payouts in flight" means it. Each test stops the run through payFile's
// AbortSignal once the sandbox has seen the requests it waits for (its counters), never after a sleep.
describe('a stop (Ctrl-C, SIGTERM, an AbortSignal) finishes the rows in flight', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  async function setUp(faults: SandboxOptions, count: number): Promise<{ options: PayFileOptions; warnings: string[]; stop: AbortController }> {
    ws = await workspace(faults);
    await ws.write('payouts.csv', csv(HEADER, rows(count)));
    const warnings: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void (JSON.parse(line).level >= 40 && warnings.push(line)) });
    const stop = new AbortController();
    const options: PayFileOptions = { env: ws.env, cwd: ws.dir, delays: FAST_DELAYS, logger, signal: stop.signal, concurrency: 4 };
    return { options, warnings, stop };
  }

  it('an invoice created after the stop is still processed (one request each); rows never sent are not_started; nothing is listed as needing a person', async () => {
    // The first four creates are answered seconds late: the stop lands while they are in flight.
    const { options, warnings, stop } = await setUp({ faults: { script: [{ endpoint: 'create', kind: 'delay', delayMs: 3000, times: 4 }] } }, 10);
    const paying = payFile(ws.path('payouts.csv'), options);
    await vi.waitFor(() => expect(ws.sandbox.counters.requests.create).toBe(4), { timeout: 20_000, interval: 5 });
    stop.abort();
    const summary = await paying;
    expect(summary.exitCode).toBe(3);
    expect(summary.stopped).toMatchObject({ code: 'signal' });
    const results = await ws.results();
    const inFlight = results.filter((r) => ws.sandbox.counters.createRequests.has(r.reference_id!));
    expect(inFlight).toHaveLength(4);
    for (const row of inFlight) {
      expect(row.outcome, row.reference_id).toBe('processed');
      expect(ws.sandbox.counters.processRequests.get(row.reference_id!), row.reference_id).toBe(1);
    }
    expect(results.filter((r) => r.outcome === 'not_started')).toHaveLength(6);
    expect(summary.problems).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('a row a rerun settles (its create answered with an unknown effect) is counted, not listed as needing a person, and logs no warning of its own', async () => {
    // The create takes effect but is answered 500; every lookup of it fails, and the row waits long
    // before looking again: the stop lands while the row is in doubt.
    const lookupsFail = { endpoint: 'listInvoices' as const, referenceId: 'ref-1', kind: 'status' as const, status: 503, times: 4 };
    const { options, warnings, stop } = await setUp({ faults: { script: [{ endpoint: 'create', referenceId: 'ref-1', kind: 'commit-then-500' }, lookupsFail] } }, 1);
    options.delays = { ...FAST_DELAYS, retry: { baseMs: 60_000, capMs: 60_000 } };
    const paying = payFile(ws.path('payouts.csv'), options);
    await vi.waitFor(() => expect(ws.sandbox.counters.requests.listInvoices).toBeGreaterThanOrEqual(1), { timeout: 20_000, interval: 5 });
    stop.abort();
    const summary = await paying;
    expect(summary.exitCode).toBe(3);
    expect(summary.counts.error).toBe(1);
    expect((await ws.results())[0]).toMatchObject({ outcome: 'error', error_code: 'interrupted' });
    expect(summary.problems).toEqual([]);
    expect(warnings).toEqual([]);
    // And the rerun does settle it, without a second create.
    const again = await payFile(ws.path('payouts.csv'), { ...options, signal: new AbortController().signal });
    expect(again.exitCode).toBe(0);
    expect(ws.sandbox.counters.createRequests.get('ref-1')).toBe(1);
  });

  it('a stop while --wait polls leaves the rows submitted, not error', async () => {
    const { options, warnings, stop } = await setUp({ processDelayMs: 600_000 }, 3);
    const paying = payFile(ws.path('payouts.csv'), { ...options, wait: 600 });
    // Every row's process request has reached the sandbox, and polling has begun.
    await vi.waitFor(() => expect([ws.sandbox.counters.processRequests.size, ws.sandbox.counters.requests.getInvoice >= 3]).toEqual([3, true]), { timeout: 20_000, interval: 5 });
    stop.abort();
    const summary = await paying;
    expect(summary.counts.submitted).toBe(3);
    expect(summary.counts.error).toBe(0);
    expect((await ws.results()).map((r) => [r.outcome, r.status])).toEqual([
      ['submitted', 'processing'],
      ['submitted', 'processing'],
      ['submitted', 'processing'],
    ]);
    expect(summary.problems).toEqual([]);
    expect(warnings).toEqual([]);
  });
});
