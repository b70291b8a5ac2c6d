/**
 * The one batch loop of a run: the private copy of the input read batch by batch, each row
 * validated, resumed from the journal and begun, and the batch screened by the repeat-payee guard.
 * The check before sending (run, dry run, `plan`) reads the rows through it and plans each with
 * `planOf` (payout/plan-row.ts); a real run's paying pass then reads those plans (plan-spool.ts).
 */
import type { InputFile } from '../csv/input.js';
import type { Pace } from '../payout/machine.js';
import { planInvalid, planRow, startRow, type RowPlan, type StartedRow, type Verdict } from '../payout/plan-row.js';
import type { ValidationFailure, Validator } from '../rules/index.js';
import type { JournaledRows } from './journaled-rows.js';
import { allowRepeatCell, type ScreenRow } from '../guards/repeat-screen.js';

/** One row of a batch: valid (begun, with the guard's verdict), or what made it invalid. */
export type BatchRow =
  | { valid: true; row: StartedRow; verdict: Verdict; cells: Readonly<Record<string, string>> }
  | { valid: false; failure: ValidationFailure; cells: Readonly<Record<string, string>> };

export interface BatchSource {
  file: InputFile;
  /** One validator a run: each currency's rules are asked for once, whichever pass meets it first. */
  validator: Validator;
  journaled: JournaledRows;
  pace: Omit<Pace, 'now'>;
  /** The guard's verdicts on the batch's valid rows, in file order. */
  screen(rows: readonly ScreenRow[]): Verdict[] | Promise<Verdict[]>;
}

/** The input's rows, batch by batch (what the parser has buffered: one await a batch, not a row). */
export async function* rowBatches(source: BatchSource): AsyncGenerator<BatchRow[]> {
  const { file, validator, journaled, pace } = source;
  for await (const records of file.batches()) {
    const results = await validator.validateBatch(records, file.layout);
    const started: (StartedRow | undefined)[] = results.map((r) => (r.ok ? startRow(r.payout, journaled.resumed(r.payout), pace) : undefined));
    journaled.endBatch();
    const screened: ScreenRow[] = [];
    for (let i = 0; i < records.length; i++) {
      const row = started[i];
      if (row) screened.push({ payout: row.payout, allowRepeat: allowRepeatCell(records[i]!.cells), journaled: row.journaled, sends: row.sends });
    }
    const verdicts = await source.screen(screened);
    let v = 0;
    yield records.map((record, i): BatchRow => {
      const row = started[i];
      if (row) return { valid: true, row, verdict: verdicts[v++]!, cells: record.cells };
      return { valid: false, failure: results[i] as ValidationFailure, cells: record.cells };
    });
  }
}

/** The row's plan. */
export function planOf(item: BatchRow): RowPlan {
  return item.valid ? planRow(item.row, item.verdict, undefined) : planInvalid(item.failure, item.cells);
}
