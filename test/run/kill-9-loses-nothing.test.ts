import { mkdir, readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Faults } from '../../src/sandbox/sandbox-types.js';
import { collect, csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

/** Locally: MP_KILL_ROUNDS=20 npx vitest run test/run/kill-9-loses-nothing.test.ts */
const KILLS = Number(process.env.MP_KILL_ROUNDS ?? 3);

async function journalLineCount(ws: Workspace): Promise<number> {
  const text = await readFile(ws.path('payouts.journal.jsonl'), 'utf8').catch(() => '');
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count += 1;
  return count;
}

/** Rows whose last journal line is an intent (a request may be on the wire): what a kill leaves in doubt. */
async function rowsInDoubt(ws: Workspace): Promise<number> {
  const text = await readFile(ws.path('payouts.journal.jsonl'), 'utf8').catch(() => '');
  const last = new Map<string, string>();
  for (const line of text.split('\n')) {
    try {
      const e = JSON.parse(line) as { ref: string; state: string };
      last.set(e.ref, e.state);
    } catch {
      // a torn last line: exactly what the rerun must tolerate
    }
  }
  return [...last.values()].filter((s) => s === 'creating' || s === 'processing' || s === 'in_doubt' || s === 'process_doubt').length;
}

describe('kill -9 at any moment loses nothing and pays nothing twice', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it.each<[string, Faults]>([
    ['a healthy API', { latencyMs: 15 }],
    ['an API that commits then fails and drops connections', { latencyMs: 15, commitThenFail: { rate: 0.1, mode: 'drop' }, dropRate: 0.05 }],
  ])(`survives ${KILLS} SIGKILLs while paying through %s, then finishes with every row paid exactly once`, async (_name, faults) => {
    ws = await workspace({ faults });
    const count = 60;
    await ws.write('payouts.csv', csv(HEADER, rows(count)));
    const tmp = ws.path('tmp'); // the runs' private input copies and plans
    await mkdir(tmp);
    let kills = 0;
    let leftInDoubt = 0;
    for (let round = 0; round < KILLS; round += 1) {
      // Kill while it pays, at a point counted in its progress, not in time: once this run has
      // journaled a random number of lines (a row is about four), wherever it is in the next one.
      const killAt = (await journalLineCount(ws)) + 4 + Math.floor(Math.random() * 36);
      const child = ws.spawnCli(['run', 'payouts.csv', '--concurrency', '8'], { TMPDIR: tmp });
      const done = collect(child);
      while (child.exitCode === null && (await journalLineCount(ws)) < killAt) await sleep(2);
      if (child.exitCode === null && child.kill('SIGKILL')) kills += 1;
      await done;
      leftInDoubt += await rowsInDoubt(ws);
    }
    expect((await readdir(tmp)).length).toBeGreaterThan(0); // what the kills left: copies of the file and its plans
    await collect(ws.spawnCli(['run', 'payouts.csv', '--concurrency', '8'], { TMPDIR: tmp }));
    expect(await readdir(tmp)).toEqual([]); // removed by the next run, which removes its own as it ends
    let last = await ws.cli(['run', 'payouts.csv', '--concurrency', '8']);
    for (let i = 0; i < 5 && last.code !== 0; i += 1) last = await ws.cli(['run', 'payouts.csv']);
    expect(last.code, last.stderr).toBe(0);
    expect(kills).toBeGreaterThan(0);
    expect(leftInDoubt).toBeGreaterThan(0); // the kills did land mid-request

    const results = await ws.results();
    expect(results).toHaveLength(count);
    expect(new Set(results.map((r) => r.outcome))).toEqual(new Set(['processed']));
    const c = ws.sandbox.counters;
    for (let i = 1; i <= count; i += 1) {
      expect(c.invoicesCreated.get(`ref-${i}`), `ref-${i} created`).toBe(1);
      expect(c.processed.get(`ref-${i}`), `ref-${i} processed`).toBe(1);
    }
    expect(ws.sandbox.invoices().filter((i) => i.status === 'created')).toEqual([]);
  }, 180_000); // a hang detector: three starts of the built CLI and a rerun take seconds, ten times that on a loaded machine
});
