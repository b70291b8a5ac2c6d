/**
 * Executes one row's plan (`send`, or a settled row still to poll): journal the state, have its
 * command's request made, feed the answer back to the machine, until the row ends or the run stops.
 * Every effect goes through one interface (`RowEffects`); the state it runs on is the machine's.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { commandFor, step, throttledBy, type Command, type InvoiceSnapshot, type RowContext, type RowEvent, type RowState, type Throttled } from './machine.js';
import type { CreateInvoiceRequest } from './instruction.js';
import { sameRecord, toRecord, type RowRecord } from './record.js';

export interface RowJob {
  line: number;
  referenceId: string;
  fp: string;
  request: CreateInvoiceRequest;
  /** Where the journal left the row (`new` when it has no entry). */
  initial: RowState;
  /** `initial` begun for this run (plan-row.ts's startRow): where the row goes on from. */
  started: RowState;
}

/** The commands that make a request. */
export type RequestCommand = Exclude<Command, { kind: 'finish' } | { kind: 'abort' }>;

/** Whether the run is stopping, and why; `stop` stops it (what a row's abort command does). */
export interface RunStop {
  readonly stopping: boolean;
  readonly stopReason: { code: string; message: string } | undefined;
  readonly signal: AbortSignal;
  stop(code: string, message: string): void;
}

/** The effects of a row: all I/O and everything the run learns from a row goes through here. */
export interface RowEffects {
  /** The run's pace and the machine's limits (read, never written). */
  readonly pace: Omit<RowContext, 'now' | 'referenceId' | 'expected'>;
  readonly stop: RunStop;
  /** Resolves once the record is durable. */
  journal(record: RowRecord): Promise<void>;
  /**
   * Makes the command's request (waiting for a request slot first) and returns its answer, a failed
   * request classified. `stillSends` is asked once the slot is free: false means the run stopped
   * meanwhile, and nothing is sent (undefined).
   */
  request(command: RequestCommand, job: RowJob, stillSends: () => boolean): Promise<RowEvent | undefined>;
  /** A 429 to a create or process that the lookup or read after it showed was throttling. */
  throttled(throttle: Throttled): void;
}

export interface RowResult {
  state: RowState;
  /** The run stopped before this row reached an outcome. */
  interrupted: boolean;
}

export async function executeRow(job: RowJob, effects: RowEffects): Promise<RowResult> {
  const { stop } = effects;
  const ids = { ref: job.referenceId, fp: job.fp, line: job.line };
  // One context per row (the machine only reads it), `now` renewed before each step; built with
  // Object.assign because `{ ...spread, more }` objects are slow to create and to write to.
  const ctx: RowContext = Object.assign({}, effects.pace, {
    referenceId: job.referenceId,
    expected: job.request, // what the row sends is what every answer is checked against
    now: Date.now(),
  });
  let state = job.started;
  let written = toRecord(job.initial, ids);
  // Asked before each request and again once its slot is free (one closure a row, reading `state` as it is then).
  const goesOn = (): boolean => !stop.stopping || finishesAfterStop(state, stop);
  for (;;) {
    const record = toRecord(state, ids);
    if (record && !sameRecord(record, written)) {
      await effects.journal(record); // the intent is durable before its request is sent
      written = record;
    }
    const command = commandFor(state);
    if (command.kind === 'finish') return { state, interrupted: false };
    if (command.kind === 'abort') {
      stop.stop(command.errorCode, command.message);
      return { state, interrupted: true };
    }
    // No wait, no await: most requests have no delay, and an await is two turns of the queue.
    if (!goesOn() || (command.delayMs > 0 && !(await waited(command.delayMs, stop.signal)))) return { state, interrupted: true };
    const event = await effects.request(command, job, goesOn);
    if (event === undefined) return { state, interrupted: true }; // stopped while waiting for a slot
    ctx.now = Date.now();
    state = step(state, event, ctx);
    const throttled = throttledBy(state);
    if (throttled) effects.throttled(throttled);
  }
}

/** Waits before a retry or a poll; false when the run stopped meanwhile. */
async function waited(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/**
 * After a stop, the one request a row in flight still makes: the process request of an invoice
 * just created (or found created), sent at once, once. A rerun would send it anyway; sending it
 * now keeps "finishing the payouts in flight" true. A retry after a failed process is left to the
 * rerun, and so is everything when the API asked us to stop sending (credentials refused, a long
 * Retry-After, the API down) or the stop was forced.
 */
function finishesAfterStop(state: RowState, stop: RunStop): boolean {
  const code = stop.stopReason?.code;
  return (code === 'signal' || code === 'stopped_part_way') && state.kind === 'processing' && state.attempt === 1 && state.delayMs === 0;
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
