/** The five sections of the report, each measured in the same run. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BARE, CLI, DATA, LATENCY_MS, limitRate, NAIVE, say } from './config.js';
import { writePayouts } from './data.js';
import { fixed, mb, median, seconds, table } from './format.js';
import { measure, type Measured } from './measure.js';
import { runProduct, type ProductRun } from './product.js';
import type { SandboxProcess } from './sandbox.js';

export interface FullRunPlan {
  concurrency: number;
  rows: number;
  /** The naive baseline pays the first `naiveRows` of the same file (a steady-state rate either way). */
  naiveRows: number;
}

export interface FullRunsResult {
  markdown: string;
  /** The last (largest) batch, finished, for the resume section. */
  last?: { file: string; rows: number; concurrency: number; sandbox: SandboxProcess };
}

interface RunFigures {
  rows: number;
  run: ProductRun;
}

interface NaiveRun {
  m: Measured;
  rows: number;
  ok: number;
  failed: number;
  connections: number;
  sandboxCpu: number | undefined;
}

export async function fullRunsSection(plan: FullRunPlan[], newSandbox: () => Promise<SandboxProcess>, cacheDir: string): Promise<FullRunsResult> {
  const rows: string[][] = [];
  const result: FullRunsResult = { markdown: '' };
  for (const { concurrency: c, rows: n, naiveRows } of plan) {
    const sandbox = await newSandbox();
    const file = join(DATA, `full-c${c}.csv`);
    await writePayouts(file, n, `full-c${c}-`);
    say(`full run, C=${c}, ${n} rows`);
    const cpu0 = sandbox.cpuSeconds();
    const product = await runProduct({ cli: CLI, file, concurrency: c, sandbox, cacheDir });
    const productSandboxCpu = diff(sandbox.cpuSeconds(), cpu0);
    say(`naive baseline, C=${c}, ${Math.min(n, naiveRows)} rows`);
    const naive = await runNaive(file, c, sandbox, Math.min(n, naiveRows));
    rows.push(fullRow(c, n, product, productSandboxCpu, naive));
    if (result.last) await result.last.sandbox.stop();
    result.last = { file, rows: n, concurrency: c, sandbox };
  }
  result.markdown =
    `## 1. Full runs (sandbox in its own process, latency ${LATENCY_MS} ms; limit = C / (2L))\n\n` +
    table(
      [
        'C', 'rows', 'limit rows/s', 'product rows/s', 'ratio', 'ratio, paying phase', 'connections', 'peak RSS', 'CPU ms/row (product + sandbox)', 'outcome',
        'naive rows', 'naive rows/s', 'naive ratio', 'CPU ms/row (naive + sandbox)', 'product / naive',
      ],
      rows,
    );
  return result;
}

async function runNaive(file: string, concurrency: number, sandbox: SandboxProcess, rows: number): Promise<NaiveRun> {
  const before = await sandbox.counters();
  const cpu0 = sandbox.cpuSeconds();
  const m = await measure(process.execPath, [NAIVE, file, String(concurrency), `naive-c${concurrency}-`, String(rows)], { ...process.env, ...sandbox.env });
  const sandboxCpu = diff(sandbox.cpuSeconds(), cpu0);
  const after = await sandbox.counters();
  const out = JSON.parse(m.stdout.trim() || '{}') as { ok?: number; failed?: number };
  return { m, rows, ok: out.ok ?? 0, failed: out.failed ?? 0, connections: after.connections - before.connections - 1, sandboxCpu };
}

function fullRow(c: number, n: number, p: ProductRun, sandboxCpu: number | undefined, naive: NaiveRun): string[] {
  const limit = limitRate(c);
  const rate = (n / p.measured.wallMs) * 1000;
  const paying = p.payingMs ? (n / p.payingMs) * 1000 : undefined;
  const naiveRate = (naive.rows / naive.m.wallMs) * 1000;
  return [
    String(c),
    String(n),
    fixed(limit),
    fixed(rate),
    fixed(rate / limit, 3),
    paying ? fixed(paying / limit, 3) : 'n/a',
    `${p.connections}${p.connections <= c ? '' : ' (more than C)'}`,
    mb(p.measured.peakRssMb),
    cpuPerRow(p.measured.cpuSeconds, sandboxCpu, n),
    outcome(p),
    String(naive.rows),
    `${fixed(naiveRate)}${naive.failed ? ` (${naive.failed} failed)` : ''}`,
    fixed(naiveRate / limit, 3),
    cpuPerRow(naive.m.cpuSeconds, naive.sandboxCpu, naive.rows),
    fixed(rate / naiveRate, 2),
  ];
}

/** Reruns of the finished batch: the median wall time of `times`, and every request any of them sent. */
export async function resumeSection(last: NonNullable<FullRunsResult['last']>, cacheDir: string, times: number): Promise<string> {
  const reruns: ProductRun[] = [];
  for (let i = 0; i < times; i++) {
    say(`resume of the finished ${last.rows}-row batch, ${i + 1} of ${times}`);
    reruns.push(await runProduct({ cli: CLI, file: last.file, concurrency: last.concurrency, sandbox: last.sandbox, cacheDir, keep: true }));
  }
  const walls = reruns.map((r) => r.measured.wallMs);
  const sum = (f: (r: ProductRun) => number): number => reruns.reduce((n, r) => n + f(r), 0);
  return (
    `## 3. Resume: rerun of the finished ${last.rows}-row batch (C = ${last.concurrency}, same journal, ${times} reruns)\n\n` +
    table(
      ['median wall time', 'each rerun', 'invoice requests (all reruns)', 'all requests (rules come from the cache)', 'peak RSS (max)', 'outcome'],
      [
        [
          seconds(median(walls)),
          walls.map((w) => seconds(w)).join(', '),
          String(sum((r) => r.invoiceRequests)),
          String(sum((r) => r.allRequests)),
          mb(Math.max(...reruns.map((r) => r.measured.peakRssMb ?? 0))),
          outcome(reruns[reruns.length - 1]!),
        ],
      ],
    )
  );
}

/** The journal with and without fsync, alternating (A B A B) so load from elsewhere hits both alike. */
export async function journalSection(concurrency: number, rows: number, rounds: number, sandbox: SandboxProcess, cacheDir: string): Promise<string> {
  const runs: { durable: boolean; figures: RunFigures }[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const durable of [true, false]) {
      const file = join(DATA, `journal-${durable ? 'fsync' : 'nofsync'}-${round}.csv`);
      await writePayouts(file, rows, `journal-${durable ? 'fsync' : 'nofsync'}-${round}-`);
      say(`journal ${durable ? 'with' : 'without'} fsync, round ${round + 1} of ${rounds}`);
      runs.push({ durable, figures: { rows, run: await runProduct({ cli: CLI, file, concurrency, sandbox, cacheDir, durable }) } });
    }
  }
  const rate = (f: RunFigures): number => (f.rows / f.run.measured.wallMs) * 1000;
  const best = (durable: boolean): RunFigures =>
    runs.filter((r) => r.durable === durable).map((r) => r.figures).sort((x, y) => rate(y) - rate(x))[0]!;
  const all = (durable: boolean): string => runs.filter((r) => r.durable === durable).map((r) => fixed(rate(r.figures))).join(', ');
  const cost = 1 - rate(best(true)) / rate(best(false));
  const row = (name: string, durable: boolean): string[] => {
    const f = best(durable);
    const pay = f.run.payingMs ? (f.rows / f.run.payingMs) * 1000 : undefined;
    return [name, fixed(rate(f)), all(durable), fixed(pay), cpuPerRow(f.run.measured.cpuSeconds, undefined, f.rows), mb(f.run.measured.peakRssMb), outcome(f.run)];
  };
  return (
    `## 4. Journal durability (C = ${concurrency}, ${rows} rows a run, latency ${LATENCY_MS} ms, ${rounds} runs each, alternating)\n\n` +
    table(['journal', 'best rows/s', 'each run, rows/s', 'best: rows/s, paying phase', 'best: CPU ms/row', 'best: peak RSS', 'best: outcome'], [
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
  const bare = await measure(process.execPath, [BARE, file], process.env);
  const bareRate = rows / (bare.wallMs / 1000);
  say(`--dry-run of ${rows} rows`);
  const dry = await runProduct({ cli: CLI, file, concurrency: 8, sandbox, cacheDir, dryRun: true });
  const dryRate = rows / (dry.measured.wallMs / 1000);
  rmSync(file, { force: true });
  rmSync(file.replace(/\.csv$/, '.results.csv'), { force: true });
  return (
    `## 2. Dry run of ${rows.toLocaleString('en')} rows\n\n` +
    table(
      ['what', 'wall time', 'rows/s', 'peak RSS', 'ratio to bare csv-parse'],
      [
        ['`run --dry-run` (validate every row, write the results file)', seconds(dry.measured.wallMs), fixed(dryRate), mb(dry.measured.peakRssMb), fixed(dryRate / bareRate, 2)],
        ['bare csv-parse iteration, `columns: true`, same file (ceiling)', seconds(bare.wallMs), fixed(bareRate), mb(bare.peakRssMb), '1.00'],
      ],
    ) +
    `\n\nDry-run outcome: ${outcome(dry)}.`
  );
}

export async function coldStartSection(times: number): Promise<string> {
  say('cold start');
  const walls: number[] = [];
  for (let i = 0; i < times; i++) walls.push((await measure(process.execPath, [CLI, '--help'], process.env)).wallMs);
  return (
    `## 5. Cold start\n\n\`node dist/cli.js --help\`: median ${fixed(median(walls))} ms of ${times} ` +
    `(min ${fixed(Math.min(...walls))}, max ${fixed(Math.max(...walls))}).`
  );
}

function outcome(r: ProductRun): string {
  const counts = Object.entries(r.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  return `exit ${r.exitCode}${counts.length ? `, ${counts.join(', ')}` : ''}`;
}

function cpuPerRow(own: number | undefined, sandbox: number | undefined, rows: number): string {
  if (own === undefined) return 'n/a';
  const ms = (s: number): string => ((s * 1000) / rows).toFixed(2);
  return sandbox === undefined ? ms(own) : `${ms(own)} + ${ms(sandbox)}`;
}

function diff(after: number | undefined, before: number | undefined): number | undefined {
  return after === undefined || before === undefined ? undefined : after - before;
}
