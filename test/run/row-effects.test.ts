import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/index.js';
import type { ApiClient } from '../../src/api/client-types.js';
import type { Journal } from '../../src/journal/journal.js';
import { createLogger } from '../../src/log.js';
import { executeRow, type RowJob } from '../../src/payout/execute-row.js';
import { DEFAULT_LIMITS } from '../../src/payout/machine.js';
import type { RowRecord } from '../../src/payout/record.js';
import { RunControl } from '../../src/run/run-control.js';
import { rowEffects } from '../../src/run/row-effects.js';
import { Throttle } from '../../src/run/throttle.js';
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

const silent = await createLogger({ level: 'silent' });

/** The paying pass's effects over a journal that only calls `append`, and the given throttle and control. */
function effects(o: { throttle?: Throttle; control?: RunControl; append?: (record: RowRecord) => Promise<void>; moved?: () => void }) {
  const journal = { append: o.append ?? (async () => {}) } as unknown as Journal;
  const throttle = o.throttle ?? new Throttle({ concurrency: 4 });
  return rowEffects({ api, journal, control: o.control ?? new RunControl(), throttle, pace: { process: true, ...DEFAULT_LIMITS }, logger: silent, onMoved: o.moved ?? (() => {}) });
}

describe('a row executed through the paying pass’s effects', () => {
  it('reaches its outcome over HTTP, journaling each step before its request, and counts the requests that moved money', async () => {
    const journaled: string[] = [];
    let moved = 0;
    const result = await executeRow(job('fx-pay'), effects({ append: async (r) => void journaled.push(r.state), moved: () => (moved += 1) }));
    expect(result).toMatchObject({ interrupted: false, state: { kind: 'done', outcome: 'processed' } });
    expect(journaled).toEqual(['creating', 'processing', 'processed']);
    expect(moved).toBe(2); // the create and the process
    expect(sandbox.counters.invoicesCreated.get('fx-pay')).toBe(1);
  });

  it('holds a slot only while a request is on the wire, not while its journal line is flushed', async () => {
    const throttle = new Throttle({ concurrency: 1 }); // one request at a time for both rows
    const flushA = deferred();
    const appendA = async (record: RowRecord): Promise<void> => {
      if (record.state === 'processing') await flushA.promise; // A's "created" line is slow to reach the disk
    };
    const rowA = executeRow(job('slot-a'), effects({ throttle, append: appendA }));
    // Wait until A's create has been answered and A sits in its journal flush.
    while (sandbox.counters.invoicesCreated.get('slot-a') !== 1) await new Promise((r) => setTimeout(r, 5));
    const rowB = await executeRow(job('slot-b'), effects({ throttle })); // would wait forever if A held the only slot
    expect(rowB.state).toMatchObject({ kind: 'done', outcome: 'processed' });
    expect(sandbox.counters.processRequests.get('slot-a')).toBeUndefined();
    flushA.resolve();
    expect((await rowA).state).toMatchObject({ kind: 'done', outcome: 'processed' });
  });

  it('sends nothing for a row stopped while it waited for a slot', async () => {
    const throttle = new Throttle({ concurrency: 1 });
    const gate = deferred();
    const holder = throttle.slot(() => gate.promise); // the only slot, taken
    const control = new RunControl();
    const journaled: string[] = [];
    const row = executeRow(job('slot-stopped'), effects({ throttle, control, append: async (r) => void journaled.push(r.state) }));
    while (journaled.length === 0) await new Promise((r) => setTimeout(r, 5)); // the intent is written; the create waits for the slot
    control.stop('signal', 'stopped by SIGINT');
    gate.resolve();
    await holder;
    const result = await row;
    expect(result.interrupted).toBe(true);
    expect(journaled).toEqual(['creating']); // the intent was written; a rerun looks the reference up
    expect(sandbox.counters.createRequests.get('slot-stopped')).toBeUndefined();
  });

  it('a journal that cannot be written: the row rejects before its request, nothing is created', async () => {
    const append = async (): Promise<void> => {
      throw new Error('disk gone');
    };
    await expect(executeRow(job('fx-broken'), effects({ append }))).rejects.toThrow('disk gone');
    expect(sandbox.counters.invoicesCreated.has('fx-broken')).toBe(false);
  });
});
