import { createInterface } from 'node:readline/promises';
import type { ExitCode } from '../errors.js';
import { payFile } from '../library.js';
import type { CurrencyTotals } from '../run/summary.js';
import { createProgress } from '../ui/progress.js';
import { formatSummary } from '../ui/summary-text.js';
import { makeLogger, terminalOf, type CommonArgs, type Io } from './context.js';

export interface RunArgs extends CommonArgs {
  input: string;
  out?: string;
  journal?: string;
  concurrency: number;
  dryRun?: boolean;
  process?: boolean;
  wait?: number;
  delimiter?: string;
  live?: boolean;
  yes?: boolean;
  json?: boolean;
  maxTotal?: string[];
  expectCount?: number;
  expectTotal?: string[];
  maxRate?: number;
  durable?: boolean;
}

/** `run`: `payFile` with the terminal around it (signals, progress, the live confirmation, the summary). */
export async function runCommand(args: RunArgs, io: Io): Promise<ExitCode> {
  const logger = await makeLogger(io, args.logLevel);
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop.signal.aborted) {
      logger.warn(`second ${signal}: exiting now; the journal is consistent, rerun the same command to resume`);
      process.exit(3);
    }
    logger.warn(`${signal}: finishing the requests in flight, then stopping (send it again to exit at once)`);
    stop.abort(new Error(`stopped by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = createProgress(io.stderr, Number(io.env.MILKYPAY_PROGRESS_INTERVAL_MS) || 5000, terminalOf(io));
  try {
    const summary = await payFile(args.input, {
      ...args,
      delimiter: args.delimiter as ',' | ';' | undefined,
      env: io.env,
      cwd: io.cwd,
      logger,
      progress,
      signal: stop.signal,
      ...(args.live && !args.yes && io.stdin?.isTTY && io.stderr.isTTY ? { confirm: (t: CurrencyTotals[]) => confirmLive(t, io) } : {}),
    });
    progress.end();
    io.stderr.write(formatSummary(summary));
    if (args.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
    return summary.exitCode;
  } finally {
    progress.end();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    logger.flush?.();
  }
}

async function confirmLive(totals: CurrencyTotals[], io: Io): Promise<boolean> {
  io.stderr.write('\nLIVE keys: this run pays real money.\n');
  for (const t of totals) io.stderr.write(`  ${t.currency}: ${t.rows} payouts, ${t.requested} ${t.currency}\n`);
  const rl = createInterface({ input: io.stdin!, output: io.stderr });
  try {
    const answer = await rl.question('Type "yes" to pay: ');
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}
