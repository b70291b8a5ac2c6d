import { stat } from 'node:fs/promises';
import { rowFailureOf } from '../api/failure-class.js';
import { openInput, type InputFile, type InputRecord } from '../csv/input.js';
import { createResultsWriter, type ResultsWriter } from '../csv/results.js';
import { AbortedError, UsageError } from '../errors.js';
import { newSecret } from '../journal/binding.js';
import { assertJournalBinding } from '../journal/first-line.js';
import { acquireLock } from '../journal/lock.js';
import { openJournal, type Journal, type JournalEntry } from '../journal/journal.js';
import { replayJournal } from '../journal/replay.js';
import { fingerprinter } from '../payout/fingerprint.js';
import { DEFAULT_LIMITS } from '../payout/machine.js';
import type { RowRunnerDeps } from '../payout/runner.js';
import { endWithoutRequest, payToEnd, startRow, type RowEnd, type StartedRow } from '../payout/row-lifecycle.js';
import { createValidator, type PayoutInstruction } from '../rules/index.js';
import { sha256File } from '../plan/input-digest.js';
import { declaresLive } from './account.js';
import { RunControl } from '../payout/run-control.js';
import { feesOf } from './fee-rules.js';
import { firstPass } from './first-pass.js';
import { JournaledRows } from './journaled-rows.js';
import { RerunResults } from './rerun-results.js';
import { checkpointAfterRun, checkpointKey, rerunFromCheckpoint } from './checkpoint-rerun.js';
import { checkGates } from './gates.js';
import { checkOutputPaths } from './paths.js';
import { invalidRow } from '../payout/result-row.js';
import type { FirstPassFacts } from './plan-facts.js';
import { assertMatchesPlan, writePlanOf } from './plan-steps.js';
import { defaultRepeatSettings, RepeatScreen, type ScreenRow } from './repeat-screen.js';
import type { RunEnv, RunOptions } from './run-options.js';
import { finishSummary, logIfProblem, SummaryBuilder, type HeldSample, type RunSummary } from './summary.js';
import { Throttle } from './throttle.js';

/**
 * Rows under way per request slot. A row spends part of its life waiting for its journal lines to
 * reach the disk (three fsyncs, each up to two group commits away), holding no slot; at two rows a
 * slot, C = 128 and a loaded machine, the requests on the wire averaged 90 of 128; at four, 125.
 */
const ROWS_PER_SLOT = 4;

/** How far the reader may run ahead of the oldest unfinished row. */
const MAX_AHEAD = 10_000;

/**
 * rows -> validate -> pay under a bounded queue -> results, journaled.
 * Order: key prefix, paths, input (no request) -> the account and its mode (asked of the API) ->
 * an unchanged finished batch answered from its checkpoint -> the repeat-payee ledger -> journal ->
 * first pass and gates (a rerun with nothing to send ends here, its results written) ->
 * confirmation -> paying. A dry run takes the same steps up to the confirmation, but for the
 * checkpoint, reading the journal without writing or locking it.
 */
export async function runPayouts(opts: RunOptions, env: RunEnv): Promise<RunSummary> {
  const log = env.logger;
  if (!opts.live && declaresLive(env.target)) {
    throw liveRefused('MILKYPAY_PUBLIC_KEY is a live key (pk_live_…)');
  }
  const paths = await checkOutputPaths(opts);
  const file = await openInput(opts.input, opts.delimiter ? { delimiter: opts.delimiter } : {});
  if (file.ignoredColumns.length) {
    log.warn({ columns: file.ignoredColumns }, `ignoring columns the tool does not know: ${file.ignoredColumns.join(', ')}`);
  }
  // The account binding ({ origin, keyId, mode }): what the journal belongs to.
  const account = await env.account();
  if (account.mode === 'live' && !opts.live) throw liveRefused('these are live keys (the API reports test_mode: false)');
  const host = new URL(env.target.apiUrl).host;
  const summary = new SummaryBuilder();
  log.info({ input: opts.input }, `validating ${opts.input}`);
  const start = (rows: number): void => env.onStart?.({ account, host, input: opts.input, rows, dryRun: opts.dryRun, plan: summary.plan() });
  // A finished batch, unchanged since: answered from the journal's checkpoint (under its lock), with
  // no request, before anything a full run needs is loaded (rules, the repeat-payee ledger).
  const key = checkpointKey(opts, paths, account);
  if (!opts.dryRun && !opts.applyPlan) {
    const lock = await acquireLock(paths.journal, { command: 'run', onWarning: (m) => log.warn(m) });
    const rerun = await rerunFromCheckpoint(paths.journal, key, opts, env).finally(() => lock.release());
    if (rerun) return rerun;
  }
  const sha256 = opts.applyPlan || opts.writePlan ? await sha256File(opts.input) : '';
  const repeat = await RepeatScreen.open(opts.repeat ?? defaultRepeatSettings(), account, opts.input, log);
  const holds: HeldSample[] = [];
  const facts = (pass: { validRows: number; rows: number }): FirstPassFacts => ({ input: opts.input, sha256, account, ...pass, totals: summary.totals(), holds, rules: env.rules });

  const adopt = Boolean(opts.adoptJournal);
  if (opts.dryRun) {
    // The journal as the real run would take it: refused if bound elsewhere; if adopted, none of its rows is settled.
    const bound = (await assertJournalBinding(paths.journal, account, { adopt })).kind === 'bound';
    const replay = bound ? await replayJournal(paths.journal) : undefined;
    const journaled = new JournaledRows(replay?.entries ?? NO_ENTRIES, fingerprinter(replay?.header?.secret ?? newSecret()), opts);
    const writer = await createResultsWriter(paths.results);
    try {
      const { validRows, rows } = await firstPass(file, env, summary, { journaled, repeat, holds, preview: writer });
      checkGates(opts.gates, validRows, summary.requestedTotals);
      if (opts.writePlan) await writePlanOf(opts.writePlan, facts({ validRows, rows }));
      start(rows);
    } catch (error) {
      await writer.abort();
      throw error;
    } finally {
      repeat.close();
    }
    await writer.close();
    return finishSummary(summary, { account, input: opts.input, results: paths.results, journal: paths.journal, dryRun: true, ignoredColumns: file.ignoredColumns, log, ...(opts.writePlan ? { planFile: opts.writePlan } : {}) });
  }

  const control = env.control ?? new RunControl();
  const lock = await acquireLock(paths.journal, { command: 'run', onWarning: (m) => log.warn(m) });
  const forgetLock = control.atForcedStop(() => lock.release());
  try {
    const open = (): Promise<Journal> => openJournal(paths.journal, { binding: account, adopt, durable: opts.durable ?? true, onWarning: (m) => log.warn(m) });
    // An existing journal is opened (and checked: one bound to another API, account or mode is refused,
    // exit 2) before the first pass, which counts the rows it settled; a new one is created only once
    // the run is about to send, so a refused run leaves none.
    let journal = (await exists(paths.journal)) ? await open() : undefined;
    const journaled = journaledRowsOf(journal, opts);
    let forgetEarly = (): void => undefined;
    try {
      // A rerun: the first pass writes the results while no row needs a request. If none does, that is the run.
      const early = journaled.any ? await createResultsWriter(paths.results) : undefined;
      const rerun = early && new RerunResults(early, { summary, repeat, log, pace: rowPace(opts) });
      if (early) forgetEarly = control.atForcedStop(() => early.abort());
      let pass: { validRows: number; rows: number };
      try {
        pass = await firstPass(file, env, summary, { journaled, repeat, holds, ...(rerun ? { rerun } : {}), control });
        checkGates(opts.gates, pass.validRows, summary.requestedTotals);
        if (opts.applyPlan) await assertMatchesPlan(opts.applyPlan, facts(pass));
      } catch (error) {
        await rerun?.giveUp();
        throw error;
      }
      const { validRows, rows } = pass;
      start(rows);
      const plan = summary.plan();
      forgetEarly();
      if (rerun?.writing) {
        // Every row settled, held or invalid: the first pass wrote the results, nothing is sent.
        log.info({ input: opts.input, rows, valid: validRows, send: 0, settled: plan.settled, concurrency: opts.concurrency, api: host, mode: account.mode, journal: paths.journal }, 'run started');
        await rerun.close(rows, env.progress);
      } else {
        const reviewed = opts.applyPlan ? { planCreatedAt: opts.applyPlan.file.createdAt } : {};
        const confirm = env.confirm;
        if (plan.send > 0 && confirm) {
          const what = { account, host, plan, invalid: summary.invalidRows, fees: await feesOf(env.rules, summary.sendServices), ...reviewed };
          if (!(await confirmUnlessStopped(() => confirm(what), control))) throw new UsageError('not_confirmed', 'not confirmed: nothing was sent');
        }
        log.info({ input: opts.input, rows, valid: validRows, send: plan.send, settled: plan.settled, concurrency: opts.concurrency, api: host, mode: account.mode, journal: paths.journal }, 'run started');
        journal ??= await open();
        env.progress?.begin(rows);
        const writer = await createResultsWriter(paths.results);
        const forgetWriter = control.atForcedStop(() => writer.abort());
        try {
          await secondPass(file, opts, env, { journal, journaled: journaledRowsOf(journal, opts), writer, control, summary, repeat });
        } catch (error) {
          await writer.abort();
          throw new AbortedError(
            'stopped_part_way',
            `the run stopped part-way: ${(error as Error).message}. What was sent is journaled: fix the cause and rerun the same command`,
          );
        }
        await writer.close();
        forgetWriter();
      }
    } finally {
      await repeat.flush();
      await journal?.close();
    }
    const out = finishSummary(summary, { account, input: opts.input, results: paths.results, journal: paths.journal, dryRun: false, ignoredColumns: file.ignoredColumns, log, control, ...(opts.applyPlan ? { planFile: opts.applyPlan.path } : {}) });
    await checkpointAfterRun(paths.journal, key, opts, out, summary);
    return out;
  } finally {
    forgetLock();
    await lock.release();
  }
}

const NO_ENTRIES: ReadonlyMap<string, JournalEntry> = new Map();

function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The live prompt, answered "no" by a signal (Ctrl-C at the prompt): nothing was sent. */
async function confirmUnlessStopped(confirm: () => Promise<boolean>, control: RunControl): Promise<boolean> {
  if (control.stopping) return false;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<boolean>((resolve) => control.signal.addEventListener('abort', (onAbort = () => resolve(false)), { once: true }));
  try {
    return await Promise.race([confirm(), stopped]);
  } finally {
    if (onAbort) control.signal.removeEventListener('abort', onAbort);
  }
}

function liveRefused(why: string): UsageError {
  return new UsageError('live_keys', `${why}: nothing was sent. Add --live to pay for real (rehearse first with --dry-run --live)`);
}

/** What earlier runs journaled (nothing before a journal exists), keyed by the journal's secret. */
function journaledRowsOf(journal: Journal | undefined, opts: RunOptions): JournaledRows {
  if (!journal) return new JournaledRows(NO_ENTRIES, fingerprinter(newSecret()), opts); // no entry: never fingerprints
  return new JournaledRows(journal.entries, fingerprinter(journal.header.secret), opts);
}

/** How a row is paced this run: the second pass's, and what the first pass starts a settled row with. */
function rowPace(opts: RunOptions): RowRunnerDeps['context'] {
  const waitUntil = opts.waitSeconds !== undefined ? Date.now() + opts.waitSeconds * 1000 : undefined;
  return { process: opts.process, ...(waitUntil !== undefined ? { waitUntil } : {}), ...DEFAULT_LIMITS, ...opts.delays };
}

interface PassState {
  journal: Journal;
  journaled: JournaledRows;
  writer: ResultsWriter;
  control: RunControl;
  summary: SummaryBuilder;
  repeat: RepeatScreen;
}

async function secondPass(file: InputFile, opts: RunOptions, env: RunEnv, s: PassState): Promise<void> {
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
      if (event.kind === 'failed') env.logger.debug({ ref: job.referenceId, line: job.line, command: command.kind, failure: event.failure }, 'request failed');
    },
    slot: (send) => throttle.slot(send),
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
