/**
 * What happens to one row in this run, decided without I/O (one plan per row):
 *   invalid  the row failed validation;
 *   settled  an earlier run settled it (its journal entry; no payout is sent, a submitted one may be polled);
 *   held     the repeat-payee guard held it: nothing is sent;
 *   stopped  the run is stopping before the row was started: nothing is sent;
 *   send     this run sends it (`executeRow`).
 * The check (totals, gates, the dry run, `plan`) and the paying pass plan each row with this one
 * function; results rows are built from the plan by `resultRowOf` (result-row.ts).
 */
import type { Fingerprinter } from './fingerprint.js';
import type { PayoutInstruction } from './instruction.js';
import { begin, commandFor, type Pace, type RowState } from './machine.js';
import type { Outcome } from './outcome.js';
import { changesSinceSent } from './paid-change.js';
import { resumeState, type RowRecord } from './record.js';
import type { RowJob } from './execute-row.js';

/** Why a row failed validation, as its results row says it. */
export interface InvalidReason {
  line: number;
  referenceId?: string;
  errorCode: string;
  message: string;
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

/**
 * A row's job as planned: its journal fingerprint is worked out here only for a row the journal
 * holds; a new row's is made when it is sent (`withFingerprint`), so a dry run makes none.
 */
export type PlannedJob = Omit<RowJob, 'fp'> & { fp?: string };

/** A valid row begun for this run: its job, and what the repeat-payee guard is told about it. */
export interface StartedRow {
  payout: PayoutInstruction;
  job: PlannedJob;
  journaled: boolean;
  /** Requests are left to make for it in this run (not settled for good by an earlier run). */
  sends: boolean;
  /** Its journal entry was made for this very instruction (same fingerprint). */
  asIs: boolean;
  /** An earlier run settled it: the outcome it keeps (a submitted row counts, though it may be polled). */
  settled: Outcome | undefined;
}

export type RowPlan =
  | { kind: 'invalid'; reason: InvalidReason; cells: Readonly<Record<string, string>> }
  | { kind: 'settled'; payout: PayoutInstruction; job: PlannedJob; outcome: Outcome; follow: boolean }
  | { kind: 'held'; payout: PayoutInstruction; message: string }
  | { kind: 'stopped'; payout: PayoutInstruction; job: PlannedJob; message?: string | undefined }
  | { kind: 'send'; payout: PayoutInstruction; job: PlannedJob };

/** The journal fingerprint of what a row pays. */
export function rowFingerprint(payout: PayoutInstruction, fingerprint: Fingerprinter): string {
  return fingerprint({ service: payout.service, currency: payout.currency, amount: payout.amount, fields: payout.request.fields });
}

/** The row resumed from its journal entry: fingerprinted (when the journal holds it) and the state it resumes in. */
export function resumeRow(payout: PayoutInstruction, entry: RowRecord | undefined, fingerprint: Fingerprinter): Resumed {
  if (!entry) return { state: { kind: 'new' }, fp: undefined, journaled: false, same: false };
  const fp = rowFingerprint(payout, fingerprint);
  const data = { service: payout.service, currency: payout.currency, amount: payout.amount, fields: payout.request.fields };
  const changes = (record: RowRecord): string[] => changesSinceSent(record, data, fingerprint);
  return { state: resumeState(entry, fp, payout.referenceId, changes), fp, journaled: true, same: entry.fp === fp };
}

/** The outcome an earlier run left a row with, or undefined when this run sends for it. */
export function settledOutcome(state: RowState, process: boolean): Outcome | undefined {
  if (state.kind === 'done') return state.outcome;
  if (state.kind === 'submitted') return 'submitted';
  if (state.kind === 'created' && !process) return 'created';
  return undefined;
}

/** The row from its instruction and where its journal entry leaves it, begun with the run's pace. */
export function startRow(payout: PayoutInstruction, resumed: Resumed, pace: Omit<Pace, 'now'>): StartedRow {
  const initial = resumed.state;
  // Object.assign, not `{ ...pace, now }`: the spread form costs µs a row, seconds on a big resume.
  const started = begin(initial, Object.assign({}, pace, { now: Date.now() }));
  const job = { line: payout.line, referenceId: payout.referenceId, request: payout.request, initial, started, ...(resumed.fp ? { fp: resumed.fp } : {}) };
  return { payout, job, journaled: resumed.journaled, asIs: resumed.same, sends: commandFor(started).kind !== 'finish', settled: settledOutcome(initial, pace.process) };
}

/** The job to execute, fingerprinted under the journal's secret if the plan has no fingerprint yet. */
export function withFingerprint(payout: PayoutInstruction, job: PlannedJob, fingerprint: Fingerprinter): RowJob {
  return job.fp !== undefined ? (job as RowJob) : { ...job, fp: rowFingerprint(payout, fingerprint) };
}

/** What the guard said of a row (undefined: not asked, as for a row the journal settled). */
export interface Verdict {
  held: boolean;
  message?: string;
}

/** The plan of a valid row; `stopping`: the run's stop reason, when it is stopping. */
export function planRow(row: StartedRow, verdict: Verdict | undefined, stopping: { message?: string | undefined } | undefined): RowPlan {
  const { payout, job } = row;
  if (row.settled && !row.sends) return { kind: 'settled', payout, job, outcome: row.settled, follow: false };
  const go: RowToExecute = row.settled ? { kind: 'settled', payout, job, outcome: row.settled, follow: true } : { kind: 'send', payout, job };
  return planAtSend(go, verdict, stopping);
}

/** A row with requests left: to send, or settled by an earlier run and still to poll. */
export type RowToExecute = Extract<RowPlan, { kind: 'send' | 'settled' }>;

/**
 * A row with requests left, as it is about to be executed: held if the guard holds it (the paying
 * pass asks again, under the ledger lock), stopped if the run is stopping, else as planned.
 */
export function planAtSend(plan: RowToExecute, verdict: Verdict | undefined, stopping: { message?: string | undefined } | undefined): RowPlan {
  if (verdict?.held) return { kind: 'held', payout: plan.payout, message: verdict.message ?? 'held by the repeat-payee guard' };
  if (stopping) return { kind: 'stopped', payout: plan.payout, job: plan.job, message: stopping.message };
  return plan;
}

/** The plan of a row that failed validation. */
export function planInvalid(reason: InvalidReason, cells: Readonly<Record<string, string>>): RowPlan {
  return { kind: 'invalid', reason, cells };
}
