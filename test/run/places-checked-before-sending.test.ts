import { afterEach, describe, expect, it } from 'vitest';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

/**
 * Every place a run must write is checked before anything is sent, in the dry run too. As root,
 * permission bits stop nothing: a path under a regular file is what fails for every user.
 */
describe('the places a run writes are checked before anything is sent', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  const run = (args: string[], env: NodeJS.ProcessEnv) => ws.cli([...args, '--log-level', 'warn'], { env });

  it('a HOME that cannot be written: the dry run and the run both stop with exit 2 naming the ledger folder and MILKYPAY_LEDGER_DIR', async () => {
    ws = await workspace();
    await ws.write('a.csv', csv(HEADER, rows(3, 'a')));
    await ws.write('not-a-folder', 'a file\n');
    const env = { HOME: ws.path('not-a-folder/home') };
    for (const args of [['run', 'a.csv', '--dry-run'], ['run', 'a.csv']]) {
      const r = await run(args, env);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`repeat-payee ledger folder ${ws.path('not-a-folder/home/.local/share/milkypay-payouts/ledger')}`);
      expect(r.stderr).toContain(`${ws.path('not-a-folder')} is a file, not a folder`);
      expect(r.stderr).toContain('MILKYPAY_LEDGER_DIR');
      expect(r.stderr).not.toMatch(/ENOTDIR|EACCES/);
    }
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });

  it('MILKYPAY_LEDGER_DIR under a file: exit 2 in the dry run, nothing sent by the run', async () => {
    ws = await workspace();
    await ws.write('a.csv', csv(HEADER, rows(3, 'a')));
    await ws.write('file', 'x\n');
    const env = { MILKYPAY_LEDGER_DIR: ws.path('file/ledger') };
    expect((await run(['run', 'a.csv', '--dry-run'], env)).code).toBe(2);
    const r = await run(['run', 'a.csv'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(ws.path('file/ledger'));
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });

  it('a cache folder that cannot be written: exit 2 naming MILKYPAY_CACHE_DIR, in the dry run too', async () => {
    ws = await workspace();
    await ws.write('a.csv', csv(HEADER, rows(3, 'a')));
    await ws.write('file', 'x\n');
    const env = { MILKYPAY_LEDGER_DIR: ws.path('ledger'), MILKYPAY_CACHE_DIR: ws.path('file/cache') };
    for (const args of [['run', 'a.csv', '--dry-run'], ['run', 'a.csv']]) {
      const r = await run(args, env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`cache folder ${ws.path('file/cache')}`);
      expect(r.stderr).toContain('MILKYPAY_CACHE_DIR');
    }
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });
});
