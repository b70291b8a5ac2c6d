import { alreadySentConflict } from './conflict-advice.js';
import type { InvoiceSnapshot, RowState } from './machine.js';
import { FINAL_OUTCOMES, type Outcome } from './outcome.js';

/**
 * How a row's state is written to the journal and read back on resume (pure).
 * The journal keeps what a rerun needs to pay each row exactly once; nothing secret.
 */
export interface RowRecord {
  ref: string;
  fp: string;
  line: number;
  /** A machine state (`creating`, `in_doubt`, `created`, `processing`, `process_doubt`, `submitted`) or a final outcome. */
  state: string;
  invoice_id?: string;
  status?: string;
  resolution?: string | null;
  fee?: string | null;
  service?: string | null;
  currency?: string;
  amount?: string;
  attempt?: number;
  error_code?: string;
  error_message?: string;
  /** State `reissued`: the reference `retry-failed` reissued this failed payout under. */
  reissued_as?: string;
}

/** The journal state name of a row state, or undefined for states that are not written. */
export function journalStateOf(state: RowState): string | undefined {
  switch (state.kind) {
    case 'new':
    case 'aborted':
      return undefined;
    case 'done':
      return state.outcome;
    default:
      return state.kind;
  }
}

export function toRecord(state: RowState, ids: { ref: string; fp: string; line: number }): RowRecord | undefined {
  const name = journalStateOf(state);
  if (name === undefined) return undefined;
  // A literal, not `{ ...ids }`: a spread object takes its other keys slowly (µs each, at 3 records a row).
  const record: RowRecord = { ref: ids.ref, fp: ids.fp, line: ids.line, state: name };
  const invoice = 'invoice' in state ? state.invoice : undefined;
  if (invoice) {
    record.invoice_id = invoice.id;
    record.status = invoice.status;
    record.resolution = invoice.resolution;
    record.fee = invoice.fee;
    record.service = invoice.service;
    record.currency = invoice.currency;
    record.amount = invoice.amount;
  }
  if ('attempt' in state) record.attempt = state.attempt;
  if (state.kind === 'done') {
    if (state.errorCode) record.error_code = state.errorCode;
    if (state.message) record.error_message = state.message;
  }
  return record;
}

/** The same journal line, `at` aside: every key holds the same value (an absent key and `undefined` alike). */
export function sameRecord(a: RowRecord, b: RowRecord | undefined): boolean {
  if (!b) return false;
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  for (const key in x) if (x[key] !== y[key]) return false;
  for (const key in y) if (x[key] !== y[key]) return false;
  return true;
}

function invoiceOf(record: RowRecord): InvoiceSnapshot | undefined {
  if (!record.invoice_id) return undefined;
  return {
    id: record.invoice_id,
    status: record.status ?? 'created',
    resolution: record.resolution ?? null,
    fee: record.fee ?? null,
    service: record.service ?? null,
    currency: record.currency ?? '',
    amount: record.amount ?? '',
  };
}

/**
 * The state a row resumes in, given its last journal record and the fingerprint of the row as the
 * file has it now (`changes`: what differs, for a row changed since it was sent). Final and submitted rows cost no request; anything that may exist at the API
 * is looked up by reference before any new create.
 */
export function resumeState(record: RowRecord | undefined, fp: string, referenceId: string, changes?: (record: RowRecord) => string[]): RowState {
  if (!record) return { kind: 'new' };
  const invoice = invoiceOf(record);
  const changed = record.fp !== fp;
  const lookup: RowState = { kind: 'in_doubt', attempt: 0, lookups: 0, delayMs: 0, why: 'resume' };
  switch (record.state) {
    case 'rejected':
    case 'invalid':
      return { kind: 'new' };
    case 'error':
    case 'creating':
    case 'in_doubt':
      return changed ? { ...lookup, why: 'resume_changed' } : lookup;
    case 'unverified':
      // Adopted from a journal that did not say which API its rows went to: only a lookup by
      // reference on this API tells whether the row exists here (and the reply is checked against the row).
      return lookup;
    case 'conflict':
      return changed ? lookup : doneFrom(record, 'conflict', invoice);
  }
  if (changed) {
    return {
      kind: 'done',
      outcome: 'conflict',
      ...(invoice ? { invoice } : {}),
      errorCode: 'changed_since_paid',
      message: alreadySentConflict(referenceId, invoice, changes?.(record) ?? [], { line: record.line }),
    };
  }
  if (!invoice) return lookup;
  switch (record.state) {
    case 'created':
      return { kind: 'created', invoice };
    case 'processing':
    case 'process_doubt':
      return { kind: 'process_doubt', invoice, attempt: 0, reads: 0, delayMs: 0 };
    case 'submitted':
      return { kind: 'submitted', invoice, polls: 0, delayMs: 0 };
    default:
      if (FINAL_OUTCOMES.has(record.state)) return doneFrom(record, record.state as Outcome, invoice);
      return lookup; // a state this version does not know: ask the API
  }
}

function doneFrom(record: RowRecord, outcome: Outcome, invoice: InvoiceSnapshot | undefined): RowState {
  return {
    kind: 'done',
    outcome,
    ...(invoice ? { invoice } : {}),
    ...(record.error_code ? { errorCode: record.error_code } : {}),
    ...(record.error_message ? { message: record.error_message } : {}),
  };
}
