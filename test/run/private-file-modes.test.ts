import { chmod, chown, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keepPrivate } from '../../src/private-modes.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

describe('journal, results and ledger files wider than 0600 (folders 0700) are never used silently', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  const run = (args: string[]) => ws.cli([...args, '--log-level', 'warn'], { env: { MILKYPAY_LEDGER_DIR: ws.path('ledger') } });
  const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

  it('a rerun tightens them, saying so in a log line', async () => {
    ws = await workspace();
    await ws.write('a.csv', csv(HEADER, rows(3, 'a')));
    expect((await run(['run', 'a.csv'])).code).toBe(0);
    const [account] = await readdir(ws.path('ledger'));
    const ledger = join(ws.path('ledger'), account!);
    const widened = [
      [ws.path('a.journal.jsonl'), 0o644],
      [ws.path('a.results.csv'), 0o666],
      [ledger, 0o755],
      [join(ledger, 'secret'), 0o644],
      [join(ledger, 'payouts.jsonl'), 0o640],
    ] as const;
    for (const [path, m] of widened) await chmod(path, m);
    await rm(ws.path('a.journal.jsonl.checkpoint')); // the full path, which opens the ledger
    const r = await run(['run', 'a.csv']);
    expect(r.code, r.stderr).toBe(0);
    for (const [path] of widened) {
      expect(await mode(path), path).toBe(path === ledger ? 0o700 : 0o600);
      expect(r.stderr, path).toContain(path);
    }
    expect(r.stderr).toMatch(/the journal .* could be read by others \(mode 0644\): tightened to 0600/);
  });

  it('one this user cannot tighten (owned by another user) stops the run (exit 2) with the command that fixes it', async () => {
    ws = await workspace();
    const file = await ws.write('a.journal.jsonl', '');
    await chmod(file, 0o644);
    if (process.getuid?.() === 0) await chown(file, 4242, 4242);
    const saved = process.getuid;
    // As root anything can be tightened: the test plays an ordinary user (uid 4243) facing another's file.
    process.getuid = () => 4243;
    try {
      const error = await keepPrivate([{ path: file, what: 'the journal' }], () => undefined).then(() => undefined, (e: unknown) => e as { exitCode: number; message: string });
      expect(error?.exitCode).toBe(2);
      expect(error?.message).toContain(`chmod 0600 ${file}`);
    } finally {
      process.getuid = saved;
    }
    expect(await mode(file)).toBe(0o644);
  });
});
