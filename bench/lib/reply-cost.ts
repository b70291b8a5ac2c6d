/**
 * Section 6: what checking the API's replies costs, measured in the product: one paying run at
 * C = 32 under `node --cpu-prof`, its main thread's self time charged to the reply checking's files
 * (REPLY_CHECKING) through the bundle's source maps, as a share of the main thread and per row.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, DATA, LATENCY_MS, say } from './config.js';
import { writePayouts } from './data.js';
import { fixed, table } from './format.js';
import { readProfile, type ProfileSummary } from './cpu-profile.js';
import { removeRunFiles, runProduct } from './product.js';
import type { SandboxProcess } from './sandbox.js';
import type { Verdict } from './targets.js';

/** The reply checking of issue 20 (zod, the reply parser, the transport wrapper, the reply check), by source file. */
export const REPLY_CHECKING: RegExp[] = [/^node_modules\/zod\//, /^src\/api\/(reply-json|schemas|transport)\.ts$/, /^src\/payout\/reply-check\.ts$/];
const CONCURRENCY = 32;

export async function replyCostSection(rows: number, sandbox: SandboxProcess, cacheDir: string): Promise<{ markdown: string; verdicts: Verdict[] }> {
  const file = join(DATA, `profiled-${rows}.csv`);
  await writePayouts(file, rows, `profiled-${process.pid}-`);
  const dir = mkdtempSync(join(tmpdir(), 'milkypay-bench-prof-'));
  const load = loadavg()[0]!;
  say(`reply checking: ${rows} rows at C=${CONCURRENCY} under --cpu-prof`);
  let profile: ProfileSummary;
  let outcome: string;
  try {
    const run = await runProduct({ cli: CLI, file, concurrency: CONCURRENCY, sandbox, cacheDir, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
    outcome = `exit ${run.exitCode}, ${Object.entries(run.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')}`;
    const written = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
    if (written.length !== 1) throw new Error(`expected one .cpuprofile in ${dir}, found ${written.length}`);
    profile = readProfile(join(dir, written[0]!));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    removeRunFiles(file);
  }
  return replyCostReport(profile, rows, load, outcome);
}

function replyCostReport(p: ProfileSummary, rows: number, load: number, outcome: string): { markdown: string; verdicts: Verdict[] } {
  const busyMs = p.totalMs - p.idleMs;
  const checking = [...p.bySource].filter(([source]) => REPLY_CHECKING.some((re) => re.test(source)));
  const byPart = new Map<string, number>();
  for (const [source, ms] of checking) {
    const part = source.startsWith('node_modules/zod/') ? 'zod' : source;
    byPart.set(part, (byPart.get(part) ?? 0) + ms);
  }
  const replyMs = checking.reduce((sum, [, ms]) => sum + ms, 0);
  const share = (ms: number): string => `${fixed((ms / busyMs) * 100, 1)}%`;
  const verdicts: Verdict[] = [
    { what: `reply checking (zod, reply parser, transport wrapper, reply check), C = ${CONCURRENCY}, in the product`, figure: `${share(replyMs)} of the busy main thread, ${fixed(replyMs / rows, 3)} ms a row`, target: 'no bound (17%, 0.15 ms a row in the issue)', met: null, load: fixed(load, 1) },
  ];
  const parts = [...byPart].sort((a, b) => b[1] - a[1]).map(([part, ms]) => [part, fixed(ms, 0), share(ms), fixed(ms / rows, 4)]);
  const top = p.functions.filter((f) => f.name !== '(idle)').slice(0, 10).map((f) => [f.name.replace(/\|/g, '\\|'), fixed(f.ms, 0), share(f.ms)]);
  return {
    verdicts,
    markdown:
      `## 6. Reply checking, measured in the product (${rows} rows at C = ${CONCURRENCY}, latency ${LATENCY_MS} ms, \`node --cpu-prof\`; load (1 min) ${fixed(load, 1)}; ${outcome})\n\n` +
      `The main thread ran ${fixed(p.totalMs, 0)} ms, busy ${fixed(busyMs, 0)} ms (the rest idle, waiting on the network); the other threads (compiler, GC helpers) are not in this profile. ` +
      `Self time is charged to the source file of the function (source maps of the bundle); a builtin's (JSON.parse, a RegExp) to its nearest caller with a source. ` +
      `Reply checking: **${fixed(replyMs, 0)} ms, ${share(replyMs)} of the busy main thread, ${fixed(replyMs / rows, 3)} ms a row**.\n\n` +
      table(['part of the reply checking', 'self ms', 'share of busy', 'ms a row'], parts.length ? parts : [['none found in the profile', '0', '0%', '0']]) +
      '\n\nThe 10 functions with the most self time (builtins as their own entry):\n\n' +
      table(['function and source', 'self ms', 'share of busy'], top),
  };
}
