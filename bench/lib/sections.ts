/** Sections 5 and 6: journal durability and the dry run of a large file. */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { BARE, CLI, DATA, LATENCY_MS, say } from './config.js';
import { writePayouts } from './data.js';
import { fixed, mb, seconds, table } from './format.js';
import { measure } from './measure.js';
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
    `## 5. Journal durability (C = ${concurrency}, ${rows} rows a run, latency ${LATENCY_MS} ms, ${rounds} runs each, alternating)\n\n` +
    table(['journal', 'best rows/s', 'each run, rows/s', 'best: rows/s, paying phase', 'best: CPU ms/row', 'best: peak RSS', 'load (1 min) at each run', 'best: outcome'], [
      row('fdatasync per group commit (default)', true),
      row('no fsync (`MILKYPAY_JOURNAL_FSYNC=0`, bench only)', false),
    ]) +
    `\n\nCost of durability (best against best): ${fixed(cost * 100, 1)}% of throughput` +
    `${cost < 0 ? ' (negative: the durable runs were faster, so the cost is below the noise)' : ''}.`
  );
}

export async function dryRunSection(rows: number, sandbox: SandboxProcess, cacheDir: string): Promise<string> {
  const file = join(DATA, `dry-${rows}.csv`);
  say(`generating ${rows} rows`);
  await writePayouts(file, rows, 'dry-');
  say('bare csv-parse');
  const bareLoad = loadavg()[0]!;
  const bare = await measure(process.execPath, [BARE, file], process.env);
  const bareRate = rows / (bare.wallMs / 1000);
  say(`--dry-run of ${rows} rows`);
  const dryLoad = loadavg()[0]!;
  const dry = await runProduct({ cli: CLI, file, concurrency: 8, sandbox, cacheDir, dryRun: true });
  const dryRate = rows / (dry.measured.wallMs / 1000);
  rmSync(file, { force: true });
  for (const output of ['.results.csv', '.dryrun.csv']) rmSync(file.replace(/\.csv$/, output), { force: true });
  return (
    `## 6. Dry run of ${rows.toLocaleString('en')} rows\n\n` +
    table(
      ['what', 'wall time', 'rows/s', 'peak RSS', 'ratio to bare csv-parse', 'load (1 min)'],
      [
        ['`run --dry-run` (validate every row, write the results file)', seconds(dry.measured.wallMs), fixed(dryRate), mb(dry.measured.peakRssMb), fixed(dryRate / bareRate, 2), fixed(dryLoad, 1)],
        ['bare csv-parse iteration, `columns: true`, same file (ceiling)', seconds(bare.wallMs), fixed(bareRate), mb(bare.peakRssMb), '1.00', fixed(bareLoad, 1)],
      ],
    ) +
    `\n\nDry-run outcome: ${outcome(dry)}.`
  );
}

function outcome(r: ProductRun): string {
  const counts = Object.entries(r.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  return `exit ${r.exitCode}${counts.length ? `, ${counts.join(', ')}` : ''}`;
}
