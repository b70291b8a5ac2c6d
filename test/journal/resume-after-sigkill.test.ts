import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openJournal } from '../../src/journal/journal.js';
import { TEST_BINDING } from './helpers/binding.js';
import { compileJournalModules, spawnScript } from './helpers/child-modules.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();

// Appends concurrently in a loop and prints the highest sequence number whose append resolved.
const APPENDER = `
import { openJournal } from './src/journal/journal.js';
const journal = await openJournal(process.argv[2], { binding: ${JSON.stringify(TEST_BINDING)} });
let next = 0;
for (;;) {
  const round = [];
  for (let k = 0; k < 64; k++) {
    const seq = next++;
    round.push(journal.append({ ref: 'ref-' + (seq % 300), state: 'step', fp: 'fp', line: seq, pad: 'x'.repeat(seq % 500) }));
  }
  await Promise.all(round);
  process.stdout.write('acked ' + (next - 1) + '\\n');
}
`;

describe('a journal writer killed with SIGKILL mid-stream', () => {
  it('replays, keeps every acknowledged append, and the next append starts on a fresh line', async () => {
    const dir = await tempDir();
    await compileJournalModules(dir);
    const path = join(dir, 'run.journal.jsonl');
    let acked = -1;
    const script = join(dir, 'appender.mjs');
    await writeFile(script, APPENDER);
    const { child, exited } = spawnScript(script, [path], (line) => {
      acked = Number(line.split(' ')[1]);
    });
    // Let it write a good amount, then kill it without warning.
    let early: { stderr: string } | undefined;
    void exited.then((result) => (early = result));
    for (;;) {
      await new Promise((r) => setTimeout(r, 20));
      if (early) throw new Error(`the appender exited on its own: ${early.stderr}`);
      const size = await stat(path).then((s) => s.size, () => 0);
      if (size > 2_000_000 && acked > 0) break;
    }
    child.kill('SIGKILL');
    const { signal, stderr } = await exited;
    expect(stderr).toBe('');
    expect(signal).toBe('SIGKILL');
    const lastAcked = acked;

    const warnings: string[] = [];
    const journal = await openJournal(path, { binding: TEST_BINDING, onWarning: (m) => warnings.push(m) });
    expect(warnings.length).toBeLessThanOrEqual(1);
    // Every acknowledged append is there: each ref's last line is at least its last acknowledged one.
    const lost: string[] = [];
    for (let seq = Math.max(0, lastAcked - 299); seq <= lastAcked; seq++) {
      const line = journal.entries.get(`ref-${seq % 300}`)?.line;
      if (line === undefined || line < seq) lost.push(`ref-${seq % 300}: append ${seq} acknowledged, journal holds ${line}`);
    }
    expect(lost).toEqual([]);
    await journal.append({ ref: 'after-crash', state: 'creating', fp: 'fp', line: -1 });
    await journal.close();

    const text = await readFile(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    const torn = lines.filter((l) => {
      try {
        JSON.parse(l);
        return false;
      } catch {
        return true;
      }
    });
    expect(torn).toEqual([]); // one assertion over the thousands of lines
    expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({ ref: 'after-crash', state: 'creating' });
  });
});
