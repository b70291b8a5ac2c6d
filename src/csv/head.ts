/**
 * The head of the input file: read before any row so a file that cannot work is refused at once.
 */
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { knownColumnCount } from './columns.js';
import { InputError } from './input-error.js';
import { countNewlines, firstInvalidUtf8 } from './utf8.js';

export type Delimiter = ',' | ';';

const HEAD_BYTES = 1 << 20;

export interface Header {
  delimiter: Delimiter;
  /** The header cells, trimmed. */
  columns: string[];
}

/** Reads and checks the head of `path` and parses its header line. Throws InputError. */
export async function readHeader(path: string, delimiter?: Delimiter): Promise<Header> {
  const { bytes, complete } = await readHead(path);
  const text = decodeHead(path, bytes, complete);
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') {
    throw new InputError('empty_file', `${path} is empty: it needs a header line (reference_id,service,currency,amount,…) and one row per payout`, { path });
  }
  sniffNotCsv(path, body);
  if (!complete && !/[\r\n]/.test(body)) {
    throw new InputError('not_csv', `${path} is not a CSV file: its first line is longer than ${HEAD_BYTES} bytes`, { path });
  }
  if (delimiter) return { delimiter, columns: parseHeader(path, body, delimiter) };
  const comma = tryParseHeader(body, ',');
  const semicolon = tryParseHeader(body, ';');
  if (!comma && !semicolon) parseHeader(path, body, ','); // throws with csv-parse's reason
  if (!semicolon || (comma && knownColumnCount(comma) >= knownColumnCount(semicolon))) {
    return { delimiter: ',', columns: comma! };
  }
  return { delimiter: ';', columns: semicolon };
}

async function readHead(path: string): Promise<{ bytes: Buffer; complete: boolean }> {
  let handle;
  try {
    handle = await open(path, 'r');
    const buffer = Buffer.alloc(HEAD_BYTES);
    let filled = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, filled, HEAD_BYTES - filled, filled);
      if (bytesRead === 0) return { bytes: buffer.subarray(0, filled), complete: true };
      filled += bytesRead;
      if (filled === HEAD_BYTES) return { bytes: buffer, complete: false };
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    const why =
      code === 'ENOENT' ? 'it does not exist'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : code === 'EISDIR' ? 'it is a directory'
      : code;
    throw new InputError('unreadable_file', `cannot read the input file ${path}: ${why}; check the path and its permissions`, { path });
  } finally {
    await handle?.close();
  }
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
