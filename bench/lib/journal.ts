/** Journal durability (not a target of issue 20; `--only journal`): the journal with and without fsync. */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { CLI, DATA, LATENCY_MS, say } from './config.js';
import { writePayouts } from './data.js';
import { fixed, mb, table } from './format.js';
import { runProduct, type ProductRun } from './product.js';
import type { SandboxProcess } from './sandbox.js';

interface RunFigures {
  rows: number;
  run: ProductRun;
  load: number;
}

/** The journal with and without fsync, alternating (A B A B) so load from elsewhere hits both alike. */
export async function journalSection(concurrency: number, rows: number, rounds: number, sandbox: SandboxProcess, cacheDir: string): Promise<string> {
  const runs: { durable: boolean; figures: RunFigures }[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const durable of round % 2 === 0 ? [true, false] : [false, true]) {
      const name = `journal-${durable ? 'fsync' : 'nofsync'}-${round}`;
      const file = join(DATA, `${name}.csv`);
      await writePayouts(file, rows, `${name}-${process.pid}-`);
      say(`journal ${durable ? 'with' : 'without'} fsync, round ${round + 1} of ${rounds}`);
      const load = loadavg()[0]!;
      runs.push({ durable, figures: { rows, load, run: await runProduct({ cli: CLI, file, concurrency, sandbox, cacheDir, durable }) } });
    }
  }
  const rate = (f: RunFigures): number => (f.rows / f.run.measured.wallMs) * 1000;
  const of = (durable: boolean): RunFigures[] => runs.filter((r) => r.durable === durable).map((r) => r.figures);
  const best = (durable: boolean): RunFigures => [...of(durable)].sort((x, y) => rate(y) - rate(x))[0]!;
  const cost = 1 - rate(best(true)) / rate(best(false));
  const row = (name: string, durable: boolean): string[] => {
    const f = best(durable);
    const pay = f.run.payingMs ? (f.rows / f.run.payingMs) * 1000 : undefined;
    const cpu = f.run.measured.cpuSeconds === undefined ? 'n/a' : ((f.run.measured.cpuSeconds * 1000) / f.rows).toFixed(3);
    return [name, fixed(rate(f)), of(durable).map((x) => fixed(rate(x))).join(', '), fixed(pay), cpu, mb(f.run.measured.peakRssMb), of(durable).map((x) => fixed(x.load, 1)).join(', '), outcome(f.run)];
  };
  return (
    `## Journal durability (C = ${concurrency}, ${rows} rows a run, latency ${LATENCY_MS} ms, ${rounds} runs each, alternating)\n\n` +
    table(['journal', 'best rows/s', 'each run, rows/s', 'best: rows/s, paying phase', 'best: CPU ms/row', 'best: peak RSS', 'load (1 min) at each run', 'best: outcome'], [
      row('fdatasync per group commit (default)', true),
      row('no fsync (`MILKYPAY_JOURNAL_FSYNC=0`, bench only)', false),
    ]) +
    `\n\nCost of durability (best against best): ${fixed(cost * 100, 1)}% of throughput` +
    `${cost < 0 ? ' (negative: the durable runs were faster, so the cost is below the noise)' : ''}.`
  );
}

function outcome(r: ProductRun): string {
  const counts = Object.entries(r.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  return `exit ${r.exitCode}${counts.length ? `, ${counts.join(', ')}` : ''}`;
}
