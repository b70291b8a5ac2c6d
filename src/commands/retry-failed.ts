import { resolve } from 'node:path';
import type { ExitCode } from '../errors.js';
import { writeRetryFile } from '../run/retry-failed.js';
import type { Io } from './context.js';

export interface RetryFailedArgs {
  input: string;
  journal?: string;
  suffix: string;
  out?: string;
}

export async function retryFailedCommand(args: RetryFailedArgs, io: Io): Promise<ExitCode> {
  const at = (path: string): string => resolve(io.cwd, path);
  const report = await writeRetryFile({
    input: at(args.input),
    suffix: args.suffix,
    ...(args.journal ? { journal: at(args.journal) } : {}),
    ...(args.out ? { out: at(args.out) } : {}),
  });
  if (report.rows === 0) {
    io.stderr.write(`No failed payouts in the journal: nothing to re-pay. (${report.out} holds only the header.)\n`);
    return 0;
  }
  io.stderr.write(`Wrote ${report.out}: ${report.rows} failed payouts under new references (${report.references[0]!.from} -> ${report.references[0]!.to}${report.rows > 1 ? ', …' : ''}).\n`);
  io.stderr.write(`These payouts failed on ${report.boundTo}: pay the new file against that API and account.\n`);
  io.stderr.write(`Check it, then pay them: milkypay-payouts run ${report.out}\n`);
  return 0;
}
