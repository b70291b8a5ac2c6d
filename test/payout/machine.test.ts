import { describe, expect, it } from 'vitest';
import { begin, commandFor, step, type RowState } from '../../src/payout/machine.js';
import {
  CREATE,
  LOOKUP,
  NOT_FOUND,
  PROCESS,
  READ,
  T0,
  answer,
  context,
  failed,
  failureAt,
  failuresAt,
  httpError,
  reply,
} from './machine-helpers.js';

const inv = reply();
const WAIT = { waitUntil: T0 + 60_000 };
const MAYBE = ['500 maybe', '502 maybe', '503 maybe', 'timeout', 'network maybe', 'bad_response'];
const NO_EFFECT = ['500 none', '502 none', '503 none', 'network none'];
const FINAL: [string, string][] = [
  ['processed', 'processed'],
  ['partially_processed', 'partial'],
  ['process_failed', 'failed'],
  ['expired', 'failed'],
  ['terminated', 'failed'],
];
const NOT_FINAL = ['processing', 'process_pending', 'process_error', 'submitted', 'on_hold_by_some_new_rule'];

describe('commandFor', () => {
  it.each<[RowState, object]>([
    [{ kind: 'new' }, { kind: 'create', delayMs: 0 }],
    [{ kind: 'creating', attempt: 2, delayMs: 300 }, { kind: 'create', delayMs: 300 }],
    [{ kind: 'in_doubt', attempt: 1, lookups: 1, delayMs: 40, why: 'maybe' }, { kind: 'lookup', delayMs: 40 }],
    [{ kind: 'created', invoice: inv }, { kind: 'finish' }],
    [{ kind: 'processing', invoice: inv, attempt: 1, delayMs: 5 }, { kind: 'process', invoiceId: 'inv-1', delayMs: 5 }],
    [{ kind: 'process_doubt', invoice: inv, attempt: 1, reads: 0, delayMs: 6 }, { kind: 'read', invoiceId: 'inv-1', delayMs: 6 }],
    [{ kind: 'submitted', invoice: inv, polls: 0, delayMs: 7 }, { kind: 'poll', invoiceId: 'inv-1', delayMs: 7 }],
    [{ kind: 'done', outcome: 'processed', invoice: inv }, { kind: 'finish' }],
    [{ kind: 'aborted', errorCode: 'auth_failed', message: 'no' }, { kind: 'abort', errorCode: 'auth_failed', message: 'no' }],
  ])('%o -> %o', (state, command) => {
    expect(commandFor(state)).toEqual(command);
  });
});

describe('begin', () => {
  it('starts a new row with its first create', () => {
    expect(begin({ kind: 'new' }, context())).toEqual({ kind: 'creating', attempt: 1, delayMs: 0 });
  });

  it('processes a created row, or leaves it created with --no-process', () => {
    expect(begin({ kind: 'created', invoice: inv }, context())).toEqual({ kind: 'processing', invoice: inv, attempt: 1, delayMs: 0 });
    expect(begin({ kind: 'created', invoice: inv }, context({ process: false }))).toEqual({ kind: 'done', outcome: 'created', invoice: inv });
  });

  it('finishes a submitted row without a request, or polls it with --wait', () => {
    const submitted: RowState = { kind: 'submitted', invoice: reply({ status: 'processing' }), polls: 3, delayMs: 0 };
    expect(commandFor(begin(submitted, context()))).toEqual({ kind: 'finish' });
    expect(commandFor(begin(submitted, context(WAIT)))).toMatchObject({ kind: 'poll', invoiceId: 'inv-1' });
  });

  it('does not process again a submitted row whose last known status is still created', () => {
    const submitted: RowState = { kind: 'submitted', invoice: reply({ status: 'created' }), polls: 0, delayMs: 0 };
    expect(commandFor(begin(submitted, context())).kind).toBe('finish');
  });

  it.each<RowState>([
    { kind: 'in_doubt', attempt: 0, lookups: 0, delayMs: 0, why: 'resume' },
    { kind: 'process_doubt', invoice: inv, attempt: 1, reads: 0, delayMs: 0 },
    { kind: 'done', outcome: 'failed', invoice: inv },
  ])('leaves a $kind row as it is', (state) => {
    expect(begin(state, context())).toBe(state);
  });
});

describe('creating', () => {
  const creating = (attempt = 1): RowState => ({ kind: 'creating', attempt, delayMs: 0 });

  it('moves a created invoice on to processing', () => {
    expect(step(creating(), answer(), context())).toEqual({ kind: 'processing', invoice: inv, attempt: 1, delayMs: 0 });
  });

  it('stops at created with --no-process', () => {
    const next = step(creating(), answer(), context({ process: false }));
    expect(next).toEqual({ kind: 'done', outcome: 'created', invoice: inv });
    expect(commandFor(next)).toEqual({ kind: 'finish' });
  });

  const expected: Record<string, object> = {
    '401': { kind: 'aborted', errorCode: 'auth_failed' },
    '403': { kind: 'aborted', errorCode: 'auth_failed' },
    '409': { kind: 'in_doubt', why: 'duplicate', attempt: 1, lookups: 0, delayMs: 0 },
    '400': { kind: 'done', outcome: 'rejected', errorCode: 'api_rejected', message: expect.stringContaining('Bad reference') },
    '422': { kind: 'done', outcome: 'rejected', message: expect.stringContaining('amount: This value should be greater than 0.') },
    '404': { kind: 'done', outcome: 'error', errorCode: 'api_not_found' },
    // "Too many requests or duplicate request detected": looked up before anything is sent again.
    '429': { kind: 'in_doubt', why: 'throttled', attempt: 1, lookups: 0, delayMs: 0, throttle: { retryAfterMs: 7_000 } },
    ...Object.fromEntries(MAYBE.map((n) => [n, { kind: 'in_doubt', why: 'maybe', attempt: 1, lookups: 0, delayMs: 0 }])),
    ...Object.fromEntries(NO_EFFECT.map((n) => [n, { kind: 'creating', attempt: 2, delayMs: 150 }])),
  };

  it.each(failuresAt(CREATE).map((f) => [f.name, f.error] as const))('on %s', (name, error) => {
    expect(step(creating(), failed(error), context())).toMatchObject(expected[name] ?? { missing: name });
  });

  it.each(NO_EFFECT)('gives up with error after the last create attempt on %s', (name) => {
    const next = step(creating(5), failed(failureAt(CREATE, name)), context());
    expect(next).toMatchObject({ kind: 'done', outcome: 'error', errorCode: 'create_failed' });
    expect(next).not.toHaveProperty('invoice');
  });

  it.each(['409', '429', ...MAYBE])('still looks the reference up after the last attempt on %s', (name) => {
    expect(step(creating(5), failed(failureAt(CREATE, name)), context())).toMatchObject({ kind: 'in_doubt', attempt: 5 });
  });
});

describe('in_doubt (reference lookup)', () => {
  const doubt = (why: 'maybe' | 'duplicate' | 'resume', lookups = 0, attempt = 1): RowState => ({
    kind: 'in_doubt',
    attempt,
    lookups,
    delayMs: 0,
    why,
  });

  describe.each(['maybe', 'duplicate', 'resume'] as const)('after %s', (why) => {
    it('adopts a created invoice with the same data and processes it', () => {
      expect(step(doubt(why), answer(), context())).toEqual({ kind: 'processing', invoice: inv, attempt: 1, delayMs: 0 });
    });

    it('adopts a created invoice and stops there with --no-process', () => {
      expect(step(doubt(why), answer(), context({ process: false }))).toEqual({ kind: 'done', outcome: 'created', invoice: inv });
    });

    it.each(FINAL)('adopts a %s invoice as %s without processing it', (status, outcome) => {
      const next = step(doubt(why), answer({ status }), context());
      expect(next).toEqual({ kind: 'done', outcome, invoice: reply({ status }) });
      expect(commandFor(next)).toEqual({ kind: 'finish' });
    });

    it.each(NOT_FINAL)('adopts a %s invoice as submitted without processing it', (status) => {
      expect(step(doubt(why), answer({ status }), context())).toMatchObject({ kind: 'done', outcome: 'submitted' });
      expect(step(doubt(why), answer({ status }), context(WAIT))).toMatchObject({ kind: 'submitted', polls: 0 });
    });

    it.each([
      ['service', { service: 'card_eur' }, 'service card_eur'],
      ['currency', { currency: 'EUR' }, 'currency EUR'],
      ['amount', { amount: '10.51' }, 'amount 10.51'],
      ['amount scale', { amount: '105' }, 'amount 105'],
    ])('calls a different %s a conflict and never processes it', (_what, change, said) => {
      const next = step(doubt(why), answer(change), context());
      expect(next).toMatchObject({ kind: 'done', outcome: 'conflict', errorCode: 'reference_conflict' });
      expect(next).toMatchObject({ message: expect.stringContaining(said) });
      expect(next).toMatchObject({ message: expect.stringContaining('ref-1') });
      expect(commandFor(next)).toEqual({ kind: 'finish' });
    });

    it.each(['10.5', '10.50', '10.500'])('adopts amount %s for a row of 10.50', (amount) => {
      expect(step(doubt(why), answer({ amount }), context())).toMatchObject({ kind: 'processing' });
      expect(step(doubt(why), answer({ amount: '10.50' }), context({ expected: { ...context().expected, amount } }))).toMatchObject({
        kind: 'processing',
      });
    });

    it.each(failuresAt(LOOKUP).filter((f) => f.name !== '401' && f.name !== '403'))('retries the lookup on $name', ({ error }) => {
      const next = step(doubt(why, 1), failed(error), context());
      expect(next).toMatchObject({ kind: 'in_doubt', why, lookups: 2, delayMs: error.retryAfterMs ?? 300 });
    });

    it.each(failuresAt(LOOKUP).filter((f) => f.name !== '401' && f.name !== '403'))('gives up on $name after maxLookups', ({ error }) => {
      const next = step(doubt(why, 4), failed(error), context());
      expect(next).toMatchObject({ kind: 'done', outcome: 'error', errorCode: 'in_doubt' });
    });

    it.each(['401', '403'])('stops the run on %s', (name) => {
      expect(step(doubt(why), failed(failureAt(LOOKUP, name)), context())).toMatchObject({ kind: 'aborted', errorCode: 'auth_failed' });
    });
  });

  it('lets the invoice service go unchecked when the API does not say it', () => {
    expect(step(doubt('duplicate'), answer({ service: null }), context())).toMatchObject({ kind: 'processing' });
  });

  it('creates again when nothing was found after a create of unknown effect', () => {
    expect(step(doubt('maybe', 0, 2), NOT_FOUND, context())).toEqual({ kind: 'creating', attempt: 3, delayMs: 300 });
  });

  it('gives up when nothing was found after the last create attempt', () => {
    const next = step(doubt('maybe', 0, 5), NOT_FOUND, context());
    expect(next).toMatchObject({ kind: 'done', outcome: 'error', errorCode: 'create_failed' });
  });

  it('looks again, never creates, when a 409 reference is not found yet', () => {
    expect(step(doubt('duplicate', 0), NOT_FOUND, context())).toMatchObject({ kind: 'in_doubt', why: 'duplicate', lookups: 1 });
    expect(step(doubt('duplicate', 4), NOT_FOUND, context())).toMatchObject({ kind: 'done', outcome: 'error', errorCode: 'duplicate_not_found' });
  });

  it('creates at once when a resumed reference is not found', () => {
    expect(step(doubt('resume', 0, 0), NOT_FOUND, context())).toEqual({ kind: 'creating', attempt: 1, delayMs: 0 });
  });
});

describe('processing', () => {
  const processing = (attempt = 1): RowState => ({ kind: 'processing', invoice: inv, attempt, delayMs: 0 });

  it('takes the documented answer (status still created) as submitted', () => {
    expect(step(processing(), answer(), context())).toEqual({ kind: 'done', outcome: 'submitted', invoice: inv });
  });

  it.each(FINAL)('ends a %s answer as %s', (status, outcome) => {
    expect(step(processing(), answer({ status }), context())).toEqual({ kind: 'done', outcome, invoice: reply({ status }) });
  });

  it.each(NOT_FINAL)('ends a %s answer as submitted, or polls it with --wait', (status) => {
    expect(step(processing(), answer({ status }), context())).toMatchObject({ kind: 'done', outcome: 'submitted' });
    expect(step(processing(), answer({ status }), context(WAIT))).toMatchObject({ kind: 'submitted', polls: 0, delayMs: 188 });
  });

  const expected: Record<string, object> = {
    '401': { kind: 'aborted', errorCode: 'auth_failed' },
    '403': { kind: 'aborted', errorCode: 'auth_failed' },
    '409': { kind: 'process_doubt', attempt: 1, reads: 0, delayMs: 0 },
    '400': { kind: 'done', outcome: 'error', errorCode: 'process_refused', invoice: inv, message: expect.stringContaining('Bad reference') },
    '422': { kind: 'done', outcome: 'error', errorCode: 'process_refused', invoice: inv },
    '404': { kind: 'done', outcome: 'error', errorCode: 'process_refused', invoice: inv },
    '429': { kind: 'process_doubt', attempt: 1, reads: 0, delayMs: 0, throttle: { retryAfterMs: 7_000 } },
    ...Object.fromEntries(MAYBE.map((n) => [n, { kind: 'process_doubt', attempt: 1, reads: 0, delayMs: 0 }])),
    ...Object.fromEntries(NO_EFFECT.map((n) => [n, { kind: 'processing', attempt: 2, delayMs: 150 }])),
  };

  it.each(failuresAt(PROCESS).map((f) => [f.name, f.error] as const))('on %s', (name, error) => {
    expect(step(processing(), failed(error), context())).toMatchObject(expected[name] ?? { missing: name });
  });

  it.each(NO_EFFECT)('gives up with error, invoice kept, after the last process attempt on %s', (name) => {
    const next = step(processing(5), failed(failureAt(PROCESS, name)), context());
    expect(next).toMatchObject({ kind: 'done', outcome: 'error', errorCode: 'process_failed_to_send', invoice: inv });
  });
});

describe('process_doubt (read after an uncertain process)', () => {
  const doubt = (attempt = 1, reads = 0): RowState => ({ kind: 'process_doubt', invoice: inv, attempt, reads, delayMs: 0 });

  it('processes again while the invoice is still created', () => {
    expect(step(doubt(1), answer(), context())).toEqual({ kind: 'processing', invoice: inv, attempt: 2, delayMs: 150 });
  });

  it('after a 429, a read showing the invoice still created means throttling: processes again after its Retry-After, marked throttled', () => {
    const after429: RowState = { kind: 'process_doubt', invoice: inv, attempt: 1, reads: 0, delayMs: 0, throttle: { retryAfterMs: 7_000 } };
    expect(step(after429, answer(), context())).toEqual({ kind: 'processing', invoice: inv, attempt: 2, delayMs: 7_000, throttled: { retryAfterMs: 7_000 } });
  });

  it('after a 429, a read showing the invoice processed means it was a duplicate: no second process', () => {
    const after429: RowState = { kind: 'process_doubt', invoice: inv, attempt: 1, reads: 0, delayMs: 0, throttle: { retryAfterMs: 7_000 } };
    expect(step(after429, answer({ status: 'processed' }), context())).toMatchObject({ kind: 'done', outcome: 'processed' });
  });

  it('gives up once the process attempts are spent', () => {
    expect(step(doubt(5), answer(), context())).toMatchObject({ kind: 'done', outcome: 'error', errorCode: 'process_failed_to_send' });
  });

  it.each(FINAL)('ends a %s invoice as %s', (status, outcome) => {
    expect(step(doubt(), answer({ status }), context())).toEqual({ kind: 'done', outcome, invoice: reply({ status }) });
  });

  it.each(NOT_FINAL)('ends a %s invoice as submitted without another process', (status) => {
    expect(step(doubt(), answer({ status }), context())).toMatchObject({ kind: 'done', outcome: 'submitted' });
    expect(step(doubt(), answer({ status }), context(WAIT))).toMatchObject({ kind: 'submitted' });
  });

  it('ends in error when the invoice cannot be found', () => {
    expect(step(doubt(), NOT_FOUND, context())).toMatchObject({ kind: 'done', outcome: 'error', errorCode: 'process_in_doubt', invoice: inv });
  });

  it.each(failuresAt(READ).filter((f) => f.name !== '401' && f.name !== '403'))('reads again on $name, then gives up', ({ error }) => {
    expect(step(doubt(1, 0), failed(error), context())).toMatchObject({ kind: 'process_doubt', reads: 1, delayMs: error.retryAfterMs ?? 150 });
    expect(step(doubt(1, 4), failed(error), context())).toMatchObject({ kind: 'done', outcome: 'error', errorCode: 'process_in_doubt' });
  });

  it.each(['401', '403'])('stops the run on %s', (name) => {
    expect(step(doubt(), failed(failureAt(READ, name)), context())).toMatchObject({ kind: 'aborted' });
  });
});

describe('submitted (polling with --wait)', () => {
  const polling = (polls = 0): RowState => ({ kind: 'submitted', invoice: reply({ status: 'processing' }), polls, delayMs: 0 });

  it.each(FINAL)('ends a %s poll as %s', (status, outcome) => {
    expect(step(polling(), answer({ status }), context(WAIT))).toEqual({ kind: 'done', outcome, invoice: reply({ status }) });
  });

  it.each(['created', ...NOT_FINAL])('keeps polling a %s invoice with a growing delay', (status) => {
    expect(step(polling(0), answer({ status }), context(WAIT))).toMatchObject({ kind: 'submitted', polls: 1, delayMs: 375 });
    expect(step(polling(3), answer({ status }), context(WAIT))).toMatchObject({ kind: 'submitted', polls: 4, delayMs: 3_000 });
    expect(step(polling(9), answer({ status }), context(WAIT))).toMatchObject({ kind: 'submitted', polls: 10, delayMs: 3_750 });
  });

  it('never waits past the deadline', () => {
    const next = step(polling(9), answer({ status: 'processing' }), context({ waitUntil: T0 + 1_000 }));
    expect(next).toMatchObject({ kind: 'submitted', delayMs: 1_000 });
  });

  it('ends as submitted once the deadline has passed, with the newest status', () => {
    const next = step(polling(), answer({ status: 'process_pending' }), context({ waitUntil: T0 }));
    expect(next).toEqual({ kind: 'done', outcome: 'submitted', invoice: reply({ status: 'process_pending' }) });
  });

  it.each(failuresAt(READ).filter((f) => f.name !== '401' && f.name !== '403'))('keeps polling through $name until the deadline', ({ error }) => {
    expect(step(polling(), failed(error), context(WAIT))).toMatchObject({ kind: 'submitted', polls: 1 });
    expect(step(polling(), failed(error), context({ waitUntil: T0 }))).toMatchObject({ kind: 'done', outcome: 'submitted' });
  });

  it('waits as long as a 429 on a poll asks (within the deadline)', () => {
    const next = step(polling(), failed(httpError(READ, 429, { retryAfterMs: 4_000 })), context(WAIT));
    expect(next).toMatchObject({ kind: 'submitted', delayMs: 4_000 });
  });

  it.each(['401', '403'])('stops the run on %s', (name) => {
    expect(step(polling(), failed(failureAt(READ, name)), context(WAIT))).toMatchObject({ kind: 'aborted' });
  });
});

describe('states with no request outstanding', () => {
  const events = [answer(), answer({ status: 'processed' }), NOT_FOUND, failed(failureAt(CREATE, '500 maybe')), failed(failureAt(CREATE, '409'))];
  it('new behaves as the first create attempt', () => {
    expect(step({ kind: 'new' }, answer(), context())).toEqual(step({ kind: 'creating', attempt: 1, delayMs: 0 }, answer(), context()));
  });
  it.each<RowState>([
    { kind: 'created', invoice: inv },
    { kind: 'done', outcome: 'processed', invoice: inv },
    { kind: 'done', outcome: 'conflict', invoice: reply({ amount: '99' }), errorCode: 'reference_conflict' },
    { kind: 'aborted', errorCode: 'auth_failed', message: 'no' },
  ])('$kind ignores every answer', (state) => {
    for (const event of events) expect(step(state, event, context())).toBe(state);
  });
});
