import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

/** Locally: MP_KILL_ROUNDS=20 npx vitest run test/run/resume-after-sigkill.test.ts */
const KILLS = Number(process.env.MP_KILL_ROUNDS ?? 3);

describe('kill -9 at any moment loses nothing and pays nothing twice', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it(`survives ${KILLS} SIGKILLs at random moments, then finishes with every row paid exactly once`, async () => {
    ws = await workspace({ faults: { latencyMs: 15 } });
    const count = 80;
    await ws.write('payouts.csv', csv(HEADER, rows(count)));
    let kills = 0;
    for (let round = 0; round < KILLS; round += 1) {
      const child = ws.spawnCli(['run', 'payouts.csv', '--concurrency', '8']);
      const done = collect(child);
      await sleep(150 + Math.floor(Math.random() * 600));
      if (child.exitCode === null && child.kill('SIGKILL')) kills += 1;
      await done;
    }
    let last = await ws.cli(['run', 'payouts.csv', '--concurrency', '8']);
    for (let i = 0; i < 3 && last.code !== 0; i += 1) last = await ws.cli(['run', 'payouts.csv']);
    expect(last.code, last.stderr).toBe(0);
    expect(kills).toBeGreaterThan(0);

    const results = await ws.results();
    expect(results).toHaveLength(count);
    expect(new Set(results.map((r) => r.outcome))).toEqual(new Set(['processed']));
    const c = ws.sandbox.counters;
    for (let i = 1; i <= count; i += 1) {
      expect(c.invoicesCreated.get(`ref-${i}`), `ref-${i} created`).toBe(1);
      expect(c.processed.get(`ref-${i}`), `ref-${i} processed`).toBe(1);
    }
    expect(ws.sandbox.invoices().filter((i) => i.status === 'created')).toEqual([]);
  });
});
