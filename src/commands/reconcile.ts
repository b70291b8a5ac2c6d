import type { ArgsOf, RECONCILE_OPTIONS } from '../cli-options.js';
import type { ExitCode } from '../errors.js';
import { reconcileUnder as reconcile } from '../library.js';
import { programOf } from '../ui/command-name.js';
import { RunClock } from '../run/run-clock.js';
import { RunControl } from '../run/run-control.js';
import { formatReconcile } from '../ui/reconcile-text.js';
import { reportRefusal } from './run-report.js';
import { makeLogger, type CommonArgs, type Io } from '../wiring.js';

export type ReconcileArgs = CommonArgs & ArgsOf<typeof RECONCILE_OPTIONS> & { journal: string };

/** `reconcile`: the report on stdout (text, or one JSON object with --json); the exit code is `run`'s. */
export async function reconcileCommand(args: ReconcileArgs, io: Io, clock = new RunClock()): Promise<ExitCode> {
  const logger = (await makeLogger(io, args.logLevel)).child({ runId: clock.runId });
  const control = new RunControl();
  // A first signal stops the reading (waits end at once) and the report is written; a second forces the stop.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (control.stopping) return void control.force();
    io.stderr.write(`stopping: no more invoices are read; ${signal === 'SIGINT' ? 'press Ctrl-C again' : `send ${signal} again`} to force\n`);
    control.stop('signal', `stopped by ${signal}`);
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  try {
    const report = await Promise.race([reconcile(args.journal, { ...args, env: io.env, cwd: io.cwd, ...(io.delays ? { delays: io.delays } : {}), logger }, clock, control), control.forced]);
    clock.reported = true;
    io.stdout.write(args.json ? `${JSON.stringify(report)}\n` : formatReconcile(report, { program: programOf(io), journal: args.journal, cwd: io.cwd }));
    return report.exitCode;
  } catch (error) {
    await reportRefusal(error, { io, clock, json: Boolean(args.json), metrics: undefined, journal: args.journal });
    throw error; // cli.ts says it on stderr and exits with its code
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    logger.flush?.();
  }
}
