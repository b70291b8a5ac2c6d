import type { ExitCode } from '../errors.js';
import { reconcileUnder as reconcile } from '../library.js';
import { makeLogger, type CommonArgs, type Io } from '../wiring.js';

export interface ReconcileArgs extends CommonArgs {
  journal: string;
  out?: string;
  json?: boolean;
  ledger?: string;
}

export async function reconcileCommand(args: ReconcileArgs, io: Io): Promise<ExitCode> {
  const logger = await makeLogger(io, args.logLevel);
  try {
    const report = await reconcile(args.journal, { ...args, env: io.env, cwd: io.cwd, ...(io.delays ? { delays: io.delays } : {}), logger });
    const moves = Object.entries(report.moves).map(([move, n]) => `${n} ${n === 1 ? 'invoice' : 'invoices'} moved ${move.replace(' -> ', ' to ')}`);
    io.stderr.write(`Checked ${report.checked} invoices not final yet; ${report.changed} changed.\n`);
    for (const m of moves) io.stderr.write(`  ${m}\n`);
    if (report.failedReads) io.stderr.write(`  ${report.failedReads} could not be read; run reconcile again later.\n`);
    if (report.results) io.stderr.write(`Results rewritten: ${report.results}\n`);
    if (args.json) io.stdout.write(`${JSON.stringify(report)}\n`);
    return report.failedReads ? 1 : 0;
  } finally {
    logger.flush?.();
  }
}
