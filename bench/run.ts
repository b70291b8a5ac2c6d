/**
 * `npm run bench`: the product beside bare undici and got loops, start-up, memory, resume,
 * journal durability and a dry run, every figure measured in this run, with the machine's load.
 * Prints the report and writes it to bench/results.md (`--quick`: smaller runs, one round, a
 * report on stdout only). BENCH_ONLY=1,3 runs some sections; BENCH_C=8,32 some concurrencies.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, DATA, LATENCY_MS, ROOT } from './lib/config.js';
import { fixed } from './lib/format.js';
import { machine } from './lib/machine.js';
import { rssMethod } from './lib/measure.js';
import { memorySection } from './lib/memory.js';
import { resumeSection } from './lib/resume.js';
import { startSandboxProcess, type SandboxProcess } from './lib/sandbox.js';
import { dryRunSection, journalSection } from './lib/sections.js';
import { startupSection } from './lib/startup-section.js';
import { throughputSection } from './lib/throughput.js';

const quick = process.argv.includes('--quick');
const ONLY = new Set((process.env['BENCH_ONLY'] ?? '1,2,3,4,5,6').split(','));
const ONLY_C = process.env['BENCH_C']?.split(',').map(Number);

/** Rows per concurrency: about 4 s at the C/(2L) limit (2 s with --quick). */
const THROUGHPUT = [
  { concurrency: 8, rows: quick ? 300 : 600 },
  { concurrency: 32, rows: quick ? 1_200 : 2_400 },
  { concurrency: 128, rows: quick ? 5_000 : 8_000 },
].filter((r) => !ONLY_C || ONLY_C.includes(r.concurrency));
const ROUNDS = quick ? 1 : 2;
/**
 * The paying runs of section 3; the first, finished, is the batch section 4 resumes. On a shared
 * 2-core machine a 1,000,000-row run takes most of an hour: BENCH_MEMORY_ROWS=100000,1000000 asks for it.
 */
const MEMORY_SIZES = (process.env['BENCH_MEMORY_ROWS'] ?? (quick ? '5000,20000' : '10000,100000')).split(',').map(Number);

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const cacheDir = mkdtempSync(join(tmpdir(), 'milkypay-bench-cache-'));
  const started = performance.now();
  const load0 = loadavg();
  const sections: string[] = [];
  const sandboxes: SandboxProcess[] = [];
  const sandbox = async (latencyMs: number): Promise<SandboxProcess> => {
    const s = await startSandboxProcess(CLI, latencyMs);
    sandboxes.push(s);
    return s;
  };
  try {
    if (ONLY.has('1')) sections.push((await throughputSection(THROUGHPUT, ROUNDS, () => sandbox(LATENCY_MS), cacheDir)).markdown);
    if (ONLY.has('2')) sections.push(await startupSection(quick ? 3 : 5));
    if (ONLY.has('3') || ONLY.has('4')) {
      const flat = await sandbox(0);
      const memory = await memorySection(ONLY.has('3') ? MEMORY_SIZES : MEMORY_SIZES.slice(0, 1), flat, cacheDir);
      if (ONLY.has('3')) sections.push(memory.markdown);
      if (ONLY.has('4') && memory.finished) sections.push(await resumeSection(memory.finished, quick ? 2 : 3, flat, cacheDir));
      await flat.stop();
    }
    if (ONLY.has('5')) sections.push(await journalSection(32, quick ? 1_000 : 1_500, quick ? 2 : 4, await sandbox(LATENCY_MS), cacheDir));
    if (ONLY.has('6')) sections.push(await dryRunSection(quick ? 50_000 : 100_000, await sandbox(0), cacheDir));
  } finally {
    for (const s of sandboxes) await s.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }

  const report = [
    '# Benchmark results',
    '',
    machine(load0),
    '',
    ...sections.flatMap((s) => [s, '']),
    '## Notes',
    '',
    `- Bench wall time: ${fixed((performance.now() - started) / 1000)} s${quick ? ' (`--quick`: smaller runs, one round; not the targets’ sizes)' : ''}.`,
    `- Peak RSS by ${rssMethod}; CPU is user + system time of the child (GNU time), per row in ms; the sandbox's from /proc.`,
    '- Rates use the child process wall time (start to exit), start-up included. The paying phase runs from the `run started`',
    '  log line (the first pass has validated every row) to `run finished`.',
    '- The machine is shared: the load average (1 min) is recorded at the start of each run. Variants alternate within',
    '  the run; tables give the best run and the spread.',
    '- `MILKYPAY_JOURNAL_FSYNC=0` exists for this benchmark only: without fsync a crash can lose journal lines.',
    '- The 1,000,000-row paying run (peak RSS, live heap per row, load) and the ledger\'s share of a resume: [memory-1m.md](memory-1m.md).',
    "- The targets beside the last run, and what bounds each one missed (with the CPU profile): [README, Speed and memory](../README.md#speed-and-memory).",
    '',
  ].join('\n');
  process.stdout.write(report);
  if (!quick) writeFileSync(join(ROOT, 'bench/results.md'), report);
}

await main();
