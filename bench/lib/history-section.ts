/**
 * Section 5: history does not slow a run down. Ten nightly runs of 100,000 rows leave 1,000,000
 * ledger entries (lib/history.ts writes them through the product's ledger); then a 3-row run with
 * that ledger against one with an empty ledger, alternated: wall time and peak RSS, the difference.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { CLI, DATA, say } from './config.js';
import { writePayouts } from './data.js';
import { fixed, mb, seconds, table } from './format.js';
import { writeHistory } from './history.js';
import { removeRunFiles, runProduct, type ProductRun } from './product.js';
import type { SandboxProcess } from './sandbox.js';
import { loadRange, loads, showSpread, spread } from './stats.js';
import { atMost, verdictTable, type Verdict } from './targets.js';

type Ledger = 'empty' | 'history';
interface Small {
  run: ProductRun;
  load: number;
}

export async function historySection(nights: number, rowsPerNight: number, rounds: number, sandbox: SandboxProcess, cacheDir: string): Promise<{ markdown: string; verdicts: Verdict[] }> {
  const historyRoot = join(cacheDir, 'history-ledger');
  const emptyRoot = join(cacheDir, 'empty-ledger');
  const account = { origin: new URL(sandbox.url).origin, keyId: sandbox.env['MILKYPAY_KEY_ID']!, mode: 'test' as const };
  const started = performance.now();
  await writeHistory({ root: historyRoot, account, nights, rowsPerNight }, say);
  const writeMs = performance.now() - started;
  const bytes = folderBytes(historyRoot);
  const runs: Record<Ledger, Small[]> = { empty: [], history: [] };
  for (let round = 0; round < rounds; round++) {
    for (const ledger of round % 2 === 0 ? (['empty', 'history'] as const) : (['history', 'empty'] as const)) {
      if (ledger === 'empty') rmSync(emptyRoot, { recursive: true, force: true });
      say(`history: a 3-row run, ${ledger} ledger, round ${round + 1} of ${rounds}`);
      runs[ledger].push(await smallRun(ledger === 'empty' ? emptyRoot : historyRoot, `${ledger}-${round}`, sandbox, cacheDir));
    }
  }
  const wall = (l: Ledger) => spread(runs[l].map((s) => s.run.measured.wallMs));
  const rss = (l: Ledger) => spread(runs[l].map((s) => s.run.measured.peakRssMb));
  const extraS = (wall('history')!.median - wall('empty')!.median) / 1000;
  const extraMb = (rss('history')?.median ?? NaN) - (rss('empty')?.median ?? NaN);
  const line = (l: Ledger): string[] => [
    l === 'empty' ? 'empty ledger' : `after ${(nights * rowsPerNight).toLocaleString('en')} entries written`,
    showSpread(spread(runs[l].map((s) => s.run.measured.wallMs / 1000)), 2),
    runs[l].map((s) => fixed(s.run.measured.wallMs / 1000, 2)).join(', '),
    showSpread(rss(l)),
    loads(runs[l].map((s) => s.load)),
    runs[l].map(outcome).join('; '),
  ];
  const verdicts: Verdict[] = [
    { what: `3-row run after ${(nights * rowsPerNight).toLocaleString('en')} ledger entries, minus on an empty ledger: wall, median (peak RSS beside)`, figure: `${fixed(extraS, 2)} s (${fixed(extraMb, 0)} MB)`, target: '≤ 0.2 s', met: atMost(extraS, 0.2), load: loadRange([...runs.empty, ...runs.history].map((s) => s.load)) },
  ];
  return {
    verdicts,
    markdown:
      `## 5. History: a 3-row run after ${nights} nightly runs of ${rowsPerNight.toLocaleString('en')} rows (sandbox at latency 0; ${rounds} runs each, alternated; median (min–max))\n\n` +
      `The history was written through the product's ledger API (openLedger, then update) in ${seconds(writeMs)}, entries stamped over the last ${nights} days; the ledger folder then held ${mb(bytes / 2 ** 20)}.\n\n` +
      table(['ledger', 'wall s', 'each run in order, s', 'peak RSS MB', 'load (1 min) at each run', 'outcome of each run'], [line('empty'), line('history')]) +
      `\n\n${verdictTable(verdicts)}`,
  };
}

async function smallRun(ledgerRoot: string, tag: string, sandbox: SandboxProcess, cacheDir: string): Promise<Small> {
  mkdirSync(DATA, { recursive: true });
  const file = join(DATA, `history-${tag}.csv`);
  await writePayouts(file, 3, `history-${tag}-${process.pid}-`);
  const load = loadavg()[0]!;
  const run = await runProduct({ cli: CLI, file, concurrency: 8, sandbox, cacheDir, env: { MILKYPAY_LEDGER_DIR: ledgerRoot } });
  removeRunFiles(file);
  return { run, load };
}

function outcome(s: Small): string {
  const counts = Object.entries(s.run.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  return `exit ${s.run.exitCode}${counts.length ? `, ${counts.join(', ')}` : ''}`;
}

function folderBytes(path: string): number {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.size;
  return readdirSync(path).reduce((sum, name) => sum + folderBytes(join(path, name)), 0);
}
