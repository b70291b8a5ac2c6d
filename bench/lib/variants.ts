/**
 * One run of one variant of the throughput section, measured as a whole process (GNU time:
 * user + system of every thread): the product, the bare undici loop, the bare got loop and the
 * naive Python thread pool, each paying the same rows at the same concurrency.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { BARE_GOT, BARE_UNDICI, CLI, DATA, NAIVE_POOL } from './config.js';
import { writePayouts } from './data.js';
import { measure } from './measure.js';
import { removeRunFiles, runProduct } from './product.js';
import { python3 } from './python.js';
import type { SandboxProcess } from './sandbox.js';

export const VARIANTS = ['product', 'undici loop', 'got loop', 'python pool'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface VariantRun {
  rowsPerSecond: number;
  /** Whole process, all threads, start-up included. */
  cpuMsPerRow: number | undefined;
  sandboxCpuMsPerRow: number | undefined;
  peakRssMb: number | undefined;
  load: number;
  /** Every row paid (exit 0 and as many paid as sent). */
  ok: boolean;
  outcome: string;
}

export interface RunSpec {
  variant: Variant;
  concurrency: number;
  rows: number;
  /** Distinguishes the references of every run (the sandbox refuses a reference twice). */
  tag: string;
  /** The file the loops read (the product gets its own, same rows, its own payees). */
  shared: string;
  sandbox: SandboxProcess;
  cacheDir: string;
}

/** The variants this machine can run: the Python pool needs python3. */
export function availableVariants(): Variant[] {
  return VARIANTS.filter((v) => v !== 'python pool' || python3() !== null);
}

export async function runVariant(s: RunSpec): Promise<VariantRun> {
  const load = loadavg()[0]!;
  const cpu0 = s.sandbox.cpuSeconds();
  const done = s.variant === 'product' ? await product(s) : await loop(s);
  const cpu1 = s.sandbox.cpuSeconds();
  return { ...done, load, sandboxCpuMsPerRow: cpu0 === undefined || cpu1 === undefined ? undefined : ((cpu1 - cpu0) * 1000) / s.rows };
}

type Done = Omit<VariantRun, 'load' | 'sandboxCpuMsPerRow'>;

async function product(s: RunSpec): Promise<Done> {
  const file = join(DATA, `product-${s.tag}.csv`);
  await writePayouts(file, s.rows, `product-${s.tag}-${process.pid}-`);
  const run = await runProduct({ cli: CLI, file, concurrency: s.concurrency, sandbox: s.sandbox, cacheDir: s.cacheDir });
  removeRunFiles(file);
  const counts = Object.entries(run.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  return {
    rowsPerSecond: (s.rows / run.measured.wallMs) * 1000,
    cpuMsPerRow: perRow(run.measured.cpuSeconds, s.rows),
    peakRssMb: run.measured.peakRssMb,
    ok: run.exitCode === 0 && run.counts['processed'] === s.rows,
    outcome: `exit ${run.exitCode}${counts.length ? `, ${counts.join(', ')}` : ''}`,
  };
}

async function loop(s: RunSpec): Promise<Done> {
  const [command, script] = s.variant === 'python pool' ? [python3()!, NAIVE_POOL] : [process.execPath, s.variant === 'got loop' ? BARE_GOT : BARE_UNDICI];
  const args = [script, s.shared, String(s.concurrency), `${s.variant.slice(0, 3)}-${s.tag}-${process.pid}-`, String(s.rows)];
  const m = await measure(command, args, { ...process.env, ...s.sandbox.env });
  let out: { ok?: number; failed?: number } = {};
  try {
    out = JSON.parse(m.stdout.trim().split('\n').pop() || '{}') as typeof out;
  } catch {
    out = {};
  }
  return {
    rowsPerSecond: (s.rows / m.wallMs) * 1000,
    cpuMsPerRow: perRow(m.cpuSeconds, s.rows),
    peakRssMb: m.peakRssMb,
    ok: m.code === 0 && out.ok === s.rows,
    outcome: `exit ${m.code}, ok ${out.ok ?? 0}${out.failed ? `, failed ${out.failed}` : ''}`,
  };
}

const perRow = (seconds: number | undefined, rows: number): number | undefined => (seconds === undefined ? undefined : (seconds * 1000) / rows);
