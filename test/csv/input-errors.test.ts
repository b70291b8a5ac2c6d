import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openInput } from '../../src/csv/input.js';
import { InputError } from '../../src/csv/input-error.js';
import { collect, writeInput } from './input-helpers.js';

async function openError(path: string): Promise<InputError> {
  const error = await openInput(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

/** The error opening or reading `path` (opening reads as far as the first record). */
async function readError(path: string): Promise<InputError> {
  const error = await openInput(path)
    .then((file) => collect(file))
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

const HEADER = 'reference_id,service,currency,amount\n';

describe('openInput refuses a file it cannot use (exit 2, before any row)', () => {
  it('names a path that does not exist', async () => {
    const path = join(tmpdir(), 'no-such-dir-payouts', 'missing.csv');
    const e = await openError(path);
    expect(e).toMatchObject({ code: 'unreadable_file', exitCode: 2, path });
    expect(e.message).toContain(path);
    expect(e.message).toContain('does not exist');
  });

  it('refuses a directory', async () => {
    const e = await openError(mkdtempSync(join(tmpdir(), 'payouts-dir-')));
    expect(e.code).toBe('unreadable_file');
    expect(e.message).toContain('directory');
  });

  it.each([
    ['a zero-byte file', ''],
    ['a BOM only', '\uFEFF'],
    ['blank lines only', '\n\r\n  \n'],
  ])('refuses %s as empty', async (_, content) => {
    const e = await openError(writeInput(content));
    expect(e.code).toBe('empty_file');
    expect(e.message).toContain('header line');
  });

  it('names a missing required column and lists the columns found', async () => {
    const e = await openError(writeInput('reference_id,service,amount,fields.account\nr,s,1,2\n'));
    expect(e).toMatchObject({ code: 'missing_column', exitCode: 2 });
    expect(e.message).toContain('required column currency');
    expect(e.message).toContain('the header has: reference_id, service, amount, fields.account');
  });

  it('names every missing column of the dashboard layout', async () => {
    const e = await openError(writeInput('service,service_amount\nx,1\n'));
    expect(e.code).toBe('missing_column');
    expect(e.message).toContain('fields_data, reference_id');
  });

  it('refuses a column given twice', async () => {
    const e = await openError(writeInput('reference_id,service,currency,amount,amount\nr,s,USD,1,2\n'));
    expect(e.code).toBe('duplicate_column');
    expect(e.message).toContain('amount');
  });

  it.each([
    ['JSON', '[{"reference_id":"r1","amount":10}]', 'JSON'],
    ['a JSON object', '  {"payouts": []}\n', 'JSON'],
    ['HTML', '<!doctype html><html></html>', 'HTML'],
  ])('refuses %s as not CSV', async (_, content, word) => {
    const e = await openError(writeInput(content));
    expect(e.code).toBe('not_csv');
    expect(e.message).toContain(word);
  });

  it('refuses binary data (NUL bytes)', async () => {
    const e = await openError(writeInput(Uint8Array.from([0x72, 0x65, 0x66, 0x0a, 0x00, 0x01, 0x02])));
    expect(e.code).toBe('not_csv');
    expect(e.message).toContain('binary');
    expect(e.line).toBe(2);
  });

  it('recognises a spreadsheet workbook', async () => {
    const e = await openError(writeInput(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00])));
    expect(e.code).toBe('not_csv');
    expect(e.message).toContain('CSV UTF-8');
  });

  it('recognises UTF-16 text', async () => {
    const e = await openError(writeInput(Buffer.from('\uFEFFreference_id,service\n', 'utf16le')));
    expect(e.code).toBe('invalid_encoding');
    expect(e.message).toContain('UTF-16');
  });

  it('names the line of a non-UTF-8 byte near the start', async () => {
    const latin1 = Buffer.from(`${HEADER}r1,s,USD,1\nr2,s,USD,2,caf\xe9\n`, 'latin1');
    const e = await openError(writeInput(latin1));
    expect(e).toMatchObject({ code: 'invalid_encoding', line: 3, exitCode: 2 });
    expect(e.message).toContain('line 3');
    expect(e.message).toContain('UTF-8');
  });

  it('refuses a truncated multi-byte character at the end of a small file', async () => {
    const e = await openError(writeInput(Buffer.concat([Buffer.from(`${HEADER}r,s,USD,1\n`), Buffer.from([0xe2, 0x82])])));
    expect(e).toMatchObject({ code: 'invalid_encoding', line: 3 });
  });

  it('refuses a header that is not CSV', async () => {
    const e = await openError(writeInput('reference_id,"service"x,currency,amount\n'));
    expect(e).toMatchObject({ code: 'not_csv', line: 1, exitCode: 2 });
    expect(e.message).toContain('remove a stray double quote from the header line');
  });
});

describe('reading stops on a damaged file', () => {
  it('names the line of a non-UTF-8 byte far into the file (past the header check)', async () => {
    const rows: string[] = [];
    for (let i = 0; i < 40_000; i++) rows.push(`ref-${i},test_usd,USD,${i + 1}.25`); // ~1.1 MB
    const head = Buffer.from(HEADER + rows.join('\n') + '\n', 'utf8');
    const bad = Buffer.concat([head, Buffer.from([0x72, 0x2c, 0x73, 0x2c, 0x55, 0x53, 0x44, 0x2c, 0xff, 0x0a])]);
    expect(bad.length).toBeGreaterThan(1 << 20);
    const e = await readError(writeInput(bad));
    expect(e).toMatchObject({ code: 'invalid_encoding', line: 40_002 });
  });

  it('reports broken quoting as invalid CSV with a line and what to do', async () => {
    const e = await readError(writeInput(`${HEADER}r1,s,USD,1\nr2,s,"USD"x,1\n`));
    expect(e.code).toBe('invalid_csv');
    expect(e.line).toBe(3);
    expect(e.message).toContain('double quotes');
  });

  it('reports a quote never closed at the line and column where it opens', async () => {
    const e = await readError(writeInput(`${HEADER}r1,s,USD,1\nr2,s,USD,"1\nr3,s,USD,2\n`));
    expect(e).toMatchObject({ code: 'invalid_csv', line: 3, exitCode: 2, context: { column: 'amount' } });
    expect(e.message).toContain('line 3, column amount: a cell opens a double quote that is never closed');
  });

  it('reports a stray quote inside an unquoted cell with the fix, never echoing the value', async () => {
    const header = 'reference_id,service,currency,amount,fields.card_number\n';
    const e = await readError(writeInput(`${header}r1,s,USD,1,4111\nr2,s,USD,1,4111111111"111111\n`));
    expect(e).toMatchObject({ code: 'invalid_csv', line: 3, context: { column: 'fields.card_number' } });
    expect(e.message).toContain('line 3, column fields.card_number: a cell holds a double quote (") but does not start with one');
    expect(e.message).toContain('"Refund 12"" monitor"');
    expect(e.message).not.toContain('4111111111');
  });

  it('counts lines of quoted line breaks before the broken record', async () => {
    const e = await readError(writeInput(`reference_id,service,currency,amount\r\nr1,s,USD,"1\r\n\n"\r\n\r\nr2,s,"USD"x,1\r\n`));
    expect(e).toMatchObject({ code: 'invalid_csv', line: 6, context: { column: 'currency' } });
    expect(e.message).toContain('a quoted cell goes on after its closing quote');
  });

  it('suggests quoting the whole cell for a cell that goes on after its closing quote, every quote in it doubled (RFC 4180)', async () => {
    const e = await readError(writeInput(`reference_id,service,currency,amount,note\nr1,s,USD,1,"12" monitor\n`));
    expect(e).toMatchObject({ code: 'invalid_csv', line: 2, context: { column: 'note' } });
    expect(e.message).toContain('(the cell reads "12" monitor). ');
    // The cell `"12" monitor` written whole: its own two quotes doubled, inside one pair around it.
    expect(e.message).toMatch(/: """12"" monitor"$/);
  });

  it('refuses a NUL byte far past the head, naming its line', async () => {
    const rows: string[] = [];
    for (let i = 0; i < 40_000; i++) rows.push(`ref-${i},test_usd,USD,${i + 1}.25`);
    const e = await readError(writeInput(`${HEADER}${rows.join('\n')}\nr,s,USD\u0000,1\n`));
    expect(e).toMatchObject({ code: 'not_csv', line: 40_002 });
    expect(e.message).toContain('binary data (a NUL byte on line 40002)');
  });
});
