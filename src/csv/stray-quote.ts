/**
 * A stray double quote, shown in the user's own cell with that cell fixed: the line is read
 * again from the file (only on this error path) and the cell cut out of it as a person sees it.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { isSensitiveField } from '../mask.js';

export type QuoteProblem = 'opening' | 'closing';

const LONGEST_SHOWN = 200;

/** The advice for a stray quote in `column` (index `index`) of the record on `line`. */
export async function strayQuoteAdvice(problem: QuoteProblem, path: string, line: number, index: number | undefined, column: string | undefined, delimiter: string): Promise<string> {
  const cell = index === undefined || (column !== undefined && isPayeeColumn(column)) ? undefined : await cellOf(path, line, index, delimiter).catch(() => undefined);
  const fixed = cell === undefined ? undefined : `"${cell.replaceAll('"', '""')}"`;
  const reads = cell === undefined ? '' : ` (the cell reads ${cell})`;
  if (problem === 'opening') {
    return `a cell holds a double quote (") but does not start with one${reads}. Enclose the whole cell in double quotes and double each quote inside it: ${fixed ?? '"Refund 12"" monitor"'}`;
  }
  return `a quoted cell goes on after its closing quote${reads}. Enclose the whole cell in double quotes and double each quote inside it, those it starts with too: ${fixed ?? '"""12"" monitor"'}`;
}

/** Payee data is not repeated in a message (SPEC §9: no card or account number in logs). */
function isPayeeColumn(column: string): boolean {
  return column.toLowerCase().startsWith('fields') || isSensitiveField(column);
}

async function cellOf(path: string, line: number, index: number, delimiter: string): Promise<string | undefined> {
  const text = await lineOf(path, line);
  if (text === undefined) return undefined;
  let start = 0;
  for (let i = 0; i < index; i++) {
    const end = cellEnd(text, start, delimiter);
    if (end >= text.length) return undefined;
    start = end + delimiter.length;
  }
  const cell = text.slice(start, cellEnd(text, start, delimiter));
  return cell.length > 0 && cell.length <= LONGEST_SHOWN ? cell : undefined;
}

/** Where the cell starting at `start` ends: a quoted part is skipped to its closing quote, then up to the delimiter. */
function cellEnd(text: string, start: number, delimiter: string): number {
  let i = start;
  if (text[i] === '"') {
    i++;
    while (i < text.length && !(text[i] === '"' && text[i + 1] !== '"')) i += text[i] === '"' ? 2 : 1;
  }
  const next = text.indexOf(delimiter, i);
  return next === -1 ? text.length : next;
}

async function lineOf(path: string, wanted: number): Promise<string | undefined> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const text of lines) if (++n === wanted) return n === 1 ? text.replace(/^\uFEFF/, '') : text;
    return undefined;
  } finally {
    lines.close();
  }
}
