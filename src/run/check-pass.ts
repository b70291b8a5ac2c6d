/**
 * The check before anything is sent: every row planned once, for the totals the gates, the plan
 * and the live confirmation need, the file-level errors (exit 2), and the rows the guard holds.
 * A dry run (and `plan`) writes each row's results row as the real run would leave it.
 */
import type { ResultsWriter } from '../csv/results.js';
import { AbortedError } from '../errors.js';
import type { PayoutInstruction } from '../payout/instruction.js';
import { resultRowOf } from '../payout/result-row.js';
import type { RunControl } from './run-control.js';
import type { JournaledRows } from './journaled-rows.js';
import type { RowPlan } from '../payout/plan-row.js';
import type { PlanSpool, SpooledPlan } from './plan-spool.js';
import { allowRepeatCell, voidsPayout, type RepeatScreen } from '../guards/repeat-screen.js';
import { planOf, rowBatches, type BatchRow, type BatchSource } from './row-batches.js';
import type { HeldSample, SummaryBuilder } from './summary.js';

export interface CheckIo {
  journaled: JournaledRows;
  repeat: RepeatScreen;
  summary: SummaryBuilder;
  holds: HeldSample[];
  /** A dry run: each row as the real run would leave it (a row to send is `valid`). */
  preview?: ResultsWriter;
  control?: RunControl;
  /** A real run: payouts the journal holds as made and the ledger lacks are recorded again (see RepeatScreen.repair). */
  repair?: boolean;
  /** A real run: each row's plan, for the paying pass. */
  spool?: PlanSpool;
}

/** Outcomes of a row settled before that mean its payout was made, or is on its way: the ledger must hold it. */
const MADE: ReadonlySet<string> = new Set(['processed', 'partial', 'submitted', 'created']);

export async function checkRows(source: Omit<BatchSource, 'screen'>, io: CheckIo): Promise<{ validRows: number; rows: number }> {
  const { journaled, repeat, summary, holds, preview, control } = io;
  // Every valid row goes through the guard, in file order: a later row may repeat a settled one.
  const screen: BatchSource['screen'] = (rows) => rows.map((r) => repeat.check(r));
  let seq = 0;
  let validRows = 0;
  for await (const batch of rowBatches({ ...source, screen })) {
    if (control?.stopping) throw stoppedBeforeSending(control);
    const made: { payout: PayoutInstruction; at: string }[] = [];
    for (const item of batch) {
      const plan = planOf(item);
      if (!item.valid) {
        const f = item.failure;
        summary.addInvalid({ line: f.line, reference_id: f.referenceId ?? item.cells.reference_id ?? '', column: f.column, error_code: f.errorCode, message: f.message });
      }
      if (plan.kind !== 'invalid') {
        validRows += 1;
        summary.addValid(plan.payout.currency, plan.payout.amount);
      }
      if (plan.kind === 'settled') {
        summary.addSettled(plan.payout.currency, plan.payout.amount);
        if (io.repair && item.valid && item.row.asIs && MADE.has(plan.outcome)) made.push({ payout: plan.payout, at: journaled.lastAt(plan.payout.referenceId)! });
      }
      if (plan.kind === 'held') holds.push({ line: plan.payout.line, reference_id: plan.payout.referenceId, message: plan.message });
      if (plan.kind === 'send') summary.addToSend(plan.payout.currency, plan.payout.amount, plan.payout.service);
      if (preview) {
        const row = resultRowOf(plan);
        preview.write(seq, row);
        summary.addOutcome(row.outcome, row);
      }
      io.spool?.add(spooled(plan, item));
      seq += 1;
    }
    if (made.length > 0) await repeat.repair(made);
    repeat.endBatch();
    // The results file (or the spool) keeps up, so memory stays flat in the file's length.
    await preview?.ready();
    await io.spool?.flush();
  }
  return { validRows, rows: seq };
}

/** What the paying pass needs of the row's plan: the row to execute, or its results row as it ended. */
function spooled(plan: RowPlan, item: BatchRow): SpooledPlan {
  if ((plan.kind === 'send' || (plan.kind === 'settled' && plan.follow)) && item.valid) return { go: { plan, allowRepeat: allowRepeatCell(item.cells), journaled: item.row.journaled } };
  const row = resultRowOf(plan);
  // A settled payout that failed (or never happened) stops holding its payee: the paying pass tells the ledger.
  if (plan.kind === 'settled' && voidsPayout(row.outcome)) return { done: { row, settled: { payout: plan.payout, outcome: row.outcome } } };
  return { done: { row } };
}

/** A signal while validating: nothing was sent, stop now whatever the file's size. */
function stoppedBeforeSending(control: RunControl): AbortedError {
  return new AbortedError('stopped', `${control.stopReason?.message ?? 'stopped'} while validating the file: nothing was sent; rerun the same command`);
}
