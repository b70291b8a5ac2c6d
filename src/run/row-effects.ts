/**
 * The paying pass's `RowEffects` (payout/execute-row.ts): journal lines to the run's journal,
 * requests through the API client under the throttle's slots, each answer shown to the run's
 * control (server failures in a row, Retry-After) and counted.
 */
import { rowFailureOf } from '../api/failure-class.js';
import type { Journal } from '../journal/journal.js';
import type { Logger } from '../log.js';
import { snapshot, type RequestCommand, type RowEffects, type RowJob } from '../payout/execute-row.js';
import type { InvoiceSnapshot, RowEvent } from '../payout/machine.js';
import type { RunControl } from './run-control.js';
import type { ApiClient } from '../api/client-types.js';
import type { Throttle } from './throttle.js';

export interface RowEffectsDeps {
  api: ApiClient;
  journal: Journal;
  control: RunControl;
  throttle: Throttle;
  pace: RowEffects['pace'];
  logger: Logger;
  /** Requests that created or processed a payout (credentials refused after one is exit 3, not 2). */
  onMoved(): void;
  onRequestFailed?: (() => void) | undefined;
}

export function rowEffects(deps: RowEffectsDeps): RowEffects {
  const { control, throttle } = deps;
  return {
    pace: deps.pace,
    stop: control,
    journal: (record) => deps.journal.append(record),
    async request(command, job, stillSends) {
      const event = await throttle.slot(() => (stillSends() ? send(deps.api, command, job) : Promise.resolve(undefined)));
      if (event === undefined) return undefined;
      control.observe(event);
      if (event.kind === 'invoice' && (command.kind === 'create' || command.kind === 'process')) deps.onMoved();
      if (event.kind === 'failed') {
        deps.onRequestFailed?.();
        deps.logger.debug({ ref: job.referenceId, line: job.line, command: command.kind, failure: event.failure }, 'request failed');
      }
      return event;
    },
    throttled: (t) => throttle.throttled(t.retryAfterMs),
  };
}

/** The command's request; a failed one is classified (an error that is not the API's is thrown on). */
async function send(api: ApiClient, command: RequestCommand, job: RowJob): Promise<RowEvent> {
  try {
    switch (command.kind) {
      case 'create':
        return found(await api.createInvoice(job.request));
      case 'lookup': {
        const invoice = await api.findInvoiceByReference(job.referenceId);
        return invoice ? found(invoice) : { kind: 'not_found' };
      }
      case 'process':
        return found(await api.processInvoice(command.invoiceId));
      case 'read':
      case 'poll':
        return found(await api.getInvoice(command.invoiceId));
    }
  } catch (error) {
    const failure = rowFailureOf(error);
    if (failure) return { kind: 'failed', failure };
    throw error;
  }
}

function found(invoice: InvoiceSnapshot): RowEvent {
  return { kind: 'invoice', invoice: snapshot(invoice) };
}
