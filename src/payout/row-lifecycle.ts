/**
 * One row's life in a run, from its instruction and journal entry to its results row: fingerprinted,
 * resumed from the journal and begun once here; ended without a request when an earlier run settled
 * it, the repeat-payee guard held it or the run stopped before it; else paid by the runner.
 */
import type { Fingerprinter } from './fingerprint.js';
import type { PayoutInstruction } from './instruction.js';
import { begin, commandFor, type Pace, type RowState } from './machine.js';
import type { Outcome } from './outcome.js';
import { resumeState, type RowRecord } from './record.js';
import { heldRow, paidRow, settledRow, validRow, type ResultRow } from './result-row.js';
import type { RunControl } from './run-control.js';
import { payRow, type RowJob, type RowRunnerDeps } from './runner.js';

/** The journal fingerprint of what a row pays. */
export function rowFingerprint(payout: PayoutInstruction, fingerprint: Fingerprinter): string {
  return fingerprint({ service: payout.service, currency: payout.currency, amount: payout.amount, fields: payout.request.fields });
}

/** A row an earlier run settled: where its journal entry left it and the outcome it keeps. */
export interface Settled {
  state: RowState;
  outcome: Outcome;
}

/**
 * Before anything is sent (the first pass, a dry run): the row as an earlier run settled it, or
 * undefined when this run sends for it. A submitted row counts as settled though it may still be polled.
 */
export function settledBefore(payout: PayoutInstruction, entry: RowRecord | undefined, fingerprint: Fingerprinter, process: boolean): Settled | undefined {
  if (!entry) return undefined;
  return settledIn(resumeState(entry, rowFingerprint(payout, fingerprint), payout.referenceId), process);
}

/** The same, from the state the row resumes in. */
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

/**
 * The row from its instruction and its journal entry: fingerprinted, resumed, and begun (a `created`
 * or `submitted` row moved on as the options say).
 */
export function startRow(payout: PayoutInstruction, entry: RowRecord | undefined, fingerprint: Fingerprinter, pace: Omit<Pace, 'now'>): StartedRow {
  const fp = rowFingerprint(payout, fingerprint);
  const initial: RowState = entry ? resumeState(entry, fp, payout.referenceId) : { kind: 'new' };
  // Object.assign, not `{ ...pace, now }`: the spread form costs µs a row, seconds on a big resume.
  const started = begin(initial, Object.assign({}, pace, { now: Date.now() }));
  const job = { line: payout.line, referenceId: payout.referenceId, fp, request: payout.request, initial, started };
  return { payout, job, journaled: entry !== undefined, sends: commandFor(started).kind !== 'finish' };
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
  if (!row.sends) return { row: paidRow(payout, job.started, false), how: 'settled', sent: false };
  if (heldBecause !== undefined) return { row: heldRow(payout, heldBecause), how: 'held', sent: false };
  if (control.stopping) return { row: paidRow(payout, job.initial, true, control.stopReason?.message), how: 'untouched', sent: false };
  return undefined;
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
