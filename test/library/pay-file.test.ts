import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// The built entry point, as a package user imports it (npm test builds first).
import * as lib from '../../dist/index.js';
import type { PayFileOptions, ProgressUpdate, RunSummary, Sandbox } from '../../dist/index.js';
import { sandboxClock } from '../helpers/sandbox-clock.js';
import { csv, HEADER, rows, workspace } from '../helpers/workspace.js';

describe('payFile from the built entry point', () => {
  let dir: string;
  let sandbox: Sandbox;
  let config: NonNullable<PayFileOptions['config']>;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mp-lib-'));
    sandbox = await lib.startSandbox({ port: 0 });
    config = { apiUrl: sandbox.url, ...sandbox.credentials, cacheDir: join(dir, 'cache') };
  });
  afterEach(async () => {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('pays a file with only the config given, resolving to the summary and telling progress per row', async () => {
    await writeFile(join(dir, 'payouts.csv'), csv(HEADER, [...rows(3), ['bad', 'test_usd', 'USD', '-1', '1']]));
    const updates: ProgressUpdate[] = [];
    const summary = await lib.payFile('payouts.csv', { config, cwd: dir, env: { HOME: dir }, progress: (u) => updates.push(u) });
    expect(summary.exitCode).toBe(1);
    expect(summary.counts.processed).toBe(3);
    expect(summary.counts.invalid).toBe(1);
    expect(summary.totals).toEqual([{ currency: 'USD', rows: 3, requested: '6.75', processed: '6.75', fees: expect.stringMatching(/^\d+\.\d{2}$/) as unknown as string }]);
    expect(summary.results).toBe(join(dir, 'payouts.results.csv'));
    expect(summary.journal).toBe(join(dir, 'payouts.journal.jsonl'));
    expect(updates.map((u) => u.done)).toEqual([1, 2, 3, 4]);
    expect(updates.every((u) => u.total === 4)).toBe(true);
    expect(updates.map((u) => u.outcome).sort()).toEqual(['invalid', 'processed', 'processed', 'processed']);
    expect((await readFile(summary.results, 'utf8')).trim().split('\n')).toHaveLength(5);
    for (let i = 1; i <= 3; i += 1) expect(sandbox.counters.invoicesCreated.get(`ref-${i}`)).toBe(1);
  });

  it('resolves to the same object `run --json` prints', async () => {
    const ws = await workspace();
    try {
      await ws.write('payouts.csv', csv(HEADER, rows(2)));
      await ws.write('again.csv', csv(HEADER, rows(2, 'again')));
      const printed = JSON.parse((await ws.cli(['run', 'payouts.csv', '--json'])).stdout) as RunSummary;
      // The same payees and amounts under new references: allowed, or the repeat-payee guard holds them.
      const resolved = await lib.payFile(ws.path('again.csv'), { env: ws.env, allowRepeat: true });
      // Each run has its own id, times and request counts; the rest is the same object.
      const paths = ({ input, results, journal, runId: _id, startedAt: _s, finishedAt: _f, durationMs: _d, requests: _r, ...rest }: RunSummary): unknown => ({ rest, paths: [input, results, journal].map((p) => p?.replace(/^.*\/(payouts|again)/, '')) });
      expect(paths(resolved)).toEqual(paths(printed));
      expect(resolved.counts.processed).toBe(2);
    } finally {
      await ws.close();
    }
  });

  it('reads the environment when no config is given, and throws the typed error with its exit code', async () => {
    await writeFile(join(dir, 'payouts.csv'), csv(HEADER, rows(1)));
    const error = await lib.payFile('payouts.csv', { cwd: dir, env: { MILKYPAY_API_URL: sandbox.url } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(lib.UsageError);
    expect((error as InstanceType<typeof lib.UsageError>).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/MILKYPAY_PUBLIC_KEY(, \w+)* (is|are) not set/);
    const wrong = await lib.payFile('payouts.csv', { cwd: dir, env: { HOME: dir }, config: { ...config, secretKey: 'wrong' } }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(lib.PayoutsError);
    expect(lib.exitCodeOf(wrong)).toBe(2); // refused before anything was sent (SPEC §6)
    expect((wrong as Error).message).toContain('MILKYPAY_SECRET_KEY');
    expect(sandbox.counters.invoicesCreated.size).toBe(0);
  });

  it('an AbortSignal stops starting rows: the summary says stopped (exit 3) and a second call finishes every row once', async () => {
    await writeFile(join(dir, 'payouts.csv'), csv(HEADER, rows(40)));
    const stop = new AbortController();
    const first = await lib.payFile('payouts.csv', {
      config,
      cwd: dir,
      env: { HOME: dir },
      concurrency: 2,
      progress: (u) => {
        if (u.done === 5) stop.abort();
      },
      signal: stop.signal,
    });
    expect(first.exitCode).toBe(3);
    expect(first.stopped?.message).toMatch(/stopped/);
    expect(first.counts.not_started).toBeGreaterThan(0);
    expect(sandbox.counters.invoicesCreated.size).toBeLessThan(40);
    const second = await lib.payFile('payouts.csv', { config, cwd: dir, env: { HOME: dir } });
    expect(second.exitCode).toBe(0);
    expect(second.counts.processed).toBe(40);
    for (let i = 1; i <= 40; i += 1) expect(sandbox.counters.invoicesCreated.get(`ref-${i}`)).toBe(1);
  });

  it('reconcile reads what moved since the run', async () => {
    const clock = sandboxClock(); // stands still until the test moves it
    const slow = await lib.startSandbox({ port: 0, processDelayMs: 50, now: clock.now });
    try {
      await writeFile(join(dir, 'payouts.csv'), csv(HEADER, rows(2)));
      const slowConfig = { ...config, apiUrl: slow.url };
      const run = await lib.payFile('payouts.csv', { config: slowConfig, cwd: dir, env: { HOME: dir } });
      expect(run.counts.submitted).toBe(2);
      const options = { config: slowConfig, cwd: dir, env: { HOME: dir } };
      clock.advance(50); // the processing is over
      const report = await lib.reconcile('payouts.journal.jsonl', options);
      expect(report).toMatchObject({ checked: 2, changed: 2 });
      expect(report.results).toBe(join(dir, 'payouts.results.csv'));
      const outcomes = (parse(await readFile(report.results!), { columns: true }) as { outcome: string }[]).map((r) => r.outcome);
      expect(outcomes).toEqual(['processed', 'processed']);
    } finally {
      await slow.close();
    }
  });
});
