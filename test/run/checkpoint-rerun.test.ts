import { existsSync } from 'node:fs';
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/sandbox-types.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

const FROM_CHECKPOINT = /"checkpoint":true/;

function invoiceRequests(ws: Workspace): number {
  const r = ws.sandbox.counters.requests;
  return r.create + r.process + r.getInvoice + r.listInvoices;
}

/** The summary `run --json` printed. */
/** The run's summary, without what differs from one run to the next (its id, times and request counts). */
function summaryOf(stdout: string): Record<string, unknown> {
  const { runId: _id, startedAt: _s, finishedAt: _f, durationMs: _d, requests: _r, ...summary } = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  return summary;
}

describe('the checkpoint of a finished batch', () => {
  let ws: Workspace;
  const others: Sandbox[] = [];
  afterEach(async () => {
    await Promise.all(others.splice(0).map((s) => s.close()));
    await ws.close();
  });

  async function paidBatch(count = 20): Promise<void> {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(count)));
    const first = await ws.cli(['run', 'payouts.csv', '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(ws.path('payouts.journal.jsonl.checkpoint'))).toBe(true);
  }

  it('answers an unchanged rerun with no request, the same results file and the summary the full path prints', async () => {
    await paidBatch();
    const results = await readFile(ws.path('payouts.results.csv'), 'utf8');
    const before = invoiceRequests(ws);
    const fast = await ws.cli(['run', 'payouts.csv', '--json']);
    expect(fast.code, fast.stderr).toBe(0);
    expect(fast.stderr).toMatch(FROM_CHECKPOINT);
    expect(invoiceRequests(ws)).toBe(before);
    expect(await readFile(ws.path('payouts.results.csv'), 'utf8')).toBe(results);

    await rm(ws.path('payouts.journal.jsonl.checkpoint'));
    const full = await ws.cli(['run', 'payouts.csv', '--json']);
    expect(full.stderr).not.toMatch(FROM_CHECKPOINT);
    expect(await readFile(ws.path('payouts.results.csv'), 'utf8')).toBe(results);
    expect(summaryOf(fast.stdout)).toEqual(summaryOf(full.stdout));
    expect(summaryOf(fast.stdout)).toMatchObject({ sent: 0, plan: { send: 0, settled: 20 } });
  });

  it('finishes a batch that needs a person (a failed and a partial payout, exit 1) through the same summary as the full path', async () => {
    ws = await workspace();
    const header = [...HEADER, 'fields.test_details_payout_status'];
    const data = rows(6).map((r, i) => [...r, i === 1 ? 'process-failed' : i === 4 ? 'partially-processed' : '']);
    await ws.write('payouts.csv', csv(header, data));
    const first = await ws.cli(['run', 'payouts.csv', '--json']);
    expect(first.code, first.stderr).toBe(1);
    expect(existsSync(ws.path('payouts.journal.jsonl.checkpoint'))).toBe(true);
    const fast = await ws.cli(['run', 'payouts.csv', '--json']);
    expect(fast.stderr).toMatch(FROM_CHECKPOINT);
    await rm(ws.path('payouts.journal.jsonl.checkpoint'));
    const full = await ws.cli(['run', 'payouts.csv', '--json']);
    expect(full.stderr).not.toMatch(FROM_CHECKPOINT);
    expect(summaryOf(fast.stdout)).toEqual(summaryOf(full.stdout));
    expect(summaryOf(fast.stdout)).toMatchObject({ exitCode: 1, sent: 0, plan: { send: 0, settled: 6 }, counts: { failed: 1, partial: 1, processed: 4 } });
    expect((summaryOf(fast.stdout)['problems'] as unknown[]).length).toBe(2);
    expect(fast.code).toBe(1);
  });

  it('is ignored once the journal grew', async () => {
    await paidBatch(3);
    const line = JSON.stringify({ v: 2, ref: 'ref-1', state: 'processed', fp: 'x', line: 2, at: '2026-01-01T00:00:00.000Z' });
    await appendFile(ws.path('payouts.journal.jsonl'), `${line}\n`);
    const r = await ws.cli(['run', 'payouts.csv']);
    expect(r.stderr).not.toMatch(FROM_CHECKPOINT);
    expect(r.code).toBe(1); // the appended line's fingerprint does not match ref-1 any more: a conflict
  });

  it('is ignored when the journal changed in place, size unchanged', async () => {
    await paidBatch(3);
    const text = await readFile(ws.path('payouts.journal.jsonl'), 'utf8');
    const changed = text.replace(/"at":"(\d)/, (_m, d: string) => `"at":"${(Number(d) + 1) % 10}`);
    expect(changed.length).toBe(text.length);
    expect(changed).not.toBe(text);
    await writeFile(ws.path('payouts.journal.jsonl'), changed);
    const r = await ws.cli(['run', 'payouts.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(FROM_CHECKPOINT);
  });

  it('still answers a rerun when the journal and results were rewritten with the same bytes (the bytes decide)', async () => {
    await paidBatch(3);
    for (const name of ['payouts.journal.jsonl', 'payouts.results.csv']) {
      const text = await readFile(ws.path(name));
      await rm(ws.path(name));
      await writeFile(ws.path(name), text, { mode: 0o600 }); // another inode and other times, the same bytes
    }
    const r = await ws.cli(['run', 'payouts.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(FROM_CHECKPOINT);
  });

  it('is ignored when the input changed: the changed row is a conflict, found by the full path', async () => {
    await paidBatch(3);
    const changed = rows(3);
    changed[1]![3] = '999.00';
    await ws.write('payouts.csv', csv(HEADER, changed));
    const r = await ws.cli(['run', 'payouts.csv']);
    expect(r.stderr).not.toMatch(FROM_CHECKPOINT);
    expect(r.code).toBe(1);
    expect((await ws.results()).map((x) => x.outcome)).toEqual(['processed', 'conflict', 'processed']);
  });

  it('is ignored for another API: the journal is refused as without it (exit 2)', async () => {
    await paidBatch(3);
    const other = await startSandbox({ port: 0 });
    others.push(other);
    const r = await ws.cli(['run', 'payouts.csv'], { env: { MILKYPAY_API_URL: other.url } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/belongs to test mode/);
    expect(r.stderr).not.toMatch(FROM_CHECKPOINT);
  });

  it('is ignored when the results file is gone or changed, which the full path writes again', async () => {
    await paidBatch(3);
    const results = await readFile(ws.path('payouts.results.csv'), 'utf8');
    await writeFile(ws.path('payouts.results.csv'), results.replace('processed', 'PROCESSED'));
    const r = await ws.cli(['run', 'payouts.csv']);
    expect(r.stderr).not.toMatch(FROM_CHECKPOINT);
    expect(await readFile(ws.path('payouts.results.csv'), 'utf8')).toBe(results);
    await rm(ws.path('payouts.results.csv'));
    expect((await ws.cli(['run', 'payouts.csv'])).code).toBe(0);
    expect(await readFile(ws.path('payouts.results.csv'), 'utf8')).toBe(results);
  });

  it('is ignored when the options differ, and still applies the gates', async () => {
    await paidBatch(3);
    const r = await ws.cli(['run', 'payouts.csv', '--no-process']);
    expect(r.stderr).not.toMatch(FROM_CHECKPOINT);
    // Nothing to send: no cap is exceeded, and the control totals still count the settled rows.
    expect((await ws.cli(['run', 'payouts.csv', '--max-total', 'USD:1.00'])).code).toBe(0);
    const gated = await ws.cli(['run', 'payouts.csv', '--expect-count', '4']);
    expect(gated.code).toBe(2);
    expect(gated.stderr).toMatch(/pays 3 valid rows \(0 to send, 3 settled before\) but --expect-count says 4/);
  });

  it('is not written when rows are left to do, and is removed by such a run', async () => {
    ws = await workspace();
    const data = rows(3);
    data[1]![4] = 'not-digits';
    await ws.write('payouts.csv', csv(HEADER, data));
    expect((await ws.cli(['run', 'payouts.csv'])).code).toBe(1);
    expect(existsSync(ws.path('payouts.journal.jsonl.checkpoint'))).toBe(false);
  });
});
