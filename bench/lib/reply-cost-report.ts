/**
 * Section 6's report: the reply checking's share of the main thread's busy samples, turned into CPU
 * a row with the main thread's own CPU time (a sample's wall time grows with the machine's load,
 * the thread's CPU time does not), each thread's CPU, and the ten functions with the most self time.
 */
import type { ProfileSummary } from './cpu-profile.js';
import { LATENCY_MS } from './config.js';
import { fixed, table } from './format.js';
import type { Verdict } from './targets.js';

/**
 * The reply checking of issue 20 by source file: the schemas (or the hand-written readers that
 * replace them), the reply parser, the transport wrapper and the payout's reply check; zod where
 * one of them called it (not where the configuration did). A file that does not exist in this
 * build simply finds nothing.
 */
const REPLY_CHECKING = /^src\/(api\/(reply-json|reply-reader|invoice-readers|service-readers|schemas|normalise|transport)|payout\/reply-check)\.ts$/;

function isReplyChecking(source: string, owner: string): boolean {
  return REPLY_CHECKING.test(source) || (source.startsWith('node_modules/zod/') && REPLY_CHECKING.test(owner));
}

/** lib/thread-probe.ts's output: CPU ms of the main thread, and of the others by thread name. */
export interface ThreadCpu {
  main: number;
  byName: Record<string, number>;
}

export interface ProfiledRun {
  profile: ProfileSummary;
  rows: number;
  load: number;
  outcome: string;
  processCpuMs: number | undefined;
  threads: ThreadCpu | undefined;
}

export function replyCostReport(r: ProfiledRun): { markdown: string; verdicts: Verdict[] } {
  const p = r.profile;
  const busyMs = p.totalMs - p.idleMs;
  const byPart = new Map<string, number>();
  for (const { source, owner, ms } of p.charged) {
    if (!isReplyChecking(source, owner)) continue;
    const part = source.startsWith('node_modules/zod/') ? 'zod (called from the reply checking)' : source;
    byPart.set(part, (byPart.get(part) ?? 0) + ms);
  }
  const replyMs = [...byPart.values()].reduce((a, b) => a + b, 0);
  const share = (ms: number): string => `${fixed((ms / busyMs) * 100, 1)}%`;
  /** CPU ms a row: the share of the busy samples times the main thread's CPU. */
  const cpuPerRow = (ms: number): number | undefined => (r.threads ? ((ms / busyMs) * r.threads.main) / r.rows : undefined);
  const verdicts: Verdict[] = [
    { what: 'reply checking (zod or readers, reply parser, transport wrapper, reply check), C = 32, in the product', figure: `${share(replyMs)} of the main thread, ${fixed(cpuPerRow(replyMs), 3)} ms CPU a row`, target: 'no bound (17%, 0.15 ms a row in the issue)', met: null, load: fixed(r.load, 1) },
  ];
  const parts = [...byPart].sort((a, b) => b[1] - a[1]).map(([part, ms]) => [part, fixed(ms, 0), share(ms), fixed(cpuPerRow(ms), 4)]);
  const top = p.functions.filter((f) => f.name !== '(idle)').slice(0, 10).map((f) => [f.name.replace(/\|/g, '\\|'), fixed(f.ms, 0), share(f.ms)]);
  return {
    verdicts,
    markdown:
      `## 6. Reply checking, measured in the product (${r.rows} rows at C = 32, latency ${LATENCY_MS} ms, \`node --cpu-prof\`; load (1 min) ${fixed(r.load, 1)}; ${r.outcome})\n\n` +
      `The main thread's profile ran ${fixed(p.totalMs, 0)} ms, ${fixed(busyMs, 0)} ms of it not idle. Self time is charged to the source file of the function through the bundle's source maps; ` +
      `a builtin's (JSON.parse, a RegExp) to its nearest caller with a source. CPU a row is a part's share of the busy samples times the main thread's CPU time over the rows. ` +
      `Reply checking: **${share(replyMs)} of the main thread, ${fixed(cpuPerRow(replyMs), 3)} ms of CPU a row**.\n\n` +
      table(['part of the reply checking', 'self ms (samples)', 'share of the main thread', 'CPU ms a row'], parts.length ? parts : [['none found in the profile', '0', '0%', '0']]) +
      `\n\n${threadTable(r)}\n\nThe 10 functions with the most self time (builtins as their own entry):\n\n` +
      table(['function and source', 'self ms', 'share of the main thread'], top),
  };
}

/** Each thread's CPU: the main thread against the compiler, GC and libuv threads, and the whole process. */
function threadTable(r: ProfiledRun): string {
  if (!r.threads) return 'Threads: no figures (/proc/self/task is Linux only).';
  const rows = [['main thread', fixed(r.threads.main, 0), fixed(r.threads.main / r.rows, 3)]];
  for (const [name, ms] of Object.entries(r.threads.byName).sort((a, b) => b[1] - a[1])) if (ms > 0) rows.push([name === 'node' ? 'the other threads named `node` (V8\'s compiler and GC helpers, libuv\'s pool)' : `\`${name}\``, fixed(ms, 0), fixed(ms / r.rows, 3)]);
  rows.push(['whole process (GNU time)', fixed(r.processCpuMs, 0), fixed(r.processCpuMs === undefined ? undefined : r.processCpuMs / r.rows, 3)]);
  return `CPU by thread at exit (10 ms ticks; the profiler adds its own cost to the main thread):\n\n${table(['thread', 'CPU ms', 'ms a row'], rows)}`;
}
