import { describe, expect, it } from 'vitest';
import { begin, commandFor, step, type RowState } from '../../src/payout/machine.js';
import { resumeState } from '../../src/payout/record.js';
import { CREATE, answer, context, count, drive, failed, httpError } from './machine-helpers.js';

// Issue 10 §4: adopting an invoice found under the row's reference requires the row's payee.
const CARD = { card_number: '5123817234060000' };
const cardRow = context({ expected: { ...context().expected, fields: CARD } });
const doubt = (why: 'maybe' | 'duplicate' | 'resume'): RowState => ({ kind: 'in_doubt', attempt: 1, lookups: 0, delayMs: 0, why });

describe.each(['maybe', 'duplicate', 'resume'] as const)('a lookup after %s', (why) => {
  it('calls another account a conflict naming the field, masked, and never processes it', () => {
    const next = step(doubt(why), answer({ fields: { account: '999999999' } }), context());
    expect(next).toMatchObject({ kind: 'done', outcome: 'conflict', errorCode: 'payee_mismatch' });
    expect(next).toMatchObject({ message: expect.stringContaining('fields.account ****9999 (the row says ****6789)') });
    expect(next.kind === 'done' && next.message).not.toMatch(/999999999|123456789/);
    expect(commandFor(next)).toEqual({ kind: 'finish' });
  });

  it.each(['created', 'processing', 'processed'])('never adopts another payee in status %s', (status) => {
    expect(step(doubt(why), answer({ status, fields: { account: '999999999' } }), context())).toMatchObject({ outcome: 'conflict' });
  });

  it('adopts a card the API shows masked when the mask shows the row card', () => {
    expect(step(doubt(why), answer({ fields: { card_number: '512381******0000' } }), cardRow)).toMatchObject({ kind: 'processing' });
  });

  it.each([
    ['the last 4 digits', '512381******1111'],
    ['the first 6 digits', '411111******0000'],
    ['the length', '512381*******0000'],
  ])('calls a card differing in %s a conflict', (_what, shown) => {
    const next = step(doubt(why), answer({ fields: { card_number: shown } }), cardRow);
    expect(next).toMatchObject({ kind: 'done', outcome: 'conflict', errorCode: 'payee_mismatch' });
    expect(next).toMatchObject({ message: expect.stringContaining(`fields.card_number ${shown} (the row says 512381******0000)`) });
  });

  it('calls an invoice that does not show the row field a conflict: the payee cannot be confirmed', () => {
    const next = step(doubt(why), answer({ fields: {} }), context());
    expect(next).toMatchObject({ outcome: 'conflict', errorCode: 'payee_mismatch', message: expect.stringContaining('no fields.account') });
  });

  it('compares every field the row sends, not only the account', () => {
    const row = context({ expected: { ...context().expected, fields: { account: '123456789', test_details_payout_status: 'processed' } } });
    const same = { account: '123456789', test_details_payout_status: 'processed' };
    expect(step(doubt(why), answer({ fields: same }), row)).toMatchObject({ kind: 'processing' });
    const other = { ...same, test_details_payout_status: 'process_failed' };
    expect(step(doubt(why), answer({ fields: other }), row)).toMatchObject({ outcome: 'conflict', message: expect.stringContaining('fields.test_details_payout_status') });
  });

  it('lists payment and payee differences together (reference_conflict when the payment differs too)', () => {
    const next = step(doubt(why), answer({ amount: '99', fields: { account: '999999999' } }), context());
    expect(next).toMatchObject({ errorCode: 'reference_conflict', message: expect.stringMatching(/amount 99 .*fields\.account \*\*\*\*9999/) });
  });
});

describe('whole rows', () => {
  it('409, same service, currency and amount but another account: conflict, no process request', () => {
    const trace = drive(begin({ kind: 'new' }, context()), context(), (c) =>
      c.kind === 'create' ? failed(httpError(CREATE, 409)) : answer({ fields: { account: '999999999' } }),
    );
    expect(trace.commands.map((c) => c.kind)).toEqual(['create', 'lookup', 'finish']);
    expect(trace.final).toMatchObject({ kind: 'done', outcome: 'conflict', errorCode: 'payee_mismatch' });
    expect(count(trace, 'process')).toBe(0);
  });

  it('a resumed row in doubt (journal: creating / error) adopts only its own payee', () => {
    for (const state of ['creating', 'in_doubt', 'error']) {
      const start = begin(resumeState({ ref: 'ref-1', fp: 'fp', line: 2, state }, 'fp', 'ref-1'), context());
      const trace = drive(start, context(), () => answer({ fields: { account: '999999999' } }));
      expect(trace.commands.map((c) => c.kind), state).toEqual(['lookup', 'finish']);
      expect(trace.final, state).toMatchObject({ outcome: 'conflict', errorCode: 'payee_mismatch' });
    }
  });
});
