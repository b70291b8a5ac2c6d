/**
 * Section 3: paying runs of a large file (sandbox at latency 0, C = 128) with the heap probe
 * preloaded: peak RSS, the peak live heap (after a full collection every 2 s), and the heap
 * retained per row, from the difference between the two sizes (fixed costs cancel out).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, DATA, HEAP_PROBE, say } from './config.js';
import { writePayouts } from './data.js';
import { fixed, mb, seconds, table } from './format.js';
import { runProduct } from './product.js';
import type { SandboxProcess } from './sandbox.js';

export interface MemoryResult {
  markdown: string;
  /** The largest batch, finished, for the resume section. */
  finished?: { file: string; rows: number; prefix: string; accountBase: number };
}

const CONCURRENCY = 128;

export async function memorySection(sizes: number[], sandbox: SandboxProcess, cacheDir: string): Promise<MemoryResult> {
  const lines: string[][] = [];
  const live: { rows: number; bytes: number }[] = [];
  let finished: MemoryResult['finished'];
  for (const rows of sizes) {
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
    if (heap) live.push({ rows, bytes: heap.peakLiveHeap });
    const counts = Object.entries(run.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
    lines.push([
      rows.toLocaleString('en'),
      seconds(run.measured.wallMs),
      fixed((rows / run.measured.wallMs) * 1000),
      mb(run.measured.peakRssMb),
      heap ? mb(heap.peakLiveHeap / 2 ** 20) : 'n/a',
      heap ? fixed(heap.peakLiveHeap / rows, 0) : 'n/a',
      fixed(load, 1),
      `exit ${run.exitCode}${counts.length ? `, ${counts.join(', ')}` : ''}`,
    ]);
    if (finished) rmSync(finished.file, { force: true });
    finished = { file, rows, prefix, accountBase };
  }
  const [a, b] = live;
  const retained = a && b ? (b.bytes - a.bytes) / (b.rows - a.rows) : undefined;
  return {
    markdown:
      `## 3. Memory: paying runs (sandbox at latency 0, C = ${CONCURRENCY}; a full GC every 2 s to read the live heap)\n\n` +
      table(['rows', 'wall time', 'rows/s', 'peak RSS', 'peak live heap', 'live heap / row (bytes)', 'load (1 min)', 'outcome'], lines) +
      (retained === undefined
        ? ''
        : `\n\nRetained per row (live heap of the ${b!.rows.toLocaleString('en')}-row run minus the ${a!.rows.toLocaleString('en')}-row run, per extra row): ` +
          `${fixed(retained, 1)} bytes (target ≤ 64). Target for the 1,000,000-row run: peak RSS ≤ 220 MB.`),
    ...(finished ? { finished } : {}),
  };
}
