import pLimit, { type LimitFunction } from 'p-limit';
import type { ApiClient } from '../api/types.js';
import { openInput, type InputFile } from '../csv/input.js';
import { createResultsWriter, type ResultsWriter } from '../csv/results.js';
import { AbortedError, UsageError } from '../errors.js';
import { acquireLock } from '../journal/lock.js';
import { openJournal, type Journal } from '../journal/journal.js';
import type { Logger } from '../log.js';
import { fingerprint } from '../payout/fingerprint.js';
import { begin, commandFor, DEFAULT_LIMITS } from '../payout/machine.js';
import { resumeState, type RowRecord } from '../payout/record.js';
import { payRow, type RowJob, type RowRunnerDeps } from '../payout/runner.js';
import type { RulesBook } from '../rules/index.js';
import { createValidator, type PayoutInstruction } from '../rules/index.js';
import { RunControl } from './control.js';
import { checkGates, type Gates } from './gates.js';
import { defaultPaths } from './paths.js';
import { silentProgress, type Progress } from './progress.js';
import { invalidRow, paidRow, validRow } from './result-row.js';
import { SummaryBuilder, type CurrencyTotals, type RunSummary } from './summary.js';
import type { Throttle } from './throttle.js';

export interface RunOptions {
  input: string;
  out?: string;
  journal?: string;
  concurrency: number;
  dryRun: boolean;
  /** false with --no-process. */
  process: boolean;
  waitSeconds?: number;
  delimiter?: ',' | ';';
  live: boolean;
  gates: Gates;
  /** fsync the journal (default true; the benchmark measures the cost). */
  durable?: boolean;
}

export interface RunEnv {
  api: ApiClient;
  rules: RulesBook;
  logger: Logger;
  progress?: Progress;
  control?: RunControl;
  throttle?: Throttle;
  /** For the logs: where the requests go. */
  apiHost?: string;
  /** Asked before a live run pays anything; false cancels (exit 2). */
  confirm?: (totals: CurrencyTotals[]) => Promise<boolean>;
}

/** How far the reader may run ahead of the oldest unfinished row. */
const MAX_AHEAD = 10_000;

/** rows -> validate -> pay under a bounded queue -> results, journaled. */
export async function runPayouts(opts: RunOptions, env: RunEnv): Promise<RunSummary> {
  const file = await openInput(opts.input, opts.delimiter ? { delimiter: opts.delimiter } : {});
  const paths = defaultPaths(opts.input);
  const resultsPath = opts.out ?? paths.results;
  const journalPath = opts.journal ?? paths.journal;
  const log = env.logger;
  if (file.ignoredColumns.length) {
    log.warn({ columns: file.ignoredColumns }, `ignoring columns the tool does not know: ${file.ignoredColumns.join(', ')}`);
  }
  if (!opts.dryRun && !opts.live && !(await env.rules.testMode())) {
    throw new UsageError('live_keys', 'these are live keys (the API reports test_mode: false): nothing was sent. Add --live to pay for real (try --dry-run first)');
  }

  const summary = new SummaryBuilder();
  if (opts.dryRun) {
    const writer = await createResultsWriter(resultsPath);
    await firstPass(file, env, summary, writer);
    await writer.close();
    return finish(summary, { input: opts.input, results: resultsPath, dryRun: true, file, log });
  }

  const lock = await acquireLock(journalPath, { command: 'run' });
  try {
    const control = env.control ?? new RunControl();
    const { validRows, rows } = await firstPass(file, env, summary);
    checkGates(opts.gates, validRows, summary.requestedTotals);
    if (env.confirm && !(await env.confirm(summary.totals()))) {
      throw new UsageError('not_confirmed', 'not confirmed: nothing was sent');
    }
    log.info({ input: opts.input, rows, valid: validRows, concurrency: opts.concurrency, api: env.apiHost, journal: journalPath }, 'run started');
    env.progress?.begin(rows);
    const journal = await openJournal(journalPath, { durable: opts.durable ?? true, onWarning: (m) => log.warn(m) });
    const writer = await createResultsWriter(resultsPath);
    try {
      await secondPass(file, opts, env, { journal, writer, control, summary });
    } catch (error) {
      await writer.abort();
      throw new AbortedError(
        'stopped_part_way',
        `the run stopped part-way: ${(error as Error).message}. What was sent is journaled: fix the cause and rerun the same command`,
      );
    } finally {
      await journal.close();
    }
    await writer.close();
    return finish(summary, { input: opts.input, results: resultsPath, journal: journalPath, dryRun: false, file, log, control });
  } finally {
    await lock.release();
  }
}

/** Validates every row before anything is sent: totals for the gates, file-level errors (exit 2). */
async function firstPass(file: InputFile, env: RunEnv, summary: SummaryBuilder, writer?: ResultsWriter): Promise<{ validRows: number; rows: number }> {
  const validator = createValidator(env.rules);
  let seq = 0;
  let validRows = 0;
  // Batches, not rows: one await per batch of what the parser has buffered, not two per row.
  for await (const records of file.batches()) {
    const results = await validator.validateBatch(records, file.layout);
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const result = results[i]!;
      if (result.ok) {
        validRows += 1;
        summary.addValid(result.payout.currency, result.payout.amount);
        if (writer) {
          writer.write(seq, validRow(result.payout, 'valid'));
          summary.addOutcome('valid', result.payout);
        }
      } else {
        summary.addInvalid({ line: result.line, reference_id: result.referenceId ?? record.cells.reference_id ?? '', column: result.column, error_code: result.errorCode, message: result.message });
        if (writer) {
          const row = invalidRow(result, record.cells);
          writer.write(seq, row);
          summary.addOutcome('invalid', row);
        }
      }
      seq += 1;
    }
    await writer?.ready(); // the results file keeps up, so memory stays flat in the file's length
  }
  return { validRows, rows: seq };
}

interface PassState {
  journal: Journal;
  writer: ResultsWriter;
  control: RunControl;
  summary: SummaryBuilder;
}

async function secondPass(file: InputFile, opts: RunOptions, env: RunEnv, s: PassState): Promise<void> {
  const limit: LimitFunction = pLimit(opts.concurrency);
  env.throttle?.attach(limit);
  const waitUntil = opts.waitSeconds !== undefined ? Date.now() + opts.waitSeconds * 1000 : undefined;
  const deps: RowRunnerDeps = {
    api: env.api,
    journal: (record) => s.journal.append({ ...record }),
    control: s.control,
    context: { process: opts.process, ...(waitUntil !== undefined ? { waitUntil } : {}), ...DEFAULT_LIMITS },
    onEvent: (job, command, event) => {
      if (event.kind === 'failed') env.logger.debug({ ref: job.referenceId, line: job.line, command: command.kind, err: event.error }, 'request failed');
    },
    slot: (send) => limit(send),
  };
  const validator = createValidator(env.rules);
  let inflight = 0;
  let wake: (() => void) | undefined;
  const settled = (): void => {
    inflight -= 1;
    wake?.();
  };
  const done = (seq: number, payout: PayoutInstruction, row: ReturnType<typeof paidRow>): void => {
    s.writer.write(seq, row);
    s.summary.addOutcome(row.outcome as Parameters<SummaryBuilder['addOutcome']>[0], row);
    env.progress?.row(row.outcome as Parameters<Progress['row']>[0]);
    if (!['processed', 'submitted', 'created'].includes(row.outcome)) {
      env.logger.warn({ ref: payout.referenceId, line: payout.line, outcome: row.outcome, error_code: row.error_code, invoice_id: row.invoice_id }, row.error_message ?? `row ${row.outcome}`);
    }
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
    while (inflight > 0) await new Promise<void>((resolve) => (wake = resolve));
  }

  async function readAndPay(): Promise<void> {
    for await (const records of file.batches()) {
      const results = await validator.validateBatch(records, file.layout);
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
        const payout = result.payout;
        const fp = fingerprint({ service: payout.service, currency: payout.currency, amount: payout.amount, fields: payout.request.fields });
        const initial = resumeState(s.journal.entries.get(payout.referenceId) as RowRecord | undefined, fp, payout.referenceId);
        const job: RowJob = { line: payout.line, referenceId: payout.referenceId, fp, request: payout.request, initial };
        // Object.assign, not `{ ...deps.context, … }`: the spread form costs µs a row, seconds on a big resume.
        const ctx = Object.assign({}, deps.context, { referenceId: job.referenceId, expected: payout, now: Date.now() });
        const started = begin(initial, ctx);
        if (commandFor(started).kind === 'finish') {
          done(seq, payout, paidRow(payout, started, false)); // settled in an earlier run: no request
          continue;
        }
        if (s.control.stopping) {
          done(seq, payout, paidRow(payout, initial, true, s.control.stopReason?.message));
          continue;
        }
        inflight += 1;
        const rowSeq = seq;
        void payRow(job, deps)
          .then(
            (r) => done(rowSeq, payout, paidRow(payout, r.state, r.interrupted, r.interrupted ? s.control.stopReason?.message : undefined)),
            (error: unknown) => {
              s.control.stop('internal_error', `row at line ${payout.line} failed unexpectedly: ${(error as Error).message}`);
              done(rowSeq, payout, paidRow(payout, initial, true, s.control.stopReason?.message));
            },
          )
          .finally(settled);
        while (inflight >= limit.concurrency * 2 || s.writer.pending() > MAX_AHEAD) {
          await new Promise<void>((resolve) => (wake = resolve));
        }
      }
    }
  }
}

function finish(
  summary: SummaryBuilder,
  ctx: { input: string; results: string; journal?: string; dryRun: boolean; file: InputFile; log: Logger; control?: RunControl },
): RunSummary {
  const stopped = ctx.control?.stopReason;
  const out: RunSummary = {
    input: ctx.input,
    results: ctx.results,
    ...(ctx.journal ? { journal: ctx.journal } : {}),
    dryRun: ctx.dryRun,
    rows: summary.rows,
    counts: summary.counts,
    totals: summary.totals(),
    exitCode: summary.exitCode(stopped !== undefined),
    ...(stopped ? { stopped } : {}),
    invalid: summary.invalid,
    ignoredColumns: ctx.file.ignoredColumns,
  };
  const counts = Object.fromEntries(Object.entries(out.counts).filter(([, n]) => n > 0));
  ctx.log.info({ counts, totals: out.totals, exitCode: out.exitCode, stopped }, 'run finished');
  return out;
}
