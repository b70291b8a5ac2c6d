import { mkdir, readdir, readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { lastSuccessIn, metricsText, secondsText } from '../../src/metrics/metrics-text.js';
import { csv, HEADER, workspace, type Workspace } from '../helpers/workspace.js';

/** The samples of a Prometheus text file: `name{labels}` -> value text; comments checked for shape. */
function parseMetrics(text: string): Map<string, string> {
  const samples = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      expect(line).toMatch(/^# (HELP|TYPE) milkypay_payouts_[a-z_]+ .+$/);
      continue;
    }
    const m = /^(milkypay_payouts_[a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    expect(m, line).not.toBeNull();
    samples.set(m![1]!, m![2]!);
  }
  return samples;
}

const PAYOUTS = csv(HEADER, [['a', 'test_usd', 'USD', '10.10', '800001'], ['b', 'test_usd', 'USD', '0.20', '800002'], ['c', 'test_eur', 'EUR', '5.00', '800003']]);

describe('--metrics-file / MILKYPAY_METRICS_FILE: the run in the Prometheus text format', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('a run that ends 0 writes its exit code, rows by outcome, exact amounts, duration, start and last success; a failed run keeps that last success', async () => {
    ws = await workspace();
    await mkdir(ws.path('textfile'));
    await ws.write('payouts.csv', PAYOUTS);
    const ok = await ws.cli(['run', 'payouts.csv', '--metrics-file', 'textfile/payouts.prom']);
    expect(ok.code, ok.stderr).toBe(0);
    const first = parseMetrics(await readFile(ws.path('textfile/payouts.prom'), 'utf8'));
    expect(first.get('milkypay_payouts_last_run_exit_code')).toBe('0');
    expect(first.get('milkypay_payouts_last_run_rows{outcome="processed"}')).toBe('3');
    expect(first.get('milkypay_payouts_last_run_rows{outcome="failed"}')).toBe('0');
    expect(first.get('milkypay_payouts_last_run_amount{currency="USD",kind="requested"}')).toBe('10.30'); // exact text, not 10.299999…
    expect(first.get('milkypay_payouts_last_run_amount{currency="EUR",kind="processed"}')).toBe('5.00');
    expect(Number(first.get('milkypay_payouts_last_run_requests{kind="total"}'))).toBeGreaterThan(0);
    const start = Number(first.get('milkypay_payouts_last_run_start_timestamp_seconds'));
    const duration = Number(first.get('milkypay_payouts_last_run_duration_seconds'));
    const success = first.get('milkypay_payouts_last_success_timestamp_seconds')!;
    expect(start).toBeGreaterThan(1.7e9);
    expect(Number(success)).toBeCloseTo(start + duration, 3);
    expect((await readdir(ws.path('textfile'))).sort()).toEqual(['payouts.prom']); // no temporary file left

    // From the environment this time; the run is refused (exit 2) and the file says so, last success kept.
    const refused = await ws.cli(['run', 'nope.csv'], { env: { MILKYPAY_METRICS_FILE: 'textfile/payouts.prom' } });
    expect(refused.code).toBe(2);
    const second = parseMetrics(await readFile(ws.path('textfile/payouts.prom'), 'utf8'));
    expect(second.get('milkypay_payouts_last_run_exit_code')).toBe('2');
    expect(second.get('milkypay_payouts_last_success_timestamp_seconds')).toBe(success);
    expect(Number(second.get('milkypay_payouts_last_run_start_timestamp_seconds'))).toBeGreaterThanOrEqual(start);
  });

  it('an incomplete run (exit 3) is written too, keeping the last success', async () => {
    ws = await workspace();
    await mkdir(ws.path('textfile'));
    await ws.write('payouts.csv', PAYOUTS);
    await ws.write('textfile/payouts.prom', 'milkypay_payouts_last_success_timestamp_seconds 1796500000.5\n');
    ws.sandbox.setFaults({ errorRates: { 500: 1 }, endpoints: ['create'] });
    const r = await ws.cli(['run', 'payouts.csv', '--metrics-file', 'textfile/payouts.prom']);
    expect(r.code, r.stderr).toBe(3);
    const m = parseMetrics(await readFile(ws.path('textfile/payouts.prom'), 'utf8'));
    expect(m.get('milkypay_payouts_last_run_exit_code')).toBe('3');
    expect(m.get('milkypay_payouts_last_run_rows{outcome="error"}')).toBe('3');
    expect(Number(m.get('milkypay_payouts_last_run_requests{kind="retries"}'))).toBeGreaterThan(0);
    expect(m.get('milkypay_payouts_last_success_timestamp_seconds')).toBe('1796500000.5');
  });

  it('a metrics file whose folder does not exist is exit 2 before anything is sent, naming the setting', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', PAYOUTS);
    const r = await ws.cli(['run', 'payouts.csv'], { env: { MILKYPAY_METRICS_FILE: 'missing/payouts.prom' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('MILKYPAY_METRICS_FILE');
    expect(r.stderr).toContain('missing');
    expect(ws.sandbox.counters.createRequests.size).toBe(0);
  });

  it('the text: exact seconds, escaped labels, the last success read back', () => {
    expect(secondsText(1796597325679)).toBe('1796597325.679');
    expect(secondsText(1796597325000)).toBe('1796597325');
    expect(secondsText(50)).toBe('0.05');
    const text = metricsText({ exitCode: 1, startedMs: 1000, durationMs: 1500, counts: { failed: 1 }, totals: [{ currency: 'A"\\\n', requested: '1', processed: '0', fees: '0' }], requests: { total: 1, retries: 0, rateLimited: 0 }, lastSuccess: '12.5' });
    expect(text).toContain('milkypay_payouts_last_run_amount{currency="A\\"\\\\\\n",kind="requested"} 1');
    expect(text.endsWith('\n')).toBe(true);
    expect(lastSuccessIn(text)).toBe('12.5');
    expect(lastSuccessIn('milkypay_payouts_last_success_timestamp_seconds_other 3\n')).toBeUndefined();
    expect(lastSuccessIn(undefined)).toBeUndefined();
  });
});
