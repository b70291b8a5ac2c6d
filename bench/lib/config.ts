import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs as dist-bench/bench/lib/config.js). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = join(ROOT, 'dist/cli.js');
export const BARE_GOT = join(ROOT, 'dist-bench/bench/bare-got.js');
export const BARE_UNDICI = join(ROOT, 'dist-bench/bench/bare-undici.js');
export const BARE = join(ROOT, 'dist-bench/bench/csv-bare.js');
/** Run as it stands (python3, stdlib only), not compiled. */
export const NAIVE_POOL = join(ROOT, 'bench/naive-pool.py');
export const HEAP_PROBE = join(ROOT, 'dist-bench/bench/lib/heap-probe.js');
export const THREAD_PROBE = join(ROOT, 'dist-bench/bench/lib/thread-probe.js');
export const DATA = join(ROOT, 'bench/data');
export const LATENCY_MS = 25;

/** The throughput no tool can beat: C requests in flight, two per row, each taking L. */
export const limitRate = (concurrency: number): number => concurrency / ((2 * LATENCY_MS) / 1000);

export const say = (line: string): void => void process.stderr.write(`bench: ${line}\n`);
