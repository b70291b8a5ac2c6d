import type { Fingerprinter } from './fingerprint.js';
import type { PayoutInstruction } from './instruction.js';
import { begin, type Pace, type RowState } from './machine.js';
import { resumeState, type RowRecord } from './record.js';
import type { RowJob } from './runner.js';

/** The journal fingerprint of what a row pays. */
export function rowFingerprint(payout: PayoutInstruction, fingerprint: Fingerprinter): string {
  return fingerprint({ service: payout.service, currency: payout.currency, amount: payout.amount, fields: payout.request.fields });
}

/** The state a row starts this run in: `new`, or where its journal entry (made for the same payment, else a doubt) left it. */
export function journaledState(payout: PayoutInstruction, entry: RowRecord | undefined, fingerprint: Fingerprinter): RowState {
  return entry ? resumeState(entry, rowFingerprint(payout, fingerprint), payout.referenceId) : { kind: 'new' };
}

/**
 * One row's job for this run, from its instruction and its journal entry: fingerprinted, resumed,
 * and begun (a `created` or `submitted` row moved on as the options say). A job whose `started`
 * state has nothing to send was settled by an earlier run.
 */
export function startRow(payout: PayoutInstruction, entry: RowRecord | undefined, fingerprint: Fingerprinter, pace: Omit<Pace, 'now'>): RowJob & { started: RowState } {
  const fp = rowFingerprint(payout, fingerprint);
  const initial: RowState = entry ? resumeState(entry, fp, payout.referenceId) : { kind: 'new' };
  // Object.assign, not `{ ...pace, now }`: the spread form costs µs a row, seconds on a big resume.
  const started = begin(initial, Object.assign({}, pace, { now: Date.now() }));
  return { line: payout.line, referenceId: payout.referenceId, fp, request: payout.request, initial, started };
}
