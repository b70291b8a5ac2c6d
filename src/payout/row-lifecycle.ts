/**
 * One row's life in a run, from its instruction and journal entry to its results row: fingerprinted,
 * resumed from the journal and begun once here; ended without a request when an earlier run settled
 * it, the repeat-payee guard held it or the run stopped before it; else paid by the runner.
 */
import type { Fingerprinter } from './fingerprint.js';
import type { PayoutInstruction } from './instruction.js';
import { begin, commandFor, type Pace, type RowState } from './machine.js';
import type { Outcome } from './outcome.js';
import { changesSinceSent } from './paid-change.js';
import { resumeState, type RowRecord } from './record.js';
import { heldRow, paidRow, settledRow, validRow, type ResultRow } from './result-row.js';
import type { RunControl } from './run-control.js';
import { payRow, type RowJob, type RowRunnerDeps } from './runner.js';

/** The journal fingerprint of what a row pays. */
export function rowFingerprint(payout: PayoutInstruction, fingerprint: Fingerprinter): string {
  return fingerprint({ service: payout.service, currency: payout.currency, amount: payout.amount, fields: payout.request.fields });
}

/** Where a row's journal entry leaves it. */
export interface Resumed {
  /** `new` when the journal does not hold the row. */
  state: RowState;
  /** The row's journal fingerprint, worked out only for a row the journal holds. */
  fp: string | undefined;
  /** The journal holds this reference (a rerun, never a repeat payee). */
  journaled: boolean;
  /** The entry was made for this very instruction (same fingerprint). */
  same: boolean;
}

/** The row resumed from its journal entry: fingerprinted (when the journal holds it) and the state it resumes in. */
export function resumeRow(payout: PayoutInstruction, entry: RowRecord | undefined, fingerprint: Fingerprinter): Resumed {
  if (!entry) return { state: { kind: 'new' }, fp: undefined, journaled: false, same: false };
  const fp = rowFingerprint(payout, fingerprint);
  const data = { service: payout.service, currency: payout.currency, amount: payout.amount, fields: payout.request.fields };
  const changes = (record: RowRecord): string[] => changesSinceSent(record, data, fingerprint);
  return { state: resumeState(entry, fp, payout.referenceId, changes), fp, journaled: true, same: entry.fp === fp };
}

/** A row an earlier run settled: where its journal entry left it and the outcome it keeps. */
export interface Settled {
  state: RowState;
  outcome: Outcome;
}

/**
 * Before anything is sent (the first pass, a dry run): the row as an earlier run settled it, given
 * the state it resumes in; undefined when this run sends for it. A submitted row counts as settled
 * though it may still be polled.
 */
export function settledIn(state: RowState, process: boolean): Settled | undefined {
  if (state.kind === 'done') return { state, outcome: state.outcome };
  if (state.kind === 'submitted') return { state, outcome: 'submitted' };
  if (state.kind === 'created' && !process) return { state, outcome: 'created' };
  return undefined;
}

/** The results row a dry run writes for a valid row: as an earlier run settled it, held by the repeat-payee guard, or `valid` (to be sent). */
export function plannedRow(payout: PayoutInstruction, settled: Settled | undefined, heldBecause: string | undefined): ResultRow {
  if (settled) return settledRow(payout, settled.state, settled.outcome);
  return heldBecause !== undefined ? heldRow(payout, heldBecause) : validRow(payout, 'valid');
}

/** One row of this run, started: its job for the runner. */
export interface StartedRow {
  payout: PayoutInstruction;
  job: RowJob;
  /** The journal holds this reference (a rerun, never a repeat payee). */
  journaled: boolean;
  /** This run sends requests for it: not settled by an earlier run. */
  sends: boolean;
}

/** The state a row begins this run in: a `created` or `submitted` row moved on as the options say. */
function beginRow(state: RowState, pace: Omit<Pace, 'now'>): RowState {
  // Object.assign, not `{ ...pace, now }`: the spread form costs µs a row, seconds on a big resume.
  return begin(state, Object.assign({}, pace, { now: Date.now() }));
}

/** The row from its instruction and where its journal entry leaves it (`resumeRow`): fingerprinted and begun. */
export function startRow(payout: PayoutInstruction, resumed: Resumed, fingerprint: Fingerprinter, pace: Omit<Pace, 'now'>): StartedRow {
  const fp = resumed.fp ?? rowFingerprint(payout, fingerprint);
  const initial = resumed.state;
  const started = beginRow(initial, pace);
  const job = { line: payout.line, referenceId: payout.referenceId, fp, request: payout.request, initial, started };
  return { payout, job, journaled: resumed.journaled, sends: commandFor(started).kind !== 'finish' };
}

/** How a row of this run ended, and its results row. */
export interface RowEnd {
  row: ResultRow;
  /**
   * `settled`: an earlier run settled it (no request); `held`: the repeat-payee guard held it
   * (nothing sent); `untouched`: the run stopped before starting it; `paid`: this run worked on it.
   */
  how: 'settled' | 'held' | 'untouched' | 'paid';
  /** It reached the API in this run. */
  sent: boolean;
}

/**
 * The end of a row this run sends nothing for: settled by an earlier run, held by the repeat-payee
 * guard (`heldBecause`), or after the stop (`not_started`, or an `error` the rerun resolves when an
 * earlier run sent it). Undefined: the row is to be paid (`payToEnd`).
 */
export function endWithoutRequest(row: StartedRow, heldBecause: string | undefined, control: RunControl): RowEnd | undefined {
  const { payout, job } = row;
  if (!row.sends) return settledAt(payout, job.started);
  if (heldBecause !== undefined) return heldEnd(payout, heldBecause);
  if (control.stopping) return { row: paidRow(payout, job.initial, true, control.stopReason?.message), how: 'untouched', sent: false };
  return undefined;
}

/**
 * The end of a row an earlier run settled, as it resumes (`Settled.state`), when reaching it needs no
 * request; undefined: the row has work left (a submitted row to poll, a created one to process).
 */
export function settledEnd(payout: PayoutInstruction, state: RowState, pace: Omit<Pace, 'now'>): RowEnd | undefined {
  const started = beginRow(state, pace);
  return commandFor(started).kind === 'finish' ? settledAt(payout, started) : undefined;
}

/** The end of a row the repeat-payee guard held: nothing is sent for it. */
export function heldEnd(payout: PayoutInstruction, message: string): RowEnd {
  return { row: heldRow(payout, message), how: 'held', sent: false };
}

function settledAt(payout: PayoutInstruction, started: RowState): RowEnd {
  return { row: paidRow(payout, started, false), how: 'settled', sent: false };
}

/** Pays the row to its end; an unexpected error stops the run, and the row ends where its journal entry left it. */
export async function payToEnd({ payout, job }: StartedRow, deps: RowRunnerDeps): Promise<RowEnd> {
  const { control } = deps;
  let row: ResultRow;
  try {
    const r = await payRow(job, deps);
    row = paidRow(payout, r.state, r.interrupted, r.interrupted ? control.stopReason?.message : undefined);
  } catch (error) {
    control.stop('internal_error', `row at line ${payout.line} failed unexpectedly: ${(error as Error).message}`);
    row = paidRow(payout, job.initial, true, control.stopReason?.message);
  }
  // A row the stop caught before its first request (waiting for a slot) was not sent.
  return { row, how: 'paid', sent: row.outcome !== 'not_started' };
}
