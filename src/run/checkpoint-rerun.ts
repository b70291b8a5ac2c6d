/**
 * The unchanged rerun of a finished batch: its rows' plans taken from the journal's checkpoint
 * (every valid row settled, folded), with no parsing, validation, replay or request, the same
 * results file (left as it is: the checkpoint matched it byte for byte), and the summary finished
 * by the one summary path, as the full path would.
 */
import { readCheckpoint, removeCheckpoint, writeCheckpoint, type CheckpointKey } from '../journal/checkpoint.js';
import type { Logger } from '../log.js';
import { FINAL_OUTCOMES, OUTCOMES } from '../payout/outcome.js';
import type { Account } from '../guards/account.js';
import { checkGates } from '../guards/gates.js';
import type { RunOptions } from './run-options.js';
import type { Progress } from './progress-events.js';
import { finishSummary, SummaryBuilder, type RerunTally, type RunSummary } from './summary.js';

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

export interface CheckpointRerun {
  paths: { journal: string; results: string };
  ignoredColumns: string[];
  logger: Logger;
  reportLogger?: Logger | undefined;
  progress?: Progress | undefined;
}

/** The summary of the rerun, or undefined when the checkpoint does not match: take the full path. */
export async function rerunFromCheckpoint(key: CheckpointKey, opts: RunOptions, env: CheckpointRerun): Promise<RunSummary | undefined> {
  const { journal, results } = env.paths;
  const found = await readCheckpoint<RerunTally>(journal, key);
  if (!found) return undefined;
  const summary = SummaryBuilder.fromRerunTally(found.tally);
  // The same refusals as the full path: a finished batch has nothing to send, every valid row settled.
  checkGates(opts.gates, summary.gateCounts(0));
  const log = env.reportLogger ?? env.logger;
  log.info({ input: opts.input, rows: summary.rows, send: 0, settled: summary.settled, journal, checkpoint: true }, 'run started');
  env.progress?.begin(summary.rows);
  for (const outcome of OUTCOMES) for (let i = 0; i < summary.counts[outcome]; i++) env.progress?.row(outcome);
  return finishSummary(summary, {
    account: key.binding as Account, input: opts.input, results, journal, dryRun: false, ignoredColumns: env.ignoredColumns, log,
    ...(opts.waitSeconds !== undefined ? { waitSeconds: opts.waitSeconds } : {}),
  });
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
  await writeCheckpoint(journal, key, { tally: built.rerunTally() });
}
