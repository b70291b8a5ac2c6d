import { setTimeout as sleep } from 'node:timers/promises';
import type { RunControl } from './run-control.js';
import { commandFor, step, throttledBy, type Command, type InvoiceSnapshot, type RowContext, type RowEvent, type RowState, type Throttled } from './machine.js';
import type { RowFailure } from './failure.js';
import type { CreateInvoiceRequest } from './instruction.js';
import { sameRecord, toRecord, type RowRecord } from './record.js';

/** Executes one row's state machine: journal the state, send its command, feed the answer back. */
export interface RowJob {
  line: number;
  referenceId: string;
  fp: string;
  request: CreateInvoiceRequest;
  /** Where the journal left the row (`new` when it has no entry). */
  initial: RowState;
  /** `initial` begun for this run (row-lifecycle.ts's startRow): where the row goes on from. */
  started: RowState;
}

/** The requests a row makes (the API client is one); each answers with the invoice. */
export interface PayoutRequests {
  createInvoice(request: CreateInvoiceRequest): Promise<InvoiceSnapshot>;
  findInvoiceByReference(referenceId: string): Promise<InvoiceSnapshot | undefined>;
  processInvoice(id: string): Promise<InvoiceSnapshot>;
  getInvoice(id: string): Promise<InvoiceSnapshot>;
}

export interface RowRunnerDeps {
  api: PayoutRequests;
  /** A failed request's error as the machine reads it; undefined for an error that is not the API's (thrown on). */
  classify: (error: unknown) => RowFailure | undefined;
  /** Resolves once the record is durable. */
  journal: (record: RowRecord) => Promise<void>;
  control: RunControl;
  context: Omit<RowContext, 'now' | 'referenceId' | 'expected'>;
  onEvent?: (job: RowJob, command: Command, event: RowEvent) => void;
  /**
   * Where each request waits for one of the run's `--concurrency` slots. A slot is held only while
   * a request is on the wire, not while the row's journal line is being flushed, so the API sees
   * `concurrency` requests at all times. Absent: requests go at once.
   */
  slot?: <T>(send: () => Promise<T>) => Promise<T>;
  /**
   * A 429 to a create or process was throttling (the lookup or read after it found it had no effect):
   * slow the whole run down. Absent: its Retry-After is still honoured run-wide (`control.retryAfter`).
   */
  onThrottled?: (throttle: Throttled) => void;
}

export interface RowResult {
  state: RowState;
  /** The run stopped before this row reached an outcome. */
  interrupted: boolean;
}

export async function payRow(job: RowJob, deps: RowRunnerDeps): Promise<RowResult> {
  const ids = { ref: job.referenceId, fp: job.fp, line: job.line };
  // One context per row (the machine only reads it), `now` renewed before each step; built with
  // Object.assign because `{ ...spread, more }` objects are slow to create and to write to.
  const ctx: RowContext = Object.assign({}, deps.context, {
    referenceId: job.referenceId,
    expected: { service: job.request.service, currency: job.request.currency, amount: job.request.amount, fields: job.request.fields },
    now: Date.now(),
  });
  const context = (): RowContext => {
    ctx.now = Date.now();
    return ctx;
  };
  let state = job.started;
  let written = toRecord(job.initial, ids);
  for (;;) {
    const record = toRecord(state, ids);
    if (record && !sameRecord(record, written)) {
      await deps.journal(record); // the intent is durable before its request is sent
      written = record;
    }
    const command = commandFor(state);
    if (command.kind === 'finish') return { state, interrupted: false };
    if (command.kind === 'abort') {
      deps.control.stop(command.errorCode, command.message);
      return { state, interrupted: true };
    }
    if (deps.control.stopping && !finishesAfterStop(state, deps.control)) return { state, interrupted: true };
    if (command.delayMs > 0) {
      try {
        await sleep(command.delayMs, undefined, { signal: deps.control.signal });
      } catch {
        return { state, interrupted: true };
      }
    }
    const event = deps.slot
      ? await deps.slot(() => (deps.control.stopping && !finishesAfterStop(state, deps.control) ? Promise.resolve(undefined) : execute(command, job, deps)))
      : await execute(command, job, deps);
    if (event === undefined) return { state, interrupted: true }; // stopped while waiting for a slot
    deps.control.observe(event);
    deps.onEvent?.(job, command, event);
    state = step(state, event, context());
    const throttled = throttledBy(state);
    if (throttled) {
      if (deps.onThrottled) deps.onThrottled(throttled);
      else if (throttled.retryAfterMs !== undefined) deps.control.retryAfter(throttled.retryAfterMs);
    }
  }
}

/**
 * After a stop, the one request a row in flight still makes: the process request of an invoice
 * just created (or found created), sent at once, once. A rerun would send it anyway; sending it
 * now keeps "finishing the payouts in flight" true. A retry after a failed process is left to the
 * rerun, and so is everything when the API asked us to stop sending (credentials refused, a long
 * Retry-After, the API down) or the stop was forced.
 */
function finishesAfterStop(state: RowState, control: RunControl): boolean {
  const code = control.stopReason?.code;
  return (code === 'signal' || code === 'stopped_part_way') && state.kind === 'processing' && state.attempt === 1 && state.delayMs === 0;
}

async function execute(command: Command, job: RowJob, { api, classify }: RowRunnerDeps): Promise<RowEvent> {
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
      default:
        throw new Error(`no request for command ${command.kind}`);
    }
  } catch (error) {
    const failure = classify(error);
    if (failure) return { kind: 'failed', failure };
    throw error;
  }
}

function found(invoice: InvoiceSnapshot): RowEvent {
  return { kind: 'invoice', invoice: snapshot(invoice) };
}

/** The parts of an answer's invoice a row keeps (an API invoice carries more). */
export function snapshot(invoice: InvoiceSnapshot): InvoiceSnapshot {
  return {
    id: invoice.id,
    status: invoice.status,
    resolution: invoice.resolution,
    fee: invoice.fee,
    service: invoice.service,
    currency: invoice.currency,
    amount: invoice.amount,
    referenceId: invoice.referenceId,
    fields: invoice.fields,
  };
}
