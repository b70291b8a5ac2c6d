/** One `dist/cli.js run` as a child process, measured, with what the sandbox saw of it. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { measure, type Measured } from './measure.js';
import { delta, INVOICE_ENDPOINTS, type SandboxProcess } from './sandbox.js';

export interface ProductRun {
  measured: Measured;
  /** Time from the `run started` log line (first pass done) to `run finished`. */
  payingMs: number | undefined;
  connections: number;
  invoiceRequests: number;
  allRequests: number;
  counts: Record<string, number>;
  exitCode: number | null;
}

export interface ProductRunOptions {
  cli: string;
  file: string;
  concurrency: number;
  sandbox: SandboxProcess;
  cacheDir: string;
  dryRun?: boolean;
  /** false sets MILKYPAY_JOURNAL_FSYNC=0 (bench only). */
  durable?: boolean;
  /** Keep the journal and results of an earlier run (a resume). */
  keep?: boolean;
  /** Node options before the script (the heap probe). */
  nodeArgs?: string[];
  env?: Record<string, string>;
}

export function journalOf(file: string): string {
  return file.replace(/\.csv$/, '.journal.jsonl');
}

export async function runProduct(o: ProductRunOptions): Promise<ProductRun> {
  const journal = journalOf(o.file);
  const results = o.file.replace(/\.csv$/, '.results.csv');
  if (!o.keep) for (const p of [journal, results, `${journal}.lock`]) rmSync(p, { force: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    ...o.sandbox.env,
    MILKYPAY_CACHE_DIR: o.cacheDir,
    // The bench's own repeat-payee ledger, not the one every other run on the machine appends to.
    MILKYPAY_LEDGER_DIR: join(o.cacheDir, 'ledger'),
    ...(o.durable === false ? { MILKYPAY_JOURNAL_FSYNC: '0' } : {}),
    ...o.env,
  };
  const args = [...(o.nodeArgs ?? []), o.cli, 'run', o.file, '--concurrency', String(o.concurrency), '--json', '--log-level', 'info'];
  if (o.dryRun) args.push('--dry-run');
  const before = await o.sandbox.counters();
  const measured = await measure(process.execPath, args, env);
  const after = await o.sandbox.counters();
  const d = delta(before, after);
  let counts: Record<string, number> = {};
  try {
    counts = (JSON.parse(measured.stdout.trim().split('\n').pop() ?? '{}') as { counts?: Record<string, number> }).counts ?? {};
  } catch {
    counts = {};
  }
  return {
    measured,
    payingMs: payingTime(measured.stderr),
    connections: d.connections,
    invoiceRequests: INVOICE_ENDPOINTS.reduce((n, e) => n + (d.requests[e] ?? 0), 0),
    allRequests: Object.values(d.requests).reduce((a, b) => a + b, 0),
    counts,
    exitCode: measured.code,
  };
}

/** From the pino JSON lines on stderr: `run finished`.time - `run started`.time. */
function payingTime(stderr: string): number | undefined {
  let started: number | undefined;
  let finished: number | undefined;
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; time?: number };
      if (entry.msg === 'run started') started = entry.time;
      if (entry.msg === 'run finished') finished = entry.time;
    } catch {
      /* not a log line */
    }
  }
  return started !== undefined && finished !== undefined ? finished - started : undefined;
}

/** Removes an input file and everything runs of it wrote beside it. */
export function removeRunFiles(file: string): void {
  for (const suffix of ['.csv', '.journal.jsonl', '.journal.jsonl.checkpoint', '.journal.jsonl.lock', '.results.csv', '.dryrun.csv']) rmSync(file.replace(/\.csv$/, suffix), { force: true });
}
