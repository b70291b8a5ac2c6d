/**
 * Section 6: what checking the API's replies costs, measured in the product: one paying run at
 * C = 32 under `node --cpu-prof` (the main thread's profile) with lib/thread-probe.ts preloaded
 * (each thread's CPU at exit). Report: reply-cost-report.ts.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, DATA, say, THREAD_PROBE } from './config.js';
import { writePayouts } from './data.js';
import { readProfile } from './cpu-profile.js';
import { removeRunFiles, runProduct } from './product.js';
import { replyCostReport, type ProfiledRun, type ThreadCpu } from './reply-cost-report.js';
import type { SandboxProcess } from './sandbox.js';
import type { Verdict } from './targets.js';

export const PROFILED_CONCURRENCY = 32;

export async function replyCostSection(rows: number, sandbox: SandboxProcess, cacheDir: string): Promise<{ markdown: string; verdicts: Verdict[] }> {
  const file = join(DATA, `profiled-${rows}.csv`);
  await writePayouts(file, rows, `profiled-${process.pid}-`);
  const dir = mkdtempSync(join(tmpdir(), 'milkypay-bench-prof-'));
  const threadsOut = join(dir, 'threads.json');
  const load = loadavg()[0]!;
  say(`reply checking: ${rows} rows at C=${PROFILED_CONCURRENCY} under --cpu-prof`);
  try {
    const run = await runProduct({
      cli: CLI,
      file,
      concurrency: PROFILED_CONCURRENCY,
      sandbox,
      cacheDir,
      nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir, '--import', pathToFileURL(THREAD_PROBE).href],
      env: { BENCH_THREADS_OUT: threadsOut },
    });
    const written = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
    if (written.length !== 1) throw new Error(`expected one .cpuprofile in ${dir}, found ${written.length}`);
    const profiled: ProfiledRun = {
      profile: readProfile(join(dir, written[0]!)),
      rows,
      load,
      outcome: `exit ${run.exitCode}, ${Object.entries(run.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')}`,
      processCpuMs: run.measured.cpuSeconds === undefined ? undefined : run.measured.cpuSeconds * 1000,
      threads: existsSync(threadsOut) ? (JSON.parse(readFileSync(threadsOut, 'utf8')) as ThreadCpu) : undefined,
    };
    return replyCostReport(profiled);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    removeRunFiles(file);
  }
}
