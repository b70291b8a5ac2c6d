import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

describe('configuration and the services command', () => {
  let ws: Workspace;
  beforeEach(async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(2)));
  });
  afterEach(async () => {
    await ws.close();
  });

  it('a missing variable exits 2 before any request, naming it', async () => {
    const r = await ws.cli(['run', 'payouts.csv'], { env: { MILKYPAY_SECRET_KEY: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('MILKYPAY_SECRET_KEY is not set');
    expect(Object.values(ws.sandbox.counters.requests).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('a malformed value exits 2 naming the variable and the rule', async () => {
    const r = await ws.cli(['run', 'payouts.csv'], { env: { MILKYPAY_PUBLIC_KEY: 'sk_oops' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/MILKYPAY_PUBLIC_KEY must look like pk_test_… or pk_live_…/);
    const url = await ws.cli(['run', 'payouts.csv'], { env: { MILKYPAY_API_URL: 'ftp://example.com/api' } });
    expect(url.code).toBe(2);
    expect(url.stderr).toContain('MILKYPAY_API_URL');
  });

  it('reads .env in the working directory; the environment wins over it', async () => {
    const lines = Object.entries(ws.env).filter(([k]) => k.startsWith('MILKYPAY_')).map(([k, v]) => `${k}=${v}`);
    await writeFile(ws.path('.env'), `${lines.join('\n')}\n`);
    const fromFile = await ws.cli(['run', 'payouts.csv'], { env: { MILKYPAY_API_URL: '', MILKYPAY_SECRET_KEY: '' } });
    expect(fromFile.code, fromFile.stderr).toBe(0);
    const overridden = await ws.cli(['services'], { env: { MILKYPAY_API_URL: 'http://127.0.0.1:1/api' } });
    expect(overridden.code).toBe(3);
    expect(overridden.stderr).toContain('ECONNREFUSED');
  });

  it('caches the service rules under the HOME of the environment it is given when MILKYPAY_CACHE_DIR is not set', async () => {
    const r = await ws.cli(['run', 'payouts.csv'], { env: { MILKYPAY_CACHE_DIR: '' } });
    expect(r.code, r.stderr).toBe(0);
    expect((await readdir(join(ws.dir, '.cache', 'milkypay-payouts'))).length).toBeGreaterThan(0);
  });

  it('services --currency lists each service with limits and normalised field rules', async () => {
    const r = await ws.cli(['services', '--currency', 'USD']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('swift_usd');
    expect(r.stdout).toContain('fields.account (required)  ^\\d{1,15}$');
    expect(r.stdout).toMatch(/bank_transfer_usd_disabled .*\[disabled/);
    const json = await ws.cli(['services', '--json']);
    const all = JSON.parse(json.stdout) as { service: string }[];
    expect(all).toHaveLength(168);
  });

  it('bad options exit 2 with a clear line', async () => {
    for (const args of [['run', 'payouts.csv', '--concurrency', '0'], ['run', 'payouts.csv', '--delimiter', '|'], ['run', 'payouts.csv', '--max-total', 'USD5000'], ['nope']]) {
      const r = await ws.cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^milkypay-payouts: /m);
    }
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });

  it.each([
    ['--max-total', 'ABC:1'],
    ['--max-total', 'XXX:1'],
    ['--expect-total', 'XTS:5'],
  ])('%s %s (not a currency that can be paid): exit 2 naming the option and the code, never an unexpected failure', async (option, value) => {
    const r = await ws.cli(['run', 'payouts.csv', '--dry-run', option, value]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).not.toContain('unexpected failure');
    expect(r.stderr).toContain(`${option} "${value}": ${value.slice(0, 3)} is not an ISO 4217 currency code`);
  });
});
