import { afterEach, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/errors.js';
import { payFile, type PayFileOptions } from '../../src/library.js';
import type { Faults } from '../../src/sandbox/sandbox-types.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

/** The run's own retries and polls on milliseconds: the faults, not the waits, are under test. */
const FAST: PayFileOptions['delays'] = { retry: { baseMs: 2, capMs: 20 }, poll: { baseMs: 2, capMs: 20 }, request: 2 };

/** `run payouts.csv` through the library (the command calls the same function): exit code and stop message. */
async function pay(ws: Workspace, options: PayFileOptions = {}): Promise<{ code: number; stopped?: string }> {
  try {
    const summary = await payFile('payouts.csv', { cwd: ws.dir, env: ws.env, delays: FAST, ...options });
    return { code: summary.exitCode, ...(summary.stopped ? { stopped: summary.stopped.message } : {}) };
  } catch (error) {
    return { code: exitCodeOf(error) ?? -1, stopped: (error as Error).message };
  }
}

async function runUntilDone(ws: Workspace, options: PayFileOptions = {}): Promise<number> {
  let r = await pay(ws, options);
  for (let i = 0; i < 5 && r.code !== 0; i += 1) r = await pay(ws, options);
  return r.code;
}

function expectExactlyOnce(ws: Workspace, count: number): void {
  const c = ws.sandbox.counters;
  for (let i = 1; i <= count; i += 1) {
    expect(c.invoicesCreated.get(`ref-${i}`), `ref-${i} created`).toBe(1);
    expect(c.processed.get(`ref-${i}`), `ref-${i} processed`).toBe(1);
  }
}

describe('faults on create and process end with no duplicate and no row lost', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  const cases: [string, Faults][] = [
    ['commit then 500', { commitThenFail: { rate: 0.3, mode: '500' }, endpoints: ['create', 'process'] }],
    ['commit then dropped connection', { commitThenFail: { rate: 0.3, mode: 'drop' }, endpoints: ['create', 'process'] }],
    ['random 5xx', { errorRates: { 500: 0.15, 502: 0.05, 503: 0.05 }, endpoints: ['create', 'process'] }],
    ['429 with Retry-After', { rateLimit: { rate: 0.2, retryAfterSeconds: 0 } }],
    ['dropped connections before any effect', { dropRate: 0.15, endpoints: ['create', 'process', 'listInvoices', 'getInvoice'] }],
  ];
  for (const [name, faults] of cases) {
    it(name, async () => {
      ws = await workspace({ faults, seed: 7 });
      const count = 40;
      await ws.write('payouts.csv', csv(HEADER, rows(count)));
      expect(await runUntilDone(ws, { concurrency: 8 })).toBe(0);
      const results = await ws.results();
      expect(results).toHaveLength(count);
      expect(results.every((r) => r.outcome === 'processed')).toBe(true);
      expectExactlyOnce(ws, count);
      expect(ws.sandbox.counters.faultsInjected).not.toEqual({});
    });
  }

  it('a scripted commit-then-500 on one create is adopted by lookup, not created again', async () => {
    ws = await workspace({ faults: { script: [{ endpoint: 'create', referenceId: 'ref-2', kind: 'commit-then-500' }] } });
    await ws.write('payouts.csv', csv(HEADER, rows(3)));
    const r = await pay(ws);
    expect(r.code, r.stopped).toBe(0);
    expect(ws.sandbox.counters.createRequests.get('ref-2')).toBe(1);
    expectExactlyOnce(ws, 3);
  });

  it('a process answered by a dropped connection is read back, not processed twice', async () => {
    ws = await workspace({ faults: { script: [{ endpoint: 'process', referenceId: 'ref-1', kind: 'commit-then-drop' }] } });
    await ws.write('payouts.csv', csv(HEADER, rows(2)));
    const r = await pay(ws);
    expect(r.code, r.stopped).toBe(0);
    expect(ws.sandbox.counters.processRequests.get('ref-1')).toBe(1);
    expectExactlyOnce(ws, 2);
  });

  it('a dead API stops the run (exit 3) instead of grinding through every row, and a rerun finishes', async () => {
    ws = await workspace({ faults: { errorRates: { 503: 1 }, endpoints: ['create', 'listInvoices'] } });
    await ws.write('payouts.csv', csv(HEADER, rows(200)));
    const r = await pay(ws, { concurrency: 4 });
    expect(r.code, r.stopped).toBe(3);
    expect(r.stopped).toMatch(/API looks down/);
    expect(ws.sandbox.counters.requests.create).toBeLessThan(200);
    expect((await ws.results()).length).toBe(200);
    ws.sandbox.setFaults({});
    expect(await runUntilDone(ws)).toBe(0);
    expectExactlyOnce(ws, 200);
  });

  it('a wrong secret stops the run before anything is sent, with exit 2 naming the key variables', async () => {
    await (ws = await workspace()).write('payouts.csv', csv(HEADER, rows(30)));
    const r = await ws.cli(['run', 'payouts.csv'], { env: { MILKYPAY_SECRET_KEY: 'wrong' } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('check MILKYPAY_KEY_ID and MILKYPAY_SECRET_KEY');
    expect(ws.sandbox.counters.requests.create).toBe(0);
    expect(r.stderr).not.toContain('wrong');
  });
});
