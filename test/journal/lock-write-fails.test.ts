import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, collect, csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

describe('a lock that cannot be written (a full disk, a file size limit)', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('is exit 2 naming the lock and the fix, leaves no temporary lock file, and sends nothing', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(2)));
    // A process may not grow any file (ulimit -f 0; SIGXFSZ ignored, so writes fail with EFBIG), as on a full disk.
    const child = spawn('sh', ['-c', `ulimit -f 0; trap '' XFSZ; exec "${process.execPath}" "${CLI}" run payouts.csv`], {
      cwd: ws.dir,
      env: ws.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const r = await collect(child);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).not.toContain('unexpected failure');
    expect(r.stderr).toMatch(/payouts\.journal\.jsonl\.lock.*(free some space|file size limit)/);
    expect((await readdir(ws.dir)).filter((name) => name.includes('.lock'))).toEqual([]);
    expect(ws.sandbox.counters.invoicesCreated.size).toBe(0);
  });
});
