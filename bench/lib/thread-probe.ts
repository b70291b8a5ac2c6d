/**
 * Preloaded into the product for the profiled run (`node --import <this>`): at exit it writes the
 * CPU time of each of the process's threads (user + system, from /proc/self/task), by thread name
 * (`node` the main thread, `V8 DefaultWorke` the compiler and GC helpers, `libuv-worker` …), to
 * BENCH_THREADS_OUT. Linux only; elsewhere it writes nothing.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const out = process.env['BENCH_THREADS_OUT'];

function threadCpu(): { main: number; byName: Record<string, number> } {
  const byName: Record<string, number> = {};
  let main = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ms = (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 1/100 s
    if (Number(tid) === process.pid) main = ms;
    else byName[name] = (byName[name] ?? 0) + ms;
  }
  return { main, byName };
}

if (out) {
  process.on('exit', () => {
    try {
      writeFileSync(out, JSON.stringify(threadCpu()));
    } catch {
      /* not Linux: no figures */
    }
  });
}
