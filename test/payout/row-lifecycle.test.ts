import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowFailureOf } from '../../src/api/failure-class.js';
import { createApiClient } from '../../src/api/index.js';
import type { ApiClient } from '../../src/api/client-types.js';
import { newSecret } from '../../src/journal/binding.js';
import { fingerprinter } from '../../src/payout/fingerprint.js';
import type { PayoutInstruction } from '../../src/payout/instruction.js';
import { DEFAULT_LIMITS } from '../../src/payout/machine.js';
import type { RowRecord } from '../../src/payout/record.js';
import { endWithoutRequest, payToEnd, plannedRow, settledBefore, startRow } from '../../src/payout/row-lifecycle.js';
import { RunControl } from '../../src/payout/run-control.js';
import type { RowRunnerDeps } from '../../src/payout/runner.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

const fingerprint = fingerprinter(newSecret());
const pace = { process: true, ...DEFAULT_LIMITS };

function payout(ref: string, amount = '10.00'): PayoutInstruction {
  const fields = { account: '12345' };
  return { line: 2, referenceId: ref, service: 'test_usd', currency: 'USD', amount, request: { referenceId: ref, service: 'test_usd', currency: 'USD', amount, fields } };
}

/** The journal entry an earlier run left for the row, made for the same payment. */
function entry(p: PayoutInstruction, state: string, invoice: Partial<RowRecord> = {}): RowRecord {
  const fp = startRow(p, undefined, fingerprint, pace).job.fp;
  return { ref: p.referenceId, fp, line: p.line, state, ...invoice };
}

const PAID = { invoice_id: 'inv-1', status: 'processed', resolution: 'ok', fee: '0.6', service: 'test_usd', currency: 'USD', amount: '10.00' };

describe('a row starts from its instruction and journal entry', () => {
  it('without an entry: new, sent in this run, no repeat exemption', () => {
    const row = startRow(payout('r-new'), undefined, fingerprint, pace);
    expect(row.job.initial).toEqual({ kind: 'new' });
    expect(row.job.started.kind).toBe('creating');
    expect(row).toMatchObject({ sends: true, journaled: false });
    expect(settledBefore(payout('r-new'), undefined, fingerprint, true)).toBeUndefined();
  });

  it('processed by an earlier run: settled, its results row read from the journal with no request (fee with the currency digits)', () => {
    const p = payout('r-paid');
    const row = startRow(p, entry(p, 'processed', PAID), fingerprint, pace);
    expect(row).toMatchObject({ sends: false, journaled: true });
    const end = endWithoutRequest(row, undefined, new RunControl());
    expect(end).toMatchObject({ how: 'settled', sent: false, row: { outcome: 'processed', invoice_id: 'inv-1', fee: '0.60' } });
    const settled = settledBefore(p, entry(p, 'processed', PAID), fingerprint, true);
    expect(settled?.outcome).toBe('processed');
    expect(plannedRow(p, settled, undefined)).toEqual(end!.row);
  });

  it('paid with other payment data under the same reference: settled as a conflict, never sent again', () => {
    const before = payout('r-changed', '10.00');
    const now = payout('r-changed', '11.00');
    const row = startRow(now, entry(before, 'processed', PAID), fingerprint, pace);
    expect(row.sends).toBe(false);
    expect(endWithoutRequest(row, undefined, new RunControl())).toMatchObject({ how: 'settled', row: { outcome: 'conflict', error_code: 'changed_since_paid' } });
  });

  it('created by an earlier run: settled under --no-process, processed otherwise', () => {
    const p = payout('r-created');
    const created = entry(p, 'created', { ...PAID, status: 'created', resolution: null, fee: null });
    expect(settledBefore(p, created, fingerprint, false)?.outcome).toBe('created');
    expect(settledBefore(p, created, fingerprint, true)).toBeUndefined();
    expect(startRow(p, created, fingerprint, { ...pace, process: false }).sends).toBe(false);
    expect(startRow(p, created, fingerprint, pace).sends).toBe(true);
  });
});

describe('a row this run sends nothing for ends without a request', () => {
  it('held by the repeat-payee guard: repeat_payee with the guard’s message', () => {
    const row = startRow(payout('r-held'), undefined, fingerprint, pace);
    const end = endWithoutRequest(row, 'paid to this payee yesterday', new RunControl());
    expect(end).toMatchObject({ how: 'held', sent: false, row: { outcome: 'repeat_payee', error_code: 'repeat_payee', error_message: 'paid to this payee yesterday' } });
    expect(plannedRow(row.payout, undefined, 'paid to this payee yesterday')).toEqual(end!.row);
    expect(plannedRow(row.payout, undefined, undefined).outcome).toBe('valid');
  });

  it('after the stop: not_started when no invoice exists, an error the rerun resolves when an earlier run created one', () => {
    const control = new RunControl();
    control.stop('stopped', 'interrupted by SIGINT');
    const fresh = endWithoutRequest(startRow(payout('r-fresh'), undefined, fingerprint, pace), undefined, control);
    expect(fresh).toMatchObject({ how: 'untouched', sent: false, row: { outcome: 'not_started' } });
    expect(fresh!.row.error_message).toMatch(/^interrupted by SIGINT; the run stopped before this row was sent/);
    const p = payout('r-half');
    const half = endWithoutRequest(startRow(p, entry(p, 'created', { ...PAID, status: 'created' }), fingerprint, pace), undefined, control);
    expect(half).toMatchObject({ how: 'untouched', sent: false, row: { outcome: 'error', error_code: 'interrupted', invoice_id: 'inv-1' } });
  });

  it('a row to send, not held, before any stop: no end yet', () => {
    expect(endWithoutRequest(startRow(payout('r-go'), undefined, fingerprint, pace), undefined, new RunControl())).toBeUndefined();
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
    const end = await payToEnd(startRow(payout('r-pay'), undefined, fingerprint, pace), deps({}));
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
    const end = await payToEnd(startRow(payout('r-broken'), undefined, fingerprint, pace), deps({ control, journal }));
    expect(control.stopReason).toMatchObject({ code: 'internal_error' });
    expect(control.stopReason?.message).toContain('row at line 2 failed unexpectedly: disk gone');
    expect(end).toMatchObject({ how: 'paid', sent: false, row: { outcome: 'not_started' } });
    expect(sandbox.counters.invoicesCreated.has('r-broken')).toBe(false);
  });
});
