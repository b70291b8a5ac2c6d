import type { ArgsOf, RECONCILE_OPTIONS } from '../cli-options.js';
import type { ExitCode } from '../errors.js';
import { reconcileUnder as reconcile } from '../library.js';
import { programOf } from '../ui/command-name.js';
import { RunClock } from '../run/run-clock.js';
import { formatReconcile } from '../ui/reconcile-text.js';
import { reportRefusal } from './run-report.js';
import { makeLogger, type CommonArgs, type Io } from '../wiring.js';

export type ReconcileArgs = CommonArgs & ArgsOf<typeof RECONCILE_OPTIONS> & { journal: string };

/** `reconcile`: the report on stdout (text, or one JSON object with --json); the exit code is `run`'s. */
export async function reconcileCommand(args: ReconcileArgs, io: Io, clock = new RunClock()): Promise<ExitCode> {
  const logger = (await makeLogger(io, args.logLevel)).child({ runId: clock.runId });
  try {
    const report = await reconcile(args.journal, { ...args, env: io.env, cwd: io.cwd, ...(io.delays ? { delays: io.delays } : {}), logger }, clock);
    clock.reported = true;
    io.stdout.write(args.json ? `${JSON.stringify(report)}\n` : formatReconcile(report, { program: programOf(io), journal: args.journal, cwd: io.cwd }));
    return report.exitCode;
  } catch (error) {
    await reportRefusal(error, { io, clock, json: Boolean(args.json), metrics: undefined, journal: args.journal });
    throw error; // cli.ts says it on stderr and exits with its code
  } finally {
    logger.flush?.();
  }
}
