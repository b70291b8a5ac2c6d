import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

/** A rerun adds to the ledger every payout its journal holds that the ledger lacks. */
describe('the ledger repairs itself from the journals of rerun files', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  const run = async (args: string[]) => {
    const r = await ws.cli([...args, '--json', '--log-level', 'warn'], { env: { MILKYPAY_LEDGER_DIR: ws.path('ledger') } });
    return { ...r, summary: JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { exitCode: number; counts: Record<string, number> } };
  };
  const ledgerFile = async (): Promise<string> => {
    const [account] = await readdir(ws.path('ledger'));
    return join(ws.path('ledger'), account!, 'payouts.jsonl');
  };
  const refs = async (): Promise<string[]> =>
    (await readFile(await ledgerFile(), 'utf8')).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { ref: string }).ref).sort();

  it('a deleted ledger folder is rebuilt by rerunning the paid file: the next export of the same payees is held', async () => {
    ws = await workspace();
    await ws.write('a.csv', csv(HEADER, rows(5, 'a')));
    await ws.write('b.csv', csv(HEADER, rows(5, 'b')));
    expect((await run(['run', 'a.csv'])).code).toBe(0);
    await rm(ws.path('ledger'), { recursive: true });
    const rerun = await run(['run', 'a.csv']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toMatch(/lacked 5 payouts this file's journal holds as made/);
    expect(await refs()).toEqual(['a-1', 'a-2', 'a-3', 'a-4', 'a-5']);
    const second = await run(['run', 'b.csv']);
    expect(second.code).toBe(1);
    expect(second.summary.counts.repeat_payee).toBe(5);
    expect(ws.sandbox.counters.requests.create).toBe(5);
  });

  it('entries lost from the ledger (a short write of an earlier version) are added back, once; the others are not written twice', async () => {
    ws = await workspace();
    await ws.write('a.csv', csv(HEADER, rows(6, 'a')));
    expect((await run(['run', 'a.csv'])).code).toBe(0);
    const file = await ledgerFile();
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    await writeFile(file, `${lines.slice(0, 2).join('\n')}\n`);
    await rm(ws.path('a.journal.jsonl.checkpoint'), { force: true });
    expect((await run(['run', 'a.csv'])).code).toBe(0);
    expect(await refs()).toEqual(['a-1', 'a-2', 'a-3', 'a-4', 'a-5', 'a-6']);
    expect((await run(['run', 'a.csv'])).code).toBe(0);
    expect(await refs()).toHaveLength(6);
  });

  it('the dry run writes nothing to the ledger', async () => {
    ws = await workspace();
    await ws.write('a.csv', csv(HEADER, rows(3, 'a')));
    expect((await run(['run', 'a.csv'])).code).toBe(0);
    await rm(ws.path('ledger'), { recursive: true });
    expect((await run(['run', 'a.csv', '--dry-run'])).code).toBe(0);
    await expect(readdir(ws.path('ledger'))).rejects.toThrow();
  });
});
