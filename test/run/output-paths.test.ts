import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/in-process.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

const requests = (ws: Workspace): number => Object.values(ws.sandbox.counters.requests).reduce((a, b) => a + b, 0);

describe('--out and --journal are checked before the first request', () => {
  let ws: Workspace;
  let input: string;
  let original: string;
  afterEach(async () => {
    await ws.close();
  });
  const setUp = async (): Promise<void> => {
    ws = await workspace();
    original = csv(HEADER, rows(3));
    input = await ws.write('payouts.csv', original);
  };
  const cli = (argv: string[]) => runCli(argv, { env: ws.env, cwd: ws.dir });

  it.each([
    ['--out', 'the input', (i: string) => i, /--out .*payouts\.csv is the input file: it would be overwritten; choose another file for --out/],
    ['--journal', 'the input', (i: string) => i, /--journal .*payouts\.csv is the input file: it would be overwritten; choose another file for --journal/],
    ['--out', 'a directory', (i: string) => join(i, '..'), /--out .* is a directory: name a file in it, e.g\. --out .*payouts\.(results|dryrun)\.csv/],
    ['--journal', 'a directory', (i: string) => join(i, '..'), /--journal .* is a directory: name a file in it, e.g\. --journal .*payouts\.journal\.jsonl/],
    ['--out', 'a missing folder', (i: string) => join(i, '..', 'nope', 'r.csv'), /the folder of --out .*nope\/r\.csv does not exist: create it \(mkdir -p .*nope\)/],
    ['--journal', 'a missing folder', (i: string) => join(i, '..', 'nope', 'j.jsonl'), /the folder of --journal .*nope\/j\.jsonl does not exist/],
  ])('%s naming %s: exit 2, the path and the fix named, no request, the input untouched', async (option, _what, path, message) => {
    await setUp();
    for (const dryRun of [[], ['--dry-run']]) {
      const r = await cli(['run', input, option, path(input), ...dryRun]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(requests(ws)).toBe(0);
    expect(await readFile(input, 'utf8')).toBe(original);
  });

  it('the same file for both: exit 2', async () => {
    await setUp();
    const r = await cli(['run', input, '--out', ws.path('x.out'), '--journal', ws.path('x.out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give --out and --journal different files');
    expect(requests(ws)).toBe(0);
  });

  it('--out naming the journal\'s lock file: exit 2 (the results would replace the lock and block every rerun)', async () => {
    await setUp();
    const r = await cli(['run', input, '--out', ws.path('payouts.journal.jsonl.lock')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--out .*payouts\.journal\.jsonl\.lock is the journal's lock file: choose another file for --out/);
    expect(requests(ws)).toBe(0);
  });

  it.each(['--out', '--journal'])('%s naming a pipe (or a device such as /dev/null): exit 2, and it is not replaced by a file', async (option) => {
    await setUp();
    const fifo = ws.path('pipe');
    execFileSync('mkfifo', [fifo]);
    for (const dryRun of [[], ['--dry-run']]) {
      const r = await cli(['run', input, option, fifo, ...dryRun]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`${option} .*pipe is not a regular file \\(a device, pipe or socket\\)`));
    }
    expect((await stat(fifo)).isFIFO()).toBe(true);
    expect(requests(ws)).toBe(0);
  });

  it.skipIf(process.getuid?.() === 0)('a read-only folder: exit 2 naming the default path and the option to change it', async () => {
    await setUp();
    const ro = ws.path('ro');
    await mkdir(ro);
    await chmod(ro, 0o500);
    try {
      const r = await cli(['run', input, '--journal', join(ro, 'j.jsonl')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--journal .*ro\/j\.jsonl cannot be written \(its folder is read-only for this user\)/);
      expect(requests(ws)).toBe(0);
    } finally {
      await chmod(ro, 0o700);
    }
  });

  it('a valid --out and --journal in another folder work, and nothing else is written beside the input', async () => {
    await setUp();
    await mkdir(ws.path('out'));
    const r = await cli(['run', input, '--out', ws.path('out/r.csv'), '--journal', ws.path('out/j.jsonl')]);
    expect(r.code, r.stderr).toBe(0);
    expect((await readdir(ws.path('out'))).sort()).toEqual(['j.jsonl', 'j.jsonl.checkpoint', 'r.csv']);
    expect(await readdir(ws.dir)).not.toContain('payouts.results.csv');
  });
});
