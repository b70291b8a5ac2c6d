/**
 * `npm run bench`: throughput at the network limit and memory flat in file size, every figure
 * measured in this run. Prints the report and writes it to bench/results.md.
 * Tuning knobs (the targets need the defaults): BENCH_SCALE=0.1 shrinks every row count;
 * BENCH_ONLY=1,2 runs some sections; BENCH_C=8,32 some concurrencies.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, DATA, LATENCY_MS, ROOT, say } from './lib/config.js';
import { fixed } from './lib/format.js';
import { rssMethod } from './lib/measure.js';
import { machine } from './lib/machine.js';
import { coldStartSection, dryRunSection, fullRunsSection, journalSection, resumeSection } from './lib/sections.js';
import { startSandboxProcess, type SandboxProcess } from './lib/sandbox.js';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1) || 1;
const rowsFor = (n: number): number => Math.max(100, Math.round(n * SCALE));
const ONLY = new Set((process.env['BENCH_ONLY'] ?? '1,2,3,4,5').split(','));
const ONLY_C = process.env['BENCH_C']?.split(',').map(Number);

/** Rows per concurrency: at least 20 s at the C/(2L) limit; the 128 run is also the batch section 3 resumes. */
const FULL_RUNS = [
  { concurrency: 8, rows: rowsFor(3_600), naiveRows: rowsFor(3_600) },
  { concurrency: 32, rows: rowsFor(14_000), naiveRows: rowsFor(14_000) },
  // 100,000 rows take minutes on two cores; the baseline's rate is steady well before that.
  { concurrency: 128, rows: rowsFor(100_000), naiveRows: rowsFor(30_000) },
].filter((r) => !ONLY_C || ONLY_C.includes(r.concurrency));

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const cacheDir = mkdtempSync(join(tmpdir(), 'milkypay-bench-cache-'));
  const started = performance.now();
  const load0 = loadavg();
  const sections: string[] = [];
  const sandboxes: SandboxProcess[] = [];
  const sandbox = async (): Promise<SandboxProcess> => {
    const s = await startSandboxProcess(CLI, LATENCY_MS);
    sandboxes.push(s);
    return s;
  };
  try {
    if (ONLY.has('1')) {
      const full = await fullRunsSection(FULL_RUNS, sandbox, cacheDir);
      sections.push(full.markdown);
      if (ONLY.has('3') && full.last) sections.push(await resumeSection(full.last, cacheDir, 3));
      for (const s of sandboxes.splice(0)) await s.stop();
    }
    if (ONLY.has('4')) {
      sections.push(await journalSection(32, rowsFor(5_000), 2, await sandbox(), cacheDir));
      for (const s of sandboxes.splice(0)) await s.stop();
    }
    if (ONLY.has('2')) sections.push(await dryRunSection(rowsFor(1_000_000), await sandbox(), cacheDir));
    if (ONLY.has('5')) sections.push(await coldStartSection(7));
  } finally {
    for (const s of sandboxes) await s.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }

  const order = ['## 1.', '## 2.', '## 3.', '## 4.', '## 5.'];
  sections.sort((a, b) => order.findIndex((p) => a.startsWith(p)) - order.findIndex((p) => b.startsWith(p)));
  const report = [
    '# Benchmark results',
    '',
    machine(load0),
    '',
    ...sections.flatMap((s) => [s, '']),
    '## Notes',
    '',
    `- Bench wall time: ${fixed((performance.now() - started) / 1000)} s${SCALE !== 1 ? ` (BENCH_SCALE=${SCALE}: row counts scaled, targets not comparable)` : ''}.`,
    `- Peak RSS by ${rssMethod}; CPU is user + system seconds of the child (GNU time), per row in ms.`,
    '- Rates use the child process wall time (start to exit). The paying phase runs from the `run started` log line',
    '  (the first pass has validated every row) to `run finished`.',
    '- Connections: TCP connections the sandbox accepted during the run (its `GET /__sandbox/counters`).',
    '- `MILKYPAY_JOURNAL_FSYNC=0` exists for this benchmark only: without fsync a crash can lose journal lines.',
    '',
  ].join('\n');
  process.stdout.write(report);
  writeFileSync(join(ROOT, 'bench/results.md'), report);
}

await main();
