import { createReadStream, existsSync } from 'node:fs';
import { extname } from 'node:path';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { columnName } from '../csv/columns.js';
import { readHeader } from '../csv/head.js';
import { UsageError } from '../errors.js';
import { describeBinding, unbound, type JournalHeader } from '../journal/binding.js';
import { openJournal, type JournalEntry } from '../journal/journal.js';
import { acquireLock } from '../journal/lock.js';
import { replayJournal } from '../journal/replay.js';
import { besideInput, defaultPaths } from '../run/paths.js';
import { writeAtomic } from '../write-atomic.js';

export interface RetryFailedOptions {
  input: string;
  journal?: string;
  suffix: string;
  out?: string;
}

export interface RetryFailedReport {
  /** The new file; not written when no payout failed. */
  out: string;
  /** Where the failed payouts were sent: `test mode, account …, API …`. */
  boundTo: string;
  rows: number;
  references: Array<{ from: string; to: string }>;
}

/**
 * A new input file holding only the rows whose payouts ended `failed`, each under a new
 * reference (`<reference_id><suffix>`): a failed reference is never paid again. Sends nothing.
 */
export async function writeRetryFile(opts: RetryFailedOptions): Promise<RetryFailedReport> {
  if (!/^[A-Za-z0-9_.:-]+$/.test(opts.suffix)) {
    throw new UsageError('bad_option', `--suffix ${JSON.stringify(opts.suffix)} must be letters, digits, - _ . or :, e.g. --suffix -r2`);
  }
  const journalPath = opts.journal ?? defaultPaths(opts.input).journal;
  if (!existsSync(journalPath)) {
    throw new UsageError('no_journal', `no journal at ${journalPath}: run the file first, or pass --journal`, { path: journalPath });
  }
  // Read and marked under the journal's lock: a run of the file meanwhile would not see the reissue.
  const lock = await acquireLock(journalPath, { command: 'retry-failed' });
  try {
    const { header, failed, ...report } = await writeUnderLock(opts, journalPath);
    await recordReissues(journalPath, header, report.references.map(({ from, to }) => ({ failed: failed.get(from)!, to })));
    return report;
  } finally {
    await lock.release();
  }
}

/**
 * Each reissued row's journal line: the failed payout as it was, state `reissued`, naming its new
 * reference. Written after the new file: a crash between the two leaves the row `failed`, and
 * retry-failed writes it again, never a row marked reissued with no file holding it.
 */
async function recordReissues(journalPath: string, header: JournalHeader, reissues: Array<{ failed: JournalEntry; to: string }>): Promise<void> {
  if (reissues.length === 0) return;
  const journal = await openJournal(journalPath, { binding: header });
  try {
    const line = ({ failed: { at: _at, ...failed }, to }: (typeof reissues)[number]) => ({ ...failed, state: 'reissued', reissued_as: to, error_message: `failed, then reissued under reference ${to} by retry-failed` });
    await Promise.all(reissues.map((r) => journal.append(line(r))));
  } finally {
    await journal.close();
  }
}

async function writeUnderLock(opts: RetryFailedOptions, journalPath: string) {
  const replay = await replayJournal(journalPath);
  if (replay.size === 0) {
    throw new UsageError('no_journal', `no journal at ${journalPath}: run the file first, or pass --journal`, { path: journalPath });
  }
  // Which rows failed is known only on the API a journal names: an unbound one may be a rehearsal's.
  if (replay.legacy || !replay.header) throw unbound(journalPath, false);
  const header = replay.header;
  const boundTo = describeBinding(header);
  const failed = new Map([...replay.entries.values()].filter((e) => e.state === 'failed').map((e) => [e.ref, e]));
  const out = opts.out ?? besideInput(opts.input, `${opts.suffix}${extname(opts.input) || '.csv'}`);
  const { delimiter, columns, sepLine } = await readHeader(opts.input);
  const refColumn = columns.map(columnName).indexOf('reference_id');
  // An Excel `sep=` line is kept: the new file opens in Excel as the old one did.
  const parser = createReadStream(opts.input).pipe(parse({ bom: true, delimiter, skip_empty_lines: true, relax_column_count: true, from_line: sepLine ? 3 : 2 }));
  const lines: string[] = [...(sepLine ? [`sep=${delimiter}\n`] : []), stringify([columns], { delimiter, record_delimiter: '\n' })];
  const references: Array<{ from: string; to: string }> = [];
  for await (const cells of parser as AsyncIterable<string[]>) {
    const ref = cells[refColumn]?.trim();
    if (!ref || !failed.has(ref)) continue;
    const next = `${ref}${opts.suffix}`;
    if (replay.entries.has(next)) {
      throw new UsageError('suffix_used', `reference ${next} is already in the journal: choose another --suffix (e.g. -r3)`);
    }
    cells[refColumn] = next;
    references.push({ from: ref, to: next });
    lines.push(stringify([cells], { delimiter, record_delimiter: '\n' }));
  }
  if (references.length === 0) return { out, boundTo, rows: 0, references, header, failed }; // no file of a header alone
  await writeAtomic(out, lines.join(''), { durable: false }); // owner-only: it holds the rows' payee data in clear
  return { out, boundTo, rows: references.length, references, header, failed };
}
