import { readFile } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { crashReport } from '../../src/commands/run-report.js';
import { RunClock } from '../../src/run/run-clock.js';
import { CLI, collect, csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

/** Loaded before the CLI: once the run prints its start line (before it sends), a throw in a callback. */
const THROW_ONCE_STARTED = `data:text/javascript,${encodeURIComponent(
  'const w = process.stdout.write.bind(process.stdout); let once = false; process.stdout.write = (...a) => { if (!once) { once = true; setImmediate(() => { throw new Error("boom mid-run"); }); } return w(...a); };',
)}`;

describe('a crash still leaves the run\'s report behind', () => {
  let ws: Workspace | undefined;
  afterEach(async () => {
    await ws?.close();
    ws = undefined;
  });

  it('the built CLI crashing mid-run exits 3 and writes the metrics file (exit code 3, last success kept)', async () => {
    ws = await workspace({ faults: { latencyMs: 20 } });
    await mkdir(ws.path('textfile'));
    await ws.write('textfile/payouts.prom', 'milkypay_payouts_last_success_timestamp_seconds 1796500000\n');
    await ws.write('payouts.csv', csv(HEADER, rows(20)));
    const child = spawn(process.execPath, ['--import', THROW_ONCE_STARTED, CLI, 'run', 'payouts.csv', '--concurrency', '1'], {
      cwd: ws.dir,
      env: { ...ws.env, MILKYPAY_METRICS_FILE: 'textfile/payouts.prom', MILKYPAY_LEDGER_DIR: ws.path('ledger') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const r = await collect(child);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('boom mid-run');
    const text = await readFile(ws.path('textfile/payouts.prom'), 'utf8');
    expect(text).toMatch(/^milkypay_payouts_last_run_exit_code 3$/m);
    expect(text).toMatch(/^milkypay_payouts_last_success_timestamp_seconds 1796500000$/m);
  });

  it('--json: the crash prints the one object, once, with error {code, message}', () => {
    let out = '';
    const io = { stdout: { write: (s: string) => ((out += s), true) }, stderr: process.stderr, env: {}, cwd: '/' } as never;
    const ctx = { io, clock: new RunClock(), json: true, metrics: undefined, input: 'payouts.csv' };
    crashReport(new Error('boom'), ctx);
    crashReport(new Error('again'), ctx);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ exitCode: 3, input: 'payouts.csv', error: { code: 'unexpected', message: expect.stringContaining('boom') } });
  });
});
