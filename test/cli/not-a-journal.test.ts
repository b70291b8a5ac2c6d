import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

describe('a file that is not a journal is never taken for one, nor rewritten', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it.each([
    ['a one-line file (looked like a torn journal line)', 'reference_id,service,currency,amount\n'],
    ['a one-line file without a newline', 'reference_id,service,currency,amount'],
    ['another payouts CSV', csv(HEADER, rows(2))],
  ])('run --journal naming %s: exit 2, the file left as it was, nothing sent', async (_what, text) => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(2)));
    const other = await ws.write('other.csv', text);
    const r = await ws.cli(['run', 'payouts.csv', '--journal', 'other.csv']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${other} is not a journal`);
    expect(r.stderr).not.toMatch(/delete that line/);
    expect(await readFile(other, 'utf8')).toBe(text);
    expect(ws.sandbox.counters.invoicesCreated.size).toBe(0);
  });

  it('reconcile given the input CSV by mistake: exit 2 saying it is not a journal, never advising to delete its lines', async () => {
    ws = await workspace();
    const text = csv(HEADER, rows(2));
    const input = await ws.write('payouts.csv', text);
    const r = await ws.cli(['reconcile', 'payouts.csv']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${input} is not a journal`);
    expect(r.stderr).not.toMatch(/delete that line/);
    expect(await readFile(input, 'utf8')).toBe(text);
  });
});
