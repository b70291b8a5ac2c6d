import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import { formatHeader } from '../../src/journal/entry.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

describe('--sandbox rehearsals', () => {
  let ws: Workspace;
  let savedTmp: string | undefined;
  beforeEach(() => {
    savedTmp = process.env.TMPDIR;
  });
  afterEach(async () => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    await ws.close();
  });

  it('keep their ledger and rules cache in a private folder of their own: a planted symlink or a 0777 folder at the old fixed names is never used', async () => {
    ws = await workspace();
    const tmp = ws.path('tmp');
    await mkdir(tmp);
    await mkdir(ws.path('victim'));
    // What another user of the machine could plant at the names the temp folder used to hold.
    await symlink(ws.path('victim'), `${tmp}/milkypay-payouts-sandbox-ledger`);
    await mkdir(`${tmp}/milkypay-payouts-sandbox-cache`);
    await chmod(`${tmp}/milkypay-payouts-sandbox-cache`, 0o777);
    process.env.TMPDIR = tmp;
    await ws.write('payouts.csv', csv(HEADER, rows(3)));
    const r = await ws.cli(['run', 'payouts.csv', '--sandbox']);
    expect(r.code, r.stderr).toBe(0);
    expect(await readdir(ws.path('victim'))).toEqual([]);
    expect(await readdir(`${tmp}/milkypay-payouts-sandbox-cache`)).toEqual([]);
    // The run's own folder is gone with its sandbox: only what was planted is left.
    expect((await readdir(tmp)).sort()).toEqual(['milkypay-payouts-sandbox-cache', 'milkypay-payouts-sandbox-ledger']);
  });

  it('ignore MILKYPAY_LEDGER_DIR, like every other MILKYPAY_ variable: the real ledger folder gets no sandbox entries', async () => {
    ws = await workspace();
    await mkdir(ws.path('real-ledger'));
    await ws.write('payouts.csv', csv(HEADER, rows(3)));
    const r = await ws.cli(['run', 'payouts.csv', '--sandbox'], { env: { MILKYPAY_LEDGER_DIR: ws.path('real-ledger') } });
    expect(r.code, r.stderr).toBe(0);
    expect(await readdir(ws.path('real-ledger'))).toEqual([]);
  });

  it('repeat: the previous sandbox journal of the file is moved aside with a one-line note, and every row is paid again in the new sandbox', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(3)));
    const first = await ws.cli(['run', 'payouts.csv', '--sandbox']);
    expect(first.code, first.stderr).toBe(0);
    const before = await readFile(ws.path('payouts.sandbox.journal.jsonl'), 'utf8');

    const dry = await ws.cli(['run', 'payouts.csv', '--sandbox', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Would send 3 payouts');
    expect(await readFile(ws.path('payouts.sandbox.journal.jsonl'), 'utf8')).toBe(before); // a dry run moves nothing

    const again = await ws.cli(['run', 'payouts.csv', '--sandbox', '--json']);
    expect(again.code, again.stderr).toBe(0);
    const notes = again.stderr.split('\n').filter((l) => l.includes('previous sandbox journal'));
    expect(notes, again.stderr).toHaveLength(1);
    const aside = (await readdir(ws.dir)).filter((f) => /^payouts\.sandbox\.journal\.\d{4}-.*Z\.jsonl$/.test(f));
    expect(aside).toHaveLength(1);
    expect(notes[0]).toContain(aside[0]);
    expect(await readFile(ws.path(aside[0]!), 'utf8')).toBe(before);
    const summary = JSON.parse(again.stdout) as { counts: Record<string, number>; sent: number };
    expect(summary.sent).toBe(3);
    expect((summary.counts.submitted ?? 0) + (summary.counts.processed ?? 0)).toBe(3);
    expect(existsSync(ws.path('payouts.sandbox.journal.jsonl.lock'))).toBe(false);
  });

  it('a --sandbox run never moves aside a journal of a real API: refused as before, exit 2', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(2)));
    const header = { origin: 'https://api.example.com', keyId: 'sandbox_key_id', mode: 'test' as const, secret: 'A'.repeat(43), created: '2026-01-01T00:00:00Z' };
    const real = await ws.write('j.jsonl', formatHeader(header)).then(() => readFile(ws.path('j.jsonl'), 'utf8'));
    const r = await ws.cli(['run', 'payouts.csv', '--sandbox', '--journal', 'j.jsonl']);
    expect(r.code, r.stderr).toBe(2);
    expect(await readFile(ws.path('j.jsonl'), 'utf8')).toBe(real);
  });
});
