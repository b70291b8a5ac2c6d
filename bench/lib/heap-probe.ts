/**
 * Preloaded into the product for the memory runs (`node --expose-gc --import <this>`): every
 * BENCH_HEAP_EVERY_MS it collects garbage and notes the live heap; at exit it writes the peak to
 * BENCH_HEAP_OUT. What is live after a full collection is what the run retains.
 */
import { writeFileSync } from 'node:fs';

const out = process.env['BENCH_HEAP_OUT'];
const every = Number(process.env['BENCH_HEAP_EVERY_MS'] ?? 1000);
const collect = (globalThis as { gc?: () => void }).gc;
let peakLiveHeap = 0;
let samples = 0;

function sample(): void {
  collect?.();
  const { heapUsed } = process.memoryUsage();
  peakLiveHeap = Math.max(peakLiveHeap, heapUsed);
  samples += 1;
}

if (out && collect) {
  setInterval(sample, every).unref();
  process.on('exit', () => {
    sample();
    writeFileSync(out, JSON.stringify({ peakLiveHeap, samples }));
  });
}
