/**
 * A rerun's results, written by the first pass while no row needs a request: each row as the
 * second pass would leave it (invalid, settled by an earlier run, held by the repeat-payee guard),
 * with the same summary counts, log lines and ledger voids. When every row is such a row, the run
 * has nothing to send and there is no second pass. At the first row that needs a request (one to
 * send, one to look up or poll), the file is dropped and the counts forgotten: the second pass
 * writes them all.
 */
import type { ResultsWriter } from '../csv/results.js';
import type { Logger } from '../log.js';
import type { PayoutInstruction } from '../payout/instruction.js';
import type { Pace, RowState } from '../payout/machine.js';
import type { ResultRow } from '../payout/result-row.js';
import { heldEnd, settledEnd } from '../payout/row-lifecycle.js';
import type { Progress } from './progress-events.js';
import type { RepeatScreen } from './repeat-screen.js';
import { logIfProblem, type SummaryBuilder } from './summary.js';

export class RerunResults {
  #writer: ResultsWriter | undefined;
  readonly #summary: SummaryBuilder;
  readonly #repeat: RepeatScreen;
  readonly #log: Logger;
  readonly #pace: Omit<Pace, 'now'>;

  constructor(writer: ResultsWriter, deps: { summary: SummaryBuilder; repeat: RepeatScreen; log: Logger; pace: Omit<Pace, 'now'> }) {
    this.#writer = writer;
    this.#summary = deps.summary;
    this.#repeat = deps.repeat;
    this.#log = deps.log;
    this.#pace = deps.pace;
  }

  /** Still writing: no row so far needed a request. */
  get writing(): boolean {
    return this.#writer !== undefined;
  }

  /** A row that failed validation (its row built by the caller, as the second pass builds it). */
  invalid(seq: number, row: ResultRow): void {
    if (!this.#writer) return;
    this.#writer.write(seq, row);
    this.#summary.addOutcome('invalid', row);
  }

  /** A row an earlier run settled: written as it stands if that needs no request, else the pass gives up. */
  settled(seq: number, payout: PayoutInstruction, state: RowState): void {
    if (!this.#writer) return;
    const end = settledEnd(payout, state, this.#pace);
    if (!end) return void this.giveUp();
    this.#done(seq, end.row);
    this.#repeat.settle(payout, end.row.outcome); // a failed or void payout stops holding its payee, as after the second pass
  }

  held(seq: number, payout: PayoutInstruction, message: string): void {
    if (!this.#writer) return;
    this.#done(seq, heldEnd(payout, message).row);
  }

  /** A row needs a request: the second pass writes the results. */
  async giveUp(): Promise<void> {
    const writer = this.#writer;
    if (!writer) return;
    this.#writer = undefined;
    this.#summary.clearOutcomes();
    await writer.abort();
  }

  /** The results file keeps up, so memory stays flat in the file's length. */
  async ready(): Promise<void> {
    await this.#writer?.ready();
  }

  /** Every row written: the results file takes its place; progress is told each row's outcome. */
  async close(rows: number, progress: Progress | undefined): Promise<void> {
    await this.#writer!.close({ expectedRows: rows });
    this.#writer = undefined;
    progress?.begin(rows);
    if (progress) for (const [outcome, n] of Object.entries(this.#summary.counts)) for (let i = 0; i < n; i++) progress.row(outcome as keyof SummaryBuilder['counts']);
  }

  #done(seq: number, row: ResultRow): void {
    this.#writer!.write(seq, row);
    this.#summary.addOutcome(row.outcome, row);
    logIfProblem(this.#log, row);
  }
}
