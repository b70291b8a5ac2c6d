/**
 * The paying pass: the plans the check made (plan-spool.ts), batch by batch in file order. Each
 * batch's rows to execute are screened by the repeat-payee guard under the ledger lock (which
 * records the rows about to be sent), then executed under the throttle's slots; a row the check
 * ended is written as it ended. Every row ends in `end`: its results row, counts, ledger void,
 * progress and log line.
 */
import type { ResultsWriter } from '../csv/results.js';
import type { Journal } from '../journal/journal.js';
import type { RepeatVerdict } from '../ledger/repeat-guard.js';
import { DEFAULT_LIMITS } from '../payout/machine.js';
import { executeRow, type RowEffects } from '../payout/execute-row.js';
import type { PayoutInstruction } from '../payout/instruction.js';
import { fingerprinter } from '../payout/fingerprint.js';
import { planAtSend, withFingerprint } from '../payout/plan-row.js';
import { resultRowOf, type ResultRow } from '../payout/result-row.js';
import type { RunControl } from './run-control.js';
import { PlanSpool, type GoPlan, type SpooledPlan } from './plan-spool.js';
import type { RepeatScreen } from '../guards/repeat-screen.js';
import { rowEffects } from './row-effects.js';
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
  writer: ResultsWriter;
  control: RunControl;
  summary: SummaryBuilder;
  repeat: RepeatScreen;
}

export async function payRows(spool: string, opts: RunOptions, env: RunEnv, s: PassState): Promise<void> {
  const throttle = env.throttle ?? new Throttle({ concurrency: opts.concurrency });
  s.control.requestsOnTheWire = () => throttle.active;
  const pace = rowPace(opts);
  const effects = rowEffects({ api: env.api, journal: s.journal, control: s.control, throttle, pace, logger: env.logger, onMoved: () => (s.summary.moved += 1), onRequestFailed: env.onRequestFailed });
  const fingerprint = fingerprinter(s.journal.header.secret);
  const rows = new RowsUnderWay(() => throttle.concurrency * ROWS_PER_SLOT);
  const end = (seq: number, row: ResultRow, settled?: PayoutInstruction, executed = false): void => {
    s.writer.write(seq, row);
    s.summary.addOutcome(row.outcome, row);
    if (executed && row.outcome !== 'not_started') s.summary.sent += 1;
    if (settled) s.repeat.settle(settled, row.outcome);
    env.progress?.row(row.outcome);
    logIfProblem(env.logger, row);
  };
  const pay = async (seq: number, plan: GoPlan['plan']): Promise<void> => {
    let executed: Parameters<typeof resultRowOf>[1];
    try {
      const result = await executeRow(withFingerprint(plan.payout, plan.job, fingerprint), effects);
      executed = { state: result.state, interrupted: result.interrupted, stopMessage: result.interrupted ? s.control.stopReason?.message : undefined };
    } catch (error) {
      // An unexpected error stops the run; the row ends where its journal entry left it.
      s.control.stop('internal_error', `row at line ${plan.payout.line} failed unexpectedly: ${(error as Error).message}`);
      executed = { state: plan.job.initial, interrupted: true, stopMessage: s.control.stopReason?.message };
    }
    end(seq, resultRowOf(plan, executed), plan.payout, true);
  };

  const ahead = (): boolean => s.writer.pending() <= MAX_AHEAD;
  const batches = prefetched(screenedBatches(spool, s.repeat));
  let seq = 0;
  try {
    for await (const batch of batches) {
      await s.writer.ready();
      for (const { plan: spooled, verdict } of batch) {
        if ('done' in spooled) {
          s.journal.release(spooled.done.row.reference_id); // read for the last time: a resume's memory shrinks as it goes
          end(seq++, spooled.done.row, spooled.done.settled?.payout);
          continue;
        }
        s.journal.release(spooled.go.plan.payout.referenceId);
        const plan = planAtSend(spooled.go.plan, verdict, s.control.stopping ? { message: s.control.stopReason?.message } : undefined);
        if (plan.kind !== 'send' && plan.kind !== 'settled') end(seq, resultRowOf(plan));
        else {
          rows.start(pay(seq, plan));
          // Awaited only when full: the next row starts in the same turn, its journal line in the same group commit.
          if (rows.full(ahead)) await rows.room(ahead);
        }
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

/**
 * The spooled plans, each batch's rows to execute screened in one locked ledger step: checked
 * against the ledger as it is now (another run may have paid since the check) and recorded
 * before their journal intent and their create.
 */
async function* screenedBatches(spool: string, repeat: RepeatScreen): AsyncGenerator<{ plan: SpooledPlan; verdict?: RepeatVerdict | undefined }[]> {
  for await (const plans of PlanSpool.read(spool)) {
    const go = plans.flatMap((p) => ('go' in p ? [p.go] : []));
    const verdicts = go.length > 0 ? await repeat.screen(go.map(({ plan, allowRepeat, journaled }) => ({ payout: plan.payout, allowRepeat, journaled, sends: true }))) : [];
    let v = 0;
    yield plans.map((plan) => ('go' in plan ? { plan, verdict: verdicts[v++] } : { plan }));
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

  full(more: () => boolean): boolean {
    return this.#count >= this.#max() || !more();
  }

  async room(more: () => boolean): Promise<void> {
    while (this.full(more)) await new Promise<void>((resolve) => (this.#wake = resolve));
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
async function* prefetched<T>(batches: AsyncGenerator<T>): AsyncGenerator<T> {
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
