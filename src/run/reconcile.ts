import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import pLimit from 'p-limit';
import { isApiError } from '../api/errors.js';
import type { ApiClient } from '../api/types.js';
import { createResultsWriter, unescapeFormula, type ResultRow } from '../csv/results.js';
import { UsageError } from '../errors.js';
import { unbound } from '../journal/binding.js';
import { journalKind } from '../journal/first-line.js';
import { acquireLock } from '../journal/lock.js';
import { openJournal, type JournalEntry } from '../journal/journal.js';
import type { Logger } from '../log.js';
import type { Account } from './account.js';
import { isFinalStatus, outcomeOfStatus } from '../payout/outcome.js';
import { notTheRows, paymentDifferences } from '../payout/reply-check.js';

export interface ReconcileOptions {
  journal: string;
  out?: string;
  concurrency?: number;
}

export interface ReconcileReport {
  checked: number;
  changed: number;
  failedReads: number;
  /** `"processing -> processed": 3` */
  moves: Record<string, number>;
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
    const report: ReconcileReport = { checked: 0, changed: 0, failedReads: 0, moves: {} };
    const updated = new Map<string, JournalEntry>();
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
              const state = isFinalStatus(invoice.status) ? outcomeOfStatus(invoice.status) : invoice.status !== 'created' && entry.state === 'created' ? 'submitted' : entry.state;
              const next = { ...entry, state, status: invoice.status, resolution: invoice.resolution, fee: invoice.fee, at: new Date().toISOString() };
              await journal.append(next);
              updated.set(entry.ref, next);
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

/** Why an answer is not the journaled invoice (another id or reference, other payment data), or undefined. */
function notJournaled(invoice: Awaited<ReturnType<ApiClient['getInvoice']>>, entry: JournalEntry): string | undefined {
  const other = notTheRows(invoice, entry.ref, String(entry.invoice_id));
  if (other) return other;
  const { service, currency, amount } = entry;
  if (typeof service !== 'string' || typeof currency !== 'string' || typeof amount !== 'string') return undefined;
  const diffs = paymentDifferences(invoice, { service, currency, amount, fields: {} });
  return diffs.length ? `invoice ${invoice.id} with ${diffs.join(', ')}` : undefined;
}

async function rewriteResults(path: string, updated: Map<string, JournalEntry>): Promise<void> {
  // The writer escapes cells a spreadsheet would run as formulas; read them back as they were.
  const rows = parse(await readFile(path), { columns: true, bom: true, cast: (value) => unescapeFormula(value) }) as Record<string, string>[];
  const writer = await createResultsWriter(path);
  rows.forEach((row, seq) => {
    const entry = updated.get(row.reference_id ?? '');
    const out = { ...row, line: Number(row.line) } as unknown as ResultRow;
    if (entry) {
      out.outcome = entry.state;
      out.status = String(entry.status);
      out.resolution = entry.resolution == null ? '' : String(entry.resolution);
      out.fee = entry.fee == null ? '' : String(entry.fee);
      if (isFinalStatus(String(entry.status))) {
        out.error_code = '';
        out.error_message = '';
      }
    }
    writer.write(seq, out);
  });
  await writer.close();
}
