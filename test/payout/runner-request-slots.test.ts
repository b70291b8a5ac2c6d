import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowFailureOf } from '../../src/api/failure-class.js';
import { createApiClient } from '../../src/api/index.js';
import type { ApiClient } from '../../src/api/client-types.js';
import { DEFAULT_LIMITS } from '../../src/payout/machine.js';
import type { RowRecord } from '../../src/payout/record.js';
import { payRow, type RowJob, type RowRunnerDeps } from '../../src/payout/runner.js';
import { RunControl } from '../../src/payout/run-control.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

let sandbox: Sandbox;
let api: ApiClient;

beforeAll(async () => {
  sandbox = await startSandbox();
  api = createApiClient({ baseUrl: sandbox.url, ...sandbox.credentials });
});
afterAll(async () => {
  api.close();
  await sandbox.close();
});

function job(ref: string): RowJob {
  return {
    line: 2,
    referenceId: ref,
    fp: `fp-${ref}`,
    request: { referenceId: ref, service: 'test_usd', currency: 'USD', amount: '10.00', fields: { account: '12345' } },
    initial: { kind: 'new' },
    started: { kind: 'creating', attempt: 1, delayMs: 0 },
  };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function deps(overrides: Partial<RowRunnerDeps>): RowRunnerDeps {
  return {
    api,
    classify: rowFailureOf,
    journal: async () => {},
    control: new RunControl(),
    context: { process: true, ...DEFAULT_LIMITS },
    ...overrides,
  };
}

describe('payRow with request slots', () => {
  it('holds a slot only while a request is on the wire, not while its journal line is flushed', async () => {
    const limit = pLimit(1); // one request at a time for both rows
    const slot: RowRunnerDeps['slot'] = (send) => limit(send);
    const flushA = deferred();
    const journalA = async (record: RowRecord): Promise<void> => {
      if (record.state === 'processing') await flushA.promise; // A's "created" line is slow to reach the disk
    };
    const rowA = payRow(job('slot-a'), deps({ slot, journal: journalA }));
    // Wait until A's create has been answered and A sits in its journal flush.
    while (sandbox.counters.invoicesCreated.get('slot-a') !== 1) await new Promise((r) => setTimeout(r, 5));
    const rowB = await payRow(job('slot-b'), deps({ slot })); // would wait forever if A held the only slot
    expect(rowB.state).toMatchObject({ kind: 'done', outcome: 'processed' });
    expect(sandbox.counters.processRequests.get('slot-a')).toBeUndefined();
    flushA.resolve();
    expect((await rowA).state).toMatchObject({ kind: 'done', outcome: 'processed' });
  });

  it('sends nothing for a row stopped while it waited for a slot', async () => {
    const control = new RunControl();
    const gate = deferred();
    const waiting = deferred();
    const slot: RowRunnerDeps['slot'] = async (send) => {
      waiting.resolve();
      await gate.promise;
      return send();
    };
    const journaled: string[] = [];
    const row = payRow(job('slot-stopped'), deps({ slot, control, journal: async (r) => void journaled.push(r.state) }));
    await waiting.promise; // the row's create is queued for a slot, past every check made before it
    control.stop('signal', 'stopped by SIGINT');
    gate.resolve();
    const result = await row;
    expect(result.interrupted).toBe(true);
    expect(journaled).toEqual(['creating']); // the intent was written; a rerun looks the reference up
    expect(sandbox.counters.createRequests.get('slot-stopped')).toBeUndefined();
  });
});
