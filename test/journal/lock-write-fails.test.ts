import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, collect, csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

/** `command` in a process that may not grow any file (ulimit -f 0; SIGXFSZ ignored, so writes fail with EFBIG), as on a full disk. */
function withoutRoom(command: string, cwd: string, env: NodeJS.ProcessEnv) {
  return spawn('sh', ['-c', `ulimit -f 0; trap '' XFSZ; exec ${command}`], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
}

describe('a lock that cannot be written (a full disk, a file size limit)', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('is exit 2 naming the lock and the fix, and leaves no temporary lock file', async () => {
    ws = await workspace();
    // The lock alone (a run's first write is the private copy of its input, refused first here):
    // what the command line makes of its failure (cli.ts maps a system error on a path the same way).
    const [lock, errors] = ['journal/lock.js', 'errors.js'].map((m) => resolve(CLI, '..', m));
    const script =
      `Promise.all([import('${lock}'), import('${errors}')]).then(([m, e]) => m.acquireLock('payouts.journal.jsonl')` +
      `.then(() => console.log('{}'), (error) => { const u = e.userSystemError(error) ?? error; console.log(JSON.stringify({ exitCode: u.exitCode, message: u.message })); }))`;
    const r = await collect(withoutRoom(`"${process.execPath}" -e "${script.replaceAll('"', '\\"')}"`, ws.dir, ws.env));
    const refused = JSON.parse(r.stdout) as { exitCode: number; message: string };
    expect(refused.exitCode, r.stderr).toBe(2);
    expect(refused.message).toMatch(/payouts\.journal\.jsonl\.lock.*(free some space|file size limit)/);
    expect((await readdir(ws.dir)).filter((name) => name.includes('.lock'))).toEqual([]);
  });

  it('a run that can write nothing stops at its first file, the private copy of the input: exit 2 naming it and the fix, nothing sent', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(2)));
    const r = await collect(withoutRoom(`"${process.execPath}" "${CLI}" run payouts.csv`, ws.dir, ws.env));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).not.toContain('unexpected failure');
    expect(r.stderr).toMatch(/cannot make the private copy of .*payouts\.csv .*file size limit \(ulimit -f\).*Nothing was sent/);
    expect((await readdir(ws.dir)).filter((name) => name !== 'payouts.csv' && name !== 'cache')).toEqual([]);
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });
});
