import { spawn } from 'node:child_process';
import { copyFile, cp, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CLI, collect } from '../helpers/workspace.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('the commands the README shows', () => {
  it('npm run demo (node dist/demo.js) pays the sample and leaves its results beside it', async () => {
    // The demo writes beside samples/payouts.csv: run a copy of the built tree, so the test writes only into a temporary folder.
    const dir = await mkdtemp(join(tmpdir(), 'mp-demo-'));
    try {
      await cp(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
      await cp(join(ROOT, 'samples/payouts.csv'), join(dir, 'samples/payouts.csv'));
      await cp(join(ROOT, 'package.json'), join(dir, 'package.json'));
      await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
      const r = await collect(spawn(process.execPath, ['dist/demo.js'], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir } }));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('Run finished: 12 rows · invalid 4 · processed 7 · failed 1');
      expect(r.stdout).toContain('USD: 4 valid rows · 543.50 requested · processed 524.75 · fees 4.95');
      const results = parse(await readFile(join(dir, 'samples/payouts.sandbox.results.csv')), { columns: true }) as Record<string, string>[];
      expect(results).toHaveLength(12);
      expect(results.filter((x) => x.outcome === 'failed').map((x) => x.reference_id)).toEqual(['aff-2026-11-0006']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the mass-refund sample: a dry run, then the run, against --sandbox', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mp-readme-'));
    try {
      await copyFile(join(ROOT, 'samples/refunds.csv'), join(dir, 'refunds.csv'));
      const env = { PATH: process.env.PATH, HOME: dir };
      const dry = await collect(spawn(process.execPath, [CLI, 'run', 'refunds.csv', '--sandbox', '--dry-run'], { cwd: dir, env }));
      expect(dry.code).toBe(1);
      expect(dry.stdout).toContain('Dry run finished: 5 rows · valid 4 · invalid 1');
      const paid = await collect(spawn(process.execPath, [CLI, 'run', 'refunds.csv', '--sandbox'], { cwd: dir, env }));
      expect(paid.code).toBe(1);
      const results = parse(await readFile(join(dir, 'refunds.sandbox.results.csv')), { columns: true }) as Record<string, string>[];
      expect(results.map((x) => x.outcome)).toEqual(['processed', 'processed', 'processed', 'invalid', 'processed']);
      expect(results[0]!.fee).toBe('0.60');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sandbox --port 0 prints its URL and credentials and serves the API until SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0'], { env: { PATH: process.env.PATH } });
    const done = collect(child);
    const out = await new Promise<string>((resolvePrinted, reject) => {
      let text = '';
      child.stdout!.on('data', (d: Buffer) => {
        text += d.toString();
        if (/MILKYPAY_SECRET_KEY=.+\n/.test(text)) resolvePrinted(text);
      });
      child.once('close', () => reject(new Error(`the sandbox exited before printing its credentials: ${text}`)));
    });
    const env = Object.fromEntries(out.split('\n').filter((l) => l.startsWith('MILKYPAY_')).map((l) => l.split('=') as [string, string]));
    expect(env.MILKYPAY_API_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    const res = await fetch(`${env.MILKYPAY_API_URL}/payout-prerequest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ currency: 'USD', public_key: env.MILKYPAY_PUBLIC_KEY }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { test_mode: boolean } };
    expect(body.data.test_mode).toBe(true);
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
  });
});
