import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/index.js';
import type { ApiClient } from '../../src/api/client-types.js';
import type { Journal } from '../../src/journal/journal.js';
import { createLogger } from '../../src/log.js';
import type { RowJob } from '../../src/payout/execute-row.js';
import { DEFAULT_LIMITS, type RowState } from '../../src/payout/machine.js';
import { readOnlyEffects } from '../../src/reconcile/read-only-effects.js';
import { reconcile } from '../../src/reconcile/reconcile-journal.js';
import { RunControl } from '../../src/run/run-control.js';
import { Throttle } from '../../src/run/throttle.js';
import { csv, HEADER, workspace, type Workspace } from '../helpers/workspace.js';

const FAST = { backoff: { baseMs: 2, capMs: 20 }, pollBackoff: { baseMs: 2, capMs: 20 } };

describe('reconcile only reads', () => {
  let ws: Workspace;
  let api: ApiClient | undefined;
  afterEach(async () => {
    api?.close();
    await ws.close();
  });

  it('its effects send no create, process or lookup, whatever the machine asks: the sandbox sees no request', async () => {
    ws = await workspace();
    api = createApiClient({ baseUrl: ws.sandbox.url, ...ws.sandbox.credentials });
    const created = await api.createInvoice({ referenceId: 'a', service: 'test_usd', currency: 'USD', amount: '5.00', fields: { account: '1' } });
    const before = { ...ws.sandbox.counters.requests };
    const written: unknown[] = [];
    const journal = { append: async (r: unknown) => void written.push(r) } as unknown as Journal;
    const effects = readOnlyEffects({ api, journal, entries: new Map(), throttle: new Throttle({ concurrency: 2 }), stop: new RunControl(), pace: { process: false, ...DEFAULT_LIMITS } }, new Map());
    const initial: RowState = { kind: 'new' };
    const job: RowJob = { line: 2, referenceId: 'a', fp: 'fp', request: { referenceId: 'a', service: 'test_usd', currency: 'USD', amount: '5.00', fields: { account: '1' } }, initial, started: initial };
    for (const command of [{ kind: 'create', delayMs: 0 }, { kind: 'process', invoiceId: created.id, delayMs: 0 }, { kind: 'lookup', delayMs: 0 }] as const) {
      expect(await effects.request(command, job, () => true)).toBeUndefined();
    }
    expect(ws.sandbox.counters.requests).toEqual(before);
    const read = await effects.request({ kind: 'read', invoiceId: created.id, delayMs: 0 }, job, () => true);
    expect(read).toMatchObject({ kind: 'invoice', invoice: { id: created.id, status: 'created' } });
    expect(ws.sandbox.counters.requests.getInvoice).toBe(before.getInvoice + 1);
    // A row it could not read is never journaled as an error.
    await effects.journal({ ref: 'a', fp: 'fp', line: 2, state: 'error', invoice_id: created.id, status: 'created' });
    expect(written).toEqual([]);
  });

  it('a read that times out is made again; a payout whose every read times out is left as it was (exit 3)', async () => {
    ws = await workspace({ processDelayMs: 60_000 });
    await ws.write('batch.csv', csv(HEADER, [['c', 'test_usd', 'USD', '1.00', '1'], ['d', 'test_usd', 'USD', '2.00', '2']]));
    expect((await ws.cli(['run', 'batch.csv', '--no-process'])).code).toBe(0);
    await ws.write('paid.csv', csv(HEADER, [['p', 'test_usd', 'USD', '3.00', '3'], ['s', 'test_usd', 'USD', '4.00', '4']]));
    expect((await ws.cli(['run', 'paid.csv'])).code).toBe(0);
    const sent = ws.sandbox.counters.requests.create + ws.sandbox.counters.requests.process;
    // The client retries nothing itself: the machine reads again.
    api = createApiClient({ baseUrl: ws.sandbox.url, ...ws.sandbox.credentials, timeoutMs: 2_000, retryLimit: 0 });
    const env = { api, logger: await createLogger({ level: 'silent' }), account: async () => ({ origin: new URL(ws.sandbox.url).origin, keyId: ws.sandbox.credentials.keyId, mode: 'test' as const }), stop: new RunControl() };
    ws.sandbox.setFaults({ script: [{ endpoint: 'getInvoice', referenceId: 'c', kind: 'delay', delayMs: 600_000 }] });
    const once = await reconcile({ journal: ws.path('batch.journal.jsonl'), delays: FAST }, env);
    expect(once).toMatchObject({ checked: 2, failedReads: 0, exitCode: 0, counts: { created: 2 } });

    // Submitted payouts: s's status is asked once (a poll), and it never comes back.
    ws.sandbox.setFaults({ script: [{ endpoint: 'getInvoice', referenceId: 's', kind: 'delay', delayMs: 600_000, times: 10 }] });
    const never = await reconcile({ journal: ws.path('paid.journal.jsonl'), delays: FAST }, env);
    expect(never).toMatchObject({ checked: 2, changed: 0, failedReads: 1, exitCode: 3, counts: { submitted: 1, error: 1 } });
    expect(never.problems).toEqual([expect.objectContaining({ reference_id: 's', error_code: 'not_read', message: expect.stringMatching(/could not read invoice .*left as it was: run reconcile again later/) })]);
    expect((await ws.results('paid.results.csv')).map((x) => [x.reference_id, x.outcome])).toEqual([['p', 'submitted'], ['s', 'submitted']]);
    expect(ws.sandbox.counters.requests.create + ws.sandbox.counters.requests.process).toBe(sent);
  }, 30_000);
});
