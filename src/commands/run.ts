import { createInterface } from 'node:readline/promises';
import { UsageError, type ExitCode } from '../errors.js';
import { RunControl } from '../run/control.js';
import { parseCurrencyAmount } from '../run/gates.js';
import { runPayouts, type RunOptions } from '../run/pipeline.js';
import type { CurrencyTotals } from '../run/summary.js';
import { Throttle } from '../run/throttle.js';
import { createProgress } from '../ui/progress.js';
import { formatSummary } from '../ui/summary-text.js';
import { openContext, terminalOf, type CommonArgs, type Io } from './context.js';

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

export async function runCommand(args: RunArgs, io: Io): Promise<ExitCode> {
  const options = toOptions(args, io.env);
  const throttle = new Throttle({ concurrency: options.concurrency, ...(args.maxRate ? { maxRate: args.maxRate } : {}) });
  const ctx = await openContext(args, io, throttle);
  const control = new RunControl();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (control.stopping) {
      ctx.logger.warn(`second ${signal}: exiting now; the journal is consistent, rerun the same command to resume`);
      process.exit(3);
    }
    ctx.logger.warn(`${signal}: finishing the requests in flight, then stopping (send it again to exit at once)`);
    control.stop('signal', `stopped by ${signal}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = createProgress(io.stderr, Number(io.env.MILKYPAY_PROGRESS_INTERVAL_MS) || 5000, terminalOf(io));
  try {
    const summary = await runPayouts(options, {
      api: ctx.api,
      rules: ctx.rules,
      logger: ctx.logger,
      progress,
      control,
      throttle,
      apiHost: new URL(ctx.config.apiUrl).host,
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
    await ctx.close();
  }
}

function toOptions(args: RunArgs, env: NodeJS.ProcessEnv): RunOptions {
  if (!Number.isInteger(args.concurrency) || args.concurrency < 1 || args.concurrency > 256) {
    throw new UsageError('bad_option', `--concurrency must be a whole number from 1 to 256 (got ${args.concurrency})`);
  }
  if (args.delimiter !== undefined && args.delimiter !== ',' && args.delimiter !== ';') {
    throw new UsageError('bad_option', `--delimiter must be "," or ";" (got ${JSON.stringify(args.delimiter)})`);
  }
  if (args.wait !== undefined && (!Number.isFinite(args.wait) || args.wait < 0)) {
    throw new UsageError('bad_option', '--wait takes a number of seconds, e.g. --wait 300');
  }
  if (args.expectCount !== undefined && (!Number.isInteger(args.expectCount) || args.expectCount < 0)) {
    throw new UsageError('bad_option', '--expect-count takes a whole number of rows');
  }
  if (args.maxRate !== undefined && !(args.maxRate > 0)) throw new UsageError('bad_option', '--max-rate takes a positive number of requests per second');
  return {
    input: args.input,
    ...(args.out ? { out: args.out } : {}),
    ...(args.journal ? { journal: args.journal } : {}),
    concurrency: args.concurrency,
    dryRun: Boolean(args.dryRun),
    process: args.process !== false,
    ...(args.wait !== undefined ? { waitSeconds: args.wait } : {}),
    ...(args.delimiter ? { delimiter: args.delimiter as ',' | ';' } : {}),
    live: Boolean(args.live),
    gates: {
      maxTotal: (args.maxTotal ?? []).map((t) => parseCurrencyAmount(t, '--max-total')),
      ...(args.expectCount !== undefined ? { expectCount: args.expectCount } : {}),
      expectTotal: (args.expectTotal ?? []).map((t) => parseCurrencyAmount(t, '--expect-total')),
    },
    // MILKYPAY_JOURNAL_FSYNC=0 is for the benchmark only (it measures what durability costs):
    // a crash could then lose journal lines, and a rerun could not tell what was sent.
    durable: args.durable !== false && env['MILKYPAY_JOURNAL_FSYNC'] !== '0',
  };
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
