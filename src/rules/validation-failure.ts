import type { PayoutInstruction } from '../payout/instruction.js';
import type { InputRecord } from './input-record.js';

export type ValidationErrorCode =
  | 'malformed_row'
  | 'missing_reference_id'
  /** Whitespace at either end, or a control, format or zero-width character anywhere. */
  | 'invisible_character_in_reference_id'
  | 'duplicate_reference_id'
  | 'missing_column_value'
  | 'invalid_currency'
  | 'currency_not_offered'
  | 'invalid_amount'
  | 'amount_not_positive'
  | 'amount_precision'
  | 'amount_out_of_range'
  | 'unknown_service'
  | 'service_disabled'
  | 'service_unavailable'
  /** The API's regexp for a field this row uses does not compile: the row cannot be checked. */
  | 'service_rule_invalid'
  | 'missing_field'
  | 'field_mismatch'
  | 'unknown_field'
  | 'invalid_email'
  | 'invalid_callback_url'
  /** `context.card` and `context.card.exp_month` both filled: one place cannot be a value and an object. */
  | 'nested_column_clash';

export interface ValidationFailure {
  ok: false;
  line: number;
  referenceId?: string;
  errorCode: ValidationErrorCode;
  column?: string;
  message: string;
}

export type ValidationResult = { ok: true; payout: PayoutInstruction } | ValidationFailure;

/** What a check against the service rules found, before the row's line is put in front. */
export interface Problem {
  code: ValidationErrorCode;
  message: string;
  column?: string;
}

export function failure(rec: InputRecord, errorCode: ValidationErrorCode, message: string, column?: string): ValidationFailure {
  const f: ValidationFailure = { ok: false, line: rec.line, errorCode, message };
  const referenceId = rec.cells['reference_id'];
  if (referenceId !== undefined) f.referenceId = referenceId;
  if (column !== undefined) f.column = column;
  return f;
}
