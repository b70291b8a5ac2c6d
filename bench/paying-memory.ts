/**
 * Memory of paying runs, flat in the number of rows: peak RSS of `run` at C=128 against the
 * sandbox (its own process, latency 0) for each size in BENCH_ROWS (default 100000,1000000), and
 * the bytes a row adds (the slope between the sizes). Also the rerun of the finished batch (no
 * request) and a resume with 1% of the rows changed.
 *
 *   npm run build && npx tsc -p bench/tsconfig.json && node dist-bench/bench/paying-memory.js
 *
 * BENCH_PAY_ONLY=1 skips the reruns. The journal is not fsync'ed (MILKYPAY_JOURNAL_FSYNC=0): memory does not depend on it, time does.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, DATA, say } from './lib/config.js';
import { writePayouts } from './lib/data.js';
import { runProduct, type ProductRun } from './lib/product.js';
import { startSandboxProcess } from './lib/sandbox.js';

const SIZES = (process.env['BENCH_ROWS'] ?? '100000,1000000').split(',').map(Number);
const CONCURRENCY = 128;

function line(what: string, rows: number, r: ProductRun): string {
  const load = loadavg()[0]!.toFixed(2);
  return `| ${what} | ${rows} | ${(r.measured.wallMs / 1000).toFixed(2)} s | ${r.measured.peakRssMb ?? 'n/a'} MB | ${r.invoiceRequests} | ${JSON.stringify(r.counts)} | ${load} |`;
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const cacheDir = mkdtempSync(join(tmpdir(), 'milkypay-bench-cache-'));
  const sandbox = await startSandboxProcess(CLI, 0);
  const out = ['| run | rows | wall | peak RSS | invoice requests | outcomes | load (1 min) |', '| --- | --- | --- | --- | --- | --- | --- |'];
  const peaks: Array<[number, number]> = [];
  try {
    for (const rows of SIZES) {
      const file = join(DATA, `memory-${rows}.csv`);
      await writePayouts(file, rows, `mem-${rows}-${Date.now()}-`);
      say(`paying ${rows} rows at C=${CONCURRENCY}`);
      const paid = await runProduct({ cli: CLI, file, concurrency: CONCURRENCY, sandbox, cacheDir, durable: false });
      out.push(line('pay', rows, paid));
      if (paid.measured.peakRssMb !== undefined) peaks.push([rows, paid.measured.peakRssMb]);
      const journal = file.replace(/\.csv$/, '.journal.jsonl');
      const cleanUp = (): void => {
        for (const p of [file, journal, `${journal}.checkpoint`, file.replace(/\.csv$/, '.results.csv')]) rmSync(p, { force: true });
      };
      if (process.env['BENCH_PAY_ONLY'] === '1') {
        cleanUp();
        continue;
      }
      say(`rerunning the finished batch of ${rows}`);
      out.push(line('rerun, unchanged', rows, await runProduct({ cli: CLI, file, concurrency: CONCURRENCY, sandbox, cacheDir, durable: false, keep: true })));
      // 1% of the rows changed (their amount): each is a conflict, found without a request.
      const lines = readFileSync(file, 'utf8').split('\n');
      for (let i = 1; i < lines.length; i += 100) if (lines[i]) lines[i] = lines[i]!.replace(/,USD,(\d+)\./, ',USD,9$1.');
      writeFileSync(file, lines.join('\n'));
      say(`resuming ${rows} with 1% changed`);
      out.push(line('rerun, 1% changed', rows, await runProduct({ cli: CLI, file, concurrency: CONCURRENCY, sandbox, cacheDir, durable: false, keep: true })));
      cleanUp();
    }
  } finally {
    await sandbox.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }
  if (peaks.length >= 2) {
    const [[r0, m0], [r1, m1]] = [peaks[0]!, peaks[peaks.length - 1]!];
    out.push('', `Peak RSS grows ${(((m1 - m0) * 1024 * 1024) / (r1 - r0)).toFixed(1)} bytes a row between ${r0} and ${r1} rows.`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
