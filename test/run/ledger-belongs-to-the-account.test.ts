import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { accountFolder, EMBEDDED_SANDBOX_KEY_ID, originFolder } from '../../src/ledger/ledger-location.js';
import { TEST_CREDENTIALS } from '../../src/sandbox/index.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

describe('the repeat-payee ledger belongs to the account, whatever the spelling of the API URL', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  /** A sandbox answering to a real account's key id (the embedded sandbox's own has a ledger per sandbox). */
  async function accountWorkspace(): Promise<Workspace> {
    const w = await workspace();
    w.sandbox.credentials.keyId = KEY_ID;
    return w;
  }
  const KEY_ID = 'acct_7f3a';
  const run = (args: string[], url: string) =>
    ws.cli([...args, '--json', '--log-level', 'warn'], { env: { MILKYPAY_LEDGER_DIR: ws.path('ledger'), MILKYPAY_API_URL: url, MILKYPAY_KEY_ID: KEY_ID } });
  const spelled = (host: string): string => ws.sandbox.url.replace('127.0.0.1', host);
  const account = () => ({ origin: new URL(ws.sandbox.url).origin, keyId: KEY_ID, mode: 'test' as const });

  it('localhost after 127.0.0.1 (same API, same key) holds the repeats', async () => {
    ws = await accountWorkspace();
    await ws.write('a.csv', csv(HEADER, rows(3, 'a')));
    await ws.write('b.csv', csv(HEADER, rows(3, 'b')));
    expect((await run(['run', 'a.csv'], spelled('127.0.0.1'))).code).toBe(0);
    const second = await run(['run', 'b.csv'], spelled('localhost'));
    expect(second.code, second.stderr).toBe(1);
    expect(JSON.parse(second.stdout).counts.repeat_payee).toBe(3);
    expect(ws.sandbox.counters.requests.create).toBe(3);
    expect(await readdir(ws.path('ledger'))).toEqual([accountFolder(ws.path('ledger'), account()).split('/').pop()]);
  });

  it('a ledger an earlier version kept under the URL it was written with is moved to the account, and still holds', async () => {
    ws = await accountWorkspace();
    await ws.write('a.csv', csv(HEADER, rows(3, 'a')));
    await ws.write('b.csv', csv(HEADER, rows(3, 'b')));
    expect((await run(['run', 'a.csv'], ws.sandbox.url)).code).toBe(0);
    // Laid out as before: the folder named by origin, key id and mode.
    const root = ws.path('ledger');
    await rename(accountFolder(root, account()), originFolder(root, account()));
    const second = await run(['run', 'b.csv'], spelled('localhost'));
    expect(second.code, second.stderr).toBe(1);
    expect(JSON.parse(second.stdout).counts.repeat_payee).toBe(3);
    expect(second.stderr).toMatch(/moved from .* to /);
    expect(await readdir(root)).toEqual([accountFolder(root, account()).split('/').pop()]);
  });

  it('two earlier ledgers of one account (two spellings) stop the run (exit 2), naming both', async () => {
    ws = await accountWorkspace();
    await ws.write('a.csv', csv(HEADER, rows(3, 'a')));
    const root = ws.path('ledger');
    for (const origin of ['http://localhost:1', 'http://127.0.0.1:1']) {
      const dir = originFolder(root, { ...account(), origin });
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'account.json'), JSON.stringify({ ...account(), origin }));
    }
    const r = await run(['run', 'a.csv'], ws.sandbox.url);
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toMatch(/2 repeat-payee ledgers/);
    expect(r.stderr + r.stdout).toContain(originFolder(root, { ...account(), origin: 'http://localhost:1' }));
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });
});

describe('the embedded sandbox', () => {
  it('whose keys are the same everywhere keeps a ledger per sandbox; a real key id one per account', async () => {
    expect(EMBEDDED_SANDBOX_KEY_ID).toBe(TEST_CREDENTIALS.keyId);
    const root = '/ledgers';
    const one = { origin: 'http://127.0.0.1:4001', keyId: TEST_CREDENTIALS.keyId, mode: 'test' as const };
    expect(accountFolder(root, one)).not.toBe(accountFolder(root, { ...one, origin: 'http://127.0.0.1:4002' }));
    const real = { ...one, keyId: 'acct_7f3a' };
    expect(accountFolder(root, real)).toBe(accountFolder(root, { ...real, origin: 'http://localhost:4002' }));
  });
});
