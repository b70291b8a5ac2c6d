/**
 * The paying pass: the rows read again through the run's one batch loop, each batch screened by
 * the repeat-payee guard under the ledger lock (which records the rows about to be sent), each row
 * planned as the pass reaches it and, when it is to send (or a settled row is still to poll),
 * executed under the throttle's slots. Every row ends in `end`: its results row, counts, ledger
 * void, progress and log line.
 */
import type { ResultsWriter } from '../csv/results.js';
import type { Journal } from '../journal/journal.js';
import { DEFAULT_LIMITS } from '../payout/machine.js';
import { executeRow, type RowEffects } from '../payout/execute-row.js';
import type { RowPlan } from '../payout/plan-row.js';
import { resultRowOf } from '../payout/result-row.js';
import type { RunControl } from '../payout/run-control.js';
import type { JournaledRows } from './journaled-rows.js';
import type { RepeatScreen } from './repeat-screen.js';
import { rowEffects } from './row-effects.js';
import { planOf, rowBatches, type BatchRow, type BatchSource } from './row-batches.js';
import type { RunEnv, RunOptions } from './run-options.js';
import { logIfProblem, type SummaryBuilder } from './summary.js';
import { Throttle } from './throttle.js';

/**
 * Rows under way per request slot: a row waiting for its journal lines to reach the disk holds no
 * slot, so there are more rows than slots. Two is enough: at C = 128 on a loaded machine, four kept
 * more requests on the wire (115 of 128 against 98) but no more rows a second, since the process
 * was then the bound and each request only waited longer for its answer to be read.
 */
const ROWS_PER_SLOT = 2;

/** How far the reader may run ahead of the oldest unfinished row. */
const MAX_AHEAD = 10_000;

/** How a row is paced this run. */
export function rowPace(opts: RunOptions): RowEffects['pace'] {
  const waitUntil = opts.waitSeconds !== undefined ? Date.now() + opts.waitSeconds * 1000 : undefined;
  return { process: opts.process, ...(waitUntil !== undefined ? { waitUntil } : {}), ...DEFAULT_LIMITS, ...opts.delays };
}

export interface PassState {
  journal: Journal;
  journaled: JournaledRows;
  writer: ResultsWriter;
  control: RunControl;
  summary: SummaryBuilder;
  repeat: RepeatScreen;
}

export async function payRows(source: Omit<BatchSource, 'screen' | 'pace'>, opts: RunOptions, env: RunEnv, s: PassState): Promise<void> {
  const throttle = env.throttle ?? new Throttle({ concurrency: opts.concurrency });
  s.control.requestsOnTheWire = () => throttle.active;
  const pace = rowPace(opts);
  const effects = rowEffects({ api: env.api, journal: s.journal, control: s.control, throttle, pace, logger: env.logger, onMoved: () => (s.summary.moved += 1), onRequestFailed: env.onRequestFailed });
  const rows = new RowsUnderWay(() => throttle.concurrency * ROWS_PER_SLOT);
  const end = (seq: number, plan: RowPlan, executed?: Parameters<typeof resultRowOf>[1]): void => {
    const row = resultRowOf(plan, executed);
    s.writer.write(seq, row);
    s.summary.addOutcome(row.outcome, row);
    if (executed && row.outcome !== 'not_started') s.summary.sent += 1;
    const ended = plan.kind !== 'invalid' && plan.kind !== 'stopped';
    if (ended && plan.kind !== 'held') s.repeat.settle(plan.payout, row.outcome);
    env.progress?.row(row.outcome);
    // A stopped run's untouched rows are counted in the summary, not logged one by one.
    if (plan.kind !== 'stopped') logIfProblem(env.logger, row);
  };
  const pay = async (seq: number, plan: Extract<RowPlan, { kind: 'send' | 'settled' }>): Promise<void> => {
    try {
      const result = await executeRow(plan.job, effects);
      end(seq, plan, { ...result, stopMessage: result.interrupted ? s.control.stopReason?.message : undefined });
    } catch (error) {
      // An unexpected error stops the run; the row ends where its journal entry left it.
      s.control.stop('internal_error', `row at line ${plan.payout.line} failed unexpectedly: ${(error as Error).message}`);
      end(seq, plan, { state: plan.job.initial, interrupted: true, stopMessage: s.control.stopReason?.message });
    }
  };

  // One locked ledger step per batch: check the rows against the ledger as it is now and record
  // those about to be sent, before their journal intent and their create.
  const batches = prefetched(rowBatches({ ...source, pace, screen: (screened) => s.repeat.screen(screened) }));
  let seq = 0;
  try {
    for await (const batch of batches) {
      await s.writer.ready();
      for (const item of batch) {
        const plan = planOf(item, s.control.stopping ? { message: s.control.stopReason?.message } : undefined);
        if (item.valid) s.journal.release(item.row.payout.referenceId); // read for the last time: a resume's memory shrinks as it goes
        if (plan.kind === 'send' || (plan.kind === 'settled' && plan.follow)) {
          rows.start(pay(seq, plan));
          await rows.room(() => s.writer.pending() <= MAX_AHEAD);
        } else end(seq, plan);
        seq += 1;
      }
    }
  } catch (error) {
    // E.g. the ledger failed: stop starting rows, let the rows in flight reach the journal, then report.
    s.control.stop('stopped_part_way', (error as Error).message);
    throw error;
  } finally {
    await rows.drained();
  }
}

/** Rows started and not finished: the pass waits for room before starting more, and for all at the end. */
class RowsUnderWay {
  #count = 0;
  #wake: (() => void) | undefined;
  readonly #max: () => number;
  constructor(max: () => number) {
    this.#max = max;
  }

  start(row: Promise<void>): void {
    this.#count += 1;
    void row.finally(() => {
      this.#count -= 1;
      this.#wake?.();
    });
  }

  async room(more: () => boolean): Promise<void> {
    while (this.#count >= this.#max() || !more()) await new Promise<void>((resolve) => (this.#wake = resolve));
  }

  async drained(): Promise<void> {
    while (this.#count > 0) await new Promise<void>((resolve) => (this.#wake = resolve));
  }
}

/**
 * The batches, the next one read, validated and screened while this one's rows go out: the ledger
 * step (a lock and an fsync) took up to 0.2 s on a loaded machine, and the requests on the wire
 * drained by half at each batch boundary while it ran.
 */
async function* prefetched(batches: AsyncGenerator<BatchRow[]>): AsyncGenerator<BatchRow[]> {
  let next = batches.next();
  try {
    for (let read = await next; !read.done; read = await next) {
      next = batches.next();
      next.catch(() => {}); // awaited at the next turn; a failure meanwhile is not an unhandled rejection
      yield read.value;
    }
  } finally {
    await batches.return(undefined);
  }
}
