/**
 * What earlier runs journaled, as a pass of this run reads it: where each row resumes (payout's
 * `resumeRow`) is worked out once, one fingerprint a row, shared by the validator's settled check
 * and the pass.
 */
import type { JournalEntry } from '../journal/entry.js';
import type { Fingerprinter } from '../payout/fingerprint.js';
import type { PayoutInstruction } from '../payout/instruction.js';
import { resumeRow, settledOutcome, type Resumed } from '../payout/plan-row.js';

export class JournaledRows {
  readonly #entries: ReadonlyMap<string, JournalEntry>;
  /** The journal's keyed fingerprint. */
  readonly fingerprint: Fingerprinter;
  readonly #process: boolean;
  /**
   * The batch's rows by instruction object: the validator's check and the pass then fingerprint a
   * row once. A Map emptied after each batch, not a WeakMap: weak keys cost the collector per row.
   */
  readonly #resumed = new Map<PayoutInstruction, Resumed>();

  constructor(entries: ReadonlyMap<string, JournalEntry>, fingerprint: Fingerprinter, options: { process: boolean }) {
    this.#entries = entries;
    this.fingerprint = fingerprint;
    this.#process = options.process;
  }

  /** The journal holds entries of an earlier run. */
  get any(): boolean {
    return this.#entries.size > 0;
  }

  /** When the journal last recorded this row (ISO 8601), if it holds it. */
  lastAt(ref: string): string | undefined {
    return this.#entries.get(ref)?.at;
  }

  /** Settled by an earlier run for this exact instruction: the service rules have no say over it any more. */
  settledAsIs(payout: PayoutInstruction): boolean {
    const resumed = this.resumed(payout);
    return resumed.same && settledOutcome(resumed.state, this.#process) !== undefined;
  }

  /** The batch is done with: its rows are not asked about again. */
  endBatch(): void {
    this.#resumed.clear();
  }

  /** Where the row's journal entry leaves it (`new`, and nothing kept, for a row the journal does not hold). */
  resumed(payout: PayoutInstruction): Resumed {
    let resumed = this.#resumed.get(payout);
    if (resumed) return resumed;
    const entry = this.#entries.get(payout.referenceId);
    resumed = resumeRow(payout, entry, this.fingerprint);
    if (entry) this.#resumed.set(payout, resumed);
    return resumed;
  }
}
