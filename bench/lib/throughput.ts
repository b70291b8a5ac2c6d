/**
 * Section 1: the product beside the bare undici loop and the naive clients (the bare got loop, the
 * Python thread pool), same requests, same concurrency, the sandbox in its own process at 25 ms.
 * Each round runs every variant once, the order rotated from round to round, so load from elsewhere
 * on the machine falls on all of them alike. Run quiet, then again beside busy loops ("loaded").
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DATA, LATENCY_MS, limitRate, say } from './config.js';
import { writePayouts } from './data.js';
import type { SandboxProcess } from './sandbox.js';
import { throughputReport } from './throughput-report.js';
import type { Verdict } from './targets.js';
import { availableVariants, runVariant, type Variant, type VariantRun } from './variants.js';
import { python3 } from './python.js';

export interface ThroughputPlan {
  concurrency: number;
  rows: number;
}

export interface ThroughputSettings {
  plan: ThroughputPlan[];
  rounds: number;
  newSandbox: () => Promise<SandboxProcess>;
  cacheDir: string;
  /** "quiet" or "loaded", in the targets' names. */
  label: string;
  /** What else ran on the machine, for the section's introduction. */
  beside: string;
  /** Distinguishes the references of this table's runs from another table's. */
  tag: string;
}

/** Every run, by concurrency then variant. */
export type Runs = Map<number, Map<Variant, VariantRun[]>>;

export async function throughputSection(s: ThroughputSettings, heading: string): Promise<{ markdown: string; verdicts: Verdict[] }> {
  const variants = availableVariants();
  const runs: Runs = new Map();
  for (const { concurrency: c, rows } of s.plan) runs.set(c, await roundsAt(s, variants, c, rows));
  const skipped = python3() === null ? '\n\nThe Python pool was skipped: no `python3` on this machine.' : '';
  const intro =
    `## ${heading}\n\nThe sandbox in its own process at latency ${LATENCY_MS} ms; limit = C / (2L) rows/s; ${s.rounds} round${s.rounds === 1 ? '' : 's'}, ` +
    `the order of the ${variants.length} variants rotated each round; ${s.beside}. CPU is the whole process's user + system time ` +
    '(every thread, start-up included, GNU time) over its rows; the sandbox\'s own CPU apart. Figures: median (min–max).';
  const report = throughputReport(runs, s.label, (c) => s.plan.find((p) => p.concurrency === c)!.rows, limitRate);
  return { markdown: `${intro}\n\n${report.markdown}${skipped}`, verdicts: report.verdicts };
}

async function roundsAt(s: ThroughputSettings, variants: Variant[], c: number, rows: number): Promise<Map<Variant, VariantRun[]>> {
  const sandbox = await s.newSandbox();
  const shared = join(DATA, `bare-${s.tag}-c${c}.csv`);
  await writePayouts(shared, rows, '');
  const runs = new Map<Variant, VariantRun[]>(variants.map((v) => [v, []]));
  try {
    for (let round = 0; round < s.rounds; round++) {
      const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
      for (const variant of order) {
        say(`${s.label}: C=${c}, ${rows} rows, round ${round + 1} of ${s.rounds}: ${variant}`);
        runs.get(variant)!.push(await runVariant({ variant, concurrency: c, rows, tag: `${s.tag}-c${c}-r${round}`, shared, sandbox, cacheDir: s.cacheDir }));
      }
    }
  } finally {
    await sandbox.stop();
    rmSync(shared, { force: true });
  }
  return runs;
}
