import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { workspace, type Workspace } from '../helpers/workspace.js';

describe('the conventions people type without thinking', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('--version prints the package version on stdout, exit 0', async () => {
    ws = await workspace();
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await ws.cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
  });

  it('-h and --help on every command, and help <command>, print that command\'s help (exit 0, nothing else happens)', async () => {
    ws = await workspace();
    for (const command of ['run', 'plan', 'services', 'retry-failed', 'reconcile', 'sandbox']) {
      for (const argv of [[command, '-h'], [command, '--help'], ['help', command]]) {
        const r = await ws.cli(argv);
        expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
        expect(r.stdout).toContain(`milkypay-payouts ${command}`);
        expect(r.stderr).toBe('');
      }
    }
    expect(Object.values(ws.sandbox.counters.requests).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('--help shows examples, the exit-code table, and a description for every option', async () => {
    ws = await workspace();
    const top = await ws.cli(['--help']);
    expect(top.stdout).toMatch(/Exit codes:\n\s+0 .*\n\s+1 .*need a person.*\n\s+2 .*nothing was sent.*\n\s+3 .*rerun the same command/);
    for (const command of ['run', 'plan', 'services', 'retry-failed', 'reconcile', 'sandbox']) {
      const help = (await ws.cli([command, '--help'])).stdout;
      expect(help, command).toContain('Examples:');
      // Every option line carries a description after the option's name, not just its type.
      for (const line of help.split('\n').filter((l) => /^ {2,6}(-\w, )?--[\w-]+/.test(l))) {
        expect(line, `${command}: ${line}`).toMatch(/--[\w-]+\s{2,}[^\s[]/);
      }
    }
  });

  it('"did you mean" for a mistyped command or option (exit 2)', async () => {
    ws = await workspace();
    const command = await ws.cli(['rn', 'payouts.csv']);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/unknown command "rn": did you mean run\?/);
    const option = await ws.cli(['run', 'payouts.csv', '--concurrncy', '4']);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/unknown option --concurrncy: did you mean --concurrency\?/);
  });

  it('usage errors, exit 2: --sandbox with --api-url, sandbox --fail-rate 2, sandbox --latency abc, run without a file', async () => {
    ws = await workspace();
    const cases: Array<[string[], RegExp]> = [
      [['run', 'payouts.csv', '--sandbox', '--api-url', 'http://x/api'], /^milkypay-payouts: --sandbox and --api-url choose where the payouts go, so give only one: --sandbox pays into the embedded test sandbox .*; drop --api-url to rehearse, or drop --sandbox to use that API \(see .+ run --help\)$/m],
      [['services', '--api-url', 'http://x/api', '--sandbox'], /--sandbox and --api-url choose where the payouts go, so give only one/],
      [['sandbox', '--fail-rate', '2'], /--fail-rate takes a share from 0 to 1/],
      [['sandbox', '--latency', 'abc'], /--latency takes a number/],
      [['run'], /run needs the payouts CSV file/],
    ];
    for (const [argv, message] of cases) {
      const r = await ws.cli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toMatch(message);
    }
  });

  it('services --currency for a currency nothing is offered in says so', async () => {
    ws = await workspace();
    const r = await ws.cli(['services', '--currency', 'XYZ']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('No service is offered for XYZ on this account');
    const bad = await ws.cli(['services', '--currency', 'dollars']);
    expect(bad.code).toBe(2);
  });
});
