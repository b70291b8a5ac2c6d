/**
 * reconcile's `RowEffects` (payout/execute-row.ts). It holds an invoice reader only, so it cannot
 * create or process: any command but a read or poll ends the row with nothing sent. It journals a
 * row only when it moved, and never an `error`: a row it could not read stays as the journal had it.
 */
import { rowFailureOf } from '../api/failure-class.js';
import type { ApiClient } from '../api/client-types.js';
import type { Journal, JournalEntry } from '../journal/journal.js';
import { snapshot, type RowEffects, type RunStop } from '../payout/execute-row.js';
import type { RowEvent } from '../payout/machine.js';
import type { RowRecord } from '../payout/record.js';
import type { Throttle } from '../run/throttle.js';

/** What reconcile learned of a row: whether an answer carried an invoice, the last failure, the last line journaled. */
export type RowNews = { answered: boolean; failure?: string | undefined; written?: RowRecord };

export interface ReadOnlyDeps {
  api: Pick<ApiClient, 'getInvoice'>;
  journal: Journal;
  entries: ReadonlyMap<string, JournalEntry>;
  throttle: Pick<Throttle, 'slot'>;
  stop: RunStop;
  pace: RowEffects['pace'];
}

export function readOnlyEffects(deps: ReadOnlyDeps, news: Map<string, RowNews>): RowEffects {
  const of = (ref: string): RowNews => news.get(ref) ?? news.set(ref, { answered: false }).get(ref)!;
  return {
    pace: deps.pace,
    stop: deps.stop,
    async journal(record) {
      const last = of(record.ref).written ?? deps.entries.get(record.ref);
      if (record.state === 'error' || (last && record.state === last.state && record.status === last.status)) return;
      await deps.journal.append({ ...record });
      of(record.ref).written = record;
    },
    async request(command, job, stillSends) {
      if (command.kind !== 'read' && command.kind !== 'poll') return undefined;
      const event = await deps.throttle.slot(() => (stillSends() ? read(deps.api, command.invoiceId) : Promise.resolve(undefined)));
      const row = of(job.referenceId);
      if (event?.kind === 'invoice') row.answered = true;
      row.failure = event?.kind === 'failed' ? event.failure.message : undefined;
      return event;
    },
    throttled: () => undefined, // no 429 to a read is a duplicate: the client waits them out itself
  };
}

async function read(api: ReadOnlyDeps['api'], invoiceId: string): Promise<RowEvent> {
  try {
    return { kind: 'invoice', invoice: snapshot(await api.getInvoice(invoiceId)) };
  } catch (error) {
    const failure = rowFailureOf(error);
    if (failure) return { kind: 'failed', failure };
    throw error;
  }
}
