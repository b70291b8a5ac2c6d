/**
 * The paying pass: reads the file again batch by batch, starts each row from its journal entry,
 * screens the batch with the repeat-payee guard, and pays the rows under the throttle's slots;
 * payout/ says how each row ends, this pass writes and counts it.
 */
import { rowFailureOf } from '../api/failure-class.js';
import type { InputFile, InputRecord } from '../csv/input.js';
import type { ResultsWriter } from '../csv/results.js';
import type { Journal } from '../journal/journal.js';
import { DEFAULT_LIMITS } from '../payout/machine.js';
import { invalidRow } from '../payout/result-row.js';
import { endWithoutRequest, payToEnd, startRow, type RowEnd, type StartedRow } from '../payout/row-lifecycle.js';
import type { RunControl } from '../payout/run-control.js';
import type { RowRunnerDeps } from '../payout/runner.js';
import { createValidator, type PayoutInstruction } from '../rules/index.js';
import type { JournaledRows } from './journaled-rows.js';
import type { RepeatScreen, ScreenRow } from './repeat-screen.js';
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

/** How a row is paced this run: the second pass's, and what the first pass starts a settled row with. */
export function rowPace(opts: RunOptions): RowRunnerDeps['context'] {
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

export async function secondPass(file: InputFile, opts: RunOptions, env: RunEnv, s: PassState): Promise<void> {
  const throttle = env.throttle ?? new Throttle({ concurrency: opts.concurrency });
  s.control.requestsOnTheWire = () => throttle.active;
  const deps: RowRunnerDeps = {
    api: env.api,
    classify: rowFailureOf,
    journal: (record) => s.journal.append({ ...record }),
    control: s.control,
    context: rowPace(opts),
    onEvent: (job, command, event) => {
      if (event.kind === 'invoice' && (command.kind === 'create' || command.kind === 'process')) s.control.sent += 1;
      if (event.kind === 'failed') env.onRequestFailed?.();
      if (event.kind === 'failed') env.logger.debug({ ref: job.referenceId, line: job.line, command: command.kind, failure: event.failure }, 'request failed');
    },
    slot: (send) => throttle.slot(send),
    onThrottled: (t) => throttle.throttled(t.retryAfterMs),
  };
  const validator = createValidator(env.rules, s.journaled.any ? { settled: (payout) => s.journaled.settledAsIs(payout) } : {});
  let wake: (() => void) | undefined;
  const settled = (): void => {
    s.control.inFlight -= 1;
    wake?.();
  };
  const done = (seq: number, payout: PayoutInstruction, { row, how, sent }: RowEnd): void => {
    s.writer.write(seq, row);
    s.summary.addOutcome(row.outcome, row);
    if (sent) s.summary.sent += 1;
    if (how !== 'untouched') s.repeat.settle(payout, row.outcome);
    env.progress?.row(row.outcome);
    // A stopped run's untouched rows are counted in the summary, not logged one by one.
    if (how !== 'untouched') logIfProblem(env.logger, row);
  };

  let seq = -1;
  try {
    await readAndPay();
  } catch (error) {
    // E.g. the file changed under us since the first pass: stop starting rows, let the rows in
    // flight reach the journal, then report.
    s.control.stop('stopped_part_way', (error as Error).message);
    throw error;
  } finally {
    while (s.control.inFlight > 0) await new Promise<void>((resolve) => (wake = resolve));
  }

  function start(payout: PayoutInstruction): StartedRow {
    const resumed = s.journaled.resumed(payout);
    s.journal.release(payout.referenceId); // read for the last time: a resume's memory shrinks as it goes
    return startRow(payout, resumed, s.journaled.fingerprint, deps.context);
  }

  /** A batch read, validated, started and screened: its rows can go. */
  async function prepare(records: InputRecord[]) {
    const results = await validator.validateBatch(records, file.layout);
    const rows = results.map((result) => (result.ok ? start(result.payout) : undefined));
    s.journaled.endBatch();
    // One locked ledger step per batch: check the rows against the ledger as it is now and record
    // those about to be sent, before their journal intent and their create.
    const screened: ScreenRow[] = [];
    for (let i = 0; i < records.length; i++) {
      const row = rows[i];
      if (row) screened.push({ payout: row.payout, cells: records[i]!.cells, journaled: row.journaled, sends: row.sends });
    }
    const verdicts = await s.repeat.screen(screened);
    return { records, results, rows, verdicts };
  }

  async function readAndPay(): Promise<void> {
    // The next batch is read, validated and screened while this one's rows go out: the ledger
    // step (a lock and an fsync) took up to 0.2 s on a loaded machine, and the requests on the
    // wire drained by half at each batch boundary while it ran.
    const batches = file.batches()[Symbol.asyncIterator]();
    const prepareNext = () => batches.next().then((read) => (read.done ? undefined : prepare(read.value)));
    let next = prepareNext();
    try {
      for (let batch = await next; batch; batch = await next) {
        next = prepareNext();
        next.catch(() => {}); // awaited at the next turn; a failure meanwhile is not an unhandled rejection
        await pay(batch);
      }
    } finally {
      await batches.return?.();
    }
  }

  async function pay({ records, results, rows, verdicts }: Awaited<ReturnType<typeof prepare>>): Promise<void> {
    let v = 0;
    await s.writer.ready();
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const result = results[i]!;
      seq += 1;
      if (!result.ok) {
        const row = invalidRow(result, record.cells);
        s.writer.write(seq, row);
        s.summary.addOutcome('invalid', row);
        env.progress?.row('invalid');
        continue;
      }
      const row = rows[i]!;
      const verdict = verdicts[v++]!;
      const ended = endWithoutRequest(row, verdict.held ? verdict.message : undefined, s.control);
      if (ended) {
        done(seq, row.payout, ended);
        continue;
      }
      s.control.inFlight += 1;
      const rowSeq = seq;
      void payToEnd(row, deps)
        .then((end) => done(rowSeq, row.payout, end))
        .finally(settled);
      while (s.control.inFlight >= throttle.concurrency * ROWS_PER_SLOT || s.writer.pending() > MAX_AHEAD) {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  }
}
