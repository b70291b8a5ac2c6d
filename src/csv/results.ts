import { readdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { ResultRow } from '../payout/result-row.js';
import { PayoutsError } from '../errors.js';
import { isAlive } from '../journal/lock-file.js';
import { openAtomic, type AtomicFile } from '../write-atomic.js';
import { writeEveryByte } from '../write-every-byte.js';

const RESULT_COLUMNS = [
  'line', 'reference_id', 'outcome', 'invoice_id', 'status', 'resolution',
  'service', 'currency', 'amount', 'fee', 'error_code', 'error_message',
] as const;

export type { ResultRow } from '../payout/result-row.js';

export interface ResultsWriter {
  /** `seq` is the row's position in input order (0, 1, 2…); rows may arrive in any order, each once. */
  write(seq: number, row: ResultRow): void;
  /** Rows held back waiting for an earlier seq. */
  pending(): number;
  /** Resolves when the file can take more (backpressure); await it every so often. */
  ready(): Promise<void>;
  /**
   * Flushes, fsyncs and renames the temp file onto the results path. Throws (and leaves the old
   * results file alone) if a row is missing: a seq never written while later ones were, or fewer
   * rows than `expectedRows`.
   */
  close(options?: { expectedRows?: number }): Promise<{ rows: number }>;
  /** Removes the temp file; the old results file, if any, stays. Safe after close and twice. */
  abort(): Promise<void>;
}

export class ResultsError extends PayoutsError {
  override readonly name = 'ResultsError';
}

/** Rows formatted and written together. */
const BATCH_ROWS = 512;
/** Bytes handed to the file but not yet written past which `ready()` makes the caller wait. */
const HIGH_WATER_BYTES = 1 << 20;

/**
 * Writes the results CSV in input order, streaming, to a temp file beside it (`openAtomic`), and renames
 * it onto `outPath` on close: a reader sees the old complete file or the new complete file, never half.
 */
export async function createResultsWriter(outPath: string): Promise<ResultsWriter> {
  // The rename would replace a device such as /dev/null (as root), or a pipe someone reads.
  const existing = await stat(outPath).catch(() => undefined);
  if (existing && !existing.isFile()) {
    throw new ResultsError('results_unwritable', `cannot write the results file ${outPath}: it is not a regular file (a directory, device, pipe or socket); name a regular file`, 2, { path: outPath });
  }
  await removeOrphanedTemps(outPath);
  let file: AtomicFile;
  try {
    file = await openAtomic(outPath, { durable: true }); // owner-only: the results name payees and amounts
  } catch (error) {
    throw new ResultsError('results_unwritable', `cannot write the results file ${outPath}: ${messageOf(error)}`, 2, {
      path: outPath,
    });
  }
  return new OrderedResultsWriter(outPath, file);
}

/** `<outPath>.tmp-<pid>[-<random>]` files whose process is gone (a run killed with SIGKILL or a power cut): nobody will finish them. */
async function removeOrphanedTemps(outPath: string): Promise<void> {
  const prefix = `${basename(outPath)}.tmp-`;
  const names = await readdir(dirname(outPath)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    await unlink(join(dirname(outPath), name)).catch(() => undefined);
  }
}

class OrderedResultsWriter implements ResultsWriter {
  readonly #outPath: string;
  readonly #file: AtomicFile;
  /** The chain of file writes, in order; each batch is written after the previous one. */
  #writing: Promise<void> = Promise.resolve();
  #unwrittenBytes = 0;
  readonly #waiting = new Map<number, ResultRow>();
  #batch: string[][] = [];
  #nextSeq = 0;
  #failure: Error | undefined;
  #state: 'open' | 'closing' | 'closed' | 'aborted' = 'open';

  constructor(outPath: string, file: AtomicFile) {
    this.#outPath = outPath;
    this.#file = file;
    this.#writeText(formatRecords([RESULT_COLUMNS]));
  }

  write(seq: number, row: ResultRow): void {
    if (this.#state !== 'open') throw new ResultsError('results_closed', `results file ${this.#outPath} is already closed`, 3);
    if (this.#failure) throw this.#failure;
    if (!Number.isSafeInteger(seq) || seq < this.#nextSeq || this.#waiting.has(seq)) {
      throw new ResultsError(
        'results_duplicate_row',
        `results row seq ${seq} (line ${row.line}, reference ${row.reference_id}) was written twice or is not a valid position`,
        3,
        { path: this.#outPath, line: row.line },
      );
    }
    if (seq !== this.#nextSeq) {
      this.#waiting.set(seq, row);
      return;
    }
    this.#emit(row);
    for (let next = this.#waiting.get(this.#nextSeq); next; next = this.#waiting.get(this.#nextSeq)) {
      this.#waiting.delete(this.#nextSeq);
      this.#emit(next);
    }
  }

  pending(): number {
    return this.#waiting.size;
  }

  async ready(): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (this.#unwrittenBytes > HIGH_WATER_BYTES) await this.#writing;
    if (this.#failure) throw this.#failure;
  }

  async close(options: { expectedRows?: number } = {}): Promise<{ rows: number }> {
    if (this.#state !== 'open') throw new ResultsError('results_closed', `results file ${this.#outPath} is already closed`, 3);
    const missing = this.#firstMissingSeq(options.expectedRows);
    if (missing !== undefined) {
      const error = new ResultsError(
        'results_row_missing',
        `the results of row seq ${missing} (0-based input position) were never written` +
          `${this.#waiting.size > 0 ? `, though ${this.#waiting.size} later rows were` : ''}; ` +
          `${this.#outPath} was not replaced`,
        3,
        { path: this.#outPath },
      );
      await this.abort();
      throw error;
    }
    this.#state = 'closing';
    try {
      this.#flushBatch();
      await this.#writing;
      if (this.#failure) throw this.#failure;
      await this.#file.commit();
    } catch (error) {
      this.#state = 'open';
      await this.abort();
      throw this.#failure ?? this.#writeFailure(error);
    }
    this.#state = 'closed';
    return { rows: this.#nextSeq };
  }

  async abort(): Promise<void> {
    if (this.#state === 'closed' || this.#state === 'aborted') return;
    this.#state = 'aborted';
    this.#waiting.clear();
    this.#batch = [];
    await this.#writing;
    await this.#file.abort();
  }

  #emit(row: ResultRow): void {
    this.#batch.push(RESULT_COLUMNS.map((column) => cell(row[column])));
    this.#nextSeq += 1;
    if (this.#batch.length >= BATCH_ROWS) this.#flushBatch();
  }

  #flushBatch(): void {
    if (this.#batch.length === 0) return;
    this.#writeText(formatRecords(this.#batch));
    this.#batch = [];
  }

  #writeText(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    this.#unwrittenBytes += bytes.length;
    this.#writing = this.#writing.then(async () => {
      try {
        if (!this.#failure && this.#state !== 'aborted') await writeEveryByte(this.#file.handle, bytes);
      } catch (error) {
        this.#failure ??= this.#writeFailure(error);
      } finally {
        this.#unwrittenBytes -= bytes.length;
      }
    });
  }

  #firstMissingSeq(expectedRows: number | undefined): number | undefined {
    if (this.#waiting.size > 0) return this.#nextSeq;
    if (expectedRows !== undefined && this.#nextSeq < expectedRows) return this.#nextSeq;
    return undefined;
  }

  #writeFailure(error: unknown): ResultsError {
    return new ResultsError('results_write_failed', `could not write the results file ${this.#outPath}: ${messageOf(error)}`, 3, {
      path: this.#outPath,
    });
  }
}

/** Cells csv-stringify would quote (delimiter, quote, CR or LF); others it writes as they are. */
const NEEDS_QUOTING = /[",\r\n]/;

/**
 * Formats CSV records (comma, LF) exactly as csv-stringify does. Plain records, the vast majority,
 * are joined directly: csv-stringify costs about 6 µs per record, which is most of the time a
 * million-row results file takes. Records with a cell that needs quoting go through csv-stringify.
 */
export function formatRecords(records: readonly (readonly string[])[]): string {
  let text = '';
  for (const record of records) {
    text += record.some((cell) => NEEDS_QUOTING.test(cell)) ? stringify([record]) : record.join(',') + '\n';
  }
  return text;
}

function cell(value: string | number | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? escapeFormula(value) : String(value);
}

/** A cell a spreadsheet would run as a formula (OWASP): `=`, `+`, `-`, `@`, tab or CR first, after any quotes. */
const FORMULA = /^'*[=+\-@\t\r]/;

/**
 * `=HYPERLINK(…)` -> `'=HYPERLINK(…)`: a spreadsheet shows it as text instead of running it.
 * A cell already starting with quotes before such a character gets one more, so that
 * `unescapeFormula` gives back exactly what was written.
 */
export function escapeFormula(value: string): string {
  return FORMULA.test(value) ? `'${value}` : value;
}

/** The inverse of `escapeFormula`, for reading a results file back. */
export function unescapeFormula(value: string): string {
  return value.charCodeAt(0) === 39 && FORMULA.test(value) ? value.slice(1) : value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
