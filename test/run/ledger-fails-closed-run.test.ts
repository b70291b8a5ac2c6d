import { readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LedgerFiles } from '../../src/ledger/ledger-write.js';
import { createLogger } from '../../src/log.js';
import { runPayouts } from '../../src/run/pipeline.js';
import type { RunOptions } from '../../src/run/run-options.js';
import type { RunSummary } from '../../src/run/summary.js';
import { connect } from '../../src/wiring.js';
import { smallDisk } from '../helpers/ledger-disk.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

/** Rows long enough that the file is read in several batches (one ledger step each). */
function longRows(count: number, prefix: string): string[][] {
  return rows(count, prefix).map((r) => [...r, 'x'.repeat(150)]);
}
const LONG_HEADER = [...HEADER, 'description'];

describe('a run whose ledger cannot do its job', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  async function run(input: string, files?: LedgerFiles): Promise<RunSummary | { code: string; exitCode: number; message: string }> {
    const logger = await createLogger({ level: 'silent' });
    const ctx = await connect({}, { env: ws.env, cwd: ws.dir }, logger);
    const opts: RunOptions = {
      input: ws.path(input),
      concurrency: 4,
      dryRun: false,
      process: true,
      live: false,
      durable: false,
      gates: { maxTotal: [], expectTotal: [] },
      repeat: { ledgerRoot: ws.path('ledger'), windowMs: 3 * 86_400_000, windowText: '3d', allowAll: false, ...(files ? { files } : {}) },
    };
    try {
      return await runPayouts(opts, { api: ctx.api, rules: ctx.rules, logger, target: ctx.config, account: ctx.account });
    } catch (error) {
      return error as { code: string; exitCode: number; message: string };
    } finally {
      await ctx.close();
    }
  }

  async function ledgerRefs(): Promise<string[]> {
    const [account] = await readdir(ws.path('ledger'));
    const text = await readFile(join(ws.path('ledger'), account!, 'payouts.jsonl'), 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { ref: string }).ref);
  }

  it('a full disk before the first batch: exit 2, nothing sent, the message names the ledger and MILKYPAY_LEDGER_DIR', async () => {
    ws = await workspace();
    await ws.write('a.csv', csv(HEADER, rows(5, 'a')));
    const refused = (await run('a.csv', smallDisk({ room: 0 }))) as { code: string; exitCode: number; message: string };
    expect(refused.code).toBe('ledger_write_failed');
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toMatch(/ledger\/[0-9a-f]+\/payouts\.jsonl/);
    expect(refused.message).toContain('MILKYPAY_LEDGER_DIR');
    expect(refused.message).toContain('Nothing was sent in this run');
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });

  it('a full disk part-way: exit 3, every payout sent is in the ledger, and a second file of the same payees is held', async () => {
    ws = await workspace();
    await ws.write('a.csv', csv(LONG_HEADER, longRows(600, 'a')));
    // Room for the first batch's entries only.
    const stopped = (await run('a.csv', smallDisk({ chunk: 512, appends: 1 }))) as { code: string; exitCode: number; message: string };
    expect(stopped.code).toBe('ledger_write_failed');
    expect(stopped.exitCode).toBe(3);
    const created = ws.sandbox.invoices().map((i) => i.referenceId);
    expect(created.length).toBeGreaterThan(0);
    expect(created.length).toBeLessThan(600);
    const recorded = new Set(await ledgerRefs());
    expect(created.filter((ref) => !recorded.has(ref))).toEqual([]);
    // With room again the rerun pays the rest; the other export of the same payees is held whole.
    const rerun = (await run('a.csv')) as RunSummary;
    expect(rerun.exitCode).toBe(0);
    expect(ws.sandbox.invoices()).toHaveLength(600);
    await ws.write('b.csv', csv(LONG_HEADER, longRows(600, 'b')));
    const second = (await run('b.csv')) as RunSummary;
    expect(second.counts.repeat_payee).toBe(600);
    expect(ws.sandbox.invoices()).toHaveLength(600);
  });

  it('a missing secret or a damaged line stops the run before anything is sent (exit 2)', async () => {
    ws = await workspace();
    await ws.write('a.csv', csv(HEADER, rows(5, 'a')));
    expect(((await run('a.csv')) as RunSummary).exitCode).toBe(0);
    await ws.write('b.csv', csv(HEADER, rows(5, 'b')));
    const [account] = await readdir(ws.path('ledger'));
    const dir = join(ws.path('ledger'), account!);
    const lines = await readFile(join(dir, 'payouts.jsonl'), 'utf8');
    await writeFile(join(dir, 'payouts.jsonl'), lines.replace('"ref":"a-3"', '"ref":"a-3\u0000'));
    const damaged = (await run('b.csv')) as { code: string; exitCode: number; message: string };
    expect(damaged).toMatchObject({ code: 'ledger_damaged', exitCode: 2 });
    expect(damaged.message).toContain('line 3');
    await writeFile(join(dir, 'payouts.jsonl'), lines);
    await unlink(join(dir, 'secret'));
    const missing = (await run('b.csv')) as { code: string; exitCode: number; message: string };
    expect(missing).toMatchObject({ code: 'ledger_secret_missing', exitCode: 2 });
    expect(ws.sandbox.counters.requests.create).toBe(5);
  });
});
