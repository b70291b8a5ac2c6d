import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { formatHeader } from '../../src/journal/entry.js';
import { runCli } from '../helpers/in-process.js';
import { csv, HEADER, workspace, type Workspace } from '../helpers/workspace.js';

describe('the rough edges an operator meets every week', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });
  const cli = (argv: string[]) => runCli(argv, { env: ws.env, cwd: ws.dir, invokedAs: 'node dist/cli.js' });

  it('-v and -V print the version', async () => {
    ws = await workspace();
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['-v', '-V']) {
      const r = await cli([flag]);
      expect(r.code, `${flag}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
    }
  });

  it('a number option given a word is a usage error naming the value (--wait abc is not 300 s)', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, [['r1', 'test_usd', 'USD', '1.00', '12345']]));
    for (const argv of [['--wait', 'abc'], ['--wait=abc'], ['--concurrency', 'abc'], ['--max-rate', 'ten']]) {
      const r = await cli(['run', 'payouts.csv', ...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
      const [flag, value] = argv.length === 2 ? argv : argv[0]!.split('=');
      expect(r.stderr).toContain(`${flag} takes a number`);
      expect(r.stderr).toContain(`(got "${value}")`);
    }
    expect(ws.sandbox.counters.requests.create).toBe(0);
    const bare = await cli(['run', 'payouts.csv', '--wait']); // --wait alone still means 300 s
    expect(bare.code, bare.stderr).toBe(0);
  });

  it('plan --help shows no literal $0', async () => {
    ws = await workspace();
    const r = await cli(['plan', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('$0');
  });

  it('pay suggests run', async () => {
    ws = await workspace();
    const r = await cli(['pay', 'payouts.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "pay": did you mean run?');
  });

  it('a second input file is named as such', async () => {
    ws = await workspace();
    await ws.write('a.csv', csv(HEADER, [['r1', 'test_usd', 'USD', '1.00', '12345']]));
    const r = await cli(['run', 'a.csv', 'b.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('run takes one input file, and b.csv is a second one');
    expect(r.stderr).not.toContain('--b.csv');
  });

  it('retry-failed with nothing failed writes no file, says so, exit 0', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, [['r1', 'test_usd', 'USD', '1.00', '12345']]));
    expect((await cli(['run', 'payouts.csv'])).code).toBe(0);
    const r = await cli(['retry-failed', 'payouts.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('no file written');
    expect(existsSync(ws.path('payouts-r2.csv'))).toBe(false);
  });

  it('hints name the program as it was typed', async () => {
    ws = await workspace();
    const option = await cli(['run', 'payouts.csv', '--concurency', '4']);
    expect(option.stderr).toContain('see node dist/cli.js run --help');
    const noPlan = await cli(['run', 'payouts.csv', '--plan', 'missing.plan.json']);
    expect(noPlan.code).toBe(2);
    expect(noPlan.stderr).toContain('node dist/cli.js plan');
    expect(noPlan.stderr).not.toContain('milkypay-payouts plan');
  });
});

describe('retry-failed keeps the file as the spreadsheet wrote it', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('an Excel sep= line stays first, and the header is not taken for a row', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', `sep=;\r\n${csv(HEADER, [['ref-1', 'test_usd', 'USD', '1.00', '11111'], ['ref-2', 'test_usd', 'USD', '2.00', '22222']], '\r\n', ';')}`);
    const header = { origin: new URL(ws.sandbox.url).origin, keyId: 'sandbox_key_id', mode: 'test' as const, secret: 'A'.repeat(43), created: '' };
    await ws.write('payouts.journal.jsonl', formatHeader(header) + JSON.stringify({ v: 2, ref: 'ref-2', state: 'failed', fp: 'x', line: 4, at: 'x' }) + '\n');
    const r = await runCli(['retry-failed', 'payouts.csv'], { env: ws.env, cwd: ws.dir, invokedAs: 'node dist/cli.js' });
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(ws.path('payouts-r2.csv'), 'utf8')).toBe(`sep=;\n${HEADER.join(';')}\nref-2-r2;test_usd;USD;2.00;22222\n`);
  });
});
