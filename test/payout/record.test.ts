import { describe, expect, it } from 'vitest';
import { begin, commandFor, type RowContext, type RowState } from '../../src/payout/machine.js';
import { journalStateOf, resumeState, sameRecord, toRecord, type RowRecord } from '../../src/payout/record.js';
import { NOT_FOUND, T0, answer, context, count, drive, invoice } from './machine-helpers.js';

const FP = 'fp-paid';
const CHANGED = 'fp-edited';
const ids = { ref: 'ref-1', fp: FP, line: 7 };
const inv = invoice();
const WAIT = { waitUntil: T0 + 60_000 };

/** What the journal holds after a crash: the record as written, read back from JSON. */
function journaled(state: RowState): RowRecord {
  const record = toRecord(state, ids);
  if (!record) throw new Error(`${state.kind} is not journaled`);
  return JSON.parse(JSON.stringify(record)) as RowRecord;
}

/** The first request a rerun makes for that record. */
function firstCommand(record: RowRecord, fp: string, ctx: RowContext = context()): string {
  return commandFor(begin(resumeState(record, fp, 'ref-1'), ctx)).kind;
}

const done = (outcome: 'processed' | 'partial' | 'failed' | 'submitted' | 'created', status: string): RowState => ({
  kind: 'done',
  outcome,
  invoice: invoice({ status }),
});

describe('toRecord', () => {
  it('writes nothing for a new or aborted row', () => {
    expect(toRecord({ kind: 'new' }, ids)).toBeUndefined();
    expect(toRecord({ kind: 'aborted', errorCode: 'auth_failed', message: 'no' }, ids)).toBeUndefined();
  });

  it('writes the intent to create with its attempt', () => {
    expect(toRecord({ kind: 'creating', attempt: 2, delayMs: 300 }, ids)).toEqual({ ...ids, state: 'creating', attempt: 2 });
  });

  it('writes the invoice of a processing row, nulls included, and survives JSON', () => {
    const state: RowState = { kind: 'processing', invoice: invoice({ resolution: null, fee: null, service: null }), attempt: 3, delayMs: 0 };
    expect(journaled(state)).toEqual({
      ...ids,
      state: 'processing',
      invoice_id: 'inv-1',
      status: 'created',
      resolution: null,
      fee: null,
      service: null,
      currency: 'USD',
      amount: '10.50',
      attempt: 3,
    });
  });

  it('writes a final outcome with its error code and message', () => {
    const state: RowState = { kind: 'done', outcome: 'error', errorCode: 'process_refused', message: 'refused', invoice: inv };
    expect(journaled(state)).toMatchObject({ state: 'error', error_code: 'process_refused', error_message: 'refused', invoice_id: 'inv-1' });
  });

  it.each<[RowState, string]>([
    [{ kind: 'in_doubt', attempt: 1, lookups: 0, delayMs: 0, why: 'maybe' }, 'in_doubt'],
    [{ kind: 'created', invoice: inv }, 'created'],
    [{ kind: 'process_doubt', invoice: inv, attempt: 1, reads: 0, delayMs: 0 }, 'process_doubt'],
    [{ kind: 'submitted', invoice: inv, polls: 1, delayMs: 0 }, 'submitted'],
    [{ kind: 'done', outcome: 'rejected', errorCode: 'api_rejected', message: 'm' }, 'rejected'],
    [{ kind: 'done', outcome: 'conflict', invoice: inv }, 'conflict'],
  ])('names %o in the journal as %s', (state, name) => {
    expect(journalStateOf(state)).toBe(name);
  });
});

describe('resume with the same row', () => {
  it('starts a row the journal never saw afresh', () => {
    expect(resumeState(undefined, FP, 'ref-1')).toEqual({ kind: 'new' });
  });

  it.each<[string, RowState]>([
    ['processed', done('processed', 'processed')],
    ['partial', done('partial', 'partially_processed')],
    ['failed', done('failed', 'process_failed')],
    ['failed (expired)', done('failed', 'expired')],
    ['submitted outcome', done('submitted', 'processing')],
    ['submitted (polling)', { kind: 'submitted', invoice: invoice({ status: 'process_pending' }), polls: 4, delayMs: 500 }],
    ['conflict', { kind: 'done', outcome: 'conflict', invoice: invoice({ amount: '99' }), errorCode: 'reference_conflict', message: 'm' }],
  ])('a %s row costs no request', (_what, state) => {
    expect(firstCommand(journaled(state), FP)).toBe('finish');
  });

  it.each<[string, RowState]>([
    ['submitted outcome', done('submitted', 'processing')],
    ['submitted (polling)', { kind: 'submitted', invoice: invoice({ status: 'process_error' }), polls: 4, delayMs: 500 }],
  ])('a %s row is only polled with --wait', (_what, state) => {
    expect(firstCommand(journaled(state), FP, context(WAIT))).toBe('poll');
  });

  it.each(['processed', 'partial', 'failed'] as const)('a final %s row is not polled even with --wait', (outcome) => {
    expect(firstCommand(journaled(done(outcome, 'processed')), FP, context(WAIT))).toBe('finish');
  });

  it('a submitted row whose process answer said created costs no request', () => {
    expect(firstCommand(journaled(done('submitted', 'created')), FP)).toBe('finish');
  });

  it('keeps the outcome, invoice, error code and message of a final row', () => {
    const state: RowState = { kind: 'done', outcome: 'conflict', invoice: invoice({ amount: '99' }), errorCode: 'reference_conflict', message: 'm' };
    expect(resumeState(journaled(state), FP, 'ref-1')).toEqual(state);
  });

  it('processes a row created with --no-process, or leaves it created', () => {
    const record = journaled(done('created', 'created'));
    expect(firstCommand(record, FP)).toBe('process');
    expect(firstCommand(record, FP, context({ process: false }))).toBe('finish');
  });

  it.each<[string, RowState]>([
    ['creating', { kind: 'creating', attempt: 3, delayMs: 0 }],
    ['in_doubt (maybe)', { kind: 'in_doubt', attempt: 2, lookups: 1, delayMs: 0, why: 'maybe' }],
    ['in_doubt (duplicate)', { kind: 'in_doubt', attempt: 1, lookups: 0, delayMs: 0, why: 'duplicate' }],
    ['error without invoice', { kind: 'done', outcome: 'error', errorCode: 'create_failed', message: 'm' }],
    ['error with invoice', { kind: 'done', outcome: 'error', errorCode: 'process_failed_to_send', message: 'm', invoice: inv }],
  ])('looks a %s row up by reference before anything else', (_what, state) => {
    expect(firstCommand(journaled(state), FP)).toBe('lookup');
  });

  it.each<[string, RowState]>([
    ['processing', { kind: 'processing', invoice: inv, attempt: 1, delayMs: 0 }],
    ['process_doubt', { kind: 'process_doubt', invoice: inv, attempt: 2, reads: 1, delayMs: 0 }],
  ])('reads a %s row before processing it again', (_what, state) => {
    expect(firstCommand(journaled(state), FP)).toBe('read');
  });

  it('creates a rejected or invalid row afresh', () => {
    expect(resumeState(journaled({ kind: 'done', outcome: 'rejected', errorCode: 'api_rejected', message: 'm' }), FP, 'ref-1')).toEqual({ kind: 'new' });
    expect(resumeState({ ...ids, state: 'invalid', error_code: 'bad_amount' }, FP, 'ref-1')).toEqual({ kind: 'new' });
  });

  it('looks up a row whose state this version does not know, or whose invoice is missing', () => {
    expect(firstCommand({ ...ids, state: 'refunded_maybe', invoice_id: 'inv-1', status: 'x' }, FP)).toBe('lookup');
    expect(firstCommand({ ...ids, state: 'processed' }, FP)).toBe('lookup');
  });

  it('finishes a row whose resumed lookup finds it already processed, without processing', () => {
    const resumed = begin(resumeState(journaled({ kind: 'creating', attempt: 1, delayMs: 0 }), FP, 'ref-1'), context());
    const trace = drive(resumed, context(), () => answer({ status: 'processed' }));
    expect(trace.commands.map((c) => c.kind)).toEqual(['lookup', 'finish']);
  });

  it('processes a resumed processing row that is still created, whatever attempt it crashed at', () => {
    const record = journaled({ kind: 'processing', invoice: inv, attempt: 5, delayMs: 0 });
    const trace = drive(begin(resumeState(record, FP, 'ref-1'), context()), context(), (c) =>
      c.kind === 'read' ? answer() : answer({ status: 'processed' }),
    );
    expect(count(trace, 'process')).toBe(1);
    expect(trace.final).toMatchObject({ kind: 'done', outcome: 'processed' });
  });
});

describe('resume with a changed row', () => {
  it.each<[string, RowState]>([
    ['created (--no-process)', done('created', 'created')],
    ['processing', { kind: 'processing', invoice: inv, attempt: 1, delayMs: 0 }],
    ['process_doubt', { kind: 'process_doubt', invoice: inv, attempt: 1, reads: 0, delayMs: 0 }],
    ['submitted', { kind: 'submitted', invoice: invoice({ status: 'processing' }), polls: 0, delayMs: 0 }],
    ['submitted outcome', done('submitted', 'created')],
    ['processed', done('processed', 'processed')],
    ['partial', done('partial', 'partially_processed')],
    ['failed', done('failed', 'process_failed')],
  ])('a %s row is a conflict and costs no request', (_what, state) => {
    const resumed = resumeState(journaled(state), CHANGED, 'ref-1');
    expect(resumed).toMatchObject({ kind: 'done', outcome: 'conflict', errorCode: 'changed_since_paid', invoice: { id: 'inv-1' } });
    expect(resumed).toMatchObject({ message: expect.stringContaining('ref-1') });
    expect(resumed).toMatchObject({ message: expect.stringContaining('line 7') });
    expect(commandFor(begin(resumed, context(WAIT))).kind).toBe('finish');
  });

  it.each(['rejected', 'invalid'])('a %s row is created afresh', (state) => {
    expect(resumeState({ ...ids, state, error_code: 'x' }, CHANGED, 'ref-1')).toEqual({ kind: 'new' });
  });

  it.each<[string, RowState]>([
    ['creating', { kind: 'creating', attempt: 1, delayMs: 0 }],
    ['error without invoice', { kind: 'done', outcome: 'error', errorCode: 'create_failed', message: 'm' }],
  ])('a %s row that the API never saw is created with the new data', (_what, state) => {
    const trace = drive(begin(resumeState(journaled(state), CHANGED, 'ref-1'), context()), context(), (c) =>
      c.kind === 'lookup' ? NOT_FOUND : answer({ status: c.kind === 'create' ? 'created' : 'processed' }),
    );
    expect(trace.commands.map((c) => c.kind)).toEqual(['lookup', 'create', 'process', 'finish']);
  });

  it.each<[string, RowState]>([
    ['creating', { kind: 'creating', attempt: 1, delayMs: 0 }],
    ['in_doubt', { kind: 'in_doubt', attempt: 1, lookups: 0, delayMs: 0, why: 'maybe' }],
    ['error with invoice', { kind: 'done', outcome: 'error', errorCode: 'process_failed_to_send', message: 'm', invoice: inv }],
  ])('a %s row whose old invoice exists is a conflict, never processed', (_what, state) => {
    const trace = drive(begin(resumeState(journaled(state), CHANGED, 'ref-1'), context()), context(), (c) =>
      c.kind === 'lookup' ? answer() : answer({ status: 'processed' }),
    );
    expect(count(trace, 'process')).toBe(0);
    expect(trace.final).toMatchObject({ kind: 'done', outcome: 'conflict' });
  });

  it('a reference conflict is looked up again (the row may now match the invoice)', () => {
    const state: RowState = { kind: 'done', outcome: 'conflict', invoice: invoice({ amount: '99' }), errorCode: 'reference_conflict', message: 'm' };
    expect(firstCommand(journaled(state), CHANGED)).toBe('lookup');
  });
});

describe('a record is journaled again only when its line would differ', () => {
  const base: RowRecord = { ref: 'ref-1', fp: FP, line: 7, state: 'processing', invoice_id: 'inv_1', fee: null, attempt: 1 };

  it('the same values are the same record, whatever their order or an undefined key', () => {
    expect(sameRecord(base, { attempt: 1, fee: null, invoice_id: 'inv_1', state: 'processing', line: 7, fp: FP, ref: 'ref-1' })).toBe(true);
    expect(sameRecord({ ...base, error_code: undefined }, base)).toBe(true);
    expect(sameRecord(base, { ...base, amount: undefined })).toBe(true);
  });

  it('any value that differs, a key one lacks, null against absent, or no record at all is another record', () => {
    expect(sameRecord(base, { ...base, attempt: 2 })).toBe(false);
    expect(sameRecord(base, { ...base, status: 'created' })).toBe(false);
    expect(sameRecord({ ...base, resolution: null }, base)).toBe(false);
    const { fee: _fee, ...noFee } = base;
    expect(sameRecord(base, noFee)).toBe(false);
    expect(sameRecord(base, undefined)).toBe(false);
  });
});
