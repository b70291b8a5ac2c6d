import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import pLimit from 'p-limit';
import { isApiError } from '../api/api-error.js';
import type { ApiClient, Invoice } from '../api/client-types.js';
import { createResultsWriter, unescapeFormula, type ResultRow } from '../csv/results.js';
import { UsageError, type ExitCode } from '../errors.js';
import { unbound } from '../journal/binding.js';
import { journalKind } from '../journal/first-line.js';
import { acquireLock } from '../journal/lock.js';
import { openJournal, type Journal, type JournalEntry } from '../journal/journal.js';
import { releaseFailed, type FailedPayout } from '../ledger/release-failed.js';
import type { Logger } from '../log.js';
import type { Account } from '../guards/account.js';
import type { BackoffPolicy } from '../payout/backoff.js';
import type { RowState } from '../payout/machine.js';
import { isFinalStatus, type Outcome } from '../payout/outcome.js';
import { journalStateOf, toRecord } from '../payout/record.js';
import { paidRow } from '../payout/result-row.js';
import { resultsBesideJournal } from '../run/paths.js';
import type { RunTimes } from '../run/run-clock.js';
import { SummaryBuilder, type RowSample } from '../run/summary.js';
import { followInvoice, type Followed, type FollowPace } from './follow-invoice.js';

export interface ReconcileOptions {
  journal: string;
  out?: string;
  concurrency?: number;
  /**
   * Where the repeat-payee ledgers live: payouts found failed or rejected are released in the
   * account's ledger there, as a run does. Without it the ledger is not touched.
   */
  ledgerRoot?: string;
  /** `--wait`: poll each invoice until final or this many seconds pass; payouts still processing then make the exit code 3. */
  waitSeconds?: number;
  pollBackoff?: BackoffPolicy;
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
  /** `--wait`: how long, and how many were still processing when the time was up. */
  waited?: { seconds: number; stillProcessing: number };
  /** `run`'s: 1 when a payout followed ended failed or partial, 3 when one is unreadable or (with --wait) not final, else 0. */
  exitCode: ExitCode;
}


/**
 * Fetches the current status of every journaled invoice whose status is not final, journals it,
 * and rewrites the results CSV beside the journal with the new outcomes.
 */
export async function reconcile(opts: ReconcileOptions, env: { api: ApiClient; logger: Logger; account: () => Promise<Account> }): Promise<ReconcileReport> {
  if (!existsSync(opts.journal)) throw new UsageError('no_journal', `no journal at ${opts.journal}`, { path: opts.journal });
  const lock = await acquireLock(opts.journal, { command: 'reconcile' });
  try {
    // Its invoice ids mean something only on the API and account it is bound to.
    if ((await journalKind(opts.journal)).kind === 'legacy') throw unbound(opts.journal, false);
    const journal = await openJournal(opts.journal, { binding: await env.account(), onWarning: (m) => env.logger.warn(m) });
    const followed = await followAll(journal, opts, env.api, env.logger).finally(() => journal.close());
    const { report, updated, failed } = followed;
    if (opts.ledgerRoot !== undefined) report.released = await release(opts.ledgerRoot, await env.account(), failed, env.logger);
    const results = opts.out ?? resultsBesideJournal(opts.journal);
    if (existsSync(results)) {
      await rewriteResults(results, updated);
      report.results = results;
    }
    return report;
  } finally {
    await lock.release();
  }
}

/** Follows every journaled invoice not final yet, journals what moved, and counts each outcome as `run` does. */
async function followAll(journal: Journal, opts: ReconcileOptions, api: ApiClient, logger: Logger) {
  const summary = new SummaryBuilder();
  const report = { journal: opts.journal, checked: 0, changed: 0, failedReads: 0, moves: {} as Record<string, number>, released: 0 };
  const updated = new Map<string, RowState>();
  const failed: FailedPayout[] = [];
  const pace: FollowPace = { ...(opts.waitSeconds !== undefined ? { waitUntil: Date.now() + opts.waitSeconds * 1000 } : {}), ...(opts.pollBackoff ? { pollBackoff: opts.pollBackoff } : {}) };
  const unread = (entry: JournalEntry, message: string): void => {
    report.failedReads += 1;
    summary.addOutcome('error', { ...rowOf(entry), error_code: 'not_read', error_message: `${message}; left as it was: run reconcile again later` });
  };
  const limit = pLimit(opts.concurrency ?? 8);
  const open = [...journal.entries.values()].filter((e) => typeof e.invoice_id === 'string' && typeof e.status === 'string' && !isFinalStatus(e.status));
  await Promise.all(
    open.map((entry) =>
      limit(async () => {
        report.checked += 1;
        let read: Followed;
        try {
          read = await followInvoice(api, entry, pace);
        } catch (error) {
          if (!isApiError(error)) throw error;
          logger.warn({ ref: entry.ref, invoice_id: entry.invoice_id, err: error }, 'could not read invoice');
          return unread(entry, `could not read invoice ${String(entry.invoice_id)}: ${error.message}`);
        }
        if (read.kind === 'foreign') {
          logger.warn({ ref: entry.ref, invoice_id: entry.invoice_id }, `reading invoice ${String(entry.invoice_id)} returned ${read.why}, not this row's invoice; left as it was`);
          return unread(entry, `reading invoice ${String(entry.invoice_id)} returned ${read.why}, not this row's invoice`);
        }
        const { state, invoice } = read;
        if (state.kind !== 'done') {
          logger.warn({ ref: entry.ref, invoice_id: entry.invoice_id, state: state.kind }, 'could not settle the row from its invoice; left as it was');
          return unread(entry, `could not settle the row from invoice ${invoice.id} (status ${invoice.status})`);
        }
        summary.addOutcome(state.outcome, { ...rowOf(entry), ...paidRow(identityOf(entry, invoice), state, false) });
        if (invoice.status === entry.status && journalStateOf(state) === entry.state) return;
        await journal.append({ ...toRecord(state, { ref: entry.ref, fp: entry.fp, line: entry.line })!, at: new Date().toISOString() });
        updated.set(entry.ref, state);
        // Read back, checked as this row's invoice and final: no money moved for it.
        if (RELEASING.has(state.outcome)) failed.push({ ref: entry.ref, currency: invoice.currency, amount: invoice.amount });
        if (invoice.status === entry.status) return;
        const move = `${String(entry.status)} -> ${invoice.status}`;
        report.moves[move] = (report.moves[move] ?? 0) + 1;
        report.changed += 1;
      }),
    ),
  );
  const waited = opts.waitSeconds !== undefined;
  const out: ReconcileReport = {
    ...report,
    counts: summary.counts,
    problems: summary.problems,
    ...(waited ? { waited: { seconds: opts.waitSeconds!, stillProcessing: summary.counts.submitted } } : {}),
    exitCode: summary.exitCode(false, waited),
  };
  return { report: out, updated, failed };
}

function rowOf(entry: JournalEntry) {
  return { line: entry.line, reference_id: entry.ref, ...(entry.invoice_id ? { invoice_id: entry.invoice_id } : {}), ...(entry.status ? { status: entry.status } : {}) };
}

function identityOf(entry: JournalEntry, invoice: Invoice) {
  return { line: entry.line, referenceId: entry.ref, service: entry.service ?? invoice.service ?? '', currency: entry.currency ?? invoice.currency, amount: entry.amount ?? invoice.amount };
}

/**
 * Outcomes after which a payout holds nothing in the repeat-payee ledger (a run also releases
 * `conflict`, which reading a journaled invoice never gives).
 */
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
    logger.warn(
      { err: (error as Error).message, refs: failed.map((f) => f.ref) },
      'could not record the failed payouts in the repeat-payee ledger: a retry-failed file of them may be held as repeat_payee until the original file is run again',
    );
    return 0;
  }
}

async function rewriteResults(path: string, updated: Map<string, RowState>): Promise<void> {
  // The writer escapes cells a spreadsheet would run as formulas; read them back as they were.
  const rows = parse(await readFile(path), { columns: true, bom: true, cast: (value) => unescapeFormula(value) }) as Record<string, string>[];
  const writer = await createResultsWriter(path);
  rows.forEach((row, seq) => {
    const old = { ...row, line: Number(row.line) } as unknown as ResultRow;
    const state = updated.get(row.reference_id ?? '');
    if (!state) return writer.write(seq, old);
    const identity = { line: old.line, referenceId: old.reference_id, service: row.service ?? '', currency: row.currency ?? '', amount: row.amount ?? '' };
    // The row run would write for this state; the columns it leaves out are emptied, not kept from before.
    writer.write(seq, { ...old, invoice_id: '', status: '', resolution: '', fee: '', error_code: '', error_message: '', ...paidRow(identity, state, false) });
  });
  await writer.close();
}
