import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { csv, workspace, type Workspace } from '../helpers/workspace.js';

const HEADER = ['reference_id', 'service', 'currency', 'amount', 'fields.account', 'description'];

describe("a mistake in the input file is exit 2 naming the file, the line and the fix, and nothing is sent", () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('a stray double quote inside a cell (Refund 12" monitor)', async () => {
    ws = await workspace();
    const input = await ws.write('payouts.csv', csv(HEADER, [
      ['r1', 'test_usd', 'USD', '10.00', '12345', 'Refund'],
      ['r2', 'test_usd', 'USD', '12.00', '12345', 'Refund 12" monitor'],
      ['r3', 'test_usd', 'USD', '13.00', '12345', 'Refund'],
    ]));

    const r = await ws.cli(['run', input]);

    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).not.toContain('unexpected failure');
    expect(r.stderr).toContain(`${input} line 3, column description`);
    expect(r.stderr).toContain('"Refund 12"" monitor"');
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });

  it('a quote never closed names the line where it opens', async () => {
    ws = await workspace();
    const input = await ws.write('payouts.csv', `${HEADER.join(',')}\nr1,test_usd,USD,10.00,12345,"Refund\nr2,test_usd,USD,12.00,12345,x\n`);

    const r = await ws.cli(['run', input]);

    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${input} line 2, column description: a cell opens a double quote that is never closed`);
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });

  it('a header and no rows: the export looks empty', async () => {
    ws = await workspace();
    const input = await ws.write('payouts.csv', `${HEADER.join(',')}\r\n\r\n,,,,,\r\n`);

    const r = await ws.cli(['run', input]);

    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${input} has a header line but no payout rows: the export looks empty`);
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });

  it('a NUL byte past the first megabyte', async () => {
    ws = await workspace();
    const rows = Array.from({ length: 30_000 }, (_, i) => `ref-${i},test_usd,USD,1.00,12345,Refund for order ${i}`);
    rows.push('ref-x,test_usd,USD,1.00,12345,Refund\u0000');
    const input = ws.path('payouts.csv');
    await writeFile(input, `${HEADER.join(',')}\n${rows.join('\n')}\n`);

    const r = await ws.cli(['run', input]);

    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${input} is not a CSV file: it holds binary data (a NUL byte on line 30002)`);
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });
});

describe('a row with the wrong number of cells is malformed_row, keeps its reference, and says why', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('too many cells: an unquoted delimiter inside a value; too few: a missing cell', async () => {
    ws = await workspace();
    const input = await ws.write('payouts.csv', csv(HEADER, [
      ['ok-1', 'test_usd', 'USD', '10.00', '12345', 'Refund'],
      ['wide-1', 'test_usd', 'USD', '1,000.50', '12345', 'Refund'],
      ['narrow-1', 'test_usd', 'USD', '10.00', 'Refund'],
    ]));

    const r = await ws.cli(['run', input]);

    expect(r.code, r.stderr).toBe(1);
    const results = await ws.results();
    expect(results.map((row) => [row['line'], row['reference_id'], row['outcome'], row['error_code']])).toEqual([
      ['2', 'ok-1', 'processed', ''],
      ['3', 'wide-1', 'invalid', 'malformed_row'],
      ['4', 'narrow-1', 'invalid', 'malformed_row'],
    ]);
    expect(results[1]!['error_message']).toBe(
      'line 3 has 7 cells, the header has 6: a value holds an unquoted "," (like 1,000.50 or Smith, John) and was split in two: enclose that value in double quotes',
    );
    expect(results[2]!['error_message']).toContain('line 4 has 5 cells, the header has 6: a cell is missing: give every row 6 cells');
    expect(ws.sandbox.counters.requests.create).toBe(1);
  });
});
