import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { collect, csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

// A signal mid-reconcile, through the built CLI (only a process shows one): reconcile says so in one
// line, stops following (its waits end at once), journals and writes what it read, releases the
// lock and exits 3 (follow them again later), as run does.
describe('reconcile stopped by a signal', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('SIGINT while following with --wait: one line, the rows still processing written as they stand, lock released, exit 3', async () => {
    ws = await workspace({ processDelayMs: 600_000 });
    await ws.write('batch.csv', csv(HEADER, rows(30)));
    expect((await ws.cli(['run', 'batch.csv'])).code).toBe(0);
    const sent = ws.sandbox.counters.requests.create + ws.sandbox.counters.requests.process;
    const child = ws.spawnCli(['reconcile', 'batch.journal.jsonl', '--wait', '600']);
    const done = collect(child);
    // Every row read once: reconcile is now waiting to read them again (more than 10 waits at once).
    await vi.waitFor(() => expect(ws.sandbox.counters.requests.getInvoice).toBeGreaterThanOrEqual(30), { timeout: 20_000, interval: 5 });
    child.kill('SIGINT');
    const r = await done;
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('stopping:'))).toHaveLength(1);
    expect(r.stdout).toContain('Checked 30 invoices not final yet');
    expect(r.stdout).toContain('stopped by SIGINT before every payout was followed to its end (exit 3); 30 still processing.');
    expect(r.stderr).not.toMatch(/MaxListeners|unexpected/);
    expect((await readdir(ws.dir)).filter((f) => f.endsWith('.lock') || f.includes('.tmp-'))).toEqual([]);
    expect((await ws.results('batch.results.csv')).map((x) => x.outcome)).toEqual(Array(30).fill('submitted'));
    expect(ws.sandbox.counters.requests.create + ws.sandbox.counters.requests.process).toBe(sent);
    // The lock is free: reconcile runs again.
    expect((await ws.cli(['reconcile', 'batch.journal.jsonl'])).code).toBe(0);
  });
});
