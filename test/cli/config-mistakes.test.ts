import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain } from '../../src/cli.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

describe('configuration mistakes name the setting to fix', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('every missing variable is named at once', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(1)));
    const r = await ws.cli(['run', 'payouts.csv'], { env: { MILKYPAY_API_URL: '', MILKYPAY_KEY_ID: '', MILKYPAY_SECRET_KEY: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('MILKYPAY_API_URL, MILKYPAY_KEY_ID, MILKYPAY_SECRET_KEY are not set');
  });

  it('a refused connection names the URL and MILKYPAY_API_URL', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(1)));
    for (const command of [['run', 'payouts.csv'], ['services']]) {
      const r = await ws.cli(command, { env: { MILKYPAY_API_URL: 'http://127.0.0.1:1/api' } });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/could not connect to http:\/\/127\.0\.0\.1:1\/api \(ECONNREFUSED\): check MILKYPAY_API_URL/);
    }
  });

  it('a 404 on the first call asks whether the URL ends with /api (exit 2)', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(1)));
    const root = ws.sandbox.url.replace(/\/api$/, '');
    for (const command of [['run', 'payouts.csv'], ['services'], ['services', '--currency', 'USD']]) {
      const r = await ws.cli([...command, '--refresh-services'], { env: { MILKYPAY_API_URL: root } });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('does MILKYPAY_API_URL end with /api');
    }
  });

  it('NO_COLOR turns the colours of the pretty logs off', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(1)));
    const run = async (env: NodeJS.ProcessEnv): Promise<string> => {
      let text = '';
      const stderr = Object.assign(
        new Writable({
          write(chunk: Buffer | string, _encoding, callback) {
            text += chunk.toString();
            callback();
          },
        }),
        { isTTY: true, columns: 100 },
      );
      const stdout = new Writable({ write: (_c, _e, callback) => callback() });
      expect(await runMain(['run', 'payouts.csv', '--allow-repeat'], { stdout, stderr, env: { ...ws.env, ...env }, cwd: ws.dir })).toBe(0);
      return text;
    };
    expect(await run({})).toContain('\u001b[');
    await ws.write('payouts.csv', csv(HEADER, rows(1, 'again')));
    const plain = await run({ NO_COLOR: '1' });
    expect(plain).toContain('INFO: validating');
    expect(plain).not.toMatch(/\u001b\[\d+m/);
  });
});
