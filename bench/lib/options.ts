/**
 * What `npm run bench` runs: every section of issue 20 §2 by default, at the targets' sizes.
 * `-- --quick`: small sizes, one round (a check that the bench works, not figures to quote).
 * `-- --only 1,5` (or BENCH_ONLY=1,5): some sections: 1 (throughput and loaded), throughput,
 * loaded, 2 dryrun, 3 memory, 4 rerun, 5 history, 6 replycost; startup and journal (not in §2)
 * only when named. BENCH_C=8,32 some concurrencies; BENCH_ROUNDS rounds; BENCH_BUSY the busy
 * loops of the loaded table (default: one per core); BENCH_MEMORY_ROWS the two paying sizes.
 */
import { cpus } from 'node:os';

const ALIASES: Readonly<Record<string, string[]>> = {
  '1': ['throughput', 'loaded'],
  '2': ['dryrun'],
  '3': ['memory'],
  '4': ['rerun'],
  '5': ['history'],
  '6': ['replycost'],
};
export const DEFAULT_SECTIONS = ['throughput', 'loaded', 'dryrun', 'memory', 'rerun', 'history', 'replycost'];
const KNOWN = new Set([...DEFAULT_SECTIONS, 'startup', 'journal']);

export interface BenchOptions {
  quick: boolean;
  sections: Set<string>;
  /** Every default section (the report then replaces bench/results.md). */
  complete: boolean;
  throughput: { concurrency: number; rows: number }[];
  rounds: number;
  busyLoops: number;
  dryRunRows: number;
  memoryRows: number[];
  reruns: number;
  history: { nights: number; rowsPerNight: number; rounds: number };
  profiledRows: number;
}

export function benchOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const quick = argv.includes('--quick');
  const at = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  const onlyText = at < 0 ? env['BENCH_ONLY'] : argv[at]!.includes('=') ? argv[at]!.slice('--only='.length) : argv[at + 1];
  const sections = new Set((onlyText ? onlyText.split(',') : DEFAULT_SECTIONS).flatMap((k) => ALIASES[k.trim()] ?? [k.trim()]));
  const unknown = [...sections].filter((s) => !KNOWN.has(s));
  if (unknown.length) throw new Error(`unknown bench section ${unknown.join(', ')}: use 1-6 or ${[...KNOWN].join(', ')}`);
  const onlyC = env['BENCH_C']?.split(',').map(Number);
  const memoryRows = (env['BENCH_MEMORY_ROWS'] ?? (quick ? '5000,20000' : '100000,1000000')).split(',').map(Number);
  return {
    quick,
    sections,
    complete: DEFAULT_SECTIONS.every((s) => sections.has(s)),
    // Rows per concurrency: about 4 s at the C/(2L) limit (2 s with --quick).
    throughput: [
      { concurrency: 8, rows: quick ? 300 : 600 },
      { concurrency: 32, rows: quick ? 1_200 : 2_400 },
      { concurrency: 128, rows: quick ? 5_000 : 8_000 },
    ].filter((r) => !onlyC || onlyC.includes(r.concurrency)),
    rounds: Number(env['BENCH_ROUNDS'] ?? (quick ? 1 : 3)),
    busyLoops: Number(env['BENCH_BUSY'] ?? cpus().length),
    dryRunRows: quick ? 20_000 : 100_000,
    memoryRows,
    reruns: quick ? 2 : 3,
    history: { nights: 10, rowsPerNight: quick ? 5_000 : 100_000, rounds: quick ? 2 : 3 },
    profiledRows: quick ? 1_200 : 2_400,
  };
}
