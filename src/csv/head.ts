/**
 * The head of the input file: read before any row so a file that cannot work is refused at once.
 */
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { knownColumnCount } from './columns.js';
import { InputError } from './input-error.js';
import { countNewlines, firstInvalidUtf8 } from './utf8.js';

export type Delimiter = ',' | ';' | '\t';

const DELIMITERS: readonly Delimiter[] = [',', ';', '\t'];

const HEAD_BYTES = 1 << 20;

export interface Header {
  delimiter: Delimiter;
  /** The header cells, trimmed. */
  columns: string[];
  /** An Excel `sep=` line came first: it declares the delimiter and is not a row. */
  sepLine: boolean;
  /** The header line parsed with each delimiter it can be parsed with, for advice when columns are missing. */
  alternatives: Partial<Record<Delimiter, string[]>>;
}

/** How a message names a delimiter: `","`, `";"`, `tabs`. */
export function delimiterName(d: string): string {
  return d === '\t' ? 'tabs' : JSON.stringify(d);
}

/** The delimiter as `--delimiter` takes it on a command line: `','`, `';'`, `tab`. */
export function delimiterArgument(d: string): string {
  return d === '\t' ? 'tab' : `'${d}'`;
}

/** Reads and checks the head of `path` (its bytes read from `source`) and parses its header line. Throws InputError. */
export async function readHeader(path: string, delimiter?: Delimiter, source = path): Promise<Header> {
  const { bytes, complete } = await readHead(path, source);
  const text = decodeHead(path, bytes, complete);
  let body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') {
    throw new InputError('empty_file', `${path} is empty: it needs a header line (reference_id,service,currency,amount,…) and one row per payout`, { path });
  }
  sniffNotCsv(path, body);
  if (!complete && !/[\r\n]/.test(body)) {
    throw new InputError('not_csv', `${path} is not a CSV file: its first line is longer than ${HEAD_BYTES} bytes`, { path });
  }
  const declared = sepLineOf(path, body, delimiter);
  if (declared) body = body.slice(declared.length);
  const alternatives: Header['alternatives'] = {};
  for (const d of DELIMITERS) {
    const columns = tryParseHeader(body, d);
    if (columns) alternatives[d] = columns;
  }
  const chosen = declared?.delimiter ?? delimiter ?? bestDelimiter(alternatives);
  if (!chosen) parseHeader(path, body, ','); // throws with csv-parse's reason
  const columns = alternatives[chosen!] ?? parseHeader(path, body, chosen!);
  return { delimiter: chosen!, columns, sepLine: declared !== undefined, alternatives };
}

/** The delimiter under which the header names the most columns the tool knows (ties: `,`, then `;`). */
function bestDelimiter(alternatives: Header['alternatives']): Delimiter | undefined {
  let best: Delimiter | undefined;
  let known = -1;
  for (const d of DELIMITERS) {
    const columns = alternatives[d];
    if (columns && knownColumnCount(columns) > known) [best, known] = [d, knownColumnCount(columns)];
  }
  return best;
}

/** An Excel `sep=X` first line: the delimiter it declares and the line's length, line break included. */
function sepLineOf(path: string, body: string, given: Delimiter | undefined): { delimiter: Delimiter; length: number } | undefined {
  const m = /^sep=(.?)[^\S\r\n]*(\r\n|\n|\r|$)/i.exec(body);
  if (!m) return undefined;
  const d = m[1] as Delimiter;
  if (!DELIMITERS.includes(d)) {
    throw new InputError(
      'not_csv',
      `${path} declares its delimiter on line 1 as sep=${m[1]}, which this tool does not read: it reads ",", ";" or tabs; save it as "CSV UTF-8" (comma-separated) and try again`,
      { path, line: 1 },
    );
  }
  if (given !== undefined && given !== d) {
    throw new InputError(
      'not_csv',
      `${path} declares its delimiter on line 1 (sep=${m[1]}), and --delimiter ${delimiterArgument(given)} says otherwise: drop --delimiter (the file's own line decides)`,
      { path, line: 1 },
    );
  }
  return { delimiter: d, length: m[0].length };
}

async function readHead(path: string, source: string): Promise<{ bytes: Buffer; complete: boolean }> {
  let handle;
  try {
    handle = await open(source, 'r');
    const buffer = Buffer.alloc(HEAD_BYTES);
    let filled = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, filled, HEAD_BYTES - filled, filled);
      if (bytesRead === 0) return { bytes: buffer.subarray(0, filled), complete: true };
      filled += bytesRead;
      if (filled === HEAD_BYTES) return { bytes: buffer, complete: false };
    }
  } catch (error) {
    throw unreadableInput(path, error);
  } finally {
    await handle?.close();
  }
}

/** The input file cannot be opened or read (missing, a folder, no permission). */
export function unreadableInput(path: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
  const why =
    code === 'ENOENT' ? 'it does not exist'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EISDIR' ? 'it is a directory'
    : code;
  return new InputError('unreadable_file', `cannot read the input file ${path}: ${why}; check the path and its permissions`, { path });
}

function decodeHead(path: string, bytes: Buffer, complete: boolean): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InputError('invalid_encoding', `${path} is UTF-16 text, not UTF-8: save it as "CSV UTF-8" and try again`, { path, line: 1 });
  }
  const signature = bytes.subarray(0, 4).toString('latin1');
  if (signature === 'PK\u0003\u0004' || signature === '\u00d0\u00cf\u0011\u00e0') {
    throw new InputError('not_csv', `${path} is a spreadsheet workbook (Excel or similar), not CSV: save it as "CSV UTF-8" and try again`, { path });
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw binaryError(path, countNewlines(bytes, nul) + 1);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes, { stream: !complete });
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const line = countNewlines(bytes, bad === -1 ? bytes.length : bad) + 1;
    throw encodingError(path, line);
  }
}

/** A NUL byte: no text file has one; the file is binary or damaged. */
export function binaryError(path: string, line: number): InputError {
  return new InputError(
    'not_csv',
    `${path} is not a CSV file: it holds binary data (a NUL byte on line ${line}); export the payouts again as "CSV UTF-8"`,
    { path, line },
  );
}

export function encodingError(path: string, line: number): InputError {
  return new InputError(
    'invalid_encoding',
    `${path} line ${line} has bytes that are not UTF-8: save the file as "CSV UTF-8" (not Latin-1 or Windows-1252) and try again`,
    { path, line },
  );
}

function sniffNotCsv(path: string, body: string): void {
  const first = body.trimStart()[0];
  if (first === '{' || first === '[') {
    throw new InputError('not_csv', `${path} looks like JSON, not CSV: export the payouts as CSV with a header line (reference_id,service,currency,amount,…)`, { path });
  }
  if (first === '<') {
    throw new InputError('not_csv', `${path} looks like HTML or XML, not CSV: export the payouts as CSV with a header line (reference_id,service,currency,amount,…)`, { path });
  }
}

function tryParseHeader(body: string, delimiter: Delimiter): string[] | undefined {
  try {
    return parseHeaderCells(body, delimiter);
  } catch {
    return undefined;
  }
}

function parseHeader(path: string, body: string, delimiter: Delimiter): string[] {
  try {
    return parseHeaderCells(body, delimiter);
  } catch (error) {
    throw new InputError(
      'not_csv',
      `${path} is not a readable CSV file: its header line cannot be parsed (${(error as Error).message}). ` +
        'Column names need no quotes: remove a stray double quote from the header line, or enclose the whole name in double quotes and double the quote inside',
      { path, line: 1 },
    );
  }
}

function parseHeaderCells(body: string, delimiter: Delimiter): string[] {
  const rows = parse(body, { delimiter, to: 1, skip_empty_lines: true, relax_column_count: true }) as string[][];
  return (rows[0] ?? []).map((c) => c.trim());
}
