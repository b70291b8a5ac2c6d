import { PayoutsError, type ErrorContext } from '../errors.js';

/**
 * The input file cannot be used at all (unreadable, empty, not CSV, bad encoding, a missing,
 * unknown or repeated column, a header with no rows): exit 2, nothing sent. Codes: `unreadable_file`,
 * `empty_file`, `no_rows`, `not_csv`, `invalid_encoding`, `invalid_csv`, `missing_column`,
 * `unknown_column`, `duplicate_column`, `bad_ignore_column`.
 */
export class InputError extends PayoutsError {
  override readonly name: string = 'InputError';
  override readonly exitCode = 2 as const;
  readonly path: string;
  readonly line: number | undefined;

  constructor(code: string, message: string, context: ErrorContext & { path: string }) {
    super(code, message, 2, context);
    this.path = context.path;
    this.line = context.line;
  }
}
