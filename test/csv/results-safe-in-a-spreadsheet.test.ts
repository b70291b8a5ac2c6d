import { readFile, stat } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { csv, HEADER, workspace, type Workspace } from '../helpers/workspace.js';

describe('the results CSV is safe to open in a spreadsheet', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('writes a reference a spreadsheet would run as a formula with a leading quote, and the file 0600', async () => {
    ws = await workspace();
    const formula = '=HYPERLINK("http://x","Click")';
    await ws.write('payouts.csv', csv(HEADER, [
      [`"${formula.replace(/"/g, '""')}"`, 'test_usd', 'USD', '25.00', '123456789'],
      ['@SUM(1+1)', 'test_usd', 'USD', '1.00', '123456789'],
      ['plain-1', 'test_usd', 'USD', '2.00', '123456789'],
    ]));

    const r = await ws.cli(['run', ws.path('payouts.csv')]);

    expect(r.code, r.stderr).toBe(0);
    expect(ws.sandbox.counters.requests.create).toBe(3);
    const results = await ws.results();
    expect(results.map((row) => row['reference_id'])).toEqual([`'${formula}`, "'@SUM(1+1)", 'plain-1']);
    expect(results.map((row) => row['outcome'])).toEqual(['processed', 'processed', 'processed']);
    expect(await readFile(ws.path('payouts.results.csv'), 'utf8')).not.toMatch(/^\d+,"?=/m);
    expect((await stat(ws.path('payouts.results.csv'))).mode & 0o777).toBe(0o600);
  });

  it('reconcile reads such a reference back and rewrites it escaped once, not twice', async () => {
    ws = await workspace({ processDelayMs: 60_000 });
    await ws.write('payouts.csv', csv(HEADER, [['+1-555', 'test_usd', 'USD', '25.00', '123456789']]));
    expect((await ws.cli(['run', ws.path('payouts.csv')])).code).toBe(0);
    expect((await ws.results())[0]).toMatchObject({ reference_id: "'+1-555", outcome: 'submitted' });

    const r = await ws.cli(['reconcile', ws.path('payouts.journal.jsonl')]);

    expect(r.code, r.stderr).toBe(0);
    expect((await ws.results())[0]).toMatchObject({ reference_id: "'+1-555", outcome: 'submitted' });
  });
});
