import { UsageError, type ExitCode } from '../errors.js';
import { runSandboxCommand } from '../sandbox/command.js';
import type { Io } from '../wiring.js';

export interface SandboxArgs {
  port: number;
  host: string;
  latency?: number;
  failRate?: number;
  commitThenFail?: number;
  rateLimit?: number;
  processDelay?: number;
  liveMode?: boolean;
  seed?: number;
}

/** Serves the sandbox until SIGINT/SIGTERM. */
export async function sandboxCommand(args: SandboxArgs, io: Io): Promise<ExitCode> {
  checkOptions(args);
  const sandbox = await runSandboxCommand(
    {
      port: args.port,
      host: args.host,
      ...(args.latency !== undefined ? { latencyMs: args.latency } : {}),
      ...(args.failRate !== undefined ? { failRate: args.failRate } : {}),
      ...(args.commitThenFail !== undefined ? { commitThenFailRate: args.commitThenFail } : {}),
      ...(args.rateLimit !== undefined ? { rateLimitRate: args.rateLimit } : {}),
      ...(args.processDelay !== undefined ? { processDelayMs: args.processDelay } : {}),
      ...(args.liveMode ? { testMode: false } : {}),
      ...(args.seed !== undefined ? { seed: args.seed } : {}),
    },
    io.stdout,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sandbox.close();
  return 0;
}

/** Shares are 0..1, durations and ports whole non-negative numbers: anything else is a usage error (exit 2). */
function checkOptions(args: SandboxArgs): void {
  const shares: Array<[string, number | undefined]> = [
    ['--fail-rate', args.failRate],
    ['--commit-then-fail', args.commitThenFail],
    ['--rate-limit', args.rateLimit],
  ];
  for (const [flag, value] of shares) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value <= 1)) {
      throw new UsageError('bad_option', `${flag} takes a share from 0 to 1, e.g. ${flag} 0.05 (got ${value})`);
    }
  }
  const amounts: Array<[string, number | undefined]> = [
    ['--latency', args.latency],
    ['--process-delay', args.processDelay],
    ['--port', args.port],
    ['--seed', args.seed],
  ];
  for (const [flag, value] of amounts) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new UsageError('bad_option', `${flag} takes a number, e.g. ${flag} ${flag === '--port' ? '8080' : '25'} (got ${Number.isNaN(value) ? 'something else' : value})`);
    }
  }
  if (args.port > 65535) throw new UsageError('bad_option', `--port takes 0..65535 (got ${args.port})`);
}
