import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { createResultsWriter, escapeFormula, formatRecords, ResultsError, unescapeFormula } from '../../src/csv/results.js';
import type { ResultRow } from '../../src/csv/results.js';

const HEADER = 'line,reference_id,outcome,invoice_id,status,resolution,service,currency,amount,fee,error_code,error_message';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function outPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'results-test-'));
  dirs.push(dir);
  return join(dir, 'payouts.results.csv');
}

function row(seq: number, extra: Partial<ResultRow> = {}): ResultRow {
  return { line: seq + 2, reference_id: `ref-${seq}`, outcome: 'processed', currency: 'USD', amount: '10.00', ...extra };
}

describe('the results CSV writer', () => {
  it('writes rows in input order whatever order they arrive in', async () => {
    const path = await outPath();
    const writer = await createResultsWriter(path);
    for (const seq of [2, 0, 4, 1, 3]) writer.write(seq, row(seq));
    expect(await writer.close()).toEqual({ rows: 5 });
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines.slice(1, 6).map((l) => l.split(',')[1])).toEqual(['ref-0', 'ref-1', 'ref-2', 'ref-3', 'ref-4']);
    expect(lines[1]).toBe('2,ref-0,processed,,,,,USD,10.00,,,');
    expect(lines[6]).toBe('');
  });

  it('holds back rows waiting for an earlier one, and lets them go once it arrives', async () => {
    const writer = await createResultsWriter(await outPath());
    writer.write(1, row(1));
    writer.write(3, row(3));
    expect(writer.pending()).toBe(2);
    writer.write(0, row(0));
    expect(writer.pending()).toBe(1); // 0 and 1 went out; 3 waits for 2
    writer.write(2, row(2));
    expect(writer.pending()).toBe(0);
    await writer.close();
  });

  it('quotes commas, quotes and newlines so the file reads back exactly', async () => {
    const path = await outPath();
    const writer = await createResultsWriter(path);
    const nasty = 'amount: must be > 0, got "1,5"\nsecond line\r\nthird';
    writer.write(0, row(0, { outcome: 'rejected', error_code: 'api_422', error_message: nasty, reference_id: 'a,"b"' }));
    writer.write(1, row(1, { service: 'Bank; transfer', fee: '0.30', resolution: 'ok' }));
    await writer.close();
    const records = parse(await readFile(path, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ reference_id: 'a,"b"', error_message: nasty, outcome: 'rejected', invoice_id: '' });
    expect(records[1]).toMatchObject({ service: 'Bank; transfer', fee: '0.30', resolution: 'ok', line: '3' });
  });

  it('leaves an old results file intact until close renames the new one over it', async () => {
    const path = await outPath();
    await writeFile(path, 'old results\n');
    const writer = await createResultsWriter(path);
    for (let seq = 0; seq < 2000; seq++) writer.write(seq, row(seq));
    await writer.ready();
    expect(await readFile(path, 'utf8')).toBe('old results\n');
    expect((await readdir(join(path, '..'))).some((name) => name.startsWith(`payouts.results.csv.tmp-${process.pid}-`))).toBe(true);
    await writer.close();
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(2002);
    expect(await readdir(join(path, '..'))).toEqual(['payouts.results.csv']);
  });

  it('abort removes the temp file and keeps the old results', async () => {
    const path = await outPath();
    await writeFile(path, 'old results\n');
    const writer = await createResultsWriter(path);
    writer.write(0, row(0));
    await writer.abort();
    await writer.abort();
    expect(await readFile(path, 'utf8')).toBe('old results\n');
    expect(await readdir(join(path, '..'))).toEqual(['payouts.results.csv']);
  });

  it('refuses to close with a row missing, naming its seq, and does not replace the old file', async () => {
    const path = await outPath();
    await writeFile(path, 'old results\n');
    const writer = await createResultsWriter(path);
    writer.write(0, row(0));
    writer.write(2, row(2));
    writer.write(3, row(3));
    const error = await writer.close().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResultsError);
    expect(error).toMatchObject({ code: 'results_row_missing' });
    expect((error as Error).message).toContain('row seq 1 ');
    expect((error as Error).message).toContain('2 later rows');
    expect(await readFile(path, 'utf8')).toBe('old results\n');
    expect(await readdir(join(path, '..'))).toEqual(['payouts.results.csv']);
  });

  it('refuses to close with fewer rows than expected', async () => {
    const writer = await createResultsWriter(await outPath());
    writer.write(0, row(0));
    await expect(writer.close({ expectedRows: 3 })).rejects.toThrow(/row seq 1 /);
  });

  it('refuses a row written twice', async () => {
    const writer = await createResultsWriter(await outPath());
    writer.write(0, row(0));
    writer.write(2, row(2));
    expect(() => writer.write(0, row(0))).toThrow(ResultsError);
    expect(() => writer.write(2, row(2))).toThrow(/written twice/);
    expect(() => writer.write(-1, row(0))).toThrow(ResultsError);
    await writer.abort();
  });

  it('refuses writes after close', async () => {
    const writer = await createResultsWriter(await outPath());
    await writer.close();
    expect(() => writer.write(0, row(0))).toThrow(/already closed/);
  });

  it('writes only the header for an empty batch', async () => {
    const path = await outPath();
    const writer = await createResultsWriter(path);
    expect(await writer.close()).toEqual({ rows: 0 });
    expect(await readFile(path, 'utf8')).toBe(`${HEADER}\n`);
  });

  it('says which file it cannot write when the directory is missing', async () => {
    const path = join(await outPath(), '..', 'missing', 'r.csv');
    const error = await createResultsWriter(path).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'results_unwritable', exitCode: 2 });
    expect((error as Error).message).toContain(path);
  });

  it('refuses to replace something that is not a regular file (a pipe here; /dev/null as root)', async () => {
    const path = await outPath();
    execFileSync('mkfifo', [path]);
    const error = await createResultsWriter(path).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'results_unwritable', exitCode: 2 });
    expect((error as Error).message).toMatch(/is not a regular file/);
    expect((await stat(path)).isFIFO()).toBe(true);
    expect(await readdir(join(path, '..'))).toEqual(['payouts.results.csv']);
  });

  it('removes the temporary file a killed run left (its process is gone), and keeps a live one\'s', async () => {
    const path = await outPath();
    await writeFile(`${path}.tmp-99999999`, 'line,reference_id\n2,half');
    await writeFile(`${path}.tmp-${process.ppid}`, 'line,reference_id\n');
    const writer = await createResultsWriter(path);
    await writer.close();
    expect((await readdir(join(path, '..'))).sort()).toEqual(['payouts.results.csv', `payouts.results.csv.tmp-${process.ppid}`]);
  });

  it('streams a large batch written in a shuffled window, awaiting backpressure', async () => {
    const path = await outPath();
    const writer = await createResultsWriter(path);
    const total = 100_000;
    const window = 64;
    let maxPending = 0;
    for (let base = 0; base < total; base += window) {
      const seqs = Array.from({ length: Math.min(window, total - base) }, (_, i) => base + i).reverse();
      for (const seq of seqs) writer.write(seq, row(seq, { invoice_id: `inv_${seq}` }));
      maxPending = Math.max(maxPending, writer.pending());
      await writer.ready();
    }
    expect(maxPending).toBe(0);
    expect(await writer.close()).toEqual({ rows: total });
    const text = await readFile(path, 'utf8');
    const lines = text.split('\n');
    expect(lines).toHaveLength(total + 2);
    expect(lines[total]).toBe(`${total + 1},ref-${total - 1},processed,inv_${total - 1},,,,USD,10.00,,,`);
  });
});

describe('formatting records', () => {
  it('gives exactly what csv-stringify gives, for plain and awkward cells alike', () => {
    const alphabet = ['a', 'Z', '0', ' ', ',', '"', '\n', '\r', ';', '=', '-', "'", '\t', 'é', '€', '😀', ''];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const records = Array.from({ length: 3000 }, () =>
      Array.from({ length: 12 }, () => Array.from({ length: random(6) }, () => alphabet[random(alphabet.length)]).join('')),
    );
    expect(formatRecords(records)).toBe(stringify(records));
    expect(records.some((r) => r.some((c) => c.includes('"')))).toBe(true);
  });
});

describe('cells a spreadsheet would run as formulas (OWASP CSV injection)', () => {
  it.each([
    ['=HYPERLINK("http://x","Click")', `'=HYPERLINK("http://x","Click")`],
    ['+1-555-0100', "'+1-555-0100"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tws-1', "'\tws-1"],
    ['\rws-1', "'\rws-1"],
    ["'=1", "''=1"],
    ["''-x", "'''-x"],
  ])('%j is written as %j', (value, written) => {
    expect(escapeFormula(value)).toBe(written);
    expect(unescapeFormula(written)).toBe(value);
  });

  it.each([['ref-1'], ['10.50'], ["'quoted"], ["it's"], ['a=b'], [''], ['line 3: amount "-5" must…']])('%j is left alone', (value) => {
    expect(escapeFormula(value)).toBe(value);
    expect(unescapeFormula(value)).toBe(value);
  });

  it('writes every text column escaped and reads back exactly with unescapeFormula', async () => {
    const path = await outPath();
    const writer = await createResultsWriter(path);
    writer.write(0, row(0, { reference_id: '=1+1', service: '@svc', error_code: '-x', error_message: '\tfirst,\r\nsecond', fee: '-0.30' }));
    await writer.close();
    const text = await readFile(path, 'utf8');
    expect(text.split('\n')[1]).toBe(`2,'=1+1,processed,,,,'@svc,USD,10.00,'-0.30,'-x,"'\tfirst,\r`);
    const records = parse(text, { columns: true, cast: (v: string) => unescapeFormula(v) }) as Record<string, string>[];
    expect(records[0]).toMatchObject({ reference_id: '=1+1', service: '@svc', error_code: '-x', error_message: '\tfirst,\r\nsecond', fee: '-0.30' });
  });

  it('creates the results file readable by its owner only, even over an old 0644 one', async () => {
    const path = await outPath();
    await writeFile(path, 'old', { mode: 0o644 });
    await writeFile(`${path}.tmp-${process.pid}`, 'stale', { mode: 0o644 });
    const writer = await createResultsWriter(path);
    writer.write(0, row(0));
    await writer.close();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});
