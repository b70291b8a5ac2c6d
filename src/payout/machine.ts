import { credentialsRefusedText } from '../api-advice.js';
import { backoffDelay, DEFAULT_POLL_BACKOFF, type BackoffPolicy } from './backoff.js';
import { alreadySentConflict } from './conflict-advice.js';
import type { RowFailure } from './failure.js';
import { isFinalStatus, outcomeOfStatus, type Outcome } from './outcome.js';
import { notTheRows, payeeDifferences, paymentDifferences, replyMismatch, type ExpectedPayout } from './reply-check.js';

/**
 * What happens to one payout row, as a pure state machine:
 *   commandFor(state)        -> the request to make next (or finish / abort)
 *   step(state, event, ctx)  -> the state after that request's answer
 * No I/O here: the runner executes commands, journals states and feeds answers back.
 *
 *   new --> creating --201--> created --> processing --ok--> submitted | done(final)
 *   creating --409 / 5xx / drop--> in_doubt --lookup: same--> created | submitted | done(final)
 *                                           --lookup: differs--> done(conflict)
 *                                           --lookup: none (after a maybe)--> creating (retry)
 *   processing --5xx / drop / 409--> process_doubt --read: still created--> processing (retry)
 *   creating --429--> in_doubt --lookup: none--> creating (throttled: the run slows down, then retries)
 *   processing --429--> process_doubt --read: still created--> processing (throttled)
 * A 429 to a create or process may answer a duplicate of a request that took effect (the provider
 * says so), so it is looked up or read back before anything is sent again.
 *
 * Every invoice an answer carries is checked against the row before it is believed (reply-check.ts).
 * One that is not the row's (another reference or invoice, other payment data or payee) is never
 * taken as its invoice: after a create it is looked up by reference (in_doubt), after a process it
 * is read back (process_doubt), a read or lookup asks again, a poll keeps the last known status;
 * when that cannot settle it the row ends `error` saying what came back.
 * Adoption (a lookup finding the reference) requires the same payment data and payee, or `conflict`.
 */

export interface InvoiceSnapshot {
  id: string;
  status: string;
  resolution: string | null;
  fee: string | null;
  service: string | null;
  currency: string;
  amount: string;
  /** As the API returned it (absent for an invoice read back from the journal). */
  referenceId?: string | null;
  /** The payee fields as the API returned them, masked where the API masks. Kept in memory, never journaled. */
  fields?: Record<string, string>;
}

/**
 * Why a lookup is needed; `resume_changed`: the row changed since an earlier run may have sent it;
 * `throttled`: the create was answered 429, which the provider also sends for a duplicate request.
 */
export type DoubtReason = 'maybe' | 'duplicate' | 'resume' | 'resume_changed' | 'throttled';

/** A 429 to a create or process that a lookup or read showed was throttling: the run slows down, then the request goes again. */
export interface Throttled {
  /** The Retry-After of that 429, when it had one. */
  retryAfterMs?: number;
}

export type RowState =
  | { kind: 'new' }
  /** `throttled`: sent again after a 429 the lookup showed was throttling. */
  | { kind: 'creating'; attempt: number; delayMs: number; throttled?: Throttled }
  /** `foreign`: the last answer carried an invoice that is not the row's (what came back); `throttle`: the 429 that raised the doubt. */
  | { kind: 'in_doubt'; attempt: number; lookups: number; delayMs: number; why: DoubtReason; foreign?: string; throttle?: Throttled }
  | { kind: 'created'; invoice: InvoiceSnapshot }
  | { kind: 'processing'; invoice: InvoiceSnapshot; attempt: number; delayMs: number; throttled?: Throttled }
  | { kind: 'process_doubt'; invoice: InvoiceSnapshot; attempt: number; reads: number; delayMs: number; foreign?: string; throttle?: Throttled }
  | { kind: 'submitted'; invoice: InvoiceSnapshot; polls: number; delayMs: number }
  | { kind: 'done'; outcome: Outcome; invoice?: InvoiceSnapshot; errorCode?: string; message?: string }
  | { kind: 'aborted'; errorCode: string; message: string };

export type Command =
  | { kind: 'create'; delayMs: number }
  | { kind: 'lookup'; delayMs: number }
  | { kind: 'process'; invoiceId: string; delayMs: number }
  | { kind: 'read'; invoiceId: string; delayMs: number }
  | { kind: 'poll'; invoiceId: string; delayMs: number }
  | { kind: 'finish' }
  | { kind: 'abort'; errorCode: string; message: string };

export type RowEvent =
  | { kind: 'invoice'; invoice: InvoiceSnapshot } // an answer carrying the invoice
  | { kind: 'not_found' } // the reference lookup found nothing
  | { kind: 'failed'; failure: RowFailure }; // the request failed, classified by the runner

export interface RowContext {
  referenceId: string;
  /** What the row pays, payee included: every invoice an answer carries is checked against it. */
  expected: ExpectedPayout;
  /** false with --no-process: stop at `created`. */
  process: boolean;
  /** Epoch ms until which `--wait` polls; undefined without --wait. */
  waitUntil?: number;
  now: number;
  maxCreateAttempts: number;
  maxProcessAttempts: number;
  maxLookups: number;
  random?: () => number;
  /** Waits before a request is retried; default DEFAULT_BACKOFF. */
  backoff?: BackoffPolicy;
  /** Waits between polls under `--wait`; default DEFAULT_POLL_BACKOFF. */
  pollBackoff?: BackoffPolicy;
}

/** What moving a known invoice on reads (no check against the row is made there). */
export type Pace = Pick<RowContext, 'process' | 'waitUntil' | 'now' | 'random' | 'pollBackoff'>;

export const DEFAULT_LIMITS = { maxCreateAttempts: 5, maxProcessAttempts: 5, maxLookups: 5 } as const;

export function commandFor(state: RowState): Command {
  switch (state.kind) {
    case 'new':
      return { kind: 'create', delayMs: 0 };
    case 'creating':
      return { kind: 'create', delayMs: state.delayMs };
    case 'in_doubt':
      return { kind: 'lookup', delayMs: state.delayMs };
    case 'created':
      return { kind: 'finish' }; // `begin` moves it on; reaching here means --no-process
    case 'processing':
      return { kind: 'process', invoiceId: state.invoice.id, delayMs: state.delayMs };
    case 'process_doubt':
      return { kind: 'read', invoiceId: state.invoice.id, delayMs: state.delayMs };
    case 'submitted':
      return { kind: 'poll', invoiceId: state.invoice.id, delayMs: state.delayMs };
    case 'done':
      return { kind: 'finish' };
    case 'aborted':
      return { kind: 'abort', errorCode: state.errorCode, message: state.message };
  }
}

/** The state a row starts this run in: moves a `created` or `submitted` row on as the options say. */
export function begin(state: RowState, ctx: Pace): RowState {
  if (state.kind === 'new') return { kind: 'creating', attempt: 1, delayMs: 0 };
  if (state.kind === 'created') return afterCreated(state.invoice, ctx);
  if (state.kind === 'submitted') return afterStatus(state.invoice, ctx, 0, undefined, true);
  return state;
}

export function step(state: RowState, event: RowEvent, ctx: RowContext): RowState {
  if (state.kind === 'new') return step({ kind: 'creating', attempt: 1, delayMs: 0 }, event, ctx);
  if (state.kind === 'done' || state.kind === 'aborted' || state.kind === 'created') return state; // nothing outstanding
  if (event.kind === 'failed') {
    const failure = event.failure.class;
    if (failure === 'auth') {
      return { kind: 'aborted', errorCode: 'auth_failed', message: credentialsRefusedText(event.failure.message) };
    }
  }
  switch (state.kind) {
    case 'creating':
      return afterCreate(state, event, ctx);
    case 'in_doubt':
      return afterLookup(state, event, ctx);
    case 'processing':
      return afterProcess(state, event, ctx);
    case 'process_doubt':
      return afterRead(state, event, ctx);
    case 'submitted':
      return afterPoll(state, event, ctx);
    default:
      return state; // no request is outstanding in the other states
  }
}

function afterCreate(state: Extract<RowState, { kind: 'creating' }>, event: RowEvent, ctx: RowContext): RowState {
  if (event.kind === 'invoice') {
    const wrong = replyMismatch(event.invoice, ctx.referenceId, ctx.expected);
    if (wrong) {
      // Not the row's invoice; whether the row's was created is unknown: ask by reference.
      return { kind: 'in_doubt', attempt: state.attempt, lookups: 0, delayMs: 0, why: 'maybe', foreign: `the create request was answered with ${wrong}` };
    }
    // `options.auto_process` has the API process at creation: nothing left to ask but its status.
    return event.invoice.status === 'created' ? afterCreated(event.invoice, ctx) : afterStatus(event.invoice, ctx, 0, undefined, true);
  }
  if (event.kind === 'not_found') return failDone('error', 'unexpected_answer', 'the create request got no invoice back; rerun to resolve it');
  const failure = event.failure.class;
  switch (failure) {
    case 'duplicate':
      return { kind: 'in_doubt', attempt: state.attempt, lookups: 0, delayMs: 0, why: 'duplicate' };
    case 'unknown_effect':
      return { kind: 'in_doubt', attempt: state.attempt, lookups: 0, delayMs: 0, why: 'maybe' };
    case 'throttled_or_duplicate':
      // "Too many requests or duplicate request detected": whether it exists is asked before anything is sent again.
      return { kind: 'in_doubt', attempt: state.attempt, lookups: 0, delayMs: 0, why: 'throttled', throttle: throttleOf(event.failure) };
    case 'rejected':
      return failDone('rejected', 'api_rejected', `the API rejected the payout: ${event.failure.apiMessage}`);
    case 'not_found':
      return failDone('error', 'api_not_found', `the API answered 404 to the create request: ${event.failure.message}`);
    default:
      if (state.attempt >= ctx.maxCreateAttempts) {
        return failDone('error', 'create_failed', `create failed ${state.attempt} times (last: ${event.failure.message}); nothing was created; rerun to try again`);
      }
      return { kind: 'creating', attempt: state.attempt + 1, delayMs: delay(state.attempt, event.failure, ctx) };
  }
}

function afterLookup(state: Extract<RowState, { kind: 'in_doubt' }>, event: RowEvent, ctx: RowContext): RowState {
  if (event.kind === 'invoice') {
    const invoice = event.invoice;
    const other = notTheRows(invoice, ctx.referenceId);
    if (other) {
      // The search answered about another reference: it settles nothing; ask again, a bounded number of times.
      const foreign = `looking up reference_id ${ctx.referenceId} returned ${other}`;
      if (state.lookups + 1 >= ctx.maxLookups) {
        return failDone('error', 'foreign_reply', `${foreign}, not this row's invoice; whether this row's invoice exists is unknown: rerun the same command to resolve it`);
      }
      return { ...state, lookups: state.lookups + 1, delayMs: backoffDelay(state.lookups + 1, undefined, ctx.backoff, ctx.random), foreign };
    }
    const payment = paymentDifferences(invoice, ctx.expected);
    const payee = payeeDifferences(ctx.expected.fields, invoice.fields, true);
    if (state.why === 'resume_changed' || payment.length || payee.length) {
      const errorCode = state.why === 'resume_changed' ? 'changed_since_paid' : payment.length ? 'reference_conflict' : 'payee_mismatch';
      const message = alreadySentConflict(ctx.referenceId, invoice, [...payment, ...payee], 'api');
      return { kind: 'done', outcome: 'conflict', invoice, errorCode, message };
    }
    return invoice.status === 'created' ? afterCreated(invoice, ctx) : afterStatus(invoice, ctx, 0);
  }
  const last = state.foreign ? `; the last answer: ${state.foreign}` : '';
  if (event.kind === 'not_found') {
    if (state.why === 'duplicate') {
      if (state.lookups + 1 >= ctx.maxLookups) {
        return failDone('error', 'duplicate_not_found', `the API says reference_id ${ctx.referenceId} exists but does not return it${last}; rerun later`);
      }
      return { ...state, lookups: state.lookups + 1, delayMs: backoffDelay(state.lookups + 1, undefined, ctx.backoff, ctx.random) };
    }
    const fresh = state.why === 'resume' || state.why === 'resume_changed';
    const attempt = fresh ? 1 : state.attempt + 1;
    if (attempt > ctx.maxCreateAttempts) {
      return failDone('error', state.foreign ? 'foreign_reply' : 'create_failed', `create failed ${state.attempt} times and no invoice exists for reference_id ${ctx.referenceId}${last}; rerun to try again`);
    }
    // Nothing under the reference after a 429: it was throttling. The run slows down, then creates again.
    if (state.throttle) return { kind: 'creating', attempt, delayMs: throttledDelay(state.attempt, state.throttle, ctx), throttled: state.throttle };
    return { kind: 'creating', attempt, delayMs: fresh ? 0 : backoffDelay(state.attempt, undefined, ctx.backoff, ctx.random) };
  }
  if (state.lookups + 1 >= ctx.maxLookups) {
    return failDone('error', 'in_doubt', `could not confirm whether the invoice for reference_id ${ctx.referenceId} was created (last: ${event.failure.message})${last}; rerun the same command to resolve it`);
  }
  return { ...state, lookups: state.lookups + 1, delayMs: delay(state.lookups + 1, event.failure, ctx) };
}

function afterProcess(state: Extract<RowState, { kind: 'processing' }>, event: RowEvent, ctx: RowContext): RowState {
  // The doc's own sample answers a successful process with status `created`: processing was accepted.
  if (event.kind === 'invoice') {
    const wrong = replyMismatch(event.invoice, ctx.referenceId, ctx.expected, state.invoice.id);
    if (wrong) {
      // Whether the row's invoice was processed is unknown: read it back, as after a dropped answer.
      const foreign = `the process request for invoice ${state.invoice.id} was answered with ${wrong}`;
      return { kind: 'process_doubt', invoice: state.invoice, attempt: state.attempt, reads: 0, delayMs: 0, foreign };
    }
    return afterStatus(event.invoice, ctx, 0, undefined, true);
  }
  if (event.kind === 'not_found') return failDone('error', 'unexpected_answer', 'the process request got no invoice back; rerun to resolve it', state.invoice);
  const failure = event.failure.class;
  switch (failure) {
    case 'invalid_status':
    case 'unknown_effect':
      return { kind: 'process_doubt', invoice: state.invoice, attempt: state.attempt, reads: 0, delayMs: 0 };
    case 'throttled_or_duplicate':
      // It may have been processed (a duplicate): read the invoice before processing again.
      return { kind: 'process_doubt', invoice: state.invoice, attempt: state.attempt, reads: 0, delayMs: 0, throttle: throttleOf(event.failure) };
    case 'rejected':
    case 'not_found':
      return failDone('error', 'process_refused', `the API refused to process invoice ${state.invoice.id}: ${event.failure.apiMessage}`, state.invoice);
    default:
      if (state.attempt >= ctx.maxProcessAttempts) {
        return failDone('error', 'process_failed_to_send', `process request failed ${state.attempt} times (last: ${event.failure.message}); the invoice is still created; rerun to process it`, state.invoice);
      }
      return { ...state, attempt: state.attempt + 1, delayMs: delay(state.attempt, event.failure, ctx) };
  }
}

function afterRead(state: Extract<RowState, { kind: 'process_doubt' }>, event: RowEvent, ctx: RowContext): RowState {
  if (event.kind === 'invoice') {
    const wrong = replyMismatch(event.invoice, ctx.referenceId, ctx.expected, state.invoice.id);
    if (wrong) {
      const foreign = `reading invoice ${state.invoice.id} returned ${wrong}`;
      if (state.reads + 1 >= ctx.maxLookups) {
        return failDone('error', 'foreign_reply', `${foreign}, not this row's invoice; whether it was processed is unknown: rerun the same command to resolve it`, state.invoice);
      }
      return { ...state, reads: state.reads + 1, delayMs: backoffDelay(state.reads + 1, undefined, ctx.backoff, ctx.random), foreign };
    }
    if (event.invoice.status !== 'created') return afterStatus(event.invoice, ctx, 0, undefined, true);
    if (!ctx.process) return { kind: 'done', outcome: 'created', invoice: event.invoice };
    if (state.attempt >= ctx.maxProcessAttempts) {
      return failDone('error', 'process_failed_to_send', `invoice ${state.invoice.id} is still created after ${state.attempt} process requests; rerun to process it`, event.invoice);
    }
    // Still created after a 429: it was throttling. The run slows down, then processes again.
    if (state.throttle) return { kind: 'processing', invoice: event.invoice, attempt: state.attempt + 1, delayMs: throttledDelay(state.attempt, state.throttle, ctx), throttled: state.throttle };
    return { kind: 'processing', invoice: event.invoice, attempt: state.attempt + 1, delayMs: backoffDelay(state.attempt, undefined, ctx.backoff, ctx.random) };
  }
  if (event.kind === 'not_found' || state.reads + 1 >= ctx.maxLookups) {
    const why = event.kind === 'failed' ? ` (last: ${event.failure.message})` : '';
    const last = state.foreign ? `; earlier: ${state.foreign}` : '';
    return failDone('error', 'process_in_doubt', `could not read invoice ${state.invoice.id} after a process request${why}${last}; rerun the same command to resolve it`, state.invoice);
  }
  return { ...state, reads: state.reads + 1, delayMs: delay(state.reads + 1, event.failure, ctx) };
}

function afterPoll(state: Extract<RowState, { kind: 'submitted' }>, event: RowEvent, ctx: RowContext): RowState {
  if (event.kind === 'invoice') {
    const wrong = replyMismatch(event.invoice, ctx.referenceId, ctx.expected, state.invoice.id);
    if (!wrong) return afterStatus(event.invoice, ctx, state.polls + 1, undefined, true);
    // Keep the last known status and poll on; if the wait is over, what came back is the last word.
    const next = afterStatus(state.invoice, ctx, state.polls + 1, undefined, true);
    if (next.kind !== 'done') return next;
    return failDone('error', 'foreign_reply', `polling invoice ${state.invoice.id} returned ${wrong}, not this row's invoice; its last known status is ${state.invoice.status}: rerun the same command to resolve it`, state.invoice);
  }
  const retryAfterMs = event.kind === 'failed' ? event.failure.retryAfterMs : undefined;
  return afterStatus(state.invoice, ctx, state.polls + 1, retryAfterMs, true);
}

function afterCreated(invoice: InvoiceSnapshot, ctx: Pace): RowState {
  if (!ctx.process) return { kind: 'done', outcome: 'created', invoice };
  return { kind: 'processing', invoice, attempt: 1, delayMs: 0 };
}

/** After processing was requested (or found past `created`): final, keep polling, or submitted. */
function afterStatus(invoice: InvoiceSnapshot, ctx: Pace, polls: number, retryAfterMs?: number, requested = false): RowState {
  if (isFinalStatus(invoice.status)) return { kind: 'done', outcome: outcomeOfStatus(invoice.status), invoice };
  if (!requested && invoice.status === 'created') return afterCreated(invoice, ctx);
  if (ctx.waitUntil !== undefined && ctx.now < ctx.waitUntil) {
    const wanted = backoffDelay(polls + 1, retryAfterMs, ctx.pollBackoff ?? DEFAULT_POLL_BACKOFF, ctx.random);
    return { kind: 'submitted', invoice, polls, delayMs: Math.max(0, Math.min(wanted, ctx.waitUntil - ctx.now)) };
  }
  return { kind: 'done', outcome: 'submitted', invoice };
}

function throttleOf(failure: RowFailure): Throttled {
  return failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {};
}

/** After a 429 shown to be throttling: its Retry-After, else the backoff. */
function throttledDelay(attempt: number, throttle: Throttled, ctx: RowContext): number {
  return backoffDelay(attempt, throttle.retryAfterMs, ctx.backoff, ctx.random);
}

/** The 429 a retry follows, when the lookup or read before it showed the 429 was throttling. */
export function throttledBy(state: RowState): Throttled | undefined {
  return state.kind === 'creating' || state.kind === 'processing' ? state.throttled : undefined;
}

function delay(attempt: number, failure: RowFailure, ctx: RowContext): number {
  return backoffDelay(attempt, failure.retryAfterMs, ctx.backoff, ctx.random);
}

function failDone(outcome: Outcome, errorCode: string, message: string, invoice?: InvoiceSnapshot): RowState {
  return invoice ? { kind: 'done', outcome, errorCode, message, invoice } : { kind: 'done', outcome, errorCode, message };
}
