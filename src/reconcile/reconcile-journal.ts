import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import pLimit from 'p-limit';
import type { ApiClient } from '../api/client-types.js';
import { createResultsWriter, unescapeFormula, type ResultRow } from '../csv/results.js';
import { UsageError, type ExitCode } from '../errors.js';
import { unbound } from '../journal/binding.js';
import { journalKind } from '../journal/first-line.js';
import { acquireLock } from '../journal/lock.js';
import { openJournal, type Journal, type JournalEntry } from '../journal/journal.js';
import { releaseFailed, type FailedPayout } from '../ledger/release-failed.js';
import type { Logger } from '../log.js';
import type { Account } from '../guards/account.js';
import { executeRow, type RowJob, type RowResult, type RunStop } from '../payout/execute-row.js';
import { commandFor, DEFAULT_LIMITS, type RowContext, type RowState } from '../payout/machine.js';
import { isFinalStatus, type Outcome } from '../payout/outcome.js';
import { settledOutcome, type RowPlan } from '../payout/plan-row.js';
import { resumeState, type RowRecord } from '../payout/record.js';
import { resultRowOf } from '../payout/result-row.js';
import { resultsBesideJournal } from '../run/paths.js';
import type { RunControl } from '../run/run-control.js';
import type { RunTimes } from '../run/run-clock.js';
import { logIfProblem, SummaryBuilder, type RowSample } from '../run/summary.js';
import { Throttle } from '../run/throttle.js';
import { readOnlyEffects, type RowNews } from './read-only-effects.js';

export interface ReconcileOptions {
  journal: string;
  out?: string;
  /** The repeat-payee ledgers, where payouts found failed or rejected are released as a run does; none: untouched. */
  ledgerRoot?: string;
  /** `--wait`: poll each invoice until final or this many seconds pass; payouts still processing then make the exit code 3. */
  waitSeconds?: number;
  /** The machine's waits before a read again and between polls. */
  delays?: Pick<RowContext, 'backoff' | 'pollBackoff'>;
}

/** `version`, `runId`, `startedAt`, `finishedAt`, `durationMs`, `requests`: set by the library's `reconcile` and every `reconcile --json`. */
export interface ReconcileReport extends Partial<RunTimes> {
  journal: string;
  checked: number;
  changed: number;
  failedReads: number;
  /** `"processing -> processed": 3` */
  moves: Record<string, number>;
  /** Payouts found failed or rejected that the repeat-payee ledger no longer holds against their payee. */
  released: number;
  results?: string;
  /** The outcome of every payout followed (those not final when reconcile started); an unreadable one is `error`. */
  counts: Record<Outcome, number>;
  /** The first of them that need a person or another reconcile, with the reason. */
  problems: RowSample[];
  /** `--wait`: how long, and how many were still processing when the time was up (absent when stopped). */
  waited?: { seconds: number; stillProcessing: number };
  /** Why reconcile stopped before following every row to its end (a signal). */
  stopped?: string;
  /** `run`'s: 1 when a payout followed ended failed or partial, 3 when one is unreadable or (with --wait) not final, else 0. */
  exitCode: ExitCode;
}

/** Reads every journaled invoice whose status is not final, journals what moved and rewrites the results CSV. */
export async function reconcile(opts: ReconcileOptions, env: { api: ApiClient; logger: Logger; account: () => Promise<Account>; stop: RunControl }): Promise<ReconcileReport> {
  if (!existsSync(opts.journal)) throw new UsageError('no_journal', `no journal at ${opts.journal}`, { path: opts.journal });
  const lock = await acquireLock(opts.journal, { command: 'reconcile' });
  const forgetLock = env.stop.atForcedStop(() => lock.release());
  try {
    // Its invoice ids mean something only on the API and account it is bound to.
    if ((await journalKind(opts.journal)).kind === 'legacy') throw unbound(opts.journal, false);
    const journal = await openJournal(opts.journal, { binding: await env.account(), onWarning: (m) => env.logger.warn(m) });
    const { report, moved, failed } = await followAll(journal, opts, env.api, env.logger, env.stop).finally(() => journal.close());
    if (opts.ledgerRoot !== undefined) report.released = await release(opts.ledgerRoot, await env.account(), failed, env.logger);
    const results = opts.out ?? resultsBesideJournal(opts.journal);
    if (existsSync(results)) {
      await rewriteResults(results, moved);
      report.results = results;
    }
    return report;
  } finally {
    forgetLock();
    await lock.release();
  }
}

/**
 * Follows every journaled invoice not final yet through the payout machine (`executeRow`, effects
 * read-only; 8 reads, 256 rows under way at a time), journals what moved, and counts each results
 * row as `run` does. It walks the journal: the run's batch loop reads an input file, which reconcile has not.
 */
async function followAll(journal: Journal, opts: ReconcileOptions, api: ApiClient, logger: Logger, stop: RunStop) {
  const summary = new SummaryBuilder();
  const open = [...journal.entries.values()].filter((e) => typeof e.invoice_id === 'string' && typeof e.status === 'string' && !isFinalStatus(e.status) && commandFor(startOf(e)).kind !== 'finish');
  const report = { journal: opts.journal, checked: open.length, changed: 0, failedReads: 0, moves: {} as Record<string, number>, released: 0 };
  const moved = new Map<string, RowRecord>();
  const failed: FailedPayout[] = [];
  const news = new Map<string, RowNews>();
  const pace = { process: false, ...DEFAULT_LIMITS, ...(opts.waitSeconds !== undefined ? { waitUntil: Date.now() + opts.waitSeconds * 1000 } : {}), ...opts.delays };
  const effects = readOnlyEffects({ api, journal, entries: journal.entries, throttle: new Throttle({ concurrency: 8 }), stop, pace }, news);
  const rows = pLimit(256);
  await Promise.all(
    open.map((entry) => rows(async () => {
      const plan = planOf(entry, startOf(entry));
      const row = resultRowOf(plan, endedAs(await executeRow(plan.job, effects), news.get(entry.ref), plan.job.started, stop));
      summary.addOutcome(row.outcome, row);
      logIfProblem(logger, row);
      const written = news.get(entry.ref)?.written;
      if (!written) return;
      moved.set(entry.ref, written);
      // Read back, checked as this row's invoice and final: no money moved for it.
      if (RELEASING.has(written.state)) failed.push({ ref: entry.ref, currency: written.currency ?? '', amount: written.amount ?? '' });
      if (written.status === entry.status) return;
      const move = `${String(entry.status)} -> ${String(written.status)}`;
      report.moves[move] = (report.moves[move] ?? 0) + 1;
      report.changed += 1;
    })),
  );
  const waited = opts.waitSeconds !== undefined;
  const stopped = stop.stopReason?.message;
  const out: ReconcileReport = {
    ...report,
    failedReads: summary.counts.error,
    counts: summary.counts,
    problems: summary.problems,
    ...(stopped ? { stopped } : waited ? { waited: { seconds: opts.waitSeconds!, stillProcessing: summary.counts.submitted } } : {}),
    exitCode: summary.exitCode(stop.stopping, waited),
  };
  return { report: out, moved, failed };
}

/**
 * Where reconcile starts a row: its invoice polled (submitted) or read back (any other state),
 * never created or processed (`process: false`). A conflict's invoice is not the row's: not followed.
 */
function startOf(entry: JournalEntry): RowState {
  return resumeState({ ...entry, state: entry.state === 'submitted' || entry.state === 'conflict' ? entry.state : 'process_doubt' }, entry.fp, entry.ref);
}

/** The row (its payout as the journal, or the results file, has it) to follow, or `settled` as the journal now holds it. */
function planOf(row: Pick<JournalEntry, 'line' | 'ref' | 'fp' | 'service' | 'currency' | 'amount'>, state: RowState): RowPlan & { job: RowJob } {
  const payment = { service: row.service ?? '', currency: row.currency ?? '', amount: row.amount ?? '' };
  const payout = { line: row.line, referenceId: row.ref, ...payment, request: { referenceId: row.ref, ...payment, fields: {} } };
  const job = { line: row.line, referenceId: row.ref, fp: row.fp, request: payout.request, initial: state, started: state };
  const outcome = settledOutcome(state, false);
  return outcome ? { kind: 'settled', payout, job, outcome, follow: false } : { kind: 'send', payout, job };
}

/** How the row ended: as the machine left it, or `not_read` when no answer carried its invoice (left as the journal had it). */
function endedAs(result: RowResult, news: RowNews | undefined, start: RowState, stop: RunStop): RowResult & { stopMessage?: string | undefined } {
  const stopMessage = result.interrupted ? stop.stopReason?.message : undefined;
  if (news?.answered || (result.state.kind === 'done' && result.state.outcome === 'error')) return { ...result, stopMessage };
  const invoice = 'invoice' in start ? start.invoice : undefined;
  const why = news?.failure ? `could not read invoice ${invoice?.id}: ${news.failure}` : `invoice ${invoice?.id} was not read (${stopMessage ?? 'no answer'})`;
  return { state: { kind: 'done', outcome: 'error', ...(invoice ? { invoice } : {}), errorCode: 'not_read', message: `${why}; left as it was: run reconcile again later` }, interrupted: false };
}

/** Outcomes after which a payout holds nothing in the repeat-payee ledger (a run also releases `conflict`, never read here). */
const RELEASING: ReadonlySet<string> = new Set(['failed', 'rejected']);

/**
 * The voids are written after the journal records the failures: a crash between the two leaves a
 * hold a rerun of the original file releases, never a release the journal does not back.
 */
async function release(root: string, account: Account, failed: FailedPayout[], logger: Logger): Promise<number> {
  try {
    const released = await releaseFailed(root, account, failed, { onWarning: (m) => logger.warn(m) });
    if (released.length) logger.info({ refs: released.length }, `released ${released.length} failed payouts in the repeat-payee ledger: their payees can be paid again`);
    return released.length;
  } catch (error) {
    const why = 'could not record the failed payouts in the repeat-payee ledger: a retry-failed file of them may be held as repeat_payee until the original file is run again';
    logger.warn({ err: (error as Error).message, refs: failed.map((f) => f.ref) }, why);
    return 0;
  }
}

async function rewriteResults(path: string, moved: Map<string, RowRecord>): Promise<void> {
  // The writer escapes cells a spreadsheet would run as formulas; read them back as they were.
  const rows = parse(await readFile(path), { columns: true, bom: true, cast: (value) => unescapeFormula(value) }) as Record<string, string>[];
  const writer = await createResultsWriter(path);
  rows.forEach((row, seq) => {
    const old = { ...row, line: Number(row.line) } as unknown as ResultRow;
    const record = moved.get(row.reference_id ?? '');
    if (!record) return writer.write(seq, old);
    // The row a rerun would write from the journal now: its input's columns, the invoice's as journaled.
    writer.write(seq, resultRowOf(planOf({ ...record, line: old.line, service: row.service, currency: row.currency, amount: row.amount }, resumeState(record, record.fp, record.ref))));
  });
  await writer.close();
}
