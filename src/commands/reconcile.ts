import type { ExitCode } from '../errors.js';
import { reconcile } from '../run/reconcile.js';
import { openContext, type CommonArgs, type Io } from './context.js';

export interface ReconcileArgs extends CommonArgs {
  journal: string;
  out?: string;
  json?: boolean;
}

export async function reconcileCommand(args: ReconcileArgs, io: Io): Promise<ExitCode> {
  const ctx = await openContext(args, io);
  try {
    const report = await reconcile({ journal: args.journal, ...(args.out ? { out: args.out } : {}) }, ctx);
    const moves = Object.entries(report.moves).map(([move, n]) => `${n} ${n === 1 ? 'invoice' : 'invoices'} moved ${move.replace(' -> ', ' to ')}`);
    io.stderr.write(`Checked ${report.checked} invoices not final yet; ${report.changed} changed.\n`);
    for (const m of moves) io.stderr.write(`  ${m}\n`);
    if (report.failedReads) io.stderr.write(`  ${report.failedReads} could not be read; run reconcile again later.\n`);
    if (report.results) io.stderr.write(`Results rewritten: ${report.results}\n`);
    if (args.json) io.stdout.write(`${JSON.stringify(report)}\n`);
    return report.failedReads ? 1 : 0;
  } finally {
    await ctx.close();
  }
}
