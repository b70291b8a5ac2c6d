/**
 * Section 4: reruns of a finished batch, unchanged and with 1% of its rows changed (their amount
 * edited after they were paid: each such row is a conflict, and every other row is settled).
 */
import { loadavg } from 'node:os';
import { CLI, say } from './config.js';
import { writePayouts } from './data.js';
import { fixed, mb, median, seconds, table } from './format.js';
import { runProduct, type ProductRun } from './product.js';
import type { SandboxProcess } from './sandbox.js';

export async function resumeSection(batch: { file: string; rows: number; prefix: string; accountBase: number }, times: number, sandbox: SandboxProcess, cacheDir: string): Promise<string> {
  const lines: string[][] = [];
  for (const kind of ['unchanged', '1% of rows changed'] as const) {
    const runs: ProductRun[] = [];
    const loads: number[] = [];
    for (let i = 0; i < times; i++) {
      // A different 1% each time, the rest back as paid: every rerun meets 1% changed rows.
      if (kind !== 'unchanged') await writePayouts(batch.file, batch.rows, batch.prefix, { accountBase: batch.accountBase, changed: (row) => row % 100 === i + 1 });
      say(`resume of the finished ${batch.rows}-row batch, ${kind}, ${i + 1} of ${times}`);
      loads.push(loadavg()[0]!);
      runs.push(await runProduct({ cli: CLI, file: batch.file, concurrency: 128, sandbox, cacheDir, keep: true }));
    }
    const walls = runs.map((r) => r.measured.wallMs);
    const last = runs[runs.length - 1]!;
    const counts = Object.entries(last.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
    lines.push([
      kind,
      seconds(median(walls)),
      walls.map((w) => seconds(w)).join(', '),
      String(runs.reduce((n, r) => n + r.invoiceRequests, 0)),
      String(runs.reduce((n, r) => n + r.allRequests, 0)),
      mb(Math.max(...runs.map((r) => r.measured.peakRssMb ?? 0))),
      loads.map((l) => fixed(l, 1)).join(', '),
      `exit ${last.exitCode}${counts.length ? `, ${counts.join(', ')}` : ''}`,
      kind === 'unchanged' ? '≤ 0.5 s, no request' : '≤ 1 s',
    ]);
  }
  return (
    `## 4. Resume: reruns of the finished ${batch.rows.toLocaleString('en')}-row batch of section 3 (same journal, ${times} reruns each)\n\n` +
    table(['rerun', 'median wall time', 'each', 'invoice requests (all reruns)', 'all requests (all reruns)', 'peak RSS (max)', 'load (1 min) at each', 'outcome, last rerun', 'target'], lines)
  );
}
