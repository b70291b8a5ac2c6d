import type { ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { collect, csv, HEADER, rows, workspace, type CliResult, type Workspace } from '../helpers/workspace.js';

/** Resolves once the child's stderr matches: the tests wait on what the process says, never on a clock. */
function waitForStderr(child: ChildProcess, pattern: RegExp): Promise<string> {
  let seen = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('utf8');
      if (pattern.test(seen)) {
        child.stderr?.off('data', onData);
        resolve(seen);
      }
    };
    child.stderr?.on('data', onData);
    child.once('close', () => reject(new Error(`exited before stderr matched ${pattern}:\n${seen}`)));
  });
}

async function leftovers(ws: Workspace): Promise<string[]> {
  return (await readdir(ws.dir)).filter((f) => f.endsWith('.lock') || f.includes('.tmp-'));
}

function expectEveryRowPaidOnce(ws: Workspace, count: number): void {
  for (let i = 1; i <= count; i += 1) {
    expect(ws.sandbox.counters.invoicesCreated.get(`ref-${i}`), `ref-${i}`).toBe(1);
    expect(ws.sandbox.counters.processed.get(`ref-${i}`), `ref-${i}`).toBe(1);
  }
}

describe('stopping on a signal, through the built CLI', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('first Ctrl-C: one line, rows never sent end not_started with no log line each, exit 3; a rerun pays each row once', async () => {
    ws = await workspace({ faults: { latencyMs: 30 } });
    await ws.write('payouts.csv', csv(HEADER, rows(200)));
    const child = ws.spawnCli(['run', 'payouts.csv', '--concurrency', '4'], { MILKYPAY_PROGRESS_INTERVAL_MS: '20' });
    const done = collect(child);
    await waitForStderr(child, /"msg":"([1-9]\d*)\/200 rows/);
    child.kill('SIGINT');
    const r: CliResult = await done;
    expect(r.code, r.stderr).toBe(3);
    const stopping = r.stderr.split('\n').filter((l) => l.startsWith('stopping:'));
    expect(stopping).toHaveLength(1);
    // The count is taken at the signal: between two requests of the same rows it can be none.
    expect(stopping[0]).toMatch(/^stopping: (finishing \d+ payouts?|no payout) in flight; press Ctrl-C again to force$/);
    const results = await ws.results();
    expect(results).toHaveLength(200);
    const notStarted = results.filter((x) => x.outcome === 'not_started');
    // At least one row (200 rows take seconds at 30 ms; how many depends on when a busy machine delivers the signal).
    expect(notStarted.length).toBeGreaterThan(0);
    expect(results.every((x) => ['processed', 'submitted', 'not_started', 'error'].includes(x.outcome!))).toBe(true);
    for (const row of notStarted) expect(ws.sandbox.counters.createRequests.get(row.reference_id!)).toBeUndefined();
    // No WARN block per row never started: the log holds at most the rows that were in flight.
    const warnings = r.stderr.split('\n').filter((l) => l.includes('"level":40'));
    expect(warnings.length).toBeLessThanOrEqual(8);
    expect(r.stdout).toMatch(new RegExp(`not_started ${notStarted.length}`));
    expect(r.stdout).not.toMatch(/\berror \d{2,}/);
    expect(await leftovers(ws)).toEqual([]);

    ws.sandbox.setFaults({});
    const again = await ws.cli(['run', 'payouts.csv', '--concurrency', '16']);
    expect(again.code, again.stderr).toBe(0);
    expectEveryRowPaidOnce(ws, 200);
  });

  it('second Ctrl-C forces the stop: one line, lock and temporary files gone, progress line ended, exit 3; a rerun pays each row once', async () => {
    // The sandbox holds the first 8 creates (until it closes): whenever the signals land, 8 payouts are in flight.
    ws = await workspace({ faults: { script: [{ endpoint: 'create', kind: 'delay', delayMs: 600_000, times: 8 }] } });
    await ws.write('payouts.csv', csv(HEADER, rows(60)));
    await mkdir(ws.path('tmp')); // where the run keeps the private copy of its input
    const child = ws.spawnCli(['run', 'payouts.csv', '--concurrency', '8'], { MILKYPAY_PROGRESS_INTERVAL_MS: '20', TMPDIR: ws.path('tmp') });
    const done = collect(child);
    await vi.waitFor(() => expect(ws.sandbox.counters.requests.create).toBe(8), { timeout: 20_000, interval: 5 });
    expect(await readdir(ws.path('tmp'))).toEqual([expect.stringMatching(/^milkypay-payouts-input-/)]);
    child.kill('SIGINT');
    await waitForStderr(child, /^stopping: finishing 8 payouts in flight; press Ctrl-C again to force$/m);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(3);
    expect(r.signal).toBeNull();
    expect(r.stderr.endsWith('milkypay-payouts: forced stop: the journal is consistent; rerun the same command\n')).toBe(true);
    expect(r.stderr).not.toContain('unexpected failure');
    expect(await leftovers(ws)).toEqual([]);
    expect(await readdir(ws.path('tmp'))).toEqual([]);
    expect(ws.sandbox.counters.requests.create).toBe(8); // nothing was sent after the signals
    const again = await ws.cli(['run', 'payouts.csv', '--concurrency', '16']);
    expect(again.code, again.stderr).toBe(0);
    expectEveryRowPaidOnce(ws, 60);
  });

  it('SIGTERM while validating a large file stops at the next batch, not at the end of the file: nothing sent, lock released', async () => {
    ws = await workspace();
    const lines = ['reference_id,service,currency,amount,fields.account'];
    for (let i = 1; i <= 300_000; i += 1) lines.push(`ref-${i},test_usd,USD,${(i % 50) + 1}.25,${100000 + i}`);
    await writeFile(ws.path('big.csv'), `${lines.join('\n')}\n`);
    const child = ws.spawnCli(['run', 'big.csv']);
    const done = collect(child);
    await waitForStderr(child, /"msg":"validating /);
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/^stopping: no payout in flight; send SIGTERM again to force$/m);
    // Only a stop between two batches of the first pass says this: a run that read on to the end of
    // the file (4.7 s for these 300,000 rows on a quiet machine) would go on to the paying pass,
    // end its rows not_started and write a results file.
    expect(r.stderr).toMatch(/while validating the file: nothing was sent/);
    expect(ws.sandbox.counters.requests.create).toBe(0);
    expect(await leftovers(ws)).toEqual([]);
    await expect(readFile(ws.path('big.results.csv'))).rejects.toThrow();
  }, 120_000);
});
