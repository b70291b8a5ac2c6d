import type { ExitCode } from '../errors.js';
import { runSandboxCommand } from '../sandbox/command.js';
import type { Io } from './context.js';

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
