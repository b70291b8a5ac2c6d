import { spawnSync } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileJournalModules, spawnScript } from './helpers/child-modules.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();

// Waits for "go" on stdin, tries to take the lock, reports, and holds a won lock until stdin ends.
const CONTENDER = `
import { acquireLock } from './src/journal/lock.js';
process.stdin.setEncoding('utf8');
process.stdout.write('ready\\n');
let input = '';
await new Promise((resolve) => process.stdin.on('data', (text) => { input += text; if (input.includes('go')) resolve(); }));
try {
  const lock = await acquireLock(process.argv[2]);
  process.stdout.write('won\\n');
  await new Promise((resolve) => process.stdin.on('end', resolve));
  await lock.release();
} catch (error) {
  process.stdout.write('lost ' + error.code + '\\n');
}
`;

const CONTENDERS = 6;
const ROUNDS = 3;

describe('processes racing to take over the same stale lock', () => {
  it('let exactly one of them win', async () => {
    const dir = await tempDir();
    await compileJournalModules(dir);
    const script = join(dir, 'contender.mjs');
    await writeFile(script, CONTENDER);
    for (let round = 0; round < ROUNDS; round++) {
      const journal = join(dir, `race-${round}.jsonl`);
      const dead = spawnSync(process.execPath, ['-e', '']).pid;
      await writeFile(`${journal}.lock`, JSON.stringify({ pid: dead, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z' }));

      const outcomes: string[] = [];
      let ready = 0;
      let allReady!: () => void;
      const readyPromise = new Promise<void>((resolve) => (allReady = resolve));
      let allReported!: () => void;
      const reported = new Promise<void>((resolve) => (allReported = resolve));
      const contenders = Array.from({ length: CONTENDERS }, (_, i) =>
        spawnScript(script, [journal], (line) => {
          if (line === 'ready' && ++ready === CONTENDERS) allReady();
          else if (line !== 'ready') {
            outcomes.push(`${i}:${line}`);
            if (outcomes.length === CONTENDERS) allReported();
          }
        }),
      );
      await readyPromise;
      for (const { child } of contenders) child.stdin.write('go\n');
      await reported;
      for (const { child } of contenders) child.stdin.end();
      const exits = await Promise.all(contenders.map(({ exited }) => exited));
      expect(exits.map((e) => e.stderr).join('')).toBe('');

      const winners = outcomes.filter((o) => o.endsWith(':won'));
      expect(winners, `round ${round}: ${outcomes.join(', ')}`).toHaveLength(1);
      expect(outcomes.filter((o) => o.endsWith(':lost journal_locked'))).toHaveLength(CONTENDERS - 1);
    }
    const leftovers = (await readdir(dir)).filter((name) => name.includes('.lock'));
    expect(leftovers).toEqual([]);
  });
});
