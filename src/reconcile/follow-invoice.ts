import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiClient, Invoice } from '../api/client-types.js';
import type { JournalEntry } from '../journal/journal.js';
import type { BackoffPolicy } from '../payout/backoff.js';
import { DEFAULT_LIMITS, step, type RowContext, type RowState } from '../payout/machine.js';
import { resumeState } from '../payout/record.js';
import { notTheRows, paymentDifferences } from '../payout/reply-check.js';
import { snapshot } from '../payout/execute-row.js';

/** How long to follow an invoice: one read, or polls until final or `waitUntil` (`--wait`). */
export interface FollowPace {
  waitUntil?: number;
  pollBackoff?: BackoffPolicy;
}

/** Where a journaled row stands once its invoice is read, or why the answer was not taken. */
export type Followed = { kind: 'read'; state: RowState; invoice: Invoice } | { kind: 'foreign'; why: string };

/**
 * Reads a journaled invoice, and under `--wait` polls it with the machine's own backoff until its
 * status is final or the time is up. Reconcile never creates or processes: it only reads.
 * An API error is thrown to the caller (the row is then left as it was).
 */
export async function followInvoice(api: ApiClient, entry: JournalEntry, pace: FollowPace): Promise<Followed> {
  let state = startState(entry);
  for (;;) {
    const invoice = await api.getInvoice(String(entry.invoice_id));
    const foreign = notJournaled(invoice, entry);
    // Another invoice's status is no news about this one.
    if (foreign) return { kind: 'foreign', why: foreign };
    state = step(state, { kind: 'invoice', invoice: snapshot(invoice) }, contextOf(entry, invoice, pace));
    if (state.kind !== 'submitted') return { kind: 'read', state, invoice };
    await sleep(state.delayMs);
  }
}

/**
 * The machine's state for a journaled row. A row journaled as created is read like one whose
 * process request went unanswered: another status means someone processed it.
 */
function startState(record: JournalEntry): RowState {
  const state = resumeState(record, record.fp, record.ref);
  return state.kind === 'created' ? { kind: 'process_doubt', invoice: state.invoice, attempt: 0, reads: 0, delayMs: 0 } : state;
}

function contextOf(record: JournalEntry, invoice: Invoice, pace: FollowPace): RowContext {
  const expected = { service: record.service ?? invoice.service ?? '', currency: record.currency ?? invoice.currency, amount: record.amount ?? invoice.amount, fields: {} };
  return {
    referenceId: record.ref,
    expected,
    process: false,
    now: Date.now(),
    ...DEFAULT_LIMITS,
    ...(pace.waitUntil !== undefined ? { waitUntil: pace.waitUntil } : {}),
    ...(pace.pollBackoff ? { pollBackoff: pace.pollBackoff } : {}),
  };
}

/** Why an answer is not the journaled invoice (another id or reference, other payment data), or undefined. */
function notJournaled(invoice: Invoice, entry: JournalEntry): string | undefined {
  const other = notTheRows(invoice, entry.ref, String(entry.invoice_id));
  if (other) return other;
  const { service, currency, amount } = entry;
  if (typeof service !== 'string' || typeof currency !== 'string' || typeof amount !== 'string') return undefined;
  const diffs = paymentDifferences(invoice, { service, currency, amount, fields: {} });
  return diffs.length ? `invoice ${invoice.id} with ${diffs.join(', ')}` : undefined;
}
