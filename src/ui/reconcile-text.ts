import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ReconcileReport } from '../reconcile/reconcile-journal.js';
import { shellQuote } from './shell-quote.js';
import { problemLines, retryFailedCommand, stillProcessingLine } from './summary-text.js';

/** How the report names the commands to type next: the program and journal as the user gave them. */
export interface ReconcileCommandLine {
  program: string;
  /** The journal as typed. */
  journal: string;
  cwd: string;
}

/** The input a journal was written for: `payouts.journal.jsonl` (or `.sandbox.journal.jsonl`) -> `payouts.csv`, when it is there. */
function inputOfJournal(journal: string, cwd: string): string | undefined {
  const input = journal.replace(/(\.sandbox)?\.journal\.jsonl$/, '.csv');
  return input !== journal && existsSync(resolve(cwd, input)) ? input : undefined;
}

/** The human report of `reconcile` on stdout: what moved, the rows that need a person, what to do next. */
export function formatReconcile(r: ReconcileReport, cmd: ReconcileCommandLine): string {
  const lines = [`Checked ${r.checked} invoices not final yet; ${r.changed} changed.`];
  for (const [move, n] of Object.entries(r.moves)) lines.push(`  ${n} ${n === 1 ? 'invoice' : 'invoices'} moved ${move.replace(' -> ', ' to ')}`);
  if (r.failedReads) lines.push(`  ${r.failedReads} could not be read; run reconcile again later.`);
  if (r.waited?.stillProcessing) lines.push(stillProcessingLine(r.waited));
  if (r.stopped) lines.push(`  ${r.stopped} before every payout was followed to its end (exit 3); ${r.counts.submitted} still processing.`);
  lines.push(...problemLines(r));
  if (r.results) lines.push(`Results rewritten: ${r.results}`);
  const steps: string[] = [];
  if (r.counts.failed) {
    const input = inputOfJournal(cmd.journal, cmd.cwd);
    const retry = retryFailedCommand(cmd.program, input ?? '<input.csv>', cmd.journal);
    steps.push(`re-pay failed rows under new references${input ? '' : ' (name the CSV file the journal was run from)'}: ${retry}`);
  }
  if (r.counts.partial) steps.push('check the partially processed rows listed above: less was paid than asked.');
  if (r.failedReads || r.counts.submitted || r.stopped) steps.push(`follow the rest later: ${cmd.program} reconcile ${shellQuote(cmd.journal)}${r.waited ? ` --wait ${r.waited.seconds}` : ''}`);
  return [...lines, ...steps.map((s) => `Next: ${s}`)].join('\n') + '\n';
}
