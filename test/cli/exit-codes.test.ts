import { createServer } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { readdir, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain } from '../../src/cli.js';
import { userSystemError } from '../../src/errors.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

/** A stream that keeps what is written; `isTTY` as asked. */
function sink(isTTY: boolean): Writable & { text: string; isTTY?: boolean } {
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      stream.text += chunk.toString();
      callback();
    },
  }) as Writable & { text: string; isTTY?: boolean };
  stream.text = '';
  if (isTTY) stream.isTTY = true;
  return stream;
}

describe('exit codes a scheduler can act on; a user mistake is exit 2 with the fix', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('credentials refused before anything is sent: exit 2 naming the key variables (private and public)', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(2)));
    const secret = await ws.cli(['run', 'payouts.csv'], { env: { MILKYPAY_SECRET_KEY: 'wrong' } });
    expect(secret.code, secret.stderr).toBe(2);
    expect(secret.stderr).toMatch(/refused the credentials .*check MILKYPAY_KEY_ID and MILKYPAY_SECRET_KEY/);
    expect(secret.stderr).not.toContain('unexpected failure');
    const publicKey = await ws.cli(['run', 'payouts.csv', '--refresh-services'], { env: { MILKYPAY_PUBLIC_KEY: 'pk_test_wrong' } });
    expect(publicKey.code, publicKey.stderr).toBe(2);
    expect(publicKey.stderr).toMatch(/check MILKYPAY_PUBLIC_KEY/);
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });

  it('credentials refused at the first create: exit 2, nothing was sent; after a payout was sent: exit 3', async () => {
    ws = await workspace({ faults: { script: [{ endpoint: 'create', kind: 'status', status: 401, times: 100 }] } });
    await ws.write('payouts.csv', csv(HEADER, rows(3)));
    const first = await ws.cli(['run', 'payouts.csv', '--concurrency', '1']);
    expect(first.code, first.stderr).toBe(2);
    // The one sentence, as before anything is sent (api-advice.ts), with what the API answered.
    expect(first.stdout).toMatch(/the API refused the credentials \(POST \/\S+ answered HTTP 401[^)]*\): check MILKYPAY_KEY_ID and MILKYPAY_SECRET_KEY \(keys of this account, for this MILKYPAY_API_URL\)/);
    expect(first.stdout).not.toMatch(/refused our credentials|MILKYPAY_API_URL\)[^\n]*MILKYPAY_API_URL\)/);
    ws.sandbox.setFaults({ script: [{ endpoint: 'create', kind: 'status', status: 401, referenceId: 'late-3' }] });
    await ws.write('late.csv', csv(HEADER, rows(3, 'late')));
    const late = await ws.cli(['run', 'late.csv', '--concurrency', '1', '--allow-repeat']);
    expect(late.code, late.stderr).toBe(3);
    expect(ws.sandbox.counters.invoicesCreated.get('late-1')).toBe(1);
  });

  it('rows left error make the run incomplete (exit 3) even when other rows need a person', async () => {
    ws = await workspace({ faults: { script: [{ endpoint: 'create', kind: 'status', status: 500, referenceId: 'ref-1', times: 100 }] } });
    await ws.write('payouts.csv', csv(HEADER, [...rows(2), ['bad', 'test_usd', 'USD', '-1', '1']]));
    const r = await ws.cli(['run', 'payouts.csv', '--json'], { env: {} });
    const summary = JSON.parse(r.stdout) as { counts: Record<string, number> };
    expect(summary.counts.error).toBe(1);
    expect(summary.counts.invalid).toBe(1);
    expect(r.code).toBe(3);
  }, 60_000);

  it('--journal in a missing folder: exit 2 naming the path and the fix, never "unexpected failure"', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(1)));
    const r = await ws.cli(['run', 'payouts.csv', '--journal', 'no/such/folder/j.jsonl']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/no\/such\/folder/);
    expect(r.stderr).not.toContain('unexpected failure');
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });

  it('system errors on a named path or port read as the fix (read-only, full, in use)', () => {
    const cases: Array<[object, RegExp]> = [
      [{ code: 'EACCES', path: '/ro/j.jsonl.lock' }, /no permission to write \/ro\/j\.jsonl\.lock: choose a folder you can write to/],
      [{ code: 'ENOSPC', path: '/full/j.jsonl' }, /no space left on the disk holding \/full\/j\.jsonl: free some space/],
      [{ code: 'EROFS', path: '/mnt/ro/x' }, /read-only file system/],
      [{ code: 'EADDRINUSE', address: '127.0.0.1', port: 8080 }, /127\.0\.0\.1:8080 is already in use .*choose another --port/],
    ];
    for (const [error, message] of cases) {
      const mapped = userSystemError(Object.assign(new Error('x'), error));
      expect(mapped?.exitCode).toBe(2);
      expect(mapped?.message).toMatch(message);
    }
    expect(userSystemError(new Error('plain'))).toBeUndefined();
  });

  it('a lock file torn by a crash (empty or garbled) does not block the rerun: taken over at once, and logged', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(2)));
    await writeFile(ws.path('payouts.journal.jsonl.lock'), '{"pid":12');
    const r = await ws.cli(['run', 'payouts.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/took over the stale lock .*payouts\.journal\.jsonl\.lock \(it is empty or garbled/);
    expect((await readdir(ws.dir)).filter((f) => f.includes('.lock'))).toEqual([]);
  });

  it('Ctrl-C at the live prompt: "not confirmed: nothing was sent", exit 2', async () => {
    ws = await workspace({ testMode: false });
    await ws.write('payouts.csv', csv(HEADER, rows(2)));
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
    const stderr = sink(true);
    const stdout = sink(false);
    const running = runMain(['run', 'payouts.csv', '--live'], { stdin, stdout, stderr, env: ws.env, cwd: ws.dir });
    while (!stderr.text.includes('Type "yes" to pay')) await new Promise((resolve) => setTimeout(resolve, 5));
    stdin.write('\u0003'); // Ctrl-C on a raw terminal
    expect(await running).toBe(2);
    expect(stderr.text).toContain('not confirmed: nothing was sent');
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });

  it('sandbox --port already in use: exit 2 naming the port', async () => {
    ws = await workspace();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const r = await ws.cli(['sandbox', '--port', String(port)]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`127.0.0.1:${port} is already in use`);
    } finally {
      taken.close();
    }
  });
});
