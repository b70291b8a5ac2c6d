/**
 * Section 3: paying runs of large files (sandbox at latency 0, C = 128, the repeat-payee guard on,
 * as by default) with the heap probe preloaded: peak RSS, the peak live heap (after a full
 * collection every 2 s), and the heap retained per row: the difference between two sizes per
 * extra row, so fixed costs cancel out.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, DATA, HEAP_PROBE, say } from './config.js';
import { writePayouts } from './data.js';
import { fixed, mb, seconds, table } from './format.js';
import { runProduct, type ProductRun } from './product.js';
import type { SandboxProcess } from './sandbox.js';
import { atMost, verdictTable, type Verdict } from './targets.js';

const CONCURRENCY = 128;
/** The size the peak RSS target is stated for. */
const TARGET_ROWS = 1_000_000;

/** A finished batch: its file and journal are kept for the reruns of section 4. */
export interface Batch {
  file: string;
  rows: number;
  prefix: string;
  accountBase: number;
}

export interface MemoryRun {
  batch: Batch;
  run: ProductRun;
  liveHeapBytes: number | undefined;
  load: number;
}

export async function payForMemory(rows: number, sandbox: SandboxProcess, cacheDir: string): Promise<MemoryRun> {
  const file = join(DATA, `memory-${rows}.csv`);
  const prefix = `memory-${rows}-${process.pid}-`;
  say(`memory: generating ${rows} rows`);
  const accountBase = await writePayouts(file, rows, prefix);
  const heapOut = join(tmpdir(), `bench-heap-${process.pid}-${rows}.json`);
  const load = loadavg()[0]!;
  say(`memory: paying ${rows} rows, C=${CONCURRENCY}, latency 0`);
  const run = await runProduct({
    cli: CLI,
    file,
    concurrency: CONCURRENCY,
    sandbox,
    cacheDir,
    nodeArgs: ['--expose-gc', '--import', pathToFileURL(HEAP_PROBE).href],
    env: { BENCH_HEAP_OUT: heapOut, BENCH_HEAP_EVERY_MS: '2000' },
  });
  const heap = existsSync(heapOut) ? (JSON.parse(readFileSync(heapOut, 'utf8')) as { peakLiveHeap: number }) : undefined;
  rmSync(heapOut, { force: true });
  return { batch: { file, rows, prefix, accountBase }, run, liveHeapBytes: heap?.peakLiveHeap, load };
}

export function memoryReport(runs: MemoryRun[]): { markdown: string; verdicts: Verdict[] } {
  const lines = runs.map((m) => {
    const counts = Object.entries(m.run.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
    const r = m.batch.rows;
    return [r.toLocaleString('en'), seconds(m.run.measured.wallMs), fixed((r / m.run.measured.wallMs) * 1000), mb(m.run.measured.peakRssMb), m.liveHeapBytes === undefined ? 'n/a' : mb(m.liveHeapBytes / 2 ** 20), fixed(m.load, 1), `exit ${m.run.exitCode}${counts.length ? `, ${counts.join(', ')}` : ''}`];
  });
  const [a, b] = [runs[0], runs[runs.length - 1]];
  const retained = a && b && a !== b && a.liveHeapBytes !== undefined && b.liveHeapBytes !== undefined ? (b.liveHeapBytes - a.liveHeapBytes) / (b.batch.rows - a.batch.rows) : undefined;
  const rssSlope = a && b && a !== b && a.run.measured.peakRssMb !== undefined && b.run.measured.peakRssMb !== undefined ? ((b.run.measured.peakRssMb - a.run.measured.peakRssMb) * 2 ** 20) / (b.batch.rows - a.batch.rows) : undefined;
  const largest = b?.batch.rows ?? 0;
  const verdicts: Verdict[] = [
    { what: `retained per row, guard on (live heap, ${a?.batch.rows.toLocaleString('en')} → ${largest.toLocaleString('en')} rows)`, figure: `${fixed(retained, 1)} B`, target: '≤ 64 B', met: atMost(retained, 64), load: runs.map((m) => fixed(m.load, 1)).join(', ') },
    {
      what: `peak RSS of a ${largest.toLocaleString('en')}-row paying run, guard on${largest === TARGET_ROWS ? '' : ' (the target is for 1,000,000)'}`,
      figure: mb(b?.run.measured.peakRssMb),
      target: '≤ 220 MB',
      met: largest === TARGET_ROWS ? atMost(b?.run.measured.peakRssMb, 220) : undefined,
      load: fixed(b?.load, 1),
    },
  ];
  return {
    verdicts,
    markdown:
      `## 3. Memory: paying runs (sandbox at latency 0, C = ${CONCURRENCY}, repeat-payee guard on (default window); a full GC every 2 s to read the live heap)\n\n` +
      table(['rows', 'wall time', 'rows/s', 'peak RSS', 'peak live heap', 'load (1 min)', 'outcome'], lines) +
      `\n\nPeak RSS grew ${fixed(rssSlope, 1)} bytes per extra row between the two sizes (live heap: ${fixed(retained, 1)}). Each size ran against its own sandbox, so its ledger held only its own payouts. The peak RSS is taken with the probe's collections running (a full GC every 2 s may hold it lower than a run without them).\n\n` +
      verdictTable(verdicts),
  };
}
