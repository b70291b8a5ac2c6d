import type { ExitCode } from '../errors.js';
import { reconcileUnder as reconcile } from '../library.js';
import { programName } from '../ui/command-name.js';
import { formatReconcile } from '../ui/reconcile-text.js';
import { makeLogger, type CommonArgs, type Io } from '../wiring.js';

export interface ReconcileArgs extends CommonArgs {
  journal: string;
  out?: string;
  json?: boolean;
  ledger?: string;
  wait?: number;
}

/** `reconcile`: the report on stdout (text, or one JSON object with --json); the exit code is `run`'s. */
export async function reconcileCommand(args: ReconcileArgs, io: Io): Promise<ExitCode> {
  const logger = await makeLogger(io, args.logLevel);
  try {
    const report = await reconcile(args.journal, { ...args, env: io.env, cwd: io.cwd, ...(io.delays ? { delays: io.delays } : {}), logger });
    const program = io.invokedAs ?? programName(process.argv, io.env, io.cwd);
    io.stdout.write(args.json ? `${JSON.stringify(report)}\n` : formatReconcile(report, { program, journal: args.journal, cwd: io.cwd }));
    return report.exitCode;
  } finally {
    logger.flush?.();
  }
}
