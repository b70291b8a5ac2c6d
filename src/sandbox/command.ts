/** `milkypay-payouts sandbox`: start the sandbox and print the settings to paste into `.env`. */
import { startSandbox } from './index.js';
import type { Faults, Sandbox } from './sandbox-types.js';

export interface SandboxCommandOptions {
  port?: number;
  host?: string;
  latencyMs?: number;
  /** Share of requests answered 500, no effect. */
  failRate?: number;
  /** Share of create/process requests that take effect and then answer 500. */
  commitThenFailRate?: number;
  /** Share of requests answered 429 with Retry-After: 1. */
  rateLimitRate?: number;
  processDelayMs?: number;
  testMode?: boolean;
  seed?: number;
}

export function commandFaults(opts: SandboxCommandOptions): Faults {
  const faults: Faults = {};
  if (opts.latencyMs) faults.latencyMs = opts.latencyMs;
  if (opts.failRate) faults.errorRates = { 500: opts.failRate };
  if (opts.commitThenFailRate) faults.commitThenFail = { rate: opts.commitThenFailRate, mode: '500' };
  if (opts.rateLimitRate) faults.rateLimit = { rate: opts.rateLimitRate, retryAfterSeconds: 1 };
  return faults;
}

/** Starts the sandbox and returns it; the caller keeps the process alive and closes it on SIGINT. */
export async function runSandboxCommand(opts: SandboxCommandOptions, out: NodeJS.WritableStream): Promise<Sandbox> {
  const sandbox = await startSandbox({
    faults: commandFaults(opts),
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.host !== undefined ? { host: opts.host } : {}),
    ...(opts.processDelayMs !== undefined ? { processDelayMs: opts.processDelayMs } : {}),
    ...(opts.testMode !== undefined ? { testMode: opts.testMode } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  });
  const mode = opts.testMode === false ? 'live-key emulation' : 'test mode';
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
