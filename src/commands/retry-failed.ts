import { resolve } from 'node:path';
import type { ArgsOf, RETRY_OPTIONS } from '../cli-options.js';
import type { ExitCode } from '../errors.js';
import { writeRetryFile } from '../retry-failed/write-retry-file.js';
import { asTypedPath, programOf } from '../ui/command-name.js';
import { shellQuote } from '../ui/shell-quote.js';
import type { Io } from '../wiring.js';

export type RetryFailedArgs = ArgsOf<typeof RETRY_OPTIONS> & { input: string };

export async function retryFailedCommand(args: RetryFailedArgs, io: Io): Promise<ExitCode> {
  const at = (path: string): string => resolve(io.cwd, path);
  const report = await writeRetryFile({
    input: at(args.input),
    suffix: args.suffix,
    ...(args.journal ? { journal: at(args.journal) } : {}),
    ...(args.out ? { out: at(args.out) } : {}),
  });
  if (report.rows === 0) {
    io.stderr.write(`No failed payouts in ${args.journal || 'the journal'}: nothing to re-pay, no file written.\n`);
    return 0;
  }
  const shown = asTypedPath(report.out, io.cwd);
  const payouts = report.rows === 1 ? '1 failed payout' : `${report.rows} failed payouts`;
  io.stderr.write(`Wrote ${shown}: ${payouts} under new references (${report.references[0]!.from} -> ${report.references[0]!.to}${report.rows > 1 ? ', …' : ''}).\n`);
  io.stderr.write(`These payouts failed on ${report.boundTo}: pay the new file against that API and account.\n`);
  io.stderr.write(`Check it, then pay them: ${programOf(io)} run ${shellQuote(shown)}\n`);
  return 0;
}
