import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowFailureOf } from '../../src/api/failure-class.js';
import { createApiClient } from '../../src/api/index.js';
import type { ApiClient } from '../../src/api/client-types.js';
import { newSecret } from '../../src/journal/binding.js';
import { fingerprinter } from '../../src/payout/fingerprint.js';
import type { PayoutInstruction } from '../../src/payout/instruction.js';
import { DEFAULT_LIMITS } from '../../src/payout/machine.js';
import type { RowRecord } from '../../src/payout/record.js';
import { endWithoutRequest, payToEnd, plannedRow, resumeRow, settledEnd, settledIn, startRow, type Settled, type StartedRow } from '../../src/payout/row-lifecycle.js';
import { RunControl } from '../../src/payout/run-control.js';
import type { RowRunnerDeps } from '../../src/payout/runner.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

const fingerprint = fingerprinter(newSecret());
const pace = { process: true, ...DEFAULT_LIMITS };

function payout(ref: string, amount = '10.00'): PayoutInstruction {
  const fields = { account: '12345' };
  return { line: 2, referenceId: ref, service: 'test_usd', currency: 'USD', amount, request: { referenceId: ref, service: 'test_usd', currency: 'USD', amount, fields } };
}

/** The row started from its journal entry (none: a new row). */
function start(p: PayoutInstruction, e?: RowRecord, rowPace: typeof pace = pace): StartedRow {
  return startRow(p, resumeRow(p, e, fingerprint), fingerprint, rowPace);
}

/** Before anything is sent: the row as an earlier run settled it. */
function settledBefore(p: PayoutInstruction, e: RowRecord | undefined, process: boolean): Settled | undefined {
  return settledIn(resumeRow(p, e, fingerprint).state, process);
}

/** The journal entry an earlier run left for the row, made for the same payment. */
function entry(p: PayoutInstruction, state: string, invoice: Partial<RowRecord> = {}): RowRecord {
  const fp = start(p).job.fp;
  return { ref: p.referenceId, fp, line: p.line, state, ...invoice };
}

const PAID = { invoice_id: 'inv-1', status: 'processed', resolution: 'ok', fee: '0.6', service: 'test_usd', currency: 'USD', amount: '10.00' };

describe('a row starts from its instruction and journal entry', () => {
  it('without an entry: new, sent in this run, no repeat exemption', () => {
    const row = start(payout('r-new'));
    expect(row.job.initial).toEqual({ kind: 'new' });
    expect(row.job.started.kind).toBe('creating');
    expect(row).toMatchObject({ sends: true, journaled: false });
    expect(settledBefore(payout('r-new'), undefined, true)).toBeUndefined();
  });

  it('processed by an earlier run: settled, its results row read from the journal with no request (fee with the currency digits)', () => {
    const p = payout('r-paid');
    const row = start(p, entry(p, 'processed', PAID));
    expect(row).toMatchObject({ sends: false, journaled: true });
    const end = endWithoutRequest(row, undefined, new RunControl());
    expect(end).toMatchObject({ how: 'settled', sent: false, row: { outcome: 'processed', invoice_id: 'inv-1', fee: '0.60' } });
    const settled = settledBefore(p, entry(p, 'processed', PAID), true);
    expect(settled?.outcome).toBe('processed');
    expect(plannedRow(p, settled, undefined)).toEqual(end!.row);
    expect(settledEnd(p, settled!.state, pace)).toEqual(end);
  });

  it('resumed from its entry: fingerprinted once, and the same instruction or another under its reference', () => {
    const p = payout('r-same');
    const paid = entry(p, 'processed', PAID);
    expect(resumeRow(p, paid, fingerprint)).toMatchObject({ fp: paid.fp, journaled: true, same: true, state: { kind: 'done', outcome: 'processed' } });
    expect(resumeRow(payout('r-same', '11.00'), paid, fingerprint)).toMatchObject({ journaled: true, same: false, state: { kind: 'done', outcome: 'conflict' } });
    expect(resumeRow(p, undefined, fingerprint)).toEqual({ state: { kind: 'new' }, fp: undefined, journaled: false, same: false });
  });

  it('paid with other payment data under the same reference: settled as a conflict, never sent again', () => {
    const before = payout('r-changed', '10.00');
    const now = payout('r-changed', '11.00');
    const row = start(now, entry(before, 'processed', PAID));
    expect(row.sends).toBe(false);
    expect(endWithoutRequest(row, undefined, new RunControl())).toMatchObject({ how: 'settled', row: { outcome: 'conflict', error_code: 'changed_since_paid' } });
  });

  it('created by an earlier run: settled under --no-process, processed otherwise', () => {
    const p = payout('r-created');
    const created = entry(p, 'created', { ...PAID, status: 'created', resolution: null, fee: null });
    expect(settledBefore(p, created, false)?.outcome).toBe('created');
    expect(settledBefore(p, created, true)).toBeUndefined();
    expect(start(p, created, { ...pace, process: false }).sends).toBe(false);
    expect(start(p, created).sends).toBe(true);
    // A settled row ends with no request only where beginning it needs none: under --no-process.
    expect(settledEnd(p, settledBefore(p, created, false)!.state, { ...pace, process: false })).toMatchObject({ how: 'settled', row: { outcome: 'created' } });
    const submitted = entry(p, 'submitted', { ...PAID, status: 'processing', resolution: null, fee: null });
    expect(settledEnd(p, settledBefore(p, submitted, true)!.state, { ...pace, waitUntil: Date.now() + 60_000 })).toBeUndefined();
  });
});

describe('a row this run sends nothing for ends without a request', () => {
  it('held by the repeat-payee guard: repeat_payee with the guard’s message', () => {
    const row = start(payout('r-held'));
    const end = endWithoutRequest(row, 'paid to this payee yesterday', new RunControl());
    expect(end).toMatchObject({ how: 'held', sent: false, row: { outcome: 'repeat_payee', error_code: 'repeat_payee', error_message: 'paid to this payee yesterday' } });
    expect(plannedRow(row.payout, undefined, 'paid to this payee yesterday')).toEqual(end!.row);
    expect(plannedRow(row.payout, undefined, undefined).outcome).toBe('valid');
  });

  it('after the stop: not_started when no invoice exists, an error the rerun resolves when an earlier run created one', () => {
    const control = new RunControl();
    control.stop('stopped', 'interrupted by SIGINT');
    const fresh = endWithoutRequest(start(payout('r-fresh')), undefined, control);
    expect(fresh).toMatchObject({ how: 'untouched', sent: false, row: { outcome: 'not_started' } });
    expect(fresh!.row.error_message).toMatch(/^interrupted by SIGINT; the run stopped before this row was sent/);
    const p = payout('r-half');
    const half = endWithoutRequest(start(p, entry(p, 'created', { ...PAID, status: 'created' })), undefined, control);
    expect(half).toMatchObject({ how: 'untouched', sent: false, row: { outcome: 'error', error_code: 'interrupted', invoice_id: 'inv-1' } });
  });

  it('a row to send, not held, before any stop: no end yet', () => {
    expect(endWithoutRequest(start(payout('r-go')), undefined, new RunControl())).toBeUndefined();
  });
});

describe('a row paid to its end', () => {
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

  function deps(overrides: Partial<RowRunnerDeps>): RowRunnerDeps {
    return { api, classify: rowFailureOf, journal: async () => {}, control: new RunControl(), context: pace, ...overrides };
  }

  it('reaches its outcome and counts as sent', async () => {
    const end = await payToEnd(start(payout('r-pay')), deps({}));
    expect(end).toMatchObject({ how: 'paid', sent: true, row: { reference_id: 'r-pay' } });
    expect(end.row.outcome).not.toMatch(/^(error|not_started)$/);
    expect(end.row.invoice_id).toBeTruthy();
    expect(sandbox.counters.invoicesCreated.get('r-pay')).toBe(1);
  });

  it('an unexpected error (the journal cannot be written) stops the run; the row ends not_started, not sent', async () => {
    const control = new RunControl();
    const journal = async (): Promise<void> => {
      throw new Error('disk gone');
    };
    const end = await payToEnd(start(payout('r-broken')), deps({ control, journal }));
    expect(control.stopReason).toMatchObject({ code: 'internal_error' });
    expect(control.stopReason?.message).toContain('row at line 2 failed unexpectedly: disk gone');
    expect(end).toMatchObject({ how: 'paid', sent: false, row: { outcome: 'not_started' } });
    expect(sandbox.counters.invoicesCreated.has('r-broken')).toBe(false);
  });
});
