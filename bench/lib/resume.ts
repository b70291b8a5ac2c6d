/**
 * Section 4: reruns of a finished batch, unchanged and with 1% of its rows changed (their amount
 * edited after they were paid: each such row is a conflict, and every other row is settled).
 */
import { loadavg } from 'node:os';
import { CLI, say } from './config.js';
import { writePayouts } from './data.js';
import { fixed, mb, table } from './format.js';
import type { Batch } from './memory.js';
import { runProduct, type ProductRun } from './product.js';
import type { SandboxProcess } from './sandbox.js';
import { loadRange, loads, showSpread, spread } from './stats.js';
import { atMost, verdictTable, type Verdict } from './targets.js';

type Kind = 'unchanged' | '1% of rows changed';

export async function resumeSection(batch: Batch, times: number, sandbox: SandboxProcess, cacheDir: string): Promise<{ markdown: string; verdicts: Verdict[] }> {
  const lines: string[][] = [];
  const verdicts: Verdict[] = [];
  for (const kind of ['unchanged', '1% of rows changed'] as Kind[]) {
    const { runs, loadsAt } = await rerun(batch, kind, times, sandbox, cacheDir);
    const cpu = spread(runs.map((r) => r.measured.cpuSeconds));
    const wall = spread(runs.map((r) => r.measured.wallMs / 1000));
    const invoiceRequests = runs.reduce((n, r) => n + r.invoiceRequests, 0);
    const last = runs[runs.length - 1]!;
    const counts = Object.entries(last.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
    lines.push([kind, showSpread(wall, 2), showSpread(cpu, 2), String(invoiceRequests), mb(Math.max(...runs.map((r) => r.measured.peakRssMb ?? 0))), loads(loadsAt), `exit ${last.exitCode}${counts.length ? `, ${counts.join(', ')}` : ''}`]);
    const load = loadRange(loadsAt);
    if (kind === 'unchanged') {
      verdicts.push({ what: `rerun of a finished ${batch.rows.toLocaleString('en')}-row batch, unchanged: CPU (user + system), median`, figure: `${fixed(cpu?.median, 2)} s, ${invoiceRequests} invoice requests`, target: '≤ 0.3 s, none', met: invoiceRequests > 0 ? false : atMost(cpu?.median, 0.3), load });
    } else {
      verdicts.push({ what: `rerun of a finished ${batch.rows.toLocaleString('en')}-row batch, 1% of rows changed: wall, median`, figure: `${fixed(wall?.median, 2)} s`, target: '≤ 1.5 s on a quiet machine', met: atMost(wall?.median, 1.5), load });
    }
  }
  return {
    verdicts,
    markdown:
      `## 4. Reruns of the finished ${batch.rows.toLocaleString('en')}-row batch of section 3 (same journal and ledger, ${times} reruns each; median (min–max))\n\n` +
      table(['rerun', 'wall s', 'CPU s (user + system)', 'invoice requests (all reruns)', 'peak RSS (max)', 'load (1 min) at each', 'outcome, last rerun'], lines) +
      `\n\n${verdictTable(verdicts)}`,
  };
}

async function rerun(batch: Batch, kind: Kind, times: number, sandbox: SandboxProcess, cacheDir: string): Promise<{ runs: ProductRun[]; loadsAt: number[] }> {
  const runs: ProductRun[] = [];
  const loadsAt: number[] = [];
  for (let i = 0; i < times; i++) {
    // A different 1% each time, the rest back as paid: every rerun meets 1% changed rows.
    if (kind !== 'unchanged') await writePayouts(batch.file, batch.rows, batch.prefix, { accountBase: batch.accountBase, changed: (row) => row % 100 === i + 1 });
    say(`rerun of the finished ${batch.rows}-row batch, ${kind}, ${i + 1} of ${times}`);
    loadsAt.push(loadavg()[0]!);
    runs.push(await runProduct({ cli: CLI, file: batch.file, concurrency: 128, sandbox, cacheDir, keep: true }));
  }
  return { runs, loadsAt };
}
