import { describe, expect, it } from 'vitest';
import { newSecret } from '../../src/journal/binding.js';
import { fingerprinter } from '../../src/payout/fingerprint.js';
import type { PayoutInstruction } from '../../src/payout/instruction.js';
import { DEFAULT_LIMITS } from '../../src/payout/machine.js';
import { planInvalid, planRow, resumeRow, startRow, withFingerprint, type StartedRow } from '../../src/payout/plan-row.js';
import type { RowRecord } from '../../src/payout/record.js';
import { resultRowOf } from '../../src/payout/result-row.js';

const fingerprint = fingerprinter(newSecret());
const pace = { process: true, ...DEFAULT_LIMITS };
const NOT_HELD = { held: false };

function payout(ref: string, amount = '10.00'): PayoutInstruction {
  const fields = { account: '12345' };
  return { line: 2, referenceId: ref, service: 'test_usd', currency: 'USD', amount, request: { referenceId: ref, service: 'test_usd', currency: 'USD', amount, fields } };
}

/** The row started from its journal entry (none: a new row). */
function start(p: PayoutInstruction, e?: RowRecord, rowPace: typeof pace & { waitUntil?: number } = pace): StartedRow {
  return startRow(p, resumeRow(p, e, fingerprint), rowPace);
}

/** The journal entry an earlier run left for the row, made for the same payment. */
function entry(p: PayoutInstruction, state: string, invoice: Partial<RowRecord> = {}): RowRecord {
  const fp = resumeRow(p, { ref: p.referenceId, fp: '', line: p.line, state: 'creating' }, fingerprint).fp!;
  return { ref: p.referenceId, fp, line: p.line, state, ...invoice };
}

const PAID = { invoice_id: 'inv-1', status: 'processed', resolution: 'ok', fee: '0.6', service: 'test_usd', currency: 'USD', amount: '10.00' };

describe('planRow: what happens to a row in this run', () => {
  it('without a journal entry: send (a dry run shows it valid); new, no repeat exemption', () => {
    const row = start(payout('r-new'));
    expect(row.job.initial).toEqual({ kind: 'new' });
    expect(row).toMatchObject({ sends: true, journaled: false, settled: undefined });
    const plan = planRow(row, NOT_HELD, undefined);
    expect(plan.kind).toBe('send');
    expect(resultRowOf(plan)).toMatchObject({ outcome: 'valid', reference_id: 'r-new', amount: '10.00' });
    // Fingerprinted only when sent, under the journal's secret: a dry run makes no keyed hash for it.
    expect(row.job.fp).toBeUndefined();
    const job = withFingerprint(row.payout, row.job, fingerprint);
    expect(job.fp).toBe(resumeRow(row.payout, { ref: 'r-new', fp: '', line: 2, state: 'creating' }, fingerprint).fp);
    expect(withFingerprint(row.payout, job, fingerprinter(newSecret())).fp).toBe(job.fp); // a fingerprint made is kept
  });

  it('processed by an earlier run: settled, its results row read from the journal (fee with the currency digits), even if the guard would hold it', () => {
    const p = payout('r-paid');
    const row = start(p, entry(p, 'processed', PAID));
    expect(row).toMatchObject({ sends: false, journaled: true, asIs: true, settled: 'processed' });
    const plan = planRow(row, { held: true, message: 'paid yesterday' }, { message: 'stopping' });
    expect(plan).toMatchObject({ kind: 'settled', outcome: 'processed', follow: false });
    expect(resultRowOf(plan)).toMatchObject({ outcome: 'processed', invoice_id: 'inv-1', fee: '0.60' });
  });

  it('resumed from its entry: fingerprinted once, and the same instruction or another under its reference', () => {
    const p = payout('r-same');
    const paid = entry(p, 'processed', PAID);
    expect(resumeRow(p, paid, fingerprint)).toMatchObject({ fp: paid.fp, journaled: true, same: true, state: { kind: 'done', outcome: 'processed' } });
    expect(resumeRow(payout('r-same', '11.00'), paid, fingerprint)).toMatchObject({ journaled: true, same: false, state: { kind: 'done', outcome: 'conflict' } });
    expect(resumeRow(p, undefined, fingerprint)).toEqual({ state: { kind: 'new' }, fp: undefined, journaled: false, same: false });
  });

  it('paid with other payment data under the same reference: settled as a conflict, never sent again', () => {
    const row = start(payout('r-changed', '11.00'), entry(payout('r-changed', '10.00'), 'processed', PAID));
    expect(row).toMatchObject({ sends: false, asIs: false });
    expect(resultRowOf(planRow(row, undefined, undefined))).toMatchObject({ outcome: 'conflict', error_code: 'changed_since_paid' });
  });

  it('created by an earlier run: settled under --no-process, sent (processed) otherwise', () => {
    const p = payout('r-created');
    const created = entry(p, 'created', { ...PAID, status: 'created', resolution: null, fee: null });
    const noProcess = planRow(start(p, created, { ...pace, process: false }), undefined, undefined);
    expect(noProcess).toMatchObject({ kind: 'settled', outcome: 'created', follow: false });
    expect(resultRowOf(noProcess)).toMatchObject({ outcome: 'created', invoice_id: 'inv-1' });
    expect(planRow(start(p, created), undefined, undefined).kind).toBe('send');
  });

  it('submitted by an earlier run: settled, and under --wait still to poll (shown submitted until then)', () => {
    const p = payout('r-submitted');
    const submitted = entry(p, 'submitted', { ...PAID, status: 'processing', resolution: null, fee: null });
    expect(planRow(start(p, submitted), undefined, undefined)).toMatchObject({ kind: 'settled', outcome: 'submitted', follow: false });
    const polled = planRow(start(p, submitted, { ...pace, waitUntil: Date.now() + 60_000 }), undefined, undefined);
    expect(polled).toMatchObject({ kind: 'settled', outcome: 'submitted', follow: true });
    expect(resultRowOf(polled)).toMatchObject({ outcome: 'submitted', invoice_id: 'inv-1', status: 'processing' });
  });

  it('held by the repeat-payee guard: repeat_payee with the guard’s message, before any stop', () => {
    const plan = planRow(start(payout('r-held')), { held: true, message: 'paid to this payee yesterday' }, { message: 'stopping' });
    expect(plan.kind).toBe('held');
    expect(resultRowOf(plan)).toMatchObject({ outcome: 'repeat_payee', error_code: 'repeat_payee', error_message: 'paid to this payee yesterday' });
  });

  it('after the stop: not_started when no invoice exists, an error the rerun resolves when an earlier run created one', () => {
    const stop = { message: 'interrupted by SIGINT' };
    const fresh = resultRowOf(planRow(start(payout('r-fresh')), NOT_HELD, stop));
    expect(fresh.outcome).toBe('not_started');
    expect(fresh.error_message).toMatch(/^interrupted by SIGINT; the run stopped before this row was sent/);
    const p = payout('r-half');
    const half = planRow(start(p, entry(p, 'created', { ...PAID, status: 'created' })), NOT_HELD, stop);
    expect(half.kind).toBe('stopped');
    expect(resultRowOf(half)).toMatchObject({ outcome: 'error', error_code: 'interrupted', invoice_id: 'inv-1' });
  });

  it('invalid: the results row repeats the cells and says why', () => {
    const plan = planInvalid({ line: 7, errorCode: 'invalid_amount', message: 'amount "1,5" is not a number' }, { reference_id: 'r-bad', service: 'test_usd', currency: 'USD', amount: '1,5' });
    expect(resultRowOf(plan)).toEqual({ line: 7, reference_id: 'r-bad', outcome: 'invalid', service: 'test_usd', currency: 'USD', amount: '1,5', error_code: 'invalid_amount', error_message: 'amount "1,5" is not a number' });
  });
});
