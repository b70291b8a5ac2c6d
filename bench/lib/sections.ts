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

export interface Sections {
  parts: Part[];
  /** Wall seconds each section took, by name. */
  seconds: [string, number][];
}

export async function runSections(o: BenchOptions, cacheDir: string): Promise<Sections> {
  const done: Sections = { parts: [], seconds: [] };
  const sandboxes: SandboxProcess[] = [];
  const sandbox = async (latencyMs: number): Promise<SandboxProcess> => {
    const s = await startSandboxProcess(CLI, latencyMs);
    sandboxes.push(s);
    return s;
  };
  const step = async (name: string, make: () => Promise<Part | Part[]>, label = name): Promise<void> => {
    if (!o.sections.has(name)) return;
    const started = performance.now();
    done.parts.push(...[await make()].flat());
    done.seconds.push([label, (performance.now() - started) / 1000]);
  };
  const throughput = { plan: o.throughput, rounds: o.rounds, newSandbox: () => sandbox(LATENCY_MS), cacheDir };
  try {
    await step('throughput', () => throughputSection({ ...throughput, label: 'quiet', beside: 'nothing else started by the bench', tag: 'q' }, '1. Throughput and CPU per row, quiet'));
    await step('loaded', async () => {
      const busy = startBusyLoops(o.busyLoops);
      try {
        return await throughputSection({ ...throughput, label: 'loaded', beside: `${busy.count} busy loops (\`for (;;) {}\` in node) beside it on ${cpus().length} cores`, tag: 'l' }, '1b. Throughput and CPU per row, loaded');
      } finally {
        await busy.stop();
      }
    });
    await step('dryrun', async () => dryRunSection(o.dryRunRows, o.rounds, await sandbox(0), cacheDir));
    await step(o.sections.has('memory') ? 'memory' : 'rerun', () => memoryAndReruns(o, () => sandbox(0), cacheDir), 'memory and reruns');
    await step('history', async () => historySection(o.history.nights, o.history.rowsPerNight, o.history.rounds, await sandbox(0), cacheDir));
    await step('replycost', async () => replyCostSection(o.profiledRows, await sandbox(LATENCY_MS), cacheDir));
    await step('startup', async () => ({ markdown: await startupSection(o.quick ? 3 : 5), verdicts: [] }));
    await step('journal', async () => ({ markdown: await journalSection(32, o.quick ? 1_000 : 1_500, o.quick ? 2 : 4, await sandbox(LATENCY_MS), cacheDir), verdicts: [] }));
  } finally {
    for (const s of sandboxes) await s.stop();
  }
  return done;
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
