/**
 * Section 1: the product beside the naive scripts a user would write (a bare undici loop and a
 * bare got loop), for each concurrency at the sandbox's latency, in rounds that alternate the
 * order of the three so load from elsewhere on the machine falls on all of them alike.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { BARE_GOT, BARE_UNDICI, CLI, DATA, LATENCY_MS, limitRate, say } from './config.js';
import { writePayouts } from './data.js';
import { fixed, mb, table } from './format.js';
import { measure } from './measure.js';
import { runProduct } from './product.js';
import type { SandboxProcess } from './sandbox.js';

export interface ThroughputPlan {
  concurrency: number;
  rows: number;
}

const VARIANTS = ['product', 'bare undici', 'bare got'] as const;
type Variant = (typeof VARIANTS)[number];

interface Run {
  rowsPerSecond: number;
  /** Rows per second from `run started` to `run finished` (the product only). */
  payingRowsPerSecond?: number;
  cpuMsPerRow: number | undefined;
  sandboxCpuMsPerRow: number | undefined;
  peakRssMb: number | undefined;
  load: number;
  outcome: string;
}

export interface ThroughputResult {
  markdown: string;
  /** Best rows/s per concurrency and variant, for the summary. */
  best: Map<number, Map<Variant, number>>;
}

export async function throughputSection(plan: ThroughputPlan[], rounds: number, newSandbox: () => Promise<SandboxProcess>, cacheDir: string): Promise<ThroughputResult> {
  const lines: string[][] = [];
  const best = new Map<number, Map<Variant, number>>();
  for (const { concurrency: c, rows } of plan) {
    const sandbox = await newSandbox();
    const shared = join(DATA, `bare-c${c}.csv`);
    await writePayouts(shared, rows, '');
    const runs = new Map<Variant, Run[]>(VARIANTS.map((v) => [v, []]));
    for (let round = 0; round < rounds; round++) {
      const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
      for (const variant of order) {
        say(`C=${c}, ${rows} rows, round ${round + 1} of ${rounds}: ${variant}`);
        runs.get(variant)!.push(await once(variant, c, rows, round, shared, sandbox, cacheDir));
      }
    }
    await sandbox.stop();
    const bestOf = new Map<Variant, number>();
    for (const variant of VARIANTS) {
      const all = runs.get(variant)!;
      const top = [...all].sort((a, b) => b.rowsPerSecond - a.rowsPerSecond)[0]!;
      bestOf.set(variant, top.rowsPerSecond);
      const rates = all.map((r) => r.rowsPerSecond);
      lines.push([
        String(c),
        variant,
        String(rows),
        fixed(top.rowsPerSecond),
        `${fixed(Math.min(...rates))}–${fixed(Math.max(...rates))}`,
        fixed(top.rowsPerSecond / limitRate(c), 3),
        top.payingRowsPerSecond === undefined ? '' : fixed(top.payingRowsPerSecond / limitRate(c), 3),
        `${fixed(top.cpuMsPerRow, 3)} + ${fixed(top.sandboxCpuMsPerRow, 3)}`,
        mb(top.peakRssMb),
        all.map((r) => fixed(r.load, 1)).join(', '),
        top.outcome,
      ]);
    }
    best.set(c, bestOf);
  }
  const vs = [...best].map(([c, b]) => {
    const p = b.get('product')!;
    return [String(c), fixed(limitRate(c)), fixed(p / b.get('bare undici')!, 2), fixed(p / b.get('bare got')!, 2)];
  });
  const markdown =
    `## 1. Throughput (sandbox in its own process, latency ${LATENCY_MS} ms; limit = C / (2L); ${rounds} rounds, order rotated each round)\n\n` +
    table(
      ['C', 'variant', 'rows', 'best rows/s', 'spread rows/s', 'best / limit', 'paying phase / limit', 'CPU ms/row (client + sandbox), best run', 'peak RSS, best run', 'load (1 min) at each run', 'outcome, best run'],
      lines,
    ) +
    '\n\nBest against best (targets: ≥ 0.97 of bare undici at C = 8 and 32, ≥ 0.9 at C = 128; ≥ 1.0 of bare got):\n\n' +
    table(['C', 'limit rows/s', 'product / bare undici', 'product / bare got'], vs);
  return { markdown, best };
}

async function once(variant: Variant, c: number, rows: number, round: number, shared: string, sandbox: SandboxProcess, cacheDir: string): Promise<Run> {
  const load = loadavg()[0]!;
  const cpu0 = sandbox.cpuSeconds();
  if (variant === 'product') {
    const file = join(DATA, `product-c${c}-r${round}.csv`);
    await writePayouts(file, rows, `product-c${c}-r${round}-${process.pid}-`);
    const run = await runProduct({ cli: CLI, file, concurrency: c, sandbox, cacheDir });
    const sandboxCpu = diff(sandbox.cpuSeconds(), cpu0);
    const counts = Object.entries(run.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
    return {
      rowsPerSecond: (rows / run.measured.wallMs) * 1000,
      ...(run.payingMs ? { payingRowsPerSecond: (rows / run.payingMs) * 1000 } : {}),
      cpuMsPerRow: perRow(run.measured.cpuSeconds, rows),
      sandboxCpuMsPerRow: perRow(sandboxCpu, rows),
      peakRssMb: run.measured.peakRssMb,
      load,
      outcome: `exit ${run.exitCode}${counts.length ? `, ${counts.join(', ')}` : ''}`,
    };
  }
  const script = variant === 'bare got' ? BARE_GOT : BARE_UNDICI;
  const prefix = `${variant === 'bare got' ? 'got' : 'und'}-c${c}-r${round}-${process.pid}-`;
  const m = await measure(process.execPath, [script, shared, String(c), prefix, String(rows)], { ...process.env, ...sandbox.env });
  const sandboxCpu = diff(sandbox.cpuSeconds(), cpu0);
  const out = JSON.parse(m.stdout.trim() || '{}') as { ok?: number; failed?: number };
  return {
    rowsPerSecond: (rows / m.wallMs) * 1000,
    cpuMsPerRow: perRow(m.cpuSeconds, rows),
    sandboxCpuMsPerRow: perRow(sandboxCpu, rows),
    peakRssMb: m.peakRssMb,
    load,
    outcome: `exit ${m.code}, ok ${out.ok ?? 0}${out.failed ? `, failed ${out.failed}` : ''}`,
  };
}

const perRow = (seconds: number | undefined, rows: number): number | undefined => (seconds === undefined ? undefined : (seconds * 1000) / rows);

function diff(after: number | undefined, before: number | undefined): number | undefined {
  return after === undefined || before === undefined ? undefined : after - before;
}
