import type { InputFile } from '../csv/input.js';
import type { ResultsWriter } from '../csv/results.js';
import { AbortedError } from '../errors.js';
import { invalidRow } from '../payout/result-row.js';
import { plannedRow } from '../payout/row-lifecycle.js';
import type { RunControl } from '../payout/run-control.js';
import { createValidator, type PayoutInstruction } from '../rules/index.js';
import type { JournaledRows } from './journaled-rows.js';
import type { RepeatScreen } from './repeat-screen.js';
import type { RerunResults } from './rerun-results.js';
import type { RunEnv } from './run-options.js';
import type { HeldSample, SummaryBuilder } from './summary.js';

export interface FirstPassIo {
  journaled: JournaledRows;
  repeat: RepeatScreen;
  holds: HeldSample[];
  /** A dry run: each row as the real run would leave it; settled rows keep their outcome, held rows are `repeat_payee`, the rest `valid`. */
  preview?: ResultsWriter;
  /** A rerun: the results, written while no row needs a request. */
  rerun?: RerunResults;
  control?: RunControl;
  /** A real run: payouts the journal holds as made and the ledger lacks are recorded again (see RepeatScreen.repair). */
  repair?: boolean;
}

/** Outcomes of a row settled before that mean its payout was made, or is on its way: the ledger must hold it. */
const MADE: ReadonlySet<string> = new Set(['processed', 'partial', 'submitted', 'created']);

/**
 * Validates every row before anything is sent: totals for the gates, file-level errors (exit 2),
 * which rows the journal already holds as settled, and which the repeat-payee guard holds. A row
 * settled for this very instruction skips the checks of the service rules (they cannot undo it).
 */
export async function firstPass(file: InputFile, env: RunEnv, summary: SummaryBuilder, io: FirstPassIo): Promise<{ validRows: number; rows: number }> {
  const { journaled, repeat, holds, preview, rerun, control } = io;
  const validator = createValidator(env.rules, journaled.any ? { settled: (payout) => journaled.settledAsIs(payout) } : {});
  let seq = 0;
  let validRows = 0;
  let made: { payout: PayoutInstruction; at: string }[] = [];
  // Batches, not rows: one await per batch of what the parser has buffered, not two per row.
  for await (const records of file.batches()) {
    if (control?.stopping) throw stoppedBeforeSending(control);
    const results = await validator.validateBatch(records, file.layout);
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const result = results[i]!;
      if (result.ok) {
        const payout = result.payout;
        validRows += 1;
        summary.addValid(payout.currency, payout.amount);
        const settled = journaled.any ? journaled.settled(payout) : undefined;
        // Every valid row goes through the check, in file order: a later row may repeat a settled one.
        const verdict = repeat.check(payout, record.cells, journaled.has(payout.referenceId));
        if (io.repair && settled && MADE.has(settled.outcome) && journaled.settledAsIs(payout)) made.push({ payout, at: journaled.lastAt(payout.referenceId)! });
        if (settled) summary.addSettled(payout.currency, payout.amount);
        else if (verdict.held) holds.push({ line: payout.line, reference_id: payout.referenceId, message: verdict.message });
        else summary.addToSend(payout.currency, payout.amount, payout.service);
        if (preview) {
          const row = plannedRow(payout, settled, verdict.held ? verdict.message : undefined);
          preview.write(seq, row);
          summary.addOutcome(row.outcome, row);
        }
        if (rerun?.writing) {
          if (settled) rerun.settled(seq, payout, settled.state);
          else if (verdict.held) rerun.held(seq, payout, verdict.message);
          else await rerun.giveUp(); // a row to send
        }
      } else {
        summary.addInvalid({ line: result.line, reference_id: result.referenceId ?? record.cells.reference_id ?? '', column: result.column, error_code: result.errorCode, message: result.message });
        if (preview) {
          const row = invalidRow(result, record.cells);
          preview.write(seq, row);
          summary.addOutcome('invalid', row);
        }
        rerun?.invalid(seq, invalidRow(result, record.cells));
      }
      seq += 1;
    }
    journaled.endBatch();
    if (made.length > 0) await repeat.repair(made);
    made = [];
    // The results file keeps up, so memory stays flat in the file's length.
    await preview?.ready();
    await rerun?.ready();
  }
  return { validRows, rows: seq };
}

/** A signal while validating: nothing was sent, stop now whatever the file's size. */
function stoppedBeforeSending(control: RunControl): AbortedError {
  return new AbortedError('stopped', `${control.stopReason?.message ?? 'stopped'} while validating the file: nothing was sent; rerun the same command`);
}
