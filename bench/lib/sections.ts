/** Runs the chosen sections in order, each with the sandbox it needs; the report's parts and every verdict. */
import { cpus } from 'node:os';
import { CLI, LATENCY_MS } from './config.js';
import { startBusyLoops } from './busy.js';
import { dryRunSection } from './dry-run.js';
import { historySection } from './history-section.js';
import { journalSection } from './journal.js';
import { memoryReport, payForMemory, type MemoryRun } from './memory.js';
import { removeRunFiles } from './product.js';
import type { BenchOptions } from './options.js';
import { replyCostSection } from './reply-cost.js';
import { resumeSection } from './resume.js';
import { startSandboxProcess, type SandboxProcess } from './sandbox.js';
import { startupSection } from './startup-section.js';
import type { Verdict } from './targets.js';
import { throughputSection } from './throughput.js';

export interface Part {
  markdown: string;
  verdicts: Verdict[];
}

export async function runSections(o: BenchOptions, cacheDir: string): Promise<Part[]> {
  const parts: Part[] = [];
  const sandboxes: SandboxProcess[] = [];
  const sandbox = async (latencyMs: number): Promise<SandboxProcess> => {
    const s = await startSandboxProcess(CLI, latencyMs);
    sandboxes.push(s);
    return s;
  };
  const has = (name: string): boolean => o.sections.has(name);
  try {
    const throughput = { plan: o.throughput, rounds: o.rounds, newSandbox: () => sandbox(LATENCY_MS), cacheDir };
    if (has('throughput')) parts.push(await throughputSection({ ...throughput, label: 'quiet (nothing else started by the bench)', tag: 'q' }, '1. Throughput and CPU per row, quiet'));
    if (has('loaded')) {
      const busy = startBusyLoops(o.busyLoops);
      try {
        parts.push(await throughputSection({ ...throughput, label: `loaded (${busy.count} busy loops beside it on ${cpus().length} cores)`, tag: 'l' }, '1b. Throughput and CPU per row, loaded'));
      } finally {
        await busy.stop();
      }
    }
    if (has('dryrun')) parts.push(await dryRunSection(o.dryRunRows, o.rounds, await sandbox(0), cacheDir));
    if (has('memory') || has('rerun')) parts.push(...(await memoryAndReruns(o, () => sandbox(0), cacheDir)));
    if (has('history')) parts.push(await historySection(o.history.nights, o.history.rowsPerNight, o.history.rounds, await sandbox(0), cacheDir));
    if (has('replycost')) parts.push(await replyCostSection(o.profiledRows, await sandbox(LATENCY_MS), cacheDir));
    if (has('startup')) parts.push({ markdown: await startupSection(o.quick ? 3 : 5), verdicts: [] });
    if (has('journal')) parts.push({ markdown: await journalSection(32, o.quick ? 1_000 : 1_500, o.quick ? 2 : 4, await sandbox(LATENCY_MS), cacheDir), verdicts: [] });
  } finally {
    for (const s of sandboxes) await s.stop();
  }
  return parts;
}

/**
 * The smaller paying run first, on its own sandbox: its finished batch is the one the reruns
 * meet (with a ledger of that batch only); then the larger on a fresh sandbox and ledger.
 */
async function memoryAndReruns(o: BenchOptions, newSandbox: () => Promise<SandboxProcess>, cacheDir: string): Promise<Part[]> {
  const [small, large] = [Math.min(...o.memoryRows), Math.max(...o.memoryRows)];
  const runs: MemoryRun[] = [];
  const first = await newSandbox();
  runs.push(await payForMemory(small, first, cacheDir));
  const parts: Part[] = [];
  let rerun: Part | undefined;
  try {
    if (o.sections.has('rerun')) rerun = await resumeSection(runs[0]!.batch, o.reruns, first, cacheDir);
  } finally {
    removeRunFiles(runs[0]!.batch.file);
  }
  if (o.sections.has('memory') && large !== small) {
    const second = await payForMemory(large, await newSandbox(), cacheDir);
    removeRunFiles(second.batch.file);
    runs.push(second);
  }
  if (o.sections.has('memory')) parts.push(memoryReport(runs));
  if (rerun) parts.push(rerun);
  return parts;
}
