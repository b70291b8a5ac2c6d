/**
 * What earlier runs journaled, as this run's first pass reads it: each row's resumed state is
 * worked out once (one fingerprint a row, shared by the validator's settled check and the pass),
 * and a rerun with nothing left to send is told so row by row.
 */
import type { JournalEntry } from '../journal/entry.js';
import type { Fingerprinter } from '../payout/fingerprint.js';
import type { PayoutInstruction } from '../payout/instruction.js';
import { begin, commandFor, type Pace, type RowState } from '../payout/machine.js';
import { resumeState } from '../payout/record.js';
import { rowFingerprint, settledIn, type Settled } from '../payout/row-lifecycle.js';

interface Resumed {
  state: RowState;
  /** The journal's entry was made for this very instruction (same fingerprint). */
  same: boolean;
}

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

  has(ref: string): boolean {
    return this.#entries.has(ref);
  }

  entry(ref: string): JournalEntry | undefined {
    return this.#entries.get(ref);
  }

  /**
   * Settled by an earlier run: where its journal entry left it and the outcome it keeps; undefined
   * when this run sends for it. A submitted row counts as settled though it may still be polled.
   */
  settled(payout: PayoutInstruction): Settled | undefined {
    return settledIn(this.#resume(payout).state, this.#process);
  }

  /** Settled by an earlier run for this exact instruction: the service rules have no say over it any more. */
  settledAsIs(payout: PayoutInstruction): boolean {
    return this.#resume(payout).same && this.settled(payout) !== undefined;
  }

  /** The batch is done with: its rows are not asked about again. */
  endBatch(): void {
    this.#resumed.clear();
  }

  #resume(payout: PayoutInstruction): Resumed {
    let resumed = this.#resumed.get(payout);
    if (resumed) return resumed;
    const entry = this.#entries.get(payout.referenceId);
    if (!entry) resumed = { state: { kind: 'new' }, same: false };
    else {
      const fp = rowFingerprint(payout, this.fingerprint);
      resumed = { state: resumeState(entry, fp, payout.referenceId), same: entry.fp === fp };
    }
    this.#resumed.set(payout, resumed);
    return resumed;
  }
}

/** The state a settled row begins this run in, when that needs no request (else undefined: the row has work left). */
export function finishedState(state: RowState, pace: Omit<Pace, 'now'>): RowState | undefined {
  const started = begin(state, Object.assign({}, pace, { now: Date.now() }));
  return commandFor(started).kind === 'finish' ? started : undefined;
}
