import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import pLimit from 'p-limit';
import { isApiError } from '../api/api-error.js';
import type { ApiClient, Invoice } from '../api/client-types.js';
import { createResultsWriter, unescapeFormula, type ResultRow } from '../csv/results.js';
import { UsageError } from '../errors.js';
import { unbound } from '../journal/binding.js';
import { journalKind } from '../journal/first-line.js';
import { acquireLock } from '../journal/lock.js';
import { openJournal, type JournalEntry } from '../journal/journal.js';
import { releaseFailed, type FailedPayout } from '../ledger/release-failed.js';
import type { Logger } from '../log.js';
import type { Account } from '../run/account.js';
import { DEFAULT_LIMITS, step, type RowContext, type RowState } from '../payout/machine.js';
import { isFinalStatus } from '../payout/outcome.js';
import { resumeState, toRecord } from '../payout/record.js';
import { snapshot } from '../payout/runner.js';
import { paidRow } from '../payout/result-row.js';
import { notTheRows, paymentDifferences } from '../payout/reply-check.js';

export interface ReconcileOptions {
  journal: string;
  out?: string;
  concurrency?: number;
  /**
   * Where the repeat-payee ledgers live: payouts found failed or rejected are released in the
   * account's ledger there, as a run does. Without it the ledger is not touched.
   */
  ledgerRoot?: string;
}

export interface ReconcileReport {
  checked: number;
  changed: number;
  failedReads: number;
  /** `"processing -> processed": 3` */
  moves: Record<string, number>;
  /** Payouts found failed or rejected that the repeat-payee ledger no longer holds against their payee. */
  released: number;
  results?: string;
}

/** Results path beside a journal: `payouts.journal.jsonl` -> `payouts.results.csv`. */
export function resultsPathOf(journal: string): string {
  return journal.replace(/\.journal\.jsonl$/, '') + '.results.csv';
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
    const report: ReconcileReport = { checked: 0, changed: 0, failedReads: 0, moves: {}, released: 0 };
    const updated = new Map<string, RowState>();
    const failed: FailedPayout[] = [];
    try {
      const limit = pLimit(opts.concurrency ?? 8);
      const open = [...journal.entries.values()].filter((e) => typeof e.invoice_id === 'string' && typeof e.status === 'string' && !isFinalStatus(e.status));
      await Promise.all(
        open.map((entry) =>
          limit(async () => {
            report.checked += 1;
            try {
              const invoice = await env.api.getInvoice(entry.invoice_id as string);
              const foreign = notJournaled(invoice, entry);
              if (foreign) {
                // Another invoice's status is no news about this one: leave the row as it was.
                report.failedReads += 1;
                env.logger.warn({ ref: entry.ref, invoice_id: entry.invoice_id }, `reading invoice ${String(entry.invoice_id)} returned ${foreign}, not this row's invoice; left as it was`);
                return;
              }
              if (invoice.status === entry.status) return;
              const state = afterReading(entry, invoice);
              if (state.kind !== 'done') {
                report.failedReads += 1;
                env.logger.warn({ ref: entry.ref, invoice_id: entry.invoice_id, state: state.kind }, 'could not settle the row from its invoice; left as it was');
                return;
              }
              await journal.append({ ...toRecord(state, { ref: entry.ref, fp: entry.fp, line: entry.line })!, at: new Date().toISOString() });
              updated.set(entry.ref, state);
              // Read back, checked as this row's invoice and final: no money moved for it.
              if (RELEASING.has(state.outcome)) failed.push({ ref: entry.ref, currency: invoice.currency, amount: invoice.amount });
              const move = `${String(entry.status)} -> ${invoice.status}`;
              report.moves[move] = (report.moves[move] ?? 0) + 1;
              report.changed += 1;
            } catch (error) {
              if (!isApiError(error)) throw error;
              report.failedReads += 1;
              env.logger.warn({ ref: entry.ref, invoice_id: entry.invoice_id, err: error }, 'could not read invoice');
            }
          }),
        ),
      );
    } finally {
      await journal.close();
    }
    if (opts.ledgerRoot !== undefined) report.released = await release(opts.ledgerRoot, await env.account(), failed, env.logger);
    const results = opts.out ?? resultsPathOf(opts.journal);
    if (existsSync(results)) {
      await rewriteResults(results, updated);
      report.results = results;
    }
    return report;
  } finally {
    await lock.release();
  }
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

/** Why an answer is not the journaled invoice (another id or reference, other payment data), or undefined. */
function notJournaled(invoice: Awaited<ReturnType<ApiClient['getInvoice']>>, entry: JournalEntry): string | undefined {
  const other = notTheRows(invoice, entry.ref, String(entry.invoice_id));
  if (other) return other;
  const { service, currency, amount } = entry;
  if (typeof service !== 'string' || typeof currency !== 'string' || typeof amount !== 'string') return undefined;
  const diffs = paymentDifferences(invoice, { service, currency, amount, fields: {} });
  return diffs.length ? `invoice ${invoice.id} with ${diffs.join(', ')}` : undefined;
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

/**
 * Where a journaled row stands once its invoice is read: the state machine's own read, with nothing
 * left to send (reconcile never creates or processes). A row journaled as created is read like one
 * whose process request went unanswered: another status means someone processed it.
 */
function afterReading(record: JournalEntry, invoice: Invoice): RowState {
  let state = resumeState(record, record.fp, record.ref);
  if (state.kind === 'created') state = { kind: 'process_doubt', invoice: state.invoice, attempt: 0, reads: 0, delayMs: 0 };
  const expected = { service: record.service ?? invoice.service ?? '', currency: record.currency ?? invoice.currency, amount: record.amount ?? invoice.amount, fields: {} };
  const ctx: RowContext = { referenceId: record.ref, expected, process: false, now: Date.now(), ...DEFAULT_LIMITS };
  return step(state, { kind: 'invoice', invoice: snapshot(invoice) }, ctx);
}
