/**
 * The input CSV, streamed: `openInput` checks the head and the header at once (InputError,
 * exit 2), then `batches()` yields the data rows as records, with each one's first line in the
 * file. A run reads its private copy of the file (guards/input-snapshot.ts) once, in the check
 * before anything is sent; the paying pass reads the check's plans (run/plan-spool.ts).
 */
import { createReadStream } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { planColumns, type ColumnPlan, type ColumnTarget, type Layout } from './columns.js';
import { binaryError, delimiterArgument, delimiterName, encodingError, readHeader, type Delimiter, type Header } from './head.js';
import { strayQuoteAdvice } from './stray-quote.js';
import { InputError } from './input-error.js';
import { parseKeyValueCell } from './key-value-cell.js';
import { checkedUtf8 } from './utf8.js';
import { readBatches } from './batches.js';
import { shellQuote } from '../ui/shell-quote.js';
import type { InputRecord } from '../rules/input-record.js';

export interface InputFile {
  path: string;
  layout: Layout;
  delimiter: Delimiter;
  /** The header's column names, trimmed, in file order. */
  columns: string[];
  /** Columns this tool does not read (warn once). */
  ignoredColumns: string[];
  /** The data records in file order, in batches (what was parsed so far); each call reads the file afresh. */
  batches(): AsyncIterable<InputRecord[]>;
}

export interface OpenInputOptions {
  delimiter?: Delimiter;
  /** Columns to leave out (`--ignore-column`), in any spelling. */
  ignoreColumns?: readonly string[];
  /** Read the bytes from this file (the run's private copy); messages still name `path`. */
  readFrom?: string;
}

/** Opens `path` and checks its header; throws InputError when the file cannot be used. */
export async function openInput(path: string, opts: OpenInputOptions = {}): Promise<InputFile> {
  const source = opts.readFrom ?? path;
  const header = await readHeader(path, opts.delimiter, source);
  const plan = planColumns(header.columns, opts.ignoreColumns);
  checkPlan(path, plan, header, opts.delimiter);
  if (!(await hasRecord(readBatchesOf(path, source, header, plan)))) {
    throw new InputError(
      'no_rows',
      `${path} has a header line but no payout rows: the export looks empty, so nothing was sent. ` +
        'Check the job or export that wrote it (an empty export is usually a failed one); if there is really nothing to pay, do not run the file.',
      { path, line: 1 },
    );
  }
  return {
    path,
    layout: plan.layout,
    delimiter: header.delimiter,
    columns: plan.columns,
    ignoredColumns: plan.ignoredColumns,
    batches: () => readBatchesOf(path, source, header, plan),
  };
}

function checkPlan(path: string, plan: ColumnPlan, header: Header, given: Delimiter | undefined): void {
  const found = plan.columns.length ? plan.columns.join(', ') : '(none)';
  if (plan.requiredIgnored.length) {
    const [first] = plan.requiredIgnored;
    throw new InputError('bad_ignore_column', `--ignore-column ${first}: ${first} is a required column, it cannot be left out`, { path, line: 1, column: first! });
  }
  if (plan.typos.length) {
    const each = plan.typos.map((t) => `the column "${t.column}" is not one this tool reads: did you mean ${t.meant}?`);
    const flags = plan.typos.map((t) => `--ignore-column ${shellQuote(t.column)}`).join(' ');
    throw new InputError(
      'unknown_column',
      `${path}: ${each.join('; ')} Rename it in the header line, or pass ${flags} to leave it out (nothing in it is sent).`,
      { path, line: 1, column: plan.typos[0]!.column },
    );
  }
  if (plan.missing.length) {
    const what = plan.missing.length === 1 ? 'column' : 'columns';
    throw new InputError(
      'missing_column',
      `${path} lacks the required ${what} ${plan.missing.join(', ')}; the header has: ${found}. ` +
        (delimiterAdvice(header, given) ?? `Add the ${what} to the header line.`),
      { path, line: 1, column: plan.missing[0] ?? '' },
    );
  }
  if (plan.duplicates.length) {
    throw new InputError(
      'duplicate_column',
      `${path} has the column ${plan.duplicates.join(', ')} more than once; keep one of each`,
      { path, line: 1, column: plan.duplicates[0] ?? '' },
    );
  }
}

/** When the header is separated by another delimiter than the one used: the fix that works. */
function delimiterAdvice(header: Header, given: Delimiter | undefined): string | undefined {
  const fits = (Object.keys(header.alternatives) as Delimiter[]).find((d) => d !== header.delimiter && planColumns(header.alternatives[d]!).missing.length === 0);
  if (fits && given !== undefined) {
    return `Its header line is separated by ${delimiterName(fits)}: drop --delimiter ${delimiterArgument(given)} (the delimiter is found from the header), or pass --delimiter ${delimiterArgument(fits)}.`;
  }
  const only = header.alternatives[header.delimiter];
  const other = only?.length === 1 ? /[|:^~]/.exec(only[0]!)?.[0] : undefined;
  if (other) return `Its header line looks separated by ${JSON.stringify(other)}: this tool reads ",", ";" or tabs. Save the file as "CSV UTF-8" (comma-separated) and try again.`;
  return undefined;
}

/** Whether the file has a data record; reads only as far as the first one (the whole file when it has none). */
async function hasRecord(batches: AsyncGenerator<InputRecord[]>): Promise<boolean> {
  for await (const batch of batches) if (batch.length > 0) return true; // `return` stops the reader
  return false;
}

async function* readBatchesOf(path: string, source: string, header: Header, plan: ColumnPlan): AsyncGenerator<InputRecord[]> {
  const { delimiter } = header;
  const fail = (line: number, problem: 'encoding' | 'nul'): never => {
    throw problem === 'nul' ? binaryError(path, line) : encodingError(path, line);
  };
  const text = Readable.from(checkedUtf8(createReadStream(source), fail));
  // No `info: true`: its line count drifts on CRLF inside quoted cells and it costs a third of
  // the throughput; lines are counted here instead. Blank lines arrive as one empty cell.
  const parser = parse({ delimiter, bom: true, relax_column_count: true });
  pipeline(text, parser, () => {});

  const { targets } = plan;
  const width = targets.length;
  const referenceAt = targets.findIndex((t) => t.kind === 'cell' && t.key === 'reference_id');
  let lastLine = 0;
  let beforeHeader = header.sepLine ? 2 : 1; // an Excel `sep=` line, then the header
  try {
    for await (const rows of readBatches<string[]>(parser)) {
      const out: InputRecord[] = [];
      for (const cells of rows) {
        const line = lastLine + 1;
        lastLine = line + lineBreaksIn(cells);
        if (isBlank(cells)) continue;
        if (beforeHeader > 0) {
          beforeHeader--;
          continue;
        }
        if (cells.length !== width) {
          // Keep the reference found in its column, so the results row can be told apart.
          const reference = referenceAt === -1 ? undefined : cells[referenceAt];
          out.push({ line, cells: reference ? { reference_id: reference } : {}, malformed: wrongWidth(line, cells.length, width, delimiter) });
          continue;
        }
        const record = toRecord(line, cells, targets);
        if (record) out.push(record);
      }
      if (out.length > 0) yield out;
    }
  } catch (error) {
    throw await asInputError(path, error, lastLine + 1, plan.columns, delimiter);
  }
}

function wrongWidth(line: number, cells: number, width: number, delimiter: Delimiter): NonNullable<InputRecord['malformed']> {
  const count = `line ${line} has ${cells} ${cells === 1 ? 'cell' : 'cells'}, the header has ${width}`;
  const tab = delimiter === '\t';
  const advice =
    cells > width
      ? tab
        ? 'a value holds an unquoted tab and was split in two: enclose that value in double quotes'
        : `a value holds an unquoted "${delimiter}" (like 1${delimiter}000.50 or Smith${delimiter} John) and was split in two: enclose that value in double quotes`
      : `a cell is missing: give every row ${width} cells (${tab ? 'two tabs in a row are an empty cell' : `an empty cell is just "${delimiter}${delimiter}"`}), ` +
        'and enclose a value holding a line break in double quotes so it does not end the row';
  return { code: 'malformed_row', message: `${count}: ${advice}` };
}

/** Maps one row of cells; undefined for a row whose cells are all empty. */
function toRecord(line: number, row: string[], targets: ColumnTarget[]): InputRecord | undefined {
  const cells: Record<string, string> = {};
  let empty = true;
  let malformed: InputRecord['malformed'];
  for (let i = 0; i < row.length; i++) {
    const value = row[i]!;
    if (value === '') continue;
    empty = false;
    const target = targets[i]!;
    if (target.kind === 'cell') cells[target.key] = value;
    else if (target.kind === 'object') {
      const pairs = parseKeyValueCell(value);
      if ('error' in pairs) {
        malformed ??= { code: 'malformed_row', message: `line ${line}: ${pairs.error}` };
        continue;
      }
      for (const [key, v] of pairs) if (v !== '') cells[target.prefix + key] = v;
    }
  }
  if (empty) return undefined;
  return malformed ? { line, cells, malformed } : { line, cells };
}

function isBlank(cells: string[]): boolean {
  if (cells.length === 1) return cells[0]!.trim() === '';
  for (const c of cells) if (c !== '') return false;
  return true;
}

/** Line breaks inside quoted cells: `\n`, `\r\n` or a lone `\r` each count one. */
function lineBreaksIn(cells: string[]): number {
  let n = 0;
  for (const c of cells) {
    if (c.indexOf('\n') === -1 && c.indexOf('\r') === -1) continue;
    for (let i = 0; i < c.length; i++) {
      const ch = c.charCodeAt(i);
      if (ch === 10 || (ch === 13 && c.charCodeAt(i + 1) !== 10)) n++;
    }
  }
  return n;
}

/** csv-parse's errors and read errors as the tool's input error: the file, the line, the column and the fix. */
async function asInputError(path: string, error: unknown, line: number, columns: readonly string[], delimiter: Delimiter): Promise<unknown> {
  if (error instanceof InputError) return error;
  if (error instanceof CsvError) {
    const index = (error as CsvError & { index?: unknown }).index;
    const column = typeof index === 'number' && columns[index] !== undefined ? columns[index] : undefined;
    const where = `${path} line ${line}${column !== undefined ? `, column ${column}` : ''}`;
    const context = { path, line, ...(column !== undefined ? { column } : {}) };
    switch (error.code) {
      case 'INVALID_OPENING_QUOTE':
      case 'CSV_INVALID_CLOSING_QUOTE': {
        const problem = error.code === 'INVALID_OPENING_QUOTE' ? 'opening' : 'closing';
        const at = typeof index === 'number' ? index : undefined;
        return new InputError('invalid_csv', `${where}: ${await strayQuoteAdvice(problem, path, line, at, column, delimiter)}`, context);
      }
      case 'CSV_QUOTE_NOT_CLOSED':
        return new InputError(
          'invalid_csv',
          `${where}: a cell opens a double quote that is never closed, so the rest of the file would be read as one cell. ` +
            'Close the quote at the end of the cell, and double each quote inside a quoted cell ("like ""this""")',
          context,
        );
      default:
        return new InputError(
          'invalid_csv',
          `${where} is not valid CSV (${error.message}). ` +
            'Enclose a cell that holds a quote, the delimiter or a line break in double quotes and double its quotes ("like ""this""").',
          context,
        );
    }
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM' || code === 'EISDIR') {
    return new InputError('unreadable_file', `cannot read the input file ${path}: ${(error as Error).message}; check the path and its permissions`, { path });
  }
  return error;
}
