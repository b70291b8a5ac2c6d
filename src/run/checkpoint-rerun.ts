/**
 * The unchanged rerun of a finished batch: answered from the journal's checkpoint, with no
 * parsing, validation, replay or request, the same results file (left as it is: the checkpoint
 * matched it byte for byte) and the summary the full path would print.
 */
import { readCheckpoint, removeCheckpoint, writeCheckpoint, type CheckpointKey } from '../journal/checkpoint.js';
import type { Logger } from '../log.js';
import { Totals } from '../money.js';
import { FINAL_OUTCOMES, OUTCOMES } from '../payout/outcome.js';
import type { Account } from '../guards/account.js';
import { checkGates } from '../guards/gates.js';
import type { RunOptions } from './run-options.js';
import type { Progress } from './progress-events.js';
import type { RunSummary, SummaryBuilder } from './summary.js';

/** `input`: the bytes the run read (its private copy's size and SHA-256, hex); `ledger`: which repeat-payee ledger the run recorded its payouts in (see ledgerIdentity). */
export function checkpointKey(opts: RunOptions, paths: { results: string }, account: Account, input: { size: number; sha256: string }, ledger: string): CheckpointKey {
  return {
    binding: account,
    input: opts.input,
    inputMark: { size: input.size, sha256: input.sha256 },
    results: paths.results,
    options: { process: opts.process, wait: opts.waitSeconds !== undefined, delimiter: opts.delimiter ?? null, sandbox: Boolean(opts.sandbox), ledger, ...(opts.ignoreColumns?.length ? { ignoreColumns: opts.ignoreColumns } : {}) },
  };
}

/** The summary of the rerun, or undefined when the checkpoint does not match: take the full path. */
export async function rerunFromCheckpoint(
  journal: string,
  key: CheckpointKey,
  opts: RunOptions,
  env: { logger: Logger; reportLogger?: Logger | undefined; progress?: Progress | undefined },
): Promise<RunSummary | undefined> {
  const found = await readCheckpoint<RunSummary>(journal, key);
  if (!found) return undefined;
  const requested = new Totals();
  for (const [currency, amount] of found.requested) requested.add(currency, amount);
  // The same refusals as the full path: a finished batch has nothing to send, every valid row settled.
  checkGates(opts.gates, { sendRows: 0, send: new Totals(), settledRows: found.validRows, settled: requested, heldRows: 0 });
  const summary: RunSummary = { ...found.summary, account: key.binding as Account };
  const log = env.reportLogger ?? env.logger;
  log.info({ input: opts.input, rows: summary.rows, send: 0, settled: summary.plan.settled, journal, checkpoint: true }, 'run started');
  env.progress?.begin(summary.rows);
  for (const outcome of OUTCOMES) for (let i = 0; i < summary.counts[outcome]; i++) env.progress?.row(outcome);
  const counts = Object.fromEntries(Object.entries(summary.counts).filter(([, n]) => n > 0));
  log.info({ counts, totals: summary.totals, exitCode: summary.exitCode }, 'run finished');
  return summary;
}

/**
 * After a run that finished with every row settled for good, the checkpoint its rerun will use;
 * after any other run, none (a rerun then has work to do, and takes the full path).
 */
export async function checkpointAfterRun(journal: string, key: CheckpointKey, opts: RunOptions, out: RunSummary, built: SummaryBuilder): Promise<void> {
  const settled = OUTCOMES.every(
    (o) => out.counts[o] === 0 || FINAL_OUTCOMES.has(o) || (o === 'submitted' && opts.waitSeconds === undefined) || (o === 'created' && !opts.process),
  );
  if (out.stopped || !settled || out.dryRun) {
    await removeCheckpoint(journal);
    return;
  }
  const validRows = out.rows - built.invalidRows;
  const rerun: RunSummary = { ...out, plan: { send: 0, settled: validRows, totals: [] }, sent: 0 };
  await writeCheckpoint(journal, key, { validRows, requested: built.requestedTotals.entries(), summary: rerun });
}
