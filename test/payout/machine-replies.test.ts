import { describe, expect, it } from 'vitest';
import { begin, commandFor, step, type Command, type RowEvent, type RowState } from '../../src/payout/machine.js';
import { toRecord } from '../../src/payout/record.js';
import { NOT_FOUND, T0, answer, context, drive, reply, seeded } from './machine-helpers.js';

// Issue 10 §5: an invoice in an answer is the row's only when it says so; otherwise it is never
// taken (nor journaled) as the row's invoice, and the row is settled by asking the API again.

const own = reply();
const WAIT = { waitUntil: T0 + 60_000 };

/** Answers that are not the row's invoice, whatever the request. */
const FOREIGN: [string, RowEvent, string][] = [
  ['another reference', answer({ id: 'inv-9', referenceId: 'ref-9' }), 'invoice inv-9 of reference_id ref-9'],
  ['another service', answer({ service: 'card_eur' }), 'service card_eur (the row says card_usd)'],
  ['another currency', answer({ currency: 'EUR' }), 'currency EUR (the row says USD)'],
  ['another amount', answer({ amount: '99' }), 'amount 99 (the row says 10.50)'],
  ['another payee', answer({ fields: { account: '999999999' } }), 'fields.account ****9999 (the row says ****6789)'],
];
/** For requests about a known invoice: an answer about another invoice id is not the row's either. */
const FOREIGN_BY_ID: [string, RowEvent, string][] = [
  ...FOREIGN,
  ['another invoice id', answer({ id: 'inv-9' }), 'invoice inv-9 of reference_id ref-1 instead of invoice inv-1'],
];

const creating: RowState = { kind: 'creating', attempt: 2, delayMs: 0 };
const processing: RowState = { kind: 'processing', invoice: own, attempt: 1, delayMs: 0 };
const reading = (reads = 0): RowState => ({ kind: 'process_doubt', invoice: own, attempt: 1, reads, delayMs: 0 });
const polling: RowState = { kind: 'submitted', invoice: reply({ status: 'processing' }), polls: 2, delayMs: 0 };
const looking = (why: 'maybe' | 'duplicate' | 'resume', lookups = 0): RowState => ({ kind: 'in_doubt', attempt: 2, lookups, delayMs: 0, why });

function invoiceOf(state: RowState): string | undefined {
  return 'invoice' in state ? state.invoice?.id : undefined;
}

describe('a create answered with an invoice that is not the row’s', () => {
  it.each(FOREIGN)('%s: looks the reference up instead, remembering what came back', (_what, event, said) => {
    const next = step(creating, event, context());
    expect(next).toMatchObject({ kind: 'in_doubt', why: 'maybe', attempt: 2, lookups: 0, foreign: expect.stringContaining(said) });
    expect(commandFor(next)).toEqual({ kind: 'lookup', delayMs: 0 });
    expect(toRecord(next, { ref: 'ref-1', fp: 'fp', line: 2 })).not.toHaveProperty('invoice_id');
  });

  it('accepts a reply that does not show the payee fields, or shows them masked', () => {
    expect(step(creating, answer({ fields: {} }), context())).toMatchObject({ kind: 'processing' });
    const card = context({ expected: { ...context().expected, fields: { card_number: '5123817234060000' } } });
    expect(step(creating, answer({ fields: { card_number: '512381******0000' } }), card)).toMatchObject({ kind: 'processing' });
  });

  it('then adopts the row’s own invoice found by the lookup', () => {
    const doubt = step(creating, FOREIGN[0]![1], context());
    expect(step(doubt, answer(), context())).toEqual({ kind: 'processing', invoice: own, attempt: 1, delayMs: 0 });
  });

  it('then creates again when the lookup finds nothing, and at the last attempt ends `error` saying what came back', () => {
    const doubt = step({ kind: 'creating', attempt: 5, delayMs: 0 }, FOREIGN[0]![1], context());
    expect(step(step(creating, FOREIGN[0]![1], context()), NOT_FOUND, context())).toMatchObject({ kind: 'creating', attempt: 3 });
    const end = step(doubt, NOT_FOUND, context());
    expect(end).toMatchObject({ kind: 'done', outcome: 'error', errorCode: 'foreign_reply' });
    expect(end).toMatchObject({ message: expect.stringContaining('the create request was answered with invoice inv-9 of reference_id ref-9') });
    expect(invoiceOf(end)).toBeUndefined();
  });
});

describe.each(['maybe', 'duplicate', 'resume'] as const)('a lookup after %s answered with another reference’s invoice', (why) => {
  const other = answer({ id: 'inv-9', referenceId: 'ref-9' });

  it('looks again, with a backoff, never adopting it', () => {
    const next = step(looking(why, 1), other, context());
    expect(next).toMatchObject({ kind: 'in_doubt', why, lookups: 2, delayMs: 300, foreign: expect.stringContaining('inv-9') });
    expect(commandFor(next).kind).toBe('lookup');
  });

  it('ends `error` after the last lookup, naming what came back, with no invoice', () => {
    const end = step(looking(why, 4), other, context());
    expect(end).toMatchObject({ kind: 'done', outcome: 'error', errorCode: 'foreign_reply' });
    expect(end).toMatchObject({ message: expect.stringContaining('looking up reference_id ref-1 returned invoice inv-9 of reference_id ref-9') });
    expect(invoiceOf(end)).toBeUndefined();
  });

  it('is not a conflict (the reference is not known to be taken), even on a resumed changed row', () => {
    const changed: RowState = { kind: 'in_doubt', attempt: 0, lookups: 0, delayMs: 0, why: 'resume_changed' };
    expect(step(changed, other, context())).toMatchObject({ kind: 'in_doubt' });
  });
});

describe('a process answered with an invoice that is not the row’s', () => {
  it.each(FOREIGN_BY_ID)('%s: reads the row’s own invoice back', (_what, event, said) => {
    const next = step(processing, event, context());
    expect(next).toEqual({ kind: 'process_doubt', invoice: own, attempt: 1, reads: 0, delayMs: 0, foreign: expect.stringContaining(said) });
    expect(commandFor(next)).toEqual({ kind: 'read', invoiceId: 'inv-1', delayMs: 0 });
    expect(toRecord(next, { ref: 'ref-1', fp: 'fp', line: 2 })).toMatchObject({ invoice_id: 'inv-1' });
  });

  it('then settles on what the read says, never processing twice once it moved on', () => {
    const doubt = step(processing, FOREIGN[0]![1], context());
    expect(step(doubt, answer({ status: 'processed' }), context())).toEqual({ kind: 'done', outcome: 'processed', invoice: reply({ status: 'processed' }) });
    expect(step(doubt, answer(), context())).toMatchObject({ kind: 'processing', attempt: 2, invoice: own });
  });
});

describe('a read after an uncertain process answered with an invoice that is not the row’s', () => {
  it.each(FOREIGN_BY_ID)('%s: reads again, then ends `error` naming it, keeping the row’s own invoice', (_what, event, said) => {
    expect(step(reading(0), event, context())).toMatchObject({ kind: 'process_doubt', reads: 1, delayMs: 150, invoice: own, foreign: expect.stringContaining(said) });
    const end = step(reading(4), event, context());
    expect(end).toMatchObject({ kind: 'done', outcome: 'error', errorCode: 'foreign_reply', invoice: own, message: expect.stringContaining(said) });
  });

  it('says what came back earlier when the reads end in failures', () => {
    const doubt = step(reading(3), FOREIGN[0]![1], context());
    expect(step(doubt, NOT_FOUND, context())).toMatchObject({ errorCode: 'process_in_doubt', message: expect.stringContaining('earlier: reading invoice inv-1 returned invoice inv-9') });
  });
});

describe('a poll answered with an invoice that is not the row’s', () => {
  it.each(FOREIGN_BY_ID)('%s: keeps the last known status and polls on', (_what, event) => {
    const next = step(polling, event, context(WAIT));
    expect(next).toMatchObject({ kind: 'submitted', polls: 3, invoice: reply({ status: 'processing' }) });
  });

  it.each(FOREIGN_BY_ID)('%s: when the wait is over, ends `error` naming it, never with its status', (_what, event, said) => {
    const end = step(polling, event, context({ waitUntil: T0 }));
    expect(end).toMatchObject({ kind: 'done', outcome: 'error', errorCode: 'foreign_reply', invoice: reply({ status: 'processing' }) });
    expect(end).toMatchObject({ message: expect.stringContaining(said) });
  });
});

describe('whole rows with mixed-up answers', () => {
  it('never ends with, processes or polls an invoice that is not the row’s', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = seeded(seed);
      const respond = (c: Command): RowEvent => {
        // Another invoice id of the row's own reference is foreign only to a request about a known invoice.
        const foreign = ('invoiceId' in c ? FOREIGN_BY_ID : FOREIGN).map(([, e]) => e);
        if (random() < 0.35) return foreign[Math.floor(random() * foreign.length)]!;
        if (c.kind === 'lookup' && random() < 0.3) return NOT_FOUND;
        const status = c.kind === 'create' ? 'created' : (['created', 'processing', 'processed'] as const)[Math.floor(random() * 3)];
        return answer({ status });
      };
      const ctx = context({ random, ...(seed % 2 ? WAIT : {}) });
      const trace = drive(begin({ kind: 'new' }, ctx), ctx, respond, { maxSteps: 200 });
      expect(trace.finished, `seed ${seed}`).toBe(true);
      for (const c of trace.commands) if ('invoiceId' in c) expect(c.invoiceId, `seed ${seed}`).toBe('inv-1');
      const final = trace.final;
      if (final.kind === 'done' && final.invoice) {
        // A conflict shows the invoice that holds the reference (with what differs); any other end is the row's own.
        const want = final.outcome === 'conflict' ? { referenceId: 'ref-1' } : { id: 'inv-1', referenceId: 'ref-1', amount: '10.50', currency: 'USD', service: 'card_usd', fields: { account: '123456789' } };
        expect(final.invoice, `seed ${seed}`).toMatchObject(want);
        if (final.outcome === 'conflict') expect(trace.commands.some((c) => c.kind === 'process'), `seed ${seed}`).toBe(false);
      }
    }
  });
});
