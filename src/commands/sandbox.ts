import type { ArgsOf, SANDBOX_OPTIONS } from '../cli-options.js';
import { UsageError, type ExitCode } from '../errors.js';
import { startSandbox } from '../sandbox/index.js';
import type { Faults, Sandbox } from '../sandbox/sandbox-types.js';
import type { Io } from '../wiring.js';

export type SandboxArgs = ArgsOf<typeof SANDBOX_OPTIONS>;

/** Serves the sandbox until SIGINT/SIGTERM. */
export async function sandboxCommand(args: SandboxArgs, io: Io): Promise<ExitCode> {
  checkOptions(args);
  const sandbox = await runSandboxCommand(args, io.stdout);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sandbox.close();
  return 0;
}

/** Starts the sandbox the options describe and prints the settings to paste into `.env`; the caller keeps it alive and closes it. */
export async function runSandboxCommand(args: Partial<SandboxArgs>, out: NodeJS.WritableStream): Promise<Sandbox> {
  const sandbox = await startSandbox({
    faults: faultsOf(args),
    ...(args.port !== undefined ? { port: args.port } : {}),
    ...(args.host !== undefined ? { host: args.host } : {}),
    ...(args.processDelay !== undefined ? { processDelayMs: args.processDelay } : {}),
    ...(args.liveMode ? { testMode: false } : {}),
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
  });
  const mode = args.liveMode ? 'live-key emulation' : 'test mode';
  out.write(
    [
      `# MilkyPay sandbox (${mode}) listening on ${sandbox.url}; paste these lines into .env:`,
      `MILKYPAY_API_URL=${sandbox.url}`,
      `MILKYPAY_PUBLIC_KEY=${sandbox.credentials.publicKey}`,
      `MILKYPAY_KEY_ID=${sandbox.credentials.keyId}`,
      `MILKYPAY_SECRET_KEY=${sandbox.credentials.secretKey}`,
      '',
    ].join('\n'),
  );
  return sandbox;
}

function faultsOf(args: Partial<SandboxArgs>): Faults {
  const faults: Faults = {};
  if (args.latency) faults.latencyMs = args.latency;
  if (args.failRate) faults.errorRates = { 500: args.failRate };
  if (args.commitThenFail) faults.commitThenFail = { rate: args.commitThenFail, mode: '500' };
  if (args.rateLimit) faults.rateLimit = { rate: args.rateLimit, retryAfterSeconds: 1 };
  return faults;
}

/** Shares are 0..1, durations, the port and the seed non-negative numbers (a port up to 65535): anything else is a usage error (exit 2). */
function checkOptions(args: SandboxArgs): void {
  for (const [flag, value] of [['--fail-rate', args.failRate], ['--commit-then-fail', args.commitThenFail], ['--rate-limit', args.rateLimit]] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value <= 1)) {
      throw new UsageError('bad_option', `${flag} takes a share from 0 to 1, e.g. ${flag} 0.05 (got ${value})`);
    }
  }
  for (const [flag, value] of [['--latency', args.latency], ['--process-delay', args.processDelay], ['--port', args.port], ['--seed', args.seed]] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new UsageError('bad_option', `${flag} takes a number, e.g. ${flag} ${flag === '--port' ? '8080' : '25'} (got ${Number.isNaN(value) ? 'something else' : value})`);
    }
  }
  if (args.port > 65535) throw new UsageError('bad_option', `--port takes 0..65535 (got ${args.port})`);
}
