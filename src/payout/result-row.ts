import { withCurrencyDigits } from '../money.js';
import type { InvoiceSnapshot, RowState } from './machine.js';
import type { Outcome } from './outcome.js';
import type { RowResult } from './execute-row.js';
import type { PayoutInstruction } from './instruction.js';
import type { InvalidReason, RowPlan } from './plan-row.js';

/** One line of the results CSV. */
export interface ResultRow {
  line: number;
  reference_id: string;
  outcome: Outcome;
  invoice_id?: string;
  status?: string;
  resolution?: string;
  service?: string;
  currency?: string;
  amount?: string;
  fee?: string;
  error_code?: string;
  error_message?: string;
}

/** What a results row repeats of its input row. */
export type RowIdentity = Pick<PayoutInstruction, 'line' | 'referenceId' | 'service' | 'currency' | 'amount'>;

/**
 * The results CSV row of every row: from its plan, or, for a row this run executed, from where
 * the machine left it (`executed`, with the stop's message when the run stopped). A dry run's row
 * to send is `valid`.
 */
export function resultRowOf(plan: RowPlan, executed?: RowResult & { stopMessage?: string | undefined }): ResultRow {
  switch (plan.kind) {
    case 'invalid':
      return invalidRow(plan.reason, plan.cells);
    case 'held':
      return { ...base(plan.payout, 'repeat_payee'), error_code: 'repeat_payee', error_message: plan.message };
    case 'stopped':
      return paidRow(plan.payout, plan.job.initial, true, plan.message);
    case 'settled':
    case 'send':
      if (executed) return paidRow(plan.payout, executed.state, executed.interrupted, executed.stopMessage);
      if (plan.kind === 'send') return base(plan.payout, 'valid');
      return settledRow(plan.payout, plan.job.started, plan.outcome);
  }
}

function invalidRow(result: InvalidReason, cells: Readonly<Record<string, string>>): ResultRow {
  return {
    line: result.line,
    reference_id: result.referenceId ?? cells.reference_id ?? '',
    outcome: 'invalid',
    service: cells.service,
    currency: cells.currency,
    amount: cells.amount,
    error_code: result.errorCode,
    error_message: result.message,
  };
}

/** A row an earlier run settled, as this run begins it: final, or still to poll (shown as it stands). */
function settledRow(payout: PayoutInstruction, started: RowState, outcome: Outcome): ResultRow {
  if (started.kind === 'done') return paidRow(payout, started, false);
  return withInvoice(base(payout, outcome), 'invoice' in started ? started.invoice : undefined, payout.currency);
}

/** The results CSV row of a row the machine worked on; an unfinished row is an `error` a rerun resolves. */
function paidRow(payout: RowIdentity, state: RowState, interrupted: boolean, stopMessage?: string): ResultRow {
  if (state.kind === 'done') {
    const row = withInvoice(base(payout, state.outcome), state.invoice, payout.currency);
    if (state.errorCode) row.error_code = state.errorCode;
    if (state.message) row.error_message = state.message;
    return row;
  }
  // Stopped while polling (--wait): processing was requested; the row is submitted, as without --wait.
  if (interrupted && state.kind === 'submitted') return withInvoice(base(payout, 'submitted'), state.invoice, payout.currency);
  if (interrupted && notSent(state)) {
    const row = base(payout, 'not_started');
    row.error_message = `${stopMessage ? `${stopMessage}; ` : ''}the run stopped before this row was sent (no invoice exists for it); rerun the same command to send it`;
    return row;
  }
  const row = withInvoice(base(payout, 'error'), 'invoice' in state ? state.invoice : undefined, payout.currency);
  row.error_code = state.kind === 'aborted' ? state.errorCode : interrupted ? 'interrupted' : 'unfinished';
  const where = state.kind === 'new' ? 'before this row was sent' : `with this row ${describe(state)}`;
  row.error_message = `${stopMessage ? `${stopMessage}; ` : ''}the run stopped ${where}; rerun the same command to finish it`;
  return row;
}

/** No invoice exists for this row: new, or about to (re)try a create that every earlier attempt or lookup showed had no effect. */
function notSent(state: RowState): boolean {
  return state.kind === 'new' || state.kind === 'creating';
}

function describe(state: RowState): string {
  switch (state.kind) {
    case 'creating':
    case 'in_doubt':
      return 'being created (the rerun looks the reference up first)';
    case 'created':
    case 'processing':
    case 'process_doubt':
      return 'created but not yet processed';
    case 'submitted':
      return 'submitted for processing';
    default:
      return state.kind;
  }
}

/** The API's `0.6` as `0.60`: amounts in the results always carry the currency's digits. */
function money(amount: string | null, currency: string): string | undefined {
  return amount === null ? undefined : withCurrencyDigits(amount, currency);
}

function base(payout: RowIdentity, outcome: Outcome): ResultRow {
  return {
    line: payout.line,
    reference_id: payout.referenceId,
    outcome,
    service: payout.service,
    currency: payout.currency,
    amount: payout.amount,
  };
}

/** The invoice's columns of a results row (its fee with the currency's digits). */
function withInvoice(row: ResultRow, invoice: InvoiceSnapshot | undefined, currency: string): ResultRow {
  if (invoice) {
    row.invoice_id = invoice.id;
    row.status = invoice.status;
    row.resolution = invoice.resolution ?? undefined;
    row.fee = money(invoice.fee, currency);
  }
  return row;
}
